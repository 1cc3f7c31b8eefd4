"""What the search index knows of a page, read from the page as rendered, and the terms of a text.

An indexed page marks its indexed region with `data-pagefind-body` and, inside it, leaves out what is
not its own text (`data-pagefind-ignore`: breadcrumbs, lists of other pages, QR codes) and names its
department, kind and date in hidden `data-pagefind-meta` elements (`search.tags`); the title is the
first `<h1>` (or its `data-pagefind-meta="title:…"`). The terms of a text (`terms`), the same in the
browser's search.js: the text NFKC-normalized and lower-cased, each run of CJK characters cut into
overlapping character pairs (a one-character run is that character), each run of other letters and
digits a word. A page has a query term when it has every term of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

BODY = b"data-pagefind-body"
# Han (with extensions and compatibility ideographs), kana, Hangul: written without spaces, cut into pairs
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f"
_RUNS = re.compile(f"([{CJK}]+)|((?:(?![{CJK}])[^\\W_])+)")
_CJK_CHAR = re.compile(f"[{CJK}]")
# elements that end a line of text: a new block never joins the last one's characters into a pair
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "br", "dd", "dt", "section",
           "article", "figcaption", "blockquote", "pre", "table", "ul", "ol", "nav", "header", "footer", "details",
           "summary", "caption", "hr")
_LEFT_OUT = etree.XPath(".//*[@data-pagefind-ignore] | .//svg | .//script | .//style | .//template | .//noscript")
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Record:
    """An indexed page as the index shows it: where it is (relative to the hall's base path), its title, department,
    kind and date (YYYY-MM-DD, or "" for a page without one), and its indexed text without the title, a block a line."""

    url: str
    title: str
    department: str
    kind: str
    date: str
    text: str


def normalized(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def terms(text: str) -> set[str]:
    """The terms of a text (normalized here): CJK character pairs and words."""
    found: set[str] = set()
    for cjk, word in _RUNS.findall(normalized(text)):
        if cjk:
            if len(cjk) == 1:
                found.add(cjk)
            else:
                found.update(map(str.__add__, cjk[:-1], cjk[1:]))
        else:
            found.add(word)
    return found


def characters(words: Iterable[str]) -> set[str]:
    """The CJK characters of some terms (for the zh-Hant mirror's character map)."""
    return set(_CJK_CHAR.findall("".join(words)))


def _clean(text: str) -> str:
    """Runs of spaces as one, a line for each block, no empty lines."""
    return "\n".join(filter(None, (" ".join(line.split()) for line in text.split("\n"))))


def _without_drawings(region: bytes) -> bytes:
    """The region without its `<svg>` drawings (QR codes: thousands of bytes, no text), so they are not parsed."""
    pieces, at = [], 0
    while (start := region.find(b"<svg", at)) >= 0 and (end := region.find(b"</svg>", start)) >= 0:
        pieces.append(region[at:start])
        at = end + 6
    pieces.append(region[at:])
    return b"".join(pieces)


def record(url: str, page: bytes) -> Record | None:
    """The record of a rendered page, or None for a page without an indexed region."""
    at = page.find(BODY)
    if at < 0:
        return None
    start = page.rfind(b"<", 0, at)
    end = page.find(b"</main>", at)
    region = _without_drawings(page[start:end if end > 0 else len(page)])
    body = etree.fromstring(region, _PARSER).find(".//*[@data-pagefind-body]")
    if body is None:  # the words only in its text (a title quoting them), on a page a custom layout left unmarked
        return None
    for block in body.iter(_BLOCKS):
        block.text = "\n" + (block.text or "")
        block.tail = "\n" + (block.tail or "")
    meta: dict[str, str] = {}
    for element in body.iterfind(".//*[@data-pagefind-meta]"):
        key, _, value = element.get("data-pagefind-meta", "").partition(":")
        meta.setdefault(key, value)
    title = meta.get("title", "")
    heading = body.find(".//h1")
    for element in _LEFT_OUT(body):
        element.clear(keep_tail=True)  # its text goes, the text after it stays
    if heading is not None:
        title = title or _clean("".join(heading.itertext()))
        heading.clear(keep_tail=True)
    return Record(url, title, meta.get("department", ""), meta.get("kind", ""), meta.get("date", ""),
                  _clean("".join(body.itertext())))
