"""The output folder: Release Hall deletes only what it wrote, and a failure or a crash leaves one whole
build."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from helpers import BASIC, NOW, front, snapshot, write_site

from releasehall.errors import Report
from releasehall.pipeline.build import run
from releasehall.store.signing import cache_key
from releasehall.store.write import MANIFEST, recover


def test_output_inside_git_is_refused(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    (site / ".git/objects").mkdir(parents=True)
    (site / ".git/HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    before = snapshot(site / ".git")
    for out in (site / ".git", site / ".git/objects/x"):
        code, _out, err = run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)
        assert code == 2 and "位于 .git 之内" in err and "inside .git" in err
    assert snapshot(site / ".git") == before and not (site / ".git/objects/x").exists()


def test_a_folder_holding_files_we_did_not_write_is_refused(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    victim = tmp_path / "victim"
    (victim / "docs").mkdir(parents=True)
    (victim / "docs/thesis.txt").write_text("years of work", encoding="utf-8")
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(victim), "--now", NOW)
    assert code == 2
    assert f"releasehall: 输出目录 {victim} 中有不是发布厅写入的文件（docs/thesis.txt，共 1 个）" in err
    assert "holds 1 file(s) Release Hall did not write (docs/thesis.txt)" in err
    assert snapshot(victim) == {"docs/thesis.txt": b"years of work"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "victim"]  # no staging folder either


def test_output_setting_pointing_at_someone_elses_folder_is_refused(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC, site={"title": "厅", "base_url": "https://x.gov.cn/",
                                                       "output": "../victim2"})
    (tmp_path / "victim2").mkdir()
    (tmp_path / "victim2/index.html").write_text("another site", encoding="utf-8")
    code, _out, err = run_cli("build", "--site", str(site), "--now", NOW)
    assert code == 2 and "index.html" in err
    assert snapshot(tmp_path / "victim2") == {"index.html": b"another site"}


def test_a_regular_file_at_the_output_path_is_never_replaced(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    target = tmp_path / "public"
    target.write_text("a file", encoding="utf-8")
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(target), "--now", NOW)
    assert code == 2 and "是一个文件而不是文件夹" in err and "is a file, not a folder" in err
    assert target.read_text(encoding="utf-8") == "a file"
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(site / "site.yaml"), "--now", NOW)
    assert code == 2 and "is a file, not a folder" in err


def test_our_own_output_is_recognized_by_its_manifest_even_when_copied(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "a"), "--now", NOW)[0] == 0
    manifest = (tmp_path / "a" / MANIFEST).read_text(encoding="utf-8")
    assert '"police/releases/a/index.html"' in manifest
    subprocess.run(["cp", "-r", str(tmp_path / "a"), str(tmp_path / "b")], check=True)  # a CI cache restore
    (site / "content/police/qa/q1.md").unlink()
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "b"), "--now", NOW)[0] == 0
    assert not (tmp_path / "b/police/qa/q1").exists()
    (tmp_path / "empty").mkdir()
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "empty"), "--now", NOW)[0] == 0
    # a file added by hand is not ours: refused, and left in place
    (tmp_path / "b/notes.txt").write_text("mine", encoding="utf-8")
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(tmp_path / "b"), "--now", NOW)
    assert code == 2 and "notes.txt" in err and (tmp_path / "b/notes.txt").exists()


def _failing_at(monkeypatch, name: str, call: int, error: OSError) -> None:
    """The `call`-th os.replace (or open for writing) in the output fails, as on a read-only folder or a full disk."""
    import releasehall.store.write as write

    real = getattr(os, name)
    count = [0]

    def failing(*args, **kwargs):
        count[0] += 1
        if count[0] == call:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(write.os, name, failing)


@pytest.mark.parametrize(("name", "call", "code"), [
    ("replace", 1, errno.EACCES), ("replace", 6, errno.EACCES), ("replace", 9, errno.EROFS),
    ("replace", 7, errno.ENOSPC), ("rmdir", 1, errno.EACCES),
])
def test_read_only_or_full_output_is_a_clean_error_and_the_old_output_stays(tmp_path, monkeypatch, run_cli, name,
                                                                             call, code):
    site = write_site(tmp_path / "site", BASIC)
    out = tmp_path / "out"
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)[0] == 0
    before = snapshot(out)
    # many outputs change: every page shows the hall's new title
    (site / "site.yaml").write_text("title: 新的发布厅\nbase_url: https://hall.example.gov.cn/\n", encoding="utf-8")
    (site / "content/police/qa/q1.md").unlink()  # and some go
    error = OSError(code, os.strerror(code), str(out / "police/index.html"))
    _failing_at(monkeypatch, name, call, error)
    exit_code, _out, err = run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)
    if name == "rmdir":  # a stale folder that cannot be removed is left; nothing else to undo
        assert exit_code == 0
        return
    assert exit_code == 1
    assert f"{out}/police/index.html:1: 无法写入输出（{os.strerror(code)}），旧的输出保持原样未改动" in err
    assert "Traceback" not in err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


def test_full_disk_while_staging_in_a_worker_is_a_clean_error(tmp_path, monkeypatch, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    out = tmp_path / "out"
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)[0] == 0
    before = snapshot(out)
    (site / "site.yaml").write_text("title: 新的发布厅\nbase_url: https://hall.example.gov.cn/\n", encoding="utf-8")
    import builtins

    import releasehall.store.write as write

    real_open = builtins.open
    count = [0]

    def full(file, mode="r", *args, **kwargs):
        if "w" in mode and str(file).startswith(str(tmp_path / ".out.new-")):
            count[0] += 1
            if count[0] == 5:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(write, "open", full, raising=False)
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)
    assert code == 1 and "No space left on device" in err and "Traceback" not in err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


def _kill_site(root: Path, files: int, which: str) -> Path:
    """A hall whose every attachment (and one release) differs between versions "A" and "B"."""
    site = write_site(root, {
        "content/police/department.yaml": {"name": "测试市公安局"},
        **{f"content/police/releases/r{i}.md": front({"title": f"发布{i}", "date": "2024-09-01"}, "\n正文。\n")
           for i in range(40)},
        "content/police/releases/r0.md": front({"title": f"版本{which}", "date": "2024-09-01"}, f"\n版本 {which}。\n"),
    })
    assets = site / "content/police/releases/files"
    for i in range(files):
        path = assets / f"d{i % 20}/f{i}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{which}{i}", encoding="utf-8")
    return site


def test_kill_at_any_instant_leaves_one_whole_build_after_the_next_run(tmp_path):
    """Builds of two versions of a hall of a few thousand files alternate into one output; each is killed at a
    random moment (kill -9 of its process group); after the next run's first step the output is exactly one
    whole build and no staging folder is left."""
    files = 2000
    sites = {which: _kill_site(tmp_path / f"site{which}", files, which) for which in "AB"}
    wholes = {}
    for which, site in sites.items():
        assert not run(site, out=tmp_path / which, now=NOW, use_cache=False).errors
        wholes[which] = snapshot(tmp_path / which)
    out = tmp_path / "out"
    key = cache_key(sites["A"], Report())

    def build(which: str) -> int:
        """A build in a forked child (its own process group), as `releasehall build` would run it."""
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.setsid()
            code = 1
            try:
                code = 0 if not run(sites[which], out=out, now=NOW).errors else 1
            finally:
                os._exit(code)
        return pid

    started = time.monotonic()
    assert os.waitpid(build("A"), 0)[1] == 0
    full = time.monotonic() - started
    rng = random.Random(6)
    kills = 0
    which = "A"
    while kills < 30:
        which = "B" if which == "A" else "A"
        pid = build(which)
        time.sleep(rng.uniform(0.2, 1.1) * full)
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            kills += 1
        recover(out, key)  # what the next run of any command does first
        assert snapshot(out) in (wholes["A"], wholes["B"]), f"kill {kills}: not one whole build"
        assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")], f"kill {kills}: litter"
    for site in sites.values():
        run(site, out=tmp_path / "again", now=NOW)
        assert not list((site / ".cache/releasehall").glob(".build-*"))  # removed by the next save


def test_an_empty_output_folder_that_cannot_be_removed_is_filled_file_by_file(tmp_path, monkeypatch, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    out = tmp_path / "mounted"
    out.mkdir()
    _failing_at(monkeypatch, "rmdir", 1, OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(out)))  # a mount point
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)[0] == 0
    monkeypatch.undo()
    assert run_cli("build", "--site", str(site), "--out", str(tmp_path / "plain"), "--now", NOW)[0] == 0
    assert snapshot(out) == snapshot(tmp_path / "plain")


def test_a_search_index_folder_left_by_a_killed_build_is_removed_by_the_next_run(tmp_path, run_cli):
    """Pagefind writes its index in a scratch folder beside the output; a build killed then leaves it behind."""
    site = write_site(tmp_path / "site", BASIC)
    out = tmp_path / "out"
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", "2024-10-20 12:00")[0] == 0
    left = tmp_path / ".out.search-killed"
    (left / "pagefind").mkdir(parents=True)
    (left / "pagefind/pagefind.js").write_text("half written", encoding="utf-8")
    recover(out, cache_key(site, Report()))
    assert not left.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


def test_a_staging_folder_committed_into_the_site_is_never_carried_out(tmp_path, run_cli):
    """With the output inside the site folder (`public/`), its staging folders sit in the site folder, where an
    editor can commit one with a journal: unsigned, its moves are never made (into the output, or with `..`
    beyond it); it is removed."""
    site = write_site(tmp_path / "site", BASIC)
    out = site / "public"
    assert run_cli("build", "--site", str(site), "--now", NOW)[0] == 0
    before = snapshot(out)
    planted = site / ".public.new-planted"
    (planted / "police").mkdir(parents=True)
    (planted / "police/index.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (tmp_path / "victim.txt").write_text("mine", encoding="utf-8")
    (planted / ".journal").write_text("0" * 64 + '\n{"put": ["police/index.html"], "remove": ["../../victim.txt"]}',
                                      encoding="utf-8")
    assert run_cli("check", "--site", str(site), "--now", NOW)[0] == 0  # every command recovers first
    assert not planted.exists() and snapshot(out) == before
    assert (tmp_path / "victim.txt").read_text(encoding="utf-8") == "mine"
