"""What one run of the pipeline produced: the hall, the outputs (in memory, staged or kept), the problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment

from releasehall.assemble.hall import Hall
from releasehall.content.load import Content
from releasehall.errors import Problem
from releasehall.outputs.feeds import Feed


@dataclass(slots=True)
class Rendition:
    """One variant of the hall as a run rendered it: the hall as the variant shows it, its templates, its feeds."""

    hall: Hall
    env: Environment | None = None
    feeds: list[Feed] | None = None


@dataclass(slots=True)
class Outcome:
    problems: list[Problem] = field(default_factory=list)
    hall: Hall | None = None
    content: Content | None = None  # everything read, published or not (for `check`'s summary)
    env: Environment | None = None  # the templates the outputs were rendered with
    files: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)
    reused: frozenset[str] = frozenset()  # outputs left as the last build wrote them
    staged: frozenset[str] = frozenset()  # outputs written straight to the staging folder, bytes not kept
    rendered: list[str] = field(default_factory=list)  # outputs rendered this time (pages, feeds, figures)
    written: int = 0
    kept: int = 0
    indexed: tuple[str, ...] = ()  # the search bundle's files (written only when their bytes changed)
    feeds: list[Feed] | None = None  # the hall's feeds and what each lists (kept by serve for the quick path)
    mirrors: tuple[Rendition, ...] = ()  # the hall's other variants (the zh-Hant mirror), for the quick path
    output: Path | None = None  # the output folder a build wrote (or left as it was)
    skipped: bool = False  # nothing changed since the last build: nothing was read, rendered or written (`unchanged`)
    partial: bool = False  # `files` are only the outputs that changed; every other is as the last build left it

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]
