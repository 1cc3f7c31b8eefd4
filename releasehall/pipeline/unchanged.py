"""The no-op shortcut: a build whose every input is as the last build read it, over the output the last build left
untouched, would write the same bytes, so it is skipped.

What a build reads (its inputs), fingerprinted before it reads them:

- the request: the code (`code_signature`: every module, the Python version, the site's zone), the installed
  distributions (name and version: Jinja2, nh3, Pagefind …), the output folder, `--base-url`, `--drafts`, and
  "now" *exactly*: stats.json's `as_of`, the figures' 统计截至, an empty feed's date and the OPML file show the build's
  moment to the second or finer, so an output is valid for its own "now" only (a `--now` or `SOURCE_DATE_EPOCH` that
  repeats, as in CI builds pinned to the last commit's time; a build by the clock always builds);
- site.yaml, content/, layouts/ and the built-in theme, file by file, as git's index does: a file whose type, size,
  modification and change times, inode and mode are those recorded is not read again; one whose stat changed is read
  and compared by digest (a source's digest is the one the build read it with, from the source cache), so a file
  touched but not changed still counts as unchanged. A file changed within `RACY_NS` of the fingerprint (the clock's
  tick could hide a second change) is always compared by digest, taken before the build read it. A symbolic link is
  recorded by its text and where it leads; one that leads out of its tree (whose target this fingerprint cannot
  follow) turns the shortcut off.

The output the last build left is fingerprinted after it was written and every file kept beside it pruned: every
file it holds and every folder (a file added or removed changes its folder's times), by stat; a folder the build
wrote into is listed too, so that a file someone else put there meanwhile leaves no fingerprint. Anything else —
a file changed, added or removed, a folder replaced by a link — means a whole build, which repairs it.

A build whose inputs cannot be fingerprinted (a link out of its tree) leaves the output's fingerprint alone, with
inputs no build's match: never skipped, the next build still knows the output as this one left it (not walked, its
files' stamps trusted).

The fingerprint lies in `.cache/releasehall/` (`UNCHANGED_FILE`), signed with the cache key like the build cache:
a fingerprint that fails its signature is ignored (a whole build). It holds the warnings the skipped part of the
build reported, printed again, and the number of output files, so a skipped build says what a whole one would.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from operator import attrgetter
from pathlib import Path
from stat import S_ISDIR, S_ISLNK, S_ISREG
from typing import Any

from releasehall.content.load import SourceCache, source_digest
from releasehall.errors import Problem
from releasehall.store.places import CACHE_DIR, UNCHANGED_FILE
from releasehall.store.signing import sign, signed

FORMAT = "releasehall-unchanged"
VERSION = 2
RACY_NS = 3_000_000_000  # a file changed this close to the fingerprint is compared by digest, whatever its stat says
TREES = ("content", "layouts")  # the site's folders a build reads (site.yaml beside them)
THEME_PREFIX = "theme:"  # the built-in theme's files, by their path inside it

# a file: [size, mtime_ns, ctime_ns, inode, mode, digest or ""]; a folder: ["d"]; a link: ["l", its text, its target]
Record = list[Any]


@dataclass(slots=True)
class Inputs:
    """What one build reads, as found before it read anything."""

    request: str  # digest of the code, the distributions and the options, "now" included
    taken: int  # time.time_ns() when the files were listed
    files: dict[str, Record] = field(default_factory=dict)
    code: str = ""  # digest of the code and the distributions alone (`code_digest`)


@dataclass(slots=True)
class Last:
    """The fingerprint the last successful build left."""

    inputs: Inputs
    outputs: list[str]  # every file of the output, the manifest included
    output: str  # digest of their stats and their folders' (`output_digest`)
    warnings: list[Problem]
    count: int  # output files, as the build reported them


def code_digest(signature: str) -> str:
    """The code (`code_signature`: the installed distributions included) and the Python running it."""
    h = hashlib.blake2b(digest_size=32)
    h.update(json.dumps([FORMAT, VERSION, signature, sys.executable]).encode("utf-8"))
    return h.hexdigest()


def request_digest(code: str, now: datetime, drafts: bool, base_url: str | None, out: Path) -> str:
    """What the build is asked for: the code (`code_digest`), the options, and "now" exactly."""
    h = hashlib.blake2b(digest_size=32)
    h.update(json.dumps([code, now.isoformat(), str(now.tzinfo), drafts, base_url, str(out)],
                        ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


def _record(st: os.stat_result) -> Record:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_mode, ""]


def _racy(record: Record, taken: int) -> bool:
    return max(record[1], record[2]) >= taken - RACY_NS


def _scan(top: Path, prefix: str, into: dict[str, Record]) -> bool:
    """Every folder, file and link under `top` into `into` by `prefix` + path; False when a link leads out of `top`
    (or the folder cannot be listed): no fingerprint then."""
    try:
        real_top = os.path.realpath(top)
    except OSError:
        return False
    stack = [(prefix, str(top))]
    while stack:
        rel_folder, folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return False
        for entry in entries:
            rel = rel_folder + entry.name
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                return False
            if S_ISDIR(st.st_mode):
                into[rel] = ["d"]
                stack.append((rel + "/", entry.path))
            elif S_ISLNK(st.st_mode):
                try:
                    text, target = os.readlink(entry.path), os.path.realpath(entry.path)
                except OSError:
                    return False
                if os.path.commonpath([real_top, target]) != real_top:
                    return False
                into[rel] = ["l", text, os.path.relpath(target, real_top)]
            else:
                into[rel] = _record(st)
    return True


def scan(root: Path, theme: Path, request: str, code: str = "") -> Inputs | None:
    """The inputs as they are now (None: a link leads where the fingerprint cannot follow, or a tree cannot be read)."""
    inputs = Inputs(request, time.time_ns(), code=code)
    files = inputs.files
    site = root / "site.yaml"
    try:
        st = os.lstat(site)
        if S_ISLNK(st.st_mode):
            return None  # where it leads is the settings' to check
        files["site.yaml"] = _record(st)
    except FileNotFoundError:
        files["site.yaml"] = ["-"]
    except OSError:
        return None
    for name in TREES:
        top = root / name
        try:
            st = os.lstat(top)
        except FileNotFoundError:
            continue
        except OSError:
            return None
        if not S_ISDIR(st.st_mode):
            return None  # a link or a file where a folder belongs: the build says what is wrong
        files[name] = ["d"]
        if not _scan(top, name + "/", files):
            return None
    if not _scan(theme, THEME_PREFIX, files):
        return None
    for rel, record in files.items():  # their digest now, before the build reads them: racy files, and the settings,
        # templates and theme (few and small; a source's is the one the build reads it with, `with_digests`)
        if len(record) == 6 and S_ISREG(record[4]) and (_racy(record, inputs.taken) or not rel.startswith("content/")):
            record[5] = source_digest(_path(root, theme, rel)) or ""
    return inputs


def _path(root: Path, theme: Path, rel: str) -> Path:
    return theme / rel.removeprefix(THEME_PREFIX) if rel.startswith(THEME_PREFIX) else root / rel


def with_digests(inputs: Inputs, sources: SourceCache) -> Inputs:
    """The inputs with the digest each source was read with (the source cache's) where none was taken yet."""
    for rel, record in inputs.files.items():
        if len(record) == 6 and not record[5]:
            entry = sources.get(rel)
            if entry is not None:
                record[5] = entry[0]
    return inputs


def unchanged(last: Inputs, now: Inputs, root: Path, theme: Path) -> bool:
    """Whether every input is as the last build read it: the same stat (and not racy then), or the same digest."""
    if last.request != now.request or last.files.keys() != now.files.keys():
        return False
    for rel, record in now.files.items():
        was = last.files[rel]
        if len(record) != 6 or len(was) != 6:
            if record != was:
                return False
            continue
        if record[:5] == was[:5] and not _racy(was, last.taken):
            record[5] = was[5]
            continue
        if not was[5] or record[0] != was[0] or (record[5] or source_digest(_path(root, theme, rel))) != was[5]:
            return False
        record[5] = was[5]
    return True


def same_templates(last: Inputs, now: Inputs) -> bool:
    """Whether the templates (layouts/ and the theme) are byte for byte those of the last build, run by the same
    code and Jinja2: that build compiled every one of them, so this one need not compile those it does not use."""
    if last.code != now.code or not now.code:
        return False

    def templates(inputs: Inputs) -> dict[str, Any]:
        return {rel: record[5] if len(record) == 6 else record for rel, record in inputs.files.items()
                if rel.startswith(("layouts/", THEME_PREFIX))}

    mine = templates(now)
    return all(value != "" for value in mine.values()) and mine == templates(last)


def known_digests(last: Inputs, now: Inputs) -> dict[str, str]:
    """The digest of every file whose stat is the one the last build recorded with it (and was not racy then): its
    bytes are the ones digested, so the build need not read it to recognize it."""
    known: dict[str, str] = {}
    for rel, record in now.files.items():
        was = last.files.get(rel)
        if was is not None and len(was) == 6 and len(record) == 6 and was[5] and record[:5] == was[:5] \
                and not _racy(was, last.taken):
            known[rel] = was[5]
    return known


Seen = dict[str, os.stat_result]  # output path (a folder's with a "/" after it, the output's own "/") -> its lstat


def look(out: Path, files: Iterable[str], known: Seen | None = None, fresh: Iterable[str] = (),
         listed: bool = False) -> Seen | None:
    """The lstat of every file listed and of every folder holding one (None: one is missing, or a folder is not one).
    A stat in `known` (taken earlier in this build) stands for one this build did not move since (`fresh`: the files
    it moved in or out, whose folders changed too): a file changed by someone else in between makes the output's
    fingerprint differ from the output (a whole build next time), never the other way round. With `listed` (the
    fingerprint a build leaves), each folder whose stat is taken now is listed too, and one holding anything but
    the files and folders listed gives None: a file put there by someone else while the build wrote the output
    would otherwise be in the folder's new stat, and the next build would not walk the output to refuse it."""
    known = known or {}
    moved = set(fresh)
    changed = {""}
    for rel in moved:
        folder = rel.rpartition("/")[0]
        while folder not in changed:
            changed.add(folder)
            folder = folder.rpartition("/")[0]
    base = str(out)
    seen: Seen = {}
    folders: set[str] = {""}
    every = listed and not known  # all stats taken now: every folder listed
    names: dict[str, set[str]] = {}  # a folder stat'ed now -> the names it should hold (with `listed`)
    try:
        for rel in files:
            st = known.get(rel) if rel not in moved else None
            seen[rel] = st if st is not None else os.lstat(f"{base}/{rel}")
            folder, _slash, name = rel.rpartition("/")
            if listed and (every or folder in changed):
                names.setdefault(folder, set()).add(name)
            while folder not in folders:
                folders.add(folder)
                parent, _slash, name = folder.rpartition("/")
                if listed and (every or parent in changed):
                    names.setdefault(parent, set()).add(name)
                folder = parent
        for folder in sorted(folders):
            st = known.get(folder + "/") if folder not in changed else None
            if st is None:
                st = os.lstat(f"{base}/{folder}" if folder else base)
            if not S_ISDIR(st.st_mode):
                return None
            seen[folder + "/"] = st
        for folder, wanted in names.items():  # after its stat: a file put there since changes that stat
            with os.scandir(f"{base}/{folder}" if folder else base) as entries:
                if any(entry.name not in wanted for entry in entries):
                    return None
    except OSError:
        return None
    return seen


def kept(out: Path, seen: Seen, keys: Iterable[str]) -> bool:
    """Whether these of the output's files and folders (by their keys in `seen`) are still as `seen` saw them."""
    for rel in keys:
        was = seen.get(rel)
        try:
            st = os.lstat(f"{out}/{rel.rstrip('/')}" if rel != "/" else out)
        except OSError:
            return False
        if was is None or _FILE(st) != _FILE(was):
            return False
    return True


def output_digest(out: Path, files: Iterable[str], cache: Path, known: Seen | None = None,
                  fresh: Iterable[str] = ()) -> str | None:
    """The output as it is: the stat of every file listed and of every folder holding one (None: one is missing;
    `look`, which may take them from `known`), and the build cache's file as the build left it (one changed since,
    damaged or not, means a whole build that says what is wrong with it)."""
    seen = look(out, files, known, fresh, listed=True)
    return None if seen is None else digest(seen, cache)


_FILE = attrgetter("st_mode", "st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")
_FOLDER = attrgetter("st_mode", "st_mtime_ns", "st_ctime_ns", "st_ino")


def digest(seen: Seen, cache: Path) -> str | None:
    """The digest of the output's stats (`look`: its files, then its folders) and the build cache file's (None: that
    file is missing)."""
    try:
        st = os.lstat(cache)
    except OSError:
        return None
    keys, stats = list(seen), list(seen.values())
    files = next((n for n, rel in enumerate(keys) if rel.endswith("/")), len(keys))
    numbers = [*_FILE(st), *chain.from_iterable(map(_FILE, stats[:files])),
               *chain.from_iterable(map(_FOLDER, stats[files:]))]
    h = hashlib.blake2b(digest_size=32)
    h.update("\n".join([str(cache), *keys]).encode("utf-8", "surrogateescape"))
    try:
        h.update(array("Q", numbers).tobytes())
    except OverflowError:  # a time before 1970
        h.update(repr(numbers).encode("ascii"))
    return h.hexdigest()


def _body(last: Last) -> bytes:
    return json.dumps({
        "format": FORMAT, "version": VERSION, "request": last.inputs.request, "taken": last.inputs.taken,
        "code": last.inputs.code,
        "files": last.inputs.files, "outputs": last.outputs, "output": last.output, "count": last.count,
        "warnings": [[p.path, p.line, p.zh, p.en] for p in last.warnings],
    }, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogateescape")


def save(root: Path, key: bytes, last: Last) -> None:
    """Write the fingerprint, signed with the cache key (replacing the last one in one rename)."""
    folder = root / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    body = _body(last)
    handle, temp = tempfile.mkstemp(prefix=".build-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(sign(key, FORMAT.encode(), b"\0", body).encode("ascii") + b"\n" + body)
        os.replace(temp, folder / UNCHANGED_FILE)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def forget(root: Path) -> None:
    """Remove the fingerprint (before a build changes the output, so a failure leaves none that could be wrong)."""
    path = root / CACHE_DIR / UNCHANGED_FILE
    if path.is_file() and not path.is_symlink():
        path.unlink(missing_ok=True)


def load(root: Path, key: bytes) -> Last | None:
    """The last build's fingerprint, or None (none, damaged, or not signed with this key)."""
    path = root / CACHE_DIR / UNCHANGED_FILE
    try:
        if path.is_symlink():
            return None
        mac, _newline, body = path.read_bytes().partition(b"\n")
        if not signed(key, mac.decode("ascii", "replace"), FORMAT.encode(), b"\0", body):
            return None
        data = json.loads(body.decode("utf-8", "surrogateescape"))
        if data["format"] != FORMAT or data["version"] != VERSION:
            return None
        inputs = Inputs(data["request"], data["taken"], data["files"], data["code"])
        warnings = [Problem(path, line, zh, en, warning=True) for path, line, zh, en in data["warnings"]]
        return Last(inputs, data["outputs"], data["output"], warnings, data["count"])
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None
