"""QR codes of pages' addresses (issue 18: "在手机上阅读"), made at build time by segno as inline SVG.

A release's, document's or question's page carries the QR code of its own absolute URL: on screen behind a small
"在手机上阅读" disclosure (no JavaScript), in print beside the address at the top of the first page. The code is
the same bytes for the same URL (segno is deterministic); the mask is fixed (any of the eight is valid and
decodes alike), which makes a code about five times cheaper than trying all eight: at 10k pages the choice would
cost tens of seconds of a cold build. The zh-Hant mirror's pages are rendered with their own URLs, so their codes
hold them.
"""

from __future__ import annotations

import segno
from markupsafe import Markup, escape

MASK = 0  # fixed: see the module's docstring
QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks


def svg(url: str, label: str) -> Markup:
    """The QR code of `url` as an inline SVG image named `label`, scaled by CSS (a viewBox, no size)."""
    code = segno.make(url, error="m", micro=False, mask=MASK)
    drawn = code.svg_inline(border=QUIET_ZONE, omitsize=True, svgclass="qr-svg", lineclass=None)
    return Markup(drawn.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" data-url="{escape(url)}" '
                                'shape-rendering="crispEdges" ', 1))
