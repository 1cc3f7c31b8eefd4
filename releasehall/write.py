"""The only module that touches the output folder: builds a fresh tree and swaps it in.

A failed build never reaches this module; a failure while writing removes the new tree
and leaves the previous output exactly as it was. Files whose bytes did not change are
hard-linked from the previous output rather than written again, so their times stay.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class Written:
    written: int = 0  # files with new bytes
    kept: int = 0  # files linked from the previous output
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (size, mtime_ns)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write_site(files: Mapping[str, bytes], copies: Mapping[str, Path], out: Path,
               reused: Mapping[str, Path] | None = None) -> Written:
    """Make `out` hold exactly `files` (bytes), `copies` (source files) and `reused` (previous outputs)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    result = Written()
    old = out if out.is_dir() else None
    try:
        made: set[Path] = set()
        reused = reused or {}
        for rel in sorted({*files, *copies, *reused}):
            target = fresh / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            previous = old / rel if old is not None else None
            if rel in files:
                data = files[rel]
                if previous is not None and previous.is_file() and previous.stat().st_size == len(data) \
                        and previous.read_bytes() == data:
                    _link_or_copy(previous, target)
                    result.kept += 1
                else:
                    target.write_bytes(data)
                    result.written += 1
            elif rel in copies:
                if previous is not None and previous.is_file() and filecmp.cmp(copies[rel], previous, shallow=False):
                    _link_or_copy(previous, target)
                    result.kept += 1
                else:
                    shutil.copyfile(copies[rel], target)
                    result.written += 1
            else:
                _link_or_copy(reused[rel], target)
                result.kept += 1
            stat = target.stat()
            result.stamps[rel] = (stat.st_size, stat.st_mtime_ns)
        os.chmod(fresh, 0o755)
        _swap(fresh, out)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return result


def _swap(fresh: Path, out: Path) -> None:
    if not out.exists():
        fresh.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        fresh.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)
