"""QR codes of pages' addresses (issue 18: "在手机上阅读"), encoded at build time by zxing-cpp, drawn as inline SVG.

A release's, document's or question's page carries the QR code of its own absolute URL: on screen behind a small
"在手机上阅读" disclosure (no JavaScript), in print beside the address at the top of the first page. zxing-cpp
(C++) chooses the version and the mask and places the modules; the same URL gives the same modules. It replaced
segno, whose pure-Python encoder and SVG writer took ~1.0 ms a code (a quarter of a cold build's CPU at 10k item
pages) against ~0.3 ms here, most of it zxing-cpp choosing the mask (it scores all eight; the modules depend on it).
zxing-cpp's own SVG writer makes a standalone document (prolog, a fixed size, a rectangle per run), not an inline
image scaled by CSS, so the dark modules are drawn here: one path; a row's first run of dark modules at `M x y.5`,
each run `h n`, the gap to the next `m n 0`; the quiet zone in the viewBox. The path is made by the standard
library's C code, not a Python loop over the ~400 runs of a code: each row's light ends are stripped (the left one
gives its `M`), the rows joined, cut where a light run meets a dark one, and each piece (a dark run and the light
run after it, or a row's last dark run) looked up in a table of the commands for the runs a row of that size may
hold (~0.05 ms a code against ~0.13 ms for the loop).
The zh-Hant mirror's pages are rendered with their own URLs, so their codes hold them.
"""

from __future__ import annotations

import functools

import zxingcpp
from markupsafe import Markup, escape

QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks
ERROR_LEVEL = "M"  # 15 % of the code may be lost and it still reads
_DARK, _LIGHT = b"\x00", b"\xff"  # zxing-cpp's image: one byte a module, 0 dark, 255 light
_CUT = b"\x01"  # where the joined rows are cut into pieces: neither a module nor a byte of an `M` command


def svg(url: str, label: str) -> Markup:
    """The QR code of `url` as an inline SVG image named `label`, scaled by CSS (a viewBox, no size)."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level=ERROR_LEVEL)
    image = code.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[1]
    modules = bytes(image)  # type: ignore[call-overload]  # a buffer, one byte a module (its stubs omit it)
    side = size + 2 * QUIET_ZONE
    return Markup(f'<svg role="img" aria-label="{escape(label)}" data-url="{escape(url)}" shape-rendering="crispEdges" '
                  f'viewBox="0 0 {side} {side}" class="qr-svg"><path stroke="#000" d="{draw(modules, size)}"/></svg>')


def draw(modules: bytes, size: int) -> str:
    """The path drawing the dark modules of a code `size` modules wide, given one byte a module, row by row."""
    pieces: list[bytes] = []
    for y, start in enumerate(range(0, len(modules), size)):
        line = modules[start:start + size].rstrip(_LIGHT)
        runs = line.lstrip(_LIGHT)
        if runs:  # a row without a dark module draws nothing
            pieces.append(b"M%d %d.5" % (QUIET_ZONE + len(line) - len(runs), QUIET_ZONE + y))
            pieces.append(runs)
    # each row's runs now start and end dark: cut before every dark run that follows a light one, so a piece is an
    # `M` command, a dark run and the light run after it, or a row's last dark run; the table turns each run into its
    # commands and leaves an `M` command as it is
    cut = _CUT.join(pieces).replace(_LIGHT + _DARK, _LIGHT + _CUT + _DARK).split(_CUT)
    return b"".join(map(_commands(size).get, cut, cut)).decode("ascii")


@functools.cache
def _commands(size: int) -> dict[bytes, bytes]:
    """The commands of each dark run a row of `size` modules may hold (`h n`), alone or with the light run after it."""
    table: dict[bytes, bytes] = {}
    for dark in range(1, size + 1):
        table[_DARK * dark] = b"h%d" % dark
        for light in range(1, size - dark + 1):
            table[_DARK * dark + _LIGHT * light] = b"h%dm%d 0" % (dark, light)
    return table
