"""The build cache is data only, checked as a whole, and never changes what a build produces (issue 9, 10, 14)."""

from __future__ import annotations

import os
import pickle
import random
import shutil
from pathlib import Path

from conftest import write_site
from test_incremental import FILES, NOW, edit, snapshot

from releasehall.build import run
from releasehall.cache import CACHE_DIR, BuildCache, decode, dumps, encode, load_cache, loads
from releasehall.errors import Report

REPO = Path(__file__).resolve().parents[1]


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
    for number, position in enumerate(positions):
        flipped = bytearray(genuine)
        flipped[position] ^= 1 << rng.randrange(8)
        (site / CACHE_DIR / "build.json").write_bytes(bytes(flipped))
        report = Report()
        assert load_cache(site, signature, report) == BuildCache(signature), position  # the whole cache ignored
        assert [p.path for p in report.problems] == [".cache/releasehall/build.json"]
        if number % 8 == 0:  # and a whole build on some of them (each costs a build)
            outcome = run(site, out=tmp_path / f"flip{number}", now=NOW)
            assert not outcome.errors
            assert snapshot(tmp_path / f"flip{number}") == clean, position


def test_a_cache_from_another_version_or_zone_is_ignored(tmp_path):
    site = write_site(tmp_path / "site", FILES)
    run(site, out=tmp_path / "out", now=NOW)
    report = Report()
    assert load_cache(site, "another-signature", report) == BuildCache("another-signature")
    assert [str(p) for p in report.problems] == [
        ".cache/releasehall/build.json:1: 警告 warning: 缓存来自其他版本（代码、Python 或时区不同），已忽略，本次完整构建 / "
        "the cache is from another version (code, Python or time zone); ignored, building in full"]


def test_the_sample_hall_cache_round_trips_exactly(tmp_path):
    outcome = run(REPO, out=tmp_path / "out", now="2026-11-20 18:00", use_cache=False)
    assert not outcome.errors
    # a real cache of the sample hall, made by a build that keeps one
    site = tmp_path / "hall"
    shutil.copytree(REPO / "content", site / "content")
    shutil.copy(REPO / "site.yaml", site / "site.yaml")
    if (REPO / "layouts").is_dir():
        shutil.copytree(REPO / "layouts", site / "layouts")
    assert not run(site, out=tmp_path / "out2", now="2026-11-20 18:00").errors
    data = (site / CACHE_DIR / "build.json").read_bytes()
    signature = data.split(b'"signature": "')[1].split(b'"')[0].decode()
    cache, why = loads(data, signature)
    assert cache is not None and why == ""
    assert cache.sources and cache.bodies and cache.keys and cache.stamps
    assert dumps(cache) == data


def test_decode_refuses_what_encode_never_writes():
    import pytest

    from releasehall.cache import Refused

    for bad in ({"a": 1}, ["x", 1], ["c", "subprocess:Popen", "ls"], ["c", "releasehall.errors:Problem", "a"], ["c", "releasehall.cache:Refused"], ["d", 1], [], ["d", ["l"], 1]):
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
    import releasehall.load as load

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
