"""What the public and their tools read in a page's HTML: meta and share tags, JSON-LD, hreflang,
icons, footer identifiers, labels; checked on the bytes (the browser suite checks how it looks)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import BASIC, NOW, SITE, dept, front, image, write_site

from releasehall.outputs.i18n import to_traditional
from releasehall.outputs.seo import dump


def build(run_cli, site: Path) -> Path:
    out = site / "out"
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)
    assert code == 0, err
    return out


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def ld(page: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def nodes(page: str) -> dict[str, dict]:
    return {node["@type"]: node for node in ld(page)["@graph"]}


EVIL = '</script><script>alert(1)</script><!-- & "引号"'

FILES = {
    **BASIC,
    "content/police/releases/urgent.md": front(
        {"title": "暴雨红色预警", "date": "2024-10-19 08:00", "kind": "emergency", "summary": "今日停课。"},
        "\n![雷达图](img/radar.png)\n\n请留在室内。\n"),
    "content/police/releases/img/radar.png": image(64, 48),
    "content/police/qa/evil.md": front(
        {"title": "标题" + EVIL, "asked": "2024-10-08 10:00", "question": "问题" + EVIL, "asker": "王" + EVIL,
         "replied": "2024-10-09 09:00", "channel": "wechat"}, "\n答复：已处理。\n"),
    "content/police/qa/open.md": front({"title": "尚未答复", "asked": "2024-10-18 10:00", "question": "何时？"}),
}


def test_json_ld_cannot_be_closed_by_citizen_text():
    text = str(dump({"q": EVIL + "\u2028"}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"q": EVIL + "\u2028"}


def test_every_page_has_description_canonical_icons_and_share_tags(tmp_path, run_cli):
    out = build(run_cli, write_site(tmp_path, FILES))
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        page = path.read_text(encoding="utf-8")
        rel = path.relative_to(out).as_posix()
        url = "https://hall.example.gov.cn/" + rel.removesuffix("index.html") if rel != "404.html" else \
            "https://hall.example.gov.cn/404.html"
        assert re.search(r'<meta name="description" content="[^"]+">', page), rel
        assert f'<link rel="canonical" href="{url}">' in page, rel
        assert f'<meta property="og:url" content="{url}">' in page, rel
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
        assert '<link rel="apple-touch-icon" href="/static/touch-icon.png">' in page
        assert '<meta name="theme-color" content="#9b1b1b">' in page
        assert "hreflang" not in page  # no mirror: no alternates
        ld(page)
    for name in ("favicon.svg", "touch-icon.png", "logo.png"):
        assert (out / "static" / name).is_file()
    home = read(out, "index.html")
    assert '<meta property="og:image" content="https://hall.example.gov.cn/static/logo.png">' in home
    assert '<meta name="twitter:card" content="summary">' in home
    assert set(nodes(home)) == {"WebSite", "GovernmentOrganization"}


def test_release_shares_its_first_image_and_is_a_news_article(tmp_path, run_cli):
    out = build(run_cli, write_site(tmp_path, FILES))
    page = read(out, "police/releases/urgent/index.html")
    image = "https://hall.example.gov.cn/police/releases/img/radar.png"
    assert f'<meta property="og:image" content="{image}">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta name="description" content="今日停课。">' in page
    article = nodes(page)["NewsArticle"]
    assert article["headline"] == "暴雨红色预警"
    assert article["datePublished"] == "2024-10-19T08:00:00+08:00"
    assert article["image"] == [image]
    assert article["author"] == [{"@type": "GovernmentOrganization", "name": "测试市公安局",
                                  "url": "https://hall.example.gov.cn/police/"}]
    assert article["publisher"]["logo"] == "https://hall.example.gov.cn/static/logo.png"
    crumbs = [i["name"] for i in nodes(page)["BreadcrumbList"]["itemListElement"]]
    assert crumbs == ["首页", "测试市公安局", "突发事件", "暴雨红色预警"]
    # the emergency marker stands beside the title; the badge of a listed item is not coloured by the page
    assert '<h1 data-pagefind-meta="title:暴雨红色预警"><span class="badge badge-alert" data-pagefind-ignore>突发事件</span>暴雨红色预警</h1>' in page


def test_answered_question_is_a_qa_page_and_citizen_text_stays_inside_the_script(tmp_path, run_cli):
    out = build(run_cli, write_site(tmp_path, FILES))
    page = read(out, "police/qa/evil/index.html")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert script is not None and "</script>" not in script.group(1) and "<!--" not in script.group(1)
    qa = nodes(page)["QAPage"]
    question = qa["mainEntity"]
    assert question["@type"] == "Question"
    assert question["text"] == "问题" + EVIL
    assert question["author"] == {"@type": "Person", "name": "王" + EVIL}
    assert question["answerCount"] == 1
    answer = question["acceptedAnswer"]
    assert answer["text"] == "答复：已处理。"
    assert answer["dateCreated"] == "2024-10-09T09:00:00+08:00"
    assert answer["author"]["name"] == "测试市公安局"
    assert "来源渠道：微信" in page  # channel labels in Chinese
    unanswered = nodes(read(out, "police/qa/open/index.html"))
    assert set(unanswered) == {"BreadcrumbList"}


def test_department_is_a_government_organization(tmp_path, run_cli):
    out = build(run_cli, write_site(tmp_path, FILES))
    org = nodes(read(out, "traffic/index.html"))["GovernmentOrganization"]
    assert org["name"] == "测试区交警大队"
    assert org["parentOrganization"] == {"@type": "GovernmentOrganization", "name": "测试市公安局",
                                         "url": "https://hall.example.gov.cn/police/"}


def test_spokesperson_contact_has_no_stray_separator(tmp_path, run_cli):
    files = {**FILES, "content/police/department.yaml": dept(
        "测试市公安局", spokesperson={"name": "张三", "phone": "0755-1"}, accounts={"wechat": "测试警方", "weibo": "https://weibo.com/x"})}
    page = read(build(run_cli, write_site(tmp_path, files)), "police/index.html")
    assert '<p>电话：<span class="num">0755-1</span></p>' in page
    assert "<li>微信：测试警方</li>" in page and "<li>微博：" in page


def test_footer_identifiers_and_icons_from_site_yaml(tmp_path, run_cli):
    site = {**SITE, "owner": "测试市政府", "favicon": "static/emblem.png",
            "footer": {"operator": "测试市大数据局", "dzjg": {"href": "https://bszs.conac.cn/sitename?id=1"},
                       "report_error": "https://zfwzzc.www.gov.cn/check_web/errorInfo?pickSiteCode=1"}}
    files = {**FILES, "layouts/static/emblem.png": b"\x89PNG fake"}
    out = build(run_cli, write_site(tmp_path, files, site))
    home = read(out, "index.html")
    assert "<span>主办单位：测试市政府</span> · <span>承办单位：测试市大数据局</span>" in home  # parts kept whole on a phone
    assert ('<a class="dzjg" href="https://bszs.conac.cn/sitename?id=1"><img src="/static/dzjg.svg" '
            'alt="党政机关网站标识" width="55" height="64"></a>') in home
    assert '<a class="report-error" href="https://zfwzzc.www.gov.cn/check_web/errorInfo?pickSiteCode=1">网站纠错</a>' in home
    assert '<link rel="icon" href="/static/emblem.png">' in home
    assert '<link rel="apple-touch-icon" href="/static/emblem.png">' in home
    assert '<meta property="og:image" content="https://hall.example.gov.cn/static/emblem.png">' in home


def test_bad_favicon_and_footer_links_are_errors_at_their_line(tmp_path, run_cli):
    text = ("title: 测试\nbase_url: https://hall.example.gov.cn/\nfavicon: ../secret.png\nfooter:\n"
            "  dzjg: {image: static/x.png}\n  report_error: 网站纠错\n")
    site = write_site(tmp_path, {"site.yaml": text})
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"))
    assert code == 1
    lines = err.splitlines()
    assert any(line.startswith("site.yaml:3: ") and "static/logo.png" in line for line in lines), err
    assert any(line.startswith("site.yaml:5: ") and "'href'" in line for line in lines), err
    assert any(line.startswith("site.yaml:6: ") and "absolute URL" in line for line in lines), err


def test_mirror_has_hreflang_alternates_both_ways_and_one_spelling(tmp_path, run_cli):
    site = {**SITE, "title": "测试市政务发布厅", "variants": ["zh-Hant"]}
    out = build(run_cli, write_site(tmp_path, FILES, site))
    alternates = ('<link rel="alternate" hreflang="zh-CN" href="https://hall.example.gov.cn/police/">\n'
                  '<link rel="alternate" hreflang="zh-Hant" href="https://hall.example.gov.cn/zh-hant/police/">\n'
                  '<link rel="alternate" hreflang="x-default" href="https://hall.example.gov.cn/police/">\n')
    simplified, traditional = read(out, "police/index.html"), read(out, "zh-hant/police/index.html")
    assert alternates in simplified and alternates in traditional
    assert '<link rel="canonical" href="https://hall.example.gov.cn/zh-hant/police/">' in traditional
    assert '<meta property="og:locale" content="zh_TW">' in traditional
    assert "發佈" not in "".join(p.read_text(encoding="utf-8") for p in (out / "zh-hant").rglob("*.html"))
    assert "測試市政務發布廳" in traditional
    assert to_traditional("信息发布、最新发布、发布厅") == "信息發布、最新發布、發布廳"


def test_print_header_dates_a_page_by_what_it_shows_never_by_the_build_clock(tmp_path, run_cli):
    """Without JavaScript the print header says how current the page is from dates it shows anyway: an item's own
    (newest) date, a list's newest row, the figures' "as of". A page whose content did not change keeps its bytes
    when only "now" moves on a day (no build date in every page, no image of text)."""
    site = write_site(tmp_path, FILES)
    outs = []
    for n, now in enumerate((NOW, "2024-10-21 12:00")):
        out = tmp_path / f"out{n}"
        code, _out, err = run_cli("build", "--site", str(site), "--out", str(out), "--now", now, "--no-cache")
        assert code == 0, err
        outs.append(out)
    first, later = outs
    head = '<div class="print-head wrap"><strong>测试发布厅</strong>https://hall.example.gov.cn/{}{}' \
           '<span class="print-date" data-label="打印于"></span></div>'
    dated = '<span class="page-date"> · 本页最新信息日期 {}</span>'
    for rel, shown in (("police/releases/a/", "2024-09-20"), ("releases/", "2024-10-19"), ("police/qa/q1/", "2024-10-08"),
                       ("topics/", "")):
        page = read(first, rel + "index.html")
        assert head.format(rel, dated.format(shown) if shown else "") in page, rel
        assert read(later, rel + "index.html") == page, rel  # only "now" changed: the same bytes
    assert head.format("stats/", dated.format("2024-10-20")) in read(first, "stats/index.html")
    assert head.format("stats/", dated.format("2024-10-21")) in read(later, "stats/index.html")  # figures as of now
    assert not (first / "static/built.svg").exists()
