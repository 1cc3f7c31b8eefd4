"""The accountability pages: scoreboard, monthly reports, overdue list, stats.json and stats.csv."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from jinja2 import Environment

from releasehall.assemble.hall import Hall
from releasehall.model import ranking
from releasehall.model.ranking import MIN_RANKED, SORTS, Row
from releasehall.model.records import Status
from releasehall.model.stats import Figures, Month, Record
from releasehall.outputs.csvdata import Cell, to_csv
from releasehall.outputs.i18n import strings
from releasehall.outputs.jobs import Jobs
from releasehall.outputs.keys import Fingerprints, Memo, digest
from releasehall.outputs.pages import render_page

FIGURE_KEYS = ("questions", "replied", "reply_rate", "on_time_rate", "mean_reply_days", "median_reply_days",
               "overdue", "promised", "promises_kept", "satisfaction_rate", "releases", "last_release", "stale",
               "withdrawn", "very_overdue", "channels")


def _figures_json(figures: Figures, tz: Any) -> dict[str, Any]:
    data = asdict(figures)
    last = figures.last_release
    data["last_release"] = last.astimezone(tz).isoformat() if last else None
    data["channels"] = dict(figures.channels)
    return {key: data[key] for key in FIGURE_KEYS}


def _cell(value: Any) -> Cell:
    """A figure as one CSV cell; `channels` as `12345热线: 3; 本站: 2`."""
    if isinstance(value, dict):
        return "; ".join(f"{name}: {count}" for name, count in value.items())
    return value  # type: ignore[no-any-return]


def stats_json(hall: Hall) -> bytes:
    tz = hall.settings.tz
    stats = hall.stats
    document = {
        "as_of": stats.as_of.astimezone(tz).isoformat(),
        "hall": _figures_json(stats.hall, tz),
        "departments": {dept: _figures_json(f, tz) for dept, f in stats.departments.items()},
        "questions": [
            {"id": r.id, "department": r.dept, "asked": r.asked.astimezone(tz).isoformat(),
             "due": r.due.isoformat(), "replied": r.replied.astimezone(tz).isoformat() if r.replied else None,
             "status": r.status, "on_time": r.on_time, "reply_days": r.reply_days, "days_late": r.days_late}
            for r in sorted(stats.records.values(), key=lambda r: r.id)
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def stats_csv(hall: Hall) -> bytes:
    return figures_csv(hall, hall.stats.hall, hall.stats.departments)


def month_csv(hall: Hall, month: Month) -> bytes:
    assert month.hall is not None and month.departments is not None
    return figures_csv(hall, month.hall, month.departments)


def figures_csv(hall: Hall, whole: Figures, departments: Mapping[str, Figures]) -> bytes:
    """One row for the hall (`department` = hall) and one per department, the FIGURES columns of stats.json."""
    tz = hall.settings.tz
    rows: list[list[Cell]] = [["department", "name", *FIGURE_KEYS]]
    entries = [("", hall.settings.title, whole)]
    entries += [(d, hall.departments[d].name, f) for d, f in departments.items()]
    for dept, name, figures in entries:
        data = _figures_json(figures, tz)
        rows.append([dept or "hall", name, *(_cell(data[k]) for k in FIGURE_KEYS)])
    return to_csv(rows)


def scoreboard(hall: Hall, sort: str = "on_time_rate") -> list[Row]:
    """The hall's departments ranked by the one rule (`ranking`)."""
    return ranking.scoreboard(hall.stats.departments, _names(hall), sort)


def _names(hall: Hall) -> dict[str, str]:
    return {d: dept.name for d, dept in hall.departments.items()}


@dataclass(frozen=True, slots=True)
class Band:
    """A group of the overdue list: questions between `low` and `high` working days past due."""

    label: str
    severe: bool
    records: tuple[Record, ...]


def overdue_now(hall: Hall) -> list[Record]:
    """Questions overdue now, most late first (then the oldest question first)."""
    return sorted((r for r in hall.stats.records.values() if r.status == Status.OVERDUE),
                  key=lambda r: (-r.days_late, r.asked, r.id))


def overdue_bands(hall: Hall) -> list[Band]:
    """The overdue list in three groups, most late first: more than `very_late`, 6..very_late, up to 5."""
    words = strings(hall.settings.language)
    very = hall.stats.very_late
    first = min(OVERDUE_FIRST_BAND, very)
    records = overdue_now(hall)
    return [
        Band(words["overdue_band_last"].format(low=very), True, tuple(r for r in records if r.days_late > very)),
        Band(words["overdue_band"].format(low=first + 1, high=very), False,
             tuple(r for r in records if first < r.days_late <= very)),
        Band(words["overdue_band_first"].format(high=first), False, tuple(r for r in records if r.days_late <= first)),
    ]


OVERDUE_FIRST_BAND = 5  # the first group of the overdue list: up to this many working days past due


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a chart: its label, its length in percent of the longest possible, the value as shown."""

    label: str
    length: float
    shown: str


def bar_chart(bars: Sequence[tuple[str, float | None]], unit: str = "%") -> list[Bar]:
    """Bars for the theme's HTML chart: values 0..1 for "%" (a full bar is 100 %), else counts (the largest is full)."""
    scale = max((v or 0 for _, v in bars), default=0) if unit != "%" else 1.0
    scale = scale or 1.0
    return [Bar(label, round((value or 0) / scale * 100, 1),
                "—" if value is None else (f"{value * 100:.1f}%" if unit == "%" else f"{value:g}"))
            for label, value in bars]


# The month report's rows: figure, label key, how it is shown ("n" count, "pct" rate, "num" days).
MONTH_ROWS = (("questions", "asked_in", "n"), ("replied", "replied_out", "n"), ("reply_rate", "reply_rate", "pct"),
              ("on_time_rate", "on_time_rate", "pct"), ("mean_reply_days", "mean_days", "num"),
              ("median_reply_days", "median_days", "num"), ("overdue", "overdue_at_end", "n"),
              ("very_overdue", "very_overdue", "n"), ("withdrawn", "withdrawn_count", "n"),
              ("promised", "promises", "n"), ("promises_kept", "promises_kept", "n"),
              ("satisfaction_rate", "satisfaction_rate", "pct"), ("releases", "release_count", "n"))


@dataclass(frozen=True, slots=True)
class Change:
    """One figure of a month beside the month before: its label, both values and the change, as shown."""

    label: str
    value: str
    change: str
    previous: str


def _shown(value: float | None, how: str) -> str:
    if value is None:
        return "—"
    if how == "pct":
        return f"{value * 100:.1f}%"
    return f"{value:.1f}" if how == "num" else str(value)


def month_changes(current: Figures, previous: Figures | None, words: Mapping[str, str]) -> list[Change]:
    """Each figure of the month, the month before, and the change (rates in percentage points)."""
    rows = []
    for key, label, how in MONTH_ROWS:
        value = getattr(current, key)
        before = getattr(previous, key) if previous is not None else None
        if value is None or before is None:
            change = "—"
        elif how == "pct":
            change = f"{(value - before) * 100:+.1f} {words['points']}"
        elif how == "num":
            change = f"{value - before:+.1f}"
        else:
            change = f"{value - before:+d}"
        label = words[label] + (words["in_working_days"] if how == "num" else "")
        rows.append(Change(label, _shown(value, how), change, "—" if previous is None else _shown(before, how)))
    return rows


def render_stats(hall: Hall, env: Environment, memo: Memo, fp: Fingerprints, jobs: Jobs) -> None:
    """Queue the scoreboard, monthly reports, overdue list and open data, when the figures changed."""
    words = strings(hall.settings.language)
    urls = hall.urls
    overdue = overdue_now(hall)
    # what every figures page and file shows of the hall's figures (the templates read `hall.stats`, the overdue
    # questions' titles and `hall.channels` besides their context); a page's key adds its context (`Fingerprints.page`)
    stats = hall.stats
    key = digest(fp.whole, stats.as_of, stats.hall, stats.departments, stats.months, stats.records,
                 [(r.id, hall.by_id[r.id].title) for r in overdue], [(c.slug, c.name, len(c.questions)) for c in hall.channels])
    # the pages' contexts show these records again (scoreboard rows, months, the overdue list): named, not digested
    fp.known(key, [stats.hall, *stats.departments.values(), stats.months, *stats.records.values(),
                   *(f for month in stats.months if month.hall is not None and month.departments is not None
                     for f in (month, month.hall, *month.departments.values()))])

    def page(url: str, template: str, title: str, feeds: Sequence[dict[str, str]] = (), **context: Any) -> None:
        shown = fp.page(template, {"url": url, "title": title, "feeds": feeds}, context)
        if not memo.reuse(urls.output_path(url), digest(key, shown)):
            jobs.add((urls.output_path(url),), partial(render_page, env, template, url, title, feeds, **context))

    alerts = overdue_feed_links(hall)
    months = hall.stats.months
    last = last_month(hall)
    best = ranking.top(last.departments) if last is not None and last.departments is not None else []
    month_chart = bar_chart([(m.month, m.asked) for m in months], "")
    for sort in SORTS:
        rows = scoreboard(hall, sort)
        ranked = [r for r in rows if r.rank is not None]
        chart = bar_chart([(r.name, r.figures.on_time_rate) for r in sorted(ranked, key=lambda r: r.rank or 0)])
        url = urls.stats() if sort == "on_time_rate" else urls.stats_file(f"sort/{sort}/")
        page(url, "stats.html", words["stats"], alerts, rows=rows, sort=sort, sorts=list(SORTS), chart=chart,
             month_chart=month_chart, months=months, min_ranked=MIN_RANKED, hall_figures=hall.stats.hall,
             last_month=last, best=best)
    names = _names(hall)
    previous: Month | None = None
    for month in months:
        assert month.hall is not None and month.departments is not None
        page(urls.month(month.month), "month.html", f"{words['month_report']} {month.month}", month=month,
             previous=previous, changes=month_changes(month.hall, previous.hall if previous else None, words),
             rows=ranking.scoreboard(month.departments, names), top=ranking.top(month.departments),
             min_ranked=MIN_RANKED, chart=bar_chart([(words[f"v:{c}"], n) for c, n in month.categories], ""))
        path = urls.output_path(urls.stats_file(f"{month.month}/stats.csv"))
        if not memo.reuse(path, key):
            jobs.add((path,), partial(_data, partial(month_csv, month=month), hall))
        previous = month
    page(urls.overdue(), "overdue.html", words["overdue"], alerts, bands=overdue_bands(hall), records=overdue)
    for name, make in (("stats.json", stats_json), ("stats.csv", stats_csv)):
        path = urls.output_path(urls.stats_file(name))
        if not memo.reuse(path, key):
            jobs.add((path,), partial(_data, make, hall))


def last_month(hall: Hall) -> Month | None:
    """The calendar month before "now"'s, when the hall has a report for it: the month the hall showcases."""
    today = hall.now.astimezone(hall.settings.tz).date()
    key = f"{today.year - (today.month == 1):04d}-{(today.month - 2) % 12 + 1:02d}"
    return next((m for m in hall.stats.months if m.month == key), None)


def overdue_feed_links(hall: Hall) -> list[dict[str, str]]:
    words = strings(hall.settings.language)
    name = words["overdue_feed_title"]
    return [
        {"type": "application/rss+xml", "title": f"{name} - {words['rss']}", "href": hall.urls.feed("overdue", "rss")},
        {"type": "application/atom+xml", "title": f"{name} - {words['atom']}",
         "href": hall.urls.feed("overdue", "atom")},
    ]


def _data(make: Callable[[Hall], bytes], hall: Hall) -> tuple[bytes]:
    return (make(hall),)
