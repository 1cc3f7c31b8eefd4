"""Reading (issue 18), what the built pages say: the issuing body named in full on a release, no item listed twice on
one page, the QR code of each release's, document's and question's page decodes to that page's address (in the
zh-Hant mirror too) and its path holds exactly the modules zxing-cpp placed, the search page's filter orders. The
browser side (first screen, measure, print, search results) is in test_browser.py."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from helpers import BASIC, SITE, dept, front, write_site

NOW = "2024-10-20 12:00"


def build(tmp_path: Path, run_cli, files: dict, site: dict | None = None) -> Path:
    root = write_site(tmp_path / "site", files, site or SITE)
    code, _out, err = run_cli("build", "--site", str(root), "--out", str(tmp_path / "out"), "--now", NOW)
    assert code == 0, err
    return tmp_path / "out"


def page(out: Path, path: str) -> str:
    return (out / path / "index.html").read_text(encoding="utf-8")


ROW_LINK = re.compile(r'<a class="item-title" href="([^"]+)"')
LISTED_AT_TOP = re.compile(r'<p class="(?:interprets|doc-banner)"[^>]*>(.*?)</p>', re.S)


def listed_items(html: str) -> Counter[str]:
    """How often each item is listed on the page: the rows of its lists, the documents it explains and the current
    document named at the top (links in the body are the author's own)."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    top = [link for block in LISTED_AT_TOP.findall(main) for link in re.findall(r'<a href="([^"]+)"', block)]
    return Counter(ROW_LINK.findall(main) + top)


def test_no_item_is_listed_twice_on_one_page(tmp_path, run_cli):
    topic = {"topics": ["停车"]}
    files = {
        **BASIC,
        "content/police/releases/doc.md": front({"title": "停车管理办法", "date": "2024-10-01", **topic,
                                                 "document": {"number": "测公发〔2024〕1号"}}, "\n办法全文。\n"),
        # an interpretation that also links the document and shares its topic: listed once, under 政策解读
        "content/police/releases/explain.md": front({"title": "停车办法解读", "date": "2024-10-02", "kind": "policy",
                                                     "interprets": "police/releases/doc", **topic},
                                                    "\n见[办法](doc.md)。\n"),
        # links the document (a backlink) and is related to it: listed once, under 引用本页的内容
        "content/police/releases/news.md": front({"title": "停车新闻", "date": "2024-10-03", **topic,
                                                  "related": ["police/releases/doc"]}, "\n依据[办法](doc.md)。\n"),
        # on the topic only: under 同话题内容
        "content/police/releases/other.md": front({"title": "停车场开放", "date": "2024-10-04", **topic}, "\n开放。\n"),
    }
    out = build(tmp_path, run_cli, files)
    doc = page(out, "police/releases/doc")
    assert listed_items(doc) == {"/police/releases/explain/": 1, "/police/releases/news/": 1, "/police/releases/other/": 1}
    # first section wins: the interpretation under 政策解读, the news under 引用本页的内容, the rest under 同话题内容
    sections = re.findall(r'<h2 id="([^"]+)"', doc)
    assert sections[-3:] == ["interpretations", "backlinks", "topic-ting-che"], sections
    after = doc.split('id="topic-ting-che"', 1)[1]
    assert "/police/releases/other/" in after and "/police/releases/news/" not in after and "explain" not in after
    # the interpretation names the document it explains once, at the top, and lists the rest
    explain = page(out, "police/releases/explain")
    assert listed_items(explain) == {"/police/releases/doc/": 1, "/police/releases/news/": 1, "/police/releases/other/": 1}
    # every page of the hall: no item twice
    for path in out.rglob("index.html"):
        counts = listed_items(path.read_text(encoding="utf-8"))
        assert not {link: n for link, n in counts.items() if n > 1}, path


def test_a_release_names_its_issuing_body_in_full(tmp_path, run_cli):
    out = build(tmp_path, run_cli, BASIC)
    assert '<p class="issuer" data-pagefind-ignore>联合发布：<a href="/police/">测试市公安局</a>、' \
           '<a href="/traffic/">测试区交警大队</a></p>' in page(out, "police/releases/a")
    assert '<p class="issuer" data-pagefind-ignore>发布机构：<a href="/traffic/">测试区交警大队</a></p>' \
           in page(out, "traffic/releases/shuo-ming")


def qr_modules(svg: str) -> list[list[int]]:
    """The dark modules the code's path draws (`M x y.5` a row's first run, then runs: `h n` dark, `m n 0` light)."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    grid = [[0] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", re.search(r' d="([^"]+)"', svg).group(1)):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(round(x), round(x + float(a))):
                grid[int(y)][column] = 1
            x += float(a)
    return grid


def decode(svg: str) -> list[str]:
    """What a QR reader finds in the SVG as drawn (zxing-cpp on a raster of its modules)."""
    import zxingcpp
    from PIL import Image

    grid = qr_modules(svg)
    scale = 4
    picture = Image.new("L", (len(grid) * scale, len(grid) * scale), 255)
    for y, row in enumerate(grid):
        for x, dark in enumerate(row):
            if dark:
                picture.paste(0, (x * scale, y * scale, (x + 1) * scale, (y + 1) * scale))
    return [found.text for found in zxingcpp.read_barcodes(picture)]


QR = re.compile(r'<details class="qr" data-pagefind-ignore><summary>在手机上阅读</summary>\n<figure class="qr-code">'
                r'(<svg role="img" aria-label="本页网址的二维码" data-url="([^"]+)" [^>]*>.*?</svg>)'
                r"<figcaption>用手机扫码打开本页</figcaption></figure></details>", re.S)


def test_the_qr_code_of_a_page_decodes_to_its_address(tmp_path, run_cli):
    files = {**BASIC, "content/police/releases/doc.md": front(
        {"title": "停车管理办法", "date": "2024-10-01", "document": {"number": "测公发〔2024〕1号"}}, "\n全文。\n")}
    out = build(tmp_path, run_cli, files, {**SITE, "variants": ["zh-Hant"]})
    pages = {"police/releases/a": 0, "police/releases/doc": 0, "police/qa/q1": 0, "traffic/releases/shuo-ming": 0,
             "zh-hant/police/releases/a": 0, "zh-hant/police/qa/q1": 0}
    for path in pages:
        found = QR.findall(page(out, path)) if not path.startswith("zh-hant") else \
            re.findall(r'<figure class="qr-code">(<svg role="img" aria-label="本頁網址的二維碼" data-url="([^"]+)" '
                       r'[^>]*>.*?</svg>)<figcaption>用手機掃碼打開本頁</figcaption>', page(out, path), re.S)
        assert len(found) == 1, path
        svg, address = found[0]
        assert address == f"https://hall.example.gov.cn/{path}/"
        assert decode(svg) == [address], path
    # the same address, the same bytes (and a different one, another code)
    a, again = QR.findall(page(out, "police/releases/a"))[0][0], build(tmp_path / "again", run_cli, files)
    assert QR.findall(page(again, "police/releases/a"))[0][0] == a
    assert QR.findall(page(out, "police/qa/q1"))[0][0] != a
    # lists and standalone pages have none
    for path in ("", "releases", "qa", "police"):
        assert "qr-svg" not in page(out, path)


def test_a_page_in_another_folder_gets_the_code_of_its_own_base_url(tmp_path, run_cli):
    out = build(tmp_path, run_cli, BASIC, {**SITE, "base_url": "https://www.example.gov.cn/fabu/"})
    svg, address = QR.findall(page(out, "police/qa/q1"))[0]
    assert address == "https://www.example.gov.cn/fabu/police/qa/q1/" and decode(svg) == [address]


def test_the_drawn_path_holds_exactly_the_modules_zxing_cpp_placed():
    import zxingcpp

    from releasehall.outputs import qr

    sizes = set()
    for length in (0, 20, 60, 120, 250, 500, 1000):  # versions 2 to 22
        url = "https://hall.example.gov.cn/" + "".join(chr(ord("a") + i * 7 % 26) for i in range(length)) + "/"
        image = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
            scale=1, add_quiet_zones=False)
        size, modules = image.shape[1], bytes(image)
        placed = [[0] * (size + 8) for _ in range(4)] + [
            [0] * 4 + [int(modules[y * size + x] == 0) for x in range(size)] + [0] * 4 for y in range(size)] + [
            [0] * (size + 8) for _ in range(4)]
        assert qr_modules(qr.svg(url, "本页网址的二维码")) == placed, url
        sizes.add(size)
    assert len(sizes) == 7, sizes


def test_the_path_draws_a_row_from_its_first_dark_module_and_skips_a_row_without_one():
    from releasehall.outputs import qr

    D, L = b"\x00", b"\xff"
    rows = [D + D + L + L + D, L * 5, D * 5, L + D + L + D + L, L * 4 + D]
    assert qr.draw(b"".join(rows), 5) == "M4 4.5h2m2 0h1M4 6.5h5M5 7.5h1m1 0h1M8 8.5h1"


def test_the_search_page_orders_its_filters_as_the_hall_does(tmp_path, run_cli):
    files = {**BASIC, "content/a-last/department.yaml": dept("测试市档案馆", order=9),
             "content/z-first/department.yaml": dept("测试市综合办", order=-1)}
    out = build(tmp_path, run_cli, files)
    search = page(out, "search")
    assert 'data-hall="测试发布厅" data-departments="测试市综合办|测试市公安局|测试区交警大队|测试市档案馆" ' \
           'data-kinds="工作动态|通知公告|政策解读|突发事件|辟谣|微访谈|微调查|微活动|留言回复|部门|页面"' in search
    assert 'data-alert="突发事件"' in search
    # the two search forms are named apart (axe-core's landmark-unique)
    assert '<form class="search-box" action="/search/" method="get" role="search" aria-label="全站搜索">' in search
    assert '<form class="search-page" action="/search/" method="get" role="search" aria-label="搜索发布和留言">' in search
