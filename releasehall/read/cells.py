"""The values of an export's cells: text as a person typed it, and the dates intake systems write."""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from typing import Any

from releasehall.read.schema import FIRST_YEAR, LAST_YEAR, Invalid

# control characters YAML and the feeds refuse (an export's cells carry them: vertical tabs, _x000B_ …)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
# 2024-10-20 12:00, 2024/10/20 12:00:00, 2024.10.20, 2024年10月20日 12时00分(00秒), 2024-10-20T12:00
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:(?:\s+|T|(?<=日))(\d{1,2})\s*[:：时点]\s*(\d{1,2})?\s*分?"
                   r"(?:\s*[:：]?\s*(\d{1,2})\s*秒?)?)?")


def text(value: Any) -> str:
    """A cell as text: numbers without a trailing `.0` (an id or a phone typed into a number cell), line
    breaks as LF, control characters dropped, surrounding space removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    result = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", result).strip()


def moment(value: Any, tz: tzinfo) -> datetime:
    """A date cell as a time in the site's zone: an Excel date, or text in one of the forms above."""
    if isinstance(value, datetime):
        found = value.replace(tzinfo=tz) if value.tzinfo is None else value
    elif isinstance(value, date):
        found = datetime.combine(value, time(), tz)
    else:
        written = text(value)
        match = _DATE.fullmatch(written)
        if match is None:
            raise Invalid(f"日期格式不对：“{written}”，应写成 2024-10-20 12:00、2024/10/20 12:00:00、"
                          "2024年10月20日 12时00分 或 2024年10月20日",
                          f"bad date '{written}': write 2024-10-20 12:00, 2024/10/20 12:00:00, "
                          "2024年10月20日 12时00分 or 2024年10月20日")
        year, month, day, hour, minute, second = (int(part) if part else 0 for part in match.groups())
        try:
            found = datetime(year, month, day, hour, minute, second, tzinfo=tz)
        except ValueError as exc:
            raise Invalid(f"日期不存在：“{written}”（{exc}）", f"no such date '{written}' ({exc})") from None
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        raise Invalid(f"日期 “{text(value)}” 超出范围：年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间",
                      f"date '{text(value)}' is out of range: the year must be {FIRST_YEAR}-{LAST_YEAR}")
    return found


def written(when: datetime) -> str:
    """How a question file writes a time: `2024-10-20 12:00` (with `:SS` when it has seconds), or `2024-10-20`
    for midnight, which is what a date alone means."""
    if when.time() == time():
        return f"{when:%Y-%m-%d}"
    return f"{when:%Y-%m-%d %H:%M}" if when.second == 0 else f"{when:%Y-%m-%d %H:%M:%S}"
