"""Deadlines on the Chinese working-day calendar, statuses, figures, stats.json/csv, pages, `stats`, audit."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from helpers import SITE, dept, front, write_site

from releasehall.settings.workdays import WorkCalendar, known_years

NOW = "2024-10-20T12:00:00+08:00"


def q(asked: str, replied: str | None = None, **extra) -> str:
    data = {"title": "问题", "asked": asked, "question": "问？", **extra}
    if replied:
        data["replied"] = replied
    return front(data, "\n答复。\n" if replied else "")


@pytest.mark.parametrize(
    ("asked", "limit", "due"),
    [
        (date(2024, 9, 27), 3, date(2024, 10, 8)),  # SPEC: make-up Sunday 09-29, National Day off
        (date(2024, 10, 9), 3, date(2024, 10, 12)),  # make-up Saturday 10-12 counts
        (date(2024, 9, 12), 3, date(2024, 9, 18)),  # Mid-Autumn: make-up Sat 09-14, 15-17 off
        (date(2024, 9, 27), 7, date(2024, 10, 12)),  # both make-up days count
    ],
)
def test_due_dates(asked, limit, due):
    assert WorkCalendar().add_workdays(asked, limit) == due


def test_site_calendar_overrides_official_one():
    calendar = WorkCalendar(frozenset({date(2024, 10, 8)}), frozenset({date(2024, 10, 5)}))
    assert calendar.add_workdays(date(2024, 9, 27), 3) == date(2024, 10, 5)
    assert calendar.add_workdays(date(2024, 9, 27), 4) == date(2024, 10, 9)


def test_reply_days_spec_example():
    assert WorkCalendar().workdays_between(date(2024, 9, 27), date(2024, 10, 8)) == 3


@pytest.mark.parametrize(("start", "end"), [
    (date(2024, 9, 27), date(2024, 10, 8)), (date(2023, 12, 31), date(2024, 1, 2)), (date(2023, 12, 30), date(2025, 3, 1)),
    (date(2024, 1, 1), date(2024, 12, 31)), (date(2024, 5, 5), date(2024, 5, 5)), (date(2024, 5, 6), date(2024, 5, 1)),
    (date(2026, 12, 31), date(2027, 1, 15)), (date(2025, 12, 31), date(2026, 12, 31)),
])
def test_working_days_between_count_each_day_after_start_through_end(start, end):
    extra = WorkCalendar(frozenset({date(2024, 10, 8), date(2025, 1, 2)}), frozenset({date(2024, 10, 5)}))
    for calendar in (WorkCalendar(), extra):
        expected, day = 0, start
        while day < end:
            day += timedelta(days=1)
            expected += calendar.is_workday(day)
        fresh = WorkCalendar(calendar.extra_holidays, calendar.extra_workdays)
        assert fresh.workdays_between(start, end) == expected
        # the years warned about are those of the days counted, as when counting day by day
        counted = {(start + timedelta(days=n)).year for n in range(1, (end - start).days + 1)}
        assert fresh.unknown_years == {year for year in counted if year not in known_years()}


FILES = {
    "content/a/department.yaml": dept("甲局"),
    "content/b/department.yaml": dept("乙局", parent="a", partners=["a"]),
    # on time, SPEC example
    "content/a/qa/q1.md": q("2024-09-27 10:00", "2024-10-08 09:00", satisfaction="satisfied"),
    # late by a day: due 10-12 (make-up Saturday), replied 10-14
    "content/a/qa/q2.md": q("2024-10-09", "2024-10-14 10:00", satisfaction="unsatisfied"),
    # overdue: asked 10-14, due 10-17, now 10-20
    "content/a/qa/q3.md": q("2024-10-14 09:00"),
    # pending: asked 10-18 (Fri), due 10-23
    "content/a/qa/q4.md": q("2024-10-18 15:00"),
    # in progress: promised, not resolved; complex
    "content/b/qa/q5.md": q("2024-09-30", "2024-10-10", complexity="complex", promised="2024-11-30"),
    # resolved, promise kept
    "content/b/qa/q6.md": q("2024-10-08", "2024-10-09", promised="2024-10-15", resolved="2024-10-14",
                            satisfaction="basically-satisfied"),
    "content/a/releases/r1.md": front({"title": "发布", "date": "2024-10-18 09:00", "with": ["b"]}, "x\n"),
    "content/b/releases/r2.md": front({"title": "旧发布", "date": "2024-09-01"}, "x\n"),
}


@pytest.fixture
def hall_out(tmp_path, run_cli):
    site = write_site(tmp_path, FILES)
    code, _o, err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)
    assert code == 0, err
    return site / "out"


def test_stats_json_questions(hall_out):
    data = json.loads((hall_out / "stats/stats.json").read_text(encoding="utf-8"))
    assert data["as_of"] == "2024-10-20T12:00:00+08:00"
    assert data["questions"] == [
        {"id": "a/qa/q1", "department": "a", "asked": "2024-09-27T10:00:00+08:00", "due": "2024-10-08",
         "replied": "2024-10-08T09:00:00+08:00", "status": "replied", "on_time": True, "reply_days": 3, "days_late": 0},
        {"id": "a/qa/q2", "department": "a", "asked": "2024-10-09T00:00:00+08:00", "due": "2024-10-12",
         "replied": "2024-10-14T10:00:00+08:00", "status": "replied", "on_time": False, "reply_days": 4, "days_late": 1},
        {"id": "a/qa/q3", "department": "a", "asked": "2024-10-14T09:00:00+08:00", "due": "2024-10-17",
         "replied": None, "status": "overdue", "on_time": False, "reply_days": None, "days_late": 1},
        {"id": "a/qa/q4", "department": "a", "asked": "2024-10-18T15:00:00+08:00", "due": "2024-10-23",
         "replied": None, "status": "pending", "on_time": None, "reply_days": None, "days_late": 0},
        {"id": "b/qa/q5", "department": "b", "asked": "2024-09-30T00:00:00+08:00", "due": "2024-10-15",
         "replied": "2024-10-10T00:00:00+08:00", "status": "in-progress", "on_time": True, "reply_days": 3, "days_late": 0},
        {"id": "b/qa/q6", "department": "b", "asked": "2024-10-08T00:00:00+08:00", "due": "2024-10-11",
         "replied": "2024-10-09T00:00:00+08:00", "status": "resolved", "on_time": True, "reply_days": 1, "days_late": 0},
    ]


def test_stats_json_figures(hall_out):
    data = json.loads((hall_out / "stats/stats.json").read_text(encoding="utf-8"))
    assert data["departments"]["a"] == {
        "questions": 4, "replied": 2, "reply_rate": 0.5, "on_time_rate": 1 / 3, "mean_reply_days": 3.5,
        "median_reply_days": 3.5, "overdue": 1, "promised": 0, "promises_kept": 0, "satisfaction_rate": 0.5,
        "releases": 1, "last_release": "2024-10-18T09:00:00+08:00", "stale": False,
        "withdrawn": 0, "very_overdue": 0, "channels": {"本站": 4},
    }
    assert data["departments"]["b"] == {
        "questions": 2, "replied": 2, "reply_rate": 1.0, "on_time_rate": 1.0, "mean_reply_days": 2.0,
        "median_reply_days": 2.0, "overdue": 0, "promised": 2, "promises_kept": 1, "satisfaction_rate": 1.0,
        "releases": 2, "last_release": "2024-10-18T09:00:00+08:00", "stale": False,
        "withdrawn": 0, "very_overdue": 0, "channels": {"本站": 2},
    }
    assert data["hall"] == {
        "questions": 6, "replied": 4, "reply_rate": 4 / 6, "on_time_rate": 3 / 5, "mean_reply_days": 2.75,
        "median_reply_days": 3.0, "overdue": 1, "promised": 2, "promises_kept": 1, "satisfaction_rate": 2 / 3,
        "releases": 2, "last_release": "2024-10-18T09:00:00+08:00", "stale": False,
        "withdrawn": 0, "very_overdue": 0, "channels": {"本站": 6},
    }


def test_undefined_rates_are_null_and_stale_flag(tmp_path, run_cli):
    site = write_site(tmp_path, {"content/a/department.yaml": dept("甲"),
                                 "content/a/releases/r.md": front({"title": "t", "date": "2024-09-01"}, "x\n")})
    assert run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)[0] == 0
    figures = json.loads((site / "out/stats/stats.json").read_text(encoding="utf-8"))["departments"]["a"]
    assert figures["reply_rate"] is None and figures["on_time_rate"] is None and figures["mean_reply_days"] is None
    assert figures["satisfaction_rate"] is None and figures["stale"] is True


def test_stats_csv(hall_out):
    lines = (hall_out / "stats/stats.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ("department,name,questions,replied,reply_rate,on_time_rate,mean_reply_days,median_reply_days,"
                        "overdue,promised,promises_kept,satisfaction_rate,releases,last_release,stale,withdrawn,very_overdue,"
                        "channels")
    assert lines[2] == "a,甲局,4,2,0.5,0.3333333333333333,3.5,3.5,1,0,0,0.5,1,2024-10-18T09:00:00+08:00,False,0,0,本站: 4"
    assert lines[1].startswith("hall,测试发布厅,6,4,")


def test_overdue_page_lists_exactly_the_overdue(hall_out):
    page = (hall_out / "overdue/index.html").read_text(encoding="utf-8")
    assert page.count("<tr><th scope=\"row\">") == 1
    assert 'href="/a/qa/q3/"' in page and "2024-10-17" in page
    assert "/a/qa/q4/" not in page


def test_question_page_timeline(hall_out):
    page = (hall_out / "a/qa/q2/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2024-10-12">2024-10-12</time>（3 个工作日）' in page
    assert '<strong class="late">超时答复</strong>，答复用时（工作日） 4' in page
    resolved_page = (hall_out / "b/qa/q6/index.html").read_text(encoding="utf-8")
    assert "办结销号" in resolved_page and "基本满意" in resolved_page


def test_scoreboard_and_monthly_report_pages(hall_out):
    stats = (hall_out / "stats/index.html").read_text(encoding="utf-8")
    # the charts: HTML bars, every value written out, the bar's length in its SVG
    chart = stats[stats.index('<figure class="bars">'):stats.index("</figure>")]
    assert "<figcaption>每月收到留言（条）</figcaption>" in chart
    assert re.findall(r'"bar-label">([^<]+)</span>.*?<rect width="([\d.]+)" height="10"></rect></svg></span>'
                      r'<span class="bar-value">([^<]+)</span>', chart) == [("2024-09", "50.0", "2"), ("2024-10", "100.0", "4")]
    assert (hall_out / "stats/sort/reply_rate/index.html").is_file()
    assert 'href="/stats/2024-10/"' in stats and 'href="/stats/2024-09/"' in stats
    october = (hall_out / "stats/2024-10/index.html").read_text(encoding="utf-8")
    assert "<tr><th scope=\"row\">收到留言</th><td data-label=\"2024-10\">4</td><td data-label=\"环比\">+2</td></tr>" in october
    # fewer than 5 questions: shown but not ranked
    assert '<span class="meta">不排名</span>' in stats


def test_stats_command_prints_scoreboard(tmp_path, run_cli):
    site = write_site(tmp_path, FILES)
    code, out, _err = run_cli("stats", "--site", str(site), "--now", NOW)
    assert code == 0
    assert "甲局" in out and "乙局" in out and "33.3%" in out
    assert out.splitlines()[-1].split()[:3] == ["合计", "hall", "6"]


def test_check_audits_inspection_rules(tmp_path, run_cli):
    site = write_site(tmp_path, FILES)
    code, _out, err = run_cli("check", "--site", str(site), "--now", "2025-02-01")
    assert code == 0
    assert "content/a/department.yaml:1: 警告 warning: 甲局 超过两周没有发布信息" in err
    # each says what to do
    assert "；请发布一条信息（releasehall new release a 标题） / 甲局 has published nothing" in err
    assert "inspection rules; publish a release (releasehall new release a TITLE)\n" in err
    assert "首页更新）；请发布一条信息或答复一条留言 / the hall's front page" in err
    assert "content/a/qa/q3.md:3: 警告 warning: 留言超过三个月未答复" in err
    assert "site.yaml:1: 警告 warning: 发布厅首页超过两周没有更新" in err
    assert not (site / "public").exists()
    strict = run_cli("check", "--site", str(site), "--now", "2025-02-01", "--strict")
    assert strict[0] == 1


def test_unknown_year_warns_once(tmp_path, run_cli):
    files = {"content/a/department.yaml": dept("甲"), "content/a/qa/x.md": q("2031-03-02"),
             "content/a/qa/y.md": q("2031-03-03")}
    site = write_site(tmp_path, files)
    code, _o, err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", "2031-04-01")
    assert code == 0
    assert err.count("2031") == 2 and "site.yaml:1: 警告 warning: 2031 年的法定节假日安排尚未收录" in err


assert SITE
