"""serve's quick path: a body-only edit re-renders its page and feeds, and the site equals a whole build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import NOW, front, write_site
from test_incremental import FILES, edit
from watchdog.events import DirModifiedEvent, FileClosedEvent, FileCreatedEvent, FileDeletedEvent, FileModifiedEvent

from releasehall.serve.server import Site, _Watcher

SHUO_MING = "content/traffic/releases/说明.md"
ITS_OUTPUTS = [
    "atom.xml", "feed.xml",
    "topics/gong-gong-jiao-tong/atom.xml", "topics/gong-gong-jiao-tong/feed.xml",
    "traffic/atom.xml", "traffic/feed.xml",
    "traffic/releases/shuo-ming/index.html",
]


def started(site: Path) -> Site:
    preview = Site(site.resolve(), "http://127.0.0.1:8000/", NOW, False)
    outcome = preview.rebuild()
    assert outcome is not None and not outcome.errors
    return preview


def whole_build(site: Path, tmp_path: Path) -> Site:
    copy = tmp_path / "fresh"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(".cache"))
    return started(copy)


@pytest.mark.parametrize("variants", [[], ["zh-Hant"]])
def test_body_edit_renders_its_page_and_feeds_only_and_equals_a_whole_build(tmp_path, variants):
    site = write_site(tmp_path / "site", FILES)
    if variants:
        (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8") + "variants: [zh-Hant]\n",
                                        encoding="utf-8")
    preview = started(site)
    edit(site / SHUO_MING, "![地图]", "新的第一段，摘要随之改变。\n\n![地图]")
    outcome = preview.rebuild({SHUO_MING})
    assert outcome is not None and not outcome.problems
    mirrored = [f"zh-hant/{path}" for path in ITS_OUTPUTS] if variants else []
    assert sorted(outcome.rendered) == sorted([*ITS_OUTPUTS, *mirrored])
    assert "新的第一段" in preview.files["traffic/releases/shuo-ming/index.html"].decode("utf-8")
    assert preview.files == whole_build(site, tmp_path).files

    # a whole rebuild after the quick one still equals a clean build
    edit(site / "content/police/releases/b.md", "第二条", "第二条（更正）")
    assert "police/index.html" in preview.rebuild(None).rendered
    assert preview.files == whole_build(site, tmp_path).files


@pytest.mark.parametrize(("change", "also_rendered"), [
    # front matter changed: its listings show the new title
    (lambda s: edit(s / "content/police/releases/b.md", "第二条", "第二条（改）"), "police/index.html"),
    # a new link: the linked item's page gains a backlink
    (lambda s: edit(s / "content/police/releases/b.md", "正文。", "正文，见[说明](../../traffic/releases/说明.md)。"),
     "traffic/releases/shuo-ming/index.html"),
])
def test_other_edits_take_the_whole_path(tmp_path, change, also_rendered):
    site = write_site(tmp_path / "site", FILES)
    preview = started(site)
    change(site)
    outcome = preview.rebuild({"content/police/releases/b.md"})
    assert outcome is not None and also_rendered in outcome.rendered
    assert preview.files == whole_build(site, tmp_path).files


def test_a_body_with_an_error_is_reported_and_the_last_good_site_kept(tmp_path):
    site = write_site(tmp_path / "site", {**FILES, "content/police/qa/q3.md": front(
        {"title": "已答复", "asked": "2024-10-10", "question": "何时？", "replied": "2024-10-11"}, "\n答复。\n")})
    preview = started(site)
    before = dict(preview.files)
    edit(site / "content/police/qa/q3.md", "答复。", "请致电 13912345678 联系。")
    outcome = preview.rebuild({"content/police/qa/q3.md"})
    assert outcome is not None
    assert [f"{p.path}:{p.line}" for p in outcome.errors] == ["content/police/qa/q3.md:8"]
    assert preview.files == before


def test_watcher_names_saved_markdown_and_asks_for_more_otherwise(tmp_path):
    import threading

    root = write_site(tmp_path / "site", FILES).resolve()
    watcher = _Watcher(root, threading.Event())
    source = str(root / SHUO_MING)
    watcher.on_any_event(FileModifiedEvent(source))
    watcher.on_any_event(FileClosedEvent(source))
    watcher.on_any_event(DirModifiedEvent(str(root / "content/traffic/releases")))
    watcher.on_any_event(FileCreatedEvent(str(root / "content/traffic/releases/.说明.md.swp")))
    assert watcher.take() == {SHUO_MING}
    assert watcher.take() == set()
    watcher.on_any_event(FileModifiedEvent(source))
    watcher.on_any_event(FileDeletedEvent(str(root / "content/police/releases/b.md")))
    assert watcher.take() is None
    watcher.on_any_event(FileModifiedEvent(str(root / "site.yaml")))
    assert watcher.take() is None


def test_a_source_with_errors_is_not_parsed_again_until_it_changes(tmp_path, monkeypatch):
    import releasehall.content.load as load

    site = write_site(tmp_path / "site", {**FILES, "content/police/releases/bad.md": front({"title": "坏"}, "x\n")})
    parsed: list[str] = []
    real = load._load_release
    monkeypatch.setattr(load, "_load_release", lambda path, rel, *rest: parsed.append(rel) or real(path, rel, *rest))
    preview = Site(site.resolve(), "http://127.0.0.1:8000/", NOW, False)
    first = preview.rebuild()
    assert first is not None and [f"{p.path}:{p.line}" for p in first.errors] == ["content/police/releases/bad.md:2"]
    assert "content/police/releases/bad.md" in parsed
    parsed.clear()
    again = preview.rebuild()
    assert again is not None and [f"{p.path}:{p.line}" for p in again.errors] == ["content/police/releases/bad.md:2"]
    assert parsed == []
