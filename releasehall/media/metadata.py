"""Metadata out of published images, without decoding them: EXIF, XMP, GPS, comments and text chunks.

Phones record where a photo was taken (EXIF GPS), editors leave names and paths (XMP, PNG text
chunks). An image is published with only the segments or chunks a browser needs to show it: a
JPEG keeps its frame, tables, scans, JFIF, ICC profile and Adobe segments and ends at its first
EOI (an MPO's embedded preview and anything appended are dropped); a PNG keeps its critical,
colour and animation chunks; a WebP keeps its image, alpha, animation and ICC chunks; a GIF its
frames and looping extension. The container is walked once (linear in its bytes) and nothing is
decoded, so an image no page shows costs no decoding. The format is read from the bytes, not the
name (a PNG named `.jpg` is cleaned as a PNG). What cannot be walked is `Damaged`: the build
reports it, since its metadata cannot be removed.
"""

from __future__ import annotations

import struct
import zlib

JPEG, PNG, WEBP, GIF, BMP, TIFF, AVIF = "JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "AVIF"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# chunks a browser uses to show a PNG (or an APNG); text, EXIF, time and unknown private chunks are dropped
_PNG_KEEP = frozenset((b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
                       b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT", b"cICP"))
_WEBP_KEEP = frozenset((b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"))
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04
# JPEG segments kept before and between scans: frame headers, tables, restart interval, JFIF (APP0), Adobe (APP14)
_JPEG_KEEP = frozenset((*range(0xC0, 0xD0), 0xDB, 0xDD, 0xE0, 0xEE)) - {0xC8}
_GIF_LOOPING = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


class Damaged(ValueError):
    """The container cannot be walked to its end: its metadata cannot be told from its image."""


def sniff(data: bytes) -> str | None:
    """The image format the bytes are in (whatever the file is named), None when they are none of these."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data[:2] == b"BM":
        return BMP
    if data[:4] in (b"II*\0", b"MM\0*"):
        return TIFF
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return AVIF
    return None


def strip(data: bytes, kind: str) -> tuple[bytes, int] | None:
    """The image without metadata and how many scans it has (JPEG; 1 for the others), or None for a format whose
    metadata lives inside the image structure (TIFF, AVIF: they must be re-encoded). BMP carries none."""
    if kind == JPEG:
        return strip_jpeg(data)
    if kind == PNG:
        return strip_png(data), 1
    if kind == WEBP:
        return strip_webp(data), 1
    if kind == GIF:
        return strip_gif(data), 1
    if kind == BMP:
        return data, 1
    return None


def strip_jpeg(data: bytes) -> tuple[bytes, int]:
    """A JPEG's first image with only the segments that show it, and its number of scans."""
    out = [b"\xff\xd8"]
    at, end, scans = 2, len(data), 0
    while True:
        while at < end and data[at] == 0xFF and at + 1 < end and data[at + 1] == 0xFF:
            at += 1  # fill bytes before a marker
        if at + 2 > end or data[at] != 0xFF:
            raise Damaged("no marker where one belongs")
        marker = data[at + 1]
        if marker == 0xD9:  # EOI: the first image ends; an MPO's second image and anything appended are left out
            out.append(b"\xff\xd9")
            return b"".join(out), scans
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            raise Damaged("a restart marker outside a scan")
        if at + 4 > end:
            raise Damaged("truncated segment")
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if length < 2 or at + 2 + length > end:
            raise Damaged("segment past the end")
        segment = data[at:at + 2 + length]
        at += 2 + length
        if marker == 0xDA:  # a scan: its header, then entropy-coded data up to the next marker that is not a restart
            scans += 1
            stop = at
            while True:
                stop = data.find(b"\xff", stop)
                if stop < 0 or stop + 1 >= end:
                    raise Damaged("a scan runs past the end")
                following = data[stop + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    stop += 1 if following == 0xFF else 2
                    continue
                break
            out.append(segment)
            out.append(data[at:stop])
            at = stop
        elif marker in _JPEG_KEEP or (marker == 0xE2 and segment[4:16] == b"ICC_PROFILE\0"):
            out.append(segment)
        # anything else (APP1 EXIF/XMP, APP2 MPF/FlashPix, APP13 IPTC, COM, …) is left out


def strip_png(data: bytes) -> bytes:
    """A PNG with only the chunks that show it, up to its IEND."""
    out = [_PNG_SIGNATURE]
    at, end = len(_PNG_SIGNATURE), len(data)
    while True:
        if at + 12 > end:
            raise Damaged("truncated chunk")
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        chunk_end = at + 12 + length
        if chunk_end > end:
            raise Damaged("chunk past the end")
        if zlib.crc32(data[at + 4:chunk_end - 4]) != struct.unpack(">I", data[chunk_end - 4:chunk_end])[0]:
            raise Damaged("chunk checksum")
        if kind in _PNG_KEEP:
            out.append(data[at:chunk_end])
        at = chunk_end
        if kind == b"IEND":
            if len(out) < 3:
                raise Damaged("no image data")
            return b"".join(out)


def strip_webp(data: bytes) -> bytes:
    """A WebP without its EXIF and XMP chunks (and their flags in VP8X), the RIFF size made right."""
    size = struct.unpack("<I", data[4:8])[0]
    end = 8 + size
    if end > len(data) or size < 4:
        raise Damaged("RIFF size past the end")
    chunks: list[bytes] = []
    at = 12
    while at < end:
        if at + 8 > end:
            raise Damaged("truncated chunk")
        kind, length = struct.unpack("<4sI", data[at:at + 8])
        chunk_end = at + 8 + length + (length & 1)
        if at + 8 + length > end:
            raise Damaged("chunk past the end")
        chunk = data[at:min(chunk_end, end)]
        if kind == b"VP8X" and length >= 1:
            chunk = chunk[:8] + bytes([chunk[8] & ~(_VP8X_EXIF | _VP8X_XMP) & 0xFF]) + chunk[9:]
        if kind in _WEBP_KEEP:
            chunks.append(chunk)
        at = chunk_end
    if not any(c[:4] in (b"VP8 ", b"VP8L", b"ANMF") for c in chunks):
        raise Damaged("no image data")
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _sub_blocks(data: bytes, at: int) -> int:
    """Where a GIF's run of data sub-blocks (after `at`) ends."""
    end = len(data)
    while True:
        if at >= end:
            raise Damaged("sub-blocks past the end")
        size = data[at]
        at += 1 + size
        if size == 0:
            return at


def strip_gif(data: bytes) -> bytes:
    """A GIF with only its frames, their control extensions and the looping extension: comments, plain text and
    other application extensions (XMP) left out."""
    if len(data) < 13:
        raise Damaged("truncated header")
    flags = data[10]
    at = 13 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0)
    out = [data[:at]]
    end, frames = len(data), 0
    while True:
        if at >= end:
            raise Damaged("no trailer")
        introducer = data[at]
        if introducer == 0x3B:
            if not frames:
                raise Damaged("no image data")
            out.append(b"\x3b")
            return b"".join(out)
        if introducer == 0x2C:  # an image: descriptor, local colour table, LZW size, data
            if at + 10 > end:
                raise Damaged("truncated image descriptor")
            local = data[at + 9]
            start, at = at, at + 10 + (3 * (2 << (local & 7)) if local & 0x80 else 0) + 1
            at = _sub_blocks(data, at)
            out.append(data[start:at])
            frames += 1
        elif introducer == 0x21 and at + 2 <= end:
            label, start = data[at + 1], at
            at = _sub_blocks(data, at + 2)
            block = data[start:at]
            if label == 0xF9 or (label == 0xFF and block[3:14] in _GIF_LOOPING):
                out.append(block)
        else:
            raise Damaged("unknown block")
