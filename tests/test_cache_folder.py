"""The cache folder is in the site folder, where a commit can put anything: a link, a file where a folder
belongs or a foreign entry anywhere under `.cache/` is removed (or, in a check, left and not used) with a
one-line notice, never followed, and the build goes on as with an empty cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import front, image, write_site
from test_incremental import FILES, NOW, snapshot

from releasehall.pipeline.build import run
from releasehall.store.cache import CACHE_DIR

SHOWN = {**FILES,
         "content/traffic/releases/照片.md": front({"title": "照片", "date": "2024-10-05"}, "\n![路口](img/wide.jpg)\n"),
         "content/traffic/releases/img/wide.jpg": image(1200, 80, "JPEG")}


def _canary(root: Path) -> Path:
    """A folder outside the site that looks like a cache: nothing in it may change."""
    for rel in ("releasehall/outputs/keep.html", "releasehall/search-pages/index.html", "releasehall/build.msgpack",
                "releasehall/images/keep/info.json", "outputs/keep.html", "search-pages/page/index.html",
                "images/keep/info.json", "search/keep.zip", "keep.html", "build.json"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"canary {rel}\n", encoding="utf-8")
    return root


def _state(root: Path) -> dict[str, tuple[bytes, int, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_nlink)
            for p in sorted(root.rglob("*")) if p.is_file()}


def _link(path: Path, target: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target, target_is_directory=target.is_dir())


def _file(path: Path, _target: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a folder")


# (.cache/releasehall/search-pages, where Pagefind read the pages, is no longer made: tests/test_search.py checks
# that a build removes it, and never follows a link there)
PLACES = [".cache", ".cache/releasehall", ".cache/releasehall/outputs", ".cache/releasehall/search",
          ".cache/releasehall/images"]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("clean")
    site = write_site(root / "site", SHOWN)
    assert not run(site, out=root / "out", now=NOW, use_cache=False).errors
    return snapshot(root / "out")


@pytest.mark.parametrize("warm", [False, True], ids=["fresh", "after-a-build"])
@pytest.mark.parametrize("plant", [_link, _file], ids=["link", "file"])
@pytest.mark.parametrize("place", PLACES)
def test_a_link_or_file_in_the_cache_folder_is_removed_never_followed(tmp_path, clean, place, plant, warm):
    site = write_site(tmp_path / "site", SHOWN)
    canary = _canary(tmp_path / "canary")
    out = tmp_path / "out"
    if warm:
        assert not run(site, out=out, now=NOW).errors
        shutil.rmtree(out)  # the next build fills it from the store of outputs, if it trusted it
    before = _state(canary)
    plant(site / place, canary)
    for use_cache in (True, False):
        outcome = run(site, out=out, now=NOW, use_cache=use_cache)
        assert not outcome.errors, outcome.errors
        assert snapshot(out) == clean
        assert _state(canary) == before
    assert not (site / place).is_symlink() and (site / place).is_dir()  # made again by the builds, as a folder


def test_the_notice_names_the_entry_once_and_the_next_build_is_quiet(tmp_path, clean):
    site = write_site(tmp_path / "site", SHOWN)
    canary = _canary(tmp_path / "canary")
    _link(site / ".cache/releasehall/outputs", canary / "outputs")
    outcome = run(site, out=tmp_path / "out", now=NOW)
    assert [(p.path, p.line, p.warning) for p in outcome.problems] == [(".cache/releasehall/outputs", 1, True)]
    assert "从不跟随" in outcome.problems[0].zh and "never followed" in outcome.problems[0].en
    assert not run(site, out=tmp_path / "out", now=NOW).problems


@pytest.mark.parametrize("entry", ["file", "link", "folder-of-links"])
def test_a_foreign_entry_in_the_cache_folders_is_removed_never_followed(tmp_path, clean, entry):
    site = write_site(tmp_path / "site", SHOWN)
    canary = _canary(tmp_path / "canary")
    out = tmp_path / "out"
    assert not run(site, out=out, now=NOW).errors
    before = _state(canary)
    cache = site / CACHE_DIR
    digests = [p.name for p in (cache / "outputs").iterdir()]
    keys = [p.name for p in (cache / "images").iterdir()]
    zips = [p.name for p in (cache / "search").iterdir()]
    assert digests and keys and zips
    places = [cache / "foreign", cache / "build.msgpack", cache / "outputs" / digests[0], cache / "search" / zips[0],
              cache / "images" / keys[0]]
    for path in places:
        if entry == "file":
            _file(path, canary)
        elif entry == "link":
            _link(path, canary / "keep.html" if path.parent.name != "images" else canary / "images" / "keep")
        else:
            _file(path, canary)
            path.unlink()
            path.mkdir()
            (path / "inside").symlink_to(canary / "keep.html")
    shutil.rmtree(out)
    outcome = run(site, out=out, now=NOW)
    assert not outcome.errors, outcome.errors
    assert snapshot(out) == clean
    assert _state(canary) == before
    assert not any(p.is_symlink() for p in (site / ".cache").rglob("*"))


def test_a_plain_file_where_an_image_entry_goes_does_not_fail_the_build(tmp_path, clean):
    """The entry's name is computable from public bytes: a file there must not stop any build, `--no-cache` too."""
    site = write_site(tmp_path / "site", SHOWN)
    assert not run(site, out=tmp_path / "first", now=NOW).errors
    images = site / CACHE_DIR / "images"
    keys = [p.name for p in images.iterdir()]
    shutil.rmtree(images)
    images.mkdir()
    for key in keys:
        (images / key).write_bytes(b"in the way")
    for use_cache in (False, True):
        out = tmp_path / f"out-{use_cache}"
        outcome = run(site, out=out, now=NOW, use_cache=use_cache)
        assert not outcome.errors, outcome.errors
        assert snapshot(out) == clean


def test_a_check_leaves_the_cache_folder_as_it_is_and_reads_nothing_through_it(tmp_path):
    site = write_site(tmp_path / "site", SHOWN)
    canary = _canary(tmp_path / "canary")
    _link(site / ".cache", canary)
    before = _state(canary)
    outcome = run(site, out=tmp_path / "out", now=NOW, write=False)
    assert not outcome.errors
    assert [p.path for p in outcome.problems] == [".cache"]
    assert (site / ".cache").is_symlink() and _state(canary) == before
    assert os.path.realpath(site / ".cache") == str(canary)
