"""The build cache is data only, checked as a whole, and never changes what a build produces."""

from __future__ import annotations

import dataclasses
import gc
import os
import pickle
import random
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import BASIC, SAMPLE_NOW, SITE, front, sample_hall, write_site
from test_incremental import FILES, NOW, edit, snapshot

from releasehall.errors import Report
from releasehall.pipeline.build import run
from releasehall.store import cache as cache_module
from releasehall.store.cache import CACHE_DIR, BuildCache, dumps, load_cache, loads
from releasehall.store.places import CACHE_FILE
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
    for name in ("build.pickle", "build.json", "build.msgpack"):
        (site / CACHE_DIR / name).write_bytes(pickle.dumps(Exploit(marker)))
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"), "--now", NOW)
    assert code == 0 and not marker.exists()
    assert ".cache/releasehall/build.msgpack:1: 警告 warning: 缓存不是发布厅的缓存，已忽略" in err
    for old in ("build.pickle", "build.json"):
        assert f".cache/releasehall/{old}:1: 警告 warning: 旧格式的缓存从不读取，已删除" in err
        assert not (site / CACHE_DIR / old).exists()
    run_cli("build", "--site", str(site), "--out", str(tmp_path / "clean"), "--now", NOW, "--no-cache")
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "clean")


def test_every_single_bit_flip_is_ignored_and_the_output_equals_a_clean_build(tmp_path):
    site = write_site(tmp_path / "site", FILES)
    assert not run(site, out=tmp_path / "first", now=NOW).errors
    genuine = (site / CACHE_DIR / CACHE_FILE).read_bytes()
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
        (site / CACHE_DIR / CACHE_FILE).write_bytes(bytes(flipped))
        report = Report()
        assert load_cache(site, signature, report, key) == BuildCache(signature), position  # the whole cache ignored
        assert [p.path for p in report.problems] == [f".cache/releasehall/{CACHE_FILE}"]
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
        ".cache/releasehall/build.msgpack:1: 警告 warning: 缓存来自其他版本（代码、Python 或时区不同），已忽略，本次完整构建 / "
        "the cache is from another version (code, Python or time zone); ignored, building in full"]


def test_a_cache_made_with_another_version_of_a_library_is_ignored(tmp_path, monkeypatch):
    """The cache holds what libraries made (cmark-gfm's and nh3's HTML, pypinyin's URL names, OpenCC's text): after
    an upgrade of one, nothing made by the old one may reach the output."""
    site = write_site(tmp_path / "site", FILES)
    run(site, out=tmp_path / "out", now=NOW)
    installed = cache_module.distributions()
    upgraded = [name.replace("nh3-", "nh3-999.") if "/nh3-" in name else name for name in installed]
    assert upgraded != installed
    monkeypatch.setattr(cache_module, "distributions", lambda: upgraded)
    outcome = run(site, out=tmp_path / "out", now=NOW)
    assert outcome.rendered
    assert [str(p) for p in outcome.problems] == [
        ".cache/releasehall/build.msgpack:1: 警告 warning: 缓存来自其他版本（代码、Python 或时区不同），已忽略，本次完整构建 / "
        "the cache is from another version (code, Python or time zone); ignored, building in full"]


def test_the_sample_hall_cache_round_trips_exactly(tmp_path):
    site = sample_hall(tmp_path / "hall")
    outcome = run(site, out=tmp_path / "out", now=SAMPLE_NOW, use_cache=False)
    assert not outcome.errors
    # a real cache of the sample hall, made by a build that keeps one
    assert not run(site, out=tmp_path / "out2", now=SAMPLE_NOW).errors
    data = (site / CACHE_DIR / CACHE_FILE).read_bytes()
    signature = data.split(b'"signature": "')[1].split(b'"')[0].decode()
    key = cache_key(site, Report())
    assert key is not None
    cache, why = loads(data, signature, key)
    assert cache is not None and why == ""
    assert cache.sources and cache.bodies and cache.keys and cache.stamps
    assert dumps(cache, key) == data  # every line written again from what it was read from
    cache.lines.clear()
    assert dumps(cache, key) == data  # and every line encoded again: the same bytes


# moments of every shape `schema.parse_datetime` gives, in a zone with summer time: a wall time in the spring gap,
# one in the autumn's repeated hour, fixed offsets (UTC among them), microseconds; and every record that holds them
DATED = {
    **BASIC,
    "content/police/releases/gap.md": front(
        {"title": "夏令时", "date": "2024-03-10 02:30", "updated": "2024-11-03T01:30:00-04:00",
         "expires": "2024-12-01T00:00:00Z", "pinned": "2024-11-03 01:30",
         "changes": [{"date": "2024-03-10T02:30:00.250000+05:45", "note": "补充"}],
         "document": {"number": "测〔2024〕1号", "written": "2024-03-01", "repealed": "2029-01-01T08:00:00+08:00"}},
        "\n正文。\n"),
    "content/police/releases/pinned.md": front({"title": "置顶", "date": "2024-10-01", "pinned": True}, "\n正文。\n"),
    "content/police/qa/moved.md": front(
        {"title": "转办", "asked": "2024-09-27 10:00", "question": "何时？", "replied": "2024-10-08T09:00:00Z",
         "promised": "2024-10-30", "resolved": "2024-10-12 01:30",
         "transfers": [{"from": "police", "to": "traffic", "date": "2024-09-28"}],
         "paused": [{"from": "2024-09-30", "to": "2024-10-02"}]}, "\n答复。\n"),
    "content/police/qa/gone.md": front(
        {"title": "撤回", "asked": "2024-09-27 10:00", "question": "何时？", "withdrawn": "2024-10-02",
         "paused": [{"from": "2024-09-30"}]}),
}


def _kept_by_the_build(site: Path, out: Path, monkeypatch, **build) -> BuildCache:
    """The cache a build saves, as it held it in memory."""
    import releasehall.pipeline.build as pipeline

    kept: list[BuildCache] = []
    original = pipeline.save_cache
    monkeypatch.setattr(pipeline, "save_cache", lambda root, cache: kept.append(cache) or original(root, cache))
    assert not run(site, out=out, now=build.pop("now", NOW), **build).errors
    monkeypatch.setattr(pipeline, "save_cache", original)
    return kept[-1]


def _exactly(cache: BuildCache) -> dict[str, object]:
    """What a cache holds, with the type of every value (repr shows tuples apart from lists, bools from ints, a
    zone from a fixed offset)."""
    return {"sources": {rel: repr(entry) for rel, entry in cache.sources.items()},
            "bodies": {repr(k): repr(v) for k, v in cache.bodies.items()},
            "rest": repr((cache.output, cache.keys, cache.stamps, cache.search_placed, cache.search_bundles))}


@pytest.mark.parametrize("hall", ["dated", "sample"])
def test_a_cache_decodes_to_exactly_what_the_build_kept(tmp_path, monkeypatch, hall):
    if hall == "sample":
        site, now = sample_hall(tmp_path / "hall"), SAMPLE_NOW
    else:
        site, now = write_site(tmp_path / "site", DATED, {**SITE, "timezone": "America/New_York"}), NOW
    kept = _kept_by_the_build(site, tmp_path / "out", monkeypatch, now=now)
    assert len(kept.sources) >= 8 and kept.bodies
    if hall == "dated":
        gap = kept.sources["content/police/releases/gap.md"][1]
        assert repr(gap.date) == "datetime.datetime(2024, 3, 10, 2, 30, tzinfo=zoneinfo.ZoneInfo(key='America/New_York'))"
        assert repr(gap.updated.tzinfo) == "datetime.timezone(datetime.timedelta(days=-1, seconds=72000))"
    report = Report()
    loaded = load_cache(site, kept.signature, report, kept.key)
    assert not report.problems and loaded.sources.keys() == kept.sources.keys()
    assert _exactly(loaded) == _exactly(kept)


def test_the_rows_made_while_the_pages_render_are_the_rows_a_save_would_make(tmp_path, monkeypatch):
    """A build makes the cache's rows of its sources and bodies while its pages are made (`prepare_rows`), and the
    save writes them from those bytes: the same file as making every row at the save. A source changed after them
    is written as it is then."""
    from releasehall.store.cache import prepare_rows

    site = write_site(tmp_path / "site", DATED, {**SITE, "timezone": "America/New_York"})
    kept = _kept_by_the_build(site, tmp_path / "out", monkeypatch)
    assert set(kept.lines) == {*kept.sources, *kept.bodies}  # every row made before the save
    data = dumps(kept, kept.key)
    assert (site / CACHE_DIR / CACHE_FILE).read_bytes() == data
    prepared = dict(kept.lines)
    kept.lines.clear()
    assert dumps(kept, kept.key) == data
    prepare_rows(kept)
    assert {k: v[3] for k, v in kept.lines.items()} == {k: v[3] for k, v in prepared.items()}
    rel = "content/police/releases/pinned.md"
    digest, record, problems = kept.sources[rel]
    kept.sources[rel] = (digest, dataclasses.replace(record, title="改过"), problems)
    cache, _why = loads(dumps(kept, kept.key), kept.signature, kept.key)
    assert cache is not None and cache.sources[rel][1].title == "改过"


def test_a_record_or_body_that_would_not_come_back_exactly_is_made_again(tmp_path, monkeypatch):
    """A moment in a second zone, the later of two equal wall times, a list where a tuple is declared: that source or
    body is not written (it is read or rendered again next build), the rest is kept."""
    from datetime import UTC, datetime, timezone
    from zoneinfo import ZoneInfo

    site = write_site(tmp_path / "site", DATED, {**SITE, "timezone": "America/New_York"})
    kept = _kept_by_the_build(site, tmp_path / "out", monkeypatch)
    rel = "content/police/releases/gap.md"
    digest, gap, problems = kept.sources[rel]
    for odd in ({"updated": datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York"))},
                {"updated": datetime(2024, 3, 1, tzinfo=ZoneInfo("Asia/Shanghai"))},
                {"updated": datetime(2024, 3, 1)},
                {"updated": datetime(2024, 3, 1, tzinfo=UTC).astimezone(timezone(timedelta(seconds=30)))},
                {"topics": list(gap.topics)}):
        kept.sources[rel] = (digest, dataclasses.replace(gap, **odd), problems)
        cache, why = loads(dumps(kept, kept.key), kept.signature, kept.key)
        assert why == "" and cache is not None
        assert cache.sources.keys() == kept.sources.keys() - {rel}, odd
        assert _exactly(cache)["bodies"] == _exactly(kept)["bodies"]
    kept.sources[rel] = (digest, gap, problems)
    body_key, (body, body_problems) = next(iter(kept.bodies.items()))
    kept.bodies[body_key] = (dataclasses.replace(body, links=list(body.links)), body_problems)
    cache, _why = loads(dumps(kept, kept.key), kept.signature, kept.key)
    assert cache is not None and cache.bodies.keys() == kept.bodies.keys() - {body_key}
    assert _exactly(cache)["sources"] == _exactly(kept)["sources"]


def _resigned(data: bytes, key: bytes, change) -> bytes:
    """The cache in `data` with its document changed by `change` (on the document as plain lists and maps), signed
    again with the right key: what a bug, or a forger who has the key, could write."""
    import json

    import msgspec

    from releasehall.store.cache import _mac

    head, _newline, payload = data.partition(b"\n")
    document = msgspec.msgpack.decode(payload)
    change(document)
    payload = msgspec.msgpack.encode(document)
    header = json.loads(head)
    header["mac"] = _mac(key, header["signature"], payload)
    return json.dumps(header, sort_keys=True).encode("ascii") + b"\n" + payload


def _release(document: list) -> dict:
    return next(row[2] for row in document[2] if row[2] is not None)


CHANGES = {
    "a string where a tuple is": lambda d: _release(d).update(topics="公共交通"),
    "a list for a record": lambda d: d[2][0].__setitem__(2, ["c", "subprocess:Popen", "ls"]),
    "an unknown key in a body": lambda d: d[6][0][1].update({"__reduce__": "os.system"}) or d[6][0][1].pop("html"),
    "a moment without its zone": lambda d: [row.__setitem__(4, "") for row in d[2]],
    "a moment that is no date": lambda d: _release(d).update(date="明天"),
    "an integer for a bool": lambda d: _release(d).update(draft=1),
    "a zone that does not exist": lambda d: [row.__setitem__(4, "../../etc/passwd") for row in d[2]],
    "a source twice": lambda d: d[2].append(d[2][0]),
    "a body twice": lambda d: d[6].append(d[6][0]),
    "a stamp of another shape": lambda d: d[8].update({"x.html": [1, "2", "3"]}),
    "a missing part": lambda d: d.pop(),
    "not a document": lambda d: d.clear(),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_signed_cache_of_another_shape_is_ignored_as_damaged(tmp_path, change):
    site = write_site(tmp_path / "site", FILES)
    assert not run(site, out=tmp_path / "out", now=NOW).errors
    data = (site / CACHE_DIR / CACHE_FILE).read_bytes()
    signature = data.split(b'"signature": "')[1].split(b'"')[0].decode()
    key = cache_key(site, Report())
    assert key is not None and loads(_resigned(data, key, lambda d: None), signature, key)[1] == ""
    assert loads(_resigned(data, key, CHANGES[change]), signature, key) == (None, "damaged")


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
    data = (site / CACHE_DIR / CACHE_FILE).read_bytes()
    signature = data.split(b'"signature": "')[1].split(b'"')[0].decode()
    cache, _why = loads(data, signature, key)
    assert cache is not None and cache.bodies
    cache.lines.clear()
    cache.bodies = {k: (dataclasses.replace(body, html="<p>伪造的正文</p>\n"), problems)
                    for k, (body, problems) in cache.bodies.items()}
    (site / CACHE_DIR / CACHE_FILE).write_bytes(dumps(cache, signer))


def test_a_forged_cache_is_ignored_and_the_output_equals_a_clean_build(tmp_path, run_cli):
    """A forger who knows the format writes a consistent cache with other page bodies; without the key it is
    ignored with the one-line notice (signed with the key, the same forgery would change the pages)."""
    site = write_site(tmp_path / "site", FILES)
    assert not run(site, out=tmp_path / "first", now=NOW).errors
    assert not run(site, out=tmp_path / "clean", now=NOW, use_cache=False).errors
    clean = snapshot(tmp_path / "clean")
    key = cache_key(site, Report())
    assert key is not None
    genuine = (site / CACHE_DIR / CACHE_FILE).read_bytes()
    _forge(site, key, b"the forger's own key, not ours...")
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"), "--now", NOW)
    assert code == 0
    assert err.count(".cache/releasehall/build.msgpack:1: 警告 warning: 缓存未通过校验") == 1
    assert "fails its check (damaged, altered, or written on another machine or with another key)" in err
    assert snapshot(tmp_path / "out") == clean
    # the test can fail: the same forgery, signed with the key, would be believed
    (site / CACHE_DIR / CACHE_FILE).write_bytes(genuine)
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
    assert [p.path for p in outcome.problems] == [f".cache/releasehall/{CACHE_FILE}"]
    assert len(outcome.rendered) > 20  # a full build
    assert snapshot(tmp_path / "b") == snapshot(tmp_path / "a")
    assert run(site, out=tmp_path / "b", now=NOW).problems == []  # now signed with machine b's key
    monkeypatch.setenv(KEY_VARIABLE, "the operator's CI secret")  # the secret wins over the key file
    assert [p.path for p in run(site, out=tmp_path / "b", now=NOW).problems] == [f".cache/releasehall/{CACHE_FILE}"]
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
    (site / CACHE_DIR / CACHE_FILE).unlink()
    report = Report()
    assert cache_key(site, report) is None
    assert "the cache key must not lie inside the site folder" in str(report.problems[0])
    outcome = run(site, out=tmp_path / "out", now=NOW)
    assert not outcome.errors and not (site / "content/releasehall").exists()
    assert not (site / CACHE_DIR / CACHE_FILE).exists()  # no key: no cache kept
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
    cache = (site / CACHE_DIR / CACHE_FILE).read_bytes()
    target = site / "content/police/releases/b.md"
    edit(target, "正文。", "正文，改过。")
    local = run(site, out=out, now=NOW)
    assert not local.errors and 0 < len(local.rendered) < 20
    edit(target, "正文，改过。", "正文。")
    (site / CACHE_DIR / CACHE_FILE).write_bytes(cache)  # the cache as CI restores it
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


def test_a_search_bundle_a_signed_cache_names_never_puts_a_file_outside_the_output(tmp_path):
    """The one forgery the key allows: a signed cache naming a search bundle whose address and file names climb out of
    the index (`../`). A page body from such a cache is believed, but no path read from it reaches outside the output:
    the bundle is not one (a name that is no plain file name), its part is made again."""
    from releasehall.outputs import search
    from releasehall.store.places import SEARCH_FOLDER
    from releasehall.store.write import digest_of

    site = write_site(tmp_path / "deep/er/site", FILES)
    out = tmp_path / "deep/er/out"
    assert not run(site, out=out, now=NOW).errors
    key = cache_key(site, Report())
    assert key is not None
    data = (site / CACHE_DIR / CACHE_FILE).read_bytes()
    signature = data.split(b'"signature": "')[1].split(b'"')[0].decode()
    cache, _why = loads(data, signature, key)
    assert cache is not None
    folder = site / CACHE_DIR / SEARCH_FOLDER
    for inputs, digest in list(cache.search_bundles.items()):
        files = dict(search.Packed((folder / f"{digest}{search.SUFFIX}").read_bytes()))
        files["../../../../../escaped.txt"] = b"outside"
        crafted = search.pack(files, "x/../../../../" + "0" * 54)
        (folder / f"{digest_of(crafted)}{search.SUFFIX}").write_bytes(crafted)
        cache.search_bundles[inputs] = digest_of(crafted)
    cache.search_placed, cache.lines = [], {}
    (site / CACHE_DIR / CACHE_FILE).write_bytes(dumps(cache, key))
    later = "2024-10-21 12:00"  # a whole build, the parts' pages as they were
    assert not run(site, out=out, now=later).errors
    assert sorted(p.name for p in tmp_path.rglob("escaped.txt")) == []
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json")
                  if not p.is_relative_to(out) and not p.is_relative_to(site)) == []
    assert not run(site, out=tmp_path / "clean", now=later, use_cache=False).errors
    assert snapshot(out) == snapshot(tmp_path / "clean")


def test_the_collector_is_off_while_the_cache_is_read_and_written_and_as_it_was_after(tmp_path, monkeypatch):
    """Collecting would walk every record the cache holds again, at each load and save (seconds at 100k)."""
    from releasehall.pipeline import build as pipeline

    site = write_site(tmp_path / "site", FILES)
    seen: list[tuple[str, bool]] = []
    for name in ("load_cache", "save_cache"):
        real = getattr(pipeline, name)
        monkeypatch.setattr(pipeline, name, lambda *args, real=real, name=name, **kw: (
            seen.append((name, gc.isenabled())), real(*args, **kw))[1])
    assert gc.isenabled()
    run(site, out=tmp_path / "out", now=NOW)
    assert seen == [("load_cache", False), ("save_cache", False)]
    assert gc.isenabled()
