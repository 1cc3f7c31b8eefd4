"""A small hall built end to end: pages, URLs, cross-links, drafts and future items."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import BASIC, ENGINES, NOW, SITE, dept, front, site_for, write_site


def build(run_cli, site: Path, *extra: str) -> Path:
    out = site / "out"
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW, *extra)
    assert code == 0, err
    return out


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def test_every_page_of_the_output_table(tmp_path, run_cli):
    out = build(run_cli, write_site(tmp_path, BASIC))
    for rel in ("index.html", "departments/index.html", "police/index.html", "traffic/index.html",
                "police/releases/a/index.html", "traffic/releases/shuo-ming/index.html", "police/qa/q1/index.html",
                "releases/index.html", "qa/index.html", "topics/index.html", "topics/gong-gong-jiao-tong/index.html",
                "topics/gong-gong-jiao-tong/feed.xml", "kinds/notice/index.html", "kinds/rumor/index.html",
                "feed.xml", "atom.xml", "police/feed.xml", "police/atom.xml", "feeds.opml", "sitemap.xml",
                "robots.txt", "404.html", "static/hall.css", "traffic/releases/img/map.png"):
        assert (out / rel).is_file(), rel


@pytest.mark.parametrize("engine", ENGINES)
def test_links_between_sources_become_urls_and_backlinks(tmp_path, run_cli, engine):
    out = build(run_cli, write_site(tmp_path, BASIC, site_for(engine)))
    a = read(out, "police/releases/a/index.html")
    assert '<a href="/traffic/releases/shuo-ming/">说明</a>' in a
    target = read(out, "traffic/releases/shuo-ming/index.html")
    attributes = 'src="/traffic/releases/img/map.png" alt="地图"' if engine == "commonmark" else \
        'alt="地图" src="/traffic/releases/img/map.png"'  # the order each engine writes them in
    assert f'<img {attributes} loading="lazy" width="40" height="30">' in target
    # backlink from a, and related declared by the target shows on both sides
    assert 'id="backlinks"' in target and 'href="/police/releases/a/">国庆交通管制</a>' in target
    assert 'id="related"' in a and 'href="/traffic/releases/shuo-ming/">管制说明</a>' in a
    # other items on the same topic: each page's only one is listed above already (related, backlinks), never twice
    assert "同话题内容" not in a and "同话题内容" not in target


def test_co_published_release_appears_under_each_department(tmp_path, run_cli):
    out = build(run_cli, write_site(tmp_path, BASIC))
    assert 'href="/police/releases/a/"' in read(out, "traffic/index.html")
    assert "/police/releases/a/" in read(out, "traffic/feed.xml")


def test_department_tree_and_feeds_advertised(tmp_path, run_cli):
    out = build(run_cli, write_site(tmp_path, BASIC))
    matrix = read(out, "departments/index.html")
    police_at = matrix.index('href="/police/"')
    traffic_at = matrix.index('href="/traffic/"')
    assert police_at < traffic_at
    assert matrix.count('<ul class="tree">') == 2  # traffic nested under police
    page = read(out, "police/index.html")
    assert '<link rel="alternate" type="application/rss+xml"' in page and 'href="/police/feed.xml"' in page
    assert '<link rel="alternate" type="application/atom+xml"' in page and 'href="/police/atom.xml"' in page
    assert "张三" in page


def test_drafts_and_future_items_appear_nowhere(tmp_path, run_cli):
    files = {
        **BASIC,
        "content/police/releases/draft.md": front({"title": "草稿标题", "date": "2024-09-01", "draft": True}, "x\n"),
        "content/police/releases/future.md": front({"title": "未来标题", "date": "2024-12-01"}, "x\n"),
    }
    site = write_site(tmp_path, files)
    out = build(run_cli, site)
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".opml", ".csv"):
            text = path.read_text(encoding="utf-8-sig")
            assert "草稿标题" not in text and "未来标题" not in text, path
            assert "/police/releases/draft/" not in text and "/police/releases/future/" not in text, path
    assert not (out / "police/releases/draft").exists()
    with_drafts = site / "out2"
    code = run_cli("build", "--site", str(site), "--out", str(with_drafts), "--now", NOW, "--drafts")[0]
    assert code == 0
    assert (with_drafts / "police/releases/draft/index.html").is_file()
    assert not (with_drafts / "police/releases/future").exists()


def test_rumor_shows_claim_and_changes_are_listed(tmp_path, run_cli):
    files = {
        **BASIC,
        "content/police/releases/r.md": front(
            {"title": "辟谣", "date": "2024-10-01", "kind": "rumor", "claim": "网传<某事>",
             "changes": [{"date": "2024-10-02", "note": "补充细节"}]}, "事实如下。\n"),
    }
    out = build(run_cli, write_site(tmp_path, files))
    page = read(out, "police/releases/r/index.html")
    assert '<section class="claim" aria-labelledby="claim"><h2 id="claim" data-pagefind-ignore>网传说法</h2><p>网传&lt;某事&gt;</p>' in page
    assert "补充细节" in page
    assert 'href="/police/releases/r/"' in read(out, "kinds/rumor/index.html")


def test_front_page_puts_emergencies_and_pinned_first(tmp_path, run_cli):
    files = {
        **BASIC,
        "content/police/releases/e.md": front({"title": "突发警情", "date": "2024-09-01", "kind": "emergency"}, "x\n"),
        "content/police/releases/p.md": front({"title": "置顶公告", "date": "2024-08-01", "pinned": True}, "x\n"),
    }
    home = read(build(run_cli, write_site(tmp_path, files)), "index.html")
    assert home.index("突发警情") < home.index("置顶公告") < home.index("国庆交通管制")


def test_pagination(tmp_path, run_cli):
    files = {"content/police/department.yaml": dept("公安")}
    for n in range(5):
        files[f"content/police/releases/r{n}.md"] = front({"title": f"发布{n}", "date": f"2024-09-0{n + 1}"}, "x\n")
    site = write_site(tmp_path, files, {**SITE, "paginate": 2})
    out = build(run_cli, site)
    assert (out / "releases/page/3/index.html").is_file()
    assert not (out / "releases/page/4").exists()
    first = read(out, "releases/index.html")
    assert first.index("发布4") < first.index("发布3") and "发布2" not in first
    assert 'href="/releases/page/2/"' in first


def test_pager_shows_first_last_and_two_pages_either_side(tmp_path, run_cli):
    from releasehall.outputs.pages import pager_window

    assert pager_window(1, 1) == [1]
    assert pager_window(1, 10) == [1, 2, 3, None, 10]
    assert pager_window(5, 10) == [1, None, 3, 4, 5, 6, 7, None, 10]
    assert pager_window(4, 10) == [1, 2, 3, 4, 5, 6, None, 10]
    assert pager_window(10, 10) == [1, None, 8, 9, 10]
    files = {"content/police/department.yaml": dept("公安")}
    for n in range(20):
        files[f"content/police/releases/r{n}.md"] = front({"title": f"发布{n}", "date": f"2024-09-{n + 1:02d}"}, "x\n")
    site = write_site(tmp_path, files, {**SITE, "paginate": 2})
    page = read(build(run_cli, site), "releases/page/5/index.html")
    pager = page[page.index('<nav class="pager"'):page.index("</nav>", page.index('<nav class="pager"'))]
    assert re.findall(r">(\d+|…)</", pager) == ["1", "…", "3", "4", "5", "6", "7", "…", "10"]
    assert '<span aria-current="page">5</span>' in pager and 'rel="prev" href="/releases/page/4/"' in pager


def test_footer_identifiers_and_standalone_pages(tmp_path, run_cli):
    site_yaml = {**SITE, "owner": "测试市网信办",
                 "footer": {"site_code": "4403000001", "icp": "粤ICP备1号", "police": "粤公网安备2号"}}
    files = {**BASIC, "content/pages/about.md": front({"title": "关于"}, "本厅简介，见[公安](/police/)。\n")}
    out = build(run_cli, write_site(tmp_path, files, site_yaml))
    home = read(out, "index.html")
    for text in ("测试市网信办", "4403000001", "粤ICP备1号", "粤公网安备2号"):
        assert text in home
    assert '<a href="/police/">公安</a>' in read(out, "about/index.html")


def test_base_url_with_a_path_prefixes_every_url(tmp_path, run_cli):
    out = build(run_cli, write_site(tmp_path, BASIC), "--base-url", "https://x.gov.cn/hall/")
    page = read(out, "police/releases/a/index.html")
    assert 'href="/hall/traffic/releases/shuo-ming/"' in page
    assert "<loc>https://x.gov.cn/hall/police/</loc>" in read(out, "sitemap.xml")


def test_sitemap_lists_pages_and_robots_points_at_it(tmp_path, run_cli):
    out = build(run_cli, write_site(tmp_path, BASIC))
    sitemap = read(out, "sitemap.xml")
    assert "<url><loc>https://hall.example.gov.cn/police/qa/q1/</loc><lastmod>2024-10-08</lastmod></url>" in sitemap
    assert read(out, "robots.txt") == (
        "User-agent: *\nAllow: /\nSitemap: https://hall.example.gov.cn/sitemap.xml\n")


def test_operator_template_overrides_theme(tmp_path, run_cli):
    files = {**BASIC, "layouts/404.html": "<p>自定义 404</p>\n", "layouts/static/logo.svg": "<svg/>"}
    out = build(run_cli, write_site(tmp_path, files))
    assert read(out, "404.html") == "<p>自定义 404</p>\n"
    assert (out / "static/logo.svg").is_file() and (out / "static/hall.css").is_file()


def test_traditional_chinese_mirror(tmp_path, run_cli):
    site_yaml = {**SITE, "variants": ["zh-Hant"]}
    out = build(run_cli, write_site(tmp_path, BASIC, site_yaml))
    page = read(out, "zh-hant/police/releases/a/index.html")
    assert '<html lang="zh-Hant">' in page
    assert "國慶交通管制" in page and "国庆" not in page
    assert '<a href="/zh-hant/traffic/releases/shuo-ming/">說明</a>' in page
    assert 'href="/static/hall.css"' in page  # shared, not copied
    assert '<a class="variant" hreflang="zh-CN" lang="zh-CN" href="/police/releases/a/">简体中文</a>' in page
    simplified = read(out, "police/releases/a/index.html")
    assert '<a class="variant" hreflang="zh-Hant" lang="zh-Hant" href="/zh-hant/police/releases/a/">繁體中文</a>' in simplified
    feed = read(out, "zh-hant/police/feed.xml")
    assert "<link>https://hall.example.gov.cn/zh-hant/police/</link>" in feed
    assert "https://hall.example.gov.cn/zh-hant/sitemap.xml" not in read(out, "robots.txt")
    assert "<loc>https://hall.example.gov.cn/zh-hant/police/</loc>" in read(out, "sitemap.xml")


@pytest.mark.parametrize("engine", ENGINES)
def test_standalone_page_linked_by_url_or_source(tmp_path, run_cli, engine):
    files = {**BASIC, "content/pages/about.md": front({"title": "关于"}, "x\n"),
             "content/police/releases/b.md": front({"title": "b", "date": "2024-09-01"},
                                                   "[一](/about/) [二](/pages/about.md)\n")}
    page = read(build(run_cli, write_site(tmp_path, files, site_for(engine))), "police/releases/b/index.html")
    assert '<a href="/about/">一</a> <a href="/about/">二</a>' in page


def test_markdown_tables_footnotes_and_chinese_heading_ids(tmp_path, run_cli):
    body = "\n## 交通管制路段\n\n| 路段 | 时间 |\n|---|---|\n| 深南大道 | 19:00 |\n\n详见[下文](#交通管制路段)[^1]。\n\n[^1]: 以现场为准。\n"
    files = {**BASIC, "content/police/releases/m.md": front({"title": "管制", "date": "2024-10-01"}, body)}
    page = read(build(run_cli, write_site(tmp_path, files)), "police/releases/m/index.html")
    assert '<h2 id="交通管制路段">交通管制路段</h2>' in page
    assert "<td>深南大道</td>" in page and "<th>路段</th>" in page
    # a Markdown table is a named scroll region keyboard users can focus, like the theme's tables
    assert '<div class="table-scroll" tabindex="0" role="region" aria-label="路段 / 时间（可左右滚动）"><table>' in page
    assert page.count('<div class="table-scroll"') == 1 and "</table></div>" in page
    assert '<a href="#交通管制路段">下文</a><sup class="footnote-ref"><a href="#fn-1" id="fnref-1">1</a></sup>' in page
    assert '<li id="fn-1">\n<p>以现场为准。 <a href="#fnref-1" class="footnote-backref" aria-label="返回正文 / back to text">' in page


@pytest.mark.parametrize(("language", "word"), [("en", "Releases"), ("zh-TW", "信息發布"), ("zh-CN", "信息发布")])
def test_interface_language(tmp_path, run_cli, language, word):
    site_yaml = {**SITE, "language": language}
    home = read(build(run_cli, write_site(tmp_path, BASIC, site_yaml)), "index.html")
    assert f'<html lang="{language}">' in home and f">{word}</a>" in home


def test_topics_with_one_slug_are_merged_with_a_warning(tmp_path, run_cli):
    files = {**BASIC, "content/police/releases/t.md": front({"title": "t", "date": "2024-10-01", "topics": ["Traffic"]}, "x\n"),
             "content/traffic/releases/u.md": front({"title": "u", "date": "2024-10-02", "topics": ["traffic"]}, "x\n")}
    site = write_site(tmp_path, files)
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)
    assert code == 0
    assert "content/traffic/releases/u.md:5: 警告 warning: 话题 “traffic” 与 “Traffic” 的网址相同（traffic）" in err
    listing = read(site / "out", "topics/traffic/index.html")
    assert 'href="/police/releases/t/"' in listing and 'href="/traffic/releases/u/"' in listing


def test_a_body_table_is_wrapped_where_a_template_shows_the_body_not_by_rewriting_the_page(tmp_path, run_cli):
    body = "| 路段 | 时间 |\n|---|---|\n| 深南大道 | 19:00 |\n"
    # an operator's page template: its own bare table is its own markup, and the body goes through `prose`
    layout = ("{% extends 'base.html' %}{% block main %}<table><tr><td>运营方自己的表</td></tr></table>"
              "<div class=\"prose\">{{ body | prose }}</div>{% endblock %}\n")
    files = {**BASIC, "content/police/releases/m.md": front({"title": "管制", "date": "2024-10-01"}, body),
             "layouts/release.html": layout}
    page = read(build(run_cli, write_site(tmp_path, files)), "police/releases/m/index.html")
    assert "<table><tr><td>运营方自己的表</td></tr></table>" in page
    assert page.count('<div class="table-scroll"') == 1
    assert '<div class="prose"><div class="table-scroll" tabindex="0" role="region" aria-label="路段 / 时间（可左右滚动）"><table>' in page
