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
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any

from markupsafe import Markup

from releasehall.assemble.hall import Hall
from releasehall.errors import Report
from releasehall.model.documents import validity
from releasehall.model.records import Department, Entry, Page, Question, Release
from releasehall.read.symlinks import walk

THEME = Path(__file__).parent.parent / "theme"  # the built-in theme; render and build read it from here


def digest(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


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
    """Digests of the hall's parts, computed once per build and combined into output keys.

    What it digests once it remembers for the build: each entry's digests by the entry's id, and the objects they
    hold (an item's rendered body, summary, table of contents, attachments, a question's record), the tuples many
    pages share (a topic's first entries, a department's releases) and the records the figures' key holds, by
    identity, with the object itself kept beside its digest so that its id stays its own while the build lasts.
    One object per build (and per variant of the hall): nothing is remembered from one build to the next."""

    hall: Hall
    open: frozenset[str] = frozenset()  # page templates that use an operator's template: they may show anything
    whole: str = ""  # what every page shows: settings, templates, departments, topics, pages
    _entries: dict[str, str] = field(default_factory=dict)
    _rows: dict[str, str] = field(default_factory=dict)
    _items: dict[str, str] = field(default_factory=dict)  # an entry as a page's own item: both of the above
    _heads: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)  # a template and its values' names
    _shared: dict[int, tuple[Any, Any]] = field(default_factory=dict)  # records and tuples, by identity: digests
    _texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # long text an entry's digests hold, by itself
    _how: dict[type, Callable[[Fingerprints, Any, str], Any]] = field(default_factory=lambda: dict(_HOW))
    _atoms: set[type] = field(default_factory=lambda: set(_ATOMS))
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
            html, toc = body.html, body.toc
            files = self.hall.attachments.get(entry.id)
            key = self._entries[entry.id] = _with_texts((entry.rel, entry.front_digest, entry.body_line, toc, files),
                                                        entry.body, html)
            # where a page is given these very objects, its key names them by this digest (`plain`)
            if len(html) > _SHORT:
                self._texts[html] = (html, f"{key} html")
            if toc:
                self._shared[id(toc)] = (toc, f"{key} toc")
            if files:
                self._shared[id(files)] = (files, f"{key} files")
        return key

    def row(self, entry: Entry) -> str:
        """What a list row may show: the record but its body, the summary, its status, whether it expired, a
        document's validity (both change with "now")."""
        key = self._rows.get(entry.id)
        if key is None:
            summary = self.hall.bodies[entry.id].summary
            if isinstance(entry, Question):
                state: Any = self.hall.stats.records[entry.id]
                key = digest(entry.rel, entry.front_digest, summary, state)
                self._shared[id(state)] = (state, f"{key} record")  # a question's page is given its record
            elif isinstance(entry, Release):
                now = self.hall.now
                key = digest(entry.rel, entry.front_digest, summary, bool(entry.expires and entry.expires < now),
                             validity(entry, now))
            else:
                key = digest(entry.rel, entry.front_digest, summary, None)
            self._rows[entry.id] = key
            if len(summary) > _SHORT:
                self._texts[summary] = (summary, f"{key} summary")
        return key

    def item(self, entry: Entry) -> str:
        """An entry as a page's own item (`ITEM`): whole, and as its row."""
        key = self._items.get(entry.id)
        if key is None:
            key = self._items[entry.id] = self.entry(entry) + self.row(entry)
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

    def rows(self, entries: Iterable[Entry]) -> str:
        """One digest for the rows of a list, in order."""
        try:
            return _hash("".join(map(self._rows.__getitem__, map(_ID, entries))))
        except KeyError:  # rows not digested yet (`row` fills them in)
            return _hash("".join(map(self.row, entries)))

    def page(self, template: str, given: Mapping[str, Any], context: Mapping[str, Any]) -> str:
        """The key of a page made with `template` from what every page is `given` (its URL, title, feed links,
        description) and its `context`: each value digested by what it is (`plain`), and, when the template uses one
        of the operator's, everything a template can read."""
        names = (*given, *context)
        head = self._heads.get((template, names))
        if head is None:
            head = self._heads[(template, names)] = digest(self.whole, template, self.shown(template, ""), names)
        item = context.get(ITEM)
        if item is not None and type(item) in _ENTRY_TYPES:  # its digests first: they name its body and summary
            self.item(item)  # wherever the page shows them, whatever the order of its values
        return _hash(head + repr(_shown(self, given.items()) + _shown(self, context.items())))

    def known(self, key: str, objects: Iterable[Any]) -> None:
        """Records, or tuples of them, whose whole value `key` digests (the hall's figures): wherever a page is given
        one, its key names it by `key` and its place instead of digesting it again."""
        for i, value in enumerate(objects):
            self._shared[id(value)] = (value, f"{key} {i}")

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


def _with_texts(head: tuple[Any, ...], *texts: str) -> str:
    """A digest of `head` (its repr) and of long `texts`, hashed as they are rather than written into a repr;
    their lengths are in what is hashed before them, so the same bytes cannot stand for other texts."""
    h = hashlib.sha256(repr((*head, *map(len, texts))).encode("utf-8"))
    for text in texts:
        h.update(text.encode("utf-8"))
    return h.hexdigest()[:32]


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
_ID = attrgetter("id")
_SHORT = 64  # text up to this long is written into a page's key as it is, never named by a digest that holds it
# Types whose repr is their whole value, written into the key as they are.
_ATOMS: frozenset[type] = frozenset({str, Markup, int, float, bool, type(None), date, datetime})


def plain(fp: Fingerprints, value: Any, name: str) -> Any:
    """`value` (a page's context value called `name`) as plain data whose repr stands for all that a built-in
    template can show of it:

    - an entry: as the page's own item (`ITEM`: its record, body, attachments and row state, `fp.item`), elsewhere
      as a list row (`fp.row`); a list or tuple of entries as the rows of a list (`fp.rows`);
    - text (Markup included), numbers, dates, None, and frozen dataclasses whose fields are declared as such (or
      tuples, unions and mappings of them; no entry among them): by value, their repr;
    - a department of the hall: by its id (all departments are in `fp.whole`);
    - any other frozen dataclass: its type and fields, lists, tuples and dicts: their items in order, each by
      these rules.

    An object an entry's digests or the figures' key hold (`fp.entry`, `fp.row`, `fp.known`) is named by that digest,
    and a record or tuple many pages share is digested once per build (`fp._shared`).

    Anything else (a set, a function, a mutable object, an object of no known shape) raises TypeError naming the
    context value: a page key must not leave out what a page shows, so a value it cannot digest stops the build
    (and the tests) rather than being skipped."""
    return _shown(fp, ((name, value),))[0]


def _shown(fp: Fingerprints, values: Iterable[tuple[str, Any]]) -> list[Any]:
    """`plain` of each (name, value): text, numbers and the like as they are, an empty list or tuple as (), any other
    value (or long text an entry's digests hold) as `_value` says. (One comprehension: a page's key runs it over
    each of its values, a list's over each of its items.)"""
    atoms, texts = fp._atoms, fp._texts
    return [value if (kind := type(value)) in atoms and value not in texts
            else () if not value and (kind is tuple or kind is list)
            else _value(fp, value, name) for name, value in values]


def _value(fp: Fingerprints, value: Any, name: str) -> Any:
    """A value that is not plain text, a number or the like: as the function `fp._how` names for its type says; long
    text an entry's digests hold (an item's body or summary), by the name of the digest that holds this very text."""
    kind = type(value)
    if kind in fp._atoms:
        known = fp._texts[value]
        return known[1] if known[0] is value else value
    how = fp._how
    if kind not in how:
        how[kind] = _how(fp, kind)
    return how[kind](fp, value, name)


def _sequence(fp: Fingerprints, value: list[Any] | tuple[Any, ...], name: str) -> Any:
    """A list or tuple: the rows of its entries, else its values; a tuple (many pages share some: a topic's first
    entries, a department's releases) once per object."""
    if not value:
        return ()
    shared = type(value) is tuple and name != ITEM
    if shared:
        known = fp._shared.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
    kinds = set(map(type, value))
    if kinds <= _ENTRY_TYPES:
        shown: Any = fp.rows(value)
    elif kinds <= fp._atoms:
        shown = value
    else:
        shown = _shown(fp, zip(repeat(name), value))
    if shared:
        if type(shown) is not str:
            shown = _hash(repr(shown))
        fp._shared[id(value)] = (value, shown)  # (held: its id stays its own)
    return shown


def _entry(fp: Fingerprints, value: Entry, name: str) -> Any:
    if name == ITEM:
        return fp._items.get(value.id) or fp.item(value)
    return fp._rows.get(value.id) or fp.row(value)


def _mapping(fp: Fingerprints, value: Mapping[Any, Any], name: str) -> Any:
    if set(map(type, value.keys())) <= fp._atoms and set(map(type, value.values())) <= fp._atoms:
        return list(value.items())
    return [(plain(fp, k, name), plain(fp, v, name)) for k, v in value.items()]


def _department(fp: Fingerprints, value: Department, name: str) -> Any:
    if fp.hall.departments.get(value.id) is value:
        return f"department {value.id}"
    return _fields(value.__class__)(fp, value, name)


def _atom(_fp: Fingerprints, value: Any, _name: str) -> Any:
    return value


def _record(fp: Fingerprints, value: Any, _name: str) -> Any:
    known = fp._shared.get(id(value))
    if known is None or known[0] is not value:
        known = fp._shared[id(value)] = (value, _hash(repr(value)))  # (held: its id stays its own)
    return known[1]


def _fields(kind: type) -> Callable[[Fingerprints, Any, str], Any]:
    """A frozen dataclass of no plain shape: its type and its fields, each by `plain`."""
    names = tuple(f.name for f in dataclasses.fields(kind))

    def fields(fp: Fingerprints, value: Any, name: str) -> Any:
        return (kind.__qualname__, *[plain(fp, getattr(value, f), name) for f in names])

    return fields


def _records(kind: type, inner: tuple[str, ...]) -> Callable[[Fingerprints, Any, str], Any]:
    """A record of plain values with records within (a scoreboard row and its figures, which are the hall's): each
    inner one on its own (`plain`), the rest by its repr, once per object."""
    names = [f.name for f in dataclasses.fields(kind)]
    values = attrgetter(*names) if len(names) > 1 else lambda v: (getattr(v, names[0]),)
    places = tuple(names.index(n) for n in inner)

    def records(fp: Fingerprints, value: Any, name: str) -> Any:
        known = fp._shared.get(id(value))
        if known is None or known[0] is not value:
            shown = list(values(value))
            for i in places:
                shown[i] = plain(fp, shown[i], name)
            known = fp._shared[id(value)] = (value, _hash(repr((kind.__qualname__, *shown))))
        return known[1]

    return records


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


def _how(fp: Fingerprints, kind: type) -> Callable[[Fingerprints, Any, str], Any]:
    """How `plain` digests values of type `kind`, when `_HOW` does not say (decided once per type and build)."""
    if issubclass(kind, ENTRIES):
        return _entry
    if issubclass(kind, Department):
        return _department
    if issubclass(kind, (str, int, float, date)):  # str enums, subclasses of numbers and dates
        fp._atoms.add(kind)
        return _atom
    if _by_value(kind, set()):  # a record of plain values (the figures, a topic), digested once per object:
        hints = typing.get_type_hints(kind)
        inner = tuple(f.name for f in dataclasses.fields(kind) if _nested(hints[f.name]))  # type: ignore[arg-type]
        return _records(kind, inner) if inner else _record  # records within: each on its own; else its repr
    if issubclass(kind, (list, tuple)):
        return _sequence
    if issubclass(kind, Mapping):
        return _mapping
    if dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        return _fields(kind)
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


# How `plain` digests the types it knows before any build (a table of pure functions: what it learns of other types
# during a build, `Fingerprints._how` holds).
_HOW: Mapping[type, Callable[[Fingerprints, Any, str], Any]] = MappingProxyType({
    list: _sequence, tuple: _sequence, dict: _mapping, Release: _entry, Question: _entry, Page: _entry,
})
