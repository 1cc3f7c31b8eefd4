"""The only module that touches the output folder: builds a fresh tree and swaps it in.

A failed build never reaches this module; a failure while writing removes the new tree
and leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_site(files: Mapping[str, bytes], copies: Mapping[str, Path], out: Path) -> int:
    """Write `files` (bytes by relative path) and `copies` (source file by relative path) as `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        made: set[Path] = set()
        for rel in sorted({*files, *copies}):
            target = fresh / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if rel in files:
                target.write_bytes(files[rel])
            else:
                shutil.copyfile(copies[rel], target)
        os.chmod(fresh, 0o755)
        _swap(fresh, out)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return len(files) + len(copies)


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
