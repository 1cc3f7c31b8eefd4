"""Search: the hall's own index built with the site from the published pages only (the zh-Hant mirror answered
from the Simplified index), deterministic and atomic; and in Chromium on the sample hall, Chinese queries in both
scripts, recall, and parts that answer exactly what one index over all pages answers."""

from __future__ import annotations

import functools
import gzip
import json
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import BASIC, SAMPLE_NOW, front, sample_hall, write_site

from releasehall.outputs import search, search_index
from releasehall.outputs.i18n import to_traditional
from releasehall.outputs.search_text import Record, record, terms

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


def _unzip(data: bytes) -> object:
    return json.loads(gzip.decompress(data))


def _docs(bundle: dict[str, bytes]) -> dict[str, dict]:
    """Part folder -> its table of pages (in the joined docs.gz, in the order of index.json's parts)."""
    manifest = json.loads(bundle["pagefind/index.json"])
    tables = _unzip(bundle[f"pagefind/{manifest['shared']}docs.gz"])
    return {f"pagefind/{folder.rstrip('/')}": table for folder, table in zip(manifest["parts"], tables, strict=True)}


def _texts(bundle: dict[str, bytes]) -> dict[str, str]:
    """Page address -> its text, all parts together (a part's text files hold its pages' texts in its table's order)."""
    found: dict[str, str] = {}
    for folder, table in _docs(bundle).items():
        texts = [text for first in range(0, table["n"], search_index.TEXTS)
                 for text in json.loads(bundle[f"{folder}/{search_index.text_file(first)}"])]
        found.update(zip(table["url"], texts, strict=True))
    return found


def test_terms_are_character_pairs_and_words():
    assert terms("国庆交通管制") == {"国庆", "庆交", "交通", "通管", "管制"}
    assert terms("第7号单位：App预约 ２０２６年") == {"第", "7", "号单", "单位", "app", "预约", "2026", "年"}
    assert terms("“民警”，Hello-World!") == {"民警", "hello", "world"}
    assert terms("，。！") == set()


def test_a_pages_record_is_its_indexed_region_without_what_it_marks_ignored():
    page = ("<html><body><header><h1>发布厅</h1></header><main><nav>别处</nav>"
            '<article data-pagefind-body><span hidden data-pagefind-meta="department:测试市公安局"></span>'
            '<span hidden data-pagefind-meta="kind:通知公告"></span><span hidden data-pagefind-meta="date:2024-09-20"></span>'
            '<nav data-pagefind-ignore>面包屑</nav><h1 data-pagefind-meta="title:国庆交通管制"><span data-pagefind-ignore>'
            "突发</span>国庆交通管制</h1><p>第一段&lt;script&gt;</p><p>第二段</p><svg><text>图</text></svg>"
            '<section data-pagefind-ignore><p>相关</p></section></article><p>正文之外</p></main></body></html>')
    assert record("police/releases/a/", page.encode()) == Record(
        "police/releases/a/", "国庆交通管制", "测试市公安局", "通知公告", "2024-09-20", "第一段<script>\n第二段")
    assert record("x/", b"<html><body><main><p>no index</p></main></body></html>") is None
    assert record("x/", b"<html><head><title>data-pagefind-body</title></head><body><main><h1>data-pagefind-body</h1>"
                        b"</main></body></html>") is None


def test_index_holds_published_pages_only_and_is_deterministic(tmp_path, run_cli):
    files = {**SPLIT, "content/police/releases/later.md": front({"title": "定时发布的通告", "date": "2030-01-01"}),
             "content/police/releases/draft.md": front({"title": "草稿", "date": "2024-10-01", "draft": True})}
    site = write_site(tmp_path / "site", files)
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "a"), "--now", "2024-10-20")[0] == 0
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "b"), "--now", "2024-10-20", "--no-cache")[0] == 0
    first = _bundle(tmp_path / "a")
    assert first == _bundle(tmp_path / "b")  # same input, same bytes
    # four items (a, 说明, q1, w) and three departments; no lists, 404, stats pages, drafts or future items
    assert sorted(_texts(first)) == ["police/", "police/qa/q1/", "police/releases/a/", "traffic/",
                                     "traffic/releases/shuo-ming/", "water/", "water/releases/w/"]
    assert _texts(first)["police/releases/a/"] == "国庆期间实行交通管制，详见说明。"
    # two parts (police and traffic share one), each in a folder named by its content, listed in index.json
    police, water = search.part_of("police/index.html"), search.part_of("water/index.html")
    assert search.part_of("traffic/index.html") == police != water
    manifest = json.loads(first["pagefind/index.json"])
    folders = sorted({name.split("/")[1] + "/" for name in first if name.endswith("/x0.json")})
    shared = manifest["shared"]
    assert manifest == {"format": search_index.FORMAT, "parts": folders, "shared": shared, "shards": 1,  # no mirror
                        "texts": search_index.TEXTS}
    assert sorted(name.rpartition("/")[2] for name in first if name.startswith(f"pagefind/{folders[0]}")) == ["x0.json"]
    # what every query reads, joined: the parts' tables in one file, each postings shard of every part in one
    assert sorted(name for name in first if name.startswith(f"pagefind/{shared}")) == [
        f"pagefind/{shared}docs.gz", f"pagefind/{shared}t0.txt"]
    postings = first[f"pagefind/{shared}t0.txt"].decode("utf-8")
    assert postings.startswith("#0\n") and "\n#1\n" in postings
    sections = postings.removeprefix("#0\n").split("\n#1\n")  # the parts in the order of index.json
    police_lines, water_lines = sections if folders[0].startswith(police) else sections[::-1]
    assert "\n国庆\t" in police_lines and "\n停水\t" in water_lines and "停水" not in police_lines
    assert [folder.partition(".")[0] for folder in folders] == sorted([police, water])
    tables = _docs(first)
    table = tables[f"pagefind/{folders[0].rstrip('/')}"] if folders[0].startswith(police) else tables[f"pagefind/{folders[1].rstrip('/')}"]
    assert table["n"] == 5 and table["departments"] == ["测试市公安局", "测试区交警大队"]
    assert table["kinds"] == ["留言回复", "工作动态", "通知公告", "部门"]
    assert table["date"][-2:] == [-1, -1]  # newest first, departments last
    html = (tmp_path / "a/police/releases/a/index.html").read_text(encoding="utf-8")
    assert ('<article class="entry kind-notice" data-pagefind-body><span hidden data-pagefind-filter="department:测试市公安局">'
            '</span><span hidden data-pagefind-filter="kind:通知公告"></span><span hidden data-pagefind-meta="department:测试市公安局">'
            '</span><span hidden data-pagefind-meta="kind:通知公告"></span><span hidden data-pagefind-filter="year:2024"></span>'
            '<span hidden data-pagefind-meta="date:2024-09-20"></span>') in html
    for page in ("index.html", "404.html", "releases/index.html", "stats/index.html", "search/index.html"):
        assert "data-pagefind-body" not in (tmp_path / "a" / page).read_text(encoding="utf-8"), page
    assert '<form class="search-box" action="/search/" method="get" role="search" aria-label="全站搜索">' in html
    assert not [name for name in first if name.endswith(search_index.CHARS)]  # kept in the cache, not published


def test_the_mirror_is_answered_from_the_simplified_index(tmp_path, run_cli):
    """With a zh-Hant mirror no page is indexed twice: the index holds the Simplified pages, the Traditional titles and
    names the mirror shows, and a character map for Traditional queries."""
    site = write_site(tmp_path, BASIC, {"title": "测试发布厅", "base_url": "https://hall.example.gov.cn/",
                                        "variants": ["zh-Hant"]})
    out = tmp_path / "out"
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", "2024-10-20 12:00")[0] == 0
    bundle = _bundle(out)
    texts = _texts(bundle)
    assert sorted(texts) == ["police/", "police/qa/q1/", "police/releases/a/", "traffic/", "traffic/releases/shuo-ming/"]
    table = next(iter(_docs(bundle).values()))
    assert table["title_t"][table["url"].index("police/releases/a/")] == "國慶交通管制"
    assert table["departments_t"] == ["測試市公安局", "測試區交警大隊"]
    manifest = json.loads(bundle["pagefind/index.json"])
    pairs = json.loads(bundle["pagefind/" + manifest["hant"]])
    mapping = {pairs[i]: pairs[i + 1] for i in range(0, len(pairs), 2)}
    assert mapping["国"] == "國" and mapping["庆"] == "慶" and "交" not in mapping
    assert set(mapping) <= set("".join(table["title"] + list(texts.values())))  # the index's characters only
    assert not [name for name in bundle if "zh-hant" in name]


def test_incremental_build_indexes_what_a_clean_build_does_and_a_failed_build_keeps_the_index(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    out = tmp_path / "out"
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", "2024-10-20")[0] == 0
    source = site / "content/police/releases/a.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n新增一段关于地铁施工的说明。\n", encoding="utf-8")
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", "2024-10-20")[0] == 0
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "clean"), "--now", "2024-10-20", "--no-cache")[0] == 0
    assert _bundle(out) == _bundle(tmp_path / "clean")
    assert "地铁施工" in _texts(_bundle(out))["police/releases/a/"]
    before = _bundle(out)
    source.write_text("---\ntitle: 坏\ndate: 不是日期\n---\n", encoding="utf-8")
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", "2024-10-20")[0] == 1
    assert _bundle(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # no staging or index folder left


def _counting(monkeypatch) -> list[int]:
    """Counts the parts made (each `search.make_part` call is one)."""
    calls: list[int] = []
    real = search.make_part

    def make_part(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(search, "make_part", make_part)
    return calls


def test_a_part_is_made_again_only_when_one_of_its_pages_changed(tmp_path, run_cli, monkeypatch):
    """Each part's bundle is kept in the cache by a digest of its pages: a no-op rebuild, a build into a new
    output folder and a change to a page outside the index reuse them; an edit to an item re-indexes its part only."""
    calls = _counting(monkeypatch)
    site = write_site(tmp_path / "site", SPLIT)
    out = tmp_path / "out"
    build = ("build", "--site", str(site), "--now", "2024-10-20")
    assert run_cli(*build, "--out", str(out))[0] == 0
    first = _bundle(out)
    assert calls == [1, 1] and len(list((site / ".cache/releasehall/search").glob("*" + search.SUFFIX))) == 2  # police, water
    assert run_cli(*build, "--out", str(out))[0] == 0  # nothing changed
    assert run_cli(*build, "--out", str(tmp_path / "elsewhere"))[0] == 0  # an empty output folder
    assert calls == [1, 1]
    assert _bundle(out) == _bundle(tmp_path / "elsewhere") == first
    with (site / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write("paginate: 1\n")  # list pages change; no indexed page does
    assert run_cli(*build, "--out", str(out))[0] == 0
    assert (out / "releases/page/2/index.html").is_file()
    assert calls == [1, 1] and _bundle(out) == first
    water = search.part_of("water/index.html")
    kept = {p: p.stat().st_mtime_ns for p in (out / "pagefind").glob(f"{water}.*/*")}
    read: list[str] = []
    real = search.record
    monkeypatch.setattr(search, "record", lambda url, page: read.append(url) or real(url, page))
    source = site / "content/police/qa/q1.md"  # linked from no page of the other part
    source.write_text(source.read_text(encoding="utf-8") + "\n地铁施工期间请绕行。\n", encoding="utf-8")
    assert run_cli(*build, "--out", str(out))[0] == 0
    assert calls == [1, 1, 1] and _bundle(out) != first  # the police part only
    # of its five pages, only those whose bytes changed are read again (the question, and the pages listing it)
    assert "police/qa/q1/" in read and "traffic/releases/shuo-ming/" not in read and len(read) < 5, read
    assert {p: p.stat().st_mtime_ns for p in (out / "pagefind").glob(f"{water}.*/*")} == kept  # the other's files untouched
    assert run_cli(*build, "--out", str(tmp_path / "clean"), "--no-cache")[0] == 0
    assert _bundle(out) == _bundle(tmp_path / "clean")
    assert len(list((site / ".cache/releasehall/search").glob("*" + search.SUFFIX))) == 2  # the old bundle is pruned


def test_a_bundle_in_the_cache_folder_that_is_not_ours_is_never_published(tmp_path, run_cli, monkeypatch):
    """A bundle is taken from the cache only when its bytes have the digest the (checked) build cache names."""
    calls = _counting(monkeypatch)
    site = write_site(tmp_path / "site", SPLIT)
    build = ("build", "--site", str(site), "--now", "2024-10-20")
    assert run_cli(*build, "--out", str(tmp_path / "clean"), "--no-cache")[0] == 0
    kept, other = sorted((site / ".cache/releasehall/search").glob("*" + search.SUFFIX))
    forged = search.unpack(kept.read_bytes())
    forged["docs.gz"] = b"alert(document.domain)"
    kept.write_bytes(search.pack(forged))  # same name, other bytes
    (kept.parent / ("planted" + search.SUFFIX)).write_bytes(search.pack(forged))
    assert run_cli(*build, "--out", str(tmp_path / "out"))[0] == 0
    assert calls == [1, 1, 1]  # that part indexed again, not taken from the forged file
    assert _bundle(tmp_path / "out") == _bundle(tmp_path / "clean")
    assert sorted(p.name for p in kept.parent.iterdir()) == [kept.name, other.name]  # the planted one removed
    assert search.unpack(kept.read_bytes())["docs.gz"] != b"alert(document.domain)"


def test_a_changed_bundle_file_in_the_output_is_written_again(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    out = tmp_path / "out"
    build = ("build", "--site", str(site), "--out", str(out), "--now", "2024-10-20")
    assert run_cli(*build)[0] == 0
    first = _bundle(out)
    (out / "pagefind/index.json").write_text("changed", encoding="utf-8")
    next((out / "pagefind").glob("*/docs.gz")).write_text("changed", encoding="utf-8")
    assert run_cli(*build)[0] == 0
    assert _bundle(out) == first


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """The sample hall built once (with its zh-Hant mirror), served over HTTP; and at /single/search/, the search
    page over one index made of all its indexed pages in one part, for comparison with the parts."""
    from releasehall.commands.cli import main

    out = tmp_path_factory.mktemp("hall") / "public"
    assert main(["build", "--site", str(sample_hall(out.parent / "hall")), "--out", str(out), "--now", SAMPLE_NOW]) == 0
    pages = [p.relative_to(out).as_posix() for p in sorted(out.rglob("index.html"))
             if b"data-pagefind-body" in p.read_bytes() and not p.relative_to(out).as_posix().startswith("zh-hant/")]
    files = search.make_part(pages, lambda rel: (out / rel).read_bytes(), True)
    for name, (_group, data) in search.layout({"00": (files, search.digest_of(search.pack(files)))}, True).items():
        (out / "single" / name).parent.mkdir(parents=True, exist_ok=True)
        (out / "single" / name).write_bytes(data())
    page = (out / "search/index.html").read_text(encoding="utf-8")
    (out / "single/search").mkdir(parents=True)
    (out / "single/search/index.html").write_text(page.replace('data-bundle="/pagefind/"', 'data-bundle="/single/"'),
                                                  encoding="utf-8")
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
    page.wait_for_function("window.searchReady === true")  # the module has taken over the form
    page.fill("#search-q", query)
    page.evaluate("document.querySelector('.search-status').textContent = ''")  # then wait for this query's answer
    page.click("form.search-page button")
    page.wait_for_function("document.querySelector('.search-status').textContent !== ''")
    page.wait_for_selector(".search-results:not([aria-busy])", state="attached")  # the excerpts filled in
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
        # ten results at a time, in the order of the whole answer; the button shows the next ten
        rows = _results(page, "交通")
        total = int(re.sub(r"\D", "", page.inner_text(".search-status")))
        everything = page.evaluate("q => window.hallSearch(q)", "交通")
        assert total == len(everything) > 10 and [r["url"] for r in rows] == everything[:10]
        page.click(".search-more")
        page.wait_for_function("document.querySelectorAll('.search-results li').length > 10")
        shown = page.eval_on_selector_all(".search-results li a", "links => links.map(a => new URL(a.href).pathname)")
        assert shown == everything and not page.is_visible(".search-more")  # 13: all shown
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


def test_results_are_shown_before_their_texts_and_a_term_is_one_request(hall, browser):
    """A query fetches one postings file a term whatever the number of parts, and shows its results (title, address,
    kind, department, date: from the table of pages) before the texts of the results shown are in (each text file
    once, however many of the results shown it holds, and no other); their excerpts are filled in after, the list
    marked busy until then."""
    _out, base = hall
    page = browser.new_page()
    held: list = []
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.route("**/pagefind/*/x*.json", lambda route: held.append(route))  # texts held back until released below
    try:
        page.goto(f"{base}/search/")
        page.wait_for_function("window.searchReady === true")
        page.wait_for_load_state("networkidle")
        asked.clear()
        page.fill("#search-q", "交通 管制")
        page.click("form.search-page button")
        page.wait_for_function("document.querySelector('.search-status').textContent !== ''")
        postings = [url for url in asked if re.search(r"/pagefind/all\.[0-9a-f]+/t\d+\.txt$", url)]
        assert len(postings) == len({url for url in postings}) <= 2  # 交通 and 管制: at most one file each
        assert page.evaluate("fetch('/pagefind/index.json').then(r => r.json()).then(m => m.parts.length)") > 5
        rows = page.eval_on_selector_all(".search-results li", """items => items.map(li => ({
            url: new URL(li.querySelector('a').href).pathname, title: li.querySelector('a').textContent,
            meta: li.querySelector('.meta').textContent, excerpt: li.querySelector('.excerpt').textContent}))""")
        assert [row["url"] for row in rows] == page.evaluate("q => window.hallSearch(q)", "交通 管制")[:10]
        assert rows and all(row["title"] and row["meta"] and row["excerpt"] == "" for row in rows), rows
        assert page.get_attribute(".search-results", "aria-busy") == "true"
        texts = page.evaluate("fetch('/pagefind/index.json').then(r => r.json()).then(m => m.texts)")
        files = {f"/pagefind/{folder}x{n // texts}.json"
                 for folder, n in page.evaluate("q => window.hallMatches(q)", "交通 管制")[:len(rows)]}
        assert len(files) < len(rows)  # results on consecutive pages of a part share a file
        for _ in range(200):  # the held requests reach this process as events
            if len(held) >= len(files):
                break
            page.wait_for_timeout(50)
        assert sorted(urlsplit(route.request.url).path for route in held) == sorted(files)  # those shown, no more
        for route in held:
            route.continue_()
        page.wait_for_selector(".search-results:not([aria-busy])", state="attached")
        excerpts = page.eval_on_selector_all(".search-results .excerpt", "ps => ps.map(p => p.innerHTML)")
        assert len(excerpts) == len(rows) and all(excerpts) and any("<mark>" in e for e in excerpts), excerpts
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
            page.wait_for_function("window.searchReady === true")
            for word in WORDS:
                query = convert(word)
                expected = {url for url, title in titles.items() if query in title}
                assert expected, query
                found = set(page.evaluate("q => window.hallSearch(q)", query))
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
# no page holds every term of these in its indexed text (dates, channels and category labels are page metadata, and
# the 我要留言 box naming the 12345 hotline is marked ignored; "app" is in no page)
EMPTY = ["地铁 施工", "网约车 投诉", "垃圾 分类 社区", "2026 民警", "12345 热线 噪声", "app 预约"]


def test_merged_parts_find_what_one_index_finds(hall, browser):
    """Precision: for each query the parts searched together return exactly the pages one index over all pages
    returns (each part answers for its own pages, a page matching when it holds every term)."""
    _out, base = hall
    page = browser.new_page()
    other = browser.new_page()
    try:
        page.goto(f"{base}/search/")
        other.goto(f"{base}/single/search/")
        page.wait_for_function("window.searchReady === true")
        other.wait_for_function("window.searchReady === true")
        assert page.evaluate("fetch('/pagefind/index.json').then(r => r.json()).then(m => m.parts.length)") > 5
        assert other.evaluate("fetch('/single/index.json').then(r => r.json()).then(m => m.parts.length)") == 1
        wrong, empty = [], []
        for query in PRECISION:
            merged = sorted(page.evaluate("q => window.hallSearch(q)", query))
            single = sorted(other.evaluate("q => window.hallSearch(q)", query))
            if not single:
                empty.append(query)
            if merged != single:
                wrong.append((query, sorted(set(merged) - set(single)), sorted(set(single) - set(merged))))
        assert wrong == []
        assert empty == EMPTY, empty
        # a page holding every term, not next to each other, is found; one lacking a term is not
        assert page.evaluate("q => window.hallSearch(q)", "民警 指挥") == ["/gongan/qa/2026-09-29-guanzhi-luduan/"]
        assert page.evaluate("q => window.hallSearch(q)", "民警 蝾螈") == []
    finally:
        page.close()
        other.close()


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
        page.wait_for_function("window.searchReady === true")
        assert page.evaluate("q => window.hallSearch(q)", "穿山甲") == ["/police/releases/a/"]
        assert page.evaluate("q => window.hallSearch(q)", "蝾螈") == []
        assert page.evaluate("q => window.hallSearch(q)", "管制") != []
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


def test_the_folder_pagefind_read_pages_from_is_removed(tmp_path, run_cli):
    """The hall's own index reads the pages where the build leaves them: the folder of links Pagefind read (left by
    an older build) goes."""
    site = write_site(tmp_path / "site", BASIC)
    tree = site / ".cache/releasehall/search-pages"
    (tree / "00/police").mkdir(parents=True)
    (tree / "00/police/index.html").write_text("old", encoding="utf-8")
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"), "--now", "2024-10-20")[0] == 0
    assert not tree.exists()
    outside = tmp_path / "outside"
    (outside / "00").mkdir(parents=True)
    (outside / "00/index.html").write_text("keep", encoding="utf-8")
    tree.symlink_to(outside, target_is_directory=True)  # a link in its place: removed, never followed
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"), "--now", "2024-10-20")[0] == 0
    assert not tree.is_symlink() and (outside / "00/index.html").read_text(encoding="utf-8") == "keep"


def test_citizens_text_in_results_is_shown_as_text(tmp_path, run_cli, browser):
    """A question's text that looks like HTML is shown as the characters it is: the excerpt and the title are text
    nodes, never parsed (no element, no script)."""
    files = {**BASIC, "content/police/qa/x.md": front(
        {"title": "<img src=x onerror=alert(1)>标题里的标签", "asked": "2024-09-28 10:00",
         "question": "<script>alert(2)</script>留言里有穿山甲<b>粗</b>"})}
    site = write_site(tmp_path / "site", files)
    out = tmp_path / "out"
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", "2024-10-20")[0] == 0
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/?q=穿山甲")
        page.wait_for_selector(".search-results:not([aria-busy]) li")
        assert page.inner_text(".search-results li h2") == "<img src=x onerror=alert(1)>标题里的标签"
        excerpt = page.inner_html(".search-results .excerpt")
        assert "&lt;script&gt;alert(2)&lt;/script&gt;留言里有<mark>穿山</mark>" in excerpt or "<mark>穿山甲</mark>" in excerpt
        assert "&lt;script&gt;" in excerpt
        assert page.locator(".search-results img, .search-results script, .search-results b").count() == 0
        assert dialogs == []
    finally:
        page.close()
        server.shutdown()


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


def test_a_parts_texts_are_in_files_of_consecutive_pages_and_read_back_as_they_were():
    records = [Record(f"d/releases/r{n:02d}/", f"通告{n}", "测试局", "通知公告", f"2024-01-{n + 1:02d}", f"第{n}号正文")
               for n in range(search_index.TEXTS + 4)]
    pages = [(f"d/releases/r{n:02d}/index.html", f"{n:064x}") for n in range(len(records))]
    files = search_index.build(records, None, pages)
    newest_first = [record.text for record in reversed(records)]
    assert [name for name in files if name.startswith("x")] == ["x0.json", "x1.json"]
    assert json.loads(files["x0.json"]) == newest_first[:search_index.TEXTS]
    assert json.loads(files["x1.json"]) == newest_first[search_index.TEXTS:]
    assert search_index.text_file(search_index.TEXTS - 1) == "x0.json" and search_index.text_file(search_index.TEXTS) == "x1.json"
    assert search_index.reusable(files) == {path: (digest, record) for (path, digest), record in zip(pages, records, strict=True)}


def test_a_packed_bundle_reads_back_as_it_was_and_a_damaged_one_is_refused():
    bundle = {"docs.gz": b"\x1f\x8b\x00", "f0.json": '{"t":"交通\\n管制"}'.encode(), "t0.txt": b"", "f1.json": b"\n\n"}
    data = search.pack(bundle)
    assert search.pack(dict(reversed(bundle.items()))) == data  # the same bundle, the same bytes
    assert search.unpack(data) == bundle and list(search.Packed(data)) == sorted(bundle)
    assert search.Packed(data).address == search.address(bundle) == search.address(dict(reversed(bundle.items())))
    for damaged in (data[:-1], data + b"x", data.replace(b"releasehall-bundle 1", b"releasehall-bundle 9"),
                    search.PACKED + b'["x",[["a",-1]]]\n', search.PACKED + b'["x",[["a",1]]]\n',
                    search.PACKED + b'[["a",1]]\na', search.PACKED + b'{"a":1}\n', search.PACKED + b"[" * 100_000,
                    search.PACKED + b'["x",[["a",1]]]', b"PK\x03\x04"):
        with pytest.raises((ValueError, RecursionError)):
            search.Packed(damaged)


def test_a_remade_part_links_the_files_it_shares_with_its_old_folder_instead_of_writing_them(tmp_path, run_cli):
    """An edit remakes its part, and the joined files, at new folders; the files whose bytes the old folders hold
    (the text files of the other pages, the shards no changed term falls in) are hard links to the old ones, not written
    again."""
    older = {f"content/police/releases/old{n:02d}.md": front({"title": f"旧通告{n}", "date": f"2020-01-{n + 1:02d}"},
                                                             f"\n第{n}号旧通告。\n") for n in range(search_index.TEXTS + 4)}
    site = write_site(tmp_path / "site", {**SPLIT, **older})  # the police part's text files: x0 (q1's), x1
    out = tmp_path / "out"
    build = ("build", "--site", str(site), "--now", "2024-10-20")
    assert run_cli(*build, "--out", str(out))[0] == 0

    def files(kind: str) -> dict[str, tuple[bytes, int]]:
        return {p.name: (p.read_bytes(), p.stat().st_ino) for p in (out / "pagefind").glob(f"{kind}.*/*")}

    police = search.part_of("police/index.html")
    before = {kind: files(kind) for kind in (police, "all")}
    source = site / "content/police/qa/q1.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n地铁施工期间请绕行。\n", encoding="utf-8")
    assert run_cli(*build, "--out", str(out))[0] == 0
    for kind, was in before.items():
        now = files(kind)
        assert now != was and now.keys() == was.keys()
        same = [name for name in now if now[name][0] == was[name][0]]
        assert same and any(now[name][0] != was[name][0] for name in now), kind
        assert all(now[name][1] == was[name][1] for name in same)  # the very files, linked
        assert all(now[name][1] != was[name][1] for name in now if name not in same)
    assert run_cli(*build, "--out", str(tmp_path / "clean"), "--no-cache")[0] == 0
    assert _bundle(out) == _bundle(tmp_path / "clean")
