"""The one rule for which URLs may reach a page or a feed: a URL's scheme is decided once, on its fully
decoded value, and only http, https, mailto, tel and scheme-less (site-relative) links survive.

"Fully decoded" is everything a browser, a feed reader or our own link resolver might undo
before it acts on the value: character references (`&#106;`), percent-escapes (`%6A`, also
doubled: `%256A`), case (`JaVaScRiPt`) and the tabs, newlines, control and invisible
characters a browser skips inside a scheme (`java%0ascript:`). A value whose decoded scheme
is not allowed, or whose scheme only appears after decoding (`https%3A//…`: a browser and our
resolver would read it differently), is refused as a whole.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

ALLOWED_SCHEMES = ("http", "https", "mailto", "tel")
_DECODE_ROUNDS = 8  # enough for any honest value; a value still changing after this is refused
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
# skipped by browsers inside a URL or at its ends: C0 controls, space, DEL, C1 controls, and invisible format characters
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3000"
                        r"\u3164\ufeff\uffa0\s]")


def decoded(value: str) -> str | None:
    """`value` with character references and percent-escapes undone until nothing changes, invisible characters
    removed and lower-cased; None when it keeps changing (crafted to outlast any decoder)."""
    text = value
    for _round in range(_DECODE_ROUNDS):
        following = unquote(unescape(text))
        if following == text:
            return _INVISIBLE.sub("", text).lower()
        text = following
    return None


def scheme(value: str) -> str | None:
    """The scheme of the fully decoded value ("" when it has none); None when the value cannot be decoded."""
    text = decoded(value)
    if text is None:
        return None
    match = _SCHEME.match(text)
    return match.group(1) if match else ""


def refusal(value: str) -> tuple[str, str] | None:
    """Why `value` may not be a link target or image source (zh, en); None when it may.

    Allowed: a plain http/https/mailto/tel URL, or a value with no scheme at all (site-relative,
    a fragment), decided on the fully decoded value.
    """
    found = scheme(value)
    if found is None:
        return ("网址经过多重编码，无法判断其协议，已去掉链接",
                "the URL is encoded too many times to tell its scheme; the link is removed")
    if not found:
        return None
    if found not in ALLOWED_SCHEMES:
        return (f"网址协议 “{found}:” 不允许（只允许 http、https、mailto、tel 和站内链接），已去掉链接",
                f"the URL scheme '{found}:' is not allowed (only http, https, mailto, tel and links within the hall); "
                "the link is removed")
    plain = _SCHEME.match(_INVISIBLE.sub("", value).lower())
    if plain is None or plain.group(1) != found:
        return (f"网址协议 “{found}:” 经过编码书写，已去掉链接；请直接写 {found}:",
                f"the URL scheme '{found}:' is written encoded; the link is removed; write {found}: plainly")
    return None
