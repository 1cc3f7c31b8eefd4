"""Full-text search: what each page tells Pagefind, and the index built from the built pages.

Item pages (releases, questions, standalone pages) and department pages carry
`data-pagefind-body` and, inside it, their filters (department, kind, year) and meta (department,
kind, date); every other page (lists, 404, redirects, the stats sort variants) has none and so is
left out. After the pages are staged, `index` feeds Pagefind (the extended build, which
segments Chinese) exactly those pages' bytes (as staged now, or as the last build left them)
and returns the bundle under `pagefind/` for the same staging folder, so a failed build
publishes no index and an incremental build indexes what a clean one would. The zh-Hant
mirror's pages say `lang="zh-Hant"`, so Pagefind gives them an index of their own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from markupsafe import Markup

from releasehall.index import Hall, when
from releasehall.model import Department, Entry, Page, Question, Release
from releasehall.urls import MIRROR as PREFIX
from releasehall.write import Stager, scratch_folder

BUNDLE = "pagefind/"


def tags(hall: Hall, words: dict[str, str], subject: Entry | Department) -> Markup:
    """Empty hidden elements naming an item's or a department's filters (department, kind, year) and meta
    (department, kind, date) for Pagefind; they go first inside the element marked `data-pagefind-body`.
    One element per key: Pagefind reads one `key:value` from an attribute."""
    tz = hall.settings.tz
    if isinstance(subject, Department):
        dept, kind, moment = subject.name, words["department"], None
    elif isinstance(subject, Page):
        dept, kind, moment = hall.settings.title, words["page_kind"], None
    else:
        dept = hall.departments[subject.dept].name
        kind = words[f"v:{subject.kind}"] if isinstance(subject, Release) else words["qa"]
        moment = when(subject) if isinstance(subject, Release | Question) else None
    pairs = [("filter", "department", dept), ("filter", "kind", kind), ("meta", "department", dept), ("meta", "kind", kind)]
    if isinstance(moment, datetime):
        local = moment.astimezone(tz)
        pairs += [("filter", "year", str(local.year)), ("meta", "date", f"{local:%Y-%m-%d}")]
    return Markup("").join(Markup('<span hidden data-pagefind-{}="{}:{}"></span>').format(what, key, value)
                           for what, key, value in pairs)


def indexed_pages(hall: Hall) -> list[str]:
    """Output paths of the pages in the index: items and departments, and their zh-Hant twins."""
    urls = hall.urls
    paths = [urls.output_path(urls.entry(entry)) for entry in hall.entries()]
    paths += [urls.output_path(urls.department(dept)) for dept in hall.departments]
    if "zh-Hant" in hall.settings.variants:
        paths += [PREFIX + path for path in paths]
    return sorted(paths)


def index(hall: Hall, locate: Callable[[str], Path], workdir: Path) -> dict[str, bytes]:
    """The Pagefind bundle (`pagefind/…` -> bytes) of the pages `indexed_pages` names.

    `locate(path)` says where a page's current bytes are (staged, or left by the last build);
    they are linked into `workdir` at their URL's place and indexed there by Pagefind's command.
    """
    from pagefind.service import get_executable

    executable = get_executable()
    if executable is None:
        raise SearchError("Pagefind is not installed: pip install 'pagefind[extended]'")
    site, bundle = workdir / "site", workdir / "bundle"
    root = site / hall.urls.home().lstrip("/")
    for path in indexed_pages(hall):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        source = locate(path)
        try:
            os.link(source, target)
        except OSError:  # another file system
            shutil.copyfile(source, target)
    result = subprocess.run([str(executable), "--site", str(site), "--output-path", str(bundle), "--silent"],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchError(f"Pagefind failed ({result.returncode}): {(result.stderr or result.stdout).strip()[-500:]}")
    return {BUNDLE + path.relative_to(bundle).as_posix(): path.read_bytes()
            for path in sorted(bundle.rglob("*")) if path.is_file()}


class SearchError(Exception):
    """Pagefind is missing or failed."""


def staged_index(hall: Hall, stager: Stager) -> dict[str, bytes]:
    """The bundle for the pages as this build leaves them: staged now, or kept from the last build."""
    workdir = scratch_folder(stager.out, "search")
    try:
        return index(hall, lambda rel: stager.stage / rel if rel in stager.staged else stager.out / rel, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
