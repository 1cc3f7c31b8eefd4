"""The kinds of content, in one table: where each lives, its record, its page template and its dates.

A new kind of content is a row in ENTRY_KINDS (and its schema and loader in `content/load`), not a branch in every
module that lists, dates or renders entries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from releasehall.model.records import Entry, Page, Question, Release


@dataclass(frozen=True, slots=True)
class EntryKind:
    name: str
    record: type[Release] | type[Question] | type[Page]
    template: str  # the page an entry of this kind gets
    public_from: Callable[[Entry], datetime | None]  # not published before this moment (None: no date)
    listed_at: Callable[[Entry], datetime]  # the date lists and feeds show it under, newest first

    @property
    def folder(self) -> str:
        """`content/<dept>/<folder>/` (`content/pages/` for pages): the record's own `section`, as in its URL."""
        return self.record.section


def _date(release: Release) -> datetime:
    return release.date


def _asked(question: Question) -> datetime:
    return question.asked


def _answered(question: Question) -> datetime:
    return question.replied or question.asked


def _undated(_page: Page) -> None:
    return None


def _first(_page: Page) -> datetime:
    return datetime.min


def _on(entry_date: Callable[..., Any]) -> Callable[[Entry], Any]:
    """A date of one kind's records, called only with records of that kind (`kind_of` picks the row)."""
    return cast("Callable[[Entry], Any]", entry_date)


ENTRY_KINDS: tuple[EntryKind, ...] = (
    EntryKind("release", Release, "release.html", _on(_date), _on(_date)),
    EntryKind("question", Question, "question.html", _on(_asked), _on(_answered)),
    EntryKind("page", Page, "page.html", _on(_undated), _on(_first)),
)
_BY_RECORD: dict[type, EntryKind] = {kind.record: kind for kind in ENTRY_KINDS}
BY_FOLDER: dict[str, EntryKind] = {kind.folder: kind for kind in ENTRY_KINDS}


def kind_of(entry: Entry) -> EntryKind:
    """The kind of an entry (its row in `ENTRY_KINDS`)."""
    return _BY_RECORD[type(entry)]


def withheld(entry: Entry, now: datetime, drafts: bool) -> Literal["draft", "scheduled"] | None:
    """The publication rule: why an entry is not published — a draft (unless `--drafts`), or dated after "now"
    (scheduled) — or None when it is."""
    if entry.draft and not drafts:
        return "draft"
    moment = kind_of(entry).public_from(entry)
    return None if moment is None or moment <= now else "scheduled"


def published(entry: Entry, now: datetime, drafts: bool) -> bool:
    """Whether the publication rule (`withheld`) lets an entry out now."""
    return withheld(entry, now, drafts) is None
