"""Reply accountability: each question's deadline and status, and the figures built on them.

Pure functions of the published questions and releases, the settings and the build's
"now"; see SPEC "Deadlines" and "Statistics".
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from releasehall.model import Question, Release
from releasehall.workdays import WorkCalendar


@dataclass(frozen=True, slots=True)
class Record:
    """One question's accountability record, as stats.json lists it."""

    id: str
    dept: str
    asked: datetime
    due: date
    replied: datetime | None
    status: str
    on_time: bool | None
    reply_days: int | None
    days_overdue: int  # working days past due, for the overdue list


@dataclass(frozen=True, slots=True)
class Figures:
    questions: int
    replied: int
    reply_rate: float | None
    on_time_rate: float | None
    mean_reply_days: float | None
    median_reply_days: float | None
    overdue: int
    promised: int
    promises_kept: int
    satisfaction_rate: float | None
    releases: int
    last_release: datetime | None
    stale: bool


@dataclass(frozen=True, slots=True)
class Month:
    """One calendar month of the monthly report (一月一分析)."""

    month: str  # "2024-10"
    asked: int
    replied: int
    on_time: int
    on_time_rate: float | None
    categories: tuple[tuple[str, int], ...]
    topics: tuple[tuple[str, int], ...]
    overdue_at_end: int
    releases: int


@dataclass(frozen=True, slots=True)
class Stats:
    as_of: datetime
    records: Mapping[str, Record]
    hall: Figures
    departments: Mapping[str, Figures]
    months: tuple[Month, ...]


def _day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def record(question: Question, limit: int, calendar: WorkCalendar, today: date, tz: tzinfo) -> Record:
    asked_day = _day(question.asked, tz)
    due = calendar.add_workdays(asked_day, limit)
    if question.replied is None:
        overdue = today > due
        return Record(question.id, question.dept, question.asked, due, None,
                      "overdue" if overdue else "pending", False if overdue else None, None,
                      calendar.workdays_between(due, today) if overdue else 0)
    replied_day = _day(question.replied, tz)
    if question.resolved is not None:
        status = "resolved"
    elif question.promised is not None:
        status = "in-progress"
    else:
        status = "replied"
    return Record(question.id, question.dept, question.asked, due, question.replied, status,
                  replied_day <= due, calendar.workdays_between(asked_day, replied_day), 0)


def figures(questions: Iterable[Question], records: Mapping[str, Record], releases: Iterable[Release],
            now: datetime, stale_after_days: int, tz: tzinfo) -> Figures:
    questions = list(questions)
    rows = [records[q.id] for q in questions]
    replied = [r for r in rows if r.replied is not None]
    judged = [r for r in rows if r.on_time is not None]
    days = [r.reply_days for r in replied if r.reply_days is not None]
    promises = [(q.promised, q.resolved) for q in questions if q.promised is not None]
    kept = [1 for due, done in promises if done is not None and _day(done, tz) <= _day(due, tz)]
    rated = [q.satisfaction for q in questions if q.satisfaction is not None]
    pleased = [s for s in rated if s in ("satisfied", "basically-satisfied")]
    dates = [r.date for r in releases]
    last = max(dates) if dates else None
    return Figures(
        questions=len(rows),
        replied=len(replied),
        reply_rate=_ratio(len(replied), len(rows)),
        on_time_rate=_ratio(sum(1 for r in judged if r.on_time), len(judged)),
        mean_reply_days=statistics.fmean(days) if days else None,
        median_reply_days=float(statistics.median(days)) if days else None,
        overdue=sum(1 for r in rows if r.status == "overdue"),
        promised=len(promises),
        promises_kept=len(kept),
        satisfaction_rate=_ratio(len(pleased), len(rated)),
        releases=len(dates),
        last_release=last,
        stale=last is None or now - last > timedelta(days=stale_after_days),
    )


def _month_key(moment: datetime | date, tz: tzinfo) -> str:
    day = _day(moment, tz) if isinstance(moment, datetime) else moment
    return f"{day.year:04d}-{day.month:02d}"


def _month_end(month: str) -> date:
    year, mon = (int(part) for part in month.split("-"))
    first_next = date(year + (mon == 12), mon % 12 + 1, 1)
    return first_next - timedelta(days=1)


def months(questions: list[Question], records: Mapping[str, Record], releases: list[Release],
           today: date, tz: tzinfo) -> tuple[Month, ...]:
    asked_in: dict[str, list[Question]] = {}
    replied_in: dict[str, list[Record]] = {}
    released_in: dict[str, list[Release]] = {}
    for q in questions:
        asked_in.setdefault(_month_key(q.asked, tz), []).append(q)
        if q.replied is not None:
            replied_in.setdefault(_month_key(q.replied, tz), []).append(records[q.id])
    for r in releases:
        released_in.setdefault(_month_key(r.date, tz), []).append(r)
    # (asked day, due, replied day or None) once, for the "overdue at month end" count of every month
    timeline = [(_day(q.asked, tz), records[q.id].due, _day(q.replied, tz) if q.replied else None) for q in questions]
    result = []
    for key in sorted({*asked_in, *replied_in, *released_in}):
        end = min(_month_end(key), today)
        asked = asked_in.get(key, [])
        out = replied_in.get(key, [])
        on_time = sum(1 for r in out if r.on_time)
        topics = Counter(t for q in asked for t in q.topics)
        topics.update(t for r in released_in.get(key, []) for t in r.topics)
        overdue = sum(1 for asked_day, due, replied_day in timeline
                      if asked_day <= end and due < end and (replied_day is None or replied_day > end))
        result.append(Month(
            month=key, asked=len(asked), replied=len(out), on_time=on_time,
            on_time_rate=_ratio(on_time, len(out)),
            categories=tuple(sorted(Counter(q.category for q in asked).items())),
            topics=tuple(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))[:10]),
            overdue_at_end=overdue,
            releases=len(released_in.get(key, [])),
        ))
    return tuple(result)


def compute(questions: list[Question], releases: list[Release], releases_of: Mapping[str, list[Release]],
            departments: Iterable[str],
            limits: Mapping[str, int], calendar: WorkCalendar, now: datetime, stale_after_days: int,
            tz: tzinfo) -> Stats:
    today = _day(now, tz)
    records = {q.id: record(q, limits[q.complexity], calendar, today, tz) for q in questions}
    by_dept: dict[str, list[Question]] = {}
    for question in questions:
        by_dept.setdefault(question.dept, []).append(question)
    dept_figures = {
        dept: figures(by_dept.get(dept, []), records,
                      releases_of.get(dept, []),
                      now, stale_after_days, tz)
        for dept in sorted(departments)
    }
    return Stats(
        as_of=now,
        records=records,
        hall=figures(questions, records, releases, now, stale_after_days, tz),
        departments=dept_figures,
        months=months(questions, records, releases, today, tz),
    )
