"""The monthly report's figures, counted the quick way (each question sorted into its months once), equal the
figures counted by their definition: every month, every question looked at again."""

from __future__ import annotations

import random
import statistics
from datetime import date, datetime, time, timedelta

from helpers import dept, front, write_site

from releasehall.assemble.hall import build_hall
from releasehall.content.load import load_content
from releasehall.errors import Report
from releasehall.model.records import Question, Release
from releasehall.model.stats import AsOf, Figures, channel_counts, clock, compute, record
from releasehall.pipeline.build import build_now
from releasehall.settings.site import load_settings
from releasehall.settings.workdays import WorkCalendar, known_years

NOW = "2024-10-20 12:00"


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _by_definition(key: str, questions: list[Question], releases: list[Release], at: AsOf) -> Figures:
    """One month's figures as the monthly report defines them (docs/decisions.md), each question looked at anew."""
    tz, today = at.tz, at.today
    year, mon = (int(part) for part in key.split("-"))
    end = min(date(year + (mon == 12), mon % 12 + 1, 1) - timedelta(days=1), today)
    moment = at.now if end == today else datetime.combine(end + timedelta(days=1), time(), tz)

    def day(moment: datetime | None) -> date | None:
        return None if moment is None else moment.astimezone(tz).date()

    recs = {q.id: record(q, at) for q in questions}
    gone = {q.id: day(recs[q.id].withdrawn) for q in questions}
    asked = [q for q in questions if _month(day(q.asked)) == key]  # type: ignore[arg-type]
    live = [q for q in asked if gone[q.id] is None or gone[q.id] > end]  # type: ignore[operator]
    out = [q for q in questions if q.replied is not None and _month(day(q.replied)) == key]  # type: ignore[arg-type]
    days = [recs[q.id].reply_days for q in out if recs[q.id].reply_days is not None]
    overdue = [q for q in questions
               if day(q.asked) <= end and recs[q.id].due < end  # type: ignore[operator]
               and (q.replied is None or day(q.replied) > end) and (gone[q.id] is None or gone[q.id] > end)]  # type: ignore[operator]
    very = [q for q in overdue if clock(q, at.calendar, today, tz).count(recs[q.id].due, end) > at.very_late]
    promises = [q for q in questions if q.promised is not None and _month(day(q.promised)) == key  # type: ignore[arg-type]
                and gone[q.id] is None]
    kept = [q for q in promises if q.resolved is not None and day(q.resolved) <= day(q.promised)]  # type: ignore[operator]
    rated = [q.satisfaction for q in out if q.satisfaction is not None]
    published = sorted(r.date for r in releases if day(r.date) <= end)  # type: ignore[operator]
    last = published[-1] if published else None
    on_time = sum(1 for q in out if recs[q.id].on_time)
    return Figures(
        questions=len(asked), replied=len(out),
        reply_rate=(sum(1 for q in live if q.replied is not None and day(q.replied) <= end) / len(live)  # type: ignore[operator]
                    if live else None),
        on_time_rate=on_time / len(out) if out else None,
        mean_reply_days=statistics.fmean(days) if days else None,  # type: ignore[arg-type]
        median_reply_days=float(statistics.median(days)) if days else None,  # type: ignore[type-var]
        overdue=len(overdue), promised=len(promises), promises_kept=len(kept),
        satisfaction_rate=(sum(1 for s in rated if s in ("satisfied", "basically-satisfied")) / len(rated)
                           if rated else None),
        releases=sum(1 for r in releases if _month(day(r.date)) == key),  # type: ignore[arg-type]
        last_release=last, stale=last is None or moment - last > timedelta(days=at.stale_after_days),
        withdrawn=sum(1 for q in questions if gone[q.id] is not None and _month(gone[q.id]) == key),  # type: ignore[arg-type]
        very_overdue=len(very), on_time=on_time, judged=len(out), channels=channel_counts(asked))


def _question(rng: random.Random, start: date, span: int) -> str:
    """A question asked within `span` days of `start`: replied late or on time, or not; paused, withdrawn, promised."""
    asked = datetime.combine(start + timedelta(days=rng.randrange(span)), time(9 + rng.randrange(9)))
    data: dict[str, object] = {"title": "问题", "asked": f"{asked:%Y-%m-%d %H:%M}", "question": "问？",
                               "channel": rng.choice(["", "微博", "12345"]),
                               "category": rng.choice(["consultation", "complaint"]),
                               "complexity": rng.choice(["normal", "normal", "complex"])}
    data = {k: v for k, v in data.items() if v}
    fate = rng.random()
    if rng.random() < 0.3:
        first = asked + timedelta(days=rng.randrange(1, 10))
        data["paused"] = [{"from": f"{first:%Y-%m-%d}"} if rng.random() < 0.2 else
                          {"from": f"{first:%Y-%m-%d}", "to": f"{first + timedelta(days=rng.randrange(0, 30)):%Y-%m-%d}"}]
    if fate < 0.15:
        data["withdrawn"] = f"{asked + timedelta(days=rng.randrange(1, 90)):%Y-%m-%d}"
        if rng.random() < 0.5:  # a promise falling due after the question was withdrawn counts nowhere
            data["promised"] = f"{asked + timedelta(days=rng.randrange(1, 60)):%Y-%m-%d}"
        return front(data)
    if fate < 0.45:
        return front(data)  # never answered: overdue for months, very overdue at last
    replied = asked + timedelta(days=rng.randrange(1, 80), hours=rng.randrange(8))
    data["replied"] = f"{replied:%Y-%m-%d %H:%M}"
    if rng.random() < 0.5:
        data["satisfaction"] = rng.choice(["satisfied", "basically-satisfied", "unsatisfied"])
    if rng.random() < 0.3:
        promised = replied + timedelta(days=rng.randrange(1, 60))
        data["promised"] = f"{promised:%Y-%m-%d}"
        if rng.random() < 0.6:
            data["resolved"] = f"{promised + timedelta(days=rng.randrange(-20, 20)):%Y-%m-%d}"
    return front(data, "\n答复。\n")


def test_monthly_figures_equal_their_definition(tmp_path):
    rng = random.Random(19)
    files: dict[str, object] = {f"content/{d}/department.yaml": dept(name) for d, name in
                                (("a", "甲局"), ("b", "乙局"), ("c", "丙局"), ("quiet", "静局"))}
    for d, start, span in (("a", date(2023, 11, 1), 340), ("b", date(2024, 3, 1), 200),
                           ("c", date(1999, 11, 1), 500)):  # c: years the official calendar does not know
        for n in range(60):
            files[f"content/{d}/qa/q{n}.md"] = _question(rng, start, span)
        for n in range(15):
            when = datetime.combine(start + timedelta(days=rng.randrange(span)), time(10))
            files[f"content/{d}/releases/r{n}.md"] = front({"title": "发布", "date": f"{when:%Y-%m-%d %H:%M}"}, "正文。")
    # d: a month in which its only figure is a withdrawal (March), another in which it is a promise falling due (May)
    files["content/d/department.yaml"] = dept("丁局")
    files["content/d/qa/w.md"] = front({"title": "问题", "asked": "2024-02-26 10:00", "question": "问？",
                                        "withdrawn": "2024-03-04"})
    files["content/d/qa/p.md"] = front({"title": "问题", "asked": "2024-01-10 10:00", "question": "问？",
                                        "replied": "2024-01-12 10:00", "promised": "2024-05-20",
                                        "resolved": "2024-05-18"}, "\n答复。\n")
    root = write_site(tmp_path, files)
    report = Report()
    settings = load_settings(root, report)
    assert settings is not None
    content, _cache = load_content(settings, report)
    now = build_now(NOW, settings.tz)
    hall, _bodies = build_hall(settings, content, now, False, report)
    assert not report.errors, report.errors
    questions, releases = list(hall.questions), list(hall.releases)
    stats, unknown = compute(questions, releases, {d: list(r) for d, r in hall.releases_of.items()},
                             hall.departments, AsOf.of(settings, now))
    at = AsOf.of(settings, now)
    assert stats.months and stats.months == hall.stats.months
    for month in stats.months:
        assert month.hall == _by_definition(month.month, questions, releases, at), month.month
        assert month.departments is not None and set(month.departments) == {"a", "b", "c", "d", "quiet"}
        for d, figures in month.departments.items():
            mine = [q for q in questions if q.dept == d]
            assert figures == _by_definition(month.month, mine, list(hall.releases_of.get(d, ())), at), (month.month, d)
    # the same years the calendar does not know are noted (and warned about) as counting month by month noted
    assert unknown == frozenset(at.calendar.unknown_years) == {1999, 2000}
    d = {m.month: m.departments["d"] for m in stats.months}  # type: ignore[index]
    assert (d["2024-03"].questions, d["2024-03"].withdrawn, d["2024-05"].promised, d["2024-05"].promises_kept) == (0, 1, 1, 1)
    assert sum(f.very_overdue for m in stats.months for f in m.departments.values()) > 0  # type: ignore[union-attr]
    assert sum(f.promises_kept for m in stats.months for f in m.departments.values()) > 0  # type: ignore[union-attr]


def test_adding_working_days_equals_walking_day_by_day():
    """`add_workdays` looks the day up in the years' tables; walking there a day at a time gives the same day and
    notes the same years the official calendar does not know (2000; 2027 and on)."""
    extra = (frozenset({date(2024, 10, 8), date(2026, 12, 30)}), frozenset({date(2024, 10, 5), date(2027, 1, 2)}))
    for holidays, workdays in (((frozenset(), frozenset())), extra):
        for start in (date(2024, 9, 27), date(2024, 12, 20), date(2026, 12, 1), date(1999, 12, 24), date(2024, 2, 28),
                      date(2000, 12, 31)):
            for count in (0, 1, 3, 15, 30, 300):
                walked, day, left = WorkCalendar(holidays, workdays), start, count
                while left > 0:
                    day += timedelta(days=1)
                    left -= walked.is_workday(day)
                looked_up = WorkCalendar(holidays, workdays)
                assert looked_up.add_workdays(start, count) == day, (start, count)
                assert looked_up.unknown_years == walked.unknown_years, (start, count)
    assert 2027 not in known_years()
