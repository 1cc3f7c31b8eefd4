"""Attachments, images, tables of contents, callouts and the second Markdown engine."""

from __future__ import annotations

import shutil
from io import BytesIO
from pathlib import Path
from typing import Any

import feedparser
import pytest
from helpers import NOW, SAMPLE_NOW, SITE, dept, front, image, pdf, sample_hall, snapshot, write_site
from PIL import Image

from releasehall.pipeline.build import run

ENGINES = ["commonmark", "python-markdown"]


def photo(width: int, height: int, orientation: int = 1, color: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    """A phone photo: a JPEG with the camera's make, a GPS position and an orientation in its EXIF."""
    picture = Image.new("RGB", (width, height), color)
    picture.paste((20, 20, 20), (0, 0, width // 4, height // 4))  # a dark corner, to see which way is up
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (22.0, 32.0, 10.0), 3: "E", 4: (114.0, 3.0, 5.0)}
    out = BytesIO()
    picture.save(out, "JPEG", exif=exif, quality=80)
    return out.getvalue()


def site_with(tmp_path: Path, files: dict[str, Any], engine: str = "commonmark", **site: Any) -> Path:
    extra = {"markdown": {"engine": engine}} if engine != "commonmark" else {}
    return write_site(tmp_path, {"content/police/department.yaml": dept("测试公安"),
                                 "content/traffic/department.yaml": dept("测试交警"), **files},
                      {**SITE, **extra, **site})


def build(site: Path, out: Path | None = None, **options: Any):
    outcome = run(site, out=out or site / "out", now=NOW, **options)
    return outcome


def page(site: Path, rel: str) -> str:
    return (site / "out" / rel).read_text(encoding="utf-8")


def errors(outcome) -> list[str]:
    return [f"{p.path}:{p.line}: {p.en}" for p in outcome.errors]


# ---- attachments

ATTACHED = {
    "content/police/releases/a.md": front(
        {"title": "通知", "date": "2024-09-20",
         "attachments": [{"file": "files/notice.pdf", "title": "通知全文"}, {"file": "files/table.xlsx"}]},
        "\n请下载[登记表](files/form.docx)，或看[照片](img/p.png)。\n"),
    "content/police/releases/files/notice.pdf": pdf(3),
    "content/police/releases/files/table.xlsx": b"x" * 1300000,
    "content/police/releases/files/form.docx": b"y" * 700,
    "content/police/releases/img/p.png": image(10, 10),
    "content/police/qa/q.md": front({"title": "问", "asked": "2024-09-01", "question": "要什么材料？",
                                     "replied": "2024-09-02", "attachments": [{"file": "../releases/files/notice.pdf",
                                                                               "title": "材料清单"}]}, "\n见附件。\n"),
}


@pytest.mark.parametrize("engine", ENGINES)
def test_attachments_listed_with_type_size_and_pdf_pages(tmp_path, engine):
    site = site_with(tmp_path, ATTACHED, engine)
    outcome = build(site)
    assert errors(outcome) == []
    size = len(pdf(3))
    meta = f"PDF，{size / 1024:.1f} KB，共 3 页"
    assert ('<section class="attachments" aria-labelledby="attachments"><h2 id="attachments">附件</h2>\n<ul>'
            f'<li><a href="/police/releases/files/notice.pdf">通知全文</a> <span class="file-meta">（{meta}）</span></li>'
            '<li><a href="/police/releases/files/table.xlsx">table.xlsx</a> <span class="file-meta">（Excel，1.2 MB）</span></li>'
            '<li><a href="/police/releases/files/form.docx">登记表</a> <span class="file-meta">（Word，700 B）</span></li>'
            "</ul></section>") in page(site, "police/releases/a/index.html")
    reply = page(site, "police/qa/q/index.html")
    assert f'<a href="/police/releases/files/notice.pdf">材料清单</a> <span class="file-meta">（{meta}）</span>' in reply


def test_attachment_errors_name_the_line(tmp_path):
    files = {
        "content/police/releases/a.md": front(
            {"title": "通知", "date": "2024-09-20",
             "attachments": [{"file": "files/missing.pdf", "title": "缺"},
                             {"file": "../../traffic/releases/t.pdf", "title": "别人的"},
                             {"file": "files/broken.pdf", "title": "坏的"}]}, "\n[另一个坏的](files/bad.pdf)\n"),
        "content/police/releases/files/broken.pdf": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog",
        "content/police/releases/files/bad.pdf": b"not a pdf at all",
        "content/traffic/releases/t.pdf": pdf(1),
    }
    outcome = build(site_with(tmp_path, files))
    assert errors(outcome) == [
        "content/police/releases/a.md:5: attachment 'files/missing.pdf' does not exist "
        "(content/police/releases/files/missing.pdf); check the path or add the file",
        "content/police/releases/a.md:7: attachment '../../traffic/releases/t.pdf' must be a file in this "
        "department's folder content/police/ (a path relative to this file)",
        "content/police/releases/a.md:9: attachment content/police/releases/files/broken.pdf is not a PDF that opens "
        "(damaged or not a PDF); export it again",
        "content/police/releases/a.md:13: attachment content/police/releases/files/bad.pdf is not a PDF that opens "
        "(damaged or not a PDF); export it again",
    ]


def test_a_pdf_whose_page_tree_loops_is_refused_not_followed(tmp_path):
    loop = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")
    files = {"content/police/releases/a.md": front({"title": "通知", "date": "2024-09-20",
                                                    "attachments": [{"file": "loop.pdf"}]}),
             "content/police/releases/loop.pdf": loop}
    assert [p.line for p in build(site_with(tmp_path, files)).errors] == [5]


def test_check_audits_attachment_sizes(tmp_path, run_cli):
    site = site_with(tmp_path, ATTACHED, attachments={"max_mb": 1})
    code, _out, err = run_cli("check", "--site", str(site), "--now", NOW)
    warning = ("附件 content/police/releases/files/table.xlsx 有 1.2 MB，超过 1 MB 的上限（site.yaml 的 "
               "attachments.max_mb），请压缩或拆分（检查指标：附件可下载） / attachment content/police/releases/files/"
               "table.xlsx is 1.2 MB, over the 1 MB limit (site.yaml attachments.max_mb); compress or split it")
    assert code == 0 and f"content/police/releases/a.md:7: 警告 warning: {warning}" in err
    code, _out, err = run_cli("check", "--site", str(site), "--now", NOW, "--strict")
    assert code == 1 and f"content/police/releases/a.md:7: {warning}" in err
    assert "notice.pdf 有" not in err


# ---- images

def exif_of(data: bytes) -> dict[int, Any]:
    with Image.open(BytesIO(data)) as picture:
        return dict(picture.getexif())


IMAGES = {
    "content/police/releases/photos.md": front({"title": "现场", "date": "2024-09-20"},
                                          "\n![大图](img/wide.jpg)\n\n![小图](img/small.png)\n"),
    "content/police/releases/img/wide.jpg": photo(2400, 1200),
    "content/police/releases/img/small.png": image(300, 200),
    "content/police/releases/img/turned.jpg": photo(400, 200, orientation=6),
}


def test_wide_image_gets_variants_srcset_and_every_jpeg_loses_its_exif(tmp_path):
    site = site_with(tmp_path, IMAGES)
    assert errors(build(site)) == []
    html = page(site, "police/releases/photos/index.html")
    base = "/police/releases/img/wide"
    assert (f'<picture><source type="image/webp" srcset="{base}-480w.webp 480w, {base}-960w.webp 960w, '
            f'{base}-1600w.webp 1600w" sizes="(max-width: 1600px) 100vw, 1600px">'
            f'<img src="{base}-1600w.jpg" alt="大图" loading="lazy" width="1600" height="800" '
            f'srcset="{base}-480w.jpg 480w, {base}-960w.jpg 960w, {base}-1600w.jpg 1600w" '
            'sizes="(max-width: 1600px) 100vw, 1600px"></picture>') in html
    assert '<img src="/police/releases/img/small.png" alt="小图" loading="lazy" width="300" height="200">' in html
    out = site / "out/police/releases/img"
    for width in (480, 960, 1600):
        with Image.open(out / f"wide-{width}w.webp") as small:
            assert small.size == (width, width // 2) and small.format == "WEBP"
        with Image.open(out / f"wide-{width}w.jpg") as small:
            assert small.size == (width, width // 2) and small.format == "JPEG"
    jpegs = sorted(p.name for p in out.iterdir() if p.suffix == ".jpg")
    assert jpegs == ["turned.jpg", "wide-1600w.jpg", "wide-480w.jpg", "wide-960w.jpg", "wide.jpg"]
    for name in jpegs:
        assert exif_of((out / name).read_bytes()) == {}, name
        assert b"PhoneMaker" not in (out / name).read_bytes()
    assert exif_of((site / "content/police/releases/img/wide.jpg").read_bytes())[0x010F] == "PhoneMaker"
    with Image.open(out / "turned.jpg") as turned:  # orientation 6: the pixels are turned upright, the tag dropped
        assert turned.size == (200, 400)
        assert turned.getpixel((150, 10))[0] < 60 and turned.getpixel((10, 390))[0] > 150
    feed = feedparser.parse((site / "out/feed.xml").read_bytes()).entries[0].content[0].value
    assert f'<img alt="大图" height="800" src="https://hall.example.gov.cn{base}-1600w.jpg" width="1600" />' in feed


def test_identical_images_give_identical_bytes_on_one_core_or_two(tmp_path, monkeypatch):
    import releasehall.media.pictures as pictures
    import releasehall.parallel as parallel

    files = {**IMAGES, "content/police/releases/img/wide2.jpg": photo(1800, 900, color=(10, 200, 90)),
             "content/police/releases/more.md": front({"title": "更多", "date": "2024-09-21"}, "\n![大图2](img/wide2.jpg)\n")}
    one = site_with(tmp_path / "one", files)
    monkeypatch.setattr(pictures, "PARALLEL_FROM", 10**9)
    assert errors(build(one)) == []
    two = site_with(tmp_path / "two", files)
    monkeypatch.setattr(pictures, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    assert errors(build(two)) == []
    assert snapshot(one / "out") == snapshot(two / "out")
    assert (one / "out/police/releases/img/wide2-960w.webp").is_file()


def test_variants_come_from_the_cache_which_is_checked_before_use(tmp_path, monkeypatch):
    import releasehall.media.pictures as pictures

    site = site_with(tmp_path, IMAGES)
    assert errors(build(site)) == []
    first = snapshot(site / "out")
    entries = sorted((site / ".cache/releasehall/images").iterdir())
    assert len(entries) == 3 and all((e / "info.json").is_file() for e in entries)

    def no_pillow(*_args: Any) -> Any:
        raise AssertionError("made again")

    monkeypatch.setattr(pictures, "_encode", no_pillow)
    shutil.rmtree(site / "out")
    assert errors(build(site, use_cache=False)) == []
    assert snapshot(site / "out") == first
    monkeypatch.undo()
    for entry in entries:  # a cache file altered by anyone: the entry is made again, the output stays right
        for file in entry.iterdir():
            if file.name != "info.json":
                file.write_bytes(b"tampered")
    shutil.rmtree(site / "out")
    assert errors(build(site)) == []
    assert snapshot(site / "out") == first


def entries_of(site: Path) -> list[str]:
    return sorted(e.name for e in (site / ".cache/releasehall/images").iterdir())


def count_pillow(monkeypatch, tally: Path) -> None:
    """Every image Pillow opens, in this process or a forked worker, adds a line to `tally`."""
    opened = Image.open

    def counted(*args: Any, **kwargs: Any) -> Any:
        with tally.open("a") as out:
            out.write("open\n")
        return opened(*args, **kwargs)

    tally.write_text("")
    monkeypatch.setattr(Image, "open", counted)


def test_variants_are_made_once_then_reused_without_pillow(tmp_path, monkeypatch):
    files = {**IMAGES, "content/police/releases/img/wide2.jpg": photo(1800, 900, color=(10, 200, 90))}
    site = site_with(tmp_path / "site", files)
    tally = tmp_path / "pillow.txt"
    count_pillow(monkeypatch, tally)
    assert errors(build(site)) == []
    # each header read twice (the build's pixel budget, then the worker's plan); wide (shown) and turned decoded;
    # wide2 (not shown) and small (narrow) only cleaned of their metadata, never decoded
    assert tally.read_text().count("open") == 4 * 2 + 2
    first = snapshot(site / "out")
    tally.write_text("")
    assert errors(build(site)) == []  # a rebuild
    assert errors(build(site, tmp_path / "other-out", use_cache=False)) == []  # a cold build into a new folder
    assert tally.read_text() == ""
    assert snapshot(tmp_path / "other-out") == first


def test_an_image_removed_or_changed_loses_its_variants_a_shared_one_keeps_them(tmp_path):
    wide, wide2 = photo(2400, 1200), photo(1800, 900, color=(10, 200, 90))
    files = {"content/police/releases/a.md": front({"title": "图", "date": "2024-09-20"},
                                                   "\n![甲](img/wide.jpg)\n\n![乙](img/wide2.jpg)\n"),
             "content/police/releases/img/wide.jpg": wide, "content/police/releases/img/wide2.jpg": wide2,
             "content/traffic/releases/b.md": front({"title": "同图", "date": "2024-09-21"}, "\n![丙](img/same.jpg)\n"),
             "content/traffic/releases/img/same.jpg": wide}  # the same bytes: one entry for both
    site = site_with(tmp_path / "site", files)
    assert errors(build(site)) == []
    first = entries_of(site)
    made = snapshot(site / "out")
    assert len(first) == 2
    (site / "content/police/releases/a.md").write_text(
        front({"title": "图", "date": "2024-09-20"}, "\n![乙](img/wide2.jpg)\n"), encoding="utf-8")
    (site / "content/police/releases/img/wide.jpg").unlink()  # still shown by traffic as same.jpg
    (site / "content/police/releases/img/wide2.jpg").write_bytes(photo(1700, 850))  # changed
    assert errors(build(site)) == []
    second = entries_of(site)
    assert len(second) == 2 and len(set(first) & set(second)) == 1  # wide2's old entry gone, the shared one kept
    assert made["traffic/releases/img/same-960w.webp"] == (site / "out/traffic/releases/img/same-960w.webp").read_bytes()
    (site / "content/traffic/releases/b.md").unlink()
    (site / "content/traffic/releases/img/same.jpg").unlink()
    (site / "content/police/releases/img/wide2.jpg").write_bytes(wide2)
    assert errors(build(site)) == []
    assert entries_of(site) == [name for name in first if name not in second]  # wide2 as it was first: made again
    assert snapshot(site / "out")["police/releases/img/wide2-960w.webp"] == made["police/releases/img/wide2-960w.webp"]


def test_a_failed_build_prunes_nothing_and_pruning_stays_inside_the_cache_folder(tmp_path):
    site = site_with(tmp_path / "site", IMAGES)
    assert errors(build(site)) == []
    first = entries_of(site)
    (site / "content/police/releases/photos.md").write_text(
        front({"title": "现场", "date": "2024-09-20"}, "\n[坏链接](missing.md)\n"), encoding="utf-8")
    for name in ("wide.jpg", "small.png", "turned.jpg"):
        (site / "content/police/releases/img" / name).unlink()
    assert errors(build(site)) == [
        "content/police/releases/photos.md:6: link 'missing.md' names no file (content/police/releases/missing.md); "
        "check the path"]
    assert entries_of(site) == first
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine")
    cache = site / ".cache/releasehall/images"
    (cache / ("a" * 32)).symlink_to(outside, target_is_directory=True)  # a link under an entry's name
    (cache / "notes.txt").write_text("not an entry")
    (cache / ("b" * 32)).mkdir()
    (cache / ("b" * 32) / "w1.jpg").symlink_to(outside / "keep.txt")
    (site / "content/police/releases/photos.md").write_text(front({"title": "现场", "date": "2024-09-20"}, "\n文字\n"),
                                                            encoding="utf-8")
    assert errors(build(site)) == []
    assert entries_of(site) == []  # the link removed, not followed, and the stray file (`cache.secure`); nothing else
    assert (outside / "keep.txt").read_text() == "mine"


def test_a_forged_image_cache_entry_is_not_believed(tmp_path):
    """Anyone who can write the site folder can write an entry whose digests agree with its files; without
    the cache key's signature it is made again and the output stays a clean build's."""
    import hashlib
    import json

    site = site_with(tmp_path, IMAGES)
    assert errors(build(site)) == []
    first = snapshot(site / "out")
    forged = photo(1600, 800, color=(250, 0, 0))
    for entry in sorted((site / ".cache/releasehall/images").iterdir()):
        info = json.loads((entry / "info.json").read_text(encoding="utf-8"))
        for name in info["digests"]:
            (entry / name).write_bytes(forged)
            info["digests"][name] = hashlib.blake2b(forged, digest_size=16).hexdigest()
        (entry / "info.json").write_text(json.dumps(info, sort_keys=True), encoding="utf-8")
    shutil.rmtree(site / "out")
    assert errors(build(site)) == []
    assert snapshot(site / "out") == first
    entry = sorted((site / ".cache/releasehall/images").iterdir())[0]
    assert forged not in [f.read_bytes() for f in entry.iterdir()]  # the entry was made again


def test_image_that_cannot_be_decoded_is_an_error_at_its_link(tmp_path, monkeypatch):
    files = {
        "content/police/releases/a.md": front({"title": "图", "date": "2024-09-20"}, "\n文字\n\n![坏图](img/bad.png)\n"),
        "content/police/releases/img/bad.png": b"\x89PNG broken",
        "content/police/releases/img/lone.jpg": b"\xff\xd8 not really",
    }
    outcome = build(site_with(tmp_path, files))
    assert errors(outcome) == [
        "content/police/releases/a.md:8: image content/police/releases/img/bad.png cannot be decoded (damaged or "
        "not an image: UnidentifiedImageError); export it again",
        "content/police/releases/img/lone.jpg:1: image content/police/releases/img/lone.jpg cannot be decoded "
        "(damaged or not an image: UnidentifiedImageError); export it again",
    ]
    from PIL import Image as PILImage

    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 1000)
    bomb = {"content/police/releases/a.md": front({"title": "图", "date": "2024-09-20"}, "\n![炸弹](b.png)\n"),
            "content/police/releases/b.png": image(100, 100)}
    outcome = build(site_with(tmp_path / "bomb", bomb))
    assert [(p.path, p.line) for p in outcome.errors] == [("content/police/releases/a.md", 6)]
    assert "decompression bomb" in outcome.errors[0].en


# ---- incremental builds equal clean ones

EDITS = {  # what is replaced, and a page that shows it
    "attachment replaced": (lambda s: (s / "content/police/releases/files/notice.pdf").write_bytes(pdf(5)),
                            "police/qa/q/index.html"),
    "image replaced": (lambda s: (s / "content/police/releases/img/wide.jpg").write_bytes(photo(2000, 500)),
                       "police/releases/b/index.html"),
    "image narrowed": (lambda s: (s / "content/police/releases/img/wide.jpg").write_bytes(photo(800, 400)),
                       "police/releases/b/index.html"),
    "png replaced": (lambda s: (s / "content/police/releases/img/small.png").write_bytes(image(500, 100)),
                     "police/releases/photos/index.html"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_incremental_build_after_replacing_a_file_equals_a_clean_build(tmp_path, name):
    site = site_with(tmp_path / "site", {**ATTACHED, **IMAGES,
                                         "content/police/releases/b.md": front({"title": "图", "date": "2024-09-21"},
                                                                               "\n![大图](img/wide.jpg)\n")})
    out = tmp_path / "out"
    assert errors(build(site, out)) == []
    before = snapshot(out)
    edit, shown = EDITS[name]
    edit(site)
    assert errors(build(site, out)) == []
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns(".cache"))
    assert errors(build(clean, tmp_path / "clean-out", use_cache=False)) == []
    after = snapshot(out)
    assert after == snapshot(tmp_path / "clean-out")
    assert after[shown] != before[shown]
    if name == "attachment replaced":
        assert after["police/releases/a/index.html"] != before["police/releases/a/index.html"]


# ---- table of contents and callouts

def test_long_documents_get_a_table_of_contents(tmp_path):
    three = "\n## 一、背景\n\n文字\n\n## 二、措施\n\n### （一）交通\n\n## 三、要求\n"
    files = {
        "content/police/releases/long.md": front({"title": "长文", "date": "2024-09-20"}, three),
        "content/police/releases/off.md": front({"title": "不要目录", "date": "2024-09-20", "toc": False}, three),
        "content/police/releases/on.md": front({"title": "要目录", "date": "2024-09-20", "toc": True}, "\n## 唯一\n"),
        "content/police/releases/short.md": front({"title": "短文", "date": "2024-09-20"}, "\n## 一\n\n## 二\n"),
    }
    site = site_with(tmp_path, files)
    assert errors(build(site)) == []
    assert ('<nav class="toc" aria-label="目录"><p class="toc-title">目录</p>\n<ol>'
            '<li class="toc-2"><a href="#一背景">一、背景</a></li><li class="toc-2"><a href="#二措施">二、措施</a></li>'
            '<li class="toc-3"><a href="#一交通">（一）交通</a></li><li class="toc-2"><a href="#三要求">三、要求</a></li>'
            "</ol></nav>") in page(site, "police/releases/long/index.html")
    assert 'class="toc"' not in page(site, "police/releases/off/index.html")
    assert 'class="toc"' not in page(site, "police/releases/short/index.html")
    assert '<li class="toc-2"><a href="#唯一">唯一</a></li>' in page(site, "police/releases/on/index.html")


@pytest.mark.parametrize("engine", ENGINES)
def test_github_alerts_become_labelled_boxes_in_pages_and_plain_quotes_in_feeds(tmp_path, engine):
    body = "".join(f"\n> [!{kind}]\n> {kind.lower()} 内容\n\n段落\n" for kind in
                   ("NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION")) + "\n> 普通引用\n"
    site = site_with(tmp_path, {"content/police/releases/a.md": front({"title": "提示", "date": "2024-09-20"}, body)},
                     engine)
    assert errors(build(site)) == []
    html = page(site, "police/releases/a/index.html")
    for kind, label in (("note", "提示"), ("tip", "小贴士"), ("important", "重要"), ("warning", "注意"),
                        ("caution", "警告")):
        assert (f'<aside class="callout callout-{kind}" role="note" aria-label="{label}">\n'
                f'<p class="callout-label">{label}</p>\n<p>{kind} 内容</p>\n</aside>') in html
    assert "<blockquote>\n<p>普通引用</p>\n</blockquote>" in html and "[!" not in html
    feed = feedparser.parse((site / "out/feed.xml").read_bytes()).entries[0].content[0].value
    assert "<blockquote>\n<p><strong>警告</strong></p>\n<p>caution 内容</p>\n</blockquote>" in feed
    assert "callout" not in feed


# ---- the second engine

def test_python_markdown_engine_builds_with_vetted_extensions_only(tmp_path, run_cli):
    files = {"content/police/releases/a.md": front({"title": "定义", "date": "2024-09-20"},
                                                   "\n术语\n:   解释\n\n```\ncode\n```\n")}
    site = site_with(tmp_path, files, "python-markdown")
    (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8")
                                    + "  extensions: [def_list, fenced_code]\n", encoding="utf-8")
    assert errors(build(site)) == []
    assert "<dl>\n<dt>术语</dt>\n<dd>解释</dd>\n</dl>\n<pre><code>code\n</code></pre>" in \
        page(site, "police/releases/a/index.html")
    (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8").replace(
        "fenced_code]", "pymdownx.snippets]"), encoding="utf-8")
    code, _out, err = run_cli("build", "--site", str(site), "--now", NOW)
    assert code == 1 and "site.yaml:5:" in err and "'pymdownx.snippets' is not allowed" in err


# ---- the sample hall shows all of it, with either engine



@pytest.mark.parametrize("engine", ENGINES)
def test_sample_hall_builds_with_either_engine_and_shows_attachments_photos_toc_and_callouts(tmp_path, engine):
    site = sample_hall(tmp_path / "hall")
    if engine != "commonmark":
        with (site / "site.yaml").open("a", encoding="utf-8") as settings:
            settings.write(f"markdown:\n  engine: {engine}\n")
    outcome = run(site, out=site / "out", now=SAMPLE_NOW)
    assert [str(p) for p in outcome.problems] == []
    rules = page(site, "xinwenban/releases/2026-09-15-liuyan-banli-guiding/index.html")
    assert '<li class="toc-2"><a href="#答复时限">答复时限</a></li>' in rules
    assert '<aside class="callout callout-important" role="note" aria-label="重要">' in rules
    assert ('<a href="/xinwenban/releases/files/liuyan-banli-guiding.pdf">《政务发布厅网民留言办理规定》全文</a> '
            '<span class="file-meta">（PDF，2.3 KB，共 2 页）</span>') in rules
    photo_page = page(site, "xinwenban/releases/2026-10-15-weifangtan-shilu/index.html")
    assert 'src="/xinwenban/releases/img/weifangtan-xianchang-1600w.jpg"' in photo_page
    assert 'width="1600" height="1000"' in photo_page and 'type="image/webp"' in photo_page
    source = (site / "content/xinwenban/releases/img/weifangtan-xianchang.jpg").read_bytes()
    assert 0x8825 in exif_of(source)  # the committed photo carries a GPS position …
    for published in sorted((site / "out").rglob("*.jp*g")):  # … no published JPEG does
        assert exif_of(published.read_bytes()) == {}, published


def test_serve_quick_path_on_a_body_with_a_photo_callout_and_attachment_equals_a_whole_build(tmp_path):
    from releasehall.serve.server import Site

    rel = "content/police/releases/photos.md"
    files = {**ATTACHED, **IMAGES,
             rel: front({"title": "现场", "date": "2024-09-20"},
                        "\n![大图](img/wide.jpg)\n\n> [!NOTE]\n> 注意安全。\n\n[附件](files/form.docx)\n")}
    site = site_with(tmp_path / "site", files)
    preview = Site(site.resolve(), "http://127.0.0.1:8000/", NOW, False)
    assert not preview.rebuild().errors
    text = (site / rel).read_text(encoding="utf-8").replace("注意安全。", "注意安全，服从指挥。")
    (site / rel).write_text(text, encoding="utf-8")
    quick = preview.rebuild({rel})
    assert quick is not None and not quick.problems
    assert "police/releases/photos/index.html" in quick.rendered and "police/index.html" not in quick.rendered
    shown = preview.files["police/releases/photos/index.html"].decode("utf-8")
    assert "服从指挥" in shown and "wide-1600w.webp 1600w" in shown and "callout-note" in shown
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(".cache"))
    whole = Site(fresh.resolve(), "http://127.0.0.1:8000/", NOW, False)
    assert not whole.rebuild().errors
    assert preview.files == whole.files
