"""`releasehall stats`: the scoreboard as a terminal table."""

from __future__ import annotations

import unicodedata
from typing import TextIO

from releasehall.index import Hall
from releasehall.opendata import scoreboard


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def print_scoreboard(hall: Hall, out: TextIO) -> None:
    header = ["#", "部门 department", "留言 q", "回复率 reply", "按时率 on-time", "平均日 mean", "超期 overdue",
              "满意率 satisf.", "发布 rel.", "最近发布 last"]
    rows: list[list[str]] = []
    for ranked in scoreboard(hall):
        f = ranked.figures
        last = f.last_release.astimezone(hall.settings.tz).date().isoformat() if f.last_release else "—"
        rows.append([str(ranked.rank or "-"), ranked.name, str(f.questions), _pct(f.reply_rate), _pct(f.on_time_rate),
                     "—" if f.mean_reply_days is None else f"{f.mean_reply_days:.1f}", str(f.overdue),
                     _pct(f.satisfaction_rate), str(f.releases), last + (" 停更 stale" if f.stale else "")])
    h = hall.stats.hall
    rows.append(["", "合计 hall", str(h.questions), _pct(h.reply_rate), _pct(h.on_time_rate),
                 "—" if h.mean_reply_days is None else f"{h.mean_reply_days:.1f}", str(h.overdue),
                 _pct(h.satisfaction_rate), str(h.releases), ""])
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    as_of = hall.now.astimezone(hall.settings.tz).strftime("%Y-%m-%d %H:%M")
    out.write(f"{hall.settings.title} — 回复考核 reply scoreboard, as of {as_of}\n")
    for index, line in enumerate([header, *rows]):
        cells = [_pad(cell, widths[i], right=i not in (1, 9)) for i, cell in enumerate(line)]
        out.write("  ".join(cells).rstrip() + "\n")
        if index == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
