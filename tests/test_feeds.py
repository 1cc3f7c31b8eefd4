"""Feeds read back with feedparser: counts, order, absolute links, offsets, content."""

from __future__ import annotations

import feedparser
from helpers import BASIC, NOW, SITE, front, write_site


def built(tmp_path, run_cli, files=None, site=None):
    root = write_site(tmp_path, files or BASIC, site)
    out = root / "out"
    code, _o, err = run_cli("build", "--site", str(root), "--out", str(out), "--now", NOW)
    assert code == 0, err
    return out


def parse(out, rel):
    feed = feedparser.parse((out / rel).read_bytes())
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_hall_feeds_carry_releases_and_replies_newest_first(tmp_path, run_cli):
    out = built(tmp_path, run_cli)
    for rel, version in (("feed.xml", "rss20"), ("atom.xml", "atom10")):
        feed = parse(out, rel)
        assert feed.version == version
        assert [e.link for e in feed.entries] == [
            "https://hall.example.gov.cn/police/qa/q1/",
            "https://hall.example.gov.cn/traffic/releases/shuo-ming/",
            "https://hall.example.gov.cn/police/releases/a/",
        ]
        assert [e.id for e in feed.entries] == [e.link for e in feed.entries]
        assert feed.entries[0].published == ("Tue, 08 Oct 2024 09:00:00 +0800" if version == "rss20"
                                             else "2024-10-08T09:00:00+08:00")


def test_department_feed_has_its_releases_co_releases_and_replies(tmp_path, run_cli):
    out = built(tmp_path, run_cli)
    traffic = parse(out, "traffic/atom.xml")
    assert [e.link for e in traffic.entries] == [
        "https://hall.example.gov.cn/traffic/releases/shuo-ming/",
        "https://hall.example.gov.cn/police/releases/a/",
    ]
    police = parse(out, "police/feed.xml")
    assert len(police.entries) == 2
    assert police.feed.link == "https://hall.example.gov.cn/police/"
    atom = parse(out, "police/atom.xml").feed
    assert {(link.rel, link.href) for link in atom.links} == {
        ("self", "https://hall.example.gov.cn/police/atom.xml"), ("alternate", "https://hall.example.gov.cn/police/")}


def test_content_is_full_html_with_absolute_links_and_categories(tmp_path, run_cli):
    out = built(tmp_path, run_cli)
    feed = parse(out, "atom.xml")
    release = next(e for e in feed.entries if e.link.endswith("/police/releases/a/"))
    html = release.content[0].value
    assert '<a href="https://hall.example.gov.cn/traffic/releases/shuo-ming/">说明</a>' in html
    assert {t.term for t in release.tags} == {"notice", "公共交通"}
    image = next(e for e in feed.entries if e.link.endswith("/shuo-ming/")).content[0].value
    assert 'src="https://hall.example.gov.cn/traffic/releases/img/map.png"' in image
    assert release.summary == "国庆期间实行交通管制，详见说明。"


def test_topic_feed_and_opml(tmp_path, run_cli):
    out = built(tmp_path, run_cli)
    topic = parse(out, "topics/gong-gong-jiao-tong/feed.xml")
    assert len(topic.entries) == 2
    opml = (out / "feeds.opml").read_text(encoding="utf-8")
    assert 'xmlUrl="https://hall.example.gov.cn/police/feed.xml"' in opml
    assert 'xmlUrl="https://hall.example.gov.cn/traffic/feed.xml"' in opml


def test_feed_items_limits_length(tmp_path, run_cli):
    files = {**BASIC}
    for n in range(6):
        files[f"content/police/releases/n{n}.md"] = front({"title": f"n{n}", "date": f"2024-10-0{n + 1}"}, "x\n")
    out = built(tmp_path, run_cli, files, {**SITE, "feed_items": 3})
    feed = parse(out, "police/feed.xml")
    assert [e.title for e in feed.entries] == ["能否办证", "n5", "n4"]  # the reply of 10-08 is newest


def test_citizen_text_is_escaped_in_feeds(tmp_path, run_cli):
    files = {**BASIC, "content/police/qa/x.md": front(
        {"title": "标题<img src=x onerror=alert(1)>", "asked": "2024-10-01", "question": "<script>alert(1)</script>",
         "replied": "2024-10-02"}, "\n答复<script>bad()</script><a href=\"javascript:alert(1)\">x</a>\n")}
    out = built(tmp_path, run_cli, files)
    raw = (out / "feed.xml").read_text(encoding="utf-8") + (out / "atom.xml").read_text(encoding="utf-8")
    assert "<script" not in raw.replace("&lt;script", "")
    assert "javascript:" not in raw
    entry = next(e for e in parse(out, "atom.xml").entries if e.link.endswith("/police/qa/x/"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in entry.content[0].value
    assert entry.title == "标题<img src=x onerror=alert(1)>"
