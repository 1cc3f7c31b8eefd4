"""Decoding has a budget (issue 22): pixels per image and per build, scans per JPEG, inflated bytes and time per
PDF; only images a page shows are decoded. Each exceeded limit is an error at the line that links the file.
Every hostile file is made here; what they cost is measured in bench/hostile.py, never here."""

from __future__ import annotations

import io
import zlib

import pytest
from helpers import BASIC, front, write_site
from PIL import Image, ImageFile

from releasehall.media import pictures
from releasehall.pipeline.build import run

NOW = "2024-10-20 12:00"


def build(site):
    return run(site, out=site / "out", now=NOW)


def where(outcome) -> list[tuple[str, int]]:
    return [(p.path, p.line) for p in outcome.errors]


def shown(names: list[str], **images: bytes) -> dict[str, object]:
    body = "".join(f"\n![图](img/{name})\n" for name in names)  # the n-th image is at line 6 + 2n
    return {**BASIC, "content/police/releases/p.md": front({"title": "图", "date": "2024-09-20"}, body),
            **{f"content/police/releases/img/{name}": data for name, data in images.items()}}


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 200).save(out, "PNG")
    return out.getvalue()


def repeated_scans(count: int) -> bytes:
    """A progressive JPEG whose last scan is repeated `count` times (each costs the decoder a pass)."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(out, "JPEG", progressive=True)
    data = out.getvalue()
    last = data.rfind(b"\xff\xda")
    return data[:last] + data[last:-2] * count + b"\xff\xd9"


def test_an_image_over_the_pixels_of_one_image_is_an_error_at_its_link(tmp_path):
    side = int(pictures.MAX_PIXELS ** 0.5) + 10
    outcome = build(write_site(tmp_path, shown(["ok.png", "big.png"], **{"ok.png": png(20, 20), "big.png": png(side, side)})))
    assert where(outcome) == [("content/police/releases/p.md", 8)]
    assert f"{side}x{side} pixels" in outcome.errors[0].en and "decompression bomb" in outcome.errors[0].en


def test_the_pixels_a_build_decodes_have_a_budget_an_error_at_the_image_that_passes_it(tmp_path, monkeypatch):
    monkeypatch.setattr(pictures, "BUILD_PIXELS", 2 * 2000 * 100 + 10)  # two wide images' worth
    names = ["a.png", "b.png", "c.png"]
    files = shown(names, **{name: png(2000, 100) for name in names},
                  **{"narrow.png": png(300, 300)})  # not decoded (narrow, no orientation): does not count
    outcome = build(write_site(tmp_path, files))
    assert where(outcome) == [("content/police/releases/p.md", 10)]
    assert "megapixels" in outcome.errors[0].en


@pytest.mark.parametrize("show", [True, False], ids=["shown", "not-shown"])
def test_a_jpeg_with_thousands_of_scans_is_an_error_at_its_line(tmp_path, show):
    data = repeated_scans(pictures.MAX_SCANS)  # and the scans it had: just over the limit
    with Image.open(io.BytesIO(data)) as picture:
        picture.load()  # a valid image: it decodes, only slowly
    files = shown(["scans.jpg"] if show else [], **{"scans.jpg": data})
    if not show:
        files["content/police/releases/p.md"] = front({"title": "图", "date": "2024-09-20"}, "\n文字\n")
    outcome = build(write_site(tmp_path, files))
    at = ("content/police/releases/p.md", 6) if show else ("content/police/releases/img/scans.jpg", 1)
    assert where(outcome) == [at]
    assert "scans (a progressive JPEG has about ten; at most 100)" in outcome.errors[0].en


def test_an_image_no_page_shows_is_published_clean_without_being_decoded(tmp_path, monkeypatch):
    def no_decoding(self):
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGB", (3000, 2000), (30, 90, 160)).save(out, "JPEG", exif=exif)
    files = {**BASIC, "content/police/releases/p.md": front({"title": "图", "date": "2024-09-20"}, "\n文字\n"),
             "content/police/releases/img/wide.jpg": out.getvalue()}
    site = write_site(tmp_path, files)
    assert where(build(site)) == []
    published = (site / "out/police/releases/img/wide.jpg").read_bytes()
    assert b"PhoneMaker" not in published and published.startswith(b"\xff\xd8")
    assert not list((site / "out/police/releases/img").glob("wide-*"))  # no variants: no page shows it


def object_stream_pdf(pages: int, inflated: int) -> bytes:
    """A PDF whose page objects each sit in an object stream compressed twice (Flate over Flate) that inflates to
    `inflated` bytes, named by a cross-reference stream."""
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = []
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    for number, body in enumerate([b"<< /Type /Catalog /Pages 2 0 R >>",
                                   b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages], 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    streams = []
    for index in range(pages):
        head = b"%d 0 " % (3 + index)
        packed = zlib.compress(zlib.compress(head + b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 60 80] >>"
                                             + b" " * inflated, 9), 9)
        streams.append(3 + pages + index)
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n<< /Type /ObjStm /N 1 /First %d /Length %d /Filter [/FlateDecode /FlateDecode] >>\n"
                  b"stream\n" % (streams[-1], len(head), len(packed)) + packed + b"\nendstream\nendobj\n")
    rows = [(0, 0, 65535), (1, offsets[0], 0), (1, offsets[1], 0)]
    rows += [(2, stream, 0) for stream in streams] + [(1, offset, 0) for offset in offsets[2:]]
    xref = out.tell()
    rows.append((1, xref, 0))
    table = b"".join(bytes([kind]) + value.to_bytes(4, "big") + gen.to_bytes(2, "big") for kind, value, gen in rows)
    out.write(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
              % (len(rows) - 1, len(rows), len(table)) + table + b"\nendstream\nendobj\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def test_a_pdf_whose_page_objects_inflate_past_the_budget_is_an_error_at_its_attachment(tmp_path):
    from releasehall.media import attachments

    bomb = object_stream_pdf(6, attachments.PDF_STREAM_BYTES + 1000)
    honest = object_stream_pdf(6, 1000)
    files = {**BASIC, "content/police/releases/a.md": front(
        {"title": "通知", "date": "2024-09-20",
         "attachments": [{"file": "files/honest.pdf", "title": "正常"}, {"file": "files/bomb.pdf", "title": "炸弹"}]},
        "\n正文。\n"),
        "content/police/releases/files/honest.pdf": honest, "content/police/releases/files/bomb.pdf": bomb}
    outcome = build(write_site(tmp_path, files))
    assert where(outcome) == [("content/police/releases/a.md", 7)], outcome.problems
    assert "decompression bomb" in outcome.errors[0].en and "bomb.pdf" in outcome.errors[0].en
