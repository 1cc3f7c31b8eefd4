"""`releasehall stats`: the scoreboard, one month's table or what is overdue now, as terminal text."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import TextIO

from releasehall.assemble.hall import Hall
from releasehall.model import ranking
from releasehall.model.stats import Figures
from releasehall.outputs.opendata import overdue_bands


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _table(hall: Hall, departments: Mapping[str, Figures], whole: Figures, heading: str, out: TextIO) -> None:
    header = ["#", "部门 department", "留言 q", "回复率 reply", "按时率 on-time", "平均日 mean", "超期 overdue",
              "满意率 satisf.", "发布 rel.", "最近发布 last"]
    rows: list[list[str]] = []
    names = {d: dept.name for d, dept in hall.departments.items()}
    for ranked in ranking.scoreboard(departments, names):
        f = ranked.figures
        last = f.last_release.astimezone(hall.settings.tz).date().isoformat() if f.last_release else "—"
        rows.append([str(ranked.rank or "-"), ranked.name, str(f.questions), _pct(f.reply_rate), _pct(f.on_time_rate),
                     "—" if f.mean_reply_days is None else f"{f.mean_reply_days:.1f}", str(f.overdue),
                     _pct(f.satisfaction_rate), str(f.releases), last + (" 停更 stale" if f.stale else "")])
    h = whole
    rows.append(["", "合计 hall", str(h.questions), _pct(h.reply_rate), _pct(h.on_time_rate),
                 "—" if h.mean_reply_days is None else f"{h.mean_reply_days:.1f}", str(h.overdue),
                 _pct(h.satisfaction_rate), str(h.releases), ""])
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out.write(heading + "\n")
    out.write(f"排名：按时率 95% 威尔逊区间下限，留言少于 {ranking.MIN_RANKED} 条不排名 / ranked by the lower bound of "
              f"the 95% Wilson interval of the on-time rate; fewer than {ranking.MIN_RANKED} questions: not ranked\n")
    for index, line in enumerate([header, *rows]):
        cells = [_pad(cell, widths[i], right=i not in (1, 9)) for i, cell in enumerate(line)]
        out.write("  ".join(cells).rstrip() + "\n")
        if index == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def _as_of(hall: Hall) -> str:
    return hall.now.astimezone(hall.settings.tz).strftime("%Y-%m-%d %H:%M")


def print_scoreboard(hall: Hall, out: TextIO) -> None:
    _table(hall, hall.stats.departments, hall.stats.hall,
           f"{hall.settings.title} — 回复考核 reply scoreboard, as of {_as_of(hall)}", out)


def print_month(hall: Hall, month: str, out: TextIO) -> bool:
    """One month's table (the monthly report's figures); False when the hall has no such month."""
    for report in hall.stats.months:
        if report.month == month and report.hall is not None and report.departments is not None:
            _table(hall, report.departments, report.hall,
                   f"{hall.settings.title} — {month} 月度通报 monthly report, as of {_as_of(hall)}", out)
            return True
    return False


def print_overdue(hall: Hall, out: TextIO) -> None:
    """What is overdue now, most late first, one line each: short enough to paste into a chat."""
    urls = hall.urls
    bands = overdue_bands(hall)
    total = sum(len(band.records) for band in bands)
    out.write(f"{hall.settings.title} — 超期未复 {total} 件 / {total} overdue, as of {_as_of(hall)}\n")
    for band in bands:
        if not band.records:
            continue
        out.write(f"\n【{band.label}】{len(band.records)}\n")
        for rec in band.records:
            question = hall.by_id[rec.id]
            out.write(f"- 超期 {rec.days_late} 个工作日 · {hall.departments[rec.dept].name} · {question.title} · "
                      f"答复期限 due {rec.due.isoformat()} · {urls.absolute(urls.entry(question))}\n")
