"""The only module that touches the output folder.

Outputs are written on a background thread into a staging folder next to the output while
the build still renders. A first build's staging folder is renamed into place. Over an
existing output, only changed files are staged; only when all of
them are written are they moved into the output with `os.replace` (one atomic rename
each), and files that are no longer produced are removed. Anything that fails while
staging leaves the previous output exactly as it was and removes the staging folder.
Unchanged files are never rewritten, so their modification times stay.
"""

from __future__ import annotations

import filecmp
import os
import queue
import shutil
import tempfile
import threading
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
    """Writes outputs into a staging folder next to `out` on a background thread while the build goes on.

    `put` and `copy` return at once; files whose bytes equal the last output's are skipped.
    `commit` waits for the thread, then moves the staged files into place and removes stale
    ones; `abort` (or any failure while staging, raised by `commit`) leaves `out` as it was.
    """

    def __init__(self, out: Path) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        self.staged: dict[str, Stamp] = {}
        self._folders: set[str] = set()
        self._failure: BaseException | None = None
        self._queue: queue.SimpleQueue[tuple[str, bytes | Path] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="releasehall-writer", daemon=True)
        self._thread.start()

    def put(self, rel: str, data: bytes) -> None:
        self._queue.put((rel, data))

    def copy(self, rel: str, source: Path) -> None:
        self._queue.put((rel, source))

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._failure is None:
                try:
                    self._stage(*item)
                except BaseException as exc:  # handed to the main thread by commit()
                    self._failure = exc

    def _stage(self, rel: str, what: bytes | Path) -> None:
        previous = self.out / rel
        if isinstance(what, bytes):
            if _same_bytes(what, previous):
                return
        elif previous.is_file() and filecmp.cmp(what, previous, shallow=False):
            return
        folder = rel.rpartition("/")[0]
        if folder not in self._folders:
            (self.stage / folder).mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        target = self.stage / rel
        if isinstance(what, bytes):
            target.write_bytes(what)
        else:
            shutil.copyfile(what, target)
        stat = target.stat()
        self.staged[rel] = (stat.st_size, stat.st_mtime_ns)

    def _stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def abort(self) -> None:
        """Drop everything staged; the output stays as it was."""
        self._stop()
        shutil.rmtree(self.stage, ignore_errors=True)

    def commit(self, wanted: Iterable[str], old_stamps: Mapping[str, Stamp] | None = None) -> Written:
        """Make the output hold exactly `wanted`: the staged files, and the others as they already are.

        `old_stamps` are the previous output's stamps when known (from the cache), so that
        unchanged files need not be stat'ed again.
        """
        self._stop()
        if self._failure is not None:
            self.abort()
            raise self._failure
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
