"""Formal documents: the 政府信息公开 table, validity as of "now", /documents/, replacements and interpretations."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import feedparser
import pytest
from helpers import NOW, dept, front, write_site

from releasehall.pipeline.build import run

DOCS = {
    "content/gov/department.yaml": dept("测试市人民政府办公室", short_name="测试市政府办"),
    "content/gov/releases/old.md": front(
        {"title": "旧停车管理办法", "date": "2023-03-05", "kind": "notice",
         "document": {"number": "测市政发〔2023〕5号", "index": "11140100-2023-00005", "written": "2023-03-01",
                      "effective": "2023-04-01", "repealed": "2024-06-01", "replaced_by": "gov/releases/new"}},
        "\n旧办法全文。\n"),
    "content/gov/releases/new.md": front(
        {"title": "新停车管理办法", "date": "2024-05-20", "kind": "notice",
         "document": {"number": "测市政发〔2024〕8号", "issuer": "测试市人民政府", "effective": "2024-06-01"}},
        "\n新办法全文。\n"),
    "content/gov/releases/later.md": front(
        {"title": "电梯安全条例", "date": "2024-10-01", "kind": "notice",
         "document": {"number": "测市政发〔2024〕20号", "effective": "2025-01-01"}}, "\n条例全文。\n"),
    "content/gov/releases/temp.md": front(
        {"title": "临时交通措施", "date": "2024-01-10", "kind": "notice", "expires": "2024-09-30",
         "document": {"number": "测市政办发〔2024〕1号"}}, "\n临时措施。\n"),
    "content/gov/releases/explain.md": front(
        {"title": "一图读懂新停车办法", "date": "2024-05-21", "kind": "policy", "interprets": "gov/releases/new"},
        "\n解读正文。\n"),
    "content/gov/releases/plain.md": front({"title": "工作动态", "date": "2024-05-01"}, "\n动态。\n"),
}


def build(site: Path, out: Path, now: str = NOW) -> Path:
    outcome = run(site, out=out, now=now)
    assert not outcome.errors, outcome.errors
    return out


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return build(write_site(tmp_path / "site", DOCS), tmp_path / "out")


def test_metadata_table_at_the_top_of_the_page(out):
    """The 文件信息 grid: label/value pairs in order, before the body, the validity as a tag."""
    page = read(out, "gov/releases/old/index.html")
    grid = page[page.index('<section class="doc-meta"'):page.index("</section>", page.index('<section class="doc-meta"'))]
    rows = re.findall(r"<div(?: class=\"[^\"]+\")?><dt>([^<]+)</dt><dd[^>]*>(.*?)</dd></div>", grid)
    assert [(k, re.sub(r"<[^>]+>", "", v)) for k, v in rows] == [
        ("索引号", "11140100-2023-00005"), ("发文机关", "测试市人民政府办公室"), ("标题", "旧停车管理办法"),
        ("发文字号", "测市政发〔2023〕5号"), ("成文日期", "2023-03-01"), ("发布日期", "2023-03-05"),
        ("施行日期", "2023-04-01"), ("废止日期", "2024-06-01"), ("有效性", "已废止")]
    assert '<span class="validity validity-repealed">已废止</span>' in grid
    assert page.index('<section class="doc-meta"') < page.index('<div class="prose">')
    # the issuer as written, the effective date defaulting to the date of publication
    new = read(out, "gov/releases/new/index.html")
    assert '<dd data-pagefind-filter="issuer">测试市人民政府</dd>' in new
    assert "<dd" not in read(out, "gov/releases/plain/index.html").split('<div class="prose">')[0]


def test_banner_on_a_repealed_document_links_its_replacement(out):
    page = read(out, "gov/releases/old/index.html")
    assert ('<p class="doc-banner" role="note">本文件已于 2024-06-01 废止，现行文件见'
            '<a href="/gov/releases/new/">新停车管理办法</a>（测市政发〔2024〕8号）。</p>') in page
    assert '<p class="doc-banner" role="note">本文件已于 2024-09-30 失效。</p>' in read(out, "gov/releases/temp/index.html")
    assert "doc-banner" not in read(out, "gov/releases/new/index.html")
    # the replacement lists what it replaces
    assert '<h2 id="replaces">本文件取代</h2>' in read(out, "gov/releases/new/index.html")


VALIDITY_AT = [
    ("2024-05-25 12:00", {"old": "有效", "new": "尚未施行", "temp": "有效"}),
    ("2024-06-01 00:00", {"old": "已废止", "new": "有效", "temp": "有效"}),
    (NOW, {"old": "已废止", "new": "有效", "temp": "已失效", "later": "尚未施行"}),
    ("2025-01-01 08:00", {"old": "已废止", "new": "有效", "temp": "已失效", "later": "有效"}),
]


@pytest.mark.parametrize(("now", "expected"), VALIDITY_AT)
def test_validity_as_of_now_on_pages_rows_and_feeds(tmp_path, now, expected):
    out = build(write_site(tmp_path / "site", DOCS), tmp_path / "out", now)
    listing = read(out, "documents/index.html")
    shown = dict(re.findall(r'<a href="/gov/releases/(\w+)/">[^<]+</a></th>.*?<span class="validity[^"]*">([^<]+)<',
                            listing))
    assert shown == expected
    for slug, word in expected.items():
        assert '<span class="validity validity-' in read(out, f"gov/releases/{slug}/index.html")
        assert f">{word}</span>" in read(out, f"gov/releases/{slug}/index.html")
        row = re.search(rf'<li class="item item-release[^>]*>\s*<span class="badge">[^<]*</span>\s*'
                        rf'<a class="item-title" href="/gov/releases/{slug}/">.*?</li>', read(out, "releases/index.html"),
                        re.S)
        assert row is not None and f">{word}</span>" in row.group(0)
    feed = feedparser.parse(read(out, "gov/atom.xml"))
    for entry in feed.entries:
        slug = entry.link.rstrip("/").rsplit("/", 1)[1]
        labels = [t.label for t in entry.tags if "/documents/" in t.scheme]  # the category's page: /documents/<state>/
        assert labels == ([expected[slug]] if slug in expected else [])
        if slug in expected:
            assert f"有效性：{expected[slug]}" in entry.content[0].value


def test_documents_listing_newest_first_and_filtered(out):
    listing = read(out, "documents/index.html")
    order = re.findall(r'<th scope="row"><a href="/gov/releases/(\w+)/">', listing)
    assert order == ["later", "new", "temp", "old"]  # newest date first; releases without document are left out
    assert "测市政发〔2024〕20号" in listing and "测试市人民政府</td>" in listing
    assert '<a class="chip" href="/documents/repealed/">已废止<span class="count">1</span></a>' in listing
    assert '<a class="chip" href="/documents/" aria-current="page">全部文件<span class="count">4</span></a>' in listing
    filtered = {v: re.findall(r'<th scope="row"><a href="/gov/releases/(\w+)/">', read(out, f"documents/{v}/index.html"))
                for v in ("pending", "effective", "repealed", "expired")}
    assert filtered == {"pending": ["later"], "effective": ["new"], "repealed": ["old"], "expired": ["temp"]}
    assert '<a class="chip" href="/documents/expired/" aria-current="page">' in read(out, "documents/expired/index.html")


def test_interpretation_and_document_link_both_ways_in_pages_and_feeds(out):
    doc = read(out, "gov/releases/new/index.html")
    section = doc[doc.index('<h2 id="interpretations">政策解读</h2>'):]
    assert 'href="/gov/releases/explain/">一图读懂新停车办法</a>' in section.split("</section>")[0]
    explain = read(out, "gov/releases/explain/index.html")
    assert ('<p class="interprets" data-pagefind-ignore data-pagefind-meta="interprets">解读的文件：<a href="/gov/releases/new/">新停车管理办法</a>'
            '（测市政发〔2024〕8号）</p>') in explain
    for name in ("gov/atom.xml", "gov/feed.xml", "atom.xml"):
        entries = {e.link: e for e in feedparser.parse(read(out, name)).entries}
        base = "https://hall.example.gov.cn/gov/releases/"
        new, interp = entries[base + "new/"], entries[base + "explain/"]
        assert f'政策解读：<a href="{base}explain/">一图读懂新停车办法</a>' in new.content[0].value
        assert f'解读的文件：<a href="{base}new/">新停车管理办法</a>' in interp.content[0].value
        if name.endswith("atom.xml"):
            assert [(link.rel, link.href) for link in new.links if link.rel == "related"] == [("related", base + "explain/")]
            assert [(link.rel, link.href) for link in interp.links if link.rel == "related"] == [("related", base + "new/")]


def test_repealed_document_in_the_feed_names_its_replacement(out):
    entries = {e.link: e for e in feedparser.parse(read(out, "gov/feed.xml")).entries}
    old = entries["https://hall.example.gov.cn/gov/releases/old/"].content[0].value
    assert ('本文件已于 2024-06-01 废止，现行文件见<a href="https://hall.example.gov.cn/gov/releases/new/">新停车管理办法</a>。'
            in old)


def test_a_rebuild_at_a_later_now_equals_a_clean_build(tmp_path):
    site = write_site(tmp_path / "site", DOCS)
    build(site, tmp_path / "out", "2024-05-25 12:00")
    later = run(site, out=tmp_path / "out", now="2025-01-01 08:00")
    assert not later.errors
    assert "gov/releases/later/index.html" in later.rendered and "documents/pending/index.html" in later.rendered
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns(".cache"))
    assert not run(clean, out=tmp_path / "clean-out", now="2025-01-01 08:00", use_cache=False).errors

    def snap(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    assert snap(tmp_path / "out") == snap(tmp_path / "clean-out")


def problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    outcome = run(write_site(tmp_path / "site", {**DOCS, **files}), out=tmp_path / "out", now=NOW)
    return [str(p) for p in outcome.problems]


def doc_release(document: dict[str, object], **extra: object) -> str:
    return front({"title": "文件", "date": "2024-03-01", "kind": "notice", **extra, "document": document}, "\n正文。\n")


BAD = "content/gov/releases/bad.md"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (doc_release({"number": "测市政发2024年第3号"}),
         f"{BAD}:6: 发文字号 “测市政发2024年第3号” 格式不对，应写成 机关代字〔年份〕序号号，例如 晋市政发〔2024〕12号 / "
         "document number '测市政发2024年第3号' is not a 发文字号: write 机关代字〔year〕number号, e.g. 晋市政发〔2024〕12号"),
        (doc_release({"number": "测市政发〔2024〕3号", "written": "2024-03-05"}),
         f"{BAD}:3: date 早于 written，请核对日期（成文 ≤ 发布、施行 ≤ 废止） / 'date' is before 'written'; check the dates "
         "(written <= date, effective <= repealed)"),
        (doc_release({"number": "测市政发〔2024〕3号", "effective": "2024-04-01", "repealed": "2024-03-20"}),
         f"{BAD}:8: repealed 早于 effective，请核对日期（成文 ≤ 发布、施行 ≤ 废止） / 'repealed' is before 'effective'; "
         "check the dates (written <= date, effective <= repealed)"),
        (doc_release({"number": "测市政发〔2024〕3号", "replaced_by": "gov/releases/nothing"}),
         f"{BAD}:7: replaced_by：“gov/releases/nothing” 不存在，应写成 部门/releases/文件名 / 'replaced_by': "
         "'gov/releases/nothing' names nothing; write dept/releases/slug"),
        (doc_release({"number": "测市政发〔2024〕3号", "replaced_by": "gov/releases/plain"}),
         f"{BAD}:7: replaced_by：“gov/releases/plain” 不是文件（没有 document 文件信息），只能指向带 document 的发布 / "
         "'replaced_by': 'gov/releases/plain' is not a document (it has no 'document'); name a release that has one"),
        (front({"title": "解读", "date": "2024-03-01", "kind": "news", "interprets": ["gov/releases/new"]}),
         f"{BAD}:5: 只有政策解读（kind: policy）才能用 interprets 指明所解读的文件；请改 kind 或删去 interprets / only a "
         "policy explainer (kind: policy) may name the documents it explains in 'interprets'; change 'kind' or remove "
         "'interprets'"),
        (front({"title": "解读", "date": "2024-03-01", "kind": "policy",
                "interprets": ["gov/releases/new", "gov/releases/plain"]}),
         f"{BAD}:7: interprets：“gov/releases/plain” 不是文件（没有 document 文件信息），只能指向带 document 的发布 / "
         "'interprets': 'gov/releases/plain' is not a document (it has no 'document'); name a release that has one"),
        (front({"title": "解读", "date": "2024-03-01", "kind": "policy", "interprets": "gov/releases/none"}),
         f"{BAD}:5: interprets：“gov/releases/none” 不存在，应写成 部门/releases/文件名 / 'interprets': "
         "'gov/releases/none' names nothing; write dept/releases/slug"),
        (doc_release({"index": "x"}),
         f"{BAD}:5: 缺少必填字段 “number” / missing required key 'number'"),
    ],
)
def test_document_errors_name_file_and_line(tmp_path, text, expected):
    found = problems(tmp_path, {BAD: text})
    assert expected in found, found


@pytest.mark.parametrize(("number", "standard"), [("测市政发[2024]3号", "测市政发〔2024〕3号"),
                                                  ("测市政发（2024）3号", "测市政发〔2024〕3号"),
                                                  ("测市政发〔2024〕03号", "测市政发〔2024〕3号")])
def test_number_in_other_brackets_is_a_warning_naming_the_standard(tmp_path, number, standard):
    found = problems(tmp_path, {BAD: doc_release({"number": number})})
    warnings = [p for p in found if p.startswith(f"{BAD}:6: 警告 warning: ")]
    assert len(warnings) == 1 and f"write {standard}" in warnings[0], found
    assert not [p for p in found if "警告" not in p]


def test_unpublished_replacement_is_a_warning_and_not_linked(tmp_path):
    files = {"content/gov/releases/later.md": DOCS["content/gov/releases/later.md"].replace("2024-10-01", "2024-12-01"),
             BAD: doc_release({"number": "测市政发〔2024〕3号", "repealed": "2024-09-01",
                               "replaced_by": "gov/releases/later"})}
    outcome = run(write_site(tmp_path / "site", {**DOCS, **files}), out=tmp_path / "out", now=NOW)
    assert [str(p) for p in outcome.problems] == [
        f"{BAD}:8: 警告 warning: replaced_by：“gov/releases/later” 尚未发布（草稿或未来日期），暂不显示该链接 / 'replaced_by': "
        "'gov/releases/later' is not published (draft or future); the link is left out for now"]
    page = read(tmp_path / "out", "gov/releases/bad/index.html")
    assert '本文件已于 2024-09-01 废止。</p>' in page and "later" not in page


def test_the_documents_table_links_the_replacement(out):
    row = re.search(r'<tr><th scope="row"><a href="/gov/releases/old/">.*?</tr>', read(out, "documents/repealed/index.html"))
    assert row is not None
    assert row.group(0).endswith('<br>现行文件：<a href="/gov/releases/new/">测市政发〔2024〕8号</a></td></tr>')


def test_replaced_by_without_repealed_is_a_warning(tmp_path):
    found = problems(tmp_path, {BAD: doc_release({"number": "测市政发〔2024〕3号", "replaced_by": "gov/releases/new"})})
    assert found == [f"{BAD}:7: 警告 warning: 写了 replaced_by 但没有废止日期 repealed：文件仍显示为有效，请补上 repealed / "
                     "'replaced_by' is set but 'repealed' is not: the document still shows as in force; add 'repealed'"]
