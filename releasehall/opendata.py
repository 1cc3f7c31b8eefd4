"""The accountability pages: scoreboard, monthly reports, overdue list, stats.json and stats.csv."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from jinja2 import Environment

from releasehall.i18n import strings
from releasehall.index import Hall
from releasehall.memo import Fingerprints, Memo, digest
from releasehall.outputs import Jobs
from releasehall.render import render_page
from releasehall.stats import Figures, Month

MIN_RANKED = 5  # fewer questions than this: shown, not ranked
FIGURE_KEYS = ("questions", "replied", "reply_rate", "on_time_rate", "mean_reply_days", "median_reply_days",
               "overdue", "promised", "promises_kept", "satisfaction_rate", "releases", "last_release", "stale")


def _figures_json(figures: Figures, tz: Any) -> dict[str, Any]:
    data = asdict(figures)
    last = figures.last_release
    data["last_release"] = last.astimezone(tz).isoformat() if last else None
    return {key: data[key] for key in FIGURE_KEYS}


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
             "status": r.status, "on_time": r.on_time, "reply_days": r.reply_days}
            for r in sorted(stats.records.values(), key=lambda r: r.id)
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def stats_csv(hall: Hall) -> bytes:
    tz = hall.settings.tz
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["department", "name", *FIGURE_KEYS])
    rows = [("", hall.settings.title, hall.stats.hall)]
    rows += [(d, hall.departments[d].name, f) for d, f in hall.stats.departments.items()]
    for dept, name, figures in rows:
        data = _figures_json(figures, tz)
        writer.writerow([dept or "hall", name, *("" if data[k] is None else data[k] for k in FIGURE_KEYS)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese CSV correctly


@dataclass(frozen=True, slots=True)
class Row:
    dept: str
    name: str
    figures: Figures
    rank: int | None


# Column -> sort key (best first). None sorts last.
SORTS: dict[str, Callable[[Figures], tuple[Any, ...]]] = {
    "on_time_rate": lambda f: (f.on_time_rate is None, -(f.on_time_rate or 0), -(f.reply_rate or 0)),
    "reply_rate": lambda f: (f.reply_rate is None, -(f.reply_rate or 0), -(f.on_time_rate or 0)),
    "mean_reply_days": lambda f: (f.mean_reply_days is None, f.mean_reply_days or 0),
    "overdue": lambda f: (-f.overdue,),
    "satisfaction_rate": lambda f: (f.satisfaction_rate is None, -(f.satisfaction_rate or 0)),
    "questions": lambda f: (-f.questions,),
    "releases": lambda f: (-f.releases,),
}


def scoreboard(hall: Hall, sort: str = "on_time_rate") -> list[Row]:
    key = SORTS[sort]
    ranked_order = sorted(
        (d for d, f in hall.stats.departments.items() if f.questions >= MIN_RANKED),
        key=lambda d: (*SORTS["on_time_rate"](hall.stats.departments[d]), d),
    )
    ranks = {d: i + 1 for i, d in enumerate(ranked_order)}
    rows = [Row(d, hall.departments[d].name, f, ranks.get(d)) for d, f in hall.stats.departments.items()]
    return sorted(rows, key=lambda r: (r.rank is None, *key(r.figures), r.dept))


def bar_chart(title: str, bars: Sequence[tuple[str, float | None]], unit: str = "%") -> str:
    """A horizontal bar chart as inline SVG, titled for screen readers; values 0..1 for "%"."""
    width, label_w, row_h = 640, 180, 22
    height = row_h * len(bars) + 10
    scale = max((v or 0 for _, v in bars), default=0) if unit != "%" else 1.0
    scale = scale or 1.0
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'aria-label="{_attr(title)}" xmlns="http://www.w3.org/2000/svg"><title>{_attr(title)}</title>']
    for i, (label, value) in enumerate(bars):
        y = 5 + i * row_h
        length = (value or 0) / scale * (width - label_w - 70)
        shown = "—" if value is None else (f"{value * 100:.1f}%" if unit == "%" else f"{value:g}")
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{_attr(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row_h - 6}"></rect>'
                     f'<text x="{label_w + length + 6:.1f}" y="{y + 15}">{shown}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _change(current: Month, previous: Month | None) -> dict[str, int | None]:
    if previous is None:
        return {"asked": None, "replied": None}
    return {"asked": current.asked - previous.asked, "replied": current.replied - previous.replied}


def render_stats(hall: Hall, env: Environment, memo: Memo, fp: Fingerprints, jobs: Jobs) -> None:
    """Queue the scoreboard, monthly reports, overdue list and open data, when the figures changed."""
    words = strings(hall.settings.language)
    urls = hall.urls
    overdue = sorted((r for r in hall.stats.records.values() if r.status == "overdue"), key=lambda r: (r.asked, r.id))
    key = digest(fp.whole, hall.stats.as_of, hall.stats.hall, hall.stats.departments, hall.stats.months,
                 hall.stats.records, tuple((r, hall.by_id[r.id].title) for r in overdue))

    def page(url: str, template: str, title: str, **context: Any) -> None:
        if not memo.reuse(urls.output_path(url), key):
            jobs.add((urls.output_path(url),), partial(render_page, env, template, url, title, **context))

    months = hall.stats.months
    month_chart = bar_chart(f"{words['asked_in']} / {words['months']}", [(m.month, m.asked) for m in months], "")
    for sort in SORTS:
        rows = scoreboard(hall, sort)
        ranked = [r for r in rows if r.rank is not None]
        chart = bar_chart(f"{words['on_time_rate']} — {words['scoreboard']}",
                          [(r.name, r.figures.on_time_rate) for r in sorted(ranked, key=lambda r: r.rank or 0)])
        url = urls.stats() if sort == "on_time_rate" else urls.stats_file(f"sort/{sort}/")
        page(url, "stats.html", words["stats"], rows=rows, sort=sort, sorts=list(SORTS), chart=chart,
             month_chart=month_chart, months=months, min_ranked=MIN_RANKED, hall_figures=hall.stats.hall)
    previous: Month | None = None
    for month in months:
        page(urls.month(month.month), "month.html", f"{words['month_report']} {month.month}", month=month,
             change=_change(month, previous), previous=previous,
             chart=bar_chart(f"{words['categories']} {month.month}",
                             [(words[f"v:{c}"], n) for c, n in month.categories], ""))
        previous = month
    page(urls.overdue(), "overdue.html", words["overdue"], records=overdue)
    for name, make in (("stats.json", stats_json), ("stats.csv", stats_csv)):
        path = urls.output_path(urls.stats_file(name))
        if not memo.reuse(path, key):
            jobs.add((path,), partial(_data, make, hall))


def _data(make: Callable[[Hall], bytes], hall: Hall) -> tuple[bytes]:
    return (make(hall),)
