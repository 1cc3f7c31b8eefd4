"""The sample hall in a real browser (Debian's Chromium through Playwright): axe-core on every page type, zh-CN
and zh-Hant, at 390 and 1280 px, normal and 长辈模式; numbers, dates and percentages never wrap inside themselves
and no page scrolls sideways at 320, 390 and 1280 px, at 200 % browser zoom and at the browser's text size
doubled; 长辈模式 without JavaScript and remembered with it; the print stylesheet and its date with and without
JavaScript; JSON-LD and Open Graph as a crawler reads them.

The hall is built once and served once per session, and one browser serves every test.
axe-core comes from npm (`tests/js/package.json`, installed by `npm ci --prefix tests/js`).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from helpers import REPO, SAMPLE_NOW, sample_hall

from releasehall.pipeline.build import run

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REDIRECT = "/jiaotong/releases/gongjiao-tiaozheng/"
AXE = REPO / "tests/js/node_modules/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
ELDER = "try { localStorage.setItem('releasehall-elder', '1') } catch (e) {}"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The sample hall, built once, served on a free local port: (origin, output folder)."""
    out = tmp_path_factory.mktemp("browser") / "public"
    outcome = run(sample_hall(out.parent / "hall"), out=out, now=SAMPLE_NOW)
    assert outcome.files, [str(p) for p in outcome.problems]  # built (warnings allowed)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", out
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci --prefix tests/js` (README's test command does)"
    return AXE.read_text(encoding="utf-8")


def _first_link(out: Path, listing: str, pattern: str) -> str:
    html = (out / listing.lstrip("/") / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<a class="item-title" href="(' + pattern + r')">', html)
    assert match, f"no item on {listing}"
    return match.group(1)


@pytest.fixture(scope="session")
def page_types(hall: tuple[str, Path]) -> dict[str, str]:
    """Every kind of page the hall has, by name -> path."""
    _origin, out = hall
    stats = json.loads((out / "stats/stats.json").read_text(encoding="utf-8"))
    pages = {
        "front": "/", "departments": "/departments/", "department": "/gongan/", "releases": "/releases/",
        "releases-2": "/releases/page/2/", "questions": "/qa/", "topics": "/topics/", "kinds": "/kinds/",
        "stats": "/stats/", "stats-sorted": "/stats/sort/questions/", "month": "/stats/2026-10/",
        "overdue": "/overdue/", "standalone": "/about/", "404": "/404.html",
    }
    topic = re.search(r'<a href="(/topics/[^"/]+/)">', (out / "topics/index.html").read_text(encoding="utf-8"))
    assert topic
    pages["topic"] = topic.group(1)
    for kind in ("news", "notice", "policy", "emergency", "rumor", "interview", "survey", "event"):
        pages[f"release-{kind}"] = _first_link(out, f"/kinds/{kind}/", r"/[^\"]+/releases/[^\"]+/")
        pages["kind"] = f"/kinds/{kind}/"
    for q in stats["questions"]:
        pages.setdefault(f"question-{q['status']}", "/" + q["id"] + "/")
    for optional in ("search", "documents"):  # pages other parts of the hall add
        if (out / optional / "index.html").is_file():
            pages[optional] = f"/{optional}/"
    for name in ("front", "release-rumor", "question-replied", "stats", "department"):
        pages[f"zh-Hant {name}"] = "/zh-hant" + pages[name]
    return pages


def _open(browser: Browser, url: str, width: int, *, elder: bool = False, js: bool = True) -> tuple[Any, Page]:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=js)
    if elder:
        context.add_init_script(ELDER)
    page = context.new_page()
    page.goto(url)
    return context, page


def _axe(page: Page, source: str) -> list[str]:
    page.add_script_tag(content=source)
    return _run_axe(page)


def _run_axe(page: Page) -> list[str]:
    """axe-core's violations on the page as it is now (axe already injected)."""
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
        }""", AXE_TAGS)
    return list(found)


def _without_refresh(route: Any) -> None:
    """The redirect page as served, minus its `<meta http-equiv="refresh">`, so it stays long enough to audit."""
    response = route.fetch()
    body = response.text()
    assert 'http-equiv="refresh"' in body
    route.fulfill(response=response, body=re.sub(r'<meta http-equiv="refresh"[^>]*>', "", body))


def _toggle_elder(page: Page) -> bool:
    """Tick or untick the masthead's 长辈模式 switch as a reader does; the new state (class on <html>)."""
    page.click("label[for=elder]")
    return bool(page.evaluate("document.documentElement.classList.contains('elder')"))


@pytest.mark.parametrize("script", ["zh-CN", "zh-Hant"])
@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_nothing_on_any_page_type(hall, browser, axe_source, page_types, width, script):
    """Every page type, in zh-CN and in the zh-Hant mirror, at 390 and 1280 px, in normal and 长辈模式.

    One browser context and one tab per width and script; each page is loaded once and audited in the mode it
    opens in, then the reader's switch is flipped and it is audited again. The switch is remembered
    (localStorage), so pages alternate between opening in normal mode and opening in 长辈模式 (applied before
    first paint by the script in <head>): both ways in are audited too."""
    origin, _out = hall
    types = {name: path for name, path in page_types.items() if not name.startswith("zh-Hant")}
    types["redirect"] = REDIRECT  # an alias of a release (the sample's `aliases`)
    if script == "zh-Hant":  # the mirror: the same page types under /zh-hant/
        types = {f"zh-Hant {name}": "/zh-hant" + path for name, path in types.items()}
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route("**" + REDIRECT, _without_refresh)  # audit the redirect page, not its target
    page = context.new_page()
    problems = {}
    audited: dict[bool, int] = {False: 0, True: 0}
    try:
        for name, path in types.items():
            response = page.goto(origin + path)
            assert response is not None and (response.ok or name.endswith("404")), (name, path)
            if name.endswith("redirect"):  # a redirect page has no stylesheet, masthead or switch: one state
                states = [False]
            else:
                first = bool(page.evaluate("document.documentElement.classList.contains('elder')"))
                states = [first, not first]
            page.add_script_tag(content=axe_source)
            for n, elder in enumerate(states):
                if n:
                    assert _toggle_elder(page) is elder, name
                violations = _run_axe(page)
                audited[elder] += 1
                if violations:
                    problems[f"{name} {path} {'elder' if elder else 'normal'}"] = violations
    finally:
        context.close()
    assert problems == {}
    assert audited[False] == len(types) and audited[True] == len(types) - 1  # every page in both modes


def test_axe_reports_what_it_finds(hall, browser, axe_source):
    """The audit itself: an image without alt text and grey-on-white text are reported."""
    origin, _out = hall
    context, page = _open(browser, origin + "/about/", 390)
    try:
        page.evaluate("""() => { const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend', '<img src="/static/logo.png"><p style="color:#bbb">浅灰文字</p>'); }""")
        found = {violation.split(":")[0] for violation in _axe(page, axe_source)}
        assert {"image-alt", "color-contrast"} <= found
    finally:
        context.close()


# a text that is a number, a date, a time or a percentage (what must never break inside itself)
NUMERIC = r"^[-+]?(\d[\d.,:/ ]*%?|\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?|\d+(\.\d+)?% ?→?)$"

_MEASURE = """(source) => {
    const numeric = new RegExp(source);
    const broken = [];
    let measured = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.trim();
        if (!text || !numeric.test(text) || !/\\d/.test(text) || node.parentElement.closest('svg, script')) continue;
        const style = getComputedStyle(node.parentElement);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
        measured += 1;
        if (lines.size > 1) broken.push(text);
    }
    const sideways = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    return {broken, sideways, measured};
}"""


TEXT_SIZE = 32  # Chromium's Settings → Appearance → Font size, "very large" and beyond: twice the default 16 px


def _reader(browser: Browser, width: int, how: str, elder: bool = False) -> tuple[Any, Page]:
    """A tab as a reader sees the hall in a window `width` px wide: `plain`; `zoom200`, the browser zoomed to 200 %
    (what Ctrl + does: the window holds half as many CSS px, each drawn with twice the device pixels); or
    `text200`, the browser's own text-size setting at twice the default (the `standard` font size, which the
    theme's rem and em sizes follow; set through the DevTools protocol, as Settings does); in 长辈模式 if `elder`."""
    zoomed = how == "zoom200"
    context = browser.new_context(viewport={"width": width // 2 if zoomed else width, "height": 450 if zoomed else 900},
                                  device_scale_factor=2 if zoomed else 1)
    if elder:
        context.add_init_script(ELDER)
    page = context.new_page()
    if how == "text200":
        cdp = context.new_cdp_session(page)
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": TEXT_SIZE, "fixed": TEXT_SIZE * 13 // 16}})
    return context, page


_BODY_TEXT = "() => [parseFloat(getComputedStyle(document.body).fontSize), innerWidth, devicePixelRatio]"


@pytest.mark.parametrize(("width", "how", "elder"), [
    (320, "plain", False), (390, "plain", False), (1280, "plain", False), (390, "zoom200", False),
    (1280, "zoom200", False), (390, "text200", False), (1280, "text200", False),
    (390, "zoom200", True), (390, "text200", True)],
    ids=["320", "390", "1280", "390-zoom200", "1280-zoom200", "390-text200", "1280-text200", "390-zoom200-elder",
         "390-text200-elder"])
def test_numbers_never_wrap_and_no_page_scrolls_sideways(hall, browser, page_types, width, how, elder):
    """Every page type; at 200 % browser zoom (a 390 px window is 195 CSS px at device pixel ratio 2) and at the
    browser's text size doubled, where body text must really be twice as large; a phone at either in 长辈模式 too
    (body text 25 % larger again)."""
    origin, _out = hall
    context, page = _reader(browser, width, how, elder)
    problems = {}
    measured = 0
    try:
        for name, path in page_types.items():
            page.goto(origin + path)
            if page.locator("#search").count():  # measured as a reader sees it: with the filters search.js adds
                page.wait_for_function("window.searchReady === true")
            size, inner, ratio = page.evaluate(_BODY_TEXT)
            if how == "zoom200":
                assert (inner, ratio) == (width // 2, 2), name
            # body text: 17 px, twice that at doubled text size, 25 % more in 长辈模式
            assert size == (2 if how == "text200" else 1) * (21.25 if elder else 17), (name, size)
            result = page.evaluate(_MEASURE, NUMERIC)
            measured += result["measured"]
            if result["broken"] or result["sideways"] > 0:
                problems[name] = result
    finally:
        context.close()
    assert problems == {}
    assert measured > 900  # the tables, lists and figures were measured


def test_measure_finds_a_number_split_across_lines(hall, browser):
    """The measurement itself: the old `overflow-wrap: anywhere` in a narrow table cell is caught."""
    origin, _out = hall
    context, page = _open(browser, origin + "/stats/", 390)
    try:
        page.add_style_tag(content=".figures-table td { white-space: normal !important; overflow-wrap: anywhere; "
                                   "width: 1px; max-width: 1ch; flex: 0 0 1ch !important; }")
        assert page.evaluate(_MEASURE, NUMERIC)["broken"]
    finally:
        context.close()


def test_zoom_and_text_size_are_the_browsers_own(hall, browser):
    """The two 200 % readers are real: zoomed, the tab is 195 CSS px at two device pixels each, and a box 300 px
    wide makes the page scroll sideways (what the suite would report); with the text size doubled, the theme's
    rem-sized text doubles while a size fixed in px would not."""
    origin, _out = hall
    context, page = _reader(browser, 390, "zoom200")
    try:
        page.goto(origin + "/about/")
        assert page.evaluate(_BODY_TEXT) == [17, 195, 2]
        assert page.evaluate(_MEASURE, NUMERIC)["sideways"] == 0
        page.add_style_tag(content="main::after { content: ''; display: block; width: 300px; height: 1px; }")
        assert page.evaluate(_MEASURE, NUMERIC)["sideways"] > 0
    finally:
        context.close()
    context, page = _reader(browser, 390, "text200")
    try:
        page.goto(origin + "/about/")
        assert page.evaluate(_BODY_TEXT) == [34, 390, 1]
        assert page.eval_on_selector("main p", "p => parseFloat(getComputedStyle(p).fontSize)") == 34
        assert page.eval_on_selector("h1", "h => parseFloat(getComputedStyle(h).fontSize)") == 56  # 1.75rem
        page.add_style_tag(content="body { font-size: 17px; }")
        assert page.evaluate(_BODY_TEXT)[0] == 17  # what the test would catch
    finally:
        context.close()


# Issue 18: text squeezed into a narrow column (8 or more characters at fewer than 4 a line, like 示/例/市 in a
# crushed table) and a chart or image wider than its box; text of hidden things and of SVG is not read.
_SQUEEZE = """() => {
    const squeezed = [], wide = [];
    let measured = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.replace(/\\s+/g, '');
        const parent = node.parentElement;
        if ([...text].length < 8 || parent.closest('svg, script, style, .visually-hidden, noscript')) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        if (!rects.length) continue;
        measured += 1;
        const lines = new Set(rects.map(r => Math.round(r.bottom))).size;
        if (lines > 1 && [...text].length / lines < 4) squeezed.push(text);
    }
    for (const el of document.querySelectorAll('main img, main svg, main figure, main video, main canvas, main table')) {
        const box = el.parentElement.getBoundingClientRect(), own = el.getBoundingClientRect();
        if (own.width === 0) continue;
        if (own.left < box.left - 1 || own.right > box.right + 1) wide.push(el.outerHTML.slice(0, 80));
    }
    return {squeezed, wide, measured};
}"""


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_no_text_squeezed_and_no_figure_wider_than_its_box_on_a_phone(hall, browser, page_types, elder):
    """Every page type at 390 px, normal and 长辈模式: no text of 8 or more characters at fewer than 4 characters a
    line, no chart, image or table wider than the box it is in."""
    origin, _out = hall
    context, page = _open(browser, origin + "/", 390, elder=elder)
    problems = {}
    measured = 0
    try:
        for name, path in page_types.items():
            page.goto(origin + path)
            result = page.evaluate(_SQUEEZE)
            measured += result["measured"]
            if result["squeezed"] or result["wide"]:
                problems[name] = {k: result[k] for k in ("squeezed", "wide")}
    finally:
        context.close()
    assert problems == {}
    assert measured > 500


def test_squeeze_measure_finds_a_crushed_column(hall, browser):
    """The measurement itself: the documents list's title column one character wide (what issue 18 saw) and a
    chart made wider than its box are both caught."""
    origin, _out = hall
    context, page = _open(browser, origin + "/documents/", 390)
    try:
        assert page.evaluate(_SQUEEZE)["squeezed"] == []
        page.add_style_tag(content=".documents th[scope=row] { width: 1em; flex: 0 0 1em; min-width: 0 !important; }")
        assert page.evaluate(_SQUEEZE)["squeezed"]
        page.goto(origin + "/stats/")
        assert page.evaluate(_SQUEEZE)["wide"] == []
        page.add_style_tag(content=".bar { width: 600px; }")
        assert page.evaluate(_SQUEEZE)["wide"]
    finally:
        context.close()


_ROWS = """() => [...document.querySelectorAll('table.stack tbody tr')].map(tr => {
    const box = r => { const b = r.getBoundingClientRect(); return [Math.round(b.left), Math.round(b.top), Math.round(b.right)]; };
    const cells = [...tr.cells];
    const rank = tr.querySelector('.rank');
    return {head: box(tr.querySelector('th')), rank: rank && rank.getClientRects().length ? box(rank) : null,
            key: tr.querySelector('.key') ? box(tr.querySelector('.key')) : null,
            others: cells.filter(c => c.tagName === 'TD' && !c.matches('.rank, .key')).map(box)};
})"""


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
@pytest.mark.parametrize("path", ["/", "/stats/", "/stats/2026-10/", "/overdue/", "/documents/"])
def test_figure_tables_lead_with_what_a_reader_needs_on_a_phone(hall, browser, path, elder):
    """At 390 px a table of figures or documents is a list of cards, none scrolls sideways: each card starts with
    its heading (the rank on the same line), then the column the ranking is by, then the rest, all on screen."""
    origin, _out = hall
    context, page = _open(browser, origin + path, 390, elder=elder)
    try:
        rows = page.evaluate(_ROWS)
        assert rows
        width = page.evaluate("innerWidth")
        for row in rows:
            cells = [row["head"], *([row["rank"]] if row["rank"] else []), *([row["key"]] if row["key"] else []),
                     *row["others"]]
            assert all(left >= 0 and right <= width for left, _top, right in cells), row  # nothing off-screen
            if row["rank"]:
                assert abs(row["rank"][1] - row["head"][1]) < 8, row  # on the heading's line
            if row["key"]:
                assert row["head"][1] < row["key"][1] <= min(top for _l, top, _r in row["others"]), row
            assert all(row["head"][1] < top for _l, top, _r in row["others"]), row
        boxes = page.eval_on_selector_all(".stack-box, .table-scroll", "els => els.map(e => e.scrollWidth - e.clientWidth)")
        assert all(extra <= 0 for extra in boxes)
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/stats/", "/stats/2026-10/", "/overdue/", "/documents/"])
def test_figure_tables_are_bordered_tables_that_fit_at_1280(hall, browser, path):
    """At 1280 px the same tables are tables (headings shown), as wide as their box at most: the 回复榜 is not the
    1,203 px table that scrolled inside a 1,088 px page."""
    origin, _out = hall
    context, page = _open(browser, origin + path, 1280)
    try:
        tables = page.eval_on_selector_all("table.stack", """els => els.map(t => [getComputedStyle(t).display,
            t.getBoundingClientRect().width, t.parentElement.clientWidth, getComputedStyle(t.tHead).position,
            getComputedStyle(t.querySelector('td')).borderTopStyle])""")
        assert tables
        for display, own, box, head, border in tables:
            assert (display, head, border) == ("table", "static", "solid")
            assert own <= box
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_charts_fit_their_box_and_show_every_value_at_12_px_or_more(hall, browser, width):
    origin, _out = hall
    context, page = _open(browser, origin + "/stats/", width)
    try:
        bars = page.eval_on_selector_all(".bars li", """els => els.map(li => {
            const fig = li.closest('figure').getBoundingClientRect(), v = li.querySelector('.bar-value');
            const b = v.getBoundingClientRect(), bar = li.querySelector('svg.bar').getBoundingClientRect();
            return [v.textContent, parseFloat(getComputedStyle(v).fontSize), b.left >= fig.left && b.right <= fig.right,
                    bar.right <= fig.right, parseFloat(getComputedStyle(li.querySelector('.bar-label')).fontSize)];
        })""")
        assert len(bars) >= 7  # the ranked departments and the months
        for value, size, shown, fits, label in bars:
            assert re.fullmatch(r"\d+(\.\d)?%?", value) and size >= 12 and label >= 12 and shown and fits, value
    finally:
        context.close()


def test_month_report_of_the_sample_hall_prints_on_at_most_three_a4_pages(hall, browser):
    """Chromium prints /stats/2026-10/ (ten departments) to PDF; pypdf counts the pages."""
    from io import BytesIO

    from pypdf import PdfReader

    origin, _out = hall
    context, page = _open(browser, origin + "/stats/2026-10/", 1280)
    try:
        pages = PdfReader(BytesIO(page.pdf(prefer_css_page_size=True))).pages
        assert 1 <= len(pages) <= 3
        assert all((round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842) for p in pages)
    finally:
        context.close()


def test_markdown_table_in_a_body_is_a_focusable_named_scroll_region(hall, browser, axe_source):
    """A release body's Markdown table made wide (long cells that do not wrap) scrolls in a box keyboard users
    can focus, named by its header row; axe's scrollable-region-focusable finds nothing."""
    origin, _out = hall
    context, page = _open(browser, origin + "/jiaotong/releases/2026-09-05-gongjiao-xianlu-tiaozheng/", 320)
    try:
        page.add_style_tag(content=".prose td { white-space: nowrap; }")
        box = page.locator(".prose .table-scroll").first
        assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
        assert box.get_attribute("aria-label") == "线路 / 调整内容（可左右滚动）"
        assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the box scrolls …
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")  # … the page does not
        assert page.eval_on_selector(".prose table", "t => t.scrollWidth <= t.clientWidth")  # not the table itself
        assert _axe(page, axe_source) == []
        box.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("document.querySelector('.prose .table-scroll').scrollLeft > 0")
    finally:
        context.close()


def _contrast(page: Page, selector: str, foreground: str = "color", background: str = "background-color") -> float:
    return float(page.eval_on_selector(selector, """(el, props) => {
        const parse = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
        const lum = rgb => { const c = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                             return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
        let bgEl = el; let bg = getComputedStyle(bgEl)[props[1]];
        while (bg === 'rgba(0, 0, 0, 0)' && bgEl.parentElement) { bgEl = bgEl.parentElement; bg = getComputedStyle(bgEl)['background-color']; }
        const a = lum(parse(getComputedStyle(el)[props[0]])), b = lum(parse(bg));
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }""", [foreground, background]))


def test_focus_is_visible_and_readable_in_the_masthead_and_the_page(hall, browser):
    origin, _out = hall
    context, page = _open(browser, origin + "/", 1280)
    try:
        page.goto(origin + "/departments/")  # a visited masthead link: the case that turned white on yellow
        page.goto(origin + "/")
        page.focus(".masthead .nav a[href='/departments/']")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        link = ".masthead .nav a[href='/departments/']"
        assert page.eval_on_selector(link, "el => el === document.activeElement")
        assert _contrast(page, link) >= 4.5  # text on the focus fill
        ring = page.eval_on_selector(link, "el => getComputedStyle(el).outlineColor")
        assert ring == "rgb(255, 191, 71)"  # the yellow ring: 5:1 on the masthead's red
        page.focus("main a")
        assert page.eval_on_selector("main a", "el => getComputedStyle(el).outlineColor") == "rgb(27, 27, 27)"  # 17:1 on white
        assert _contrast(page, "main a") >= 4.5
    finally:
        context.close()


def test_listed_badges_keep_their_own_colour_and_main_keeps_its_padding(hall, browser, page_types):
    origin, _out = hall
    context, page = _open(browser, origin + page_types["release-emergency"], 390)
    try:
        colours = page.eval_on_selector_all("main .item .badge:not(.badge-alert)", "els => els.map(e => getComputedStyle(e).color)")
        assert colours and set(colours) == {"rgb(27, 27, 27)"}
        assert page.eval_on_selector("h1 .badge", "el => el.classList.contains('badge-alert')")
        assert page.eval_on_selector("main", "el => parseFloat(getComputedStyle(el).paddingTop)") >= 16
    finally:
        context.close()


def _text_sizes(page: Page) -> dict[str, float]:
    return page.evaluate("""() => {
        const sizes = {};
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const el = node.parentElement;
            if (!node.textContent.trim() || el.closest('svg, script, .visually-hidden, .print-head, .skip')) continue;
            const style = getComputedStyle(el);
            if (style.display === 'none') continue;
            sizes[node.textContent.trim().slice(0, 20)] = parseFloat(style.fontSize);
        }
        return sizes;
    }""")


def _elder_checks(page: Page) -> None:
    sizes = _text_sizes(page)
    assert min(sizes.values()) >= 18, sorted(sizes.items(), key=lambda kv: kv[1])[:5]
    body = page.evaluate("() => { const s = getComputedStyle(document.body); return [parseFloat(s.fontSize), parseFloat(s.lineHeight)]; }")
    assert body[0] >= 18 and body[1] / body[0] >= 1.5
    assert _contrast(page, "main p") >= 7 and _contrast(page, "main a") >= 7 and _contrast(page, ".sitefoot p") >= 7
    targets = page.eval_on_selector_all(".nav a, .pager a, .tags a", "els => els.map(e => e.getBoundingClientRect().height)")
    assert targets and min(targets) >= 44


def test_elder_mode_works_without_javascript_on_the_page_where_it_is_chosen(hall, browser):
    origin, _out = hall
    context, page = _open(browser, origin + "/releases/", 390, js=False)
    try:
        normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert normal < 18
        page.click("label[for=elder]")
        assert page.is_checked("#elder")
        _elder_checks(page)
    finally:
        context.close()


def test_elder_mode_is_remembered_across_pages_and_applied_before_first_paint(hall, browser):
    origin, _out = hall
    context, page = _open(browser, origin + "/", 390)
    try:
        page.click("label[for=elder]")
        assert page.evaluate("localStorage.getItem('releasehall-elder')") == "1"
        # before first paint: the class is on <html> when the first stylesheet rule could apply
        context.add_init_script("""document.addEventListener('readystatechange', () => {
            if (document.readyState === 'interactive') window.__elderAtParse = document.documentElement.classList.contains('elder');
        });""")
        page.goto(origin + "/releases/")
        assert page.evaluate("window.__elderAtParse") is True
        assert page.is_checked("#elder")
        _elder_checks(page)
        page.click("label[for=elder]")
        page.goto(origin + "/qa/")
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") < 18
    finally:
        context.close()


def test_the_readers_own_settings_are_honoured(hall, browser):
    origin, _out = hall
    context = browser.new_context(viewport={"width": 390, "height": 900}, forced_colors="active")
    page = context.new_page()
    try:
        page.goto(origin + "/")
        assert page.evaluate("matchMedia('(forced-colors: active)').matches")
        assert page.eval_on_selector(".badge", "el => getComputedStyle(el).borderStyle") == "solid"
    finally:
        context.close()
    context = browser.new_context(viewport={"width": 390, "height": 900}, contrast="more")
    page = context.new_page()
    try:
        page.goto(origin + "/")
        assert page.evaluate("matchMedia('(prefers-contrast: more)').matches")
        assert _contrast(page, "main a") >= 7 and _contrast(page, ".meta") >= 7
    finally:
        context.close()


def test_print_shows_the_hall_url_and_date_and_no_navigation(hall, browser, page_types):
    origin, _out = hall
    context, page = _open(browser, origin + page_types["release-rumor"], 794)
    try:
        page.emulate_media(media="print")
        shown = page.evaluate("""() => Object.fromEntries(['.masthead', '.masthead nav', '.sitefoot .links', '.sitefoot .ids', '.print-head', '.elder-switch']
            .map(s => [s, document.querySelector(s).getClientRects().length > 0]))""")
        assert shown == {".masthead": False, ".masthead nav": False, ".sitefoot .links": False, ".sitefoot .ids": False,
                         ".print-head": True, ".elder-switch": False}
        head = page.inner_text(".print-head")
        assert "示例市政务发布厅" in head and "https://fabu.example.gov.cn" + page_types["release-rumor"] in head
        assert re.search(r"打印于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}", head)
        claim, facts = page.eval_on_selector_all(".rumor .claim, .rumor .facts", "els => els.map(e => e.getBoundingClientRect().top)")
        assert claim == facts  # side by side
        assert "网传说法" in page.inner_text(".rumor .claim h2") and "事实真相" in page.inner_text(".rumor .facts h2")
        assert page.eval_on_selector("table, .item, figure", "el => getComputedStyle(el).breakInside") == "avoid"
        page.goto(origin + "/gongan/")  # its other channels link to weibo.com
        after = page.eval_on_selector_all(
            "main a[href^='https://']", "els => els.map(e => getComputedStyle(e, '::after').content)")
        assert after and all("https://" in text for text in after)
        for path in ("/stats/", "/documents/", "/qa/"):  # sort and filter chips are for the screen, not paper
            page.goto(origin + path)
            assert page.eval_on_selector("nav.filters", "el => el.getClientRects().length") == 0, path
    finally:
        context.close()


def test_print_date_with_and_without_javascript(hall, browser, page_types):
    """The print header's date, in print emulation. Without JavaScript a page cannot know the day it is printed:
    it says, as plain text, the newest date of what it shows (here the release's own date), and nothing claims to
    be a print date. With JavaScript the actual print date follows (set again on `beforeprint`)."""
    origin, out = hall
    path = page_types["release-rumor"]
    html = (out / path.lstrip("/") / "index.html").read_text(encoding="utf-8")
    shown = re.search(r'<p class="meta"[^>]*>.*?<time datetime="(\d{4}-\d{2}-\d{2})', html, re.S)
    assert shown and not (out / "static/built.svg").exists()
    context, page = _open(browser, origin + path, 794, js=False)
    try:
        page.emulate_media(media="print")
        head = page.inner_text(".print-head")
        assert head == f"示例市政务发布厅\nhttps://fabu.example.gov.cn{path} · 本页最新信息日期 {shown.group(1)}"
        assert page.locator(".print-head img").count() == 0  # text, not an image of text
        assert page.eval_on_selector(".page-date", "el => el.getClientRects().length > 0")
    finally:
        context.close()
    context, page = _open(browser, origin + path, 794)
    try:
        page.emulate_media(media="print")
        today = page.evaluate("() => { const n = new Date(), z = v => String(v).padStart(2, '0');"
                              " return n.getFullYear() + '-' + z(n.getMonth() + 1) + '-' + z(n.getDate()); }")
        head = page.inner_text(".print-head")
        assert f" · 本页最新信息日期 {shown.group(1)} · 打印于 {today} " in head
        page.evaluate("document.querySelector('.print-date').textContent = ''; window.dispatchEvent(new Event('beforeprint'))")
        assert re.search(rf"打印于 {today} \d{{2}}:\d{{2}}$", page.inner_text(".print-head"))
    finally:
        context.close()
    # a page without dates of its own (the topic index) has its name and address only, without JavaScript
    context, page = _open(browser, origin + "/topics/", 794, js=False)
    try:
        page.emulate_media(media="print")
        assert page.inner_text(".print-head") == "示例市政务发布厅\nhttps://fabu.example.gov.cn/topics/"
    finally:
        context.close()


def _head(page: Page) -> dict[str, Any]:
    return page.evaluate("""() => ({
        ld: [...document.querySelectorAll('script[type="application/ld+json"]')].map(s => s.textContent),
        og: Object.fromEntries([...document.querySelectorAll('meta[property^="og:"], meta[name^="twitter:"]')]
              .map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content])),
        canonical: document.querySelector('link[rel=canonical]').href,
        description: (document.querySelector('meta[name=description]') || {}).content,
        alternates: [...document.querySelectorAll('link[rel=alternate][hreflang]')].map(l => [l.hreflang, l.href]),
    })""")


REQUIRED = {
    "NewsArticle": {"headline", "datePublished", "dateModified", "author", "publisher", "image", "url"},
    "QAPage": {"mainEntity"},
    "Question": {"name", "text", "answerCount", "acceptedAnswer", "dateCreated", "author"},
    "Answer": {"text", "dateCreated", "author", "url"},
    "GovernmentOrganization": {"name", "url"},
    "BreadcrumbList": {"itemListElement"},
    "WebSite": {"name", "url"},
}


def _check_node(node: dict[str, Any], found: set[str]) -> None:
    kind = node.get("@type")
    if isinstance(kind, str) and kind in REQUIRED:
        found.add(kind)
        assert REQUIRED[kind] <= set(node), (kind, set(node))
    for value in node.values():
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, dict):
                _check_node(child, found)


def test_json_ld_and_share_tags_as_a_crawler_reads_them(hall, browser, page_types):
    origin, _out = hall
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    expect = {"front": {"WebSite", "GovernmentOrganization"}, "department": {"GovernmentOrganization", "BreadcrumbList"},
              "question-replied": {"QAPage", "Question", "Answer", "GovernmentOrganization", "BreadcrumbList"},
              "question-pending": {"BreadcrumbList"}}
    expect.update({name: {"NewsArticle", "BreadcrumbList", "GovernmentOrganization"}
                   for name in page_types if name.startswith("release-")})
    try:
        for name, path in page_types.items():
            page.goto(origin + path)
            head = _head(page)
            assert len(head["ld"]) == 1, name
            data = json.loads(head["ld"][0])
            assert data["@context"] == "https://schema.org"
            found: set[str] = set()
            for node in data["@graph"]:
                _check_node(node, found)
            if name in expect:
                assert found == expect[name], name
            og = head["og"]
            assert og["og:title"] and og["og:description"] and head["description"], name
            assert og["og:url"] == head["canonical"].replace(origin, "https://fabu.example.gov.cn"), name
            assert og["og:image"].startswith("https://fabu.example.gov.cn/"), name
            assert og["twitter:card"] in ("summary", "summary_large_image")
            twin = ("https://fabu.example.gov.cn" + path.removeprefix("/zh-hant"),
                    "https://fabu.example.gov.cn/zh-hant" + path.removeprefix("/zh-hant"))
            assert [a[1] for a in head["alternates"]] == [twin[0], twin[1], twin[0]], name
    finally:
        context.close()


def test_front_page_scoreboard_ranks_no_department_with_few_questions(hall, browser):
    origin, _out = hall
    context, page = _open(browser, origin + "/", 1280)
    try:
        rows = page.eval_on_selector_all("#scoreboard ~ .stack-box tbody tr",
                                         "rows => rows.map(r => [r.cells[0].innerText.trim(), Number(r.cells[2].innerText)])")
        assert rows[0][0] == "1"
        assert all(questions >= 5 for rank, questions in rows if rank != "不排名")
    finally:
        context.close()


# ---- reading (issue 18): the first screen, the reading measure, the status first, where to ask, the QR code ----

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_the_page_heading_starts_high_on_a_phones_first_screen(hall, browser, page_types, elder):
    """At 390×844 the h1 of every page type starts within the top 30 % of the first screen (the top half in
    长辈模式): the masthead (search behind a link, one scrolling row of sections) leaves room for the page."""
    origin, _out = hall
    context = browser.new_context(viewport=PHONE)
    if elder:
        context.add_init_script(ELDER)
    page = context.new_page()
    limit = PHONE["height"] * (0.5 if elder else 0.3)
    low: dict[str, float] = {}
    try:
        for name, path in page_types.items():
            page.goto(origin + path)
            assert page.evaluate("document.documentElement.classList.contains('elder')") is elder
            top = page.evaluate("document.querySelector('h1').getBoundingClientRect().top")
            if top > limit:
                low[name] = top
            # the masthead's search is one tap away, without JavaScript too: a link to /search/
            assert page.is_visible(".masthead .search-open") and not page.is_visible(".masthead .search-box"), name
        assert low == {}, f"h1 starts below {limit:.0f} px"
    finally:
        context.close()


def test_the_search_field_shows_its_whole_placeholder_on_a_desktop(hall, browser):
    origin, _out = hall
    context, page = _open(browser, origin + "/", 1280)
    try:
        assert page.is_visible("#masthead-q") and not page.is_visible(".masthead .search-open")
        room, needed = page.evaluate("""() => {
            const input = document.getElementById('masthead-q'), style = getComputedStyle(input);
            const ctx = document.createElement('canvas').getContext('2d');
            ctx.font = style.fontSize + ' ' + style.fontFamily;
            return [input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
                    ctx.measureText(input.placeholder).width];
        }""")
        assert needed > 100 and room >= needed, (room, needed)
    finally:
        context.close()


def test_the_current_section_is_scrolled_into_the_phones_menu_row(hall, browser):
    origin, _out = hall
    context, page = _open(browser, origin + "/overdue/", 390)
    try:
        box = page.evaluate("""() => { const a = document.querySelector('.nav [aria-current]'), n = a.closest('.nav');
            const r = a.getBoundingClientRect(), o = n.getBoundingClientRect();
            return [r.left >= o.left, r.right <= o.right, n.scrollWidth > n.clientWidth, document.documentElement.scrollWidth]; }""")
        assert box == [True, True, True, 390]
    finally:
        context.close()


def _matrix_order(out: Path) -> list[str]:
    """Department names in the order of the 部门矩阵 page."""
    return re.findall(r'<li><a href="/[^"]+/">([^<]+)</a>', (out / "departments/index.html").read_text(encoding="utf-8"))


def test_search_results_read_cleanly_and_the_filters_fit_a_finger(hall, browser):
    origin, out = hall
    context, page = _open(browser, origin + "/search/?q=" + "交通", 390)
    try:
        page.wait_for_function("window.searchReady === true")
        page.wait_for_selector(".search-results:not([aria-busy]) li")  # the excerpts filled in
        rows = page.eval_on_selector_all(".search-results li", """items => items.map(li => ({
            title: li.querySelector('h2').textContent, badge: li.querySelector('.meta .badge')?.textContent,
            alert: !!li.querySelector('.meta .badge-alert'), meta: li.querySelector('.meta').textContent,
            excerpt: li.querySelector('.excerpt').textContent}))""")
        assert len(rows) >= 10
        for row in rows:
            # an excerpt of the body: no labels of the page's metadata, no ASCII ". " joining its blocks, not the title
            assert not re.search(r"发布时间|发布机构|尚未答复|办理进程|网友留言|官方答复|留言时间|\. ", row["excerpt"]), row
            assert row["excerpt"].strip() and not row["excerpt"].startswith(row["title"]), row
            assert row["badge"] and row["meta"].startswith(row["badge"] + " "), row
        emergency = next(row for row in rows if row["title"] == "冬季道路交通安全提示")  # as written, badge apart
        assert emergency["badge"] == "突发事件" and emergency["alert"]
        assert not any(row["title"].startswith("突发事件") for row in rows)

        # filters a finger can hit, in words a reader can read; departments in the matrix's order, not the hall itself
        sizes = page.eval_on_selector_all(".search-filters select, .search-page input, .search-page button",
                                          "els => els.map(e => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).fontSize)])")
        assert len(sizes) == 5 and all(height >= 44 and size >= 16 for height, size in sizes), sizes
        departments = page.eval_on_selector_all("select[name=department] option", "os => os.slice(1).map(o => o.textContent)")
        matrix = _matrix_order(out)
        assert departments == [name for name in matrix if name in departments] and len(departments) >= 8, departments
        assert "示例市政务发布厅" not in departments
        kinds = page.eval_on_selector_all("select[name=kind] option", "os => os.slice(1).map(o => o.textContent)")
        assert kinds[:4] == ["工作动态", "通知公告", "政策解读", "突发事件"], kinds
        # the two search landmarks are named apart
        names = page.eval_on_selector_all("[role=search]", "fs => fs.map(f => f.getAttribute('aria-label'))")
        assert len(names) == 2 and len(set(names)) == 2 and all(names), names
    finally:
        context.close()


def test_related_lists_stay_on_screen_and_the_qr_code_prints_beside_the_address(hall, browser, page_types):
    from io import BytesIO

    import zxingcpp
    from PIL import Image

    origin, _out = hall
    path = page_types["release-policy"]
    context, page = _open(browser, origin + path, 1280)
    try:
        assert page.eval_on_selector_all(".see-also", "ss => ss.map(s => getComputedStyle(s).display)") \
            and not page.is_visible(".qr-code") and page.is_visible(".qr summary")
        page.emulate_media(media="print")
        displays = page.eval_on_selector_all(".see-also", "ss => ss.map(s => getComputedStyle(s).display)")
        assert displays and set(displays) == {"none"}
        assert page.is_visible(".qr-code") and not page.is_visible(".qr summary")
        code, head = (page.locator(sel).bounding_box() for sel in (".qr-code", ".print-head"))
        assert code["y"] < head["y"] + head["height"] and code["x"] > head["x"] + head["width"] / 2  # beside it
        found = zxingcpp.read_barcodes(Image.open(BytesIO(page.locator(".qr-svg").screenshot())))
        assert [f.text for f in found] == ["https://fabu.example.gov.cn" + path]
    finally:
        context.close()


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_body_text_runs_about_forty_characters_a_line_on_a_desktop(hall, browser, page_types, elder):
    origin, _out = hall
    context, page = _open(browser, origin + page_types["question-replied"], 1280, elder=elder)
    try:
        for selector in (".prose p", ".citizen p"):
            per_line = page.eval_on_selector(selector, "p => p.getBoundingClientRect().width / parseFloat(getComputedStyle(p).fontSize)")
            assert 35 <= per_line <= 45, (selector, per_line)
    finally:
        context.close()


def test_an_overdue_question_leads_with_its_status_and_the_next_step(hall, browser, page_types):
    origin, _out = hall
    context, page = _open(browser, origin + page_types["question-overdue"], 390)
    try:
        banner = page.locator(".status-banner-overdue")
        assert re.fullmatch(r"已超期 \d+ 个工作日，尚未答复", banner.locator(".status-banner-heading").text_content())
        assert banner.bounding_box()["y"] < 500  # on the first screen of a phone
        assert banner.locator(".channel-supervise a[href^='tel:']").count() == 1
        assert page.locator("#ask-where a[href='tel:12345']").count() == 1
    finally:
        context.close()
