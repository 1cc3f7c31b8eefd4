"""The zh-Hant mirror is rendered with its own context, never rewritten: its URLs, language, locale, alternates,
switch link, QR codes, feeds and bodies' links come out of rendering, whatever the templates' markup."""

from __future__ import annotations

import json
import re
import shutil
from urllib.parse import quote

from helpers import BASIC, NOW, SITE, front, snapshot, write_site
from test_incremental import edit
from test_quick import started, whole_build

from releasehall.errors import Report
from releasehall.markdown import markup
from releasehall.model.urls import Urls
from releasehall.model.variants import to_traditional, variants_of
from releasehall.pipeline.build import run
from releasehall.settings.site import load_settings

MIRRORED = {**SITE, "variants": ["zh-Hant"]}
HEADING = "办理时间"  # 辦理時間 in the mirror: its id changes with the text
FILES = {
    **BASIC,
    "content/police/releases/a.md": front(
        {"title": "国庆交通管制", "date": "2024-09-20 09:00", "kind": "notice", "topics": ["公共交通"]},
        f"\n详见[说明](../../traffic/releases/说明.md#{HEADING})，[全部发布](/releases/)，[标志](/static/logo.png)，[留言](https://hall.example.gov.cn/qa/)，"
        "[地图](https://hall.example.gov.cn/sitemap.xml)。\n"),
    "content/traffic/releases/说明.md": front(
        {"title": "管制说明", "date": "2024-09-21", "topics": ["公共交通"]},
        f"\n![地图](img/map.png)\n\n## {HEADING}\n\n每日八时起。见[上文](#{HEADING})。\n"),
}
A = "police/releases/a/index.html"
SHUO_MING = "traffic/releases/shuo-ming/index.html"


def test_mirror_urls_put_pages_feeds_and_data_under_its_folder_and_share_the_rest(tmp_path):
    settings = load_settings(write_site(tmp_path, {}, MIRRORED), Report())
    assert settings is not None
    written, mirror = variants_of(settings)
    urls = Urls("/hall/", "https://x.cn", written)
    there = urls.of(mirror)
    assert [there.home(), there.department("police"), there.listing("releases", 2), there.feed("police", "atom"),
            there.stats_file("stats.json"), there.file("404.html"), there.file("feed.xsl"), there.search(),
            there.section("releases/"), there.section("stats/stats.csv")] == [
        "/hall/zh-hant/", "/hall/zh-hant/police/", "/hall/zh-hant/releases/page/2/", "/hall/zh-hant/police/atom.xml",
        "/hall/zh-hant/stats/stats.json", "/hall/zh-hant/404.html", "/hall/zh-hant/feed.xsl", "/hall/zh-hant/search/",
        "/hall/zh-hant/releases/", "/hall/zh-hant/stats/stats.csv"]
    assert [there.asset("police/x.pdf"), there.static("hall.css"), there.search_index(), there.file("sitemap.xml"),
            there.file("robots.txt"), there.file("feeds.opml"), there.section("static/logo.png")] == [
        "/hall/police/x.pdf", "/hall/static/hall.css", "/hall/pagefind/", "/hall/sitemap.xml", "/hall/robots.txt",
        "/hall/feeds.opml", "/hall/static/logo.png"]
    assert urls.alternate("/hall/police/", there) == "/hall/zh-hant/police/"
    assert [there.linked(u) for u in ("https://x.cn/hall/qa/?a=1#%E5%8A%9E", "https://x.cn/hall/feeds.opml",
                                      "https://x.cn/hall/police/a.pdf", "https://x.cn/other/", "https://y.cn/hall/")] == [
        "https://x.cn/hall/zh-hant/qa/?a=1#%E8%BE%A6", "https://x.cn/hall/feeds.opml", "https://x.cn/hall/police/a.pdf",
        "https://x.cn/other/", "https://y.cn/hall/"]
    assert urls.linked("https://x.cn/hall/qa/") == "https://x.cn/hall/qa/"
    assert there.alternate("/hall/zh-hant/police/", urls) == "/hall/police/"
    assert there.output_path(there.department("police")) == "zh-hant/police/index.html"
    assert (written.lang, written.locale, mirror.lang, mirror.locale, mirror.hreflang) == (
        "zh-CN", "zh_CN", "zh-Hant", "zh_TW", "zh-Hant")


def test_the_mirror_renders_its_own_language_links_and_codes(tmp_path):
    site = write_site(tmp_path / "site", FILES, MIRRORED)
    out = tmp_path / "out"
    assert not run(site, out=out, now=NOW).errors
    page = (out / "zh-hant" / A).read_text(encoding="utf-8")
    simplified = (out / A).read_text(encoding="utf-8")
    fragment = quote(to_traditional(HEADING))
    # the body's links lead into the mirror, to the heading as the mirror's page names it; files are shared
    assert f'href="/zh-hant/traffic/releases/shuo-ming/#{fragment}"' in page
    assert f'href="/traffic/releases/shuo-ming/#{quote(HEADING)}"' in simplified
    assert 'href="/zh-hant/releases/"' in page and 'href="/static/logo.png"' in page
    assert 'href="https://hall.example.gov.cn/zh-hant/qa/"' in page and 'href="https://hall.example.gov.cn/qa/"' in simplified
    assert 'href="https://hall.example.gov.cn/sitemap.xml"' in page  # the hall's own, not the mirror's
    target = (out / "zh-hant" / SHUO_MING).read_text(encoding="utf-8")
    assert f'id="{to_traditional(HEADING)}"' in target and f'href="#{to_traditional(HEADING)}"' in target
    assert 'src="/traffic/releases/img/map.png"' in target
    # its own language, locale, alternates, switch link, address and QR code
    assert '<html lang="zh-Hant">' in page and '<meta property="og:locale" content="zh_TW">' in page
    assert ('<link rel="alternate" hreflang="zh-CN" href="https://hall.example.gov.cn/police/releases/a/">\n'
            '<link rel="alternate" hreflang="zh-Hant" href="https://hall.example.gov.cn/zh-hant/police/releases/a/">\n'
            '<link rel="alternate" hreflang="x-default" href="https://hall.example.gov.cn/police/releases/a/">\n'
            ) in page
    assert ('<a class="variant" hreflang="zh-CN" lang="zh-CN" href="/police/releases/a/">简体中文</a>') in page
    assert '<a class="variant" hreflang="zh-Hant" lang="zh-Hant" href="/zh-hant/police/releases/a/">繁體中文</a>' \
        in simplified
    assert 'data-url="https://hall.example.gov.cn/zh-hant/police/releases/a/"' in page
    assert '<link rel="canonical" href="https://hall.example.gov.cn/zh-hant/police/releases/a/">' in page
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert ld["@graph"][0]["inLanguage"] == "zh-Hant" and ld["@graph"][0]["headline"] == "國慶交通管制"
    assert 'action="/zh-hant/search/"' in page and 'data-bundle="/pagefind/"' in (
        out / "zh-hant/search/index.html").read_text(encoding="utf-8")
    # feeds and their stylesheet
    feed = (out / "zh-hant/feed.xml").read_text(encoding="utf-8")
    assert "<language>zh-Hant</language>" in feed and 'href="/zh-hant/feed.xsl"' in feed
    assert "<link>https://hall.example.gov.cn/zh-hant/police/releases/a/</link>" in feed
    assert f"https://hall.example.gov.cn/zh-hant/traffic/releases/shuo-ming/#{fragment}" in feed
    assert '<html lang="zh-Hant">' in (out / "zh-hant/feed.xsl").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in (out / "feed.xsl").read_text(encoding="utf-8")
    assert not (out / "zh-hant/feeds.opml").exists() and not (out / "zh-hant/sitemap.xml").exists()


# An operator's base template that writes what the theme writes, in its own way: attributes in another order,
# single quotes. The mirror gets its own values all the same (the replacements on finished HTML did not).
OPERATORS_BASE = """<!DOCTYPE html>
<html class="x" lang='{{ lang }}'>
<head><title>{{ title }}</title>
<meta content="{{ variant.locale }}" property="og:locale">
{% for a in alternates(url) %}<link href="{{ a.href }}" hreflang="{{ a.hreflang }}" rel="alternate">
{% endfor %}</head>
<body>{% for other in switch(url) %}<a lang="{{ other.hreflang }}" href="{{ other.href }}">{{ other.name }}</a>{% endfor %}
{% block main %}{% endblock %}
</body></html>
"""


def test_an_operators_base_template_gets_the_mirrors_own_values(tmp_path):
    site = write_site(tmp_path / "site", {**FILES, "layouts/base.html": OPERATORS_BASE}, MIRRORED)
    out = tmp_path / "out"
    assert not run(site, out=out, now=NOW).errors
    page = (out / "zh-hant" / A).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>\n<html class=\"x\" lang='zh-Hant'>\n<head><title>國慶交通管制</title>\n"
                           '<meta content="zh_TW" property="og:locale">\n'
                           '<link href="https://hall.example.gov.cn/police/releases/a/" hreflang="zh-CN" rel="alternate">\n'
                           '<link href="https://hall.example.gov.cn/zh-hant/police/releases/a/" hreflang="zh-Hant" '
                           'rel="alternate">\n')
    assert '<body><a lang="zh-CN" href="/police/releases/a/">简体中文</a>' in page
    simplified = (out / A).read_text(encoding="utf-8")
    assert "<html class=\"x\" lang='zh-CN'>" in simplified and '<meta content="zh_CN" property="og:locale">' in simplified
    assert '<body><a lang="zh-Hant" href="/zh-hant/police/releases/a/">繁體中文</a>' in simplified


def test_an_edit_of_a_linked_body_rebuilds_the_mirror_as_a_clean_build_does(tmp_path):
    site = write_site(tmp_path / "site", FILES, MIRRORED)
    out = tmp_path / "out"
    assert not run(site, out=out, now=NOW).errors
    source = site / "content/traffic/releases/说明.md"
    edit(source, f"{HEADING}", f"通行{HEADING}")  # the heading a.md links to is renamed, and the links follow
    edit(site / "content/police/releases/a.md", f"#{HEADING}", f"#通行{HEADING}")
    outcome = run(site, out=out, now=NOW)
    assert not outcome.errors, outcome.errors
    assert {f"zh-hant/{A}", f"zh-hant/{SHUO_MING}"} <= set(outcome.rendered)
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns(".cache"))
    assert not run(clean, out=tmp_path / "clean-out", now=NOW, use_cache=False).errors
    assert snapshot(out) == snapshot(tmp_path / "clean-out")
    assert f'#{quote(to_traditional("通行" + HEADING))}"' in (out / "zh-hant" / A).read_text(encoding="utf-8")


def test_serve_renders_the_mirrors_twin_of_an_edited_body_as_a_whole_build_does(tmp_path):
    site = write_site(tmp_path / "site", FILES, MIRRORED)
    preview = started(site)
    edit(site / "content/police/releases/a.md", "详见", "国庆期间详见")  # its links are the same: the short way
    outcome = preview.rebuild({"content/police/releases/a.md"})
    assert outcome is not None and outcome.partial and not outcome.problems
    assert f"zh-hant/{A}" in outcome.rendered
    mirrored = preview.files[f"zh-hant/{A}"].decode("utf-8")
    assert "國慶期間詳見" in mirrored and f'href="/zh-hant/traffic/releases/shuo-ming/#{quote(to_traditional(HEADING))}"' \
        in mirrored
    assert preview.files == whole_build(site, tmp_path).files


def test_the_mirrors_bodies_are_cached_like_the_simplified_ones(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", FILES, MIRRORED)
    assert not run(site, out=tmp_path / "out", now=NOW).errors
    rendered: list[tuple[str, str]] = []
    render_one = markup._render_one

    def counted(renderer, job, targets):
        rendered.append((job.rel, targets.urls.folder))
        return render_one(renderer, job, targets)

    monkeypatch.setattr(markup, "_render_one", counted)
    edit(site / "content/police/qa/q1.md", "可以。", "可以办理。")  # a.md, which links to pages, is as it was
    assert not run(site, out=tmp_path / "out", now=NOW).errors
    assert rendered == [("content/police/qa/q1.md", "")]  # q1 links nowhere: the mirror shows the same body
    edit(site / "content/police/releases/a.md", "详见", "另见")
    assert not run(site, out=tmp_path / "out", now=NOW).errors
    assert rendered[1:] == [("content/police/releases/a.md", ""), ("content/police/releases/a.md", "zh-hant/")]
