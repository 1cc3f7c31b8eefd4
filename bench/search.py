"""Search index figures, the hall's own index beside Pagefind 1.4.0 (which the build ran before): index time and
size, the bytes a first search downloads, how soon a search answers on a slow phone, and recall.

`python -m bench.search --sizes 1000 10000` generates a hall (bench/generate.py), builds it once (with its own
index), then times, side by side on the same built pages: making every part (a cold build's work: on both cores,
as the build does) and the largest part alone (the most a one-file edit re-makes), for the hall's index and for
Pagefind (its parts two at a time, as the build ran them, and one Pagefind index over all pages). In Chromium it
loads /search/?q=交通 and adds up what was fetched under /pagefind/ until the results show; then, with the CPU
throttled 4× (CDP `Emulation.setCPUThrottlingRate`, a mid-range phone), it types queries into the search box and
times each in the page from the last keystroke (Enter) to the frame showing the results, and to the frame showing
their excerpts too (`ANSWER_CLOCK`). Recall: for each word of the generated titles,
the share of the pages whose title holds it that a search for it finds, from the hall's index (search.js) and from
the single Pagefind index (its own pagefind.js), over the same pages.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import re
import shutil
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench import pagefind_index
from bench.generate import WORDS, generate
from releasehall.outputs import search
from releasehall.pipeline import build as pipeline
from releasehall.store.write import digest_of

QUERIES = ("交通", "医疗 服务", "政务公开", "社区 养老 服务", "第7号单位", "交通 2024")


# The answer's clock, in the page: from the Enter key's event (its timeStamp: when the browser took the key) to the
# frame that shows the results (the list and the count set, then a frame drawn: requestAnimationFrame, then a task
# after it), and to the frame that shows their excerpts too (the list no longer aria-busy; search.js fills the
# excerpts from the text files after showing the results). Measured in the page so that nothing of the harness runs
# on the throttled page while it answers (polling for the answer from outside took a share of its main thread) and
# the drawing of the results is counted (the count's text set was counted before, not its layout and paint).
ANSWER_CLOCK = """() => {
  const input = document.querySelector('#search-q');
  const status = document.querySelector('.search-status');
  const list = document.querySelector('.search-results');
  const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
  input.addEventListener('keydown', (event) => { if (event.key === 'Enter') window.answerEnter = event.timeStamp; }, true);
  window.startAnswerClock = () => {
    status.textContent = '';
    window.answerClock = new Promise((resolve) => {
      let shown = null;
      const observer = new MutationObserver(async () => {
        if (shown === null && status.textContent !== '') shown = frame().then(() => performance.now());
        if (shown !== null && !list.hasAttribute('aria-busy')) {
          observer.disconnect();
          const at = await shown;
          await frame();
          resolve([window.answerEnter, at, performance.now()]);
        }
      });
      observer.observe(status, { childList: true, characterData: true, subtree: true });
      observer.observe(list, { attributes: true, attributeFilter: ['aria-busy'] });
    });
  };
}"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def in_browser(out: Path, query: str, titles: dict[str, str]) -> dict[str, float]:
    """First-search bytes and requests under /pagefind/ for `query`, the answer times under 4× throttling, and
    recall of the hall's index and of Pagefind's (at /single-pagefind/) for each of WORDS."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    figures: dict[str, float] = {}
    manifest = json.loads((out / "pagefind/index.json").read_bytes())
    tables = json.loads(gzip.decompress((out / "pagefind" / manifest["shared"] / "docs.gz").read_bytes()))
    own_urls = {(folder, n): "/" + url for folder, table in zip(manifest["parts"], tables, strict=True)
                for n, url in enumerate(table["url"])}
    pagefind_urls = {path.name.removesuffix(".pf_fragment"):
                     json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))["url"]
                     for path in (out / "single-pagefind/fragment").glob("*.pf_fragment")}
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
            script = page.evaluate("""performance.getEntriesByType('resource').filter(e => e.name.endsWith('/search.js'))
                                      .map(e => e.encodedBodySize)""")
            figures["first_search_kb"], figures["requests"] = sum(sizes) / 1024, len(sizes)
            figures["search_js_kb"] = sum(script) / 1024
            # recall, both indexes over the same pages
            found_own, found_pagefind, expected_total = 0, 0, 0
            for word in WORDS:
                expected = {url for url, title in titles.items() if word in title}
                own = {own_urls[folder, n] for folder, n in page.evaluate("q => window.hallMatches(q)", word)}
                other = {pagefind_urls[key] for key in page.evaluate("""async q => { const pf = await import('/single-pagefind/pagefind.js');
                    const s = await pf.search(q); return s.results.map(r => r.id); }""", word)}
                expected_total += len(expected)
                found_own += len(expected & own)
                found_pagefind += len(expected & other)
            figures["recall_own"] = found_own / expected_total
            figures["recall_pagefind"] = found_pagefind / expected_total
            page.close()
            page = browser.new_page()
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            page.goto(f"{base}/search/")
            page.wait_for_function("window.searchReady === true", timeout=120000)
            page.evaluate(ANSWER_CLOCK)
            times, complete = [], []
            for text in QUERIES:
                page.fill("#search-q", "")
                page.type("#search-q", text)
                page.evaluate("window.startAnswerClock()")
                page.press("#search-q", "Enter")
                enter, shown, filled = page.evaluate("window.answerClock")
                times.append(shown - enter)
                complete.append(filled - enter)
            figures["throttled_ms_first"] = times[0]
            figures["throttled_ms_median"] = statistics.median(times)
            figures["throttled_ms_max"] = max(times)
            figures["throttled_excerpts_ms_median"] = statistics.median(complete)
            figures["throttled_excerpts_ms_max"] = max(complete)
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


def titles_of(out: Path, paths: list[str]) -> dict[str, str]:
    """URL -> title of every indexed item page."""
    titles = {}
    for path in paths:
        html = (out / path).read_text(encoding="utf-8")
        h1 = re.search(r"<h1[^>]*>(?:<span[^>]*>[^<]*</span>)?([^<]+)</h1>", html)
        if h1 is not None and path.count("/") == 3:
            titles["/" + path.removesuffix("index.html")] = h1.group(1)
    return titles


def measure(items: int, work: Path) -> dict[str, float]:
    site = work / f"hall-{items}"
    generate(site, max(items // 50, 1), 30, 20)
    start = time.perf_counter()
    outcome = pipeline.run(site, now="2026-11-20 18:00", use_cache=False)
    build_s = time.perf_counter() - start
    assert not outcome.errors and outcome.hall is not None, outcome.errors[:3]
    out = outcome.hall.settings.output
    home, paths, mirrored = outcome.hall.urls.home(), search.indexed_pages(outcome.hall), outcome.hall.settings.mirrored
    parts = search.partition(paths)
    largest = max(parts.values(), key=len)

    def read(rel: str) -> bytes:
        return (out / rel).read_bytes()

    def locate(rel: str) -> Path:
        return out / rel

    own_all_s, _ = timed(work, lambda scratch: search.make_parts(parts, read, mirrored))
    own_part_s, _ = timed(work, lambda scratch: search.make_part(largest, read, mirrored))
    # an edit: the part made again from its last files, one page's bytes changed (the build knows every page's digest)
    digests = {path: digest_of(read(path)) for path in largest}
    before = search.make_part(largest, read, mirrored, digests.__getitem__)
    edited = {**digests, largest[0]: "edited"}
    own_edit_s, _ = timed(work, lambda scratch: search.make_part(largest, read, mirrored, edited.__getitem__, before))

    def pagefind_parts(scratch: Path) -> dict[str, bytes]:
        with ThreadPoolExecutor(max_workers=2) as pool:  # as the build ran them: two at a time
            made = pool.map(lambda part: pagefind_index.index(home, parts[part], locate, scratch / part), list(parts))
            return {f"{n}/{name}": data for n, bundle in enumerate(made) for name, data in bundle.items()}

    pagefind_all_s, _ = timed(work, pagefind_parts)
    pagefind_part_s, _ = timed(work, lambda scratch: pagefind_index.index(home, largest, locate, scratch))
    pagefind_single_s, single = timed(work, lambda scratch: pagefind_index.index(home, paths, locate, scratch))
    for name, data in single.items():
        (out / "single-pagefind" / name).parent.mkdir(parents=True, exist_ok=True)
        (out / "single-pagefind" / name).write_bytes(data)
    published = [p for p in (out / "pagefind").rglob("*") if p.is_file()]
    return {"items": items, "pages": len(paths), "parts": len(parts), "largest_part": len(largest),
            "build_s": build_s, "own_all_parts_s": own_all_s, "own_largest_part_s": own_part_s, "own_edit_part_s": own_edit_s,
            "pagefind_all_parts_s": pagefind_all_s, "pagefind_largest_part_s": pagefind_part_s,
            "pagefind_single_s": pagefind_single_s,
            "own_index_mb": sum(p.stat().st_size for p in published) / 2**20, "own_files": len(published),
            "pagefind_single_mb": sum(len(b) for b in single.values()) / 2**20,
            **in_browser(out, "交通", titles_of(out, paths))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for items in args.sizes:
            figures = measure(items, Path(folder))
            print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}), flush=True)


if __name__ == "__main__":
    main()
