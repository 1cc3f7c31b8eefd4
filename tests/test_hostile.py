"""Hostile sites from a department's editors: every attack ends in a clean `path:line` error or inert output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BASIC, dept, front, write_site

from releasehall import safeurl

NOW = "2024-10-20 12:00"


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
                                                                        "mp4", "webp", "csv", "txt")}
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
        "content/police/releases/img/later.png": b"\x89PNG later",
        "content/police/releases/img/draft.png": b"\x89PNG draft",
        "content/police/releases/img/shared.png": b"\x89PNG shared",
        "content/police/releases/img/unused.png": b"\x89PNG unused",
        "content/police/releases/files/plan.pdf": b"%PDF plan",
    })


def test_files_used_only_by_unpublished_items_are_not_copied_until_published(tmp_path, run_cli):
    site = scheduled_site(tmp_path)
    assert build(run_cli, site)[0] == 0
    out = site / "out/police/releases"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*") if p.is_file() and p.suffix != ".html") == [
        "img/shared.png", "img/unused.png"]
    code, _out, _err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", "2024-11-02")
    assert code == 0
    assert (out / "img/later.png").read_bytes() == b"\x89PNG later"
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
