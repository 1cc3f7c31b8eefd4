"""Fingerprints of what each output is made from, so a rebuild renders only what changed.

Every rendered output gets a key: a digest of the data it shows. An output whose key is
the same as in the last build, and whose file in the last output is untouched, is not
rendered again; `write` leaves the old file in place.

The keys that renderers build by hand (an item's record, the rows a listing shows, the
figures) describe what the *built-in* theme's templates show. A template can read more:
`hall` is a global, so any template may show any record, body or figure. A page whose
template uses one of the operator's templates (`open` below: it, or one it extends,
includes or imports, or macros.html, comes from `layouts/`) is therefore keyed on
`everything`: the whole hall and the build's "now". It is rendered again after any
change, and an incremental build stays byte-identical to a clean one whatever the
operator's layouts show; pages made only from the built-in theme keep their narrow keys.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from releasehall.assemble.hall import Hall
from releasehall.errors import Report
from releasehall.model.documents import validity
from releasehall.model.records import Entry, Question, Release
from releasehall.read.symlinks import walk

THEME = Path(__file__).parent.parent / "theme"  # the built-in theme; render and build read it from here


def digest(*parts: Any) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _files_digest(folder: Path, boundary: Path) -> tuple[tuple[str, str], ...]:
    """The templates' bytes, read only where `confine` allows (the build stopped at any link out)."""
    if not folder.is_dir():
        return ()
    return tuple(("/".join(inner), hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest())
                 for p, inner in walk(folder, boundary, folder.name, Report()))


def settings_digest(hall: Hall) -> str:
    settings = hall.settings
    plain = dataclasses.replace(settings, root=Path("."), output=Path("."))  # where the hall is checked out shows on no page
    return digest(plain)


@dataclass(slots=True)
class Memo:
    """The keys of the last build and of this one; says which outputs can be reused."""

    previous: Mapping[str, str] = field(default_factory=dict)
    intact: Callable[[str], bool] = lambda _path: False
    keys: dict[str, str] = field(default_factory=dict)
    reused: set[str] = field(default_factory=set)
    rendered: list[str] = field(default_factory=list)

    def reuse_all(self, paths: tuple[str, ...], key: str) -> bool:
        """Outputs made together (RSS and Atom): reusable only when all of them are."""
        for path in paths:
            self.keys[path] = key
        if all(self.previous.get(p) == key and self.intact(p) for p in paths):
            self.reused.update(paths)
            return True
        self.rendered.extend(paths)
        return False

    def reuse(self, path: str, key: str) -> bool:
        """Record `path`'s key; True when the last build's file can stand for it."""
        self.keys[path] = key
        if self.previous.get(path) == key and self.intact(path):
            self.reused.add(path)
            return True
        self.rendered.append(path)
        return False


@dataclass(slots=True)
class Fingerprints:
    """Digests of the hall's parts, computed once per build and combined into output keys."""

    hall: Hall
    open: frozenset[str] = frozenset()  # page templates that use an operator's template: they may show anything
    whole: str = ""  # what every page shows: settings, templates, departments, topics, pages
    _entries: dict[str, str] = field(default_factory=dict)
    _rows: dict[str, str] = field(default_factory=dict)
    _everything: str = ""

    def __post_init__(self) -> None:
        hall = self.hall
        self.whole = digest(
            settings_digest(hall), _files_digest(THEME, THEME), _files_digest(hall.settings.root / "layouts", hall.settings.root),
            tuple(hall.departments.values()), hall.children, tuple(hall.topics.items()),
            tuple((p.slug, p.title, p.order) for p in hall.pages),
        )

    def entry(self, entry: Entry) -> str:
        """The entry's front matter (its record is a function of it and the path), body, rendered body (with its
        images' sizes and variants) and attachments (their sizes and page counts follow the files' bytes)."""
        key = self._entries.get(entry.id)
        if key is None:
            html = self.hall.bodies[entry.id].html
            key = self._entries[entry.id] = digest(entry.rel, entry.front_digest, entry.body_line, _hash(entry.body),
                                                   _hash(html), self.hall.attachments.get(entry.id))
        return key

    def row(self, entry: Entry) -> str:
        """What a list row may show: the record but its body, the summary, its status, whether it expired, a
        document's validity (both change with "now")."""
        key = self._rows.get(entry.id)
        if key is None:
            state: Any = None
            if isinstance(entry, Question):
                state = self.hall.stats.records[entry.id]
            elif isinstance(entry, Release):
                state = (bool(entry.expires and entry.expires < self.hall.now), validity(entry, self.hall.now))
            key = self._rows[entry.id] = digest(entry.rel, entry.front_digest, self.hall.bodies[entry.id].summary,
                                                state)
        return key

    def feed_entry(self, entry: Entry) -> str:
        """What a feed entry shows: the entry, its validity, and the documents it is linked with (their titles and
        URLs, as in their rows)."""
        if not isinstance(entry, Release):
            return self.entry(entry)
        links = self.hall.links
        linked = [links.replaced_by[entry.id]] if entry.id in links.replaced_by else []
        linked += [*links.interprets.get(entry.id, ()), *links.interpretations.get(entry.id, ())]
        if entry.document is None and not linked:
            return self.entry(entry)  # nothing of a document's in its entry: as before documents existed
        return digest(self.entry(entry), self.row(entry), self.rows([self.hall.by_id[i] for i in linked]))

    def rows(self, entries: Any) -> str:
        """One digest for the rows of a list, in order."""
        row = self.row
        return _hash("".join([row(e) for e in entries]))

    def shown(self, template: str, key: Any) -> Any:
        """The key of a page made with `template`: `key` (what the built-in template shows), or, when the
        template uses one of the operator's, everything a template can read."""
        return self.everything() if template in self.open else key

    def everything(self) -> str:
        """All that a template can read through the `hall` global: every published record with its body and
        row state, every source (drafts included, through `hall.targets`), the departments' descriptions,
        topics, relations, backlinks, attachments, the figures, and the build's "now"."""
        if not self._everything:
            hall = self.hall
            targets = hall.targets
            self._everything = digest(
                self.whole, hall.now,
                _hash("".join([self.entry(e) + self.row(e) for e in hall.entries()])),
                _hash(repr(sorted(hall.bodies.items()))), repr(hall.stats),
                hall.topic_of, hall.backlinks, hall.related, hall.assets,
                _hash(repr([(rel, e.front_digest, e.body_line, _hash(e.body)) for rel, e in sorted(targets.entries.items())])),
                sorted(targets.published), sorted(targets.departments), sorted(targets.assets),
                _hash(repr([getattr(hall, name) for name in sorted(_REST)])),
            )
        return self._everything


# The hall's fields not digested one by one above (derived from what is, or added since): digested whole, by
# their text, so that a field added to Hall is covered without anyone remembering to list it here. A field
# whose text changes on every build (an object shown by its address) only makes such pages render every time.
_COVERED = {"settings", "now", "urls", "departments", "children", "releases", "questions", "pages", "bodies", "by_id",
            "topics", "topic_of", "backlinks", "related", "stats", "releases_of", "questions_of", "replies", "by_topic",
            "targets", "assets"}
_REST = frozenset(f.name for f in dataclasses.fields(Hall)) - _COVERED
