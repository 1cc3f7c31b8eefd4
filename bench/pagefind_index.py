"""Pagefind 1.4.0 (the extended build, which segments Chinese) over a built hall's indexed pages, for comparison with
the hall's own index (bench/search.py): what the build ran before its own index replaced it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path


def index(home: str, paths: list[str], locate: Callable[[str], Path], workdir: Path) -> dict[str, bytes]:
    """Pagefind's bundle (file name -> bytes) of the pages at `paths`, placed at their URLs' places in `workdir`."""
    from pagefind.service import get_executable  # the bench extra: pip install 'pagefind[extended]==1.4.0'

    executable = get_executable()
    if executable is None:
        raise RuntimeError("Pagefind is not installed: pip install 'pagefind[extended]==1.4.0'")
    site, bundle = workdir / "site", workdir / "bundle"
    for path in paths:
        target = site / home.lstrip("/") / path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(locate(path), target)
        except OSError:
            shutil.copyfile(locate(path), target)
    result = subprocess.run([str(executable), "--site", str(site), "--output-path", str(bundle), "--silent"],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"Pagefind failed ({result.returncode}): {(result.stderr or result.stdout).strip()[-500:]}")
    return {path.relative_to(bundle).as_posix(): path.read_bytes() for path in sorted(bundle.rglob("*")) if path.is_file()}
