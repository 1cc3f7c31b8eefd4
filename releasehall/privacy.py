"""Personal data that must be masked before anything is published: mobile numbers, ID-card numbers, landlines
with an area code, bank-card numbers.

Each line is normalized the way a reader's eye (or a browser) would join it before matching:
HTML comments and tags removed, character references decoded (`&#49;`), NFKC (full-width
digits, `Ｘ`, the ideographic space), then every separator between two digits dropped (spaces,
dots, dashes, brackets, slashes, Markdown emphasis `**`, zero-width characters). A masked number
(`138****1234`, `110101********1234`) has too few digits left to match. A number the hall
publishes itself (a department's `spokesperson.phone`, the footer's `contact`) is not
personal data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from html import unescape
from typing import Any

from releasehall.model import Finding

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# what may stand between two digits of one number: spaces, dots, dashes, brackets, slashes, emphasis, invisible marks
_GAP = re.compile(r"(?<=\d)[\s.·・\-‐‑‒–—―_*~`'\"/\\|:()\[\]{}<>«»\u200b-\u200f\u2060-\u2064\ufeff\u00ad]+(?=\d)")
_BRACKETED = re.compile(r"[(\[{]((?:\+?86)?0\d{2,3})[)\]}]")
_DIGITS_AT_LEAST = re.compile(r"(?:\d\D*){7}")
_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(?:\+?86)?(0(?:10|2\d|[3-9]\d{2})\d{7,8})(?!\d)")
_CARD_RE = re.compile(r"(?<!\d)([3-69]\d{15,18})(?!\d)")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_MESSAGES = {
    "id": ("含有未遮盖的身份证号码，请遮盖后再发布，例如 110101********1234",
           "contains an unmasked ID-card number; mask it, e.g. 110101********1234"),
    "mobile": ("含有未遮盖的手机号码，请遮盖后再发布，例如 138****1234",
               "contains an unmasked mobile number; mask it, e.g. 138****1234"),
    "landline": ("含有未遮盖的固定电话号码（不是本发布厅公布的号码），请遮盖后再发布，例如 0755-8800****",
                 "contains an unmasked landline number (not one the hall publishes); mask it, e.g. 0755-8800****"),
    "card": ("含有未遮盖的银行卡号，请遮盖后再发布，例如 6222 **** **** 1234",
             "contains an unmasked bank-card number; mask it, e.g. 6222 **** **** 1234"),
}


def normalize(line: str) -> str:
    """One line as the reader sees its digits: markup gone, references decoded, NFKC, separators between digits
    dropped."""
    text = unescape(_TAG.sub("", _COMMENT.sub("", line)))
    text = unicodedata.normalize("NFKC", text)
    return _GAP.sub("", text)


def digits(number: str) -> str:
    """A published number as the digits a match gives (`0755-8800 0003` -> `075588000003`)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", number) if ch.isdigit())


def _valid_id(number: str) -> bool:
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def _luhn(number: str) -> bool:
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _found_in(line: str) -> Iterator[tuple[str, str]]:
    """(kind, the number's digits) for each unmasked number in one line."""
    if not _DIGITS_AT_LEAST.search(line):
        return  # fewer than seven digits of any kind: nothing to find, skip the work
    text = normalize(line)
    ids = [m.group() for m in _ID_RE.finditer(text) if _valid_id(m.group())]
    yield from (("id", number) for number in ids)
    for match in _MOBILE_RE.finditer(text):
        yield "mobile", match.group(1)
    for match in _LANDLINE_RE.finditer(_BRACKETED.sub(r"\1", text)):
        yield "landline", match.group(1)
    for match in _CARD_RE.finditer(text):
        number = match.group(1)
        if _luhn(number) and not (len(number) == 18 and _valid_id(number)):
            yield "card", number


def find_personal_data(text: str, published: frozenset[str] = frozenset()) -> list[tuple[int, str, str]]:
    """(line offset within text, zh, en) for each unmasked number in `text` that is not in `published` (digits)."""
    return [(f.line, f.zh, f.en) for f in unpublished(_findings(text, 0, "", ""), published)]


def _findings(text: str, first: int, zh_name: str, en_name: str) -> list[Finding]:
    return [Finding(first + offset, f"{zh_name}{_MESSAGES[kind][0]}", f"{en_name}{_MESSAGES[kind][1]}", number)
            for offset, line in enumerate(text.split("\n")) for kind, number in _found_in(line)]


def _strings(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield path, str(value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def check_source(data: Mapping[str, Any], lines: Mapping[tuple[Any, ...], int], body: str,
                 body_line: int) -> tuple[Finding, ...]:
    """Every unmasked number in every text of a source: each front-matter value (titles, questions, askers,
    channels, topics, transfer notes, summaries, claims …, at any depth) and the body, at its line."""
    found: list[Finding] = []
    for path, value in _strings(data, ()):
        start = lines.get(path, lines.get(path[:1], 1))
        name = ".".join(str(part) for part in path)
        # a block scalar (`question: |`) starts on the line after its key
        first = start + 1 if "\n" in value.strip() else start
        found.extend(_findings(value, first, f"{name} ", f"'{name}' "))
    found.extend(_findings(body, body_line, "正文", "the body "))
    return tuple(found)


def unpublished(findings: Iterable[Finding], published: frozenset[str]) -> list[Finding]:
    """The findings that are not one of the hall's own published numbers."""
    return [f for f in findings if not any(f.number == own or (len(own) >= 7 and f.number.endswith(own))
                                           for own in published)]


def published_numbers(numbers: Iterable[str]) -> frozenset[str]:
    """The hall's own published numbers as digits (empty ones left out)."""
    return frozenset(d for d in (digits(n) for n in numbers) if len(d) >= 5)
