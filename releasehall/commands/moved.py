"""`check --since REV`: published URLs that disappeared since a git revision without an alias.

Citizens bookmark the URL of a release; a department that renames or moves the file breaks
it unless the old path is kept as an alias. The hall as it was at REV (its `site.yaml` and
`content/`, taken with `git archive` into a temporary folder, never into the site) is loaded
as of the same "now", and every item or department URL it published that the current hall
neither publishes nor redirects is reported, at the file that should carry the alias.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from releasehall.assemble.hall import Hall
from releasehall.errors import Problem


class SinceError(Exception):
    """REV cannot be read (no git, not a repository, unknown revision): a usage error."""


def published_paths(hall: Hall) -> dict[str, str]:
    """Output path -> source path, for every item, standalone page, department and redirect the hall publishes."""
    urls = hall.urls
    paths = {urls.output_path(urls.entry(e)): e.rel for e in hall.entries()}
    paths.update({urls.output_path(urls.department(d.id)): d.rel for d in hall.departments.values()})
    paths.update({urls.output_path(a.url): "" for a in hall.aliases})
    return paths


def _git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SinceError(f"无法运行 git：{exc} / cannot run git: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise SinceError(f"git {' '.join(args)}：{message} / git {' '.join(args)} failed: {message}")
    return done.stdout


def _renames(root: Path, rev: str, prefix: str) -> dict[str, str]:
    """Old source path -> new source path (both under the site folder) for files git sees as renamed since REV."""
    listing = _git(root, "diff", "--name-status", "-M", "-z", rev, "--", f":(top){prefix}content").decode("utf-8")
    fields = listing.split("\0")
    renames: dict[str, str] = {}
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status.startswith(("R", "C")):
            old, new = fields[index + 1], fields[index + 2]
            renames[old.removeprefix(prefix)] = new.removeprefix(prefix)
            index += 3
        else:
            index += 2
    return renames


def disappeared(hall: Hall, rev: str, load_old: Callable[[Path], Hall | None], strict: bool = False) -> list[Problem]:
    """Warnings (errors with `strict`) for every URL published at `rev` that the hall no longer serves.

    `load_old(folder)` builds the hall found in `folder` as of the same "now" (the caller's pipeline)."""
    root = hall.settings.root
    prefix = _git(root, "rev-parse", "--show-prefix").decode("utf-8").strip()
    _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    tree = f"{rev}:{prefix}" if prefix else rev
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode("utf-8").strip())
    archive = _git(top, "archive", "--format=tar", tree, "site.yaml", "content")  # paths relative to the tree
    with tempfile.TemporaryDirectory(prefix="releasehall-since-") as folder:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")  # refuses absolute paths, '..' and links that leave the folder
        old = load_old(Path(folder))
    if old is None:
        raise SinceError(f"{rev} 时的站点无法读取（site.yaml 有误？）/ the site at {rev} cannot be read (site.yaml?)")
    renames = _renames(root, rev, prefix)
    now_paths = published_paths(hall)
    problems: list[Problem] = []
    for path, rel in sorted(published_paths(old).items()):
        if path in now_paths or not rel:
            continue
        url = "/" + path.removesuffix("index.html")
        new = renames.get(rel, rel)
        exists = (root / new).is_file()
        where = new if exists else rel
        zh_file = f"请在 {new} 的 aliases 中加入 {url}" if exists else \
            f"{rel} 已删除；若内容改放到别的文件，请在新文件的 aliases 中加入 {url}"
        en_file = f"add {url} to the aliases of {new}" if exists else \
            f"{rel} was deleted; if its content moved to another file, add {url} to that file's aliases"
        problems.append(Problem(
            where, 1, f"网址 {url} 在 {rev} 时已发布，现在打不开了：{zh_file}，让收藏旧网址的市民仍能找到",
            f"the URL {url} was published at {rev} and is gone now: {en_file}, so that bookmarks keep working",
            warning=not strict))
    return problems
