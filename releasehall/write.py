"""The only module that touches the output folder.

Outputs are written into a staging folder next to the output as they are made, by the
process that made them. A first build's staging folder is renamed into place. Over an
existing output, only changed files are staged; only when all of
them are written are they moved into the output with `os.replace` (one atomic rename
each), and files that are no longer produced are removed. Anything that fails while
staging leaves the previous output exactly as it was and removes the staging folder.
Unchanged files are never rewritten, so their modification times stay.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

Stamp = tuple[int, int]  # (size, mtime_ns)


@dataclass(slots=True)
class Written:
    written: int = 0  # files with new bytes
    kept: int = 0  # files left as they were
    removed: int = 0  # files no longer produced
    stamps: dict[str, Stamp] = field(default_factory=dict)  # every output file -> its stamp


def stamp_of(path: Path) -> Stamp | None:
    """(size, mtime_ns) of an output file, or None when it is missing."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _same_bytes(data: bytes, path: Path) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _existing_files(out: Path) -> set[str]:
    found: set[str] = set()
    for folder, _dirs, names in os.walk(out):
        prefix = os.path.relpath(folder, out).replace(os.sep, "/")
        found.update(name if prefix == "." else f"{prefix}/{name}" for name in names)
    return found


class Stager:
    """Stages outputs in a folder next to `out`, in whichever process makes them.

    `save` writes one file into the staging folder unless its bytes equal the last
    output's, and returns its stamp; it may run in a forked worker, which hands the stamp
    back for `record`. `put` is save-and-record in this process. `commit` moves the staged
    files into place and removes stale ones; `abort` (or any failure before `commit`)
    leaves `out` as it was.
    """

    def __init__(self, out: Path) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        self.staged: dict[str, Stamp] = {}
        self._folders: set[str] = set()  # made in the staging folder by this process

    def save(self, rel: str, data: bytes) -> Stamp | None:
        """Stage `data` at `rel`; None when the last output already holds these bytes."""
        if _same_bytes(data, self.out / rel):
            return None
        with open(self._target(rel), "wb", buffering=0) as file:  # unbuffered: all written before the stamp
            view = memoryview(data)
            while view:
                view = view[file.write(view) or 0:]
            stat = os.fstat(file.fileno())
        return stat.st_size, stat.st_mtime_ns

    def record(self, rel: str, stamp: Stamp | None) -> None:
        if stamp is not None:
            self.staged[rel] = stamp

    def put(self, rel: str, data: bytes) -> None:
        self.record(rel, self.save(rel, data))

    def copy(self, rel: str, source: Path) -> None:
        previous = self.out / rel
        if previous.is_file() and filecmp.cmp(source, previous, shallow=False):
            return
        target = self._target(rel)
        shutil.copyfile(source, target)
        stat = target.stat()
        self.staged[rel] = (stat.st_size, stat.st_mtime_ns)

    def _target(self, rel: str) -> Path:
        folder = rel.rpartition("/")[0]
        if folder not in self._folders:
            (self.stage / folder).mkdir(parents=True, exist_ok=True)  # another worker may have made it
            self._folders.add(folder)
        return self.stage / rel

    def abort(self) -> None:
        """Drop everything staged; the output stays as it was."""
        shutil.rmtree(self.stage, ignore_errors=True)

    def commit(self, wanted: Iterable[str], old_stamps: Mapping[str, Stamp] | None = None) -> Written:
        """Make the output hold exactly `wanted`: the staged files, and the others as they already are.

        `old_stamps` are the previous output's stamps when known (from the cache), so that
        unchanged files need not be stat'ed again.
        """
        wanted = set(wanted)
        out, stage = self.out, self.stage
        result = Written()
        try:
            if not out.exists():
                os.chmod(stage, 0o755)
                stage.rename(out)
                stage = out
            else:
                _apply(stage, out, sorted(self.staged))
                stale = sorted(_existing_files(out) - wanted)
                for rel in stale:
                    (out / rel).unlink(missing_ok=True)
                    _prune(out, (out / rel).parent)
                result.removed = len(stale)
        finally:
            if stage is not out:
                shutil.rmtree(stage, ignore_errors=True)
        result.written = len(self.staged)
        result.kept = len(wanted) - len(self.staged)
        for rel in sorted(wanted):
            stamp = self.staged.get(rel) or (old_stamps.get(rel) if old_stamps is not None else None) \
                or stamp_of(out / rel)
            assert stamp is not None, rel  # every wanted file was just written or kept
            result.stamps[rel] = stamp
        return result


def _apply(stage: Path, out: Path, staged: list[str]) -> None:
    made: set[Path] = set()
    for rel in staged:
        target = out / rel
        if target.parent not in made:
            if target.parent.exists() and not target.parent.is_dir():
                target.parent.unlink()
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if target.is_dir():
            shutil.rmtree(target)
        os.replace(stage / rel, target)


def _prune(out: Path, folder: Path) -> None:
    """Remove folders left empty by removed files, up to the output folder."""
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
