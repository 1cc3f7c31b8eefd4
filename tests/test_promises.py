"""What the documentation promises and no other file tests: repeated heading ids, standalone pages' errors and
attachments, `related` naming an unpublished item, serve's quick path for a standalone page."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import BASIC, NOW, front, image, write_site

from releasehall.pipeline.build import run


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def test_repeated_headings_get_numbered_ids(tmp_path):
    body = "\n## 交通管制\n\n一。\n\n## 交通管制\n\n二。\n\n## 交通管制\n\n三。\n\n跳到[第三处](#交通管制-3)。\n"
    site = write_site(tmp_path, {**BASIC, "content/police/releases/m.md": front({"title": "管制", "date": "2024-10-01"},
                                                                                  body)})
    outcome = run(site, out=tmp_path / "out", now=NOW)
    assert not outcome.errors, outcome.errors
    page = read(tmp_path / "out", "police/releases/m/index.html")
    for heading in ('<h2 id="交通管制">交通管制</h2>', '<h2 id="交通管制-2">交通管制</h2>', '<h2 id="交通管制-3">交通管制</h2>'):
        assert heading in page
    assert '<a href="#交通管制-3">第三处</a>' in page


def test_standalone_page_errors_name_path_and_line(tmp_path):
    files = {**BASIC, "content/pages/about.md": front({"titel": "关于"}, "\n正文\n"),
             "content/pages/help.md": front({"title": "帮助"}, "\n第一行\n\n见[不存在](nowhere.md)。\n")}
    outcome = run(write_site(tmp_path, files), out=tmp_path / "out", now=NOW)
    assert [str(p) for p in outcome.errors] == [
        "content/pages/about.md:2: 未知字段 “titel”，是否想写 “title”？ / unknown key 'titel'; did you mean 'title'?",
        "content/pages/about.md:2: 缺少必填字段 “title” / missing required key 'title'",
        "content/pages/help.md:7: 链接 “nowhere.md” 指向的文件不存在（content/pages/nowhere.md），请检查路径 / "
        "link 'nowhere.md' names no file (content/pages/nowhere.md); check the path"]
    assert not (tmp_path / "out").exists()  # nothing written


def test_standalone_page_attachments_are_copied_and_linked(tmp_path):
    files = {**BASIC, "content/pages/about.md": front({"title": "关于"}, "\n![大厅](img/hall.png) [指南](files/guide.pdf)\n"),
             "content/pages/img/hall.png": image(40, 30), "content/pages/files/guide.pdf": b"%PDF-1.4 fake"}
    outcome = run(write_site(tmp_path, files), out=tmp_path / "out", now=NOW)
    assert not outcome.errors, outcome.errors
    page = read(tmp_path / "out", "about/index.html")
    assert '<img src="/pages/img/hall.png" alt="大厅" loading="lazy" width="40" height="30">' in page
    assert '<a href="/pages/files/guide.pdf">指南</a>' in page
    assert (tmp_path / "out/pages/img/hall.png").is_file()  # published (its metadata stripped)
    assert (tmp_path / "out/pages/files/guide.pdf").read_bytes() == b"%PDF-1.4 fake"


def test_related_naming_an_unpublished_item_is_a_warning_and_left_out(tmp_path):
    files = {**BASIC,
             "content/police/releases/later.md": front({"title": "定时发布", "date": "2024-12-01"}, "\n未来。\n"),
             "content/police/releases/draft.md": front({"title": "草稿", "date": "2024-10-01", "draft": True}),
             "content/police/releases/now.md": front({"title": "现在", "date": "2024-10-02",
                                                      "related": ["police/releases/later", "police/releases/draft"]})}
    outcome = run(write_site(tmp_path, files), out=tmp_path / "out", now=NOW)
    assert not outcome.errors
    assert [str(p) for p in outcome.problems if "related" in p.en] == [
        "content/police/releases/now.md:5: 警告 warning: related 中的 “police/releases/later” 尚未发布，已略去 / "
        "related item 'police/releases/later' is not published; left out",
        "content/police/releases/now.md:6: 警告 warning: related 中的 “police/releases/draft” 尚未发布，已略去 / "
        "related item 'police/releases/draft' is not published; left out"]
    page = read(tmp_path / "out", "police/releases/now/index.html")
    assert "定时发布" not in page and "草稿" not in page and "/police/releases/later/" not in page
    assert not (tmp_path / "out/police/releases/later").exists()


def test_quick_path_for_a_standalone_page_equals_a_whole_build(tmp_path):
    from test_quick import started, whole_build

    site = write_site(tmp_path / "site", {**BASIC, "content/pages/about.md": front({"title": "关于"}, "\n本厅简介。\n")})
    preview = started(site)
    source = site / "content/pages/about.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    outcome = preview.rebuild({"content/pages/about.md"})
    assert outcome is not None and outcome.rendered == ["about/index.html"]  # a page is in no feed
    assert outcome.reused == frozenset()  # the quick path: a whole rebuild would have weighed every other output
    assert "新增一段。" in preview.files["about/index.html"].decode("utf-8")
    assert preview.files == whole_build(site, tmp_path).files
    shutil.rmtree(tmp_path / "fresh")
