"""Search: Pagefind's index built with the site from the published pages only (zh-Hant as its own
language), deterministic and atomic; and in Chromium on the sample hall, Chinese queries in both scripts."""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import BASIC, SAMPLE_NOW, front, sample_hall, write_site

from releasehall.outputs import search
from releasehall.outputs.i18n import to_traditional

# common two-character words of the sample hall's titles; recall is checked for each, in both scripts
WORDS = ("交通", "管制", "通告", "事故", "指南", "谣言", "电梯", "补贴", "施工", "噪声", "物业", "小区", "停车", "建议",
         "改造", "公示", "城市", "公交", "线路", "假期", "出行", "客流", "政策", "解读", "地铁", "暴雨", "预警", "社区",
         "志愿", "垃圾", "分类", "消防", "安全", "疫苗", "医院", "门诊", "流感", "体检", "留言", "学校", "材料", "投诉",
         "预约", "备案", "绿地", "电话", "楼道", "隐患", "急诊", "网格")


def _bundle(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "pagefind").rglob("*")) if p.is_file()}


# BASIC and a third department in another part of the index (police and traffic share one)
SPLIT = {**BASIC, "content/water/department.yaml": {"name": "测试市水务局"},
         "content/water/releases/w.md": front({"title": "停水检修通知", "date": "2024-09-25"}, "\n检修期间暂停供水。\n")}


def _pages(bundle: dict[str, bytes], language: str = "zh-cn") -> int:
    """Pages in the index, all parts together (one pagefind-entry.json each)."""
    return sum(json.loads(data)["languages"].get(language, {}).get("page_count", 0)
               for name, data in bundle.items() if name.endswith("pagefind-entry.json"))


def test_index_holds_published_pages_only_and_is_deterministic(tmp_path, run_cli):
    files = {**SPLIT, "content/police/releases/later.md": front({"title": "定时发布的通告", "date": "2030-01-01"}),
             "content/police/releases/draft.md": front({"title": "草稿", "date": "2024-10-01", "draft": True})}
    site = write_site(tmp_path / "site", files)
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "a"), "--now", "2024-10-20")[0] == 0
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "b"), "--now", "2024-10-20", "--no-cache")[0] == 0
    first = _bundle(tmp_path / "a")
    assert first == _bundle(tmp_path / "b")  # same input, same bytes
    # four items (a, 说明, q1, w) and three departments; no lists, 404, stats pages, drafts or future items
    assert _pages(first) == 7
    # two parts (police and traffic share one): the first at the root with pagefind.js, the other in its folder
    police, water = search.part_of("police/index.html"), search.part_of("water/index.html")
    assert search.part_of("traffic/index.html") == police != water
    assert {name for name in first if name.endswith("pagefind-entry.json")} == {
        "pagefind/pagefind-entry.json", f"pagefind/{max(police, water)}/pagefind-entry.json"}
    assert first["pagefind/pagefind.js"].endswith(
        f'export const parts=["{max(police, water)}/"];'
        "export const instances=()=>{init_pagefind();return pagefind.instances};\n".encode())
    assert not [name for name in first if name.count("/") > 1 and name.rpartition("/")[2] in ("pagefind.js", "wasm.unknown.pagefind")]
    html = (tmp_path / "a/police/releases/a/index.html").read_text(encoding="utf-8")
    assert ('<article class="entry kind-notice" data-pagefind-body><span hidden data-pagefind-filter="department:测试市公安局">'
            '</span><span hidden data-pagefind-filter="kind:通知公告"></span><span hidden data-pagefind-meta="department:测试市公安局">'
            '</span><span hidden data-pagefind-meta="kind:通知公告"></span><span hidden data-pagefind-filter="year:2024"></span>'
            '<span hidden data-pagefind-meta="date:2024-09-20"></span>') in html
    for page in ("index.html", "404.html", "releases/index.html", "stats/index.html", "search/index.html"):
        assert "data-pagefind-body" not in (tmp_path / "a" / page).read_text(encoding="utf-8"), page
    assert '<form class="search-box" action="/search/" method="get" role="search" aria-label="全站搜索">' in html
    assert not [name for name in first if "-ui." in name or "highlight" in name]  # Pagefind's own interfaces: unused


def test_incremental_build_indexes_what_a_clean_build_does_and_a_failed_build_keeps_the_index(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    out = tmp_path / "out"
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", "2024-10-20")[0] == 0
    source = site / "content/police/releases/a.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n新增一段关于地铁施工的说明。\n", encoding="utf-8")
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", "2024-10-20")[0] == 0
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "clean"), "--now", "2024-10-20", "--no-cache")[0] == 0
    assert _bundle(out) == _bundle(tmp_path / "clean")
    before = _bundle(out)
    source.write_text("---\ntitle: 坏\ndate: 不是日期\n---\n", encoding="utf-8")
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", "2024-10-20")[0] == 1
    assert _bundle(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # no staging or index folder left


def _counting(monkeypatch) -> list[int]:
    """Counts Pagefind's runs (each `search.index` call is one)."""
    calls: list[int] = []
    real = search.index

    def index(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(search, "index", index)
    return calls


def test_pagefind_runs_only_when_an_indexed_page_changed(tmp_path, run_cli, monkeypatch):
    """Each part's bundle is kept in the cache by a digest of its pages: a no-op rebuild, a build into a new
    output folder and a change to a page outside the index reuse them; an edit to an item re-indexes its part only."""
    calls = _counting(monkeypatch)
    site = write_site(tmp_path / "site", SPLIT)
    out = tmp_path / "out"
    build = ("build", "--site", str(site), "--now", "2024-10-20")
    assert run_cli(*build, "--out", str(out))[0] == 0
    first = _bundle(out)
    assert calls == [1, 1] and len(list((site / ".cache/releasehall/search").glob("*.zip"))) == 2  # police, water
    assert run_cli(*build, "--out", str(out))[0] == 0  # nothing changed
    assert run_cli(*build, "--out", str(tmp_path / "elsewhere"))[0] == 0  # an empty output folder
    assert calls == [1, 1]
    assert _bundle(out) == _bundle(tmp_path / "elsewhere") == first
    with (site / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write("paginate: 1\n")  # list pages change; no indexed page does
    assert run_cli(*build, "--out", str(out))[0] == 0
    assert (out / "releases/page/2/index.html").is_file()
    assert calls == [1, 1] and _bundle(out) == first
    source = site / "content/police/qa/q1.md"  # linked from no page of the other part
    source.write_text(source.read_text(encoding="utf-8") + "\n地铁施工期间请绕行。\n", encoding="utf-8")
    assert run_cli(*build, "--out", str(out))[0] == 0
    assert calls == [1, 1, 1] and _bundle(out) != first  # the police part only
    assert run_cli(*build, "--out", str(tmp_path / "clean"), "--no-cache")[0] == 0
    assert _bundle(out) == _bundle(tmp_path / "clean")
    assert len(list((site / ".cache/releasehall/search").glob("*.zip"))) == 2  # the old bundle is pruned


def test_a_bundle_in_the_cache_folder_that_is_not_ours_is_never_published(tmp_path, run_cli, monkeypatch):
    """A bundle is taken from the cache only when its bytes have the digest the (checked) build cache names."""
    calls = _counting(monkeypatch)
    site = write_site(tmp_path / "site", SPLIT)
    build = ("build", "--site", str(site), "--now", "2024-10-20")
    assert run_cli(*build, "--out", str(tmp_path / "clean"), "--no-cache")[0] == 0
    kept, other = sorted((site / ".cache/releasehall/search").glob("*.zip"))
    forged = search.unpack(kept.read_bytes())
    forged["pagefind.js"] = b"alert(document.domain)"
    kept.write_bytes(search.pack(forged))  # same name, other bytes
    (kept.parent / "planted.zip").write_bytes(search.pack(forged))
    assert run_cli(*build, "--out", str(tmp_path / "out"))[0] == 0
    assert calls == [1, 1, 1]  # that part indexed again, not taken from the forged file
    assert _bundle(tmp_path / "out") == _bundle(tmp_path / "clean")
    assert sorted(p.name for p in kept.parent.iterdir()) == [kept.name, other.name]  # the planted one removed
    assert search.unpack(kept.read_bytes())["pagefind.js"] != b"alert(document.domain)"


def test_a_changed_bundle_file_in_the_output_is_written_again(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    out = tmp_path / "out"
    build = ("build", "--site", str(site), "--out", str(out), "--now", "2024-10-20")
    assert run_cli(*build)[0] == 0
    first = _bundle(out)
    (out / "pagefind/pagefind.js").write_text("changed", encoding="utf-8")
    assert run_cli(*build)[0] == 0
    assert _bundle(out) == first


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """The sample hall built once (with its zh-Hant mirror), served over HTTP; and at /single/, one Pagefind index
    over all its indexed pages (what the build published before the index was cut into parts), for comparison."""
    from releasehall.commands.cli import main

    out = tmp_path_factory.mktemp("hall") / "public"
    assert main(["build", "--site", str(sample_hall(out.parent / "hall")), "--out", str(out), "--now", SAMPLE_NOW]) == 0
    pages = [p.relative_to(out).as_posix() for p in sorted(out.rglob("index.html"))
             if b"data-pagefind-body" in p.read_bytes() and not p.relative_to(out).as_posix().startswith("single/")]
    single = search.index("/", pages, lambda rel: out / rel, tmp_path_factory.mktemp("single"))
    for name, data in single.items():
        (out / "single" / name).parent.mkdir(parents=True, exist_ok=True)
        (out / "single" / name).write_bytes(data)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield out, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _titles(out: Path, prefix: str = "") -> dict[str, str]:
    """URL -> title of every item page in the build."""
    titles = {}
    for page in (out / prefix).glob("*/*/*/index.html"):
        html = page.read_text(encoding="utf-8")
        if "data-pagefind-body" in html:
            h1 = re.search(r"<h1[^>]*>(?:<span[^>]*>[^<]*</span>)?([^<]+)</h1>", html)
            assert h1 is not None
            titles["/" + page.parent.relative_to(out).as_posix() + "/"] = h1.group(1)
    return titles


def _results(page, query: str) -> list[dict[str, str]]:
    page.wait_for_function("window.pagefindReady === true")  # the module has taken over the form
    page.fill("#search-q", query)
    page.evaluate("document.querySelector('.search-status').textContent = ''")  # then wait for this query's answer
    page.click("form.search-page button")
    page.wait_for_function("document.querySelector('.search-status').textContent !== ''")
    rows = page.eval_on_selector_all(".search-results li", """items => items.map(li => ({
        url: new URL(li.querySelector('a').href).pathname, title: li.querySelector('a').textContent,
        meta: li.querySelector('.meta').textContent, excerpt: li.querySelector('.excerpt').innerHTML}))""")
    return rows


def test_chinese_queries_in_the_browser(hall, browser):
    _out, base = hall
    page = browser.new_page()
    try:
        page.goto(base + "/")
        page.fill("#masthead-q", "管制")  # the masthead's plain GET form
        page.press("#masthead-q", "Enter")
        page.wait_for_selector(".search-results li")
        assert page.url == base + "/search/?q=%E7%AE%A1%E5%88%B6"
        rows = page.eval_on_selector_all(".search-results li a", "links => links.map(a => a.textContent)")
        assert "国庆期间部分路段交通管制的通告" in rows

        # a word in a title: the result shows title, kind (a badge), department, date and a highlighted excerpt
        rows = _results(page, "加装电梯")
        top = next(r for r in rows if r["title"] == "既有住宅加装电梯补贴标准")
        assert top["url"].startswith("/jiangbin-zhujian/releases/") and top["meta"].startswith("政策解读 江滨区住房和城乡建设局 · ")
        assert re.fullmatch(r"[^ ·]+ 江滨区住房和城乡建设局 · 20\d\d-\d\d-\d\d", top["meta"])
        assert "<mark>" in top["excerpt"]
        # a word only in a reply body
        rows = _results(page, "民警")
        assert [r["url"] for r in rows] == ["/gongan/qa/2026-09-29-guanzhi-luduan/"]
        assert "<mark>民警</mark>" in rows[0]["excerpt"] and rows[0]["meta"].startswith("留言回复 示例市公安局 · ")
        # a department's name finds its page
        rows = _results(page, "卫生健康委员会")
        assert rows[0]["url"] == "/weijian/" and rows[0]["meta"] == "部门 示例市卫生健康委员会"
        # filters: department, kind, year
        page.select_option("select[name=department]", "示例市交通运输局")
        page.wait_for_function("location.search.includes('department=')")
        rows = _results(page, "出租车")
        assert rows and all(r["meta"].split(" ", 1)[1].startswith("示例市交通运输局") for r in rows)
        page.select_option("select[name=department]", "")
        page.select_option("select[name=kind]", "辟谣")
        rows = _results(page, "不实")
        assert rows and all(r["meta"].startswith("辟谣 ") for r in rows)
        page.select_option("select[name=kind]", "")
        assert page.eval_on_selector_all("select[name=year] option", "o => o.map(x => x.value)")[1:] == ["2026"]
    finally:
        page.close()


def test_traditional_query_on_the_mirror(hall, browser):
    _out, base = hall
    page = browser.new_page()
    try:
        page.goto(base + "/zh-hant/search/")
        rows = _results(page, "電梯補貼")
        assert any(r["url"].startswith("/zh-hant/jiangbin-zhujian/releases/") and r["title"] == "既有住宅加裝電梯補貼標準"
                   for r in rows), rows
        assert all(r["url"].startswith("/zh-hant/") for r in rows)  # its own language: no simplified pages
        rows = _results(page, "民警")
        assert [r["url"] for r in rows] == ["/zh-hant/gongan/qa/2026-09-29-guanzhi-luduan/"]
    finally:
        page.close()


def test_recall_of_common_words_in_both_scripts(hall, browser):
    """Every item whose title holds one of WORDS is found by that word, in Simplified and on the mirror in Traditional."""
    out, base = hall
    page = browser.new_page()
    try:
        misses = []
        for prefix, convert in (("", str), ("zh-hant/", to_traditional)):
            titles = _titles(out, prefix)
            page.goto(f"{base}/{prefix}search/")
            page.wait_for_function("window.pagefindReady === true")
            for word in WORDS:
                query = convert(word)
                expected = {url for url, title in titles.items() if query in title}
                assert expected, query
                found = set(page.evaluate("q => window.pagefindSearch(q)", query))
                misses += [(query, url) for url in sorted(expected - found)]
        assert misses == []
    finally:
        page.close()


# two and three terms, Chinese and mixed: words in many departments and in few (民警, 网约车, 12345 only in some parts)
PRECISION = ("交通 管制", "电梯 补贴", "施工 噪声", "物业 小区", "停车 建议", "公交 线路", "假期 出行", "政策 解读",
             "地铁 施工", "暴雨 预警", "社区 志愿", "垃圾 分类", "消防 安全", "疫苗 门诊", "流感 疫苗", "民警 交通",
             "网约车 投诉", "电话 预约", "急诊 医院", "交通 管制 通告", "加装 电梯 补贴", "老旧 小区 改造",
             "暴雨 预警 通知", "垃圾 分类 社区", "12345 投诉", "2026 交通", "2026 民警", "12345 热线 噪声",
             "app 预约", "2026 疫苗 门诊")


def test_merged_parts_find_what_one_index_finds(hall, browser):
    """Precision: for each query the parts searched together (search.js) return exactly the pages one index over all
    pages returns. A part lacking a term's word answers by a shorter beginning of it or leaves it out; search.js
    asks only the parts that answer every term as the whole index does."""
    _out, base = hall
    page = browser.new_page()
    try:
        page.goto(f"{base}/search/")
        page.wait_for_function("window.pagefindReady === true")
        assert page.evaluate("import('/pagefind/pagefind.js').then(m => m.parts.length)") > 5
        wrong, empty = [], []
        for query in PRECISION:
            merged = sorted(page.evaluate("q => window.pagefindSearch(q)", query))
            single = sorted(page.evaluate("""async q => { const pf = await import('/single/pagefind.js');
                const s = await pf.search(q); return Promise.all(s.results.map(async r => (await r.data()).url)); }""", query))
            if not single:
                empty.append(query)
            if merged != single:
                wrong.append((query, sorted(set(merged) - set(single)), sorted(set(single) - set(merged))))
        assert wrong == []
        # no page holds every term of these (dates and category labels are page metadata, left out of the index;
        # 12345 is in every question page's 我要留言 box, so 12345 热线 噪声 now finds the noise complaint)
        assert empty == ["地铁 施工", "网约车 投诉", "垃圾 分类 社区", "2026 民警"]
    finally:
        page.close()


def test_an_edit_and_a_deletion_reach_the_search_page(tmp_path, run_cli, browser):
    """A word added to one release is found and a word only in a deleted release is not, after an incremental build,
    whose bundle is byte for byte a clean build's."""
    files = {**BASIC, "content/traffic/releases/gone.md": front({"title": "将被删除的发布", "date": "2024-09-22"},
                                                                 "\n本条提到蝾螈保护区。\n")}
    site = write_site(tmp_path / "site", files)
    out = tmp_path / "out"
    build = ("build", "--site", str(site), "--now", "2024-10-20")
    assert run_cli(*build, "--out", str(out))[0] == 0
    (site / "content/traffic/releases/gone.md").unlink()
    source = site / "content/police/releases/a.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n另设穿山甲通道。\n", encoding="utf-8")
    assert run_cli(*build, "--out", str(out))[0] == 0
    assert run_cli(*build, "--out", str(tmp_path / "clean"), "--no-cache")[0] == 0
    assert _bundle(out) == _bundle(tmp_path / "clean")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/")
        page.wait_for_function("window.pagefindReady === true")
        assert page.evaluate("q => window.pagefindSearch(q)", "穿山甲") == ["/police/releases/a/"]
        assert page.evaluate("q => window.pagefindSearch(q)", "蝾螈") == []
        assert page.evaluate("q => window.pagefindSearch(q)", "管制") != []
    finally:
        page.close()
        server.shutdown()


def test_without_javascript_the_search_page_says_so_and_offers_indexes(hall, browser):
    _out, base = hall
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base + "/search/?q=交通")
        note = page.locator(".search-nojs")
        assert note.is_visible()
        assert note.inner_text() == "搜索需要浏览器允许运行脚本。也可以按话题或部门查找： 话题 · 部门矩阵"
        assert page.locator(".search-nojs a").evaluate_all("a => a.map(x => x.getAttribute('href'))") == [
            "/topics/", "/departments/"]
    finally:
        context.close()


def test_the_pages_folder_kept_for_pagefind_holds_only_the_indexed_pages(tmp_path, run_cli):
    """Pagefind reads the pages from a folder kept in the cache between builds; whatever else is put there
    (another page, a link out of the site, a folder where a page goes) is removed, never followed, never indexed."""
    site = write_site(tmp_path / "site", BASIC)
    out, outside = tmp_path / "out", tmp_path / "outside"
    build = ("build", "--site", str(site), "--now", "2024-10-20")
    assert run_cli(*build, "--out", str(out))[0] == 0
    tree = site / ".cache/releasehall/search-pages"
    held = sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file())
    police, traffic = search.part_of("police/index.html"), search.part_of("traffic/index.html")
    assert held == sorted([f"{police}/police/index.html", f"{police}/police/qa/q1/index.html",
                           f"{police}/police/releases/a/index.html", f"{traffic}/traffic/index.html",
                           f"{traffic}/traffic/releases/shuo-ming/index.html"])
    assert (tree / police / "police/index.html").stat().st_ino == (out / "police/index.html").stat().st_ino  # a link
    (outside / "releases/a").mkdir(parents=True)
    (outside / "releases/a/index.html").write_text("<html><body data-pagefind-body>外面的页面</body></html>")
    shutil.rmtree(tree / police / "police/releases")
    (tree / police / "police/releases").symlink_to(outside / "releases")
    (tree / police / "planted/x").mkdir(parents=True)
    (tree / police / "planted/x/index.html").write_text('<html lang="zh-CN"><body data-pagefind-body>植入的页面</body></html>')
    (tree / "99/planted").mkdir(parents=True)  # a part that does not exist
    (tree / "99/planted/index.html").write_text('<html lang="zh-CN"><body data-pagefind-body>植入的页面</body></html>')
    shutil.rmtree(tree / traffic / "traffic/releases/shuo-ming")
    (tree / traffic / "traffic/releases/shuo-ming/index.html").mkdir(parents=True)
    source = site / "content/police/releases/a.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n地铁施工期间请绕行。\n", encoding="utf-8")
    assert run_cli(*build, "--out", str(out))[0] == 0
    assert run_cli(*build, "--out", str(tmp_path / "clean"), "--no-cache")[0] == 0
    assert _bundle(out) == _bundle(tmp_path / "clean")
    assert sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file()) == held
    assert [p.name for p in outside.rglob("*")] == ["releases", "a", "index.html"]  # the link's target untouched


def test_the_mirrors_search_filters_are_the_values_its_pages_carry(tmp_path, run_cli):
    """The search page's filter choices are written as text, so the zh-Hant mirror converts them with the page: every
    choice on /zh-hant/search/ is a value its own (Traditional) pages carry, as its index holds them."""
    site = write_site(tmp_path, BASIC, {"title": "测试发布厅", "base_url": "https://hall.example.gov.cn/",
                                        "variants": ["zh-Hant"]})
    out = tmp_path / "out"
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(out), "--now", "2024-10-20 12:00")
    assert code == 0, err
    for prefix in ("", "zh-hant/"):
        html = (out / prefix / "search/index.html").read_text(encoding="utf-8")
        attribute = re.search(r'data-filters="([^"]*)"', html)
        assert attribute is not None
        chosen = json.loads(attribute.group(1).replace("&#34;", '"').replace("&amp;", "&"))
        carried: dict[str, set[str]] = {}
        for page in (out / prefix).glob("*/**/index.html"):
            if prefix == "" and page.relative_to(out).parts[0] == "zh-hant":
                continue
            for name, value in re.findall(r'data-pagefind-filter="([a-z]+):([^"]*)"', page.read_text(encoding="utf-8")):
                carried.setdefault(name, set()).add(value)
        assert set(chosen["department"]) == carried["department"], prefix
    assert "測試區交警大隊" in chosen["department"]  # the mirror's choices are Traditional, like its index
