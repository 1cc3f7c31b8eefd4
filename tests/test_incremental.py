"""Incremental builds: after every kind of edit, the output equals a clean build; only dependants re-render."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import BASIC, NOW, SITE, front, image, snapshot, write_site

from releasehall.pipeline.build import run


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


FILES = {
    **BASIC,
    "content/pages/about.md": front({"title": "关于本厅", "order": 1}, "\n本厅简介。\n"),
    "content/police/releases/draft.md": front({"title": "草稿", "date": "2024-10-03", "draft": True}, "\n待定。\n"),
    "content/police/releases/b.md": front({"title": "第二条", "date": "2024-10-02", "topics": ["户政"]}, "\n正文。\n"),
    "content/police/qa/q2.md": front({"title": "未答复", "asked": "2024-10-10", "question": "何时？"}),
}

EDITS: dict[str, Callable[[Path], None]] = {
    "body": lambda s: edit(s / "content/traffic/releases/说明.md", "![地图]", "补充说明。\n\n![地图]"),
    "title": lambda s: edit(s / "content/police/releases/b.md", "第二条", "第二条（更正）"),
    "date": lambda s: edit(s / "content/police/releases/b.md", "2024-10-02", "2024-08-02"),
    "topics": lambda s: edit(s / "content/police/releases/b.md", "户政", "公共交通"),
    "department": lambda s: edit(s / "content/traffic/department.yaml", "测试区交警大队", "测试区交通警察大队"),
    "delete": lambda s: (s / "content/police/releases/b.md").unlink(),
    "new file": lambda s: (s / "content/police/releases/c.md").write_text(
        front({"title": "新发布", "date": "2024-10-19", "topics": ["新话题"]}, "链接[说明](../../traffic/releases/说明.md)\n"),
        encoding="utf-8"),
    "reply": lambda s: (s / "content/police/qa/q2.md").write_text(
        front({"title": "未答复", "asked": "2024-10-10", "question": "何时？", "replied": "2024-10-18"}, "\n答复。\n"),
        encoding="utf-8"),
    "link target deleted then fixed": lambda s: (
        (s / "content/police/releases/b.md").write_text(front({"title": "第二条", "date": "2024-10-02"},
                                                              "见[管制](a.md)\n"), encoding="utf-8")),
    "pause": lambda s: edit(s / "content/police/qa/q2.md", "question:", "paused:\n- from: '2024-10-11'\nquestion:"),
    "withdraw": lambda s: edit(s / "content/police/qa/q2.md", "question:", "withdrawn: '2024-10-18'\nquestion:"),
    "very_late": lambda s: edit(s / "site.yaml", "base_url:", "reply_limits:\n  very_late: 2\nbase_url:"),
    "template": lambda s: (s / "layouts").mkdir() or (s / "layouts/404.html").write_text("<p>找不到</p>\n",
                                                                                          encoding="utf-8"),
    "site.yaml": lambda s: edit(s / "site.yaml", "测试发布厅", "测试政务发布厅"),
    "asset": lambda s: (s / "content/traffic/releases/img/map.png").write_bytes(image(30, 20)),
    "rename": lambda s: (s / "content/police/releases/b.md").rename(s / "content/police/releases/b-renamed.md"),
    "draft published": lambda s: edit(s / "content/police/releases/draft.md", "draft: true", "draft: false"),
    "draft again": lambda s: edit(s / "content/police/releases/b.md", "title:", "draft: true\ntitle:"),
    "parent": lambda s: edit(s / "content/traffic/department.yaml", "parent: police\n", ""),
    "page": lambda s: edit(s / "content/pages/about.md", "关于本厅", "关于发布厅"),
    "page body": lambda s: edit(s / "content/pages/about.md", "本厅简介。", "本厅简介，有修改。"),
}


MIRRORED = ("body", "title", "delete", "new file", "rename", "draft published", "page body", "site.yaml",
            "link target deleted then fixed")
CASES = [(name, []) for name in EDITS] + [(name, ["zh-Hant"]) for name in MIRRORED]  # the mirror is made from pages


@pytest.mark.parametrize(("name", "variants"), CASES, ids=[f"{n}-{'zh-Hant' if v else 'simplified'}" for n, v in CASES])
def test_incremental_build_equals_clean_build(tmp_path, name, variants):
    site = write_site(tmp_path / "site", FILES, {**SITE, "variants": variants})
    out = tmp_path / "out"
    assert not run(site, out=out, now=NOW).errors
    EDITS[name](site)
    incremental = run(site, out=out, now=NOW)
    assert not incremental.errors, incremental.errors
    clean_site = tmp_path / "clean"
    shutil.copytree(site, clean_site, ignore=shutil.ignore_patterns(".cache"))
    assert not run(clean_site, out=tmp_path / "clean-out", now=NOW, use_cache=False).errors
    assert snapshot(out) == snapshot(tmp_path / "clean-out")


@pytest.mark.parametrize("later", ["2024-10-16 12:00", "2024-11-30 12:00"])
def test_build_at_a_new_now_equals_clean_build(tmp_path, later):
    """Overdue lists, feeds, days late and the monthly reports follow "now" in an incremental build too."""
    site = write_site(tmp_path / "site", FILES)
    assert not run(site, out=tmp_path / "out", now=NOW).errors
    assert not run(site, out=tmp_path / "out", now=later).errors
    assert not run(site, out=tmp_path / "clean-out", now=later, use_cache=False).errors
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "clean-out")


def test_no_op_rebuild_renders_nothing_and_rewrites_nothing(tmp_path):
    site = write_site(tmp_path, FILES)
    first = run(site, out=tmp_path / "out", now=NOW)
    assert len(first.rendered) > 40
    again = run(site, out=tmp_path / "out", now=NOW)
    assert again.rendered == [] and again.written == 0


def test_body_edit_renders_exactly_its_page_and_feeds(tmp_path):
    site = write_site(tmp_path, FILES)
    run(site, out=tmp_path / "out", now=NOW)
    source = site / "content/traffic/releases/说明.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n末尾补充一段。\n", encoding="utf-8")  # summary unchanged
    outcome = run(site, out=tmp_path / "out", now=NOW)
    assert sorted(outcome.rendered) == [
        "atom.xml", "feed.xml",
        "topics/gong-gong-jiao-tong/atom.xml", "topics/gong-gong-jiao-tong/feed.xml",
        "traffic/atom.xml", "traffic/feed.xml",
        "traffic/releases/shuo-ming/index.html",
    ]


def test_title_edit_renders_the_pages_that_list_it(tmp_path):
    site = write_site(tmp_path, FILES)
    run(site, out=tmp_path / "out", now=NOW)
    EDITS["title"](site)
    rendered = set(run(site, out=tmp_path / "out", now=NOW).rendered)
    for path in ("police/releases/b/index.html", "police/index.html", "releases/index.html", "index.html",
                 "kinds/news/index.html", "topics/hu-zheng/index.html", "feed.xml", "police/feed.xml",
                 "topics/hu-zheng/feed.xml", "police/qa/q1/index.html"):  # q1 shows b on the same topic
        assert path in rendered
    for path in ("traffic/releases/shuo-ming/index.html", "police/releases/a/index.html", "traffic/feed.xml",
                 "stats/index.html", "qa/index.html"):
        assert path not in rendered


def test_new_now_rerenders_what_depends_on_time(tmp_path):
    site = write_site(tmp_path, FILES)
    run(site, out=tmp_path / "out", now=NOW)
    rendered = set(run(site, out=tmp_path / "out", now="2024-10-25 12:00").rendered)
    assert "stats/index.html" in rendered and "police/qa/q2/index.html" in rendered  # became overdue
    assert "traffic/releases/shuo-ming/index.html" not in rendered


def test_hand_edited_output_is_repaired(tmp_path):
    site = write_site(tmp_path, FILES)
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    clean = snapshot(out)
    (out / "police/index.html").write_text("tampered", encoding="utf-8")
    outcome = run(site, out=out, now=NOW)
    assert outcome.rendered == ["police/index.html"]
    assert snapshot(out) == clean


def test_corrupt_cache_is_ignored(tmp_path):
    site = write_site(tmp_path, FILES)
    run(site, out=tmp_path / "out", now=NOW)
    (site / ".cache/releasehall/build.msgpack").write_bytes(b"not a cache")
    outcome = run(site, out=tmp_path / "out", now=NOW)
    assert not outcome.errors and len(outcome.rendered) > 40


def test_unchanged_outputs_are_not_rewritten_and_stale_ones_removed(tmp_path):
    site = write_site(tmp_path, FILES)
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    untouched = (out / "police/releases/a/index.html").stat().st_mtime_ns
    EDITS["delete"](site)
    outcome = run(site, out=out, now=NOW)
    assert (out / "police/releases/a/index.html").stat().st_mtime_ns == untouched
    assert not (out / "police/releases/b").exists()
    assert outcome.written <= len(outcome.rendered) + 1 + len(outcome.indexed) and not list(tmp_path.glob(".out.*"))  # + sitemap, search bundle
