"""Untrusted text (issue 22): characters written as YAML escapes, schema limits where a human never goes, per-body
passes over thousands of links, images and headings, and personal data across separators.
Every input is made in the test; speed is measured in bench/hostile.py, never here."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BASIC, write_site

from releasehall.pipeline.build import run

NOW = "2024-10-20 12:00"


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
