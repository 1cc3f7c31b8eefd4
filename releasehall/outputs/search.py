"""Full-text search: what each page tells the index, and the index made from the built pages.

Item pages (releases, questions, standalone pages) and department pages carry `data-pagefind-body` and,
inside it, their filters (department, kind, year) and meta (department, kind, date); every other page
(lists, 404, redirects, the stats sort variants) has none and so is left out. (The attribute names are
Pagefind's, whose index the hall used before its own; they are kept, as the pages' markup of what is indexed.)
After the pages are staged, `staged_index` reads those pages as this build leaves them (staged now, or
as the last build left them) into records (`search_text`) and makes the index (`search_index`), one part at a
time: the pages are cut into parts by department (`part_of`), and only a part whose pages changed is made
again; the others come from the cache. `layout` publishes the parts' texts under `pagefind/` in the same
staging folder, and what every query reads, their tables and postings, joined (a query fetches one postings file a
term, not one a part), so a failed build publishes no index and an incremental build publishes what a clean one would.
The zh-Hant mirror is not indexed again: search.js answers a Traditional query from the Simplified index with
a character map (`search_index.character_map`) and shows the results at their /zh-hant/ addresses.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, partial
from pathlib import Path

from markupsafe import Markup, escape

from releasehall.assemble.hall import Hall, when
from releasehall.model.records import Department, Entry, Page, Question, Release
from releasehall.model.urls import SEARCH_INDEX
from releasehall.outputs import search_index
from releasehall.outputs.i18n import to_traditional
from releasehall.outputs.search_text import Record, record
from releasehall.parallel import fork_map
from releasehall.store.write import Stager, digest_of

BUNDLE = SEARCH_INDEX + "/"
PARTS = 8  # the fewest parts the index is cut into by department (`part_of`); bench/README.md says why
PART_PAGES = 2000  # more parts as the hall grows, so a part holds at most about this many pages (`part_count`)
MANIFEST = "index.json"
PARALLEL_PAGES = 600  # parts to make holding fewer pages than this are made in one process (forking costs more)


def facets(hall: Hall, words: dict[str, str], subject: Entry | Department) -> tuple[str, str, datetime | None]:
    """An item's or a department's department, kind and moment, as its filters and meta say them."""
    if isinstance(subject, Department):
        return subject.name, words["department"], None
    if isinstance(subject, Page):
        return hall.settings.title, words["page_kind"], None
    dept = hall.departments[subject.dept].name
    kind = words[f"v:{subject.kind}"] if isinstance(subject, Release) else words["qa"]
    moment = when(subject) if isinstance(subject, Release | Question) else None
    return dept, kind, moment if isinstance(moment, datetime) else None


def tags(hall: Hall, words: dict[str, str], subject: Entry | Department) -> Markup:
    """Empty hidden elements naming an item's or a department's filters (department, kind, year) and meta
    (department, kind, date; `search_text.record` reads the meta); they go first inside the element marked `data-pagefind-body`.
    One element per key: the index reads one `key:value` from an attribute (as Pagefind did)."""
    dept, kind, moment = facets(hall, words, subject)
    dept, kind = escape(dept), escape(kind)  # (each written twice; a year and a date need no escaping)
    spans = (f'<span hidden data-pagefind-filter="department:{dept}"></span>'
             f'<span hidden data-pagefind-filter="kind:{kind}"></span>'
             f'<span hidden data-pagefind-meta="department:{dept}"></span><span hidden data-pagefind-meta="kind:{kind}"></span>')
    if moment is not None:
        local = moment.astimezone(hall.settings.tz)
        spans += (f'<span hidden data-pagefind-filter="year:{local.year}"></span>'
                  f'<span hidden data-pagefind-meta="date:{local:%Y-%m-%d}"></span>')
    return Markup(spans)


def filter_values(hall: Hall, words: dict[str, str]) -> dict[str, list[str]]:
    """Every value of each filter (department, kind, year) the indexed pages carry (`tags`), for the search page's
    choices: written into the page, so a first search does not fetch every part's filter files (59 KB at 10k items)."""
    values: dict[str, set[str]] = {"department": set(), "kind": set(), "year": set()}
    for subject in (*hall.entries(), *hall.departments.values()):
        dept, kind, moment = facets(hall, words, subject)
        values["department"].add(dept)
        values["kind"].add(kind)
        if moment is not None:
            values["year"].add(str(moment.astimezone(hall.settings.tz).year))
    return {name: sorted(found) for name, found in values.items()}


def indexed_pages(hall: Hall) -> list[str]:
    """Output paths of the pages in the index: items and departments (their zh-Hant twins are not indexed again)."""
    urls = hall.urls
    paths = [urls.output_path(urls.entry(entry)) for entry in hall.entries()]
    paths += [urls.output_path(urls.department(dept)) for dept in hall.departments]
    return sorted(paths)


def part_count(pages: int) -> int:
    """How many parts an index of `pages` pages is cut into: `PARTS`, doubled while a part would hold more than
    `PART_PAGES` pages on average (8 up to 16,000 pages, 64 at 100,000), so an edit re-makes a part of at most
    a few thousand pages whatever the hall's size."""
    count = PARTS
    while pages > count * PART_PAGES:
        count *= 2
    return count


def part_of(path: str, count: int = PARTS) -> str:
    """The part of the index a page is in (`count` of them, named "00", "01" …): a stable hash of its
    department's folder, the first segment of its output path, so that a department's pages, which link
    each other, are made again together."""
    folder = path.partition("/")[0]
    return f"{int.from_bytes(hashlib.blake2b(folder.encode(), digest_size=8).digest(), 'big') % count:02d}"


def partition(paths: list[str]) -> dict[str, list[str]]:
    """Part name -> its pages, for the parts that have any, in order."""
    count = part_count(len(paths))
    parts: dict[str, list[str]] = {}
    of: dict[str, str] = {}  # a department's folder -> its part, hashed once
    for path in paths:
        folder = path.partition("/")[0]
        part = of.get(folder)
        if part is None:
            part = of[folder] = part_of(path, count)
        parts.setdefault(part, []).append(path)
    return {name: parts[name] for name in sorted(parts)}


class SearchError(Exception):
    """A page of the index could not be read."""


def make_part(paths: list[str], read: Callable[[str], bytes], mirrored: bool,
              digest: Callable[[str], str] | None = None, previous: Mapping[str, bytes] | None = None,
              count: int | None = None) -> dict[str, bytes]:
    """A part's files (`search_index.build`) from its pages' bytes (`read(path)`), its postings cut into `count`
    shards (`search_index.shards` of the whole index's pages; of the part's own when it is the whole index). With
    `digest(path)` (of a page's bytes) and the part's `previous` files, a page whose bytes are what they were then
    is not read again: its record is taken from them (an edit re-reads its own pages, not the part's thousand others)."""
    kept = search_index.reusable(previous) if previous is not None and digest is not None else {}
    records: list[Record] = []
    pages: list[tuple[str, str]] = []
    for path in paths:
        now = digest(path) if digest is not None else ""
        before = kept.get(path)
        found = before[1] if before is not None and before[0] == now else record(path.removesuffix("index.html"), read(path))
        if found is not None:
            records.append(found)
        if digest is not None:
            pages.append((path, now))
    return search_index.build(records, to_traditional if mirrored else None, pages,
                              search_index.shards(len(paths)) if count is None else count)


def make_parts(parts: Mapping[str, list[str]], read: Callable[[str], bytes], mirrored: bool,
               digest: Callable[[str], str] | None = None,
               previous: Mapping[str, Mapping[str, bytes]] | None = None,
               count: int | None = None) -> dict[str, dict[str, bytes]]:
    """The files of several parts (`make_part`, each with its `previous` files if any, their postings cut into
    `count` shards: by default those of an index of all their pages), made on both cores when there are enough
    pages (forked workers read the pages)."""
    names = list(parts)
    earlier = previous or {}
    shards = search_index.shards(sum(map(len, parts.values()))) if count is None else count
    calls = [partial(make_part, parts[name], read, mirrored, digest, earlier.get(name), shards) for name in names]
    workers = None if sum(len(paths) for paths in parts.values()) >= PARALLEL_PAGES else 1
    return {names[n]: files for n, files in fork_map(calls, parallel_from=2, workers=workers)}


def public(name: str) -> bool:
    return name not in search_index.KEPT


def layout(bundles: Mapping[str, tuple[Mapping[str, bytes], str]],
           mirrored: bool) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """The published index (name under `pagefind/` -> (group, its bytes when asked)) of the parts' bundles
    (part -> (its files, the digest of its packed bytes)): each part's texts in a folder named by the part and
    that digest (`03.1a2b3c4d5e/`), so a changed part is at a new address and a browser never mixes an old part's
    files with a new one's; what every query reads, the parts' tables and postings joined (`search_index.joined`),
    in a folder named by the digests of all parts (`all.1a2b3c4d5e/`); `index.json` naming the folders and the
    shard count; and for the zh-Hant mirror the character map (`hant.<digest>.json`). `group` names what a file
    comes from: the output keeps a file whose group the last build placed too, and then its bytes are never read
    out of the kept bundles (the joined files are made only when one is asked)."""
    files: dict[str, tuple[str, Callable[[], bytes]]] = {}
    folders: list[str] = []
    chars: set[str] = set()
    counts: set[int] = set()
    for part, (bundle, digest) in bundles.items():
        folder = _folder(part, digest)
        folders.append(folder)
        for name in bundle:
            if public(name):
                files[folder + name] = (folder, partial(bundle.__getitem__, name))
        counts.add(len(bundle[search_index.OFFSETS].split()) - 1)
        if mirrored:
            chars.update(bundle[search_index.CHARS].decode("utf-8"))
    if len(counts) > 1:
        raise ValueError(f"parts cut into different numbers of shards: {sorted(counts)}")
    count = counts.pop() if counts else 0
    whole = hashlib.blake2b(f"{search_index.FORMAT}|{count}".encode(), digest_size=32)
    for part, (_bundle, digest) in bundles.items():
        whole.update(f"\0{part}\0{digest}".encode())
    shared = f"all.{whole.hexdigest()[:10]}/"
    made = cache(partial(search_index.joined, [bundle for bundle, _digest in bundles.values()]))
    for name in (search_index.DOCS, *(f"t{n}.txt" for n in range(count))):
        files[shared + name] = (shared, partial(lambda name: made()[name], name))
    manifest: dict[str, object] = {"format": search_index.FORMAT, "parts": folders, "shared": shared, "shards": count,
                                   "texts": search_index.TEXTS}
    if mirrored:
        data = search_index.character_map(chars, to_traditional)
        name = f"hant.{digest_of(data)[:10]}.json"
        manifest["hant"] = name
        files[name] = (name, partial(bytes, data))
    text = json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    files[MANIFEST] = (f"{MANIFEST}:{digest_of(text)}", partial(bytes, text))
    return dict(sorted(files.items()))


def inputs_digest(home: str, paths: list[str], digest: Callable[[str], str], mirrored: bool = False,
                  count: int = 1) -> str:
    """What a part's bundle is made from: the index's format, whether the hall has a mirror, the hall's base path,
    the number of shards its postings are cut into (`count`, of the whole index) and each page's path and digest
    (`digest(path)`, `digest_of` its bytes)."""
    h = hashlib.blake2b(f"{search_index.FORMAT}|{mirrored}|{home}|{count}|{len(paths)}".encode(), digest_size=32)
    for path in paths:
        h.update(f"\0{path}\0{digest(path)}".encode())
    return h.hexdigest()


PACKED = b"releasehall-bundle 1\n"  # the first line of a packed bundle (`pack`)
SUFFIX = ".bundle"  # a packed bundle's file in the store, after its digest


def address(bundle: Mapping[str, bytes]) -> str:
    """What names a part's folder in the published index (`layout`): the digest of its files as one uncompressed zip
    (the bundles' form in the store until `pack`; kept, so that the same part is at the same address)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in sorted(bundle.items()):
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return digest_of(buffer.getvalue())


def pack(bundle: Mapping[str, bytes], named: str | None = None) -> bytes:
    """A bundle as one file, the same bytes for the same bundle: a line naming the format, a line of JSON with the
    bundle's `address` (`named`, when known) and each file's name and size in name order, then the files' bytes one
    after another (read back without parsing a zip's directory: a part of 1,500 pages is 1,500 files, and every
    build looks at every part's names)."""
    names = sorted(bundle)
    table = json.dumps([named or address(bundle), [[name, len(bundle[name])] for name in names]],
                       ensure_ascii=False, separators=(",", ":"))
    return b"".join([PACKED, table.encode("utf-8"), b"\n", *(bundle[name] for name in names)])


_ADDRESS = re.compile(r"[0-9a-f]{64}")  # `address`: a digest (`digest_of`)
_NAME = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9]+")  # a bundle's file (`search_index.build`): a plain name, no folder


class Packed(Mapping[str, bytes]):
    """A bundle kept packed (`pack`), its files cut out of it when asked. ValueError when `data` is not one, or
    when its address or a file's name is not one `pack` writes: they name files in the output (`layout`), so even a
    cache signed with the key never names one outside it."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(PACKED):
            raise ValueError("not a packed bundle")
        end = data.find(b"\n", len(PACKED))
        table = json.loads(data[len(PACKED):end]) if end > 0 else None
        if not (isinstance(table, list) and len(table) == 2 and isinstance(table[0], str) and
                isinstance(table[1], list)):
            raise ValueError("no table")
        if not _ADDRESS.fullmatch(table[0]):
            raise ValueError("an address that is no digest")
        self.address: str = table[0]
        self._data = data
        self._at: dict[str, tuple[int, int]] = {}
        at = end + 1
        for row in table[1]:
            if not (isinstance(row, list) and len(row) == 2 and isinstance(row[0], str) and type(row[1]) is int
                    and row[1] >= 0 and _NAME.fullmatch(row[0])):
                raise ValueError("a damaged row")
            self._at[row[0]] = (at, at + row[1])
            at += row[1]
        if at != len(data):
            raise ValueError("a damaged bundle")

    def __getitem__(self, name: str) -> bytes:
        start, end = self._at[name]
        return self._data[start:end]

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


def unpack(data: bytes) -> dict[str, bytes]:
    return dict(Packed(data))


def from_memory(home: str, paths: list[str], pages: Mapping[str, bytes], mirrored: bool = False,
                known: dict[str, tuple[dict[str, bytes], str]] | None = None) -> dict[str, bytes]:
    """The index of pages held in memory (`serve`'s). `known` (inputs digest -> a part's bundle and digest) keeps
    the parts from one call to the next: only a part whose pages changed is made again."""
    known = {} if known is None else known
    bundles: dict[str, tuple[dict[str, bytes], str]] = {}
    labels: dict[str, str] = {}
    def digest(rel: str) -> str:
        return digest_of(pages[rel])

    count = search_index.shards(len(paths))
    for part, members in partition(paths).items():
        inputs = labels[part] = inputs_digest(home, members, digest, mirrored, count)
        made = known.get(inputs)
        if made is None:
            earlier = known.get(f"part:{part}")
            files = make_part(members, pages.__getitem__, mirrored, digest, earlier[0] if earlier else None, count)
            made = files, address(files)
        bundles[part] = made
    known.clear()
    known.update({labels[part]: made for part, made in bundles.items()})
    known.update({f"part:{part}": made for part, made in bundles.items()})
    return {name: data() for name, (_group, data) in layout(bundles, mirrored).items()}


@dataclass(slots=True)
class Store:
    """The parts' bundles made by earlier builds, kept in the cache folder by content (`<digest>.bundle`, `pack`).

    `known` maps a part's inputs digest to its bundle's digest, and `part:<name>` to the part's last bundle (whose
    unchanged pages' records a new one reuses, `previous`); it comes from the build cache, which is checked as a
    whole, and a bundle is used only when its bytes have that digest, so a file put in the folder by anyone else
    is never published or read. `placed` names the groups (`layout`) of the files the
    output holds (from the last build into the same output). `used` and `placing` are what this
    build's cache will keep.
    """

    folder: Path
    known: dict[str, str]  # inputs digest -> bundle digest, from earlier builds
    placed: frozenset[str]
    used: dict[str, str] = field(default_factory=dict)
    placing: list[str] = field(default_factory=list)

    def _read(self, digest: str | None) -> Packed | None:
        if digest is None:
            return None
        try:
            path = self.folder / f"{digest}{SUFFIX}"
            if path.is_symlink():
                return None
            data = path.read_bytes()
            return Packed(data) if digest_of(data) == digest else None
        except (OSError, ValueError, RecursionError):  # RecursionError: a table nested past the limit
            return None

    def get(self, inputs: str, part: str) -> tuple[Mapping[str, bytes], str] | None:
        """The part's bundle made of these inputs, and its `address`."""
        digest = self.known.get(inputs)
        bundle = self._read(digest)
        if bundle is None or digest is None:
            return None
        self.used[inputs] = self.used[f"part:{part}"] = digest
        return bundle, bundle.address

    def previous(self, part: str) -> Packed | None:
        """The part's bundle made by the last build that made it, if it is still there as it was."""
        return self._read(self.known.get(f"part:{part}"))

    def put(self, inputs: str, bundle: dict[str, bytes], part: str) -> str:
        """Keep the part's bundle made of these inputs; its `address`."""
        named = address(bundle)
        data = pack(bundle, named)
        digest = digest_of(data)
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{digest}{SUFFIX}"
        handle, temp = tempfile.mkstemp(prefix=".bundle-", dir=self.folder)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temp, target)
        self.used[inputs] = self.used[f"part:{part}"] = digest
        return named

    def prune(self) -> None:
        """Remove the bundles (and half-written files) this build's cache does not name."""
        keep = {f"{digest}{SUFFIX}" for digest in self.used.values()}
        if self.folder.is_dir():
            for path in self.folder.iterdir():  # zips: the bundles of builds before `pack` was ours
                if path.name not in keep and (path.suffix in (SUFFIX, ".zip") or
                                              path.name.startswith((".bundle-", ".zip-"))):
                    with contextlib.suppress(OSError):  # a folder of that name (`cache.secure` removes it)
                        path.unlink(missing_ok=True)


def staged_index(hall: Hall, stager: Stager, store: Store, intact: Callable[[str], bool]) -> dict[str, bytes | None]:
    """The index for the pages as this build leaves them (staged now, or kept from the last build):
    output path -> bytes, or None for a file the output already holds as it should or that is staged already (a
    file in a new folder whose bytes the folder it replaces holds: linked, `Stager.link_same`; an edit changes a
    few text files of its part and the shards its terms fall in, and the joined folder's other files).

    The index is cut into parts (`partition`); a part whose pages are what an earlier build indexed
    comes from `store`, and only the others are made (on both cores when they are many), reading only the pages
    that changed since the part was last made. `intact(rel)`
    says the output still holds what the last build wrote at `rel`; that is this build's bytes only if
    the last build placed the same group there.
    """
    paths, home, mirrored = indexed_pages(hall), hall.urls.home(), hall.settings.mirrored
    parts = partition(paths)
    bundles: dict[str, tuple[Mapping[str, bytes], str]] = {}
    count = search_index.shards(len(paths))
    groups = {part: inputs_digest(home, members, stager.digest_at, mirrored, count) for part, members in parts.items()}
    todo: dict[str, list[str]] = {}
    previous: dict[str, Packed] = {}
    for part, inputs in groups.items():
        kept = store.get(inputs, part)
        if kept is not None:
            bundles[part] = kept
            continue
        todo[part] = parts[part]
        earlier = store.previous(part)
        if earlier is not None:
            previous[part] = earlier
    try:
        made = make_parts(todo, stager.bytes_of, mirrored, stager.digest_at, previous, count)
    except (OSError, UnicodeDecodeError) as exc:
        raise SearchError(str(exc)) from exc
    for part, files in made.items():
        bundles[part] = files, store.put(groups[part], files, part)
    published = layout({part: bundles[part] for part in parts}, mirrored)
    store.placing = sorted({group for group, _data in published.values()})
    was = {_kind(group): group for group in store.placed if group.endswith("/")}  # the folders the output holds
    index: dict[str, bytes | None] = {}
    for name, (group, data) in published.items():
        rel = BUNDLE + name
        if group in store.placed and intact(rel):
            index[rel] = None
            continue
        made_now = data()
        old = was.get(_kind(group)) if group.endswith("/") else None
        # a file in a new folder (a remade part's, the joined one's) whose bytes its old folder holds: linked
        index[rel] = None if old is not None and old != group and \
            stager.link_same(rel, BUNDLE + old + name.removeprefix(group), made_now) else made_now
    return index


def _kind(group: str) -> str:
    """What a folder of the published index holds, whatever its digest: a part's texts (the part's name) or the
    joined files (`all`)."""
    return group.partition(".")[0]


def _folder(part: str, digest: str) -> str:
    """A part's folder in the published index (`layout`), named by the part and its bundle's digest."""
    return f"{part}.{digest[:10]}/"
