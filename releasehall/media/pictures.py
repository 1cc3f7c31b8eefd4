"""Images: width and height on every body image, resized variants of wide ones, no metadata in any image.

A body image wider than `images.max_width` is published as variants (WebP and its own format, at
a few widths up to `max_width`) behind a `<picture>` with `srcset` and `sizes`. Every image under
content/, shown or not, is published without EXIF, XMP, GPS or text chunks (phones record where a
photo was taken): `metadata` leaves them out of the container without decoding it; a JPEG whose EXIF
turns it is decoded and saved upright; TIFF and AVIF, whose metadata lives in the image structure, are
re-encoded. Decoding has a budget: `MAX_PIXELS` per image, `BUILD_PIXELS` per build, `MAX_SCANS`
per JPEG; only images a page shows (wide ones, for their variants), turned JPEGs and TIFF/AVIF are
decoded. Pillow does the work, in forked workers when there are several images to make, and only for
images whose bytes are not in the variant cache yet:
`.cache/releasehall/images/<digest of the source bytes and the settings>/`, a folder of plain files
and an `info.json` signed with the cache key (`secret`), every file checked against the digest recorded
there before it is used. After a successful build, `prune` removes the entries no published image uses
any more. Nothing here imports Pillow while no image is published.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import posixpath
import re
import shutil
import stat
import struct
import tempfile
import time
import warnings
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from html import escape, unescape
from io import BytesIO
from pathlib import Path
from typing import Any

from releasehall.errors import Report
from releasehall.markdown.markup import Body
from releasehall.media import metadata
from releasehall.model.records import Asset
from releasehall.model.urls import Urls
from releasehall.parallel import fork_map
from releasehall.read import filetypes
from releasehall.settings.site import Settings
from releasehall.store.places import CACHE_DIR, IMAGES_FOLDER
from releasehall.store.signing import sign

CACHE = CACHE_DIR / IMAGES_FOLDER
VERSION = "2"  # part of every cache digest: change it when the way variants are made changes
WIDTHS = (480, 960)  # variant widths below `images.max_width` (which is always one)
RASTER = tuple(f".{ext}" for ext in filetypes.KINDS["image"])  # every image type a department may publish
MAX_PIXELS = 40_000_000  # decoded per image: a 40-megapixel photo; a 9400 x 9400 PNG of 340 KB is refused
BUILD_PIXELS = 400_000_000  # decoded per build (images made this time, not those from the cache)
MAX_SCANS = 100  # scans of one JPEG: a progressive camera or web JPEG has about ten, each costs a pass
QUALITY = {"JPEG": 85, "WEBP": 80}
PARALLEL_FROM = 2  # images to make from which a second process pays


@dataclass(frozen=True, slots=True)
class Variant:
    width: int
    height: int
    suffix: str  # "webp", or the original's suffix
    file: str  # in the cache entry


@dataclass(frozen=True, slots=True)
class Picture:
    """A published image: its size after orientation, and the files made for it (none: the original as is)."""

    asset: str  # path under content/
    width: int
    height: int
    key: str  # its cache entry
    full: str = ""  # the file standing for the original (a JPEG without EXIF), "" when the original is copied
    variants: tuple[Variant, ...] = ()  # narrowest first


class Undecodable(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _widths(width: int, max_width: int) -> list[int]:
    return [w for w in sorted({*(w for w in WIDTHS if w < max_width), max_width}) if w < width]


def publish_pictures(settings: Settings, assets: Iterable[Asset], bodies: Mapping[str, Body],
                     sources: Mapping[str, str], report: Report, store: bool = True, secret: bytes | None = None
                     ) -> dict[str, Picture]:
    """Every image a body shows and every other image under content/, made (or found in the cache) once each.
    `sources` names the source file of each body (by its key), where an image's errors are reported.
    With `store=False` images are made and measured but nothing is written. Cache entries are signed with
    `secret` (the cache key); without one the cache is never read, and what this build makes is written unsigned."""
    wanted: dict[str, tuple[str, int]] = {}  # asset -> where an error about it goes: its first link, or the file
    for key in sorted(bodies):
        for asset, line in bodies[key].images:
            if asset.lower().endswith(RASTER) and asset not in wanted:
                wanted[asset] = (sources[key], line)
    shown = frozenset(wanted)
    names = {a.rel for a in assets}
    for asset in sorted(names):
        if asset.lower().endswith(RASTER) and asset not in wanted:
            wanted[asset] = (f"content/{asset}", 1)
    if not wanted:
        return {}
    root = settings.root / "content"
    cache = settings.root / CACHE
    max_width = settings.images_max_width
    found: dict[str, Picture] = {}
    todo: list[tuple[str, Path, str, bool]] = []
    budget = BUILD_PIXELS
    for asset in wanted:
        path = root / asset
        try:
            data = path.read_bytes()
        except OSError:
            continue  # a vanished or unreadable asset is load's to report
        on_page = asset in shown
        suffix = posixpath.splitext(asset)[1].lower()  # the entry's files are named by it (a PNG named .jpg)
        key = _digest(f"{VERSION}|{max_width}|{WIDTHS}|{QUALITY}|{on_page}|{suffix}\0".encode() + data)
        hit = _cached(cache / key, asset, key, secret) if secret is not None else None
        if hit is not None:
            found[asset] = hit
            continue
        plan = _plan(data, asset, on_page, max_width)
        rel, line = wanted[asset]
        if isinstance(plan, tuple):
            report.error(rel, line, *plan)
            continue
        if plan.decode:
            budget -= plan.pixels
            if budget < 0:  # every image before it is decoded; this one would pass what one build may decode
                report.error(rel, line, f"本次构建要解码的图片超过 {BUILD_PIXELS // 1_000_000} 百万像素，图片 content/{asset} "
                             "未处理；请缩小图片，或分几次提交",
                             f"this build's images would decode more than {BUILD_PIXELS // 1_000_000} megapixels; "
                             f"image content/{asset} was not made; scale the images down or commit them in parts")
                continue
        todo.append((asset, path, key, on_page))  # the plan is made again in the worker: no bytes held here
    # without a key the entries are still written (the build publishes from them), signed with an empty key: a
    # build with the key never trusts them (their signature fails) and one without it never reads the cache
    store_in = cache if store else None
    made = fork_map([partial(_make, path, asset, key, store_in, max_width, secret or b"", on_page)
                     for asset, path, key, on_page in todo],
                    parallel_from=PARALLEL_FROM)
    for index, result in made:
        asset = todo[index][0]
        if isinstance(result, Picture):
            found[asset] = result
        else:
            rel, line = wanted[asset]
            report.error(rel, line, result[0], result[1])
    for asset, picture in sorted(found.items()):
        for variant in picture.variants:
            name = variant_path(asset, variant)
            if name in names:
                rel, line = wanted[asset]
                report.error(f"content/{name}", 1,
                             f"文件名与 content/{asset} 自动生成的缩放图重名，请重命名此文件",
                             f"this file has the name of a resized copy made of content/{asset}; rename it")
    return {asset: found[asset] for asset in wanted if asset in found}


def variant_path(asset: str, variant: Variant) -> str:
    """Where a variant is published, next to its original: `img/photo.jpg` -> `img/photo-960w.webp`."""
    stem = posixpath.splitext(asset)[0]
    return f"{stem}-{variant.width}w.{variant.suffix}"


def picture_files(settings: Settings, pictures: Mapping[str, Picture]) -> dict[str, Path]:
    """Asset path (under content/) -> the cache file to publish there: stripped JPEGs and variants."""
    cache = settings.root / CACHE
    files: dict[str, Path] = {}
    for asset, picture in pictures.items():
        if picture.full:
            files[asset] = cache / picture.key / picture.full
        for variant in picture.variants:
            files[variant_path(asset, variant)] = cache / picture.key / variant.file
    return files


# ---- the cache: plain files and info.json, checked before use

_FILE = re.compile(r"(full|w\d{1,5})\.(jpg|jpeg|png|webp|gif|avif|bmp|tif|tiff)")
_ENTRY = re.compile(r"[0-9a-f]{32}")  # a cache entry's name: `_digest`'s hex
_HALF_MADE = 3600  # seconds after which a `.make-*` folder is a killed build's leftover, not another build's work


def prune(root: Path, keep: Collection[str], started: float) -> list[str]:
    """After a successful build: remove the image cache's entries that no published image uses (`keep` holds the
    used ones' keys; an entry two images share is one key), so a removed or changed image's variants go. Entries
    made after `started` (by another build or serve running meanwhile) stay, as do folders a killed build left half
    made until they are an hour old. Only the direct children of the cache folder that carry the names this module
    gives are touched; a link among them is removed, never followed; a linked cache folder is left alone.
    Returns the names removed."""
    folder = root / CACHE
    try:
        if folder.is_symlink():
            return []
        children = list(os.scandir(folder))
    except OSError:
        return []  # no cache folder: nothing to prune
    removed = []
    now = time.time()
    for child in sorted(children, key=lambda c: c.name):
        try:
            info = child.stat(follow_symlinks=False)
            if _ENTRY.fullmatch(child.name):
                if child.name in keep or info.st_mtime >= started:
                    continue
            elif not (child.name.startswith(".make-") and info.st_mtime < now - _HALF_MADE):
                continue
            if stat.S_ISDIR(info.st_mode):
                shutil.rmtree(child.path)  # never follows a link inside
            else:
                os.unlink(child.path)  # a link or a stray file under an entry's name
            removed.append(child.name)
        except OSError:
            continue  # removed meanwhile, or not ours to remove: the next build tries again
    return removed


def _signature(secret: bytes, key: str, info: Mapping[str, Any]) -> str:
    """The entry's signature: its key (the source's digest and the settings) and its info.json without it."""
    plain = {name: value for name, value in info.items() if name != "mac"}
    return sign(secret, key.encode("ascii"), b"\0", json.dumps(plain, sort_keys=True).encode("utf-8"))


def _cached(folder: Path, asset: str, key: str, secret: bytes) -> Picture | None:
    """The picture recorded in `folder`, if info.json is well formed and signed with `secret` (so nobody without
    the key made it, for this source) and every file matches its digest."""
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return None  # a link or a file in an entry's place: never followed (`cache.secure` removes it)
        info = json.loads(_plain_bytes(folder / "info.json").decode("utf-8"))
        if not isinstance(info, dict) or not hmac.compare_digest(str(info.get("mac")), _signature(secret, key, info)):
            return None
        width, height, full, variants, digests = (info["width"], info["height"], info["full"], info["variants"],
                                                  info["digests"])
        ints = (width, height, *(v for item in variants for v in item[:2]))
        if info.get("version") != VERSION or not all(type(n) is int and 0 < n < 1 << 20 for n in ints):
            return None
        names = [full] if full else []
        names += [item[3] for item in variants]
        if not isinstance(digests, dict) or sorted(digests) != sorted(names):
            return None
        for name in names:
            if not isinstance(name, str) or not _FILE.fullmatch(name) or \
                    _digest(_plain_bytes(folder / name)) != digests[name]:
                return None
        return Picture(asset, width, height, key, full,
                       tuple(Variant(int(w), int(h), str(s), str(f)) for w, h, s, f in variants))
    except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):  # RecursionError: crafted JSON
        return None


def _plain_bytes(path: Path) -> bytes:
    """The bytes of a plain file, never through a link (OSError for a link, a folder or a device)."""
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise OSError(f"{path} is not a plain file")
        return file.read()


def _make(path: Path, asset: str, key: str, cache: Path | None, max_width: int, secret: bytes, shown: bool
          ) -> Picture | tuple[str, str]:
    """Make the image's published files and write them into a new cache entry (unless `cache` is None); (zh, en)
    when it cannot be read, cleaned or decoded."""
    try:
        data = path.read_bytes()
        plan = _plan(data, asset, shown, max_width)
        if isinstance(plan, tuple):
            return plan
        files, picture = _encode(data, asset, key, max_width, plan)
    except Undecodable as exc:
        return exc.zh, exc.en
    if cache is None:
        return picture
    cache.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=".make-", dir=cache))
    try:
        for name, data in files.items():
            (temp / name).write_bytes(data)
        info = {"version": VERSION, "width": picture.width, "height": picture.height, "full": picture.full,
                "variants": [[v.width, v.height, v.suffix, v.file] for v in picture.variants],
                "digests": {name: _digest(data) for name, data in files.items()}}
        info["mac"] = _signature(secret, key, info)
        (temp / "info.json").write_text(json.dumps(info, sort_keys=True), encoding="utf-8")
        target = cache / key
        try:
            kind = os.lstat(target).st_mode
        except FileNotFoundError:
            kind = None
        if kind is not None and stat.S_ISDIR(kind):
            shutil.rmtree(target, ignore_errors=True)  # an entry that failed its check
        elif kind is not None:
            target.unlink()  # a file or a link in the entry's place: removed, never followed
        os.replace(temp, target)
    except OSError:
        shutil.rmtree(temp, ignore_errors=True)
        if _cached(cache / key, asset, key, secret) is None:  # another process made the same entry first, or the disk is full
            raise
    return picture


@dataclass(frozen=True, slots=True)
class _Plan:
    """What making an image takes, read from its container and header (nothing decoded)."""

    kind: str  # `metadata`'s name of the format the bytes are in
    clean: bytes | None  # the image without metadata, None when it must be re-encoded (TIFF, AVIF)
    width: int  # upright
    height: int
    turned: bool  # its EXIF orientation turns it: decoded and saved upright
    wide: bool  # shown on a page and wider than `max_width`: decoded for its variants

    @property
    def decode(self) -> bool:
        return self.turned or self.wide or self.clean is None

    @property
    def pixels(self) -> int:
        return self.width * self.height if self.decode else 0


def _undecodable(asset: str, why: str) -> tuple[str, str]:
    return (f"图片 content/{asset} 无法解码（文件损坏或不是图片：{why}），请重新导出后再放入",
            f"image content/{asset} cannot be decoded (damaged or not an image: {why}); export it again")


def _plan(data: bytes, asset: str, shown: bool, max_width: int) -> _Plan | tuple[str, str]:
    """The plan for one image, or (zh, en) when it cannot be cleaned or is over a budget (`MAX_PIXELS`, `MAX_SCANS`).
    Linear in its bytes: the container is walked, Pillow reads the header only."""
    from PIL import Image, UnidentifiedImageError

    kind = metadata.sniff(data)
    if kind is None:
        return _undecodable(asset, "UnidentifiedImageError")
    try:
        cleaned = metadata.strip(data, kind)
    except metadata.Damaged as exc:
        return (f"图片 content/{asset} 的结构无法读通（{exc}），其中的元数据（拍摄地点等）无法去掉；请重新导出后再放入",
                f"image content/{asset} cannot be walked ({exc}), so its metadata (where it was taken …) cannot be "
                "removed; export it again")
    if cleaned is not None and cleaned[1] > MAX_SCANS:
        return (f"图片 content/{asset} 有 {cleaned[1]} 遍扫描（渐进式 JPEG 通常约 10 遍，最多 {MAX_SCANS} 遍），解码代价过高；"
                "请重新导出为普通 JPEG",
                f"image content/{asset} has {cleaned[1]} scans (a progressive JPEG has about ten; at most {MAX_SCANS}), "
                "too costly to decode; export it again as a baseline JPEG")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the budget below decides
            with Image.open(BytesIO(data)) as image:  # the header only
                width, height = image.size
                orientation = _orientation(image.info.get("exif"))  # as read with the header: a PNG's
                # getexif() would decode it to look for an eXIf chunk after the image data
                animated = getattr(image, "is_animated", False)
    except Image.DecompressionBombError:
        width = height = -1
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        return _undecodable(asset, type(exc).__name__)
    most = min(MAX_PIXELS, Image.MAX_IMAGE_PIXELS or MAX_PIXELS)
    if width < 0 or width * height > most:
        size = f"{width}×{height} 像素" if width >= 0 else "过多像素"
        return (f"图片 content/{asset} 有{size}，超过每张 {most:,} 像素的上限，疑似“解压炸弹”，已拒绝处理；请缩小后再放入",
                f"image content/{asset} has {f'{width}x{height} pixels' if width >= 0 else 'too many pixels'}, over "
                f"the limit of {most:,} per image (a possible decompression bomb); it was not processed. Scale it down")
    turned = orientation in (2, 3, 4, 5, 6, 7, 8) and not animated
    if orientation in (5, 6, 7, 8) and turned:
        width, height = height, width
    wide = shown and width > max_width and kind in (metadata.JPEG, metadata.PNG, metadata.WEBP) and not animated
    return _Plan(kind, cleaned[0] if cleaned is not None else None, width, height, turned, wide)


def _orientation(raw: Any) -> int:
    """The EXIF orientation in `raw` (an image's EXIF bytes as its header gave them), 1 when there is none."""
    if not isinstance(raw, bytes) or not raw:
        return 1
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(raw)
        value = exif.get(0x0112, 1)
    except (OSError, ValueError, SyntaxError, struct.error, KeyError, IndexError, TypeError):
        return 1
    return value if isinstance(value, int) else 1


def _encode(data: bytes, asset: str, key: str, max_width: int, plan: _Plan) -> tuple[dict[str, bytes], Picture]:
    """The files an image is published as: the original without metadata (`full`), and the variants of a wide one."""
    suffix = posixpath.splitext(asset)[1].lstrip(".").lower()
    full = f"full.{suffix}"
    files: dict[str, bytes] = {}
    variants: list[Variant] = []
    if not plan.decode:
        assert plan.clean is not None
        files[full] = plan.clean
        return files, Picture(asset, plan.width, plan.height, key, full, ())
    from PIL import Image, ImageOps  # only when an image is decoded

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # `_plan` held it to MAX_PIXELS
        try:
            with Image.open(BytesIO(data)) as image:
                image.load()
                fmt = image.format or ""
                oriented = ImageOps.exif_transpose(image) if plan.turned else image
                if plan.turned or plan.clean is None:  # saved again upright, or re-encoded: no metadata travels
                    files[full] = _again(oriented, plan.kind, fmt)
                else:
                    files[full] = plan.clean
                width, height = oriented.size
                if plan.wide:
                    own = "JPEG" if plan.kind == metadata.JPEG else plan.kind
                    for w in _widths(width, max_width):
                        h = max(1, round(height * w / width))
                        small = _resample(oriented, w, h)
                        for out_fmt, out_suffix in (("WEBP", "webp"), (own, suffix))[:1 if own == "WEBP" else 2]:
                            name = f"w{w}.{out_suffix}"
                            files[name] = _save(small, out_fmt)
                            variants.append(Variant(w, h, out_suffix, name))
        except (OSError, ValueError, SyntaxError, EOFError, MemoryError, Image.DecompressionBombError) as exc:
            raise Undecodable(*_undecodable(asset, type(exc).__name__)) from None
    return files, Picture(asset, width, height, key, full, tuple(variants))


def _again(image: Any, kind: str, fmt: str) -> bytes:
    """A decoded image saved in its own format without any metadata (TIFF and AVIF, and turned photos)."""
    if kind == metadata.JPEG:
        return _jpeg(image, keep=False)
    image = image.copy()
    image.info = {}  # nothing of the original's metadata travels
    out = BytesIO()
    if kind == metadata.AVIF:
        image.save(out, "AVIF", quality=QUALITY["WEBP"], exif=b"", xmp=b"")
    elif kind == metadata.TIFF:
        image.save(out, "TIFF", compression="tiff_deflate")
    else:
        return _save(image, kind if kind != metadata.BMP else "BMP")
    return out.getvalue()


def _jpeg(image: Any, keep: bool) -> bytes:
    """A JPEG without EXIF, XMP or comment; the original's quantization kept when the pixels are unchanged."""
    out = BytesIO()
    options: dict[str, Any] = {"quality": "keep"} if keep else {"quality": 90}
    image.save(out, "JPEG", exif=b"", comment=b"", icc_profile=image.info.get("icc_profile"), **options)
    return out.getvalue()


def _resample(image: Any, width: int, height: int) -> Any:
    from PIL import Image

    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("P", "PA") else "RGB")
    small = image.resize((width, height), Image.Resampling.LANCZOS)
    small.info = {}  # nothing of the original's metadata travels
    return small


def _save(image: Any, fmt: str) -> bytes:
    out = BytesIO()
    if fmt == "JPEG":
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
        image.save(out, "JPEG", quality=QUALITY["JPEG"])
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=QUALITY["WEBP"], method=4, exif=b"", xmp=b"")
    else:
        image.save(out, fmt, optimize=True)
    return out.getvalue()


# ---- bodies: <img> gets its size, lazy loading and, for wide images, srcset behind a <picture>

_IMG = re.compile(r"<img\b([^>]*)>")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def with_pictures(bodies: Mapping[str, Body], pictures: Mapping[str, Picture], urls: Urls, max_width: int
                  ) -> dict[str, Body]:
    """Bodies whose images are published here, with their `<img>` tags completed (pages) and plain (feeds)."""
    by_url = {urls.asset(asset): picture for asset, picture in pictures.items()}
    result = dict(bodies)
    for key, body in bodies.items():
        if not any(asset in pictures for asset, _line in body.images):
            continue
        html = _IMG.sub(partial(_page_img, by_url=by_url, urls=urls, max_width=max_width), body.html)
        feed = _IMG.sub(partial(_feed_img, by_url=by_url, urls=urls), body.feed)
        result[key] = replace(body, html=html, feed_html=feed)
    return result


def _attrs(match: re.Match[str]) -> dict[str, str]:
    return dict(_ATTR.findall(match.group(1)))


def _tag(attrs: Mapping[str, str]) -> str:
    return "<img " + " ".join(f'{name}="{value}"' for name, value in attrs.items()) + ">"


def _sized(attrs: dict[str, str], picture: Picture, url: str) -> dict[str, str]:
    if "width" not in attrs and "height" not in attrs:
        attrs["width"], attrs["height"] = str(picture.width), str(picture.height)
    attrs["src"] = url
    return attrs


def _page_img(match: re.Match[str], by_url: Mapping[str, Picture], urls: Urls, max_width: int) -> str:
    attrs = _attrs(match)
    picture = by_url.get(unescape(attrs.get("src", "")))
    if picture is None:
        return match.group(0)
    attrs["loading"] = "lazy"
    if not picture.variants:
        return _tag(_sized(attrs, picture, attrs["src"]))
    webp = [v for v in picture.variants if v.suffix == "webp"]
    own = [v for v in picture.variants if v.suffix != "webp"] or webp  # a WebP's variants are WebP only
    largest = own[-1]
    sizes = f"(max-width: {max_width}px) 100vw, {max_width}px"

    def srcset(variants: list[Variant]) -> str:
        return escape(", ".join(f"{urls.asset(variant_path(picture.asset, v))} {v.width}w" for v in variants))

    attrs = {"src": "", **{k: v for k, v in attrs.items() if k not in ("width", "height")}}
    attrs = _sized(attrs, replace(picture, width=largest.width, height=largest.height),
                   escape(urls.asset(variant_path(picture.asset, largest))))
    attrs["srcset"], attrs["sizes"] = srcset(own), sizes
    return (f'<picture><source type="image/webp" srcset="{srcset(webp)}" sizes="{sizes}">'
            f"{_tag(attrs)}</picture>")


def _feed_img(match: re.Match[str], by_url: Mapping[str, Picture], urls: Urls) -> str:
    attrs = _attrs(match)
    picture = by_url.get(unescape(attrs.get("src", "")))
    if picture is None:
        return match.group(0)
    own = [v for v in picture.variants if v.suffix != "webp"] or list(picture.variants)
    if own:
        attrs = {k: v for k, v in attrs.items() if k not in ("width", "height")}
        return _tag(_sized(attrs, replace(picture, width=own[-1].width, height=own[-1].height),
                           escape(urls.asset(variant_path(picture.asset, own[-1])))))
    return _tag(_sized(attrs, picture, attrs["src"]))
