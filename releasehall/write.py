"""The only module that touches the output folder.

A first build writes a fresh folder and renames it into place. Over an existing output,
the changed files are first written to a staging folder next to it; only when all of
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


def write_site(files: Mapping[str, bytes], copies: Mapping[str, Path], out: Path,
               reused: Iterable[str] = (), *, old_stamps: Mapping[str, Stamp] | None = None) -> Written:
    """Make `out` hold exactly `files` (bytes), `copies` (source files) and `reused` (kept as they are).

    `old_stamps` are the previous output's stamps when known (from the cache), so that
    unchanged files need not be stat'ed again.
    """
    wanted = {*files, *copies, *reused}
    out.parent.mkdir(parents=True, exist_ok=True)
    result = Written()
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        staged: list[str] = []
        for rel in sorted({*files, *copies}):
            previous = out / rel
            if rel in files:
                if _same_bytes(files[rel], previous):
                    continue
                target = stage / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(files[rel])
            else:
                if previous.is_file() and filecmp.cmp(copies[rel], previous, shallow=False):
                    continue
                target = stage / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(copies[rel], target)
            staged.append(rel)
        if not out.exists():
            os.chmod(stage, 0o755)
            stage.rename(out)
            stage = out
        else:
            _apply(stage, out, staged)
        stale = sorted(_existing_files(out) - wanted) if stage is not out else []
        for rel in stale:
            (out / rel).unlink(missing_ok=True)
            _prune(out, (out / rel).parent)
        result.removed = len(stale)
    finally:
        if stage is not out:
            shutil.rmtree(stage, ignore_errors=True)
    changed = set(staged)
    result.written = len(changed)
    result.kept = len(wanted) - len(changed)
    for rel in sorted(wanted):
        known = old_stamps.get(rel) if old_stamps is not None and rel not in changed else None
        stamp = known or stamp_of(out / rel)
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
