"""QR codes of pages' addresses (issue 18: "在手机上阅读"), encoded at build time by zxing-cpp, drawn as inline SVG.

A release's, document's or question's page carries the QR code of its own absolute URL: on screen behind a small
"在手机上阅读" disclosure (no JavaScript), in print beside the address at the top of the first page. zxing-cpp
(C++) chooses the version and the mask and places the modules; the same URL gives the same modules. It replaced
segno, whose pure-Python encoder and SVG writer took ~1.0 ms a code (a quarter of a cold build's CPU at 10k item
pages) against ~0.37 ms here. zxing-cpp's own SVG writer makes a standalone document (prolog, a fixed size, a
rectangle per run), not an inline image scaled by CSS, so the dark modules are drawn here: one path; a row's
first run of dark modules at `M x y.5`, each run `h n`, the gap to the next `m n 0`; the quiet zone in the viewBox.
The zh-Hant mirror's pages are rendered with their own URLs, so their codes hold them.
"""

from __future__ import annotations

import re

import zxingcpp
from markupsafe import Markup, escape

QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks
ERROR_LEVEL = "M"  # 15 % of the code may be lost and it still reads
_DARK_RUN = re.compile(b"\x00+")  # zxing-cpp's image: one byte a module, 0 dark, 255 light


def svg(url: str, label: str) -> Markup:
    """The QR code of `url` as an inline SVG image named `label`, scaled by CSS (a viewBox, no size)."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level=ERROR_LEVEL)
    image = code.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[1]
    modules = bytes(image)  # type: ignore[call-overload]  # a buffer, one byte a module (its stubs omit it)
    path: list[str] = []
    for y, row in enumerate(range(0, len(modules), size)):
        end = -1  # where the row's last run ended; -1: no run yet
        for run in _DARK_RUN.finditer(modules, row, row + size):
            start = run.start() - row
            path.append(f"M{QUIET_ZONE + start} {QUIET_ZONE + y}.5" if end < 0 else f"m{start - end} 0")
            path.append(f"h{run.end() - run.start()}")
            end = run.end() - row
    runs = "".join(path)
    side = size + 2 * QUIET_ZONE
    return Markup(f'<svg role="img" aria-label="{escape(label)}" data-url="{escape(url)}" shape-rendering="crispEdges" '
                  f'viewBox="0 0 {side} {side}" class="qr-svg"><path stroke="#000" d="{runs}"/></svg>')
