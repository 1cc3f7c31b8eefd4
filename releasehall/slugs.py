"""Slugs for file stems and topics: kept when valid, otherwise pinyin via pypinyin."""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin

from releasehall.schema import SLUG_RE

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """`公交线路调整` -> `gong-jiao-xian-lu-tiao-zheng`; a valid slug is returned unchanged."""
    if SLUG_RE.fullmatch(text):
        return text
    parts = [_NOT_SLUG.sub("-", part.lower()).strip("-") for part in lazy_pinyin(text)]
    return "-".join(part for part in parts if part)
