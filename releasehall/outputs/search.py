"""Full-text search: what each page tells Pagefind, and the index built from the built pages.

Item pages (releases, questions, standalone pages) and department pages carry
`data-pagefind-body` and, inside it, their filters (department, kind, year) and meta (department,
kind, date); every other page (lists, 404, redirects, the stats sort variants) has none and so is
left out. After the pages are staged, `index` feeds Pagefind (the extended build, which
segments Chinese) exactly those pages' bytes (as staged now, or as the last build left them)
and returns the bundle under `pagefind/` for the same staging folder, so a failed build
publishes no index and an incremental build indexes what a clean one would. The zh-Hant
mirror's pages say `lang="zh-Hant"`, so Pagefind gives them an index of their own.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from markupsafe import Markup, escape

from releasehall.assemble.hall import Hall, when
from releasehall.model.records import Department, Entry, Page, Question, Release
from releasehall.model.urls import MIRROR as PREFIX
from releasehall.store.write import Stager, digest_of, scratch_folder

BUNDLE = "pagefind/"
UNUSED = frozenset({"pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                    "pagefind-highlight.js"})  # Pagefind's own interfaces; the search page has its own


def tags(hall: Hall, words: dict[str, str], subject: Entry | Department) -> Markup:
    """Empty hidden elements naming an item's or a department's filters (department, kind, year) and meta
    (department, kind, date) for Pagefind; they go first inside the element marked `data-pagefind-body`.
    One element per key: Pagefind reads one `key:value` from an attribute."""
    tz = hall.settings.tz
    if isinstance(subject, Department):
        dept, kind, moment = subject.name, words["department"], None
    elif isinstance(subject, Page):
        dept, kind, moment = hall.settings.title, words["page_kind"], None
    else:
        dept = hall.departments[subject.dept].name
        kind = words[f"v:{subject.kind}"] if isinstance(subject, Release) else words["qa"]
        moment = when(subject) if isinstance(subject, Release | Question) else None
    pairs = [("filter", "department", dept), ("filter", "kind", kind), ("meta", "department", dept), ("meta", "kind", kind)]
    if isinstance(moment, datetime):
        local = moment.astimezone(tz)
        pairs += [("filter", "year", str(local.year)), ("meta", "date", f"{local:%Y-%m-%d}")]
    return Markup("".join(f'<span hidden data-pagefind-{what}="{key}:{escape(value)}"></span>' for what, key, value in pairs))


def indexed_pages(hall: Hall) -> list[str]:
    """Output paths of the pages in the index: items and departments, and their zh-Hant twins."""
    urls = hall.urls
    paths = [urls.output_path(urls.entry(entry)) for entry in hall.entries()]
    paths += [urls.output_path(urls.department(dept)) for dept in hall.departments]
    if hall.settings.mirrored:
        paths += [PREFIX + path for path in paths]
    return sorted(paths)


def index(home: str, paths: list[str], locate: Callable[[str], Path], workdir: Path,
          tree: Path | None = None) -> dict[str, bytes]:
    """The Pagefind bundle (file name -> bytes) of the pages at `paths`.

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


class SearchError(Exception):
    """Pagefind is missing or failed."""


def inputs_digest(home: str, paths: list[str], read: Callable[[str], bytes]) -> str:
    """What a bundle is made from: Pagefind's version, the hall's base path and each page's path and bytes."""
    h = hashlib.blake2b(f"{version('pagefind')}|{home}|{len(paths)}".encode(), digest_size=32)
    for path in paths:
        data = read(path)
        h.update(f"\0{path}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def pack(bundle: dict[str, bytes]) -> bytes:
    """A bundle as one uncompressed zip (its files are compressed already), the same bytes for the same bundle."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in sorted(bundle.items()):
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def unpack(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def from_memory(home: str, paths: list[str], pages: Mapping[str, bytes]) -> dict[str, bytes]:
    """The bundle of pages held in memory (`serve`'s), made in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="releasehall-search-") as temp:
        workdir = Path(temp)

        def locate(rel: str) -> Path:
            target = workdir / "pages" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(pages[rel])
            return target

        return index(home, paths, locate, workdir)


@dataclass(slots=True)
class Store:
    """Bundles made by earlier builds, kept in the cache folder by content (`<digest>.zip`).

    `known` maps a bundle's inputs digest to its content digest; it comes from the build cache, which
    is checked as a whole, and a bundle is used only when its bytes have that digest, so a file put in
    the folder by anyone else is never published. `placed` is the inputs digest of the bundle the
    output holds (from the last build into the same output). `used` and `placing` are what this
    build's cache will keep.
    """

    folder: Path
    known: dict[str, str]  # inputs digest -> bundle digest, from earlier builds
    placed: str
    used: dict[str, str] = field(default_factory=dict)
    placing: str = ""

    def get(self, inputs: str) -> dict[str, bytes] | None:
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
        return unpack(data)

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
                    path.unlink(missing_ok=True)


def staged_index(hall: Hall, stager: Stager, store: Store, intact: Callable[[str], bool],
                 tree: Path | None = None) -> dict[str, bytes | None]:
    """The bundle for the pages as this build leaves them (staged now, or kept from the last build):
    output path -> bytes, or None for a file the output already holds as it should.

    When the indexed pages are what an earlier build indexed, that build's bundle comes from `store`
    and Pagefind does not run (it cannot update an index, only build one: tens of seconds at 10k
    items). `intact(rel)` says the output still holds what the last build wrote at `rel`; that is
    this build's bytes only if the last build placed the same bundle.
    """
    paths, home = indexed_pages(hall), hall.urls.home()
    inputs = inputs_digest(home, paths, stager.bytes_of)
    bundle = store.get(inputs)
    if bundle is None:
        workdir = scratch_folder(stager.out, "search")
        try:
            bundle = index(home, paths, stager.path_of, workdir, tree)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        store.put(inputs, bundle)
    same = store.placed == inputs
    store.placing = inputs
    return {BUNDLE + name: None if same and intact(BUNDLE + name) else data for name, data in bundle.items()}
