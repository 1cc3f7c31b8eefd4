"""`serve` driven for real: a server process, edits on disk, pages fetched over HTTP, reload events."""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import BASIC, front, write_site


def fetch(base: str, path: str) -> tuple[int, str]:
    host, port = re.match(r"http://([^:]+):(\d+)/", base).groups()
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8")


def wait_for(check, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def server(tmp_path):
    site = write_site(tmp_path, BASIC)
    process = subprocess.Popen(
        [sys.executable, "-m", "releasehall", "serve", "--site", str(site), "--port", "0", "--now", "2024-10-20 12:00"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1])
    try:
        line = ""
        while "serving at" not in line:
            line = process.stdout.readline()
            assert line, process.stderr.read()
        base = re.search(r"http://\S+/", line).group(0)
        yield site, base, process
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
        print(out, err)  # shown by pytest when a test fails


def test_serve_rebuilds_on_save_and_signals_reload(server):
    site, base, _process = server
    status, page = fetch(base, "/police/releases/a/")
    assert status == 200 and "国庆期间实行交通管制" in page and "new EventSource('/__releasehall/events')" in page
    host, port = re.match(r"http://([^:]+):(\d+)/", base).groups()
    events = http.client.HTTPConnection(host, int(port), timeout=10)
    events.request("GET", "/__releasehall/events")
    stream = events.getresponse()
    assert stream.getheader("Content-Type") == "text/event-stream"
    assert stream.fp.readline() == b": connected\n"
    source = site / "content/police/releases/a.md"
    for n in range(3):  # several quick saves
        source.write_text(source.read_text(encoding="utf-8").replace("交通管制", f"交通管制{n}", 1), encoding="utf-8")
    wait_for(lambda: "交通管制2" in fetch(base, "/police/releases/a/")[1])
    lines = [stream.fp.readline() for _ in range(3)]  # blank line ending "connected", then the event
    assert any(line.startswith(b"data: ") for line in lines), lines


def test_serve_shows_errors_and_keeps_last_good_site(server):
    site, base, _process = server
    bad = site / "content/police/releases/bad.md"
    bad.write_text(front({"title": "坏"}, "x\n"), encoding="utf-8")
    page = wait_for(lambda: (lambda p: p if "releasehall-errors" in p else None)(fetch(base, "/")[1]))
    assert "content/police/releases/bad.md:2: 缺少必填字段 “date” / missing required key &#x27;date&#x27;" in page
    assert fetch(base, "/police/releases/a/")[0] == 200  # last good site still served
    bad.write_text(front({"title": "好", "date": "2024-10-01"}, "修好了\n"), encoding="utf-8")
    wait_for(lambda: fetch(base, "/police/releases/bad/")[0] == 200)
    assert "releasehall-errors" not in fetch(base, "/")[1]


def test_serve_404_and_directory_redirect(server):
    _site, base, _process = server
    assert fetch(base, "/nowhere/")[0] == 404
    assert fetch(base, "/police")[0] == 301
    status, css = fetch(base, "/static/hall.css")
    assert status == 200 and "--brand" in css


def test_open_page_reloads_itself_in_a_real_browser(server, browser):
    site, base, _process = server
    source = site / "content/police/releases/a.md"
    page = browser.new_page()
    try:
        page.goto(base + "police/releases/a/")
        page.wait_for_selector("html[data-releasehall-live]", state="attached")
        assert "浏览器里看到的新段落" not in page.content()
        source.write_text(source.read_text(encoding="utf-8") + "\n浏览器里看到的新段落。\n", encoding="utf-8")
        page.wait_for_selector("text=浏览器里看到的新段落", timeout=15000)  # reloaded by itself, no click
        assert page.url == base + "police/releases/a/"
    finally:
        page.close()


@contextlib.contextmanager
def serve_in_thread(site: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[str, threading.Thread]]:
    """`serve` in a thread of this process (so a test can patch it); yields its base URL and the thread."""
    from releasehall.serve import server as serving

    stop = threading.Event()
    thread = threading.Thread(target=serving.serve, args=(site,),
                              kwargs={"port": 0, "now": "2024-10-20 12:00", "stop": stop}, daemon=True)
    thread.start()
    try:
        seen = ""

        def started():
            nonlocal seen
            seen += capsys.readouterr().out
            return re.search(r"http://\S+/", seen)

        yield wait_for(started).group(0), thread
    finally:
        stop.set()
        thread.join(timeout=10)


def test_a_rebuild_that_raises_keeps_serving_the_last_good_site(tmp_path, monkeypatch, capsys):
    """Any failure of one rebuild (here: a bug, an internal function that raises) is shown in the overlay and
    the terminal; the serve loop keeps running and serving the last good build, and the next save recovers."""
    from releasehall.serve import server as serving

    site = write_site(tmp_path, BASIC)
    real = serving.generate
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the first rebuild after startup
            raise RecursionError("maximum recursion depth exceeded while building")
        return real(*args, **kwargs)

    monkeypatch.setattr(serving, "generate", broken)
    with serve_in_thread(site, capsys) as (base, thread):
        source = site / "content/police/releases/a.md"
        source.write_text(source.read_text(encoding="utf-8").replace("交通管制", "交通管制甲", 1), encoding="utf-8")
        page = wait_for(lambda: (lambda p: p if "releasehall-errors" in p else None)(fetch(base, "/police/releases/a/")[1]))
        assert "RecursionError: maximum recursion depth exceeded while building" in page
        assert "releasehall/serve/server.py:" in page  # the deepest line of the generator's own files it passed
        assert "国庆期间实行交通管制，" in page  # the last good build, still served
        assert thread.is_alive()
        source.write_text(source.read_text(encoding="utf-8").replace("交通管制甲", "交通管制乙", 1), encoding="utf-8")
        page = wait_for(lambda: (lambda p: p if "交通管制乙" in p else None)(fetch(base, "/police/releases/a/")[1]))
        assert "releasehall-errors" not in page
        err = capsys.readouterr().err
        assert "Traceback (most recent call last)" in err and "RecursionError" in err


def test_large_rebuilds_fork_only_a_single_threaded_builder_and_equal_one_process(tmp_path, monkeypatch, capsys):
    """serve's rebuilds on both cores (thresholds lowered so that even this small hall forks workers) while
    the HTTP and watcher threads run: every fork happens in the builder, which has one thread, and every
    output served equals a one-process build's."""
    from releasehall import parallel
    from releasehall.content import load
    from releasehall.markdown import markup
    from releasehall.outputs import jobs as outputs
    from releasehall.serve import server as serving

    site = write_site(tmp_path / "site", BASIC)
    forks = tmp_path / "forks.txt"
    real_pool = parallel.ProcessPoolExecutor

    def pool(*args, **kwargs):
        with forks.open("a", encoding="utf-8") as handle:  # written by the forking process, wherever it is
            handle.write(f"{threading.active_count()}\n")
        return real_pool(*args, **kwargs)

    for module in (load, markup, outputs):
        monkeypatch.setattr(module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", pool)
    with serve_in_thread(site, capsys) as (base, _thread):
        fetch(base, "/")  # a request handled on its own thread
        source = site / "content/police/releases/a.md"
        source.write_text(source.read_text(encoding="utf-8").replace("国庆交通管制", "国庆期间交通管制", 1),
                          encoding="utf-8")  # front matter: the whole incremental path, on both cores
        wait_for(lambda: "国庆期间交通管制" in fetch(base, "/police/releases/a/")[1])
        counts = forks.read_text(encoding="utf-8").split()
        assert len(counts) >= 4 and set(counts) == {"1"}, counts  # first build and rebuild, sources and outputs

        for module in (load, markup, outputs):
            monkeypatch.setattr(module, "PARALLEL_FROM", 10**9)
        single = serving.Site(site.resolve(), base, "2024-10-20 12:00", False)
        assert not single.rebuild().errors
        for rel in single.files:
            if rel.endswith((".html", ".xml", ".json", ".csv")):
                host, port = re.match(r"http://([^:]+):(\d+)/", base).groups()
                connection = http.client.HTTPConnection(host, int(port), timeout=5)
                connection.request("GET", "/" + rel)
                assert connection.getresponse().read() == single.lookup("/" + rel)[0], rel


def test_search_works_in_serve_and_follows_a_save(server, browser):
    """serve makes the search index from the pages in memory when a page first asks for it, and again after a
    save that changed an indexed page; the save itself does not wait for Pagefind."""
    site, base, _process = server
    page = browser.new_page()
    try:
        page.goto(base + "search/")
        page.wait_for_function("window.searchReady === true")
        assert "/police/releases/a/" in page.evaluate("q => window.hallSearch(q)", "管制")
        assert page.evaluate("q => window.hallSearch(q)", "蓄水池") == []
        page.close()  # an open page reloads itself after the save; a new one avoids racing that reload
        source = site / "content/police/releases/a.md"
        source.write_text(source.read_text(encoding="utf-8") + "\n另附蓄水池检修安排。\n", encoding="utf-8")
        wait_for(lambda: "蓄水池" in fetch(base, "/police/releases/a/")[1])
        page = browser.new_page()
        page.goto(base + "search/")
        page.wait_for_function("window.searchReady === true")
        assert page.evaluate("q => window.hallSearch(q)", "蓄水池") == ["/police/releases/a/"]
    finally:
        page.close()


def test_clients_that_hang_up_leave_no_traceback(server):
    """A reader who closes the tab (or a phone that drops the line) before the page arrives is nothing to report:
    the connection resets or the pipe breaks as the server writes, and its terminal shows no traceback."""
    _site, base, process = server
    host, port = re.match(r"http://([^:]+):(\d+)/", base).groups()
    for index in range(60):
        client = socket.create_connection((host, int(port)), timeout=5)
        path = ("/police/releases/a/", "/__releasehall/events", "/feed.xml")[index % 3]
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, not a polite close
        client.close()
    status, page = fetch(base, "/police/releases/a/")  # still serving
    assert status == 200 and "国庆期间实行交通管制" in page
    time.sleep(0.5)  # the handlers of the dropped connections finish writing
    process.terminate()
    _out, err = process.communicate(timeout=10)
    assert "Traceback" not in err and "Error" not in err, err
