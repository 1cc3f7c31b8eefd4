"""The no-op shortcut (`pipeline/unchanged`): a build is skipped only when every input and the output are as the last
build left them; any input changed, a new "now" or a damaged output means a whole build, equal to a clean one."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import BASIC, NOW, SITE, front, image, snapshot, write_site

from releasehall.content import load
from releasehall.pipeline import build as pipeline
from releasehall.pipeline import unchanged
from releasehall.pipeline.build import run
from releasehall.store.write import OutputRefused

FILES = {
    **BASIC,
    "content/police/releases/b.md": front({"title": "第二条", "date": "2024-10-02", "related": ["police/qa/later"]},
                                          "\n正文。\n"),
    "content/police/qa/later.md": front({"title": "以后", "asked": "2024-10-30", "question": "何时？"}),  # future
}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def age(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every input an hour old, as in a site edited long before its build: no file is then compared by digest. (Setting
    a file's times changes its change time to now, which no call can set back: the racy window is closed instead.)"""
    monkeypatch.setattr(unchanged, "RACY_NS", 0)
    past = time.time() - 3600
    for path in [site / "site.yaml", *(site / "content").rglob("*")]:
        os.utime(path, (past, past), follow_symlinks=False)


def clean(site: Path, tmp_path: Path, **options: object) -> dict[str, bytes]:
    copy = tmp_path / "clean-site"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(".cache"), symlinks=True)
    out = tmp_path / "clean-out"
    shutil.rmtree(out, ignore_errors=True)
    assert not run(copy, out=out, use_cache=False, **options).errors  # type: ignore[arg-type]
    return snapshot(out)


def test_a_second_build_of_the_same_inputs_is_skipped_and_says_what_a_whole_one_said(tmp_path):
    site = write_site(tmp_path / "site", FILES, SITE)
    out = tmp_path / "out"
    first = run(site, out=out, now=NOW)
    assert not first.errors and not first.skipped and first.rendered
    warned = [str(p) for p in first.problems]
    assert any("later" in line for line in warned)  # the related item not yet published
    made = snapshot(out)
    again = run(site, out=out, now=NOW)
    assert again.skipped and again.rendered == [] and again.written == 0
    assert again.kept == first.written + first.kept
    assert [str(p) for p in again.problems] == warned
    assert snapshot(out) == made
    assert run(site, out=out, now=NOW).skipped


EDITS: dict[str, Callable[[Path], None]] = {
    "same-size body edit": lambda s: edit(s / "content/police/releases/b.md", "正文。", "本文。"),
    "same-size date edit": lambda s: edit(s / "content/police/releases/b.md", "2024-10-02", "2024-08-02"),
    "new file": lambda s: (s / "content/police/releases/c.md").write_text(
        front({"title": "新发布", "date": "2024-10-19"}, "新。\n"), encoding="utf-8"),
    "deleted file": lambda s: (s / "content/police/releases/b.md").unlink(),
    "renamed file": lambda s: (s / "content/police/releases/b.md").rename(s / "content/police/releases/b2.md"),
    "picture": lambda s: (s / "content/traffic/releases/img/map.png").write_bytes(image(30, 20)),
    "department.yaml": lambda s: edit(s / "content/traffic/department.yaml", "测试区交警大队", "测试区交通警察大队"),
    "site.yaml": lambda s: edit(s / "site.yaml", "测试发布厅", "测试政务发布厅"),
    "template added": lambda s: (s / "layouts").mkdir() or (s / "layouts/404.html").write_text(
        "<p>找不到</p>\n", encoding="utf-8"),
    "empty folder": lambda s: (s / "content/police/qa/empty").mkdir(),
    "link added": lambda s: os.symlink("a.md", s / "content/police/releases/a-link.md"),
}


@pytest.mark.parametrize("aged", [False, True], ids=["just-written", "an-hour-old"])
@pytest.mark.parametrize("name", list(EDITS))
def test_any_input_changed_builds_again_and_equals_a_clean_build(tmp_path, monkeypatch, name, aged):
    site = write_site(tmp_path / "site", FILES, SITE)
    out = tmp_path / "out"
    if aged:
        age(site, monkeypatch)
    assert not run(site, out=out, now=NOW).errors
    EDITS[name](site)
    again = run(site, out=out, now=NOW)
    assert not again.skipped and not again.errors
    assert snapshot(out) == clean(site, tmp_path, now=NOW)
    assert run(site, out=out, now=NOW).skipped  # the edit's fingerprint, taken from the stats it had, is the output's


def test_a_same_size_edit_with_its_old_modification_time_is_seen_by_its_change_time(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", FILES, SITE)
    age(site, monkeypatch)
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    source = site / "content/police/releases/b.md"
    before = source.stat()
    edit(source, "正文。", "本文。")
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))  # as a tool that keeps times would leave it
    assert not run(site, out=out, now=NOW).skipped
    assert "本文" in (out / "police/releases/b/index.html").read_text(encoding="utf-8")


def test_a_file_touched_but_not_changed_is_compared_by_digest_and_skipped(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", FILES, SITE)
    age(site, monkeypatch)
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    os.utime(site / "content/police/releases/a.md")  # now: a new time, the same bytes (a checkout, a stash)
    os.utime(site / "site.yaml")
    assert run(site, out=out, now=NOW).skipped
    assert run(site, out=out, now=NOW).skipped


@pytest.mark.parametrize(("option", "value"), [("now", "2024-10-20 12:01"), ("now", "2024-10-21 12:00"),
                                                ("drafts", True), ("base_url", "https://other.example.gov.cn/")])
def test_another_now_or_option_builds_again_and_equals_a_clean_build(tmp_path, option, value):
    """"now" shows in the output to the second and finer (stats.json's as_of, the figures' 统计截至), so a build is
    skipped only at the very "now" of the last one."""
    site = write_site(tmp_path / "site", FILES, SITE)
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    options = {"now": NOW, option: value}
    again = run(site, out=out, **options)  # type: ignore[arg-type]
    assert not again.skipped and not again.errors
    assert snapshot(out) == clean(site, tmp_path, **options)


def test_another_code_or_theme_builds_again(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", FILES, SITE)
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    theme = tmp_path / "theme"
    shutil.copytree(pipeline.THEME, theme)
    monkeypatch.setattr(pipeline, "THEME", theme)
    assert run(site, out=out, now=NOW).skipped  # the same bytes elsewhere: recognized by digest
    (theme / "404.html").write_text((theme / "404.html").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not run(site, out=out, now=NOW).skipped
    assert run(site, out=out, now=NOW).skipped
    monkeypatch.setattr(pipeline, "code_signature", lambda zone: "another version of the code")
    assert not run(site, out=out, now=NOW).skipped


DAMAGE: dict[str, Callable[[Path], None]] = {
    "a page changed": lambda out: (out / "police/index.html").write_text("tampered", encoding="utf-8"),
    "a page removed": lambda out: (out / "police/index.html").unlink(),
    "a folder removed": lambda out: shutil.rmtree(out / "police/releases/a"),
    "a page's time changed": lambda out: os.utime(out / "police/index.html", (1, 1)),
}


@pytest.mark.parametrize("name", list(DAMAGE))
def test_a_damaged_output_is_repaired(tmp_path, name):
    site = write_site(tmp_path / "site", FILES, SITE)
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    made = snapshot(out)
    DAMAGE[name](out)
    again = run(site, out=out, now=NOW)
    assert not again.skipped and again.written == (0 if "time" in name else 1)
    assert snapshot(out) == made
    assert run(site, out=out, now=NOW).skipped


def test_a_file_added_to_the_output_is_refused_as_without_the_shortcut(tmp_path):
    site = write_site(tmp_path / "site", FILES, SITE)
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    (out / "police/notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputRefused):
        run(site, out=out, now=NOW)


@pytest.mark.parametrize("time_set_back", [False, True], ids=["as added", "folder's time set back"])
def test_a_file_added_to_the_output_before_an_edit_is_refused(tmp_path, time_set_back):
    """Whatever the folder's modification time says: its change time (which no call sets back) is in the
    fingerprint, so the claim's walk is not skipped."""
    site = write_site(tmp_path / "site", FILES, SITE)
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    folder = out / "police/releases/a"
    before = folder.stat()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    if time_set_back:
        os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    edit(site / "content/police/releases/b.md", "正文。", "本文。")
    with pytest.raises(OutputRefused):
        run(site, out=out, now=NOW)


@pytest.mark.parametrize("first", [True, False], ids=["first build", "edit"])
def test_a_file_put_into_the_output_while_a_build_writes_it_is_refused_by_the_next(tmp_path, monkeypatch, first):
    """The fingerprint takes a folder the build wrote into by its stat after the commit: a file someone else put there
    meanwhile would be in that stat, and the next build, finding the output as left, would not walk it to refuse
    the file. Such a folder is listed: anything in it the build did not write leaves no fingerprint."""
    from releasehall.store import write

    site = write_site(tmp_path / "site", FILES, SITE)
    out = tmp_path / "out"
    if not first:
        assert not run(site, out=out, now=NOW).errors
    commit = write.Stager.commit

    def meanwhile(self: write.Stager, wanted: object) -> write.Written:
        written = commit(self, wanted)  # type: ignore[arg-type]
        (out / "police/notes.txt").write_text("someone else's", encoding="utf-8")
        return written

    monkeypatch.setattr(write.Stager, "commit", meanwhile)
    edit(site / "content/police/releases/b.md", "正文。", "本文。")
    assert not run(site, out=out, now=NOW).errors
    monkeypatch.undo()
    edit(site / "content/police/releases/b.md", "本文。", "正文。")
    with pytest.raises(OutputRefused):
        run(site, out=out, now=NOW)


def test_an_edit_over_the_output_as_left_looks_at_each_of_its_files_once(tmp_path, monkeypatch):
    """The stats the fingerprint's check takes stand for the claim's walk, each output's check and the new
    fingerprint: a file the edit does not move is looked at once, the output is not walked."""
    site = write_site(tmp_path / "site", FILES, SITE)
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    before = snapshot(out)
    looked: dict[str, int] = {}
    walked: list[str] = []
    real_stat, real_lstat, real_scandir = os.stat, os.lstat, os.scandir

    def count(path: object) -> None:
        if str(path).startswith(f"{out}/"):
            looked[str(path)] = looked.get(str(path), 0) + 1

    def stat(path, *args, **kwargs):
        count(path)
        return real_stat(path, *args, **kwargs)

    def lstat(path, *args, **kwargs):
        count(path)
        return real_lstat(path, *args, **kwargs)

    def scandir(path=".", *args, **kwargs):
        if str(path).startswith(str(out)):
            walked.append(str(path))
        return real_scandir(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "lstat", lstat)
    monkeypatch.setattr(os, "scandir", scandir)
    edit(site / "content/police/releases/b.md", "正文。", "本文。")
    again = run(site, out=out, now=NOW)
    monkeypatch.undo()
    assert not again.skipped and not again.errors and again.written
    after = snapshot(out)
    same = [rel for rel in after if before.get(rel) == after[rel]]
    assert len(same) > 50
    assert {rel: looked.get(f"{out}/{rel}", 0) for rel in same} == {rel: 1 for rel in same}
    moved = [rel for rel in {*before, *after} if before.get(rel) != after.get(rel)]
    above = {str(out)}  # the folders the edit wrote into, and those above them
    for rel in moved:
        parts = rel.split("/")[:-1]
        above |= {str(out.joinpath(*parts[:n])) for n in range(1, len(parts) + 1)}
    assert len(walked) == len(set(walked)) and set(walked) <= above  # each listed once (the fingerprint's check)
    assert len(walked) * 4 < sum(p.is_dir() for p in out.rglob("*"))  # not a walk of the output
    assert run(site, out=out, now=NOW).skipped


def test_a_changed_cache_or_fingerprint_builds_in_full(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", FILES, SITE)
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    (site / ".cache/releasehall/build.msgpack").write_bytes(b"not a cache")
    again = run(site, out=out, now=NOW)
    assert not again.skipped and len(again.rendered) > 20
    assert any("build.msgpack" in p.path for p in again.problems)
    fingerprint = site / ".cache/releasehall/unchanged.json"
    data = fingerprint.read_bytes()
    fingerprint.write_bytes(data.replace(b'"count":', b'"count":1'))  # altered: its signature fails
    assert not run(site, out=out, now=NOW).skipped
    monkeypatch.setenv("RELEASEHALL_CACHE_KEY", "another key")  # signed with another key: ignored
    assert not run(site, out=out, now=NOW).skipped
    assert run(site, out=out, now=NOW).skipped


def _built_with_a_link_out_of_its_tree(tmp_path: Path) -> tuple[Path, Path]:
    """A site whose layouts/static/logo.png links to ../../logo.png (in the site, out of layouts/), built once."""
    site = write_site(tmp_path / "site", FILES, SITE)
    (site / "logo.png").write_bytes(image(10, 10))
    (site / "layouts/static").mkdir(parents=True)
    os.symlink("../../logo.png", site / "layouts/static/logo.png")
    out = tmp_path / "out"
    assert not run(site, out=out, now=NOW).errors
    return site, out


def test_a_link_out_of_its_tree_turns_the_shortcut_off(tmp_path):
    """layouts/ may link to files elsewhere in the site folder; the fingerprint does not follow them, so a site with
    such a link is always built in full (its target may have changed)."""
    site, out = _built_with_a_link_out_of_its_tree(tmp_path)
    (site / "logo.png").write_bytes(image(12, 12))
    assert not run(site, out=out, now=NOW).skipped
    assert (out / "static/logo.png").read_bytes() == image(12, 12)


def test_with_the_shortcut_off_an_edit_still_knows_the_output_as_left_and_reads_none_of_its_files(tmp_path,
                                                                                                  monkeypatch):
    """Without a fingerprint of the inputs (a link out of its tree) the output's is still kept: an edit then trusts
    the stamps of the files it keeps (none read to be recognized) and does not walk the output."""
    from releasehall.store import write

    site, out = _built_with_a_link_out_of_its_tree(tmp_path)
    read: list[str] = []
    digest = write._file_digest

    def counted(path: Path) -> str | None:
        read.append(str(path))
        return digest(path)

    monkeypatch.setattr(write, "_file_digest", counted)
    monkeypatch.setattr(write, "_existing_files", lambda *args: pytest.fail("the output was walked"))
    edit(site / "content/police/releases/b.md", "正文。", "本文。")
    again = run(site, out=out, now=NOW)
    assert not again.errors and not again.skipped and again.kept > 50
    assert read == []
    monkeypatch.undo()
    assert snapshot(out) == clean(site, tmp_path, now=NOW)


def test_sources_whose_stat_is_unchanged_are_not_read_to_be_recognized(tmp_path, monkeypatch):
    """After an edit, the build recognizes every other source by its stat and the digest the last build recorded
    (`unchanged.known_digests`): only the edited file is read to tell whether it changed."""
    site = write_site(tmp_path / "site", FILES, SITE)
    age(site, monkeypatch)
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    edit(site / "content/police/releases/b.md", "正文。", "正文，补充。")
    read: list[str] = []
    digest = load.source_digest
    monkeypatch.setattr(load, "source_digest", lambda path: read.append(path.name) or digest(path))
    again = run(site, out=out, now=NOW)
    assert read == ["b.md"] and not again.skipped
    assert snapshot(out) == clean(site, tmp_path, now=NOW)


def test_an_edit_compiles_only_the_templates_it_uses_when_all_compiled_last_time(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", FILES, SITE)
    out = tmp_path / "out"
    compiled: list[str] = []
    compile_all = pipeline.render.compile_templates
    monkeypatch.setattr(pipeline.render, "compile_templates", lambda env: compiled.append("all") or compile_all(env))
    run(site, out=out, now=NOW)
    assert compiled == ["all"]
    edit(site / "content/police/releases/b.md", "正文。", "正文，补充。")
    assert not run(site, out=out, now=NOW).errors and compiled == ["all"]
    assert snapshot(out) == clean(site, tmp_path, now=NOW)
    compiled.clear()
    (site / "layouts").mkdir()
    (site / "layouts/unused.html").write_text("{% if %}\n", encoding="utf-8")  # used by no page, still an error
    edit(site / "content/police/releases/b.md", "正文，补充。", "正文。")
    broken = run(site, out=out, now=NOW)
    assert [p.path for p in broken.errors] == ["layouts/unused.html"] and compiled == ["all"]
