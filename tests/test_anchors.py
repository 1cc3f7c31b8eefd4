"""Links to a place in a page: `other.md#heading` and `#heading` must name an id the target page has."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import ENGINES, NOW, dept, front, site_for, snapshot, write_site

from releasehall.pipeline.build import run

TARGET = front({"title": "办法", "date": "2024-09-01"}, "\n## 第一条 适用范围\n\n正文。\n\n## Scope & Terms\n\n正文。\n")
FILES = {
    "content/gov/department.yaml": dept("测试市政府办", description="见[办法](/gov/releases/rule.md#第一条-适用范围)。"),
    "content/gov/releases/rule.md": TARGET,
    "content/gov/releases/link.md": front(
        {"title": "解读", "date": "2024-09-02"},
        "\n见[第一条](rule.md#第一条-适用范围)、[英文](rule.md#scope-terms)和[下文](#说明)。\n\n## 说明\n\n脚注[^1]。\n\n"
        "[^1]: 注释。\n"),
}


def errors(site: Path, out: Path) -> list[str]:
    return [str(p) for p in run(site, out=out, now=NOW).errors]


@pytest.mark.parametrize("engine", ENGINES)
def test_anchors_that_exist_pass(tmp_path, engine):
    assert errors(write_site(tmp_path / "site", FILES, site_for(engine)), tmp_path / "out") == []
    page = (tmp_path / "out/gov/releases/link/index.html").read_text(encoding="utf-8")
    # cmark percent-encodes a link's non-ASCII characters, Python-Markdown keeps them: the same URL
    fragment = "%E7%AC%AC%E4%B8%80%E6%9D%A1-%E9%80%82%E7%94%A8%E8%8C%83%E5%9B%B4" if engine == "commonmark" else \
        "第一条-适用范围"
    assert (f'<a href="/gov/releases/rule/#{fragment}">第一条</a>、'
            '<a href="/gov/releases/rule/#scope-terms">英文</a>和<a href="#说明">下文</a>') in page


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("\n正文。\n\n见[第二条](rule.md#第二条)。\n",
         "content/gov/releases/bad.md:8: 链接 “rule.md#第二条” 中的锚点 #第二条 在目标页面（gov/releases/rule）不存在；"
         "标题的锚点由标题文字生成，现有：第一条-适用范围、scope-terms / link 'rule.md#第二条': the linked page "
         "(gov/releases/rule) has no heading or id '#第二条'; heading ids come from the heading's text; it has: "
         "第一条-适用范围, scope-terms"),
        ("\n## 背景\n\n见[下文](#结论)。\n",
         "content/gov/releases/bad.md:8: 链接 “#结论” 中的锚点 #结论 在本页不存在；标题的锚点由标题文字生成，现有：背景 / "
         "link '#结论': this page has no heading or id '#结论'; heading ids come from the heading's text; it has: 背景"),
        ("\n见<a href=\"/gov/releases/rule.md#Scope\">英文</a>。\n",
         "content/gov/releases/bad.md:6: 链接 “/gov/releases/rule.md#Scope” 中的锚点 #Scope 在目标页面（gov/releases/rule）"
         "不存在；标题的锚点由标题文字生成，现有：第一条-适用范围、scope-terms / link '/gov/releases/rule.md#Scope': the "
         "linked page (gov/releases/rule) has no heading or id '#Scope'; heading ids come from the heading's text; it "
         "has: 第一条-适用范围, scope-terms"),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_missing_anchor_is_an_error_at_the_line(tmp_path, body, expected, engine):
    files = {**FILES, "content/gov/releases/bad.md": front({"title": "坏", "date": "2024-09-03"}, body)}
    assert errors(write_site(tmp_path / "site", files, site_for(engine)), tmp_path / "out") == [expected]


@pytest.mark.parametrize("engine", ENGINES)
def test_department_description_anchor_is_checked(tmp_path, engine):
    files = {**FILES, "content/gov/department.yaml": dept("测试市政府办", description="见[办法](/gov/releases/rule.md#无)。")}
    found = errors(write_site(tmp_path / "site", files, site_for(engine)), tmp_path / "out")
    assert len(found) == 1 and found[0].startswith("content/gov/department.yaml:2: 链接 “/gov/releases/rule.md#无” "), found


def test_renaming_a_heading_breaks_cached_links_and_fixing_them_equals_a_clean_build(tmp_path):
    site = write_site(tmp_path / "site", FILES)
    out = tmp_path / "out"
    assert errors(site, out) == []
    rule = site / "content/gov/releases/rule.md"
    rule.write_text(TARGET.replace("第一条 适用范围", "第一条 范围"), encoding="utf-8")
    found = errors(site, out)  # link.md's body is cached and unchanged: its anchors are checked again all the same
    assert [p.split(":")[0] + ":" + p.split(":")[1] for p in found] == [
        "content/gov/department.yaml:2", "content/gov/releases/link.md:6"]
    link = site / "content/gov/releases/link.md"
    link.write_text(link.read_text(encoding="utf-8").replace("第一条-适用范围", "第一条-范围"), encoding="utf-8")
    (site / "content/gov/department.yaml").write_text("name: 测试市政府办\ndescription: 见[办法](/gov/releases/rule.md)。\n",
                                                      encoding="utf-8")
    assert errors(site, out) == []
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns(".cache"))
    assert not run(clean, out=tmp_path / "clean-out", now=NOW, use_cache=False).errors
    assert snapshot(out) == snapshot(tmp_path / "clean-out")


def test_serve_renaming_a_heading_takes_the_whole_path_and_reports_the_broken_link(tmp_path):
    from releasehall.serve.server import Site

    site = write_site(tmp_path / "site", FILES)
    preview = Site(site.resolve(), "http://127.0.0.1:8000/", NOW, False)
    assert not preview.rebuild().errors  # type: ignore[union-attr]
    rule = site / "content/gov/releases/rule.md"
    rule.write_text(TARGET.replace("## Scope & Terms", "## Scope"), encoding="utf-8")  # a body-only save
    outcome = preview.rebuild({"content/gov/releases/rule.md"})
    assert outcome is not None
    assert [f"{p.path}:{p.line}" for p in outcome.errors] == ["content/gov/releases/link.md:6"]
