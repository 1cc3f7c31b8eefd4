"""The one rule for symbolic links: nothing that resolves outside its boundary is read.

A boundary is the folder a party is trusted with: a department's folder for its editors'
files (a link in `content/police/` may not reach `content/traffic/`), `content/pages/` for
the standalone pages, the site folder for everything the operator owns (`site.yaml`,
`content/` and its department folders themselves, `layouts/`). A link, to a file or a
folder, at any level, whose target lies outside is an error naming the link and is never
followed; a link that stays inside is followed (folders once each, so a loop ends).
Every reader of the site's files lists them through `walk` or asks `refused` first.
"""

from __future__ import annotations

import os
from pathlib import Path

from releasehall.errors import Report


def real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def inside(path: Path, boundary: Path) -> bool:
    """Whether `path`, every link on the way resolved, lies in `boundary`."""
    return real(path).is_relative_to(real(boundary))


def _error(rel: str, path: Path, boundary_rel: str, report: Report) -> None:
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    where_zh = f"{boundary_rel}/" if boundary_rel else "站点目录"
    where_en = f"{boundary_rel}/" if boundary_rel else "the site folder"
    report.error(rel, 1, f"这是指向 {where_zh} 之外的符号链接（→ {target}），已拒绝读取；请放入文件本身，不要用链接",
                 f"this is a symbolic link leading outside {where_en} (-> {target}) and was not read; "
                 "put the file itself here instead of a link")


def refused(path: Path, boundary: Path, rel: str, report: Report, boundary_rel: str = "") -> bool:
    """True, after an error at `rel`, when `path` resolves outside `boundary` (a link on the way leads out)."""
    if inside(path, boundary):
        return False
    _error(rel, path, boundary_rel, report)
    return True


def walk(folder: Path, boundary: Path, rel: str, report: Report, boundary_rel: str = "",
         ) -> list[tuple[Path, tuple[str, ...]]]:
    """Every file below `folder` (itself checked with `refused`) as (path, its parts below `folder`), in
    path order, skipping hidden names; links leading outside `boundary` are reported at their own path."""
    return [(Path(path), inner) for path, inner in files(folder, boundary, rel, report, boundary_rel)]


def files(folder: Path, boundary: Path, rel: str, report: Report, boundary_rel: str = "",
          ) -> list[tuple[str, tuple[str, ...]]]:
    """`walk`, each path as a string (a reader of thousands of files makes a `Path` only of those it reads)."""
    within = real(folder)
    if boundary == folder:  # a folder lies inside itself: its real path is resolved once
        limit = within
    else:
        limit = real(boundary)
        if not within.is_relative_to(limit):
            _error(rel, folder, boundary_rel, report)
            return []
    found: list[tuple[str, tuple[str, ...]]] = []
    _walk(str(folder), (), limit, rel, report, boundary_rel, {str(within)}, found)
    return found


def _walk(folder: str, inner: tuple[str, ...], boundary: Path, rel: str, report: Report, boundary_rel: str,
          seen: set[str], found: list[tuple[str, tuple[str, ...]]]) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        parts = (*inner, entry.name)
        if entry.is_symlink():
            target = real(Path(entry.path))
            if not target.is_relative_to(boundary):
                _error(f"{rel}/{'/'.join(parts)}", Path(entry.path), boundary_rel, report)
                continue
            if target.is_dir():
                if str(target) not in seen:
                    seen.add(str(target))
                    _walk(entry.path, parts, boundary, rel, report, boundary_rel, seen, found)
            elif target.is_file():
                found.append((entry.path, parts))
        elif entry.is_dir(follow_symlinks=False):
            _walk(entry.path, parts, boundary, rel, report, boundary_rel, seen, found)
        elif entry.is_file(follow_symlinks=False):
            found.append((entry.path, parts))
