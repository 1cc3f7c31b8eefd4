"""A feed opened in Chromium: the theme's XSLT shows it as a readable Chinese page that says how to subscribe
(zh-CN and the zh-Hant mirror, RSS and Atom), with the items' titles and departments, and nothing from the feed
runs or becomes markup. axe-core checks the page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from helpers import BASIC, REPO, SITE, front, write_site

from releasehall.pipeline.build import run

AXE = REPO / "tests/js/node_modules/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
HOSTILE = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("feed-page")
    files = {**BASIC, "content/police/releases/evil.md": front(
        {"title": f"标题{HOSTILE}", "date": "2024-10-02", "summary": HOSTILE}, "\n正文。\n")}
    site = write_site(root / "site", files, {**SITE, "variants": ["zh-Hant"]})
    outcome = run(site, out=root / "out", now="2024-10-20 12:00")
    assert not outcome.errors, outcome.errors
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root / "out")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("path", "explains", "titles", "department"), [
    ("/feed.xml", "这是一个订阅源", ["能否办证", "国庆交通管制"], "测试市公安局"),
    ("/atom.xml", "这是一个订阅源", ["能否办证", "国庆交通管制"], "测试市公安局"),
    ("/police/feed.xml", "订阅方法", ["能否办证"], "测试市公安局"),
    ("/overdue/feed.xml", "这是一个订阅源", [], ""),
    ("/zh-hant/feed.xml", "這是一個訂閱源", ["能否辦證", "國慶交通管制"], "測試市公安局"),
])
def test_a_feed_opens_as_a_readable_chinese_page(browser, origin, path, explains, titles, department):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(origin + path)
        text = page.inner_text("body")
        assert explains in text
        assert f"https://hall.example.gov.cn{path}" in text  # the address to paste into a reader
        shown = page.locator("li a").all_inner_texts()
        for title in titles:
            assert title in shown
        if department:
            assert department in text
            # the department named once in each item: in its line of facts, not again as a tag beside it
            for item in page.locator("li").all_inner_texts():
                assert item.count(department) <= 1, item
        # the hostile title is text on the page: nothing ran, no element was made from it
        assert page.title() != "pwned" and page.locator("img, script").count() == 0
        assert f"标题{HOSTILE}" in shown or path.startswith(("/zh-hant/", "/overdue/"))
        # no sideways scroll on a phone
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert AXE.is_file(), f"{AXE} is missing: run `npm ci --prefix tests/js`"
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        found = page.evaluate(
            """async (tags) => {
                const result = await axe.run({exclude: [['xslt-warning-banner']]}, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
                return result.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
            }""", AXE_TAGS)
        assert found == []  # Chromium's own banner about XSLT's deprecation (not the hall's) left out
    finally:
        context.close()
