"""Full-text search: what each page tells Pagefind, and the index built from the built pages.

Item pages (releases, questions, standalone pages) and department pages carry
`data-pagefind-body` and, inside it, their filters (department, kind, year) and meta (department,
kind, date); every other page (lists, 404, redirects, the stats sort variants) has none and so is
left out. After the pages are staged, `index` feeds Pagefind (the extended build, which
segments Chinese) those pages' bytes (as staged now, or as the last build left them), one part of
the index at a time: the pages are cut into `PARTS` parts by department (`part_of`), and only a
part whose pages changed is indexed again (Pagefind cannot update an index; all 10k pages take
20 s, one part a second or two); the others come from the cache. `layout` publishes the parts under
`pagefind/` in the same staging folder, so a failed build publishes no index and an incremental
build publishes what a clean one would; search.js searches them together and keeps only the
parts that answer every term as one index over all pages would (see search.js). The zh-Hant
mirror's pages say `lang="zh-Hant"`, so Pagefind gives them an index of their own in each part.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from importlib.metadata import version
from pathlib import Path

from markupsafe import Markup, escape

from releasehall.assemble.hall import Hall, when
from releasehall.model.records import Department, Entry, Page, Question, Release
from releasehall.model.urls import MIRROR as PREFIX
from releasehall.store.write import Stager, digest_of, scratch_folder

BUNDLE = "pagefind/"
PARTS = 8  # the index is cut into this many parts by department (`part_of`); bench/README.md says why 8
PAGEFIND = version("pagefind")  # pinned in pyproject.toml: `hooked` knows this version's pagefind.js
HOOKS = ("var pagefind=void 0;", "var init_pagefind=()=>")  # what `hooked` needs in pagefind.js
UNUSED = frozenset({"pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                    "pagefind-highlight.js"})  # Pagefind's own interfaces; the search page has its own


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
    (department, kind, date) for Pagefind; they go first inside the element marked `data-pagefind-body`.
    One element per key: Pagefind reads one `key:value` from an attribute."""
    dept, kind, moment = facets(hall, words, subject)
    pairs = [("filter", "department", dept), ("filter", "kind", kind), ("meta", "department", dept), ("meta", "kind", kind)]
    if moment is not None:
        local = moment.astimezone(hall.settings.tz)
        pairs += [("filter", "year", str(local.year)), ("meta", "date", f"{local:%Y-%m-%d}")]
    return Markup("".join(f'<span hidden data-pagefind-{what}="{key}:{escape(value)}"></span>' for what, key, value in pairs))


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
    """Output paths of the pages in the index: items and departments, and their zh-Hant twins."""
    urls = hall.urls
    paths = [urls.output_path(urls.entry(entry)) for entry in hall.entries()]
    paths += [urls.output_path(urls.department(dept)) for dept in hall.departments]
    if hall.settings.mirrored:
        paths += [PREFIX + path for path in paths]
    return sorted(paths)


def part_of(path: str) -> str:
    """The part of the index a page is in (`PARTS` of them, named "00", "01" …): a stable hash of its
    department's folder, the first segment of its output path (a zh-Hant twin goes with its page), so that
    a department's pages, which link each other, are re-indexed together."""
    folder = path.removeprefix(PREFIX).partition("/")[0]
    return f"{int.from_bytes(hashlib.blake2b(folder.encode(), digest_size=8).digest(), 'big') % PARTS:02d}"


def partition(paths: list[str]) -> dict[str, list[str]]:
    """Part name -> its pages, for the parts that have any, in order."""
    parts: dict[str, list[str]] = {}
    for path in paths:
        parts.setdefault(part_of(path), []).append(path)
    return {name: parts[name] for name in sorted(parts)}


def index(home: str, paths: list[str], locate: Callable[[str], Path], workdir: Path,
          tree: Path | None = None) -> dict[str, bytes]:
    """The Pagefind bundle (file name -> bytes) of the pages at `paths` (one part's).

    `locate(path)` says where a page's current bytes are (staged, or left by the last build);
    Pagefind's command indexes them in a folder where each is at its URL's place: `tree`, kept from
    one build to the next and brought up to date by `place` (at 10k items, making and removing
    ten thousand folders each time took longer than indexing), or a new one in `workdir`.
    Pagefind's ready-made interfaces (`pagefind-ui.js` …) are left out: the search page has its own.
    """
    from pagefind.service import get_executable

    executable = get_executable()
    if executable is None:
        raise SearchError("Pagefind is not installed: pip install 'pagefind[extended]'")
    site, bundle = tree or workdir / "site", workdir / "bundle"
    place(site, {home.lstrip("/") + path: path for path in paths}, locate)
    result = subprocess.run([str(executable), "--site", str(site), "--output-path", str(bundle), "--silent"],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchError(f"Pagefind failed ({result.returncode}): {(result.stderr or result.stdout).strip()[-500:]}")
    return {name: path.read_bytes() for path in sorted(bundle.rglob("*"))
            if path.is_file() and (name := path.relative_to(bundle).as_posix()) not in UNUSED}


def place(site: Path, wanted: dict[str, str], locate: Callable[[str], Path]) -> None:
    """Make `site` hold exactly the files `wanted` names (place -> page), each a hard link to the page's
    current bytes (a copy on another file system). Whatever else is there goes first — other files, links,
    anything that is not a plain file or folder — so nothing in it is followed and nothing else is indexed."""
    if site.is_symlink() or (site.exists() and not site.is_dir()):
        site.unlink()
    site.mkdir(parents=True, exist_ok=True)
    for folder, dirs, files in os.walk(site):
        here = Path(folder)
        for name in dirs:
            if (here / name).is_symlink():
                (here / name).unlink()
        for name in files:
            if (here / name).relative_to(site).as_posix() not in wanted or not stat.S_ISREG((here / name).lstat().st_mode):
                (here / name).unlink()
    for rel, page in wanted.items():
        source, target = locate(page), site / rel
        known = source.stat()
        try:
            held = target.lstat()
            if (held.st_ino, held.st_dev) == (known.st_ino, known.st_dev):
                continue
            if stat.S_ISDIR(held.st_mode):
                shutil.rmtree(target)
            else:
                target.unlink()
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:  # another file system
            shutil.copyfile(source, target)


def keep_only(tree: Path, parts: Iterable[str]) -> None:
    """Remove from the kept pages folder whatever is not one of `parts`' folders (a part left empty, an older layout)."""
    if not tree.is_dir() or tree.is_symlink():
        return
    wanted = set(parts)
    for entry in tree.iterdir():
        if entry.name not in wanted or entry.is_symlink() or not entry.is_dir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


class SearchError(Exception):
    """Pagefind is missing or failed."""


def shared(name: str) -> bool:
    """Files every part's bundle holds alike (Pagefind's script and WebAssembly): published once, at the root."""
    return name == "pagefind.js" or name.startswith("wasm.")


def hooked(script: bytes, parts: list[str]) -> bytes:
    """pagefind.js with two exports search.js needs: the folders of the parts to merge, and Pagefind's instances
    (one per part), which search.js asks one by one (`searchable`). Pagefind's wrapper keeps them to itself."""
    text = script.decode("utf-8")
    if not all(mark in text for mark in HOOKS):
        raise SearchError(f"pagefind.js is not the one Release Hall knows (Pagefind {PAGEFIND}): its instances are not reachable")
    return (f"{text}\n// Release Hall: the index's other parts (merged by search.js) and Pagefind's instances, one per part\n"
            f"export const parts={json.dumps(parts)};"
            "export const instances=()=>{init_pagefind();return pagefind.instances};\n").encode()


def layout(bundles: Mapping[str, Mapping[str, bytes]],
           inputs: Mapping[str, str]) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """The published bundle (name under `pagefind/` -> (group, its bytes when asked)) of the parts' bundles (part ->
    its files): the first part's files at the root, where pagefind.js, which loads it, is; every other part's in its
    own folder (`07/…`), without the files all parts share. `group` names what a file comes from (where a part is
    placed and its `inputs` digest, or a shared file's bytes): the output keeps a file whose group the last build
    placed too, and then its bytes are never read out of the kept bundle."""
    files: dict[str, tuple[str, Callable[[], bytes]]] = {}
    common: dict[str, bytes] = {}
    others = [f"{part}/" for part in list(bundles)[1:]]
    for n, (part, bundle) in enumerate(bundles.items()):
        folder = "" if n == 0 else f"{part}/"
        group = f"{folder or '/'}:{inputs[part]}"
        for name in bundle:
            if shared(name):
                if common.setdefault(name, bundle[name]) != bundle[name]:
                    raise SearchError(f"the index's parts disagree on {name}")
            else:
                files[folder + name] = (group, partial(bundle.__getitem__, name))
    for name, data in common.items():
        if name == "pagefind.js":
            data = hooked(data, others)
        files[name] = (f"{name}:{digest_of(data)}", partial(bytes, data))
    return dict(sorted(files.items()))


def inputs_digest(home: str, paths: list[str], digest: Callable[[str], str]) -> str:
    """What a part's bundle is made from: Pagefind's version, the hall's base path and each page's path and
    digest (`digest(path)`, `digest_of` its bytes)."""
    h = hashlib.blake2b(f"{PAGEFIND}|{home}|{len(paths)}".encode(), digest_size=32)
    for path in paths:
        h.update(f"\0{path}\0{digest(path)}".encode())
    return h.hexdigest()


def pack(bundle: Mapping[str, bytes]) -> bytes:
    """A bundle as one uncompressed zip (its files are compressed already), the same bytes for the same bundle."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in sorted(bundle.items()):
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


class Packed(Mapping[str, bytes]):
    """A bundle kept as a zip (`pack`), its files read when asked."""

    def __init__(self, data: bytes) -> None:
        self._archive = zipfile.ZipFile(io.BytesIO(data))
        self._names = self._archive.namelist()

    def __getitem__(self, name: str) -> bytes:
        return self._archive.read(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def unpack(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def from_memory(home: str, paths: list[str], pages: Mapping[str, bytes],
                known: dict[str, dict[str, bytes]] | None = None) -> dict[str, bytes]:
    """The bundle of pages held in memory (`serve`'s), made in a temporary folder. `known` (inputs digest -> a
    part's bundle) keeps the parts from one call to the next: only a part whose pages changed is indexed again."""
    known = {} if known is None else known
    bundles: dict[str, dict[str, bytes]] = {}
    labels: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="releasehall-search-") as temp:
        workdir = Path(temp)

        def locate(rel: str) -> Path:
            target = workdir / "pages" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(pages[rel])
            return target

        for part, members in partition(paths).items():
            inputs = labels[part] = inputs_digest(home, members, lambda rel: digest_of(pages[rel]))
            bundle = known.get(inputs)
            if bundle is None:
                shutil.rmtree(workdir / "site", ignore_errors=True)
                shutil.rmtree(workdir / "bundle", ignore_errors=True)
                bundle = index(home, members, locate, workdir)
            bundles[part] = bundle
    known.clear()
    known.update({labels[part]: bundle for part, bundle in bundles.items()})
    return {name: data() for name, (_group, data) in layout(bundles, labels).items()}


@dataclass(slots=True)
class Store:
    """The parts' bundles made by earlier builds, kept in the cache folder by content (`<digest>.zip`).

    `known` maps a part's inputs digest to its bundle's digest; it comes from the build cache, which
    is checked as a whole, and a bundle is used only when its bytes have that digest, so a file put in
    the folder by anyone else is never published. `placed` names the groups (`layout`) of the files the
    output holds (from the last build into the same output). `used` and `placing` are what this
    build's cache will keep.
    """

    folder: Path
    known: dict[str, str]  # inputs digest -> bundle digest, from earlier builds
    placed: frozenset[str]
    used: dict[str, str] = field(default_factory=dict)
    placing: list[str] = field(default_factory=list)

    def get(self, inputs: str) -> Mapping[str, bytes] | None:
        digest = self.known.get(inputs)
        if digest is None:
            return None
        try:
            path = self.folder / f"{digest}.zip"
            if path.is_symlink():
                return None
            data = path.read_bytes()
        except OSError:
            return None
        if digest_of(data) != digest:
            return None
        self.used[inputs] = digest
        return Packed(data)

    def put(self, inputs: str, bundle: dict[str, bytes]) -> None:
        data = pack(bundle)
        digest = digest_of(data)
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{digest}.zip"
        handle, temp = tempfile.mkstemp(prefix=".zip-", dir=self.folder)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temp, target)
        self.used[inputs] = digest

    def prune(self) -> None:
        """Remove the bundles (and half-written files) this build's cache does not name."""
        keep = {f"{digest}.zip" for digest in self.used.values()}
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name not in keep and (path.suffix == ".zip" or path.name.startswith(".zip-")):
                    with contextlib.suppress(OSError):  # a folder of that name (`cache.secure` removes it)
                        path.unlink(missing_ok=True)


def staged_index(hall: Hall, stager: Stager, store: Store, intact: Callable[[str], bool],
                 tree: Path | None = None) -> dict[str, bytes | None]:
    """The bundle for the pages as this build leaves them (staged now, or kept from the last build):
    output path -> bytes, or None for a file the output already holds as it should.

    The index is cut into parts (`partition`); a part whose pages are what an earlier build indexed
    comes from `store`, and Pagefind runs only for the others (it cannot update an index, only build
    one: 20 s for 10k pages, a second or two for one part). `intact(rel)` says the output still holds
    what the last build wrote at `rel`; that is this build's bytes only if the last build placed the
    same group there.
    """
    paths, home = indexed_pages(hall), hall.urls.home()
    parts = partition(paths)
    bundles: dict[str, Mapping[str, bytes]] = {}
    groups = {part: inputs_digest(home, members, stager.digest_at) for part, members in parts.items()}
    todo = []
    for part, inputs in groups.items():
        bundle = store.get(inputs)
        if bundle is None:
            todo.append(part)
        else:
            bundles[part] = bundle

    def make(part: str) -> dict[str, bytes]:
        workdir = scratch_folder(stager.out, "search")
        try:
            return index(home, parts[part], stager.path_of, workdir, tree / part if tree is not None else None)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    # Pagefind keeps about one core busy: two parts at a time on two cores (a cold build indexes them all)
    with ThreadPoolExecutor(max_workers=max(1, min(len(todo), os.cpu_count() or 1))) as pool:
        for part, bundle in zip(todo, pool.map(make, todo), strict=True):
            store.put(groups[part], bundle)
            bundles[part] = bundle
    bundles = {part: bundles[part] for part in parts}
    if tree is not None:
        keep_only(tree, parts)
    files = layout(bundles, groups)
    store.placing = sorted({group for group, _data in files.values()})
    return {BUNDLE + name: None if group in store.placed and intact(BUNDLE + name) else data()
            for name, (group, data) in files.items()}
