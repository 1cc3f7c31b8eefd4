"""Reply accountability: each question's deadline and status, and the figures built on them.

Pure functions of the published questions and releases, the settings and the build's
"now"; see SPEC "Deadlines", "Statistics" and "Supervision".

The reply clock counts working days after the day asked. Days inside a `paused` period
(both ends included; an open period runs through "now", and no period runs past the reply
or the withdrawal) do not count: not toward `due`, `reply_days` nor `days_late`.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import chain

from releasehall.model.records import COMPLEXITIES, Question, Release, Status
from releasehall.settings.site import Settings
from releasehall.settings.workdays import WorkCalendar


@dataclass(frozen=True, slots=True)
class AsOf:
    """The moment the figures are computed at, with the rules that read the clock: they travel together."""

    now: datetime
    tz: tzinfo
    calendar: WorkCalendar
    limits: Mapping[str, int]  # working days to reply, by complexity
    stale_after_days: int = 14
    very_late: int = 20  # more working days past due than this: very overdue

    @classmethod
    def of(cls, settings: Settings, now: datetime) -> AsOf:
        """The figures' clock for a hall with these settings, at `now`."""
        return cls(now, settings.tz, WorkCalendar(settings.extra_holidays, settings.extra_workdays),
                   {c: settings.reply_limit(c) for c in COMPLEXITIES}, settings.stale_after_days,
                   settings.reply_very_late)

    @property
    def today(self) -> date:
        return _day(self.now, self.tz)


@dataclass(frozen=True, slots=True)
class Record:
    """One question's accountability record, as stats.json lists it."""

    id: str
    dept: str
    asked: datetime
    due: date
    replied: datetime | None
    status: Status
    on_time: bool | None
    reply_days: int | None
    days_late: int  # working days past due, replied or not (0 when not late; pauses not counted)
    paused_days: int = 0  # working days the clock stood still
    withdrawn: datetime | None = None  # set when the question is withdrawn as of "now"

    @property
    def days_overdue(self) -> int:
        """Working days past due while unanswered and overdue (the name templates used before `days_late`)."""
        return self.days_late if self.status == Status.OVERDUE else 0

    @property
    def overdue_since(self) -> date:
        """The first day the question was (or would be) overdue: the day after `due`."""
        return self.due + timedelta(days=1)


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
    withdrawn: int = 0
    very_overdue: int = 0
    on_time: int = 0  # on-time replies: the numerator of on_time_rate (for the Wilson ranking)
    judged: int = 0  # replied or past due: its denominator
    channels: tuple[tuple[str, int], ...] = ()  # (channel, questions), most first (`channel_counts`)


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
    hall: Figures | None = None  # the month's figures (see `month_figures`), for the hall
    departments: Mapping[str, Figures] | None = None  # and for each department


@dataclass(frozen=True, slots=True)
class Stats:
    as_of: datetime
    records: Mapping[str, Record]
    hall: Figures
    departments: Mapping[str, Figures]
    months: tuple[Month, ...]
    very_late: int = 20  # more working days past due than this: very overdue


def _day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Clock:
    """A question's reply clock: working days after the day asked, less the days it was paused."""

    calendar: WorkCalendar
    pauses: tuple[tuple[date, date], ...]  # closed day ranges, in order, not overlapping

    def count(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`, paused days left out."""
        total = self.calendar.workdays_between(start, end)
        if not self.pauses:
            return total
        for first, last in self.pauses:
            total -= self.calendar.workdays_between(max(start, first - timedelta(days=1)), min(end, last))
        return total

    def due(self, asked: date, limit: int) -> date:
        """The `limit`-th working day after `asked` that is not inside a pause."""
        if not self.pauses:
            return self.calendar.add_workdays(asked, limit)
        day, count = asked, limit
        while count > 0:
            day += timedelta(days=1)
            if self.calendar.is_workday(day) and not any(first <= day <= last for first, last in self.pauses):
                count -= 1
        return day


def clock(question: Question, calendar: WorkCalendar, today: date, tz: tzinfo) -> Clock:
    """The question's pauses as day ranges: an open one runs through `today`; none past the reply or withdrawal."""
    stops = [_day(moment, tz) for moment in (question.replied, question.withdrawn) if moment is not None]
    stop = min(stops) if stops else None
    pauses = []
    for pause in question.paused:
        first = _day(pause.start, tz)
        last = _day(pause.end, tz) if pause.end is not None else today
        if stop is not None:
            last = min(last, stop)
        if last >= first:
            pauses.append((first, last))
    return Clock(calendar, tuple(sorted(pauses)))


def record(question: Question, at: AsOf) -> Record:
    """The question's deadline and status as of `at.now` (a withdrawal dated later does not count yet)."""
    return _record(question, at, at.today)[0]


def _record(question: Question, at: AsOf, today: date, unpaused: Clock | None = None) -> tuple[Record, Clock]:
    """`record`, and the question's reply clock (`clock`) it was counted with; `unpaused`: the clock of every
    question that was never paused, made once."""
    calendar, tz, now = at.calendar, at.tz, at.now
    limit = at.limits[question.complexity]
    asked_day = _day(question.asked, tz)
    if question.paused or unpaused is None:
        ticking = clock(question, calendar, today, tz)
        paused = sum(calendar.workdays_between(max(asked_day, first - timedelta(days=1)), last)
                     for first, last in ticking.pauses)
    else:
        ticking, paused = unpaused, 0
    due = ticking.due(asked_day, limit)
    withdrawn = question.withdrawn if question.withdrawn is not None and question.withdrawn <= now else None
    if withdrawn is not None:
        return Record(question.id, question.dept, question.asked, due, None, Status.WITHDRAWN, None, None, 0,
                      paused, withdrawn), ticking
    if question.replied is None:
        overdue = today > due
        return Record(question.id, question.dept, question.asked, due, None,
                      Status.OVERDUE if overdue else Status.PENDING, False if overdue else None, None,
                      ticking.count(due, today) if overdue else 0, paused), ticking
    replied_day = _day(question.replied, tz)
    if question.resolved is not None:
        status = Status.RESOLVED
    elif question.promised is not None:
        status = Status.IN_PROGRESS
    else:
        status = Status.REPLIED
    return Record(question.id, question.dept, question.asked, due, question.replied, status,
                  replied_day <= due, ticking.count(asked_day, replied_day), ticking.count(due, replied_day),
                  paused), ticking


LOCAL_CHANNEL = "本站"  # the channel of a question without `channel`: it came in through the hall itself


def channel(question: Question) -> str:
    """The channel a question came in through (SPEC: a question without `channel` counts as 本站)."""
    return question.channel or LOCAL_CHANNEL


def channel_counts(questions: Iterable[Question]) -> tuple[tuple[str, int], ...]:
    """(channel, questions) for each channel, the most questions first, then by name."""
    counts = Counter(channel(q) for q in questions)
    return tuple(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])))


def _stale(last: datetime | None, moment: datetime, stale_after_days: int) -> bool:
    return last is None or moment - last > timedelta(days=stale_after_days)


def figures(questions: Iterable[Question], records: Mapping[str, Record], releases: Iterable[Release],
            at: AsOf) -> Figures:
    tz = at.tz
    questions = list(questions)
    rows = [records[q.id] for q in questions]
    live = [q for q in questions if records[q.id].status != Status.WITHDRAWN]  # withdrawn: in no denominator
    replied = [r for r in rows if r.replied is not None]
    judged = [r for r in rows if r.on_time is not None]
    days = [r.reply_days for r in replied if r.reply_days is not None]
    promises = [(q.promised, q.resolved) for q in live if q.promised is not None]
    kept = [1 for due, done in promises if done is not None and _day(done, tz) <= _day(due, tz)]
    rated = [q.satisfaction for q in live if q.satisfaction is not None]
    pleased = [s for s in rated if s in ("satisfied", "basically-satisfied")]
    dates = [r.date for r in releases]
    last = max(dates) if dates else None
    on_time = sum(1 for r in judged if r.on_time)
    return Figures(
        questions=len(rows),
        replied=len(replied),
        reply_rate=_ratio(len(replied), len(live)),
        on_time_rate=_ratio(on_time, len(judged)),
        mean_reply_days=statistics.fmean(days) if days else None,
        median_reply_days=float(statistics.median(days)) if days else None,
        overdue=sum(1 for r in rows if r.status == Status.OVERDUE),
        promised=len(promises),
        promises_kept=len(kept),
        satisfaction_rate=_ratio(len(pleased), len(rated)),
        releases=len(dates),
        last_release=last,
        stale=_stale(last, at.now, at.stale_after_days),
        withdrawn=len(rows) - len(live),
        very_overdue=sum(1 for r in rows if r.status == Status.OVERDUE and r.days_late > at.very_late),
        on_time=on_time,
        judged=len(judged),
        channels=channel_counts(questions),
    )


def _month_key(moment: datetime | date, tz: tzinfo) -> str:
    day = _day(moment, tz) if isinstance(moment, datetime) else moment
    return f"{day.year:04d}-{day.month:02d}"


def _month_start(month: str) -> date:
    year, mon = (int(part) for part in month.split("-"))
    return date(year, mon, 1)


def _month_end(month: str) -> date:
    year, mon = (int(part) for part in month.split("-"))
    first_next = date(year + (mon == 12), mon % 12 + 1, 1)
    return first_next - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class _Timeline:
    """What a month's figures need of one question, worked out once."""

    question: Question
    record: Record
    asked: date
    replied: date | None
    withdrawn: date | None
    clock: Clock
    asked_month: str = ""  # `_month_key` of the dates above, and of `promised` ("" when there is none)
    replied_month: str = ""
    withdrawn_month: str = ""
    promised_month: str = ""


def _timeline(question: Question, rec: Record, calendar: WorkCalendar, today: date, tz: tzinfo,
              ticking: Clock | None = None) -> _Timeline:
    asked = _day(question.asked, tz)
    replied = _day(question.replied, tz) if question.replied is not None else None
    withdrawn = _day(rec.withdrawn, tz) if rec.withdrawn is not None else None
    return _Timeline(question, rec, asked, replied, withdrawn,
                     ticking if ticking is not None else clock(question, calendar, today, tz),
                     _month_key(asked, tz), _month_key(replied, tz) if replied is not None else "",
                     _month_key(withdrawn, tz) if withdrawn is not None else "",
                     _month_key(question.promised, tz) if question.promised is not None else "")


@dataclass(frozen=True, slots=True)
class _Dated:
    """Releases by the day they were published, worked out once: the days in order, and the latest moment
    published up to each of them."""

    days: list[date]
    latest: list[datetime]

    @classmethod
    def of(cls, releases: Iterable[Release], tz: tzinfo, days: Mapping[int, date] | None = None) -> _Dated:
        """`days`: the day of each release already worked out, by `id` of the release."""
        known = days or {}
        # by day, and by moment within a day: `latest` is the same whichever order a day's releases come in
        ordered = sorted([(known.get(id(r)) or _day(r.date, tz), r.date) for r in releases])
        latest: list[datetime] = []
        for _day_of, moment in ordered:
            latest.append(max(latest[-1], moment) if latest else moment)
        return cls([day for day, _moment in ordered], latest)

    def up_to(self, end: date) -> tuple[int, datetime | None]:
        """How many were published by the end of `end`, and the latest of them."""
        count = bisect_right(self.days, end)
        return count, self.latest[count - 1] if count else None

    def before(self, first: date) -> int:
        """How many were published before `first`."""
        return bisect_left(self.days, first)


@dataclass(slots=True)
class _Sorted:
    """A set of questions' timelines sorted once into the months of the report: what each month's figures count.

    `overdue[i]` and `very_overdue[i]` are for the i-th month of the report (`_overdue_span`)."""

    asked: dict[str, list[_Timeline]] = field(default_factory=dict)
    out: dict[str, list[_Timeline]] = field(default_factory=dict)  # by the month of the reply
    withdrawn: Counter[str] = field(default_factory=Counter)
    promised: dict[str, list[Question]] = field(default_factory=dict)  # promises falling due, not withdrawn
    overdue: dict[int, list[_Timeline]] = field(default_factory=dict)
    very_overdue: Counter[int] = field(default_factory=Counter)

    def add(self, line: _Timeline, span: tuple[int, int, int]) -> None:
        """`line`, overdue at the ends of months `span[0]` up to `span[2]` and very overdue from `span[1]`."""
        self.asked.setdefault(line.asked_month, []).append(line)
        if line.replied_month:
            self.out.setdefault(line.replied_month, []).append(line)
        if line.withdrawn_month:
            self.withdrawn[line.withdrawn_month] += 1
        if line.promised_month and line.withdrawn is None:
            self.promised.setdefault(line.promised_month, []).append(line.question)
        first, very, stop = span
        for index in range(first, stop):
            self.overdue.setdefault(index, []).append(line)
            if index >= very:
                self.very_overdue[index] += 1


def _overdue_span(line: _Timeline, ends: list[date], at: AsOf) -> tuple[int, int, int]:
    """The months (indices into `ends`, their last days in order) at whose end `line` is overdue, `first` up to
    `stop`, and the first of them at whose end it is very overdue (`stop` when none): (first, very, stop).

    Overdue at `end` is unanswered, not withdrawn and past due then (`asked <= end`, `due < end`, neither replied nor
    withdrawn by `end`): the ends in one span. Its working days late (`Clock.count` from `due`) never shrink as the end moves on,
    so the first end past `at.very_late` is found by halving; the latest end is counted in any case, which notes
    the same years the calendar does not know as counting at every end would."""
    start = max(line.asked, line.record.due + timedelta(days=1))
    stops = [day for day in (line.replied, line.withdrawn) if day is not None]
    first = bisect_left(ends, start)
    stop = bisect_left(ends, min(stops)) if stops else len(ends)
    if first >= stop:
        return 0, 0, 0
    due, count = line.record.due, line.clock.count
    if count(due, ends[stop - 1]) <= at.very_late:
        return first, stop, stop
    low, high = first, stop - 1  # the answer is in [low, high]: very overdue at high
    while low < high:
        middle = (low + high) // 2
        if count(due, ends[middle]) > at.very_late:
            high = middle
        else:
            low = middle + 1
    return first, low, stop


@dataclass(frozen=True, slots=True)
class _Span:
    """One month of the report: its key, its place in the report, its first day, and the day and moment its
    figures are as of (its last day, or "now")."""

    key: str
    index: int
    first: date
    end: date
    moment: datetime


def month_figures(month: _Span, lines: _Sorted, dated: _Dated, at: AsOf) -> Figures:
    """One month's figures for a set of questions and releases, as of the month's last day (or "now").

    questions: asked that month; withdrawn: withdrawn that month; replied, on-time rate, mean and
    median days, satisfaction: over the replies published that month; reply rate: of the questions
    asked that month and not withdrawn, those answered by the month's end; overdue, very overdue:
    unanswered and past due at the month's end; promised, promises kept: promises falling due that
    month, and those resolved by then; releases: published that month; last release and stale: as
    of the month's end.
    """
    key, index, end = month.key, month.index, month.end
    count, last = dated.up_to(end)
    if key not in lines.asked and key not in lines.out and key not in lines.promised and index not in lines.overdue \
            and not lines.withdrawn[key]:  # no question counts this month: only the releases do
        return Figures(questions=0, replied=0, reply_rate=None, on_time_rate=None, mean_reply_days=None,
                       median_reply_days=None, overdue=0, promised=0, promises_kept=0, satisfaction_rate=None,
                       releases=max(0, count - dated.before(month.first)), last_release=last,
                       stale=_stale(last, month.moment, at.stale_after_days))
    tz = at.tz
    asked = lines.asked.get(key, [])
    live = answered = 0  # asked this month and not withdrawn by its end; of those, answered by then
    for t in asked:
        if t.withdrawn is None or t.withdrawn > end:
            live += 1
            if t.replied is not None and t.replied <= end:
                answered += 1
    out = lines.out.get(key, [])
    days: list[int] = []
    on_time = rated = pleased = 0
    for t in out:  # one pass over the month's replies, not one per figure
        if t.record.reply_days is not None:
            days.append(t.record.reply_days)
        if t.record.on_time:
            on_time += 1
        satisfaction = t.question.satisfaction
        if satisfaction is not None:
            rated += 1
            pleased += satisfaction in ("satisfied", "basically-satisfied")
    promises = lines.promised.get(key, [])
    kept = sum(1 for q in promises if q.resolved is not None and q.promised is not None
               and _day(q.resolved, tz) <= _day(q.promised, tz)) if promises else 0
    return Figures(
        questions=len(asked),
        replied=len(out),
        reply_rate=_ratio(answered, live),
        on_time_rate=_ratio(on_time, len(out)),
        mean_reply_days=statistics.fmean(days) if days else None,
        median_reply_days=float(statistics.median(days)) if days else None,
        overdue=len(lines.overdue.get(index, ())),
        promised=len(promises),
        promises_kept=kept,
        satisfaction_rate=_ratio(pleased, rated),
        releases=max(0, count - dated.before(month.first)),
        last_release=last,
        stale=_stale(last, month.moment, at.stale_after_days),
        withdrawn=lines.withdrawn[key],
        very_overdue=lines.very_overdue[index],
        on_time=on_time,
        judged=len(out),
        channels=channel_counts(t.question for t in asked),
    )


def months(questions: list[Question], records: Mapping[str, Record], releases: list[Release], at: AsOf,
           releases_of: Mapping[str, list[Release]], departments: Iterable[str],
           clocks: Mapping[str, Clock] | None = None) -> tuple[Month, ...]:
    """The monthly report: each month with a question asked or replied or a release published, up to `at.now`.

    Each question is sorted into the months it counts in once, for the hall and for its department; then each
    month's figures count only those (`month_figures`). `clocks`: the questions' reply clocks, when known."""
    calendar, today, tz = at.calendar, at.today, at.tz
    departments = sorted(departments)
    asked_in: dict[str, list[Question]] = {}
    replied_in: dict[str, list[Record]] = {}
    released_in: dict[str, list[Release]] = {}
    lines = [_timeline(q, records[q.id], calendar, today, tz, clocks.get(q.id) if clocks is not None else None)
             for q in questions]
    for line in lines:
        asked_in.setdefault(line.asked_month, []).append(line.question)
        if line.replied_month:
            replied_in.setdefault(line.replied_month, []).append(line.record)
    days = {id(r): _day(r.date, tz) for r in releases}
    for r in releases:
        day = days[id(r)]
        released_in.setdefault(f"{day.year:04d}-{day.month:02d}", []).append(r)  # `_month_key`
    keys = sorted({*asked_in, *replied_in, *released_in})
    ends = [min(_month_end(key), today) for key in keys]
    hall_lines = _Sorted()
    lines_of: dict[str, _Sorted] = {}
    for line in lines:
        span = _overdue_span(line, ends, at)
        hall_lines.add(line, span)
        dept_lines = lines_of.get(line.question.dept)
        if dept_lines is None:
            dept_lines = lines_of[line.question.dept] = _Sorted()
        dept_lines.add(line, span)
    hall_dated = _Dated.of(releases, tz, days)
    dated_of = {dept: _Dated.of(releases_of.get(dept, []), tz, days) for dept in departments}
    nothing = _Sorted()
    result = []
    for index, (key, end) in enumerate(zip(keys, ends, strict=True)):
        month = _Span(key, index, _month_start(key), end,
                      at.now if end == today else datetime.combine(end + timedelta(days=1), time(), tz))
        asked = asked_in.get(key, [])
        out = replied_in.get(key, [])
        on_time = sum(1 for r in out if r.on_time)
        topics = Counter(chain.from_iterable(q.topics for q in asked))
        topics.update(chain.from_iterable(r.topics for r in released_in.get(key, [])))
        hall = month_figures(month, hall_lines, hall_dated, at)
        result.append(Month(
            month=key, asked=len(asked), replied=len(out), on_time=on_time,
            on_time_rate=_ratio(on_time, len(out)),
            categories=tuple(sorted(Counter(q.category for q in asked).items())),
            topics=tuple(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))[:10]),
            overdue_at_end=hall.overdue,  # the hall's figures count the same questions at the same end
            releases=len(released_in.get(key, [])),
            hall=hall,
            departments={dept: month_figures(month, lines_of.get(dept, nothing), dated_of[dept], at)
                         for dept in departments},
        ))
    return tuple(result)


def compute(questions: list[Question], releases: list[Release], releases_of: Mapping[str, list[Release]],
            departments: Iterable[str], at: AsOf) -> tuple[Stats, frozenset[int]]:
    """The figures as of `at.now`, and the years whose official holidays the calendar did not know."""
    today = at.today
    unpaused = Clock(at.calendar, ())
    counted = {q.id: _record(q, at, today, unpaused) for q in questions}
    records = {key: rec for key, (rec, _clock) in counted.items()}
    by_dept: dict[str, list[Question]] = {}
    for question in questions:
        by_dept.setdefault(question.dept, []).append(question)
    departments = sorted(departments)
    dept_figures = {
        dept: figures(by_dept.get(dept, []), records, releases_of.get(dept, []), at)
        for dept in departments
    }
    stats = Stats(
        as_of=at.now,
        records=records,
        hall=figures(questions, records, releases, at),
        departments=dept_figures,
        months=months(questions, records, releases, at, releases_of, departments,
                      {key: ticking for key, (_rec, ticking) in counted.items()}),
        very_late=at.very_late,
    )
    return stats, frozenset(at.calendar.unknown_years)
