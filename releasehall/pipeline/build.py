"""Orchestrates a build: settings -> content -> hall -> pages and feeds -> output folder.

With the cache in `.cache/releasehall/` a rebuild re-reads only changed sources,
re-renders only bodies whose text or link targets changed and only outputs whose key
(what they show) changed, and leaves every other output file as it is.
"""

from __future__ import annotations

import gc
import os
import shutil
import time
import traceback
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from releasehall.assemble.hall import build_hall, in_variant
from releasehall.content.load import load_content
from releasehall.errors import Problem, Report
from releasehall.media.pictures import picture_files, prune
from releasehall.model.variants import variants_of
from releasehall.outputs import pages as render
from releasehall.outputs import search, variants
from releasehall.outputs.jobs import PARALLEL_FROM, Jobs
from releasehall.outputs.keys import THEME, Fingerprints, Memo
from releasehall.pipeline import unchanged
from releasehall.pipeline.outcome import Outcome, Rendition
from releasehall.pipeline.quick import bodies_only
from releasehall.read.schema import FIRST_YEAR, LAST_YEAR, Invalid, parse_datetime
from releasehall.read.symlinks import walk
from releasehall.settings.site import Settings, load_settings
from releasehall.store.cache import (
    BuildCache,
    code_signature,
    load_cache,
    prepare_rows,
    save_cache,
    secure,
)
from releasehall.store.places import CACHE_DIR, CACHE_FILE, OUTPUTS_FOLDER, SEARCH_FOLDER, SEARCH_PAGES
from releasehall.store.signing import cache_key
from releasehall.store.write import MANIFEST, Stager, claim, recover


@dataclass(frozen=True, slots=True)
class Request:
    """What to build: the hall's settings, the build's "now", and whether drafts are built too."""

    settings: Settings
    now: datetime
    drafts: bool = False


@dataclass(frozen=True, slots=True)
class Reuse:
    """What the last build left: the signed cache (read, and updated for the next build), and whether its output at
    a path is still there intact."""

    cache: BuildCache
    intact: Callable[[str], bool]
    known: Mapping[str, str] = field(default_factory=dict)  # sources' digests, known by their stat (`unchanged`)
    templates_compiled: bool = False  # the templates are those the last build compiled (`unchanged.same_templates`)


def build_now(now: str | None, tz: Any) -> datetime:
    """The build's "now": `--now` in the site's zone, else SOURCE_DATE_EPOCH (reproducible builds), else the clock."""
    if now:
        return parse_datetime(now, tz)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = source_date_epoch(epoch) if epoch and epoch.isdigit() else datetime.now()
    return moment.astimezone(tz)


def source_date_epoch(epoch: str) -> datetime:
    """SOURCE_DATE_EPOCH as a moment; Invalid (a usage error) when it is out of the years a hall can mean."""
    try:
        moment = datetime.fromtimestamp(int(epoch))
    except (OverflowError, ValueError, OSError):
        moment = None
    if moment is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise Invalid(f"SOURCE_DATE_EPOCH={epoch[:30]} 超出范围（年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间）",
                      f"SOURCE_DATE_EPOCH={epoch[:30]} is out of range (the year must be {FIRST_YEAR}-{LAST_YEAR})")
    return moment


def template_problem(exc: TemplateError, root: Path) -> Problem:
    """A broken template (usually an operator's override in layouts/) as a `path:line` error."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not filename:
        frames = traceback.extract_tb(exc.__traceback__)
        for frame in reversed(frames):
            if frame.filename.endswith((".html", ".xml")):
                filename, line = frame.filename, frame.lineno
                break
    path = Path(filename) if filename else root / "layouts"
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else \
        f"releasehall/theme/{path.name}"
    return Problem(rel, line or 1, f"模板错误：{exc}；请检查模板语法和用到的变量",
                   f"template error: {exc}; check the template's syntax and the names it uses")


def write_problem(exc: OSError, out: Path) -> Problem:
    """A failure to write the output (read-only, full disk) as an error naming the path; nothing was changed."""
    path = str(exc.filename or out)
    reason = exc.strerror or str(exc)
    return Problem(path, 1, f"无法写入输出（{reason}），旧的输出保持原样未改动；请检查磁盘空间和写入权限",
                   f"cannot write the output ({reason}); the previous output is unchanged; check the free space "
                   "and the permissions")


def static_files(settings: Settings) -> dict[str, Path]:
    """Theme static files, overridden by the site's layouts/static/ (whose links were checked by `check_layouts`)."""
    result: dict[str, Path] = {}
    for folder, boundary in ((THEME / "static", THEME), (settings.root / "layouts" / "static", settings.root)):
        if folder.is_dir():
            for path, inner in walk(folder, boundary, "layouts/static", Report()):
                result["static/" + "/".join(inner)] = path
    return result


def check_layouts(settings: Settings, report: Report) -> None:
    """The operator's layouts/ (templates and static files): no link in it may lead out of the site folder."""
    folder = settings.root / "layouts"
    if folder.is_dir() or folder.is_symlink():
        walk(folder, settings.root, "layouts", report)


def assemble(request: Request, report: Report, cache: BuildCache, store_images: bool = True,
             known: Mapping[str, str] | None = None, variants: bool = False) -> Outcome:
    """Read and assemble: every source read and checked, the hall cross-referenced as of `now`, nothing rendered;
    with `variants`, the hall as each of its other variants shows it too (`Outcome.mirrors`).

    `check` and `stats` stop here; a build goes on to plan and publish (`generate`)."""
    settings = request.settings
    check_layouts(settings, report)
    content, cache.sources = load_content(settings, report, cache.sources, known)
    previous = cache.bodies
    hall, cache.bodies = build_hall(settings, content, request.now, request.drafts, report, previous,
                                     store_images, secret=cache.key)
    mirrors = tuple(Rendition(in_variant(hall, v, previous, cache.bodies)) for v in variants_of(settings)[1:]) \
        if variants and not report.errors else ()
    return Outcome(problems=report.errors + report.warnings, hall=hall, content=content, mirrors=mirrors)


def inspect(request: Request, report: Report, cache: BuildCache) -> Outcome:
    """`check` and `stats`: the hall read and assembled, the templates parsed, no page rendered, nothing written."""
    settings = request.settings
    outcome = assemble(request, report, cache, store_images=False)
    if outcome.hall is not None and not report.errors:
        try:
            render.compile_templates(render.environment(outcome.hall))  # a broken template is an error here too
        except TemplateError as exc:
            report.problems.append(template_problem(exc, settings.root))
    outcome.problems = report.errors + report.warnings
    return outcome


def generate(request: Request, report: Report, reuse: Reuse, stager: Stager | None = None, *,
             last: Outcome | None = None, changed: Collection[str] = (),
             meanwhile: Callable[[], object] | None = None) -> Outcome:
    """Everything but writing: the outputs in memory, or the problems that stop the build.

    Told that only the Markdown bodies of the sources `changed` may differ from the `last` good build (serve),
    the stages take the short way when they can (`quick.bodies_only`): read just those sources, put their new
    bodies into the last hall, render just the outputs each family says show them. Anything else is a whole build.

    What the last build left is reused through `reuse`. With a `stager`, each output is also staged as soon as it
    is made. `meanwhile`: what the caller needs once the build is done (the cache's rows), done while the pages are
    made on both cores and the main process would wait.
    """
    settings, cache = request.settings, reuse.cache
    if changed and last is not None:
        quick = bodies_only(last, changed, cache)
        if quick is not None:
            return quick
    outcome = assemble(request, report, cache, known=reuse.known, variants=True)
    hall = outcome.hall
    if report.errors or hall is None:
        return outcome
    memo = Memo(previous=cache.keys, intact=reuse.intact)
    jobs = Jobs()
    made: dict[str, bytes] = {}
    renditions = [Rendition(hall), *outcome.mirrors]
    compiled = render.Compiled() if len(renditions) > 1 else None
    for rendition in renditions:  # the site as written, then its variants (the zh-Hant mirror)
        env = rendition.env = render.environment(rendition.hall, compiled)
        fp = Fingerprints(rendition.hall, open=render.overridden(env, settings.root / "layouts"))
        made.update(variants.plan(rendition.hall, env, memo, fp, jobs))
    outcome.env, outcome.mirrors = renditions[0].env, tuple(renditions[1:])
    try:
        for rendition in renditions:  # once, before the workers fork, instead of once in each; a few jobs (an
            assert rendition.env is not None  # edit) compile only the templates they use, if all compiled last time
            if not reuse.templates_compiled or len(jobs.queue) >= PARALLEL_FROM:
                render.compile_templates(rendition.env)
        results = jobs.run(stager, keep=False, meanwhile=meanwhile)  # the pages' bytes stay with the workers
    except TemplateError as exc:
        report.problems.append(template_problem(exc, settings.root))
        outcome.problems = report.errors + report.warnings
        return outcome
    files = {path: data for path, data in results.items() if data is not None}
    outcome.staged = frozenset(path for path, data in results.items() if data is None)
    urls = hall.urls
    pages = sorted({*results, *made, *memo.reused})
    redirects = {r.hall.urls.output_path(alias.url) for r in renditions for alias in r.hall.aliases}
    made[urls.output_path(urls.file("sitemap.xml"))] = render.sitemap(hall, pages, redirects)
    made[urls.output_path(urls.file("robots.txt"))] = render.robots(hall)
    if stager is not None:
        for rel, data in made.items():
            stager.put(rel, data)
    files.update(made)
    copies = {urls.output_path(urls.asset(a.rel)): settings.root / "content" / a.rel for a in hall.assets}
    if hall.pictures:  # JPEGs without EXIF and resized variants, from the image cache
        for asset, source in picture_files(settings, hall.pictures).items():
            copies[urls.output_path(urls.asset(asset))] = source
    for rel, path in static_files(settings).items():
        copies[urls.output_path(urls.home() + rel)] = path
    outcome.files = files
    outcome.copies = {k: v for k, v in copies.items() if k not in files and k not in outcome.staged}
    outcome.reused = frozenset(memo.reused)
    outcome.rendered = memo.rendered
    cache.keys = memo.keys
    outcome.problems = report.errors + report.warnings
    return outcome


def _skipped(root: Path, out: Path, key: bytes, inputs: unchanged.Inputs, last: unchanged.Last | None,
             as_left: bool) -> Outcome | None:
    """The build skipped, when its inputs and the output (`as_left`) are as the last build left them (`unchanged`)."""
    if last is None or not unchanged.unchanged(last.inputs, inputs, root, THEME) or not as_left:
        return None
    if inputs.files != last.inputs.files:  # files touched but not changed: recorded, so as not to read them again
        unchanged.save(root, key, unchanged.Last(inputs, last.outputs, last.output, last.warnings, last.count))
    return Outcome(problems=list(last.warnings), output=out, kept=last.count, skipped=True)


def run(site: Path, *, out: Path | None = None, base_url: str | None = None, now: str | None = None,
        drafts: bool = False, write: bool = True, use_cache: bool = True) -> Outcome:
    """One build of the site in `site`; with write=False, only read and assemble it (`check`, `stats`).

    The cyclic garbage collector is off throughout (and as it was after): a build makes millions of long-lived
    objects (the cache's records, the hall, the pages' keys) and few cycles, and each collection would walk them all
    again (at 100k items the cache's load, its save and the fingerprint's each paid a second or two for it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(site, out=out, base_url=base_url, now=now, drafts=drafts, write=write, use_cache=use_cache)
    finally:
        if enabled:
            gc.enable()


def _run(site: Path, *, out: Path | None, base_url: str | None, now: str | None, drafts: bool, write: bool,
         use_cache: bool) -> Outcome:
    started = time.time()
    report = Report()
    settings = load_settings(site.resolve(), report, base_url=base_url, output=out)
    if settings is None:
        return Outcome(problems=report.errors + report.warnings)
    root = settings.root
    out = settings.output
    key = cache_key(root, report)
    usable = secure(root, report, repair=write)  # before anything reads or writes the cache folder
    recover(out, key)  # whatever the command: first finish or undo a build killed while writing this output
    moment = build_now(now, settings.tz)
    signature = code_signature(settings.timezone)
    if not usable:  # a cache folder that is not safe to use (a check does not repair it): none read or written
        key = None
    inputs = None
    known: dict[str, str] = {}  # sources recognized by their stat: not read to tell whether they changed
    templates = False  # the templates are those the last build compiled
    seen: unchanged.Seen | None = None  # the output's files and folders that the last build left, as they are now
    as_left = False  # and all of them as the last build left them: nothing added, removed or changed since
    if write and key is not None and not report.errors:
        code = unchanged.code_digest(signature)
        inputs = unchanged.scan(root, THEME, unchanged.request_digest(code, moment, drafts, base_url, out), code)
        last_build = unchanged.load(root, key) if use_cache else None  # without `inputs`: the output's alone
        if last_build is not None:  # one lstat of each: the shortcut's check, the claim's and each output's
            seen = unchanged.look(out, last_build.outputs)
            as_left = seen is not None and unchanged.digest(seen, root / CACHE_DIR / CACHE_FILE) == last_build.output
        skipped = _skipped(root, out, key, inputs, last_build, as_left) if inputs is not None else None
        if skipped is not None:
            skipped.problems[:0] = report.problems
            return skipped
        if last_build is not None and inputs is not None:
            known = unchanged.known_digests(last_build.inputs, inputs)
            templates = unchanged.same_templates(last_build.inputs, inputs)
    cache = load_cache(root, signature, report, key) if use_cache and key else BuildCache(signature, key=key)
    before = len(report.problems)  # what follows comes from the inputs: the shortcut repeats it (not the cache's)
    if not write:  # the cache is read (bodies already rendered are reused) but never saved
        return inspect(Request(settings, moment, drafts), report, cache)
    claim(out, root, walk=not as_left)  # an output as the last build left it holds nothing but ours
    same_output = cache.output == str(out)
    try:
        stager = Stager(out, key, root / CACHE_DIR / OUTPUTS_FOLDER if key else None, cache.stamps, same_output)
    except OSError as exc:
        return Outcome(problems=[*report.warnings, write_problem(exc, out)])
    if seen is not None and not unchanged.kept(out, seen, ("/", MANIFEST)):  # another build wrote it before the lock
        seen, as_left = None, False  # (each commit moves a manifest into the output's folder)
        try:
            claim(out, root)
        except BaseException:
            stager.abort()
            raise
    stager.seen = seen or {}
    # a file's stamp stands for its bytes only in an output as the last build left it (its fingerprint holds each
    # file's change time and inode); in any other a file edited in place, its time set back, is checked by digest
    stager.same_output = stager.same_output and as_left
    try:
        intact = stager.reuse
        outcome = generate(Request(settings, moment, drafts), report, Reuse(cache, intact, known, templates), stager,
                           meanwhile=partial(prepare_rows, cache))
        if outcome.errors:
            stager.abort()
            return outcome
        for rel, source in outcome.copies.items():
            stager.copy(rel, source)
        assert outcome.hall is not None
        store = search.Store(root / CACHE_DIR / SEARCH_FOLDER, cache.search_bundles,
                             frozenset(cache.search_placed if same_output else ()))
        try:
            bundle = search.staged_index(outcome.hall, stager, store, intact)  # from the staged pages: never ahead of them
        except search.SearchError as exc:
            stager.abort()
            outcome.problems.append(Problem("site.yaml", 1, f"无法生成搜索索引：{exc}", f"the search index failed: {exc}"))
            return outcome
        for rel, data in bundle.items():
            if data is not None:
                stager.put(rel, data)
        outcome.indexed = tuple(sorted(bundle))
        wanted = {*outcome.files, *outcome.staged, *outcome.copies, *outcome.reused, *bundle}
        unchanged.forget(root)  # the output changes: no fingerprint stands for it until this build's is saved
        written = stager.commit(wanted)
    except OSError as exc:  # a read-only folder, a full disk: the old output is as it was
        if stager is not None:
            stager.abort()
        return Outcome(problems=[*report.warnings, write_problem(exc, out)])
    except BaseException:
        if stager is not None:
            stager.abort()
        raise
    outcome.written, outcome.kept = written.written, written.kept
    cache.output = str(out)
    cache.stamps = written.stamps
    stager.prune_store(stamp[2] for stamp in written.stamps.values())
    cache.search_placed, cache.search_bundles = store.placing, store.used
    save_cache(root, cache)
    prune(root, {picture.key for picture in outcome.hall.pictures.values()}, started)  # only after a success
    store.prune()
    pages_folder = root / CACHE_DIR / SEARCH_PAGES  # where Pagefind read the pages, before the hall's own index
    if pages_folder.is_dir() and not pages_folder.is_symlink():
        shutil.rmtree(pages_folder, ignore_errors=True)
    outcome.output = out
    if key is not None:  # last: nothing may touch the output after its fingerprint
        files = sorted({*wanted, MANIFEST})
        # the stats taken at the start stand for the files and folders the commit did not move or change
        digest = unchanged.output_digest(out, files, root / CACHE_DIR / CACHE_FILE,
                                         seen if written.moved is not None else None, written.moved or ())
        if digest is not None:
            warnings = outcome.problems[before:]  # as printed: the warnings before `before` are printed anyway
            # without the inputs' fingerprint (a link out of its tree), one that no build's inputs match: the
            # output's alone, so that the next build still knows the output as this one leaves it
            found = unchanged.with_digests(inputs, cache.sources) if inputs is not None else unchanged.Inputs("", 0)
            unchanged.save(root, key, unchanged.Last(found, files, digest, warnings, written.written + written.kept))
    return outcome
