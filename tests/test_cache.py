"""The build cache is data only, checked as a whole, and never changes what a build produces."""

from __future__ import annotations

import dataclasses
import os
import pickle
import random
import shutil
from pathlib import Path

import pytest
from helpers import SAMPLE_NOW, sample_hall, write_site
from test_incremental import FILES, NOW, edit, snapshot

from releasehall.errors import Report
from releasehall.pipeline.build import run
from releasehall.store.cache import CACHE_DIR, BuildCache, decode, dumps, encode, load_cache, loads
from releasehall.store.signing import KEY_VARIABLE, cache_key, key_file


class Exploit:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_a_pickle_in_the_cache_folder_never_runs(tmp_path, run_cli):
    site = write_site(tmp_path / "site", FILES)
    marker = tmp_path / "PWNED"
    (site / CACHE_DIR).mkdir(parents=True)
    for name in ("build.pickle", "build.json"):
        (site / CACHE_DIR / name).write_bytes(pickle.dumps(Exploit(marker)))
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"), "--now", NOW)
    assert code == 0 and not marker.exists()
    assert ".cache/releasehall/build.json:1: 警告 warning: 缓存不是发布厅的缓存，已忽略" in err
    assert ".cache/releasehall/build.pickle:1: 警告 warning: 旧格式的缓存从不读取，已删除" in err
    assert not (site / CACHE_DIR / "build.pickle").exists()
    run_cli("build", "--site", str(site), "--out", str(tmp_path / "clean"), "--now", NOW, "--no-cache")
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "clean")


def test_every_single_bit_flip_is_ignored_and_the_output_equals_a_clean_build(tmp_path):
    site = write_site(tmp_path / "site", FILES)
    assert not run(site, out=tmp_path / "first", now=NOW).errors
    genuine = (site / CACHE_DIR / "build.json").read_bytes()
    edit(site / "content/traffic/releases/说明.md", "![地图]", "补充说明。\n\n![地图]")
    assert not run(site, out=tmp_path / "clean", now=NOW, use_cache=False).errors
    clean = snapshot(tmp_path / "clean")
    rng = random.Random(9)
    header_end = genuine.index(b"\n")
    # a few flips in the header and the separator, the rest anywhere
    positions = [rng.randrange(header_end + 1) for _ in range(8)] + [rng.randrange(len(genuine)) for _ in range(32)]
    signature = genuine.split(b'"signature": "')[1].split(b'"')[0].decode()
    key = cache_key(site, Report())
    for number, position in enumerate(positions):
        flipped = bytearray(genuine)
        flipped[position] ^= 1 << rng.randrange(8)
        (site / CACHE_DIR / "build.json").write_bytes(bytes(flipped))
        report = Report()
        assert load_cache(site, signature, report, key) == BuildCache(signature), position  # the whole cache ignored
        assert [p.path for p in report.problems] == [".cache/releasehall/build.json"]
        if number % 8 == 0:  # and a whole build on some of them (each costs a build)
            outcome = run(site, out=tmp_path / f"flip{number}", now=NOW)
            assert not outcome.errors
            assert snapshot(tmp_path / f"flip{number}") == clean, position


def test_a_cache_from_another_version_or_zone_is_ignored(tmp_path):
    site = write_site(tmp_path / "site", FILES)
    run(site, out=tmp_path / "out", now=NOW)
    report = Report()
    assert load_cache(site, "another-signature", report, b"k" * 32) == BuildCache("another-signature")
    assert [str(p) for p in report.problems] == [
        ".cache/releasehall/build.json:1: 警告 warning: 缓存来自其他版本（代码、Python 或时区不同），已忽略，本次完整构建 / "
        "the cache is from another version (code, Python or time zone); ignored, building in full"]


def test_the_sample_hall_cache_round_trips_exactly(tmp_path):
    site = sample_hall(tmp_path / "hall")
    outcome = run(site, out=tmp_path / "out", now=SAMPLE_NOW, use_cache=False)
    assert not outcome.errors
    # a real cache of the sample hall, made by a build that keeps one
    assert not run(site, out=tmp_path / "out2", now=SAMPLE_NOW).errors
    data = (site / CACHE_DIR / "build.json").read_bytes()
    signature = data.split(b'"signature": "')[1].split(b'"')[0].decode()
    key = cache_key(site, Report())
    assert key is not None
    cache, why = loads(data, signature, key)
    assert cache is not None and why == ""
    assert cache.sources and cache.bodies and cache.keys and cache.stamps
    assert dumps(cache, key) == data  # every line written again from what it was read from
    cache.lines.clear()
    assert dumps(cache, key) == data  # and every line encoded again: the same bytes


def test_decode_refuses_what_encode_never_writes():
    import pytest

    from releasehall.store.cache import Refused

    for bad in ({"a": 1}, ["x", 1], ["c", "subprocess:Popen", "ls"], ["c", "releasehall.errors:Problem", "a"], ["c", "releasehall.store.cache:Refused"], ["d", 1], [], ["d", ["l"], 1]):
        with pytest.raises(Refused):
            decode(bad)
    assert decode(encode({("a", 1): (1, [2], frozenset({"x"}))})) == {("a", 1): (1, [2], frozenset({"x"}))}


def test_a_fresh_checkout_reuses_the_cache_by_content(tmp_path):
    """Every file gets a new modification time (a CI checkout): no source is parsed or rendered again."""
    site = write_site(tmp_path / "site", FILES)
    out = tmp_path / "out"
    assert not run(site, out=out, now=NOW).errors
    later = 2_000_000_000
    for path in site.rglob("*"):
        if path.is_file() and ".cache" not in path.parts:
            os.utime(path, (later, later))
    import releasehall.content.load as load

    parsed: list[str] = []
    original = load._front

    def counting(path, rel, *args):
        parsed.append(rel)
        return original(path, rel, *args)

    load._front = counting
    try:
        outcome = run(site, out=out, now=NOW)
        assert parsed == [] and outcome.rendered == []
        edit(site / "content/police/releases/b.md", "正文。", "正文，改过。")
        outcome = run(site, out=out, now=NOW)
        assert parsed == ["content/police/releases/b.md"]
    finally:
        load._front = original


def _forge(site: Path, key: bytes, signer: bytes) -> None:
    """Rewrite the site's genuine cache with every cached page body replaced, signed with `signer`."""
    data = (site / CACHE_DIR / "build.json").read_bytes()
    signature = data.split(b'"signature": "')[1].split(b'"')[0].decode()
    cache, _why = loads(data, signature, key)
    assert cache is not None and cache.bodies
    cache.lines.clear()
    cache.bodies = {k: (dataclasses.replace(body, html="<p>伪造的正文</p>\n"), problems)
                    for k, (body, problems) in cache.bodies.items()}
    (site / CACHE_DIR / "build.json").write_bytes(dumps(cache, signer))


def test_a_forged_cache_is_ignored_and_the_output_equals_a_clean_build(tmp_path, run_cli):
    """A forger who knows the format writes a consistent cache with other page bodies; without the key it is
    ignored with the one-line notice (signed with the key, the same forgery would change the pages)."""
    site = write_site(tmp_path / "site", FILES)
    assert not run(site, out=tmp_path / "first", now=NOW).errors
    assert not run(site, out=tmp_path / "clean", now=NOW, use_cache=False).errors
    clean = snapshot(tmp_path / "clean")
    key = cache_key(site, Report())
    assert key is not None
    genuine = (site / CACHE_DIR / "build.json").read_bytes()
    _forge(site, key, b"the forger's own key, not ours...")
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"), "--now", NOW)
    assert code == 0
    assert err.count(".cache/releasehall/build.json:1: 警告 warning: 缓存未通过校验") == 1
    assert "fails its check (damaged, altered, or written on another machine or with another key)" in err
    assert snapshot(tmp_path / "out") == clean
    # the test can fail: the same forgery, signed with the key, would be believed
    (site / CACHE_DIR / "build.json").write_bytes(genuine)
    _forge(site, key, key)
    assert not run(site, out=tmp_path / "believed", now=NOW).errors
    assert "伪造的正文" in (tmp_path / "believed/police/releases/b/index.html").read_text(encoding="utf-8")


def test_a_cache_from_another_machine_is_ignored(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE)
    site = write_site(tmp_path / "site", FILES)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine-a"))
    assert not run(site, out=tmp_path / "a", now=NOW).errors
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine-b"))  # the cache copied to another machine
    outcome = run(site, out=tmp_path / "b", now=NOW)
    assert [p.path for p in outcome.problems] == [".cache/releasehall/build.json"]
    assert len(outcome.rendered) > 20  # a full build
    assert snapshot(tmp_path / "b") == snapshot(tmp_path / "a")
    assert run(site, out=tmp_path / "b", now=NOW).problems == []  # now signed with machine b's key
    monkeypatch.setenv(KEY_VARIABLE, "the operator's CI secret")  # the secret wins over the key file
    assert [p.path for p in run(site, out=tmp_path / "b", now=NOW).problems] == [".cache/releasehall/build.json"]
    assert run(site, out=tmp_path / "b", now=NOW).problems == []


def test_the_key_lives_outside_the_site_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE)
    site = write_site(tmp_path / "site", FILES)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    assert not run(site, out=tmp_path / "out", now=NOW).errors
    key = tmp_path / "home-cache/releasehall/key"
    assert key_file() == key and key.is_file() and key.stat().st_mode & 0o777 == 0o600
    assert len(key.read_bytes().strip()) == 64
    for folder in (site, tmp_path / "out"):
        assert not [p for p in folder.rglob("*")
                    if p.is_file() and (p.name == "key" or key.read_bytes().strip() in p.read_bytes())]
    # a key folder inside the site (where an editor could commit a key) is never used
    monkeypatch.setenv("XDG_CACHE_HOME", str(site / "content"))
    (site / CACHE_DIR / "build.json").unlink()
    report = Report()
    assert cache_key(site, report) is None
    assert "the cache key must not lie inside the site folder" in str(report.problems[0])
    outcome = run(site, out=tmp_path / "out", now=NOW)
    assert not outcome.errors and not (site / "content/releasehall").exists()
    assert not (site / CACHE_DIR / "build.json").exists()  # no key: no cache kept
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(site))
    assert cache_key(site, Report()) is None


def _checked_out_again(site: Path, later: int = 2_000_000_000) -> None:
    """What a CI checkout does to the sources: every file gets a new modification time (the cache is restored)."""
    for path in site.rglob("*"):
        if path.is_file() and ".cache" not in path.parts:
            os.utime(path, (later, later))


def _restore(out: Path, backup: Path) -> None:
    """The output restored from a copy: the same bytes, every file with a new modification time."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(backup, out, copy_function=shutil.copyfile)


@pytest.mark.parametrize("output", ["empty", "restored"])
def test_a_fresh_checkout_with_one_file_changed_renders_what_a_local_edit_does(tmp_path, output):
    """Issue 10: a fresh checkout (new modification times, cache restored) with one file changed renders exactly
    the outputs a local edit renders, into an empty output (the others come from the cache's store of outputs) as
    well as over a restored one (recognized by their digests), and gives a clean build's bytes."""
    site = write_site(tmp_path / "site", FILES)
    out = tmp_path / "out"
    assert not run(site, out=out, now=NOW).errors
    shutil.copytree(out, tmp_path / "backup")
    cache = (site / CACHE_DIR / "build.json").read_bytes()
    target = site / "content/police/releases/b.md"
    edit(target, "正文。", "正文，改过。")
    local = run(site, out=out, now=NOW)
    assert not local.errors and 0 < len(local.rendered) < 20
    edit(target, "正文，改过。", "正文。")
    (site / CACHE_DIR / "build.json").write_bytes(cache)  # the cache as CI restores it
    _checked_out_again(site)
    edit(target, "正文。", "正文，改过。")
    if output == "empty":
        shutil.rmtree(out)
    else:
        _restore(out, tmp_path / "backup")
    fresh = run(site, out=out, now=NOW)
    assert not fresh.errors
    assert sorted(fresh.rendered) == sorted(local.rendered)
    assert not run(site, out=tmp_path / "clean", now=NOW, use_cache=False).errors
    assert snapshot(out) == snapshot(tmp_path / "clean")


def test_a_tampered_file_in_a_restored_output_is_rewritten(tmp_path):
    """A restored output's files are recognized by their digests (in the signed cache), never by size alone."""
    site = write_site(tmp_path / "site", FILES)
    out = tmp_path / "out"
    assert not run(site, out=out, now=NOW).errors
    clean = snapshot(out)
    page = out / "police/releases/b/index.html"
    for tampered in (page.read_bytes().replace("正文".encode(), "伪造".encode()),  # the same size
                     page.read_bytes() + b"<script>alert(1)</script>"):
        backup = tmp_path / "backup"
        shutil.rmtree(backup, ignore_errors=True)
        shutil.copytree(out, backup)
        (backup / "police/releases/b/index.html").write_bytes(tampered)
        _restore(out, backup)
        outcome = run(site, out=out, now=NOW)
        assert not outcome.errors
        assert snapshot(out) == clean  # rewritten (from the store of outputs), the others recognized by digest
        assert outcome.written == 1


def test_a_forged_file_in_the_store_of_outputs_is_not_published(tmp_path):
    """The store of outputs (`.cache/releasehall/outputs/<digest>`) is in the site folder: a file there is used only
    when its bytes have the digest the signed cache names."""
    site = write_site(tmp_path / "site", FILES)
    out = tmp_path / "out"
    assert not run(site, out=out, now=NOW).errors
    clean = snapshot(out)
    store = site / CACHE_DIR / "outputs"
    assert len(list(store.iterdir())) >= len([p for p in out.rglob("*.html")])
    for blob in store.iterdir():
        blob.unlink()  # a hard link of the output's file: replaced, not changed in place
        blob.write_bytes(b"<p>forged</p>")
    shutil.rmtree(out)
    outcome = run(site, out=out, now=NOW)
    assert not outcome.errors and len(outcome.rendered) > 20 and snapshot(out) == clean


@pytest.mark.parametrize("output", ["empty", "restored"])
def test_a_checkout_at_another_path_renders_what_a_local_edit_does(tmp_path, output):
    """A CI runner may check the hall out into another folder each time: the site's and the output's paths are
    not part of what a page shows, so moving them renders nothing more than the edit itself."""
    site = write_site(tmp_path / "a/site", FILES)
    assert not run(site, out=site / "public", now=NOW).errors
    target = site / "content/police/releases/b.md"
    edit(target, "正文。", "正文，改过。")
    local = run(site, out=site / "public", now=NOW)
    assert not local.errors and 0 < len(local.rendered) < 20
    edit(target, "正文，改过。", "正文。")
    assert not run(site, out=site / "public", now=NOW).errors
    moved = tmp_path / "b/elsewhere"
    shutil.copytree(site, moved, symlinks=True)
    _checked_out_again(moved)
    if output == "empty":
        shutil.rmtree(moved / "public")
    edit(moved / "content/police/releases/b.md", "正文。", "正文，改过。")
    fresh = run(moved, out=moved / "public", now=NOW)
    assert not fresh.errors
    assert sorted(fresh.rendered) == sorted(local.rendered)
    assert not run(moved, out=tmp_path / "clean", now=NOW, use_cache=False).errors
    assert snapshot(moved / "public") == snapshot(tmp_path / "clean")
