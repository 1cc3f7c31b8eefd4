"""Stable URLs: `aliases` write redirect pages at old paths, never over anything else, never outside one's own folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import NOW, dept, front, snapshot, write_site

from releasehall.pipeline.build import run

FILES = {
    "content/gov/department.yaml": dept("测试市政府办", aliases=["/old-gov/"]),
    "content/police/department.yaml": dept("测试市公安局"),
    "content/gov/releases/new-name.md": front(
        {"title": "停车办法", "date": "2024-09-01", "aliases": ["/gov/releases/old-name/", "/old-gov/art/2023/12.html"]},
        "\n正文。\n"),
    "content/police/qa/q.md": front({"title": "问", "asked": "2024-09-01", "question": "何时？",
                                     "aliases": "/police/qa/old-q/"}),
    "content/pages/about.md": front({"title": "关于", "aliases": ["/about-us.html", "/info/about/"]}, "\n关于本厅。\n"),
}


def build(site: Path, out: Path) -> Path:
    outcome = run(site, out=out, now=NOW)
    assert not outcome.errors, outcome.errors
    return out


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return build(write_site(tmp_path / "site", FILES), tmp_path / "out")


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def test_redirect_page_refreshes_links_and_names_the_canonical_url(out):
    page = read(out, "gov/releases/old-name/index.html")
    assert '<meta http-equiv="refresh" content="0; url=/gov/releases/new-name/">' in page
    assert '<link rel="canonical" href="https://hall.example.gov.cn/gov/releases/new-name/">' in page
    assert '<a href="/gov/releases/new-name/">停车办法</a>' in page
    assert '<meta name="robots" content="noindex">' in page and '<body data-pagefind-ignore="all">' in page
    assert 'url=/gov/releases/new-name/"' in read(out, "old-gov/art/2023/12.html")
    assert 'url=/gov/"' in read(out, "old-gov/index.html")
    assert 'url=/police/qa/q/"' in read(out, "police/qa/old-q/index.html")
    assert 'url=/about/"' in read(out, "about-us.html") and 'url=/about/"' in read(out, "info/about/index.html")


def test_redirects_stay_out_of_listings_feeds_and_the_sitemap(out):
    sitemap = read(out, "sitemap.xml")
    assert "/gov/releases/new-name/" in sitemap and "old-name" not in sitemap and "old-gov" not in sitemap
    assert "info/about" not in sitemap
    for rel in ("releases/index.html", "gov/index.html", "feed.xml", "atom.xml", "gov/feed.xml", "qa/index.html"):
        assert "old-name" not in read(out, rel) and "old-gov" not in read(out, rel), rel


def problems(tmp_path: Path, files: dict[str, object]) -> list[str]:
    return [str(p) for p in run(write_site(tmp_path / "site", {**FILES, **files}), out=tmp_path / "out",
                                  now=NOW).errors]


REL = "content/gov/releases/x.md"


def release(*aliases: str, date: str = "2024-09-02") -> str:
    return front({"title": "x", "date": date, "aliases": list(aliases)}, "\n正文。\n")


HIJACK_ZH = "只能使用本部门目录 /gov/ 下的网址（或本部门 department.yaml 的别名目录），不能占用其他部门或发布厅的网址"
HIJACK_EN = ("it must lie in the department's own folder /gov/ (or a folder its department.yaml claims as an alias), "
             "not in another department's or the hall's")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # another department's future URL, the hall's own paths, the top level: refused (trust model)
        ({REL: release("/police/releases/future/")},
         [f"{REL}:5: 别名 /police/releases/future/：{HIJACK_ZH} / alias /police/releases/future/: {HIJACK_EN}"]),
        ({REL: release("/releases/")}, [f"{REL}:5: 别名 /releases/：{HIJACK_ZH} / alias /releases/: {HIJACK_EN}"]),
        ({REL: release("/index.html")}, [f"{REL}:5: 别名 /index.html：{HIJACK_ZH} / alias /index.html: {HIJACK_EN}"]),
        # colliding with a page of its own department, or with another alias: both named
        ({REL: release("/gov/releases/new-name/")},
         [f"{REL}:5: 别名 /gov/releases/new-name/：与 content/gov/releases/new-name.md 的网址相同，请删去或改写这个别名 / "
          "alias /gov/releases/new-name/: it is the same URL as content/gov/releases/new-name.md's; remove or change "
          "the alias"]),
        ({REL: release("/gov/releases/old-name/")},
         [f"{REL}:5: 别名 /gov/releases/old-name/：与 content/gov/releases/new-name.md 的网址相同，请删去或改写这个别名 / "
          "alias /gov/releases/old-name/: it is the same URL as content/gov/releases/new-name.md's; remove or change "
          "the alias"]),
        ({REL: release("/gov/")},
         [f"{REL}:5: 别名 /gov/：与 content/gov/department.yaml 的网址相同，请删去或改写这个别名 / alias /gov/: it is the "
          "same URL as content/gov/department.yaml's; remove or change the alias"]),
        # a release scheduled for later keeps its URL free
        ({REL: release("/gov/releases/later/"), "content/gov/releases/later.md": release(date="2025-01-01")},
         [f"{REL}:5: 别名 /gov/releases/later/：与 content/gov/releases/later.md 的网址相同，请删去或改写这个别名 / alias "
          "/gov/releases/later/: it is the same URL as content/gov/releases/later.md's; remove or change the alias"]),
        # paths that could leave the output folder or are not pages
        ({REL: release("/gov/../../etc/")},
         [f"{REL}:4: 字段 “aliases”：别名 “/gov/../../etc/” 无效：应是以 / 开头、以 / 或 .html 结尾的站内旧网址（如 "
          "/police/releases/old-slug/），不含域名、?、#、%、反斜杠、空段、“.” 或 “..” / 'aliases': alias '/gov/../../etc/' "
          "is not valid: write the old path inside the hall, starting with / and ending with / or .html (e.g. "
          "/police/releases/old-slug/), without a domain, ?, #, %, backslashes, empty, '.' or '..' segments"]),
        # department aliases: one folder, not another department's, not the hall's, not claimed twice
        ({"content/police/department.yaml": dept("测试市公安局", aliases=["/old-gov/"])},
         ["content/police/department.yaml:3: 别名 /old-gov/：目录 /old-gov/ 是部门 gov 原来的目录（content/gov/department.yaml "
          "写了这个别名，它的内容也有这个目录下的旧网址），不能占用 / alias /old-gov/: the folder /old-gov/ is department 'gov''s "
          "former folder (content/gov/department.yaml names it, and its items have old URLs in it); it cannot be taken"]),
        ({"content/police/department.yaml": dept("测试市公安局", aliases=["/gov/"])},
         ["content/police/department.yaml:3: 别名 /gov/：目录 /gov/ 已属于部门 gov（content/gov/department.yaml） / "
          "alias /gov/: the folder /gov/ belongs to department 'gov' (content/gov/department.yaml)"]),
        ({"content/police/department.yaml": dept("测试市公安局", aliases=["/stats/", "/a/b/"])},
         ["content/police/department.yaml:3: 别名 /stats/：/stats/ 是发布厅自身的路径 / alias /stats/: /stats/ is one of the "
          "hall's own paths",
          "content/police/department.yaml:4: 别名 /a/b/：部门的别名只能是一个目录（如 /old-name/，即部门原来的目录名） / alias "
          "/a/b/: a department's alias is one folder (e.g. /old-name/, the department's former id)"]),
        # a standalone page stays out of the departments' folders and the hall's paths
        ({"content/pages/help.md": front({"title": "帮助", "aliases": ["/police/help/", "/old-gov/x.html", "/qa/x/"]})},
         [f"content/pages/help.md:{line}: 别名 {path}：独立页面的别名不能位于部门目录或发布厅自身的路径下 / alias {path}: a "
          "standalone page's alias cannot lie in a department's folder or the hall's own paths"
          for line, path in ((4, "/police/help/"), (5, "/old-gov/x.html"), (6, "/qa/x/"))]),
    ],
)
def test_alias_errors_name_both_sides_and_refuse_hijacks(tmp_path, files, expected):
    assert problems(tmp_path, files) == expected


def test_an_unpublished_items_alias_is_checked_but_writes_nothing(tmp_path):
    files = {REL: release("/gov/releases/x-old/", date="2025-01-01")}
    out = build(write_site(tmp_path / "site", {**FILES, **files}), tmp_path / "out")
    assert not (out / "gov/releases/x-old").exists()
    assert problems(tmp_path / "again", {REL: release("/police/x/", date="2025-01-01")})[0].startswith(f"{REL}:5: ")


@pytest.mark.parametrize("change", ["rename target", "drop alias"])
def test_incremental_build_with_aliases_equals_a_clean_build(tmp_path, change):
    site = write_site(tmp_path / "site", FILES)
    out = build(site, tmp_path / "out")
    source = site / "content/gov/releases/new-name.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("停车办法", "停车管理办法") if change == "rename target"
                      else text.replace("- /gov/releases/old-name/\n", ""), encoding="utf-8")
    build(site, out)
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns(".cache"))
    build(clean, tmp_path / "clean-out")
    assert snapshot(out) == snapshot(tmp_path / "clean-out")
    assert (out / "gov/releases/old-name/index.html").exists() == (change == "rename target")


def test_the_zh_hant_mirror_redirects_within_the_mirror_and_stays_out_of_the_sitemap(tmp_path):
    site = write_site(tmp_path / "site", FILES, site={"title": "测试发布厅", "base_url": "https://hall.example.gov.cn/",
                                                      "variants": ["zh-Hant"]})
    out = build(site, tmp_path / "out")
    page = read(out, "zh-hant/gov/releases/old-name/index.html")
    assert '<meta http-equiv="refresh" content="0; url=/zh-hant/gov/releases/new-name/">' in page
    assert '<a href="/zh-hant/gov/releases/new-name/">停車辦法</a>' in page
    sitemap = read(out, "sitemap.xml")
    assert "zh-hant/gov/releases/new-name/" in sitemap and "old-name" not in sitemap
