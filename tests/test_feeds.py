"""Feeds read back with feedparser: counts, order, absolute links, offsets, content."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
from helpers import BASIC, NOW, SITE, dept, front, write_site


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
    assert {(t.term, t.scheme) for t in release.tags} == {
        ("测试市公安局", "https://hall.example.gov.cn/police/"), ("测试区交警大队", "https://hall.example.gov.cn/traffic/"),
        ("通知公告", "https://hall.example.gov.cn/kinds/notice/"),
        ("公共交通", "https://hall.example.gov.cn/topics/gong-gong-jiao-tong/")}
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


# --- who speaks, what it is, and how a browser shows it (issue 18) -------------------------------------------------

HALL = "https://hall.example.gov.cn"
NAMES = {"police": "测试市公安局", "traffic": "测试区交警大队", "fire": "测试市消防救援支队"}
DEPARTMENTS = {
    **BASIC,
    "content/police/department.yaml": dept("测试市公安局", short_name="测试公安", level="municipal",
                                           description="负责全市**治安**管理和[户政](https://x.cn/)服务。\n\n第二段。"),
    "content/fire/department.yaml": dept("测试市消防救援支队"),
    "content/fire/releases/law.md": front(
        {"title": "消防条例", "date": "2024-09-01", "kind": "notice", "document": {"number": "测消〔2024〕1号",
                                                                                  "effective": "2024-12-01"}},
        "\n条例。\n"),
    "content/fire/qa/late.md": front({"title": "消防通道被占", "asked": "2024-10-08 10:00", "question": "小区消防通道被占。"}),
}
ABOUT = {"police": "负责全市治安管理和户政服务。", "traffic": "测试区交警大队在测试发布厅发布的信息和对网民留言的答复",
         "fire": "测试市消防救援支队在测试发布厅发布的信息和对网民留言的答复"}


def every_feed(out: Path) -> list[Path]:
    feeds = sorted(p for p in out.rglob("*.xml") if p.name != "sitemap.xml")
    assert feeds
    return feeds


def publishers(link: str) -> list[str]:
    """The departments an item of DEPARTMENTS is from, by its URL (the police notice is co-published)."""
    folder = link.removeprefix(HALL).removeprefix("/zh-hant").split("/")[1]
    return [NAMES["police"], NAMES["traffic"]] if link.endswith("/police/releases/a/") else [NAMES[folder]]


def test_every_item_of_every_feed_names_its_department(tmp_path, run_cli):
    out = built(tmp_path, run_cli, DEPARTMENTS)
    seen = 0
    for path in every_feed(out):
        feed = parse(out, str(path.relative_to(out)))
        for entry in feed.entries:
            names = publishers(entry.link)
            # Atom's author and RSS's dc:creator: what readers show as the item's author
            assert entry.author == (names[0] if feed.version == "atom10" else "、".join(names)), (path, entry.link)
            departments = [t.term for t in entry.tags if t.scheme and re.fullmatch(rf"{HALL}/[a-z-]+/", t.scheme)
                           and t.scheme.split("/")[-2] in NAMES]
            assert departments == names, (path, entry.link)
            seen += 1
    assert seen > 20


def test_categories_carry_chinese_labels_and_the_page_of_their_code(tmp_path, run_cli):
    out = built(tmp_path, run_cli, DEPARTMENTS, {**SITE, "variants": ["zh-Hant"]})
    for rel in ("feed.xml", "atom.xml"):
        entries = {e.link: e for e in parse(out, rel).entries}
        tags = {link: [(t.term, t.scheme) for t in e.tags] for link, e in entries.items()}
        assert tags[f"{HALL}/fire/releases/law/"] == [
            ("测试市消防救援支队", f"{HALL}/fire/"), ("通知公告", f"{HALL}/kinds/notice/"),
            ("尚未施行", f"{HALL}/documents/pending/")]
        assert tags[f"{HALL}/police/qa/q1/"] == [("测试市公安局", f"{HALL}/police/"), ("留言回复", f"{HALL}/qa/"),
                                                ("户政", f"{HALL}/topics/hu-zheng/")]
        if rel == "atom.xml":  # the label is the term: whichever a reader shows
            assert all(t.label == t.term for e in entries.values() for t in e.tags)
    overdue = parse(out, "overdue/atom.xml").entries
    assert [[(t.term, t.scheme) for t in e.tags] for e in overdue] == [
        [("测试市消防救援支队", f"{HALL}/fire/"), ("已超期", f"{HALL}/overdue/")]]
    # the zh-Hant mirror's feeds say the same in Traditional Chinese
    mirrored = parse(out, "zh-hant/fire/atom.xml").entries
    assert [(t.term, t.scheme) for t in mirrored[-1].tags][:2] == [
        ("測試市消防救援支隊", f"{HALL}/zh-hant/fire/"), ("通知公告", f"{HALL}/zh-hant/kinds/notice/")]


def test_each_department_feed_describes_the_department(tmp_path, run_cli):
    out = built(tmp_path, run_cli, DEPARTMENTS)
    for scope, about in ABOUT.items():
        assert parse(out, f"{scope}/feed.xml").feed.subtitle == about
        assert parse(out, f"{scope}/atom.xml").feed.subtitle == about
    assert parse(out, "feed.xml").feed.get("subtitle") == "测试发布厅"  # the hall's: its description, else its title
    assert parse(out, "topics/gong-gong-jiao-tong/atom.xml").feed.subtitle == "测试发布厅上关于“公共交通”的发布和答复"


def test_every_feed_links_the_stylesheet_that_shows_it_in_a_browser(tmp_path, run_cli):
    out = built(tmp_path, run_cli, DEPARTMENTS, {**SITE, "variants": ["zh-Hant"]})
    for path in every_feed(out):
        mirrored = path.relative_to(out).parts[0] == "zh-hant"
        head = path.read_bytes().split(b"\n", 2)[:2]
        assert head == [b"<?xml version='1.0' encoding='UTF-8'?>",
                        b'<?xml-stylesheet type="text/xsl" href="/%sfeed.xsl"?>' % (b"zh-hant/" if mirrored else b"")], path
    xsl = (out / "feed.xsl").read_text(encoding="utf-8")
    assert "disable-output-escaping" not in xsl and "<script" not in xsl and "订阅方法" in xsl
    assert "訂閱方法" in (out / "zh-hant/feed.xsl").read_text(encoding="utf-8")
    assert "feed.xsl" not in (out / "sitemap.xml").read_text(encoding="utf-8")
