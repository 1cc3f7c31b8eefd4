"""Supervision: paused clocks, withdrawn questions, how late, overdue feeds, the monthly
通报, the fair ranking and `stats --month/--overdue`.

Every expected value below is worked out by hand on the official 2024 calendar around National Day:
Mid-Autumn 09-15..17 off with make-up Saturday 09-14; make-up Sunday 09-29; 10-01..07 off; make-up
Saturday 10-12.
"""

from __future__ import annotations

import io
import json
from datetime import date

import feedparser
import pytest
from helpers import NOW, dept, front, write_site
from pypdf import PdfReader

from releasehall.model.ranking import wilson_lower
from releasehall.model.stats import Clock
from releasehall.settings.workdays import WorkCalendar


def q(asked: str, replied: str | None = None, **extra) -> str:
    data = {"title": extra.pop("title", "问题"), "asked": asked, "question": "请问？", **extra}
    if replied:
        data["replied"] = replied
    return front(data, "\n答复。\n" if replied else "")


FILES = {
    "content/a/department.yaml": dept("甲局"),
    "content/b/department.yaml": dept("乙局"),
    # asked Thu 09-26, paused 09-27..09-29 (working days 09-27 and make-up Sunday 09-29 stand still):
    # 09-30 (1), 10-08 (2), 10-09 (3) = due; replied 10-10: 09-27, 09-29, 09-30, 10-08..10 = 6 less 2 paused = 4
    "content/a/qa/p1.md": q("2024-09-26 10:00", "2024-10-10 09:00", title="暂停后答复",
                            paused=[{"from": "2024-09-27", "to": "2024-09-29", "note": "等待补充材料"}]),
    # asked Tue 10-08, 10-09 (1), paused since 10-10 and still: the clock runs again after "now" (Sun 10-20):
    # 10-21 (2), 10-22 (3) = due. Paused: 10-10, 10-11, 10-12 (make-up Sat), 10-14..18 = 8
    "content/a/qa/p2.md": q("2024-10-08 09:00", title="仍在暂停", paused=[{"from": "2024-10-10", "note": "等待补充材料"}]),
    # withdrawn on 10-15: it would be overdue since 10-09 (due 10-08, the SPEC example)
    "content/a/qa/w1.md": q("2024-09-27 10:00", title="已撤回", withdrawn="2024-10-15"),
    # asked Mon 09-02, due Thu 09-05; late: 09-06 (1), 09-09..13 (6), 09-14 make-up (7), 09-18..20 (10),
    # 09-23..27 (15), 09-29 (16), 09-30 (17), 10-08..11 (21), 10-12 (22), 10-14..18 (27)
    "content/a/qa/v1.md": q("2024-09-02 09:00", title="严重超期"),
    # asked Wed 10-09: 10-10, 10-11, 10-12 = due; late 10-14..18 = 5
    "content/b/qa/o5.md": q("2024-10-09 09:00", title="超期五天"),
    # asked Wed 09-25: 09-26, 09-27, 09-29 = due; late 09-30, 10-08..12, 10-14..18 = 11
    "content/b/qa/o11.md": q("2024-09-25 09:00", title="超期十一天"),
    "content/b/releases/r.md": front({"title": "发布", "date": "2024-10-18 09:00"}, "x\n"),
}


@pytest.fixture
def built(tmp_path, run_cli):
    site = write_site(tmp_path, FILES)
    code, _o, err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)
    assert code == 0, err
    return site / "out"


def _questions(out):
    data = json.loads((out / "stats/stats.json").read_text(encoding="utf-8"))
    return data, {r["id"]: r for r in data["questions"]}


def test_clock_leaves_out_paused_working_days():
    clock = Clock(WorkCalendar(), ((date(2024, 9, 27), date(2024, 9, 29)),))
    assert clock.due(date(2024, 9, 26), 3) == date(2024, 10, 9)
    assert clock.count(date(2024, 9, 26), date(2024, 10, 10)) == 4
    assert Clock(WorkCalendar(), ()).due(date(2024, 9, 26), 3) == date(2024, 9, 30)


def test_paused_questions_due_and_reply_days(built):
    _data, rows = _questions(built)
    assert rows["a/qa/p1"] == {
        "id": "a/qa/p1", "department": "a", "asked": "2024-09-26T10:00:00+08:00", "due": "2024-10-09",
        "replied": "2024-10-10T09:00:00+08:00", "status": "replied", "on_time": False, "reply_days": 4,
        "days_late": 1}
    assert rows["a/qa/p2"] == {
        "id": "a/qa/p2", "department": "a", "asked": "2024-10-08T09:00:00+08:00", "due": "2024-10-22",
        "replied": None, "status": "pending", "on_time": None, "reply_days": None, "days_late": 0}


def test_open_pause_runs_until_now(tmp_path, run_cli):
    site = write_site(tmp_path, FILES)
    assert run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", "2024-10-25 12:00")[0] == 0
    _data, rows = _questions(site / "out")
    # paused through Fri 10-25: 10-28 (2), 10-29 (3)
    assert rows["a/qa/p2"]["due"] == "2024-10-29" and rows["a/qa/p2"]["status"] == "pending"
    page = (site / "out/a/qa/p2/index.html").read_text(encoding="utf-8")
    assert "因等待补充材料暂停计时 13 个工作日" in page  # 10-10..12, 10-14..18, 10-21..25


def test_question_page_shows_the_pause(built):
    page = (built / "a/qa/p1/index.html").read_text(encoding="utf-8")
    assert '<span class="paused">因等待补充材料暂停计时 2 个工作日</span>' in page
    assert "（等待补充材料）</li>" in page
    assert '<time datetime="2024-10-09">2024-10-09</time>' in page
    assert "因等待补充材料暂停计时 8 个工作日" in (built / "a/qa/p2/index.html").read_text(encoding="utf-8")
    assert "至今" in (built / "a/qa/p2/index.html").read_text(encoding="utf-8")


def test_withdrawn_question(built):
    data, rows = _questions(built)
    assert rows["a/qa/w1"] == {
        "id": "a/qa/w1", "department": "a", "asked": "2024-09-27T10:00:00+08:00", "due": "2024-10-08",
        "replied": None, "status": "withdrawn", "on_time": None, "reply_days": None, "days_late": 0}
    a = data["departments"]["a"]
    # p1, p2, w1, v1: w1 counts as a question but in no denominator
    assert a["questions"] == 4 and a["withdrawn"] == 1 and a["replied"] == 1
    assert a["reply_rate"] == 1 / 3
    assert a["on_time_rate"] == 0.0  # judged: p1 (late) and v1 (overdue)
    assert a["overdue"] == 1 and a["very_overdue"] == 1
    assert "已撤回" in (built / "qa/index.html").read_text(encoding="utf-8")
    assert "/a/qa/w1/" not in (built / "overdue/index.html").read_text(encoding="utf-8")
    assert "网友已撤回留言" in (built / "a/qa/w1/index.html").read_text(encoding="utf-8")


def test_withdrawn_before_its_date_is_still_counted(tmp_path, run_cli):
    site = write_site(tmp_path, FILES)
    assert run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", "2024-10-12 12:00")[0] == 0
    _data, rows = _questions(site / "out")
    assert rows["a/qa/w1"]["status"] == "overdue" and rows["a/qa/w1"]["days_late"] == 4  # 10-09..12


def test_days_late_and_very_overdue(built):
    data, rows = _questions(built)
    assert {i: r["days_late"] for i, r in rows.items()} == {
        "a/qa/p1": 1, "a/qa/p2": 0, "a/qa/w1": 0, "a/qa/v1": 27, "b/qa/o5": 5, "b/qa/o11": 11}
    assert data["hall"]["very_overdue"] == 1 and data["hall"]["withdrawn"] == 1 and data["hall"]["overdue"] == 3
    assert data["departments"]["b"]["very_overdue"] == 0


def test_very_late_threshold_from_site_yaml(tmp_path, run_cli):
    site = write_site(tmp_path, FILES, {"title": "测试发布厅", "base_url": "https://hall.example.gov.cn/",
                                        "reply_limits": {"very_late": 10}})
    assert run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)[0] == 0
    data, _rows = _questions(site / "out")
    assert data["hall"]["very_overdue"] == 2  # 27 and 11 working days late
    page = (site / "out/overdue/index.html").read_text(encoding="utf-8")
    assert "严重超期：超过 10 个工作日（2 条）" in page and "超期 6–10 个工作日" not in page  # an empty group is left out


def test_overdue_page_groups_most_late_first(built):
    page = (built / "overdue/index.html").read_text(encoding="utf-8")
    severe = page.index("严重超期：超过 20 个工作日（1 条）")
    middle = page.index("超期 6–20 个工作日（1 条）")
    first = page.index("超期不超过 5 个工作日（1 条）")
    assert severe < page.index("/a/qa/v1/") < middle < page.index("/b/qa/o11/") < first < page.index("/b/qa/o5/")
    assert '<td class="fig key" data-label="已超期">27 个工作日</td>' in page and 'href="/overdue/feed.xml"' in page and 'href="/overdue/atom.xml"' in page
    stats = (built / "stats/index.html").read_text(encoding="utf-8")
    assert 'href="/overdue/feed.xml"' in stats and 'href="/feeds.opml"' in stats


def _feed(path):
    return feedparser.parse(path.read_bytes())


def test_overdue_feeds(built):
    for name in ("feed.xml", "atom.xml"):
        feed = _feed(built / "overdue" / name)
        assert not feed.bozo, feed.bozo_exception
        entries = [(e.link, e.id, e.published) for e in feed.entries]
        # newest overdue first: the day after each due date
        assert entries == [
            ("https://hall.example.gov.cn/b/qa/o5/", "https://hall.example.gov.cn/b/qa/o5/#overdue-2024-10-12",
             "2024-10-13T00:00:00+08:00"),
            ("https://hall.example.gov.cn/b/qa/o11/", "https://hall.example.gov.cn/b/qa/o11/#overdue-2024-09-29",
             "2024-09-30T00:00:00+08:00"),
            ("https://hall.example.gov.cn/a/qa/v1/", "https://hall.example.gov.cn/a/qa/v1/#overdue-2024-09-05",
             "2024-09-06T00:00:00+08:00"),
        ] if name == "atom.xml" else [
            (link, guid, _rfc822(day)) for link, guid, day in [
                ("https://hall.example.gov.cn/b/qa/o5/", "https://hall.example.gov.cn/b/qa/o5/#overdue-2024-10-12",
                 "13 Oct 2024"),
                ("https://hall.example.gov.cn/b/qa/o11/",
                 "https://hall.example.gov.cn/b/qa/o11/#overdue-2024-09-29", "30 Sep 2024"),
                ("https://hall.example.gov.cn/a/qa/v1/", "https://hall.example.gov.cn/a/qa/v1/#overdue-2024-09-05",
                 "06 Sep 2024")]]
    dept = _feed(built / "a/overdue.xml")
    assert [e.link for e in dept.entries] == ["https://hall.example.gov.cn/a/qa/v1/"]
    assert _feed(built / "b/overdue.xml").entries[0].title == "已超期：超期五天（乙局）"
    opml = (built / "feeds.opml").read_text(encoding="utf-8")
    for url in ("overdue/feed.xml", "a/overdue.xml", "b/overdue.xml"):
        assert f'xmlUrl="https://hall.example.gov.cn/{url}"' in opml


def _rfc822(day: str) -> str:
    weekday = {"13 Oct 2024": "Sun", "30 Sep 2024": "Mon", "06 Sep 2024": "Fri"}[day]
    return f"{weekday}, {day} 00:00:00 +0800"


def test_overdue_feed_entries_are_stable_across_days(tmp_path, run_cli):
    site = write_site(tmp_path, FILES)
    ids = {}
    for now in (NOW, "2024-10-23 12:00"):
        out = site / now[:10]
        assert run_cli("build", "--site", str(site), "--out", str(out), "--now", now)[0] == 0
        ids[now] = {e.id: e.published for e in _feed(out / "overdue/atom.xml").entries}
    assert ids[NOW].items() <= ids["2024-10-23 12:00"].items()  # the same entries, the same dates
    # p2's open pause keeps it off the list; a question asked 10-14 would be new: none here
    assert len(ids["2024-10-23 12:00"]) == 3


BAD = {
    "content/a/department.yaml": dept("甲局"),
    "content/a/qa/overlap.md": q("2024-10-08", paused=[{"from": "2024-10-09", "to": "2024-10-11"},
                                                       {"from": "2024-10-11", "to": "2024-10-14"}]),
    "content/a/qa/backwards.md": q("2024-10-08", paused=[{"from": "2024-10-11", "to": "2024-10-09"}]),
    "content/a/qa/early.md": q("2024-10-08", paused=[{"from": "2024-10-07", "to": "2024-10-09"}]),
    "content/a/qa/open.md": q("2024-10-08", paused=[{"from": "2024-10-09"}, {"from": "2024-10-15"}]),
    "content/a/qa/reply.md": q("2024-10-08", "2024-10-09", withdrawn="2024-10-10"),
}


def test_pause_and_withdrawal_errors_at_their_line(tmp_path, run_cli):
    site = write_site(tmp_path, BAD)
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)
    assert code == 1 and not (site / "out").exists()
    lines = [line for line in err.splitlines() if line.startswith("content/")]
    assert lines == [
        "content/a/qa/backwards.md:7: 暂停计时的结束日期 2024-10-09 早于开始日期 2024-10-11，请核对日期 / "
        "the pause ends on 2024-10-09, before it starts (2024-10-11); check the dates",
        "content/a/qa/early.md:6: 暂停计时的开始日期 2024-10-07 早于留言日期 2024-10-08，请核对日期 / "
        "the pause starts on 2024-10-07, before the question was asked (2024-10-08); check the dates",
        "content/a/qa/open.md:7: 暂停计时的时段重叠：2024-10-15 起的时段与 2024-10-09–今日 的时段重叠，请合并为一个时段 / "
        "pauses overlap: the one from 2024-10-15 overlaps the one from 2024-10-09 to now; merge them into one",
        "content/a/qa/overlap.md:8: 暂停计时的时段重叠：2024-10-11 起的时段与 2024-10-09–2024-10-11 的时段重叠，请合并为一个时段 / "
        "pauses overlap: the one from 2024-10-11 overlaps the one from 2024-10-09 to 2024-10-11; merge them into one",
        "content/a/qa/reply.md:5: 已撤回（withdrawn）的留言不能有答复：请删去答复正文和 replied，或删去 withdrawn / "
        "a withdrawn question cannot have a reply: remove the reply body and 'replied', or remove 'withdrawn'",
    ]


def test_wilson_lower_bound():
    # (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.96, worked by hand
    assert wilson_lower(5, 5) == pytest.approx(0.5655, abs=1e-4)
    assert wilson_lower(96, 100) == pytest.approx(0.9016, abs=1e-4)
    assert wilson_lower(0, 0) is None


def _on_time(n: int) -> str:
    return q("2024-10-08 09:00", "2024-10-09 09:00", title=f"按时{n}")


def _late(n: int) -> str:
    return q("2024-10-08 09:00", "2024-10-21 09:00", title=f"超时{n}")  # due 10-11


RANKING = {
    "content/x/department.yaml": dept("小样本局"),
    "content/y/department.yaml": dept("大样本局"),
    "content/w/department.yaml": dept("一半局"),
    "content/z/department.yaml": dept("不足局"),
    **{f"content/x/qa/t{i}.md": _on_time(i) for i in range(5)},
    **{f"content/y/qa/t{i}.md": _on_time(i) for i in range(96)},
    **{f"content/y/qa/l{i}.md": _late(i) for i in range(4)},
    **{f"content/w/qa/t{i}.md": _on_time(i) for i in range(3)},
    **{f"content/w/qa/l{i}.md": _late(i) for i in range(3)},
    **{f"content/z/qa/t{i}.md": _on_time(i) for i in range(4)},
}


@pytest.fixture
def ranked(tmp_path, run_cli):
    site = write_site(tmp_path, RANKING)
    code, _o, err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", "2024-10-25 12:00")
    assert code == 0, err
    return site


RANK = '<tr><td class="rank" data-label="排名">'  # a ranked row's first cell
UNRANKED = '<tr><td class="rank"><span class="meta">不排名</span></td>'


def _order(page: str, names: list[str]) -> list[str]:
    return sorted(names, key=page.index)


def test_ranking_uses_the_wilson_lower_bound(ranked):
    out = ranked / "out"
    stats = (out / "stats/index.html").read_text(encoding="utf-8")
    table = stats[stats.index("<tbody>"):stats.index("</tbody>")]
    # 96/100 (lower bound 0.90) before 5/5 (0.57) before 3/6; 4/4 is shown but not ranked
    assert _order(table, ["大样本局", "小样本局", "一半局", "不足局"]) == ["大样本局", "小样本局", "一半局", "不足局"]
    rows = ["<tr>" + r for r in table.split("<tr>")[1:]]
    assert rows[0].startswith(f"{RANK}1</td>") and "96.0%" in rows[0]
    assert rows[1].startswith(f"{RANK}2</td>") and "100.0%" in rows[1]
    assert rows[3].startswith(UNRANKED) and "不足局" in rows[3]
    assert "名次依据按时率 95% 置信区间的下限" in stats and "收到留言少于 5 条的部门样本不足，列在最后，不排名" in stats
    # the front page's 回复榜: the same rule
    home = (out / "index.html").read_text(encoding="utf-8")
    board = home[home.index('id="scoreboard"'):]
    assert _order(board, ["大样本局", "小样本局", "一半局", "不足局"]) == ["大样本局", "小样本局", "一半局", "不足局"]
    assert f'{UNRANKED}<th scope="row"><a href="/z/">不足局</a>' in board
    assert f'{RANK}1</td><th scope="row"><a href="/y/">大样本局</a>' in board


def test_month_report_top_three_and_csv(ranked, run_cli):
    out = ranked / "out"
    page = (out / "stats/2024-10/index.html").read_text(encoding="utf-8")
    top = page[page.index('class="top-three"'):page.index("</ol>", page.index('class="top-three"'))]
    assert _order(top, ["大样本局", "小样本局", "一半局"]) == ["大样本局", "小样本局", "一半局"]
    assert "不足局" not in top and "（100 条到期留言中 96 条按时答复）" in top
    lines = (out / "stats/2024-10/stats.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == (out / "stats/stats.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    # 115 asked in October; replies: 108 on 10-09 (1 working day, on time), 7 on 10-21 (10 working days:
    # 10-09..12, 10-14..18, 10-21), so the mean is (108·1 + 7·10) / 115 and the median 1
    assert lines[1] == f"hall,测试发布厅,115,115,1.0,{108 / 115},{(108 + 70) / 115},1.0,0,0,0,,0,,True,0,0,本站: 115"
    assert lines[4].startswith("y,大样本局,100,100,1.0,0.96,")  # rows in id order: w, x, y, z
    code, text, _err = run_cli("stats", "--site", str(ranked), "--month", "2024-10", "--now", "2024-10-25 12:00")
    assert code == 0
    table = text.splitlines()
    assert table[0].startswith("测试发布厅 — 2024-10 月度通报")
    assert table[4].split()[:3] == ["1", "大样本局", "100"] and table[-1].split()[:3] == ["合计", "hall", "115"]
    with pytest.raises(SystemExit) as usage:
        run_cli("stats", "--site", str(ranked), "--month", "2024-13")
    assert usage.value.code == 2
    assert run_cli("stats", "--site", str(ranked), "--month", "2023-01", "--now", "2024-10-25 12:00")[0] == 2


def test_month_figures_and_changes(built):
    lines = (built / "stats/2024-10/stats.csv").read_text(encoding="utf-8-sig").splitlines()
    # October: asked p2, o5 (w1, v1, o11, p1 in September); replies: p1 (4 days, late);
    # reply rate of October's questions by 10-20: 0 of 2; overdue at the end: v1, o11, o5 (w1 withdrawn 10-15)
    assert lines[1] == "hall,测试发布厅,2,1,0.0,0.0,4.0,4.0,3,0,0,,1,2024-10-18T09:00:00+08:00,False,1,1,本站: 2"
    assert lines[2] == "a,甲局,1,1,0.0,0.0,4.0,4.0,1,0,0,,0,,True,1,1,本站: 1"
    september = (built / "stats/2024-09/stats.csv").read_text(encoding="utf-8-sig").splitlines()
    # September: asked p1, w1, v1, o11, none answered by 09-30; overdue at 09-30: v1 (17 working days late,
    # not very overdue) and o11 (due 09-29); w1 is due 10-08
    assert september[1] == "hall,测试发布厅,4,0,0.0,,,,2,0,0,,0,,True,0,0,本站: 4"
    page = (built / "stats/2024-10/index.html").read_text(encoding="utf-8")
    assert '<tr><th scope="row">收到留言</th><td data-label="2024-10">2</td><td data-label="环比">-2</td></tr>' in page
    assert '<tr><th scope="row">回复率</th><td data-label="2024-10">0.0%</td><td data-label="环比">+0.0 个百分点</td></tr>' in page
    assert '<tr><th scope="row">月末超期未复</th><td data-label="2024-10">3</td><td data-label="环比">+1</td></tr>' in page
    # one department × indicator table, the hall's row last: no table per department
    depts = page[page.index('aria-labelledby="departments"'):]
    depts = depts[:depts.index("</table>")]
    assert ('<th scope="row"><a href="/a/">甲局</a></th><td class="fig" data-label="留言">1</td>'
            '<td class="fig" data-label="答复">1</td><td class="fig" data-label="回复率">0.0%</td>') in depts
    assert '<tr class="hall-row"><td class="rank"></td><th scope="row">全厅合计</th>' in depts
    assert depts.count("<table") == 1 and page.count("<table") == 2  # and the hall's table of changes
    assert "包括对以前月份留言的答复，所以可能多于当月收到的留言" in depts
    assert 'href="/stats/2024-10/stats.csv"' in page
    css = (built / "static/hall.css").read_text(encoding="utf-8")
    assert "@page { size: A4; }" in css


def test_stats_overdue_command(tmp_path, run_cli):
    site = write_site(tmp_path, FILES)
    code, out, _err = run_cli("stats", "--site", str(site), "--overdue", "--now", NOW)
    assert code == 0
    assert out.splitlines() == [
        "测试发布厅 — 超期未复 3 件 / 3 overdue, as of 2024-10-20 12:00",
        "",
        "【严重超期：超过 20 个工作日】1",
        "- 超期 27 个工作日 · 甲局 · 严重超期 · 答复期限 due 2024-09-05 · https://hall.example.gov.cn/a/qa/v1/",
        "",
        "【超期 6–20 个工作日】1",
        "- 超期 11 个工作日 · 乙局 · 超期十一天 · 答复期限 due 2024-09-29 · https://hall.example.gov.cn/b/qa/o11/",
        "",
        "【超期不超过 5 个工作日】1",
        "- 超期 5 个工作日 · 乙局 · 超期五天 · 答复期限 due 2024-10-12 · https://hall.example.gov.cn/b/qa/o5/",
    ]


def test_month_report_prints_on_one_a4_page(built, browser):
    """Chromium prints /stats/2024-10/ (the hall's figures, the top three, one department × indicator table, the
    categories and topics) on one A4 page; pypdf counts the pages."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(built))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    page = browser.new_page()  # the session's one browser (conftest): Playwright allows one sync driver
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/stats/2024-10/")
        pdf = page.pdf(prefer_css_page_size=True)
    finally:
        page.close()
        server.shutdown()
        server.server_close()
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 1
    assert (round(float(pages[0].mediabox.width)), round(float(pages[0].mediabox.height))) == (595, 842)  # A4


def test_stats_page_showcases_last_months_best(tmp_path, run_cli):
    site = write_site(tmp_path, RANKING)
    assert run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", "2024-11-03 12:00")[0] == 0
    stats = (site / "out/stats/index.html").read_text(encoding="utf-8")
    best = stats[stats.index('id="best"'):stats.index("</section>", stats.index('id="best"'))]
    assert 'href="/stats/2024-10/"' in best
    assert _order(best, ["大样本局", "小样本局", "一半局"]) == ["大样本局", "小样本局", "一半局"]
    department = (site / "out/y/index.html").read_text(encoding="utf-8")
    assert 'href="/y/overdue.xml"' in department


def test_days_overdue_kept_for_operator_templates():
    from datetime import datetime

    from releasehall.model.stats import Record

    asked = datetime(2024, 10, 9)
    late_reply = Record("a/qa/x", "a", asked, date(2024, 10, 12), asked, "replied", False, 4, 1)
    overdue = Record("a/qa/y", "a", asked, date(2024, 10, 12), None, "overdue", False, None, 5)
    assert (late_reply.days_late, late_reply.days_overdue) == (1, 0)
    assert (overdue.days_overdue, overdue.overdue_since) == (5, date(2024, 10, 13))
