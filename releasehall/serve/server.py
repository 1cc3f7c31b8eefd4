"""`serve`: build, serve from memory on localhost, rebuild on change, reload open pages.

The site is served from the last good build held in memory, so a rebuild writes nothing
to disk. A watchdog observer notices changes in content/, layouts/ and site.yaml; saves
that come within DEBOUNCE seconds of each other cause one rebuild, which renders only
what changed (the same cache as `build`, kept in memory). Open pages listen on a
server-sent-events stream and reload after each rebuild; a failed build keeps the last
good site and shows its errors (`path:line`) as an overlay on every page and in the terminal.

Rebuilds run in a builder process forked before any thread starts (the HTTP server, the
watcher), and the builder never starts one: a large rebuild forks workers
(`parallel.fork_map`), and forking a process whose other threads may hold locks can leave
a worker waiting forever. The builder keeps the build's state (cache, hall, templates,
outputs) and sends back only the outputs that changed; the serving process keeps the last
good site and answers requests.
"""

from __future__ import annotations

import html
import mimetypes
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from releasehall.assemble.hall import Hall
from releasehall.errors import Problem, Report
from releasehall.outputs.feeds import Feed
from releasehall.outputs.search import BUNDLE, SearchError, from_memory, indexed_pages, inputs_digest
from releasehall.pipeline.build import Outcome, Request, Reuse, build_now, generate
from releasehall.pipeline.outcome import Rendition
from releasehall.read.symlinks import real
from releasehall.settings.site import load_settings
from releasehall.store.cache import BuildCache, code_signature, secure
from releasehall.store.places import SERVE_OUTPUT
from releasehall.store.signing import cache_key
from releasehall.store.write import digest_of

DEBOUNCE = 0.05  # seconds of quiet before a rebuild
EVENTS = "/__releasehall/events"
RELOAD_SCRIPT = (  # data-releasehall-live on <html> once the page listens (tests wait for it)
    "<script>(function(){{var s=new EventSource('{events}');"
    "s.onopen=function(){{document.documentElement.setAttribute('data-releasehall-live','');}};"
    "s.onmessage=function(){{location.reload();}};}})();</script>"
)
OVERLAY = (
    '<div id="releasehall-errors" role="alert" style="position:fixed;inset:0 0 auto 0;max-height:60vh;overflow:auto;'
    'z-index:9999;background:#fff5f5;color:#1b1b1b;border-bottom:4px solid #b3261e;padding:1rem;font:14px/1.6 monospace">'
    "<strong>构建失败，正在显示上一次成功的版本 / Build failed; showing the last good build</strong><ul>{items}</ul></div>"
)


class SearchIndex:
    """The search index of the site being served, made when a page first asks for it after a rebuild.

    A rebuild never waits for the index (a save reloads the page at once); the first request for a
    file under `/pagefind/` after it indexes the pages as they are in memory, unless they are
    what was indexed last time. Requests wait for each other: one index is made at a time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._epoch = -1
        self._inputs = ""
        self._bundle: dict[str, bytes] = {}
        self._parts: dict[str, tuple[dict[str, bytes], str]] = {}  # the parts by inputs digest: a save re-indexes its part only

    def file(self, site: Site, name: str) -> bytes | None:
        with self._lock:
            if self._epoch != site.epoch:
                with site.lock:
                    epoch, files, paths, home = site.epoch, site.files, list(site.indexed), site.home
                    mirrored = site.hall is not None and site.hall.settings.mirrored
                inputs = inputs_digest(home, paths, lambda rel: digest_of(files[rel]), mirrored)
                if inputs != self._inputs:
                    try:
                        self._bundle = from_memory(home, paths, files, mirrored, self._parts)
                    except (SearchError, OSError) as exc:
                        print(f"搜索索引失败 / the search index failed: {exc}", file=sys.stderr)
                        return None
                    self._inputs = inputs
                self._epoch = epoch
            return self._bundle.get(name)


@dataclass(slots=True)
class Site:
    """The last good build in memory, and what the last attempt reported."""

    root: Path
    base_url: str
    now: str | None
    drafts: bool
    files: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    epoch: int = 0
    cache: BuildCache = field(default_factory=BuildCache)
    lock: threading.Lock = field(default_factory=threading.Lock)
    changed: threading.Condition = field(default_factory=threading.Condition)
    last_seconds: float = 0.0
    hall: Hall | None = None  # of the last good build, its templates and feeds
    env: Environment | None = None
    feeds: list[Feed] | None = None
    mirrors: tuple[Rendition, ...] = ()  # the hall's other variants as the last build rendered them
    crash: str = ""  # the traceback of the last rebuild when it raised, for the terminal
    indexed: tuple[str, ...] = ()  # the pages in the search index (`search.indexed_pages`) and the hall's base path
    home: str = "/"
    search: SearchIndex = field(default_factory=SearchIndex)

    def rebuild(self, bodies: set[str] | None = None) -> Outcome | None:
        """Rebuild; `bodies` are the sources that alone changed, when only Markdown files were saved.

        Never raises for a failed rebuild, whatever the cause (a bug, an input nothing foresaw):
        the failure becomes the problem shown in the overlay and the terminal, the last good site
        keeps being served, and the next rebuild starts from an empty cache.
        """
        started = time.perf_counter()
        try:
            return self._rebuild(bodies, started)
        except Exception as exc:
            self.cache = BuildCache()  # the failed build may have left it half updated
            self.crash = traceback.format_exc()
            with self.lock:
                self.problems = [crash_problem(exc, self.root)]
            return self._done(None, started)

    def _rebuild(self, bodies: set[str] | None, started: float) -> Outcome | None:
        self.crash = ""
        report = Report()
        settings = load_settings(self.root, report, base_url=self.base_url, output=self.root / SERVE_OUTPUT)
        outcome: Outcome | None = None
        if settings is not None:
            secure(settings.root, report)  # before the image cache is read or written
            moment = build_now(self.now, settings.tz)
            signature = code_signature(settings.timezone)
            if self.cache.signature != signature:
                self.cache = BuildCache(signature, key=cache_key(settings.root, report))
            last = Outcome(problems=self.problems, hall=self.hall, env=self.env, feeds=self.feeds, mirrors=self.mirrors)
            outcome = generate(Request(settings, moment, self.drafts), report,
                               Reuse(self.cache, intact=lambda rel: rel in self.files),
                               last=last, changed=bodies or ())
        problems = outcome.problems if outcome is not None else report.errors + report.warnings
        with self.lock:
            self.problems = problems
            if outcome is not None and outcome.partial:  # the short way: the other outputs are as they were
                assert outcome.hall is not None
                self.files = {**self.files, **outcome.files}
                self.hall, self.env, self.feeds, self.mirrors = outcome.hall, outcome.env, outcome.feeds, outcome.mirrors
                self.indexed, self.home = tuple(indexed_pages(outcome.hall)), outcome.hall.urls.home()
            elif outcome is not None and not outcome.errors:
                files = {rel: self.files[rel] for rel in outcome.reused}
                files.update(outcome.files)
                self.files = files
                # as the build checked them: a link put in their place later is not followed (`lookup`)
                self.copies = {rel: real(path) for rel, path in outcome.copies.items()}
                self.hall, self.env, self.feeds, self.mirrors = outcome.hall, outcome.env, None, outcome.mirrors
                assert outcome.hall is not None
                self.indexed, self.home = tuple(indexed_pages(outcome.hall)), outcome.hall.urls.home()
        return self._done(outcome, started)

    def _done(self, outcome: Outcome | None, started: float) -> Outcome | None:
        """Tell the open pages to reload."""
        self.last_seconds = time.perf_counter() - started
        with self.changed:
            self.epoch += 1
            self.changed.notify_all()
        return outcome

    def moved_on(self, epoch: int) -> bool:
        """Whether a rebuild finished since `epoch` (callers hold `changed`)."""
        return self.epoch != epoch

    def lookup(self, path: str) -> tuple[bytes | None, str]:
        rel = unquote(urlsplit(path).path).lstrip("/")
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        if rel.startswith(BUNDLE):
            return self.search.file(self, rel.removeprefix(BUNDLE)), mimetypes.guess_type(rel)[0] or "application/octet-stream"
        with self.lock:
            data = self.files.get(rel)
            if data is None and rel + "/index.html" in self.files:
                return b"", "redirect"
            if data is None and rel in self.copies:
                data = _read_unmoved(self.copies[rel])
            errors = [p for p in self.problems if not p.warning]
        kind = mimetypes.guess_type(rel)[0] or "application/octet-stream"
        if data is not None and rel.endswith(".html"):
            data = _decorate(data, errors)
        return data, kind


def _read_unmoved(path: Path) -> bytes | None:
    """The file the last good build checked (`path`, every link resolved then), or None when a link now stands
    on the way: an attachment replaced by a link to /etc/passwd after the build is not served while the rebuild
    that refuses it keeps the last good site."""
    if real(path) != path:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


PACKAGE = Path(__file__).resolve().parent.parent


def crash_problem(exc: BaseException, root: Path) -> Problem:
    """A rebuild that raised, as a problem at the deepest line of the site's or the generator's files it passed."""
    where, line = "releasehall", 1
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        for base, shown in ((root, ""), (PACKAGE, "releasehall/")):
            if path.is_relative_to(base):
                where, line = shown + path.relative_to(base).as_posix(), frame.lineno or 1
    text = f"{type(exc).__name__}: {exc}"
    return Problem(where, line, f"重建时出错（{text}），仍在提供上一次成功的版本；请检查刚才的修改后再保存，如仍出错请报告此问题",
                   f"the rebuild failed ({text}); still serving the last good build. Check your last change and save "
                   "again; if it persists, report it (the terminal shows the traceback)")


def _decorate(page: bytes, errors: list[Problem]) -> bytes:
    extra = RELOAD_SCRIPT.format(events=EVENTS)
    if errors:
        items = "".join(f"<li>{html.escape(str(p))}</li>" for p in errors)
        extra = OVERLAY.format(items=items) + extra
    text = page.decode("utf-8")
    at = text.rfind("</body>")
    return (text[:at] + extra + text[at:] if at >= 0 else text + extra).encode("utf-8")


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal shows builds
            pass

        def do_GET(self) -> None:
            if self.path.startswith(EVENTS):
                self._events()
                return
            data, kind = site.lookup(self.path)
            if kind == "redirect":
                self.send_response(301)
                self.send_header("Location", urlsplit(self.path).path + "/")
                self.end_headers()
                return
            if data is None:
                data, kind = site.lookup("/404.html")
                self.send_response(404)
                data = data or b"not found"
            else:
                self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") or
                             kind.endswith(("xml", "json")) else kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            with site.changed:
                seen = site.epoch
            try:
                self.wfile.write(b": connected\n\n")
                self.wfile.flush()
                while True:
                    with site.changed:
                        site.changed.wait_for(partial(site.moved_on, seen), timeout=15)
                        epoch = site.epoch
                    if epoch != seen:
                        seen = epoch
                        self.wfile.write(f"data: {epoch}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


class _Server(ThreadingHTTPServer):
    """The preview's HTTP server: a reader who hangs up before the page arrives (a closed tab, a dropped line, a
    reload) is not a problem to print; anything else still is, with its traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):  # broken pipe, reset, aborted
            return
        super().handle_error(request, client_address)


class _Watcher(FileSystemEventHandler):
    """Collects changes under content/, layouts/ and site.yaml; one rebuild per burst of saves.

    Markdown files under content/ written in place are noted by name (serve's quick path may
    need to re-render only their bodies); anything else (a file created, deleted or moved, an
    attachment, a template, site.yaml) asks for a whole rebuild.
    """

    def __init__(self, root: Path, poke: threading.Event) -> None:
        self.root = root.resolve()
        self.poke = poke
        self._lock = threading.Lock()
        self._saved: set[str] = set()
        self._other = False

    def take(self) -> set[str] | None:
        """The Markdown sources saved since the last call, or None when something else changed too."""
        with self._lock:
            saved, other = self._saved, self._other
            self._saved, self._other = set(), False
        return None if other else saved

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(os.fsdecode(raw))
            try:
                rel = path.resolve().relative_to(self.root).parts
            except ValueError:
                continue
            if not rel or not (rel[0] in ("content", "layouts") or rel == ("site.yaml",)):
                continue
            if event.is_directory and event.event_type == "modified":
                continue  # a folder's own time changes with what is in it: those changes come as their own events
            if any(part.startswith(".") for part in rel):
                continue  # hidden files (editors' swap files) are not part of the site
            with self._lock:
                if event.event_type in ("modified", "closed") and rel[0] == "content" and rel[-1].endswith(".md"):
                    self._saved.add("/".join(rel))
                else:
                    self._other = True
            self.poke.set()


@dataclass(frozen=True, slots=True)
class Update:
    """What one rebuild changed, sent from the builder to the serving process."""

    changed: dict[str, bytes]  # outputs new or different since the last good build
    removed: frozenset[str]  # outputs gone
    copies: dict[str, Path] | None  # files served from disk (attachments, static), None when unchanged
    problems: list[Problem]
    crash: str  # the traceback when the rebuild raised
    seconds: float
    rendered: int | None  # None: no good build this time
    indexed: tuple[str, ...] = ()  # the pages in the search index, and the base path, after a good build
    home: str = "/"


def _build_loop(site: Site, conn: Connection, other_end: Connection) -> None:
    """The builder: one rebuild per request (the saved Markdown files, or None for a whole rebuild) until EOF,
    which comes when the serving process closes its end or dies."""
    other_end.close()  # the serving process's end, inherited by the fork: kept open, EOF would never come
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the serving process, which then closes its end
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        before_files, before_copies = site.files, site.copies
        outcome = site.rebuild(request)
        files = site.files
        conn.send(Update(
            changed={rel: data for rel, data in files.items() if before_files.get(rel) is not data},
            removed=frozenset(rel for rel in before_files if rel not in files),
            copies=None if site.copies is before_copies else site.copies,
            problems=site.problems, crash=site.crash, seconds=site.last_seconds,
            rendered=None if outcome is None or outcome.errors else len(outcome.rendered),
            indexed=site.indexed, home=site.home))


class Builder:
    """The builder process (see the module's docstring); start it before any thread."""

    def __init__(self, site: Site) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._root = site.root
        # not a daemon: a daemonic process may not fork the workers of a large rebuild
        self._process = context.Process(target=_build_loop, args=(site, child, self._conn), name="releasehall-builder")
        self._process.start()
        child.close()

    def rebuild(self, bodies: set[str] | None) -> Update:
        try:
            self._conn.send(bodies)
            update: Update = self._conn.recv()
        except (EOFError, OSError) as exc:
            return Update({}, frozenset(), None, [crash_problem(exc, self._root)],
                          "the builder process stopped; restart serve\n", 0.0, None)
        return update

    def close(self) -> None:
        self._conn.close()  # the builder sees EOF and returns
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()


def _apply(site: Site, update: Update) -> Update:
    """The serving side: take the builder's update, then tell the open pages to reload."""
    with site.lock:
        if update.changed or update.removed:
            files = {rel: data for rel, data in site.files.items() if rel not in update.removed}
            files.update(update.changed)
            site.files = files
        if update.copies is not None:
            site.copies = update.copies
        site.problems = update.problems
        site.crash = update.crash
        site.indexed, site.home = update.indexed, update.home
    site.last_seconds = update.seconds
    with site.changed:
        site.epoch += 1
        site.changed.notify_all()
    return update


def _report(update: Update) -> None:
    if update.crash:
        print(update.crash, file=sys.stderr, end="")
    for problem in update.problems:
        print(problem, file=sys.stderr)
    errors = [p for p in update.problems if not p.warning]
    if errors:
        print(f"构建失败 / build failed: {len(errors)} error(s); still serving the last good build", file=sys.stderr)
    elif update.rendered is not None:
        print(f"已重建 / rebuilt in {update.seconds * 1000:.0f} ms: {update.rendered} rendered", flush=True)


def serve(root: Path, *, port: int = 8000, host: str = "127.0.0.1", now: str | None = None,
          drafts: bool = False, stop: threading.Event | None = None) -> int:
    root = root.resolve()
    try:
        server = _Server((host, port), _handler(Site(root, "", now, drafts)))
    except OSError as exc:  # the port is taken, the address is not this machine's …: say what to do, no traceback
        print(f"releasehall serve: 无法在 {host}:{port} 上启动预览（{exc.strerror or exc}）：端口可能已被占用，"
              f"请换一个 --port，或用 --port 0 自动选择 / cannot serve on {host}:{port} ({exc.strerror or exc}): "
              "the port may be in use; choose another with --port, or --port 0 to pick a free one", file=sys.stderr)
        return 2
    actual_port = server.server_address[1]
    site = Site(root, f"http://{host}:{actual_port}/", now, drafts)
    builder = Builder(Site(root, site.base_url, now, drafts))  # forked here, while this process has one thread
    server.RequestHandlerClass = _handler(site)
    server.daemon_threads = True
    poke = threading.Event()
    observer = Observer()
    watcher = _Watcher(root, poke)
    watched: set[str] = set()

    def watch() -> None:
        """content/ and layouts/ with all below them; the site folder itself only for site.yaml."""
        for name, recursive in (("content", True), ("layouts", True), ("", False)):
            folder = root / name
            if folder.is_dir() and str(folder) not in watched:
                observer.schedule(watcher, str(folder), recursive=recursive)
                watched.add(str(folder))

    watch()
    observer.start()  # before the first build, so that no save after it goes unseen
    watcher.take()
    _report(_apply(site, builder.rebuild(None)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"正在预览 / serving at http://{host}:{actual_port}/ (Ctrl+C to stop)", flush=True)
    stop = stop or threading.Event()
    try:
        while not stop.is_set():
            if not poke.wait(timeout=0.2):
                continue
            while poke.is_set():  # wait for a quiet moment: several quick saves, one rebuild
                poke.clear()
                time.sleep(DEBOUNCE)
            try:
                watch()
            except OSError as exc:  # a folder vanished between the event and now: the rebuild reports it
                print(f"watch: {exc}", file=sys.stderr)
            _report(_apply(site, builder.rebuild(watcher.take())))
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        server.shutdown()
        observer.join(timeout=2)
        builder.close()
    return 0
