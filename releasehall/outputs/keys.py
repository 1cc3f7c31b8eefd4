"""Fingerprints of what each output is made from, so a rebuild renders only what changed.

Every rendered output gets a key: a digest of the data it shows. An output whose key is
the same as in the last build, and whose file in the last output is untouched, is not
rendered again; `write` leaves the old file in place.

A page's key follows from its context, the values its template is given (`Fingerprints.page`):
each value is digested by what it is (`plain`): the page's own entry (`ITEM`) whole (`entry`
and `row`), any other entry as the list row it is shown as (`row`, `rows`), text, numbers and
dates by value, departments by their id (`whole` holds them), frozen records by their repr,
containers value by value. What it cannot digest safely raises TypeError naming the value, so
nobody has to remember to write a new context value into a key. The figures pages add the
statistics they read through `hall.stats`; feeds, which are not templates, are keyed by their
entries (`feed_entry`).

The built-in theme's templates show what their context holds, and, through the `hall` global,
only what `whole` digests (settings, templates, departments, topics, pages) or what a row
shows. A template can read more: `hall` is a global, so any template may show any record, body
or figure. A page whose template uses one of the operator's templates (`open` below: it, or one
it extends, includes or imports, or macros.html, comes from `layouts/`) is therefore keyed on
`everything`: the whole hall and the build's "now". It is rendered again after any change, and
an incremental build stays byte-identical to a clean one whatever the operator's layouts show;
pages made only from the built-in theme keep their narrow keys.
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

from markupsafe import Markup

from releasehall.assemble.hall import Hall
from releasehall.errors import Report
from releasehall.model.documents import validity
from releasehall.model.records import Department, Entry, Page, Question, Release
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
    _lists: dict[int, tuple[tuple[Entry, ...], str]] = field(default_factory=dict)
    _names: dict[tuple[str, ...], str] = field(default_factory=dict)
    _records: dict[int, tuple[Any, Any]] = field(default_factory=dict)  # records and tuples, by identity: digests
    _texts: dict[int, tuple[str, str]] = field(default_factory=dict)  # long text an entry's digests hold
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
            body = self.hall.bodies[entry.id]
            files = self.hall.attachments.get(entry.id)
            key = self._entries[entry.id] = digest(entry.rel, entry.front_digest, entry.body_line, _hash(entry.body),
                                                   _hash(body.html), body.toc, files)
            self._hold(key, body.html, body.toc, files)
        return key

    def _hold(self, key: str, *values: Any) -> None:
        """`values` (long text, records, tuples) are digested whole by `key`: where a page is given one of these very
        objects (its item's body, summary, table of contents, attachments, a question's record), its key names it
        by `key` and its place instead of digesting it again (`plain`)."""
        for i, value in enumerate(values):
            if value and (type(value) not in _TEXT or len(value) > _SHORT):
                (self._texts if type(value) in _TEXT else self._records)[id(value)] = (value, f"{key} {i}")

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
            summary = self.hall.bodies[entry.id].summary
            key = self._rows[entry.id] = digest(entry.rel, entry.front_digest, summary, state)
            self._hold(key, summary, state)
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
        if type(entries) is tuple:  # a list shared by many pages (`pages.topic_heads`): digested once, by identity
            known = self._lists.get(id(entries))
            if known is None:
                known = self._lists[id(entries)] = (entries, self._rows_of(entries))  # (held: its id stays its own)
            return known[1]
        return self._rows_of(entries)

    def _rows_of(self, entries: Any) -> str:
        rows = self._rows
        try:
            return _hash("".join([rows[e.id] for e in entries]))
        except KeyError:  # rows not digested yet (`row` fills them in)
            row = self.row
            return _hash("".join([row(e) for e in entries]))

    def page(self, template: str, given: Mapping[str, Any], context: Mapping[str, Any]) -> str:
        """The key of a page made with `template` from what every page is `given` (its URL, title, feed links,
        description) and its `context`: each value digested by what it is (`plain`), and, when the template uses one
        of the operator's, everything a template can read."""
        atoms, text, empty = _ATOMS, _TEXT, _EMPTY
        names = (*given, *context)
        known = self._names.get(names)
        if known is None:
            known = self._names[names] = _hash(repr(names))
        return digest(self.whole, template, self.shown(template, ""), known, [
            value if ((kind := type(value)) in atoms and (kind not in text or len(value) <= _SHORT))
            or (not value and kind in empty)  # (plain's first cases, inline: most values are short text)
            else plain(self, value, name)
            for values in (given, context) for name, value in values.items()])

    def known(self, key: str, objects: Iterable[Any]) -> None:
        """Records, or tuples of them, whose whole value `key` digests (the hall's figures): wherever a page is given
        one, its key names it by `key` and its place instead of digesting it again."""
        for i, value in enumerate(objects):
            self._records[id(value)] = (value, f"{key} {i}")

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


# What a page's context value stands for in its key, by the value's type (`plain`).
ITEM = "item"  # the context name of a page's own entry, shown whole; an entry anywhere else is shown as a list row
ENTRIES = (Release, Question, Page)
_ENTRY_TYPES = frozenset(ENTRIES)
_EMPTY = (list, tuple)
_TEXT = (str, Markup)
_SHORT = 64  # text up to this long is written into a page's key without asking whether the item's digests hold it
# Types whose repr is their whole value, written into the key as they are.
_ATOMS: set[type] = {str, Markup, int, float, bool, type(None), date, datetime}


def plain(fp: Fingerprints, value: Any, name: str) -> Any:
    """`value` (a page's context value called `name`) as plain data whose repr stands for all that a built-in
    template can show of it:

    - an entry: as the page's own item (`ITEM`: its record, body, attachments and row state, `fp.entry` and
      `fp.row`), elsewhere as a list row (`fp.row`); a list or tuple of entries as the rows of a list (`fp.rows`);
    - text (Markup included), numbers, dates, None, and frozen dataclasses whose fields are declared as such (or
      tuples, unions and mappings of them; no entry among them): by value, their repr;
    - a department of the hall: by its id (all departments are in `fp.whole`);
    - any other frozen dataclass: its type and fields, lists, tuples and dicts: their items in order, each by
      these rules.

    Anything else (a set, a function, a mutable object, an object of no known shape) raises TypeError naming the
    context value: a page key must not leave out what a page shows, so a value it cannot digest stops the build
    (and the tests) rather than being skipped."""
    kind = type(value)
    if kind in _ATOMS:
        if kind in _TEXT and len(value) > _SHORT:  # an item's body or summary: named by the digest that holds it
            known = fp._texts.get(id(value))
            if known is not None and known[0] is value:
                return known[1]
        return value
    if kind is list or kind is tuple:  # (`_sequence`, inline: the most common values after text)
        if not value:
            return ()
        kinds = set(map(type, value))
        if kinds <= _ENTRY_TYPES:
            return fp.rows(value)
        if kinds <= _ATOMS:
            return value
        if kind is list:
            return [plain(fp, v, name) for v in value]
        known = fp._records.get(id(value))  # a tuple shared by many pages (`pages.topic_heads`): digested once
        if known is None or known[0] is not value:
            known = fp._records[id(value)] = (value, _hash(repr([plain(fp, v, name) for v in value])))
        return known[1]
    how = _HOW.get(kind)
    if how is None:
        how = _HOW[kind] = _how(kind)
    return how(fp, value, name)


def _sequence(fp: Fingerprints, value: list[Any] | tuple[Any, ...], name: str) -> Any:
    if not value:
        return ()
    kinds = set(map(type, value))
    if kinds <= _ENTRY_TYPES:
        return fp.rows(value)
    if kinds <= _ATOMS:
        return value
    return [plain(fp, v, name) for v in value]


def _entry(fp: Fingerprints, value: Entry, name: str) -> Any:
    return fp.entry(value) + fp.row(value) if name == ITEM else fp.row(value)


def _atom(_fp: Fingerprints, value: Any, _name: str) -> Any:
    return value


def _mapping(fp: Fingerprints, value: Mapping[Any, Any], name: str) -> Any:
    if set(map(type, value.keys())) <= _ATOMS and set(map(type, value.values())) <= _ATOMS:
        return list(value.items())
    return [(plain(fp, k, name), plain(fp, v, name)) for k, v in value.items()]


def _department(fp: Fingerprints, value: Department, name: str) -> Any:
    if fp.hall.departments.get(value.id) is value:
        return f"department {value.id}"
    return _dataclass(fp, value, name)


def _dataclass(fp: Fingerprints, value: Any, name: str) -> Any:
    return (type(value).__qualname__, *[plain(fp, getattr(value, f), name) for f in _FIELDS[type(value)]])


def _record(fp: Fingerprints, value: Any, _name: str) -> Any:
    known = fp._records.get(id(value))
    if known is None or known[0] is not value:
        known = fp._records[id(value)] = (value, _hash(repr(value)))  # (held: its id stays its own)
    return known[1]


def _records(fp: Fingerprints, value: Any, name: str) -> Any:
    known = fp._records.get(id(value))
    if known is None or known[0] is not value:
        values, inner = _INNER[type(value)]
        shown = list(values(value))
        for i in inner:
            shown[i] = plain(fp, shown[i], name)
        known = fp._records[id(value)] = (value, _hash(repr((type(value).__qualname__, *shown))))
    return known[1]


def _nested(kind: Any) -> bool:
    """Whether a field declared as `kind` may hold a record or a mapping."""
    origin = typing.get_origin(kind)
    if origin is not None:
        return origin in (Mapping, dict) or any(_nested(arg) for arg in typing.get_args(kind))
    return isinstance(kind, type) and dataclasses.is_dataclass(kind)


def _refuse(_fp: Fingerprints, value: Any, name: str) -> Any:
    raise TypeError(f"a page key cannot digest the context value {name!r} ({type(value).__module__}."
                    f"{type(value).__qualname__}): pass plain data, records, entries or frozen dataclasses of them, "
                    "or teach outputs/keys.plain what this value shows")


def _how(kind: type) -> Callable[[Fingerprints, Any, str], Any]:
    """How `plain` digests values of type `kind` (decided once per type)."""
    if issubclass(kind, ENTRIES):
        return _entry
    if issubclass(kind, Department):
        return _department
    if issubclass(kind, (str, int, float, date)):  # str enums, subclasses of numbers and dates
        _ATOMS.add(kind)
        return _atom
    if _by_value(kind, set()):  # a record of plain values (the figures, a topic), digested once per object:
        hints = typing.get_type_hints(kind)
        names = [f.name for f in dataclasses.fields(kind)]  # type: ignore[arg-type]
        inner = tuple(n for n in names if _nested(hints[n]))
        if inner:  # records within: each on its own (a scoreboard row's figures are the hall's), the rest as it is
            _INNER[kind] = (attrgetter(*names) if len(names) > 1 else lambda v: (getattr(v, names[0]),),
                            tuple(names.index(n) for n in inner))
            return _records
        return _record  # else its repr
    if issubclass(kind, (list, tuple)):
        return _sequence
    if issubclass(kind, Mapping):
        return _mapping
    if dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
        return _dataclass
    return _refuse


def _by_value(kind: Any, seen: set[Any]) -> bool:
    """Whether a value declared as `kind` is shown whole by its repr: text, numbers, dates, None, str enums, and
    tuples, unions, mappings and frozen dataclasses made only of them. Never an entry (its body is not in its repr)."""
    if kind in _ATOMS or kind is Ellipsis or kind in seen:
        return True
    origin = typing.get_origin(kind)
    if origin is not None:
        if origin not in (tuple, typing.Union, types.UnionType, Mapping, dict, typing.Literal):
            return False
        return origin is typing.Literal or all(_by_value(arg, seen) for arg in typing.get_args(kind))
    if not isinstance(kind, type) or issubclass(kind, ENTRIES):
        return False
    if issubclass(kind, (str, int, float, date)):
        return True
    if not (dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen):  # type: ignore[attr-defined]
        return False
    try:
        hints = typing.get_type_hints(kind)
    except (NameError, TypeError):  # an annotation that cannot be resolved here: digested field by field
        return False
    seen.add(kind)
    return all(_by_value(hints[f.name], seen) for f in dataclasses.fields(kind))


_HOW: dict[type, Callable[[Fingerprints, Any, str], Any]] = {}
_FIELDS: dict[type, tuple[str, ...]] = {}
_INNER: dict[type, tuple[Callable[[Any], Any], tuple[int, ...]]] = {}  # records within records: their fields, where
