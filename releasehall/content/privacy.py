"""Personal data that must be masked before anything is published: mobile numbers, ID-card numbers, landlines
with an area code, bank-card numbers.

Each line is normalized the way a reader's eye (or a browser) would join it before matching:
HTML comments and tags removed, character references and percent-escapes decoded (`&#49;`,
`%31`), NFKC (full-width digits, `Ｘ`, the ideographic space), combining and invisible marks
dropped (keycaps `1️⃣`, underlines), every digit of any script and Chinese numerals (一三八,
壹叁捌) read as digits, then every separator between two digits dropped (spaces, dots, dashes,
brackets, slashes, commas and 、。 — but not a thousands separator —, Markdown emphasis `**`,
zero-width characters). The values inside tags (`<a href="tel:…">`, `?phone=…`, `alt`,
`title`) are read too, and so are the lines of one paragraph joined (a number broken over
two lines, or a comment or tag spanning them). A masked number (`138****1234`,
`110101********1234`) has too few digits left to match. A number the hall publishes itself
(a department's `spokesperson.phone`, the footer's `contact`; the latter two without their
area code only in front of an area code) is not personal data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from html import unescape
from typing import Any
from urllib.parse import unquote

from releasehall.model.records import Finding

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_ANNOTATION = re.compile(r"<(r[tp])\b[^<>]*>[^<]*(?:</\1\s*>)?", re.I)  # ruby text above a base: 1381234<rt>x</rt>5678
# what may stand between two digits of one number: spaces, dots, dashes, brackets, slashes, commas, emphasis,
# invisible marks; a comma only when the digits after it are not a thousands group (13,800,000,000 is an amount)
_SEPARATOR = (r"(?:[\s.·・\-‐‑‒–—―_*~`'\"/\\|:;=#、。()\[\]{}<>«»\u200b-\u200f\u2060-\u2064\ufeff\u00ad]"
              r"|,(?!\d{3}(?!\d)))+")
_GAP = re.compile(rf"(?<=\d){_SEPARATOR}(?=\d)")
# a run of digit groups a reader may join (the separators between them as above): every way of joining them is read
_RUN = re.compile(rf"(?<!\d)\d+(?:{_SEPARATOR}\d+)+")
_GROUP = re.compile(r"\d+")
_LONGEST = 22  # digits of the longest number looked for (a landline or mobile with 0086 in front)
_SHORTEST = 10  # digits of the shortest number looked for (a landline: 010 and seven digits)
_CARD_SHORTEST = 16  # digits of the shortest bank-card number (`_CARD_RE`); an ID card's have 18
_BRACKETED = re.compile(r"[(\[{]((?:(?:\+|00)?86)?0\d{2,3})[)\]}]")
# a digit of any script or a Chinese numeral, as written (before NFKC); a line with fewer than seven of them (its
# character references and percent-escapes decoded) is not read further
_DIGIT_LIKE = r"\d〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖"
_AT_LEAST = 7
_DIGITS_AT_LEAST = re.compile(rf"(?:[{_DIGIT_LIKE}][^{_DIGIT_LIKE}]*){{{_AT_LEAST}}}")
_ONE_DIGIT_LIKE = re.compile(f"[{_DIGIT_LIKE}]")
_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(?:(?:\+|00)?86)?(1[3-9]\d{9})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(?:(?:\+|00)?86)?(0(?:10|2\d|[3-9]\d{2})\d{7,8})(?!\d)")
_AREA_CODE = re.compile(r"0(?:10|2\d|[3-9]\d{2})")
_NUMERALS = str.maketrans("〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖", "00123456789123456789")
_NUMERAL = re.compile("[〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖]")
_ATTRIBUTE = re.compile(r"""=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")
_MARKS = frozenset(("Mn", "Me", "Cf"))  # combining marks (keycaps, underlines), invisible format characters
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
    """One line as the reader sees its digits: markup gone, references and percent-escapes decoded, NFKC, marks
    dropped, digits of every script and Chinese numerals as ASCII digits, separators between digits dropped."""
    return _digits_joined(_TAG.sub("", _COMMENT.sub("", line)))


def _digits_joined(text: str, numerals: bool = False) -> str:
    """`text` decoded, NFKC, marks dropped, digits of every script as ASCII (and Chinese numerals too when
    `numerals`: read apart, since 第三 13812345678 would otherwise hide the number behind a 3), separators between
    digits dropped."""
    text = unicodedata.normalize("NFKC", unquote(unescape(text)))
    if not text.isascii():  # ASCII has no marks and no digits of another script
        text = "".join(ch for ch in text if unicodedata.category(ch) not in _MARKS)
        text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)
    return _GAP.sub("", text.translate(_NUMERALS) if numerals else text)


def _attribute_values(line: str) -> str:
    """The values written inside the tags of a line (`href="tel:…"`, `alt="…"`), one per line: a reader's browser
    dials, shows or sends them too."""
    values = [value.strip("\"'") for tag in _TAG.findall(_COMMENT.sub("", line))
              for value in _ATTRIBUTE.findall(tag)]
    return "\n".join(_digits_joined(value) for value in values)


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


def _found_in(line: str) -> list[tuple[str, str]]:
    """(kind, the number's digits) for each unmasked number in one line, each once."""
    if not _DIGITS_AT_LEAST.search(unquote(unescape(line))) or _plainly_none(line):
        return []  # fewer than seven digits of any kind, or plain digits no number can be read from: skip the work
    return list(dict.fromkeys(_each_found_in(line)))


def _plainly_none(line: str) -> bool:
    """Whether `line` is plain ASCII (no markup, character reference or percent-escape: its digits are read as
    written) whose digit groups give no number however they are joined: one is read from the start of a group on,
    and needs `_SHORTEST` digits from a group that starts with 0 (a landline), 1 (a mobile) or 8 (86 in front), or
    `_CARD_SHORTEST` digits (a bank card; an ID card has more). A date and time (2024-07-22 19:00) has neither."""
    if not line.isascii() or "<" in line or "&" in line or "%" in line:
        return False
    groups = _GROUP.findall(line)
    left = sum(map(len, groups))  # the digits from this group to the end of the line
    if left >= _CARD_SHORTEST:
        return False
    for group in groups:
        if left < _SHORTEST:
            return True
        if group[0] in "018":
            return False
        left -= len(group)
    return True


def _each_found_in(line: str) -> Iterator[tuple[str, str]]:
    """Every unmasked number in one line, read in full (`_found_in` passes over a line with nothing to find)."""
    text = normalize(line)
    if _NUMERAL.search(line):
        text = f"{text}\n{_digits_joined(_TAG.sub('', _COMMENT.sub('', line)), numerals=True)}"
    if "<" in line:
        text = f"{text}\n{_attribute_values(line)}"
        if _ANNOTATION.search(line):  # read the base text alone too: ruby annotations sit above it, not inside
            text = f"{text}\n{_digits_joined(_TAG.sub('', _ANNOTATION.sub('', _COMMENT.sub('', line))))}"
    found = list(dict.fromkeys(_numbers(text)))
    yield from found
    # then each way of joining only some separators, but not a part of a number found whole (the 19491231002 of an
    # ID card number written 110105 19491231 002X)
    for kind, number in _numbers(_partly_joined(line)):
        if not any(number in whole for _kind, whole in found):
            yield kind, number


def _numbers(text: str) -> Iterator[tuple[str, str]]:
    """(kind, digits) of each number in `text`, whose separators are dropped already."""
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


def _partly_joined(line: str) -> str:
    """Every number a run of digit groups gives when only some of its separators join (13912345678),12 is one
    mobile number, not the 13 digits of all of them joined), one per line: each way of reading the digits, from
    each group on, as long as it can still be a number. Linear in the line: a reading stops at `_LONGEST` digits."""
    text = unicodedata.normalize("NFKC", unquote(unescape(_TAG.sub("", _COMMENT.sub("", line)))))
    if not text.isascii():  # ASCII has no marks and no digits of another script
        text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text
                       if unicodedata.category(ch) not in _MARKS)
    readings: list[str] = []
    for run in _RUN.finditer(text):
        groups = _GROUP.findall(run.group())
        for first in range(len(groups)):
            joined = groups[first]
            for group in groups[first + 1:]:
                joined += group
                if len(joined) > _LONGEST:
                    break
                if len(joined) >= _SHORTEST:
                    readings.append(joined)
            if len(groups[first]) >= _SHORTEST:
                readings.append(groups[first])
    return "\n".join(readings)


def find_personal_data(text: str, published: frozenset[str] = frozenset()) -> list[tuple[int, str, str]]:
    """(line offset within text, zh, en) for each unmasked number in `text` that is not in `published` (digits)."""
    return [(f.line, f.zh, f.en) for f in unpublished(_findings(text, 0, "", ""), published)]


def _findings(text: str, first: int, zh_name: str, en_name: str) -> list[Finding]:
    return _as_findings(_found_in_text(text), first, zh_name, en_name)


def _as_findings(found: list[tuple[int, str, str]], first: int, zh_name: str, en_name: str) -> list[Finding]:
    return [Finding(first + offset, f"{zh_name}{_MESSAGES[kind][0]}", f"{en_name}{_MESSAGES[kind][1]}", number)
            for offset, kind, number in found]


def _found_in_text(text: str) -> list[tuple[int, str, str]]:
    """(line offset, kind, the number's digits) of each unmasked number in `text`, in order."""
    if not _DIGITS_AT_LEAST.search(unquote(unescape(text))):
        return []  # fewer than seven digits in the whole text: fewer in each line and each paragraph too
    lines = text.split("\n")
    # the digits each line holds, counted as `_found_in` counts them: decoding references and escapes never joins
    # two lines (none spans a line break), so a paragraph holds the sum of its lines' digits
    escaped = "&" in text or "%" in text
    counts = [len(_ONE_DIGIT_LIKE.findall(unquote(unescape(line)) if escaped else line)) for line in lines]
    found = [(offset, kind, number) for offset, line in enumerate(lines) if counts[offset] >= _AT_LEAST
             for kind, number in _found_in(line)]
    if len(lines) > 1:
        found.extend(_across_lines(lines, found, counts))
    return sorted(found)


# a line that starts a Markdown block of its own (list item, quote, heading, table row, fence): not joined to the
# line before it when a paragraph's lines are read together
_BLOCK_START = re.compile(r"\s*(?:[-*+>#|]|\d+[.)]|```|~~~)")


def _paragraphs(lines: list[str]) -> Iterator[tuple[int, int]]:
    """(first, end) offsets of each run of two or more lines a reader sees as one paragraph."""
    start = 0
    for offset in range(1, len(lines) + 1):
        joined = offset < len(lines) and lines[offset].strip() and lines[offset - 1].strip() and \
            not _BLOCK_START.match(lines[offset]) and not lines[offset - 1].lstrip().startswith("|")
        if not joined:
            if offset - start > 1:
                yield start, offset
            start = offset


def _across_lines(lines: list[str], single: list[tuple[int, str, str]], counts: list[int]
                  ) -> Iterator[tuple[int, str, str]]:
    """Numbers only visible with a paragraph's lines joined (a number broken over lines, a comment or tag spanning
    them), each at the line where it starts; `single` are those found on one line, `counts` the digits of each."""
    for start, end in _paragraphs(lines):
        if sum(counts[start:end]) < _AT_LEAST:
            continue  # too few digits for `_found_in` to read the paragraph
        seen = {(kind, number) for offset, kind, number in single if start <= offset < end}
        whole = set(_found_in("\n".join(lines[start:end]))) - seen
        for kind, number in sorted(whole):
            begin = start
            while begin + 1 < end and (kind, number) in set(_found_in("\n".join(lines[begin + 1:end]))):
                begin += 1
            yield begin, kind, number


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
        in_value = _found_in_text(value)
        if not in_value:
            continue
        start = lines.get(path, lines.get(path[:1], 1))
        name = ".".join(str(part) for part in path)
        # a block scalar (`question: |`) starts on the line after its key
        first = start + 1 if "\n" in value.strip() else start
        found.extend(_as_findings(in_value, first, f"{name} ", f"'{name}' "))
    found.extend(_findings(body, body_line, "正文", "the body "))
    return tuple(found)


def _may_hold_a_number(text: str) -> bool:
    """Whether `text` holds enough digits for any number looked for (`_SHORTEST`), counting every character that is
    a digit or a numeral of any script once normalized (NFKC: full-width and circled digits, 一 and 壹 …); a
    character reference or a percent-escape may stand for one, so those always count. Most file names have fewer
    (2026-09-28-jiaotong.md: 8), and are then not read digit by digit."""
    if "&" in text or "%" in text:
        return True
    return sum(map(str.isnumeric, unicodedata.normalize("NFKC", text))) >= _SHORTEST


def check_name(rel: str) -> tuple[Finding, ...]:
    """Every unmasked number in a source's or attachment's path under content/ (it becomes a URL), at line 1."""
    if not _may_hold_a_number(rel.removeprefix("content/")):
        return ()
    return tuple(Finding(1, f"文件名{zh}", f"the file name {en}", number)
                 for _line, zh, en, number in ((f.line, f.zh, f.en, f.number)
                                               for f in _findings(rel.removeprefix("content/"), 0, "", "")))


def unpublished(findings: Iterable[Finding], published: frozenset[str]) -> list[Finding]:
    """The findings that are not one of the hall's own published numbers (looked up, not compared with each)."""
    return [f for f in findings if f.number not in published and not _with_area_code(f.number, published)]


def _with_area_code(number: str, published: frozenset[str]) -> bool:
    """`number` is one of `published` of at least 7 digits (a landline written without its area code) with an area
    code in front: each way of cutting an area code off its front is looked up."""
    return any(number[cut:] in published and _AREA_CODE.fullmatch(number[:cut]) is not None
               for cut in range(len(number) - 6))


def published_numbers(numbers: Iterable[str]) -> frozenset[str]:
    """The hall's own published numbers as digits (empty ones left out)."""
    return frozenset(d for d in (digits(n) for n in numbers) if len(d) >= 5)


# what a number's mask keeps: (digits kept in front, digits kept at the end)
_KEEP = {"mobile": (3, 4), "id": (6, 4), "card": (4, 4)}
# a run of digits as written in running text (an export's cell): ASCII or full-width digits with spaces, dashes,
# dots or brackets between them, an ID card's final X included
_RUN = re.compile(r"[0-9０-９](?:[ \t\u3000\-‐‑‒–—―.·・()（）]*[0-9０-９XxＸｘ])*")


def masked(kind: str, number: str) -> str:
    """The mask of one number (its digits): `13812345678` -> `138****1234`, `110101199001011234` ->
    `110101********1234`, `075588001234` -> `0755-8800****` (the area code and all but the last four kept),
    a bank card -> `6222 **** **** 1234`."""
    if kind == "landline":
        area = _AREA_CODE.match(number)
        cut = area.end() if area else 0
        return f"{number[:cut]}-{number[cut:-4]}****" if cut else f"{number[:-4]}****"
    front, back = _KEEP[kind]
    if kind == "card":
        return f"{number[:front]} **** **** {number[-back:]}"
    return f"{number[:front]}{'*' * (len(number) - front - back)}{number[-back:]}"


def _spans(text: str, runs: list[re.Match[str]], kind: str, number: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every place `text` writes `number`, not inside a longer number (a country code 86 before it
    is fine); a landline's opening bracket goes with it when its closing one does (`(0755)8800 1234`)."""
    number = number.upper()
    for run in runs:
        places = [run.start() + i for i, ch in enumerate(run.group()) if ch.isdigit() or ch in "XxＸｘ"]
        digits = unicodedata.normalize("NFKC", "".join(text[i] for i in places)).upper()
        at = digits.find(number)
        while at >= 0:
            end = at + len(number)
            joined_before = at > 0 and places[at] - places[at - 1] == 1 and digits[max(0, at - 2):at] != "86"
            joined_after = end < len(digits) and places[end] - places[end - 1] == 1
            if not joined_before and not joined_after:
                start, stop = places[at], places[end - 1] + 1
                if kind == "landline" and start and text[start - 1] in "(（" and any(
                        ch in ")）" for ch in text[start:stop]):
                    start -= 1
                yield start, stop
            at = digits.find(number, at + 1)


def mask_numbers(text: str) -> tuple[str, list[tuple[str, str]]]:
    """`text` with every mobile, ID-card, landline and bank-card number it holds replaced by its mask, and
    (kind, mask) for each number masked, in the order found. A number written so that it cannot be found in
    the text again (Chinese numerals, markup) stays as it is: `find_personal_data` still sees it."""
    found = list(dict.fromkeys(pair for line in text.split("\n") for pair in _found_in(line)))
    if not found:
        return text, []
    runs = list(_RUN.finditer(text))
    edits: dict[int, tuple[int, str]] = {}
    done: list[tuple[str, str]] = []
    for kind, number in found:
        replacement = masked(kind, number)
        spans = [(start, stop) for start, stop in _spans(text, runs, kind, number)
                 if not any(start < end and begin < stop for begin, (end, _) in edits.items())]
        for start, stop in spans:
            edits[start] = (stop, replacement)
        if spans:
            done.append((kind, replacement))
    for start in sorted(edits, reverse=True):
        stop, replacement = edits[start]
        text = text[:start] + replacement + text[stop:]
    return text, done


NUMBER_KINDS = {"mobile": ("手机号码", "a mobile number"), "id": ("身份证号码", "an ID-card number"),
                "landline": ("固定电话号码", "a landline number"), "card": ("银行卡号", "a bank-card number")}
