"""Slugs for file stems and topics: kept when valid, otherwise pinyin via pypinyin."""

from __future__ import annotations

import hashlib
import re

from releasehall.read.schema import SLUG_RE

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


MAX_SLUG = 80  # bytes; a folder name may have 255, and a long Chinese title's pinyin easily has more


def pinyin(text: str) -> list[str]:
    """pypinyin's syllables (and words) of `text`. pypinyin reads its dictionaries when it is imported (0.3 s of CPU),
    so it is imported on first use: a build skipped because nothing changed (`pipeline/unchanged`) never needs it."""
    from pypinyin import lazy_pinyin

    return lazy_pinyin(text)


def spelled(text: str) -> str:
    """`text` as a slug of any length: kept when it is one, else its pinyin syllables (and words) joined by `-`."""
    if SLUG_RE.fullmatch(text):
        return text
    parts = [_NOT_SLUG.sub("-", part.lower()).strip("-") for part in pinyin(text)]
    return "-".join(part for part in parts if part)


def slugify(text: str) -> str:
    """`公交线路调整` -> `gong-jiao-xian-lu-tiao-zheng`; a valid slug is returned unchanged. A slug longer than
    MAX_SLUG is cut at a word and given 8 characters of the text's digest, so that it stays unique and the same."""
    slug = spelled(text)
    if len(slug) <= MAX_SLUG:
        return slug
    cut = slug[: MAX_SLUG - 9]
    cut = cut[: cut.rfind("-")] if "-" in cut else cut
    return f"{cut}-{hashlib.blake2b(text.encode('utf-8'), digest_size=4).hexdigest()}"


def shortened(slug: str, limit: int) -> str:
    """`slug` in at most `limit` characters, cut after a whole syllable or word (at a `-`), never inside one;
    only a first word longer than `limit` is cut where the limit falls."""
    if len(slug) <= limit:
        return slug.strip("-")
    cut = slug[: limit + 1]  # the character after the limit tells whether the last word is whole
    end = cut.rfind("-")
    return (cut[:end] if end > 0 else slug[:limit]).strip("-")
