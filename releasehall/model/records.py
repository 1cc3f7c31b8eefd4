"""The hall's model: frozen records for departments, releases, questions and pages.

Records are built once by `load` and never changed; `index.Hall` cross-references them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from releasehall.read.sources import Lines

KINDS = ("news", "notice", "policy", "emergency", "rumor", "interview", "survey", "event")
CATEGORIES = ("consultation", "complaint", "suggestion", "help")
COMPLEXITIES = ("normal", "complex")
SATISFACTIONS = ("satisfied", "basically-satisfied", "unsatisfied")
LEVELS = ("municipal", "district", "street", "community")


class Status(StrEnum):
    """A question's status as of "now" (`stats.record`); the values are stats.json's."""

    PENDING = "pending"  # no reply, not yet due
    OVERDUE = "overdue"  # no reply, past due
    REPLIED = "replied"
    IN_PROGRESS = "in-progress"  # replied, `promised` set, not resolved
    RESOLVED = "resolved"
    WITHDRAWN = "withdrawn"


STATUSES = tuple(Status)
VALIDITIES = ("pending", "effective", "repealed", "expired")  # of a document, as of "now" (documents.validity)


@dataclass(frozen=True, slots=True)
class Finding:
    """An unmasked number found reading a source (`privacy.check_source`): its line, what to do, and its digits
    (so that the hall's own published numbers, which may change without the source changing, pass)."""

    line: int
    zh: str
    en: str
    number: str = ""


@dataclass(frozen=True, slots=True)
class Spokesperson:
    name: str
    title: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """A release's 政府信息公开 metadata (`document`); `effective` already defaults to the release's date."""

    number: str  # 发文字号
    index: str  # 索引号
    issuer: str  # 发文机关; "" means the department's name (documents.issuer)
    written: datetime | None  # 成文日期
    effective: datetime  # 施行日期
    repealed: datetime | None  # 废止日期
    replaced_by: str  # content id (or source path without .md) of the document that replaces it; "" for none


@dataclass(frozen=True, slots=True)
class Department:
    id: str
    rel: str
    name: str
    short_name: str
    parent: str | None
    level: str | None
    order: int
    description: str
    spokesperson: Spokesperson | None
    accounts: tuple[tuple[str, str], ...]
    maintainers: tuple[str, ...]
    lines: Lines
    aliases: tuple[str, ...] = ()  # old root-relative paths that redirect here
    partners: tuple[str, ...] = ()  # departments that may name this one in `with`, `interprets`, `replaced_by`

    @property
    def label(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True, slots=True)
class Change:
    date: datetime
    note: str


@dataclass(frozen=True, slots=True)
class Transfer:
    source: str
    target: str
    date: datetime
    note: str


@dataclass(frozen=True, slots=True)
class Pause:
    """A period the reply clock stood still (waiting for the citizen): `start`..`end`, both days included;
    `end` None while still paused."""

    start: datetime
    end: datetime | None
    note: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """An `attachments` entry as written: the file (relative to the Markdown file), its title, its line."""

    file: str
    title: str
    line: int


@dataclass(frozen=True, slots=True)
class Release:
    id: str
    dept: str
    slug: str
    rel: str
    title: str
    date: datetime
    kind: str
    claim: str
    topics: tuple[str, ...]
    co_publishers: tuple[str, ...]
    summary: str
    related: tuple[str, ...]
    pinned: bool | datetime
    expires: datetime | None
    updated: datetime | None
    changes: tuple[Change, ...]
    draft: bool
    body: str
    body_line: int
    lines: Lines
    front_digest: str = ""  # see sources.Document
    document: DocumentMeta | None = None
    interprets: tuple[str, ...] = ()  # on a policy release: ids of the documents it explains
    aliases: tuple[str, ...] = ()
    personal: tuple[Finding, ...] = ()  # unmasked numbers found reading it (privacy.check_source)
    toc: bool | None = None  # table of contents: forced on or off; None: shown for three or more ## headings
    attachments: tuple[Attachment, ...] = ()

    section = "releases"



@dataclass(frozen=True, slots=True)
class Question:
    id: str
    dept: str
    slug: str
    rel: str
    title: str
    asked: datetime
    question: str
    asker: str
    channel: str
    category: str
    complexity: str
    replied: datetime | None
    promised: datetime | None
    resolved: datetime | None
    satisfaction: str | None
    transfers: tuple[Transfer, ...]
    topics: tuple[str, ...]
    related: tuple[str, ...]
    draft: bool
    body: str
    body_line: int
    lines: Lines
    front_digest: str = ""
    aliases: tuple[str, ...] = ()
    paused: tuple[Pause, ...] = ()
    withdrawn: datetime | None = None
    personal: tuple[Finding, ...] = ()  # unmasked numbers found reading it (privacy.check_source)
    toc: bool | None = None
    attachments: tuple[Attachment, ...] = ()

    section = "qa"
    summary = ""



@dataclass(frozen=True, slots=True)
class Page:
    id: str
    slug: str
    rel: str
    title: str
    summary: str
    order: int
    draft: bool
    body: str
    body_line: int
    lines: Lines
    front_digest: str = ""
    aliases: tuple[str, ...] = ()
    personal: tuple[Finding, ...] = ()  # unmasked numbers found reading it (privacy.check_source)
    toc: bool | None = None
    ask: bool | None = None  # list site.yaml's `ask` after the body; None: only on the page named `guide`

    section = "pages"
    dept = ""
    topics: tuple[str, ...] = ()
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Asset:
    """A file next to the Markdown (image, attachment), copied as is."""

    rel: str  # path under content/, posix


Item = Release | Question
Entry = Release | Question | Page

