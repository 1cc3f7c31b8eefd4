"""Untrusted text (issue 22): characters written as YAML escapes, schema limits where a human never goes, per-body
passes over thousands of links, images and headings, and personal data across separators.
Every input is made in the test; speed is measured in bench/hostile.py, never here."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import BASIC, NOW, write_site

from releasehall.pipeline.build import run


def build(site: Path, **options):
    return run(site, out=site / "out", now=NOW, **options)


def where(outcome, warning: bool = False) -> list[tuple[str, int]]:
    return [(p.path, p.line) for p in outcome.problems if p.warning == warning]


# ---- characters XML cannot carry, written as YAML escapes

ESCAPES = ['"\\uFFFF"', '"\\uFFFE"', '"\\0"', '"\\x01"', '"\\e"', '"a\\u2028b"']


@pytest.mark.parametrize("escape", ESCAPES)
@pytest.mark.parametrize("field", ["title", "summary", "topic", "department"])
def test_a_character_xml_cannot_carry_written_as_an_escape_is_an_error_at_its_line(tmp_path, field, escape):
    release = {"title": '"管制"', "date": "2024-09-20", "summary": '"摘要"', "topics": '["公共交通"]'}
    department = 'name: "测试区交警大队"\nparent: police\nlevel: district\n'
    line = {"title": 2, "summary": 4, "topic": 5, "department": 1}[field]
    if field == "department":
        department = f'name: {escape}\nparent: police\nlevel: district\n'
        rel = "content/traffic/department.yaml"
    else:
        key = "topics" if field == "topic" else field
        release[key] = f"[{escape}]" if field == "topic" else escape
        rel = "content/traffic/releases/x.md"
    text = "---\n" + "".join(f"{k}: {v}\n" for k, v in release.items()) + "---\n\n正文。\n"
    site = write_site(tmp_path, {**BASIC, "content/traffic/department.yaml": department,
                                 "content/traffic/releases/x.md": text})
    outcome = build(site)
    assert (rel, line) in where(outcome), outcome.problems
    problem = next(p for p in outcome.errors if p.path == rel)
    assert "U+" in problem.en and "remove it" in problem.en and "删除" in problem.zh
    assert not (site / "out").exists()


# ---- personal data: every way of reading the digits, not only all separators joined

SPLIT_OFF = [  # (text, line offset of the number)
    ("因道路施工(举报人电话13912345678),12路公交改道", 0),
    ("举报人电话：13912345678，12路公交", 0),
    ("电话 139 1234 5678 12 路", 0),
    ("第一段\n来电 0755-88001234-5 号线", 1),  # a landline read apart from the digits after it
    ("编号 2024.13912345678.7", 0),
]


@pytest.mark.parametrize(("text", "line"), SPLIT_OFF)
def test_a_number_followed_by_a_separator_and_more_digits_is_found(text, line):
    from releasehall.content.privacy import find_personal_data

    found = [(offset, en.split(";")[0]) for offset, _zh, en in find_personal_data(text)]
    assert found and {offset for offset, _en in found} == {line}, found
    assert any("mobile" in en or "landline" in en for _offset, en in found)


def test_a_number_split_off_in_a_release_is_an_error_at_its_line(tmp_path):
    body = "\n第一段。\n\n因道路施工(举报人电话13912345678),12路公交临时改道。\n"
    text = "---\ntitle: 改道\ndate: 2024-09-20\n---\n" + body
    site = write_site(tmp_path, {**BASIC, "content/traffic/releases/x.md": text})
    assert where(build(site)) == [("content/traffic/releases/x.md", 8)]


# ---- per-body passes over thousands of links, images and headings (their speed: bench/hostile.py)

def _release(body: str) -> str:
    return "---\ntitle: 很多链接\ndate: 2024-09-20\n---\n" + body  # the body's first line is line 5


def test_thousands_of_refused_links_are_each_warned_at_their_own_line(tmp_path):
    body = "".join(f"[链接{n}](javascript:alert({n}))\n\n" for n in range(4000))
    site = write_site(tmp_path, {**BASIC, "content/traffic/releases/x.md": _release(body)})
    outcome = build(site)
    assert not outcome.errors
    lines = [line for path, line in where(outcome, warning=True) if path == "content/traffic/releases/x.md"]
    assert lines == [5 + 2 * n for n in range(4000)]


def test_thousands_of_missing_links_are_each_an_error_at_their_own_line(tmp_path):
    body = "".join(f"见[第{n}号](missing-{n}.md)。\n\n" for n in range(5000))
    site = write_site(tmp_path, {**BASIC, "content/traffic/releases/x.md": _release(body)})
    outcome = build(site)
    assert [(p.path, p.line) for p in outcome.errors] == \
        sorted(("content/traffic/releases/x.md", 5 + 2 * n) for n in range(5000))
    assert "missing-4999.md" in next(p for p in outcome.errors if p.line == 5 + 2 * 4999).en


def test_forty_thousand_equal_headings_get_distinct_ids_in_order():
    from releasehall.markdown.markup import heading_ids

    html = heading_ids("<h2>同一标题</h2>" * 40000 + "<h2>同一标题-3</h2>")
    ids = html.split('id="')[1:]
    assert [i.split('"')[0] for i in ids[:3]] == ["同一标题", "同一标题-2", "同一标题-3"]
    assert ids[39999].split('"')[0] == "同一标题-40000"
    assert ids[40000].split('"')[0] == "同一标题-3-2"  # taken by the run of equal headings
    assert len({i.split('"')[0] for i in ids}) == 40001


def test_a_link_to_a_missing_heading_among_thousands_is_an_error_at_its_line(tmp_path):
    body = "".join("## 同一标题\n\n" for _ in range(3000)) + "[去](#同一标题-3001)\n\n[回](#同一标题-3000)\n"
    site = write_site(tmp_path, {**BASIC, "content/traffic/releases/x.md": _release(body)})
    outcome = build(site)
    assert [(p.path, p.line) for p in outcome.errors] == [("content/traffic/releases/x.md", 5 + 6000)]


# ---- limits where a human never goes

def test_a_thousand_topics_on_one_item_is_an_error_at_the_topics_line_and_writes_nothing(tmp_path):
    topics = ", ".join(f"话题{n}" for n in range(1000))
    text = f"---\ntitle: 很多话题\ndate: 2024-09-20\ntopics: [{topics}]\n---\n\n正文。\n"
    site = write_site(tmp_path, {**BASIC, "content/traffic/releases/x.md": text})
    outcome = build(site)
    assert where(outcome) == [("content/traffic/releases/x.md", 4)]
    assert "1000" in outcome.errors[0].en and "at most 20" in outcome.errors[0].en
    assert not (site / "out").exists()


def test_twenty_topics_pass_and_a_topic_over_a_hundred_characters_is_an_error(tmp_path):
    twenty = ", ".join(f"话题{n}" for n in range(20))
    files = {**BASIC,
             "content/traffic/releases/x.md": f"---\ntitle: 二十个话题\ndate: 2024-09-20\ntopics: [{twenty}]\n---\n\n正文。\n"}
    assert not build(write_site(tmp_path / "ok", files)).errors
    files["content/traffic/releases/x.md"] = f"---\ntitle: 长\ndate: 2024-09-20\ntopics: [{'长' * 101}]\n---\n\n正文。\n"
    assert where(build(write_site(tmp_path / "long", files))) == [("content/traffic/releases/x.md", 4)]


def test_a_list_longer_than_anyone_writes_is_an_error_at_its_line(tmp_path):
    related = ", ".join(f"police/releases/a{n}" for n in range(201))
    text = f"---\ntitle: 相关\ndate: 2024-09-20\nrelated: [{related}]\n---\n\n正文。\n"
    outcome = build(write_site(tmp_path, {**BASIC, "content/traffic/releases/x.md": text}))
    assert where(outcome) == [("content/traffic/releases/x.md", 4)]
    assert "at most 200" in outcome.errors[0].en


def test_a_body_over_a_megabyte_is_an_error_at_the_line_where_it_crosses(tmp_path):
    line = "这是一段很长的正文，用来凑够一兆字节。" * 10 + "\n"  # 571 bytes a line
    body = line * 2000
    text = "---\ntitle: 很长\ndate: 2024-09-20\n---\n" + body
    crossing = len(text.encode()[:2**20].split(b"\n"))
    outcome = build(write_site(tmp_path, {**BASIC, "content/traffic/releases/x.md": text}))
    assert where(outcome) == [("content/traffic/releases/x.md", crossing)]
    assert "over 1 MB" in outcome.errors[0].en


def test_thousands_of_image_links_with_queries_are_each_warned_and_show_the_picture(tmp_path):
    from helpers import image

    body = "".join(f"![图](img/a.png?{n})\n\n" for n in range(4000))
    site = write_site(tmp_path, {**BASIC, "content/traffic/releases/x.md": _release(body),
                                 "content/traffic/releases/img/a.png": image(40, 30)})
    outcome = build(site)
    assert not outcome.errors
    warned = [(line, p_en) for (path, line), p_en in zip(where(outcome, warning=True),
                                                          [p.en for p in outcome.problems if p.warning], strict=True)
              if path == "content/traffic/releases/x.md"]
    assert [line for line, _en in warned] == [5 + 2 * n for n in range(4000)]
    assert "'?3999' after the file name does nothing" in warned[-1][1]
    page = (site / "out/traffic/releases/x/index.html").read_text(encoding="utf-8")
    assert page.count('<img src="/traffic/releases/img/a.png" alt="图" loading="lazy" width="40" height="30">') == 4000
