"""Slugs for file stems and topics: kept when valid, otherwise pinyin via pypinyin."""

from __future__ import annotations

import hashlib
import re

from pypinyin import lazy_pinyin

from releasehall.schema import SLUG_RE

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


MAX_SLUG = 80  # bytes; a folder name may have 255, and a long Chinese title's pinyin easily has more


def slugify(text: str) -> str:
    """`公交线路调整` -> `gong-jiao-xian-lu-tiao-zheng`; a valid slug is returned unchanged. A slug longer than
    MAX_SLUG is cut at a word and given 8 characters of the text's digest, so that it stays unique and the same."""
    if SLUG_RE.fullmatch(text):
        slug = text
    else:
        parts = [_NOT_SLUG.sub("-", part.lower()).strip("-") for part in lazy_pinyin(text)]
        slug = "-".join(part for part in parts if part)
    if len(slug) <= MAX_SLUG:
        return slug
    cut = slug[: MAX_SLUG - 9]
    cut = cut[: cut.rfind("-")] if "-" in cut else cut
    return f"{cut}-{hashlib.blake2b(text.encode('utf-8'), digest_size=4).hexdigest()}"
