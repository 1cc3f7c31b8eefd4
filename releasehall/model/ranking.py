"""The one ranking rule for departments, used by /stats/, the monthly report, the front page and `stats`.

Departments with fewer than MIN_RANKED questions are shown but not ranked. The ranked ones
are ordered by the lower bound of the 95 % Wilson score interval of their on-time rate, so
that 5 on-time replies out of 5 (lower bound 0.57) do not outrank 96 out of 100 (0.90): a
small sample must earn its place. Ties go to the higher raw rate, then the reply rate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from releasehall.model.stats import Figures

MIN_RANKED = 5  # fewer questions than this: shown, not ranked
Z95 = 1.959963984540054  # the standard normal quantile for a two-sided 95 % interval


def wilson_lower(successes: int, total: int, z: float = Z95) -> float | None:
    """The lower bound of the Wilson score interval for `successes` out of `total` (None when total is 0)."""
    if total <= 0:
        return None
    p = successes / total
    z2 = z * z
    centre = p + z2 / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    return (centre - spread) / (1 + z2 / total)


def on_time_key(f: Figures) -> tuple[Any, ...]:
    """Best first: Wilson lower bound of the on-time rate, then the raw rate, then the reply rate."""
    lower = wilson_lower(f.on_time, f.judged)
    return (lower is None, -(lower or 0), -(f.on_time_rate or 0), -(f.reply_rate or 0))


# Column -> sort key (best first). None sorts last.
SORTS: dict[str, Callable[[Figures], tuple[Any, ...]]] = {
    "on_time_rate": on_time_key,
    "reply_rate": lambda f: (f.reply_rate is None, -(f.reply_rate or 0), -(f.on_time_rate or 0)),
    "mean_reply_days": lambda f: (f.mean_reply_days is None, f.mean_reply_days or 0),
    "overdue": lambda f: (-f.overdue,),
    "satisfaction_rate": lambda f: (f.satisfaction_rate is None, -(f.satisfaction_rate or 0)),
    "questions": lambda f: (-f.questions,),
    "releases": lambda f: (-f.releases,),
}


@dataclass(frozen=True, slots=True)
class Row:
    dept: str
    name: str
    figures: Figures
    rank: int | None
    lower_bound: float | None  # the Wilson lower bound the rank rests on


def ranks(figures: Mapping[str, Figures]) -> dict[str, int]:
    """Each ranked department's place (1 = best) by on-time rate."""
    ranked = sorted((d for d, f in figures.items() if f.questions >= MIN_RANKED),
                    key=lambda d: (*on_time_key(figures[d]), d))
    return {d: i + 1 for i, d in enumerate(ranked)}


def scoreboard(figures: Mapping[str, Figures], names: Mapping[str, str], sort: str = "on_time_rate") -> list[Row]:
    """Every department's row: the ranked first, in `sort`'s order, then those not ranked."""
    key = SORTS[sort]
    places = ranks(figures)
    rows = [Row(d, names[d], f, places.get(d), wilson_lower(f.on_time, f.judged)) for d, f in figures.items()]
    return sorted(rows, key=lambda r: (r.rank is None, *key(r.figures), r.dept))


def top(figures: Mapping[str, Figures], count: int = 3) -> list[str]:
    """The best `count` ranked departments that have an on-time rate at all."""
    places = ranks(figures)
    return [d for d in sorted(places, key=places.__getitem__) if figures[d].on_time_rate is not None][:count]
