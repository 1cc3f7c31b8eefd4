"""The only module that touches the output folder.

Release Hall deletes only what it wrote. The output folder carries a manifest of the files
a build wrote (`.releasehall-manifest`, inside the folder, so a copied or CI-restored output
is still recognized); `claim` refuses an output that is a file, lies inside `.git` or the
site's own sources, or holds files the manifest does not list (unless it is empty).

Outputs are written into a staging folder next to the output as they are made, by the
process that made them. A first build's staging folder (with its manifest) is renamed into
place. Over an existing output only changed files are staged; when all of them are written
a journal of the moves is written into the staging folder, then each file is moved in with
one atomic rename (the file it replaces, and every file no longer produced, moved aside
into the staging folder), the manifest last. A failure during the moves (a read-only
folder, a full disk) moves everything back: the old output is left byte for byte. A crash
at any instant (kill -9) is repaired by the next run, under the same lock: a staging folder
with a journal is completed, one without is removed. Unchanged files are never rewritten,
so their modification times stay.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from stat import S_ISLNK, S_ISREG
from typing import Any

from releasehall.store.places import CACHE_ROOT
from releasehall.store.signing import sign, signed

Stamp = tuple[int, int, str]  # (size, mtime_ns, digest of the bytes or ""): the one stamp type, for output files
Saved = tuple[Stamp, bool]  # what staging an output found: its stamp, and whether new bytes were staged

MANIFEST = ".releasehall-manifest"  # inside the output: the files the last build wrote
JOURNAL = ".journal"  # inside a staging folder: the moves of a commit under way
ASIDE = ".aside"  # inside a staging folder: the files a commit replaced or removed, until it is done
LOCK_WAIT = 60.0  # seconds to wait for another build writing the same output


class OutputRefused(Exception):
    """The output folder is not ours to write (a usage error: exit 2)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass(slots=True)
class Written:
    written: int = 0  # files with new bytes
    kept: int = 0  # files left as they were
    removed: int = 0  # files no longer produced
    stamps: dict[str, Stamp] = field(default_factory=dict)  # every output file this build knows the bytes of
    moved: list[str] | None = None  # the files moved in or out of the output (None: all of it is new)


def digest_of(data: bytes) -> str:
    """What recognizes an output's bytes (in the signed cache, and as its name in the store)."""
    return hashlib.blake2b(data, digest_size=32).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        with open(path, "rb") as file:
            return hashlib.file_digest(file, lambda: hashlib.blake2b(digest_size=32)).hexdigest()
    except OSError:
        return None


def _same_content(one: Path, other: str) -> bool:
    with open(one, "rb") as first, open(other, "rb") as second:
        while True:
            chunk = first.read(1 << 16)
            if chunk != second.read(1 << 16):
                return False
            if not chunk:
                return True


def _existing_files(out: Path, symlinks: set[str] | None = None) -> set[str]:
    """Every file (and link) under `out`, by relative path; folders are entered, links never followed. The links
    among them are added to `symlinks` when given."""
    found: list[str] = []
    stack = [("", str(out))]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):  # the kind from the listing: no stat per file
                    stack.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    found.append(prefix + entry.name)
                    if symlinks is not None and entry.is_symlink():
                        symlinks.add(prefix + entry.name)
    return set(found)


def read_json(path: Path) -> Any:
    """A JSON file we wrote, read back; None when it is missing, damaged or crafted (nested past the recursion
    limit: RecursionError, not ValueError)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None


def read_manifest(out: Path) -> set[str] | None:
    """The files the last build wrote into `out`, or None when `out` carries no (readable) manifest."""
    data = read_json(out / MANIFEST)
    if not isinstance(data, dict) or data.get("format") != "releasehall-output" or \
            not isinstance(data.get("files"), list) or not all(isinstance(f, str) for f in data["files"]):
        return None
    return {f for f in data["files"] if plain(f)}


def plain(rel: str) -> bool:
    """A path read back from the output or a staging folder (manifest, journal) that stays inside its folder:
    relative, no `.`/`..`/empty segments, no backslash or NUL. Anything else was not written by us."""
    framed = f"/{rel}/"  # an empty, `.` or `..` segment shows as `//`, `/./` or `/../` (no split: 40k paths a build)
    return "//" not in framed and "/./" not in framed and "/../" not in framed and "\\" not in rel and "\0" not in rel


def _through_link(root: Path, rel: str) -> bool:
    """Whether a folder between `root` and `rel` is a symbolic link (a move there would land outside `root`)."""
    return _Folders(str(root)).through_link(rel)


class _Folders:
    """The folders under one root that a commit moves files through, each looked at once: whether a symbolic link
    lies on the way to it (a move there would land outside the root), and whether it was made."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._linked: dict[str, bool] = {"": False}
        self._made: set[str] = set()

    def through_link(self, rel: str) -> bool:
        """Whether a folder between the root and the file `rel` is a symbolic link (or lies inside one)."""
        return self._link(rel.rpartition("/")[0])

    def _link(self, folder: str) -> bool:
        known = self._linked.get(folder)
        if known is None:
            try:
                here = S_ISLNK(os.lstat(f"{self.root}/{folder}").st_mode)
            except OSError:
                here = False
            known = self._linked[folder] = self._link(folder.rpartition("/")[0]) or here
        return known

    def make(self, rel: str) -> None:
        """Make the folders that will hold the file `rel`."""
        folder = rel.rpartition("/")[0]
        if folder not in self._made:
            os.makedirs(f"{self.root}/{folder}" if folder else self.root, exist_ok=True)
            self._made.add(folder)


def _manifest_bytes(files: Iterable[str]) -> bytes:
    """`json.dumps({"format": "releasehall-output", "files": sorted(files)}, ensure_ascii=False, indent=0)`, byte for
    byte, each name escaped by json's own C function (with an indent json encodes in Python: 40k names a build)."""
    names = ",\n".join(map(encode_basestring, sorted(files)))
    return ('{\n"format": "releasehall-output",\n"files": ' + (f"[\n{names}\n]" if names else "[]") + "\n}"
            ).encode("utf-8")


def claim(out: Path, root: Path, walk: bool = True) -> None:
    """Refuse (`OutputRefused`) an output folder that is not ours to write. Without `walk`, its files are not looked
    at: the caller knows the output holds exactly what the last build left (`unchanged.look`), all of it ours."""
    shown = str(out)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputRefused(f"输出路径 {shown} 是一个文件而不是文件夹，不会用文件夹替换它；请换一个输出目录",
                            f"the output path {shown} is a file, not a folder, and will not be replaced by one; "
                            "choose another output folder")
    if ".git" in out.parts:
        raise OutputRefused(f"输出目录 {shown} 位于 .git 之内，会破坏版本库；请换一个输出目录",
                            f"the output folder {shown} is inside .git and would destroy the repository; "
                            "choose another output folder")
    sources = [root / name for name in ("content", "layouts", CACHE_ROOT, ".github")]
    if root.is_relative_to(out) or any(out.is_relative_to(folder) for folder in sources):
        raise OutputRefused(f"输出目录 {shown} 不能是站点目录本身、其上级或其中的 content/、layouts/、.cache/、.github/；"
                            "请换一个输出目录",
                            f"the output folder {shown} must not be the site folder, a folder above it, or inside its "
                            "content/, layouts/, .cache/ or .github/; choose another output folder")
    if not out.is_dir() or not walk:
        return
    links: set[str] = set()
    found = _existing_files(out, links) - {MANIFEST}
    if not found:
        return
    ours = read_manifest(out)
    # a symbolic link is never ours (a build writes files only), whatever a manifest says: through one, a file we
    # compare or keep would lie outside the output
    foreign = sorted((found - ours if ours is not None else found) | links)
    if foreign:
        listed = "、".join(foreign[:3]) + ("……" if len(foreign) > 3 else "")
        listed_en = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise OutputRefused(
            f"输出目录 {shown} 中有不是发布厅写入的文件（{listed}，共 {len(foreign)} 个），发布厅只会删除自己写入的文件；"
            "请换一个空的或新的输出目录，或先移走这些文件",
            f"the output folder {shown} holds {len(foreign)} file(s) Release Hall did not write ({listed_en}); it only "
            "deletes what it wrote: choose an empty or new output folder, or move those files away first")


class _Lock:
    """One writer per output at a time; a dead writer's lock goes with its process (flock)."""

    def __init__(self, folder: Path) -> None:
        self.fd: int | None = None
        try:
            import fcntl
        except ImportError:  # not on POSIX: no lock
            return
        self.fd = os.open(folder, os.O_RDONLY)
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.release()
                    raise OutputRefused(  # noqa: B904 (the wait, not the last try, is what failed)
                                        f"另一个构建正在写入 {folder} 中的输出目录，请稍后再试",
                                        f"another build is writing an output folder in {folder}; try again later")
                time.sleep(0.05)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


SCRATCH = ("new", "search")  # the scratch folders a build makes beside its output: staging, the search index


def scratch_folder(out: Path, kind: str) -> Path:
    """A new scratch folder beside `out` (`kind` from SCRATCH); one a killed build leaves is removed by `recover`."""
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.{kind}-", dir=out.parent))


def _staging_folders(out: Path) -> list[Path]:
    """Scratch folders of builds that did not finish (only staging folders can hold a journal)."""
    prefixes = tuple(f".{out.name}.{kind}-" for kind in SCRATCH)
    try:
        return sorted(p for p in out.parent.iterdir() if p.name.startswith(prefixes) and p.is_dir()
                      and not p.is_symlink())
    except OSError:
        return []


def recover(out: Path, key: bytes | None) -> None:
    """Finish or undo what a build killed while writing `out` left: a staging folder with a journal signed
    with `key` (the cache key) is completed (its moves are idempotent), any other is removed. Takes the
    output's lock."""
    if not _staging_folders(out):
        return
    lock = _Lock(out.parent)
    try:
        _recover(out, key)
    finally:
        lock.release()


def _recover(out: Path, key: bytes | None) -> None:
    for stage in _staging_folders(out):
        journal = _read_journal(stage, key)
        if journal is not None:
            _forward(stage, out, *journal)
            (stage / JOURNAL).unlink()
        shutil.rmtree(stage, ignore_errors=True)


def _journal_bytes(put: list[str], remove: list[str]) -> bytes:
    return json.dumps({"put": put, "remove": remove}, ensure_ascii=False).encode("utf-8")


def _read_journal(stage: Path, key: bytes | None) -> tuple[list[str], list[str]] | None:
    """The moves of a journal this machine wrote. A staging folder sits beside the output, which may be inside
    the site folder, where anyone can commit one: unsigned, it would move its files into the output (or, with
    `..`, beyond it)."""
    if key is None:
        return None
    try:
        mac, _newline, body = (stage / JOURNAL).read_bytes().partition(b"\n")
        data = json.loads(body.decode("utf-8"))
        put, remove = data["put"], data["remove"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):  # RecursionError: nested past the limit
        return None
    if not signed(key, mac.decode("ascii", "replace"), stage.name.encode("utf-8"), b"\0", body):
        return None  # not a journal this machine wrote: the staging folder is removed, nothing is moved
    if not isinstance(put, list) or not isinstance(remove, list) or \
            not all(isinstance(x, str) and plain(x) for x in [*put, *remove]):
        return None
    return put, remove


class Stager:
    """Stages outputs in a folder next to `out`, in whichever process makes them.

    Made by the main process, which holds the output's lock until `commit` or `abort`, and
    first repairs what a killed build left (`recover`). `save` writes one file into the
    staging folder unless its bytes equal the last output's, and returns its stamp; it may
    run in a forked worker, which hands the stamp back for `record`. `put` is save-and-record
    in this process. `commit` moves the staged files into place and removes stale ones;
    `abort` (or any failure before or during `commit`) leaves `out` as it was.
    """

    def __init__(self, out: Path, key: bytes | None, store: Path | None = None,
                 last: Mapping[str, Stamp] | None = None, same_output: bool = False) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        self.out = out
        self._base = str(out)
        self.last: Mapping[str, Stamp] = last or {}  # the last build's stamps (from the signed cache)
        # the last build wrote these stamps into this very output folder, and it is as that build left it: a file's
        # stamp then stands for its bytes (else they are checked by their digest)
        self.same_output = same_output
        # the output's files' lstat, when the caller took them after this build took the lock (`unchanged.look`)
        self.seen: Mapping[str, os.stat_result] = {}
        self.store = store  # outputs by digest (`digest_of`), hard links where it can: an empty output is filled from it
        self.key = key  # signs the journal (`secret.cache_key`); without one a killed commit is undone, not completed
        self._lock = _Lock(out.parent)
        try:
            _recover(out, key)
            self.stage = scratch_folder(out, "new")
        except BaseException:
            self._lock.release()
            raise
        self.staged: dict[str, Stamp] = {}
        self.kept: dict[str, Stamp] = {}  # files the output already holds as this build wants them
        self._folders: set[str] = set()  # made in the staging folder by this process
        if store is not None:
            store.mkdir(parents=True, exist_ok=True)

    def save(self, rel: str, data: bytes) -> Saved:
        """Stage `data` at `rel` unless the last output already holds these bytes; keep them in the store."""
        digest = digest_of(data)
        stat = self._holding(rel, data)
        if stat is not None:
            self._store(self.out / rel, digest)
            return (stat.st_size, stat.st_mtime_ns, digest), False
        target = self._target(rel)
        with open(target, "wb", buffering=0) as file:  # unbuffered: all written before the stamp
            view = memoryview(data)
            while view:
                view = view[file.write(view) or 0:]
            stat = os.fstat(file.fileno())
        self._store(target, digest)
        return (stat.st_size, stat.st_mtime_ns, digest), True

    def _holding(self, rel: str, data: bytes) -> os.stat_result | None:
        """The stat of the output's file at `rel` when it holds `data` (a regular file; its stat from `seen` if
        taken)."""
        path = f"{self._base}/{rel}"
        try:
            stat = self.seen.get(rel) or os.stat(path, follow_symlinks=False)
            if not S_ISREG(stat.st_mode) or stat.st_size != len(data):
                return None
            with open(path, "rb") as file:
                return stat if file.read() == data else None
        except OSError:
            return None

    def _store(self, path: Path, digest: str) -> None:
        """Keep the output at `path` in the store under its digest: a hard link (no second copy: outputs are
        replaced by renames, never changed in place), else a copy."""
        if self.store is None:
            return
        target = self.store / digest
        try:
            os.link(path, target)
        except FileExistsError:
            pass
        except OSError:  # another file system, or no hard links there
            with contextlib.suppress(OSError):
                temp = self.store / f".{digest}.tmp{os.getpid()}"
                shutil.copyfile(path, temp)
                os.replace(temp, target)

    def record(self, rel: str, saved: Saved | None) -> None:
        if saved is not None:
            (self.staged if saved[1] else self.kept)[rel] = saved[0]

    def reuse(self, rel: str) -> bool:
        """Whether the last build's bytes for `rel` (their stamp `last[rel]`) can stand for it without rendering: the
        output holds them (`held`), or the store does (they are staged from it: an empty output)."""
        if self.held(rel) is not None:
            return True
        last = self.last.get(rel)
        if self.store is None or last is None or not last[2]:
            return False
        size, _mtime, digest = last
        blob = self.store / digest
        try:
            if blob.is_symlink():
                return False
            data = blob.read_bytes()
        except OSError:
            return False
        if len(data) != size or digest_of(data) != digest:  # the store is in the site folder: checked, not believed
            return False
        target = self._target(rel)
        try:
            os.link(blob, target)
        except OSError:
            target.write_bytes(data)
        stat = os.stat(target)
        self.staged[rel] = (size, stat.st_mtime_ns, digest)
        return True

    def held(self, rel: str) -> Stamp | None:
        """The stamp of the output's file at `rel` when it holds the last build's bytes for `rel`: the same stamp in
        the same output, else the same digest (a restored output); then it is kept. Nothing is staged."""
        last = self.last.get(rel)
        if last is None or not last[2]:
            return None
        size, mtime, digest = last
        stat = self.seen.get(rel)
        if stat is None:
            try:
                stat = os.stat(f"{self._base}/{rel}", follow_symlinks=False)  # no Path made: 20k calls in a 10k build
            except OSError:
                return None
        if stat.st_size != size or not S_ISREG(stat.st_mode):
            return None
        if not (self.same_output and stat.st_mtime_ns == mtime):
            if _file_digest(self.out / rel) != digest:
                return None
            last = (size, stat.st_mtime_ns, digest)
        self.kept[rel] = last
        return last

    def link(self, rel: str, source: str) -> bool:
        """Stage at `rel` the bytes the output holds at `source` (the last build's bytes there, `held`) as a hard link
        to that file instead of writing them again; False when it holds others, or the file system has no links."""
        stamp = self.held(source)
        if stamp is None:
            return False
        try:
            os.link(f"{self._base}/{source}", self._target(rel), follow_symlinks=False)
        except OSError:
            return False
        self.staged[rel] = stamp  # the same file: its size, modification time and bytes
        return True

    def link_same(self, rel: str, source: str, data: bytes) -> bool:
        """Stage `data` at `rel` as a hard link to the output's file at `source` when that holds these very bytes (the
        last build's for `source`, by their digest): `link`."""
        last = self.last.get(source)
        return last is not None and last[0] == len(data) and last[2] == digest_of(data) and self.link(rel, source)

    def path_of(self, rel: str) -> Path:
        """Where an output's bytes are as this build leaves it: staged, or kept in the output."""
        return self.stage / rel if rel in self.staged else self.out / rel

    def bytes_of(self, rel: str) -> bytes:
        return self.path_of(rel).read_bytes()

    def digest_at(self, rel: str) -> str:
        """The digest (`digest_of`) of an output's bytes as this build leaves it: from its stamp when this build
        staged it or checked the output's copy (`reuse`), else read."""
        stamp = self.staged.get(rel) or self.kept.get(rel)
        return stamp[2] if stamp is not None and stamp[2] else digest_of(self.bytes_of(rel))

    def put(self, rel: str, data: bytes) -> None:
        self.record(rel, self.save(rel, data))

    def prune_store(self, keep: Iterable[str]) -> None:
        """Remove what the store holds beyond `keep` (digests), after a successful build."""
        if self.store is None or not self.store.is_dir():
            return
        wanted = set(keep)
        with os.scandir(self.store) as entries:
            for entry in entries:
                if entry.name not in wanted:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    def copy(self, rel: str, source: Path) -> None:
        """Stage a copy of `source` at `rel`, unless the output holds the same bytes there already."""
        previous = f"{self._base}/{rel}"
        try:
            stat = self.seen.get(rel) or os.stat(previous, follow_symlinks=False)
            if S_ISREG(stat.st_mode) and stat.st_size == os.stat(source).st_size and _same_content(source, previous):
                return
        except OSError:
            pass
        target = self._target(rel)
        shutil.copyfile(source, target)
        stat = target.stat()
        self.staged[rel] = (stat.st_size, stat.st_mtime_ns, "")

    def _target(self, rel: str) -> Path:
        folder = rel.rpartition("/")[0]
        if folder not in self._folders:
            (self.stage / folder).mkdir(parents=True, exist_ok=True)  # another worker may have made it
            self._folders.add(folder)
        return self.stage / rel

    def abort(self) -> None:
        """Drop everything staged; the output stays as it was."""
        try:
            shutil.rmtree(self.stage, ignore_errors=True)
        finally:
            self._lock.release()

    def commit(self, wanted: Iterable[str]) -> Written:
        """Make the output hold exactly `wanted`: the staged files, and the others as they already are.
        The stamps returned are those of the files this build staged or checked (nothing else is stat'ed).
        On any failure the output is as it was.
        """
        wanted = set(wanted)
        out, stage = self.out, self.stage
        result = Written()
        try:
            manifest = _manifest_bytes(wanted)
            if out.is_dir() and not any(out.iterdir()):
                with contextlib.suppress(OSError):  # a mount point stays: then the files are moved in one by one
                    out.rmdir()  # an empty folder: as good as none
            if not out.exists():
                (stage / MANIFEST).write_bytes(manifest)
                os.chmod(stage, 0o755)
                stage.rename(out)
                stage = out
            else:
                ours = read_manifest(out) or set()
                base = str(out)
                stale = sorted(rel for rel in ours - wanted if os.path.lexists(f"{base}/{rel}"))
                (stage / MANIFEST).write_bytes(manifest)
                put = [*sorted(self.staged), MANIFEST]
                _write_journal(stage, put, stale, self.key)
                try:
                    _forward(stage, out, put, stale)
                except BaseException:
                    _back(stage, out, put, stale)
                    raise
                (stage / JOURNAL).unlink()
                result.removed = len(stale)
                result.moved = put + stale
        finally:
            try:
                if stage is not out:
                    shutil.rmtree(stage, ignore_errors=True)
            finally:
                self._lock.release()
        result.written = len(self.staged)
        result.kept = len(wanted) - len(self.staged)
        known = {**self.kept, **self.staged}
        result.stamps = {rel: known[rel] for rel in sorted(wanted) if rel in known}
        return result


def _write_journal(stage: Path, put: list[str], remove: list[str], key: bytes | None) -> None:
    """The commit's moves, signed, written whole (temporary file, then one rename) before the first move."""
    temp = stage / (JOURNAL + ".tmp")
    body = _journal_bytes(put, remove)
    mac = sign(key, stage.name.encode("utf-8"), b"\0", body) if key is not None else ""
    with open(temp, "wb") as file:
        file.write(mac.encode("ascii") + b"\n" + body)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temp, stage / JOURNAL)


def _aside(stage: Path, out: Path, rel: str, made: _Folders | None = None) -> None:
    """Move the output's file at `rel` into the staging folder's aside area (kept until the commit is done)."""
    made = made or _Folders(f"{stage}/{ASIDE}")
    made.make(rel)
    os.replace(f"{out}/{rel}", f"{made.root}/{rel}")


def _forward(stage: Path, out: Path, put: list[str], remove: list[str]) -> None:
    """Carry out a journal's moves; each step checks what is done, so running it again after a crash finishes it.
    Each folder on the way is looked at (and made) once, not once per file."""
    base, staged, aside = str(out), str(stage), f"{stage}/{ASIDE}"
    outside, inside, set_aside = _Folders(base), _Folders(staged), _Folders(aside)
    emptied: set[str] = set()
    for rel in remove:
        if outside.through_link(rel) or set_aside.through_link(rel):
            continue
        if os.path.lexists(f"{base}/{rel}"):
            _aside(stage, out, rel, set_aside)
            emptied.add(rel.rpartition("/")[0])
    for folder in sorted(emptied, key=lambda f: (-f.count("/"), f)):  # the deepest first
        _prune(out, out / folder)
    for rel in put:
        source = f"{staged}/{rel}"
        if outside.through_link(rel) or inside.through_link(rel) or not os.path.lexists(source):
            continue  # moved in before the crash
        target = f"{base}/{rel}"
        if os.path.lexists(target) and not os.path.lexists(f"{aside}/{rel}"):
            _aside(stage, out, rel, set_aside)
        outside.make(rel)
        os.replace(source, target)


def _back(stage: Path, out: Path, put: list[str], remove: list[str]) -> None:
    """Undo `_forward` after a failure in this process: every file as it was before the commit."""
    for rel in reversed(put):
        if not os.path.lexists(stage / rel) and os.path.lexists(out / rel):
            os.replace(out / rel, stage / rel)  # ours, put in by this commit
            _prune(out, (out / rel).parent)
        aside = stage / ASIDE / rel
        if os.path.lexists(aside):
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(aside, out / rel)
    for rel in reversed(remove):
        aside = stage / ASIDE / rel
        if os.path.lexists(aside):
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(aside, out / rel)
    with contextlib.suppress(OSError):
        (stage / JOURNAL).unlink()


def _prune(out: Path, folder: Path) -> None:
    """Remove folders left empty by removed files, up to the output folder."""
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
