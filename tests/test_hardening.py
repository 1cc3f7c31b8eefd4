"""Hostile text is inert, builds are reproducible, atomic, and never read outside the site."""

from __future__ import annotations

import html
import os
import re
import shutil
import string
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import BASIC, ENGINES, NOW, SAMPLE_NOW, dept, front, image, sample_hall, site_for, snapshot, write_site
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from releasehall.pipeline.build import run

HOSTILE = """
<script>alert(1)</script>
<img src="https://evil.example/x.png" onerror="alert(2)">
<a href="javascript:alert(3)">点我</a>
<iframe src="https://evil.example"></iframe>
<form action="https://evil.example"><input name=x></form>
<p onclick="alert(4)" style="x">段落</p>
<svg onload=alert(5)></svg>
[链接](javascript:alert(6))
"""


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "form", "input", "object", "embed", "style"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


_THEME_SCRIPTS = re.findall(r"<script>.*?</script>", (Path(__file__).parents[1] / "releasehall/theme/base.html")
                            .read_text(encoding="utf-8"))
_THEME_OWN = re.compile(r'<script type="application/ld\+json">[^<]*</script>|'
                        r'<input type="checkbox" id="elder" class="elder-input">|'
                        # the search box (a plain GET form to /search/) and the search page's form and module
                        r'<form class="search-(?:box|page)" action="[^"<>]*/search/" method="get" role="search" aria-label="[^"<>]*">|'
                        r'<input id="(?:masthead|search)-q" name="q" type="search" placeholder="[^"<>]*">|'
                        r'<script type="module" src="[^"<>]*/static/search\.js"></script>|'
                        + "|".join(re.escape(script) for script in _THEME_SCRIPTS))


def dangerous_markup(text: str) -> list[str]:
    """Scripts, forms, handlers and javascript: URLs, besides the theme's own (its two inline scripts, JSON-LD
    with nothing that could end its element, the 长辈模式 checkbox, the search forms and the search page's module)."""
    parser = _Markup()
    parser.feed(_THEME_OWN.sub("", text))
    return parser.found


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_markup_survives_nowhere(tmp_path, run_cli, engine):
    files = {
        **BASIC,
        "content/police/releases/h.md": front({"title": "<script>t()</script>", "date": "2024-10-01",
                                               "summary": "<b onmouseover=x>s</b>"}, HOSTILE),
        "content/police/qa/h.md": front({"title": "问", "asked": "2024-10-01", "question": "<script>q()</script>",
                                         "asker": "<img src=x onerror=y>", "replied": "2024-10-02"}, HOSTILE),
    }
    site = write_site(tmp_path, files, site_for(engine))
    assert run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)[0] == 0
    for rel, data in snapshot(site / "out").items():
        if not rel.endswith((".html", ".xml", ".json", ".opml")):
            continue
        text = data.decode("utf-8")
        if rel.endswith(".xml"):
            # what a feed reader renders as HTML: the XML text unescaped once (titles are plain text)
            text = html.unescape(re.sub(r"<title>.*?</title>", "", text, flags=re.S))
        assert dangerous_markup(text) == [], rel
    page = (site / "out/police/qa/h/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;q()&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=y&gt;" in page


def test_same_sources_in_two_folders_give_identical_output(tmp_path, run_cli):
    first = write_site(tmp_path / "one" / "site", BASIC)
    second = tmp_path / "two" / "deeper" / "copy"
    shutil.copytree(first, second)
    os.utime(second / "content/police/qa/q1.md", (0, 0))
    for site in (first, second):
        assert run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)[0] == 0
    assert snapshot(first / "out") == snapshot(second / "out")


def test_source_date_epoch_is_the_default_now(tmp_path, monkeypatch):
    site = write_site(tmp_path, BASIC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1729396800")  # 2024-10-20T12:00:00+08:00
    a = run(site, out=tmp_path / "a")
    b = run(site, out=tmp_path / "b", now="2024-10-20T12:00:00+08:00")
    assert not a.errors and not b.errors
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_sample_hall_is_reproducible(tmp_path):
    hall = sample_hall(tmp_path / "hall")
    a = run(hall, out=tmp_path / "a", now=SAMPLE_NOW)
    b = run(hall, out=tmp_path / "b", now=SAMPLE_NOW)
    assert not a.errors and not b.errors
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_failed_write_leaves_old_output_and_no_temporary_folders(tmp_path, monkeypatch):
    site = write_site(tmp_path, BASIC)
    out = tmp_path / "out"
    assert not run(site, out=out, now=NOW).errors
    before = snapshot(out)
    import releasehall.store.write as write

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    (site / "content/traffic/releases/img/map.png").write_bytes(image(20, 10))
    source = site / "content/police/releases/a.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    monkeypatch.setattr(write.shutil, "copyfile", broken)
    outcome = run(site, out=out, now=NOW)
    assert [str(p) for p in outcome.errors] == [
        f"{out}:1: 无法写入输出（disk full），旧的输出保持原样未改动；请检查磁盘空间和写入权限 / cannot write the output "
        "(disk full); the previous output is unchanged; check the free space and the permissions"]
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "content", "out", "site.yaml"]


def test_symlinked_asset_outside_the_site_is_not_copied(tmp_path, run_cli):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    site = write_site(tmp_path / "site", BASIC)
    (site / "content/police/leak.txt").symlink_to(secret)
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)
    assert code == 1
    assert "content/police/leak.txt:1: " in err
    assert not (site / "out").exists()


KEYS = st.sampled_from(["title", "date", "kind", "topics", "with", "related", "pinned", "claim", "draft",
                        "expires", "changes", "bogus", "asked", "question", "replied"])
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 3000) | st.text(max_size=12)
    | st.sampled_from(["2024-10-01", "2024-10-01 09:00", "2024-02-30", "rumor", "police", "../x.md"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(string.ascii_letters, max_size=5), inner,
                                                                 max_size=3),
    max_leaves=6,
)
MARKDOWN = st.lists(st.sampled_from([*"[]()!#*-|`<>/.:_ \n中文ab1", "../", ".md", "](", "http://", "<script>"]),
                   max_size=40).map("".join)


def _assert_clean(outcome, rel: str) -> None:
    for problem in outcome.problems:
        assert problem.path and problem.line >= 1
    if outcome.errors:
        assert any(p.path == rel for p in outcome.errors), outcome.errors


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(KEYS, VALUES, max_size=6), body=MARKDOWN, section=st.sampled_from(["releases", "qa"]))
def test_random_front_matter_builds_or_reports_path_line(tmp_path_factory, data, body, section):
    root = tmp_path_factory.mktemp("fuzz")
    rel = f"content/police/{section}/x.md"
    import yaml

    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body
    write_site(root, {"content/police/department.yaml": dept("公安"), rel: text})
    _assert_clean(run(root, out=root / "out", now=NOW), rel)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_random_bytes_build_or_report_path_line(tmp_path_factory, raw):
    root = tmp_path_factory.mktemp("bytes")
    rel = "content/police/releases/x.md"
    write_site(root, {"content/police/department.yaml": dept("公安"), rel: raw})
    _assert_clean(run(root, out=root / "out", now=NOW), rel)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=120))
def test_random_department_yaml_reports_path_line(tmp_path_factory, raw):
    root = tmp_path_factory.mktemp("dept")
    write_site(root, {"content/police/department.yaml": raw})
    _assert_clean(run(root, out=root / "out", now=NOW), "content/police/department.yaml")


def test_bodies_and_sources_on_all_cores_are_the_same_as_in_one_process(tmp_path, monkeypatch):
    import releasehall.content.load as load
    import releasehall.markdown.markup as markup
    import releasehall.parallel as parallel
    from releasehall.errors import Report
    from releasehall.markdown.markup import Job, Targets, render_all
    from releasehall.model.urls import Urls

    targets = Targets({}, frozenset(), frozenset({"police"}), frozenset(), Urls("/", "https://x.cn"))
    jobs = [Job(f"police/releases/r{n}", f"content/police/releases/r{n}.md",
                f"# 标题{n}\n\n段落 {n}，见[公安](/police/)和[缺失](none{n % 7}.md)。\n\n| a | b |\n|---|---|\n| {n} | x |\n", 5)
            for n in range(60)]
    serial_report, pooled_report = Report(), Report()
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    serial, _ = render_all(jobs, targets, serial_report)
    monkeypatch.setattr(markup, "PARALLEL_FROM", 1)
    pooled, _ = render_all(jobs, targets, pooled_report)
    assert list(pooled) == list(serial) and pooled == serial
    assert pooled_report.problems == serial_report.problems and len(serial_report.errors) == len(jobs)

    site = write_site(tmp_path / "site", BASIC)
    one = run(site, out=tmp_path / "one", now=NOW, use_cache=False)
    monkeypatch.setattr(load, "PARALLEL_FROM", 1)
    two = run(site, out=tmp_path / "two", now=NOW, use_cache=False)
    assert not one.errors and one.problems == two.problems
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


@pytest.mark.parametrize("parallel_from", [10**9, 1])
def test_a_new_source_is_digested_where_it_is_parsed_and_one_that_cannot_be_read_is_not_kept(
        tmp_path, monkeypatch, parallel_from):
    """Sources the cache knows nothing of (a cold build's every one) are read where they are parsed, on both cores:
    each is kept with the digest of its bytes; one that cannot be read is reported at its path and kept for none."""
    import releasehall.content.load as load
    import releasehall.parallel as parallel
    from releasehall.errors import Report
    from releasehall.read.sources import read_text

    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(load, "PARALLEL_FROM", parallel_from)
    (tmp_path / "a.md").write_text("甲")
    (tmp_path / "b.md").write_text("乙")
    report = Report()
    reader = load._Reader(report, {})
    for name in ("a.md", "gone.md", "b.md"):
        reader.defer(tmp_path / name, f"content/x/{name}",
                     lambda found, name=name: read_text(tmp_path / name, f"content/x/{name}", found))
    assert reader.settle() == [("content/x/a.md", "甲"), ("content/x/gone.md", None), ("content/x/b.md", "乙")]
    assert reader.new == {f"content/x/{name}": (load.source_digest(tmp_path / name), text, [])
                          for name, text in (("a.md", "甲"), ("b.md", "乙"))}
    assert [f"{p.path}:{p.line}" for p in report.errors] == ["content/x/gone.md:1"]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_main_process_does_its_own_work_once_while_the_workers_make_the_calls(workers):
    import releasehall.parallel as parallel

    done: list[int] = []
    calls = [lambda n=n: n * n for n in range(50)]
    assert sorted(parallel.fork_map(calls, parallel_from=1, workers=workers, meanwhile=lambda: done.append(1))) == \
        [(n, n * n) for n in range(50)]
    assert done == [1]


def test_outputs_made_on_all_cores_are_byte_identical_to_one_process(tmp_path, monkeypatch):
    import releasehall.outputs.jobs as outputs
    import releasehall.parallel as parallel

    site = write_site(tmp_path / "site", BASIC)
    monkeypatch.setattr(outputs, "PARALLEL_FROM", 10**9)
    assert not run(site, out=tmp_path / "serial", now=NOW, use_cache=False).errors
    monkeypatch.setattr(outputs, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    assert not run(site, out=tmp_path / "pooled", now=NOW, use_cache=False).errors
    assert snapshot(tmp_path / "pooled") == snapshot(tmp_path / "serial")


def test_the_sample_hall_built_on_both_cores_throughout_is_the_one_built_in_one_process(tmp_path, monkeypatch):
    """Sources read, bodies rendered (the rest of the hall put together by the main process meanwhile), outputs
    made (the cache's rows meanwhile) on both cores: the same output and the same problems as in one process."""
    import releasehall.content.load as load
    import releasehall.markdown.markup as markup
    import releasehall.outputs.jobs as outputs
    import releasehall.parallel as parallel

    site = sample_hall(tmp_path / "hall")
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 1)
    one = run(site, out=tmp_path / "one", now=SAMPLE_NOW, use_cache=False)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    for module in (load, markup, outputs):
        monkeypatch.setattr(module, "PARALLEL_FROM", 1)
    two = run(site, out=tmp_path / "two", now=SAMPLE_NOW, use_cache=False)
    assert not one.errors and one.problems == two.problems
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def _mark_then_wait(folder: Path, n: int) -> int:
    if n == 0:
        raise ValueError("share 0 fails")
    (folder / str(n)).touch()
    time.sleep(0.2)
    return n


def test_a_failing_call_on_a_worker_stops_the_shares_not_started(tmp_path, monkeypatch):
    import functools

    import releasehall.parallel as parallel

    calls = [functools.partial(_mark_then_wait, tmp_path, n) for n in range(48)]  # 24 shares of 2 on two workers
    with pytest.raises(ValueError, match="share 0 fails"):
        list(parallel.fork_map(calls, parallel_from=1, workers=2))
    assert len(list(tmp_path.iterdir())) < 24


ALIAS_LINE = re.compile(r"&id\d+")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shared=st.lists(VALUES, min_size=1, max_size=3), keys=st.lists(KEYS, min_size=2, max_size=3, unique=True),
       rest=st.dictionaries(KEYS, VALUES, max_size=3), body=MARKDOWN, section=st.sampled_from(["releases", "qa"]))
@example(shared=[["x"]], keys=["title", "topics"], rest={"date": "a\x85b\u2028c"}, body="", section="releases")
def test_yaml_anchors_and_aliases_are_refused_at_their_line(tmp_path_factory, shared, keys, rest, body, section):
    """One list under several keys: PyYAML writes it once with an anchor (&id001) and then aliases (*id001).
    Front matter refuses anchors and aliases (a few bytes of them can expand to millions of values): the
    build stops with one error at the anchor's line, never a traceback."""
    import yaml

    root = tmp_path_factory.mktemp("alias")
    rel = f"content/police/{section}/x.md"
    data = {**rest, **dict.fromkeys(keys, shared)}
    front_matter = yaml.safe_dump(data, allow_unicode=True)
    assert ALIAS_LINE.search(front_matter)
    # Lines as an editor counts them: only "\n" ends one. str.splitlines() would also split at U+0085, U+2028,
    # U+2029, \v, \f and \x1c-\x1e, which PyYAML may write inside a quoted value; the build removes those
    # (with a warning) and names the line the editor shows.
    line = 1 + next(n for n, text in enumerate(front_matter.split("\n"), 1) if ALIAS_LINE.search(text))
    write_site(root, {"content/police/department.yaml": dept("公安"), rel: "---\n" + front_matter + "---\n" + body})
    outcome = run(root, out=root / "out", now=NOW)
    assert [str(p) for p in outcome.errors] == [
        f"{rel}:{line}: 文件头不允许使用 YAML 锚点和别名（& 和 *）；请把值直接写出来，需要星号时加引号 / YAML anchors and "
        "aliases (& and *) are not allowed; write the value out, and quote a value that starts with '*'"]
    assert not (root / "out").exists()


def test_a_self_referencing_yaml_alias_is_refused_at_its_line(tmp_path):
    rel = "content/police/releases/x.md"
    site = write_site(tmp_path, {"content/police/department.yaml": dept("公安"),
                                 rel: "---\ntitle: 自引用\ndate: 2024-10-01\ntopics: &a [*a]\n---\n正文\n"})
    outcome = run(site, out=tmp_path / "out", now=NOW)
    assert [f"{p.path}:{p.line}" for p in outcome.errors] == [f"{rel}:4"]
    assert "YAML anchors and aliases (& and *) are not allowed" in outcome.errors[0].en
