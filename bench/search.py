"""Search index figures: Pagefind's index build time and size, and the bytes a first search downloads.

`python -m bench.search --sizes 1000 10000` generates a hall (bench/generate.py), builds it once, then
times indexing the built pages alone (search.index, as the build calls it) and loads
/search/?q=… in Chromium, adding up what it fetched under /pagefind/ until the results show.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.generate import generate
from releasehall.outputs import search
from releasehall.pipeline import build as pipeline


def first_search_bytes(out: Path, query: str) -> tuple[int, int]:
    """(bytes, requests) fetched under /pagefind/ by a first search for `query`, until results show."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sizes: list[int] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            page.on("response", lambda r: sizes.append(len(r.body())) if "/pagefind/" in r.url else None)
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/?q={query}")
            page.wait_for_selector(".search-results li", timeout=60000)
            page.wait_for_load_state("networkidle")
            browser.close()
    finally:
        server.shutdown()
    return sum(sizes), len(sizes)


def measure(items: int, work: Path) -> dict[str, float]:
    site = work / f"hall-{items}"
    generate(site, max(items // 50, 1), 30, 20)
    start = time.perf_counter()
    outcome = pipeline.run(site, now="2026-11-20 18:00", use_cache=False)
    build_s = time.perf_counter() - start
    assert not outcome.errors and outcome.hall is not None, outcome.errors[:3]
    out = outcome.hall.settings.output
    scratch = Path(tempfile.mkdtemp(dir=work))
    start = time.perf_counter()
    paths = search.indexed_pages(outcome.hall)
    bundle = search.index(outcome.hall.urls.home(), paths, lambda rel: out / rel, scratch)
    index_s = time.perf_counter() - start
    shutil.rmtree(scratch)
    downloaded, requests = first_search_bytes(out, "交通")
    return {"items": items, "pages": len(paths), "build_s": build_s, "index_s": index_s,
            "index_mb": sum(len(b) for b in bundle.values()) / 2**20, "files": len(bundle),
            "first_search_kb": downloaded / 1024, "requests": requests}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for items in args.sizes:
            print(measure(items, Path(folder)), flush=True)


if __name__ == "__main__":
    main()
