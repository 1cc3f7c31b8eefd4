"""No metadata in any published image (issue 22): EXIF, XMP, GPS, comments and text chunks are removed from
every image type the hall publishes, shown on a page or not, whatever the file is named; an image whose
metadata cannot be removed is an error at its line. Every image is made here with Pillow."""

from __future__ import annotations

from io import BytesIO

import pytest
from helpers import BASIC, front, write_site
from PIL import Image, PngImagePlugin

from releasehall.pipeline.build import run

NOW = "2024-10-20 12:00"
SECRETS = (b"PhoneMaker", b"secret-xmp", b"secret-comment", b"secret-text")
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>secret-xmp</rdf:Description></x:xmpmeta>'


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (22.0, 32.0, 10.0), 3: "E", 4: (114.0, 3.0, 5.0)}
    return exif


def _picture(width: int = 64, height: int = 48) -> Image.Image:
    picture = Image.new("RGB", (width, height), (30, 90, 160))
    picture.paste((220, 40, 40), (0, 0, width // 4, height // 4))
    return picture


def jpeg(width: int = 64, height: int = 48, **extra) -> bytes:
    out = BytesIO()
    _picture(width, height).save(out, "JPEG", exif=_exif(), xmp=XMP, comment=b"secret-comment", **extra)
    return out.getvalue()


def mpo() -> bytes:
    """A phone's photo with an embedded preview (MPO): two JPEGs, each with the GPS position."""
    out = BytesIO()
    _picture().save(out, "MPO", save_all=True, append_images=[_picture(32, 24)], exif=_exif())
    assert out.getvalue().count(b"\xff\xd8") >= 2
    return out.getvalue()


def png(width: int = 64, height: int = 48) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-text")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add_text("Author", "secret-text", zip=True)
    out = BytesIO()
    _picture(width, height).save(out, "PNG", pnginfo=info, exif=_exif())
    return out.getvalue()


def webp(width: int = 64, height: int = 48) -> bytes:
    out = BytesIO()
    _picture(width, height).save(out, "WEBP", exif=_exif(), xmp=XMP)
    return out.getvalue()


def gif() -> bytes:
    out = BytesIO()
    _picture().convert("P").save(out, "GIF", comment=b"secret-comment")
    data = out.getvalue()
    xmp = b"\x21\xff\x0bXMP DataXMP" + bytes([len(XMP)]) + XMP[:255] + b"\x00"  # XMP as one sub-block
    return data[:-1] + xmp + data[-1:]


def tiff() -> bytes:
    out = BytesIO()
    _picture().save(out, "TIFF", exif=_exif().tobytes())
    return out.getvalue()


def avif() -> bytes:
    out = BytesIO()
    _picture().save(out, "AVIF", exif=_exif(), xmp=XMP)
    return out.getvalue()


IMAGES = {"photo.jpg": jpeg, "phone.jpg": mpo, "chart.png": png, "map.webp": webp, "sign.gif": gif,
          "scan.tif": tiff, "modern.avif": avif, "screenshot.jpg": png}  # the last: a PNG named .jpg


def _leaks(data: bytes) -> list[str]:
    found = [secret.decode() for secret in SECRETS if secret in data]
    with Image.open(BytesIO(data)) as picture:
        exif = picture.getexif()  # a TIFF's own tags (its size, strips …) are its EXIF too: only what it adds counts
        if any(tag in exif for tag in (0x010F, 0x0110, 0x8769, 0x8825, 0x02BC, 0x83BB)):
            found.append(f"EXIF {dict(exif)}")
        if exif.get_ifd(0x8825):
            found.append("GPS")
        for key in ("xmp", "XML:com.adobe.xmp", "exif", "comment", "Comment", "Author"):
            if picture.info.get(key):
                found.append(key)
    if data.startswith(b"\x89PNG"):
        found += [kind.decode() for kind in (b"eXIf", b"iTXt", b"tEXt", b"zTXt") if kind in data]
    if data[:4] == b"RIFF":
        found += [kind.decode() for kind in (b"EXIF", b"XMP ") if kind in data]
    if data.startswith(b"\xff\xd8"):
        found += ["second image"] if data.count(b"\xff\xd8\xff") > 1 else []
    return found


@pytest.mark.parametrize("shown", [True, False], ids=["shown", "not-shown"])
def test_no_published_image_of_any_type_carries_metadata(tmp_path, shown):
    images = {name: make() for name, make in IMAGES.items()}
    for name, data in images.items():
        assert _leaks(data), name  # each source carries some
    body = "".join(f"\n![图{n}](img/{name})\n" for n, name in enumerate(images)) if shown else "\n文字\n"
    files = {**BASIC, "content/police/releases/p.md": front({"title": "图", "date": "2024-09-20"}, body),
             **{f"content/police/releases/img/{name}": data for name, data in images.items()}}
    site = write_site(tmp_path, files)
    outcome = run(site, out=site / "out", now=NOW)
    assert not outcome.errors, outcome.errors
    out = site / "out/police/releases/img"
    for name in images:
        published = (out / name).read_bytes()
        assert _leaks(published) == [], name
        with Image.open(BytesIO(published)) as picture:
            picture.load()
            assert picture.size == (64, 48) and picture.convert("RGB").getpixel((2, 2))[0] > 150, name
    assert (out / "screenshot.jpg").read_bytes().startswith(b"\x89PNG")  # cleaned as what it is


def test_wide_images_variants_and_a_turned_png_carry_no_metadata(tmp_path):
    turned = BytesIO()
    exif = _exif()
    exif[0x0112] = 6
    _picture(80, 40).save(turned, "PNG", exif=exif)
    files = {**BASIC, "content/police/releases/p.md": front(
        {"title": "图", "date": "2024-09-20"}, "\n![宽](img/banner.webp)\n\n![宽2](img/wide.png)\n\n![转](img/turned.png)\n"),
        "content/police/releases/img/banner.webp": webp(2000, 100), "content/police/releases/img/wide.png": png(2000, 100),
        "content/police/releases/img/turned.png": turned.getvalue()}
    site = write_site(tmp_path, files)
    assert not run(site, out=site / "out", now=NOW).errors
    out = site / "out/police/releases/img"
    published = sorted(out.iterdir())
    assert len(published) == (1 + 3) + (1 + 2 * 3) + 1  # a WebP's variants are WebP only
    for path in published:
        assert _leaks(path.read_bytes()) == [], path.name
    with Image.open(out / "turned.png") as picture:
        assert picture.size == (40, 80)


def _broken_png() -> bytes:
    data = png()
    return data[:40] + bytes([data[40] ^ 0xFF]) + data[41:]  # a checksum that no longer holds


@pytest.mark.parametrize("name,data", [("bad.png", _broken_png()), ("cut.jpg", jpeg()[:-300]),
                                       ("cut.webp", webp()[:30])])
def test_an_image_whose_metadata_cannot_be_removed_is_an_error_at_its_line(tmp_path, name, data):
    files = {**BASIC, "content/police/releases/p.md": front({"title": "图", "date": "2024-09-20"},
                                                           f"\n文字\n\n![坏](img/{name})\n"),
             f"content/police/releases/img/{name}": data}
    site = write_site(tmp_path, files)
    outcome = run(site, out=site / "out", now=NOW)
    assert [(p.path, p.line) for p in outcome.errors] == [("content/police/releases/p.md", 8)]
    assert "metadata" in outcome.errors[0].en or "cannot be decoded" in outcome.errors[0].en
    assert not (site / "out").exists()


def test_the_container_walk_keeps_the_picture_bytes_exactly():
    from releasehall.media import metadata

    plain = BytesIO()
    _picture().save(plain, "PNG")
    assert metadata.strip_png(plain.getvalue()) == plain.getvalue()
    stripped, scans = metadata.strip_jpeg(jpeg(progressive=True))
    assert scans > 1 and _leaks(stripped) == []
    with Image.open(BytesIO(stripped)) as again, Image.open(BytesIO(jpeg(progressive=True))) as first:
        assert again.tobytes() == first.tobytes()  # the same scans: the same pixels
