"""Personal data that must be masked before a question is published: ID cards and mobiles."""

from __future__ import annotations

import re

_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _valid_id(number: str) -> bool:
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def find_personal_data(text: str) -> list[tuple[int, str, str]]:
    """(line offset within text, zh, en) for each unmasked ID-card or mobile number."""
    found: list[tuple[int, str, str]] = []
    for offset, line in enumerate(text.split("\n")):
        for match in _ID_RE.finditer(line):
            if _valid_id(match.group()):
                found.append((
                    offset,
                    "含有未遮盖的身份证号码，请遮盖后再发布，例如 110101********1234",
                    "contains an unmasked ID-card number; mask it, e.g. 110101********1234",
                ))
        for _match in _MOBILE_RE.finditer(line):
            found.append((
                offset,
                "含有未遮盖的手机号码，请遮盖后再发布，例如 138****1234",
                "contains an unmasked mobile number; mask it, e.g. 138****1234",
            ))
    return found
