"""Search index figures: Pagefind's index build time and size, the bytes a first search downloads, and how soon
a search answers on a slow phone.

`python -m bench.search --sizes 1000 10000` generates a hall (bench/generate.py), builds it once, then times,
side by side on the same built pages: indexing all parts (a cold build's work), the largest part alone (the
most a one-file edit re-indexes) and one index over all pages (what the build did before the index was cut
into parts). In Chromium it loads /search/?q=交通 and adds up what was fetched under /pagefind/ until the
results show; then, with the CPU throttled 4× (CDP `Emulation.setCPUThrottlingRate`, a mid-range phone), it
types queries into the search box and times each from the last keystroke (Enter) to the results on screen.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import statistics
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.generate import generate
from releasehall.outputs import search
from releasehall.pipeline import build as pipeline

QUERIES = ("交通", "医疗 服务", "政务公开", "社区 养老 服务", "第7号单位", "交通 2024")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def in_browser(out: Path, query: str) -> dict[str, float]:
    """First-search bytes and requests under /pagefind/ for `query`, then the answer times under 4× throttling."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    figures: dict[str, float] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            page.goto(f"{base}/search/?q={query}")
            page.wait_for_selector(".search-results li", timeout=120000)
            page.wait_for_load_state("networkidle")
            sizes = page.evaluate("""performance.getEntriesByType('resource').filter(e => e.name.includes('/pagefind/'))
                                     .map(e => e.encodedBodySize)""")
            figures["first_search_kb"], figures["requests"] = sum(sizes) / 1024, len(sizes)
            page.close()
            page = browser.new_page()
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            page.goto(f"{base}/search/")
            page.wait_for_function("window.pagefindReady === true", timeout=120000)
            times = []
            for text in QUERIES:
                page.fill("#search-q", "")
                page.type("#search-q", text)
                page.evaluate("document.querySelector('.search-status').textContent = ''")
                start = time.perf_counter()
                page.press("#search-q", "Enter")
                page.wait_for_function("document.querySelector('.search-status').textContent !== ''", timeout=120000)
                times.append(time.perf_counter() - start)
            figures["throttled_ms_first"] = times[0] * 1000
            figures["throttled_ms_median"] = statistics.median(times) * 1000
            figures["throttled_ms_max"] = max(times) * 1000
            browser.close()
    finally:
        server.shutdown()
    return figures


def timed(work: Path, make) -> tuple[float, dict[str, bytes]]:  # type: ignore[no-untyped-def]
    scratch = Path(tempfile.mkdtemp(dir=work))
    try:
        start = time.perf_counter()
        bundle = make(scratch)
        return time.perf_counter() - start, bundle
    finally:
        shutil.rmtree(scratch)


def measure(items: int, work: Path) -> dict[str, float]:
    site = work / f"hall-{items}"
    generate(site, max(items // 50, 1), 30, 20)
    start = time.perf_counter()
    outcome = pipeline.run(site, now="2026-11-20 18:00", use_cache=False)
    build_s = time.perf_counter() - start
    assert not outcome.errors and outcome.hall is not None, outcome.errors[:3]
    out = outcome.hall.settings.output
    home, paths = outcome.hall.urls.home(), search.indexed_pages(outcome.hall)
    parts = search.partition(paths)

    def locate(rel: str) -> Path:
        return out / rel

    all_s, _ = timed(work, lambda scratch: {name: data for part, members in parts.items()
                                            for name, data in search.index(home, members, locate, scratch / part).items()})
    largest = max(parts.values(), key=len)
    part_s, _ = timed(work, lambda scratch: search.index(home, largest, locate, scratch))
    single_s, single = timed(work, lambda scratch: search.index(home, paths, locate, scratch))
    published = [p for p in (out / "pagefind").rglob("*") if p.is_file()]
    return {"items": items, "pages": len(paths), "parts": len(parts), "largest_part": len(largest),
            "build_s": build_s, "index_all_parts_s": all_s, "index_largest_part_s": part_s,
            "index_single_s": single_s, "index_mb": sum(p.stat().st_size for p in published) / 2**20,
            "files": len(published), "single_index_mb": sum(len(b) for b in single.values()) / 2**20,
            **in_browser(out, "交通")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for items in args.sizes:
            print({k: round(v, 2) if isinstance(v, float) else v for k, v in measure(items, Path(folder)).items()},
                  flush=True)


if __name__ == "__main__":
    main()
