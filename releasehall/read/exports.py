"""Reading an export: CSV (UTF-8 with or without BOM, else GB18030, which covers GBK and GB2312) or XLSX
(openpyxl; the first sheet or a named one) -> its header and rows, each row with the number a spreadsheet
shows it at (the header's row is 1 when it is the first)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from releasehall.errors import Report
from releasehall.read.cells import text

XLSX = (".xlsx", ".xlsm")
_ZIP = b"PK\x03\x04"
# what an XLSX's parts may unpack to, together: a real export of 50,000 long rows is well under it, while a
# small zip that unpacks to gigabytes (a zip bomb) would take that much memory to read
_MB = 1024 * 1024
XLSX_UNPACKED_LIMIT = 256 * _MB


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # the row as the spreadsheet shows it
    cells: dict[str, Any]  # header -> value: text, or a date/datetime from an XLSX date cell


@dataclass(frozen=True, slots=True)
class Sheet:
    rel: str  # the file as the command line named it
    header: tuple[str, ...]
    header_row: int
    rows: tuple[Row, ...]


def is_xlsx(path: Path) -> bool:
    """Known by content: a zip is an XLSX whatever its name; text named .xlsx (a system's 'Excel' export that is
    really CSV) is read as CSV; anything else by its name."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return path.suffix.lower() in XLSX
    if head.startswith(_ZIP):
        return True
    text_like = b"\x00" not in head or head.startswith((b"\xff\xfe", b"\xfe\xff"))
    return path.suffix.lower() in XLSX and not text_like


def read_export(path: Path, rel: str, sheet: str, report: Report) -> Sheet | None:
    """The export at `path` (`sheet`: an XLSX's sheet to read, "" the first); None after reporting."""
    if path.suffix.lower() == ".xls":
        report.error(rel, 1, "不支持旧版 Excel（.xls）文件：请在 Excel 里另存为 .xlsx 或 CSV 再导入",
                     "old Excel (.xls) files are not read: save it as .xlsx or CSV in Excel, then import that")
        return None
    if is_xlsx(path):
        grid = _xlsx_rows(path, rel, sheet, report)
    else:
        grid = _csv_rows(path, rel, report)
    if grid is None:
        return None
    return _sheet(rel, grid, report)


def _sheet(rel: str, grid: Iterable[tuple[int, list[Any]]], report: Report) -> Sheet | None:
    filled = [(number, cells) for number, cells in grid if any(text(cell) for cell in cells)]
    if not filled:
        report.error(rel, 1, "文件是空的：没有表头，也没有数据行", "the file is empty: no header and no rows")
        return None
    header_row, first = filled[0]
    header = tuple(text(cell) for cell in first)
    rows = tuple(Row(number, {name: cells[index] if index < len(cells) else None
                              for index, name in enumerate(header) if name})
                 for number, cells in filled[1:])
    return Sheet(rel, header, header_row, rows)


def _decoded(raw: bytes) -> str | None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16 with a BOM
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_rows(path: Path, rel: str, report: Report) -> list[tuple[int, list[Any]]] | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.error(rel, 1, f"无法读取文件（{exc.strerror}）", f"cannot read the file ({exc.strerror})")
        return None
    decoded = _decoded(raw)
    if decoded is None:
        report.error(rel, 1, "文件既不是 UTF-8 也不是 GB18030/GBK 编码：请在 Excel 里另存为“CSV UTF-8”再导入",
                     "the file is neither UTF-8 nor GB18030/GBK: save it as 'CSV UTF-8' in Excel, then import that")
        return None
    first = decoded.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    records: list[tuple[int, list[Any]]] = []  # the rows with something in them (not a million empty lines)
    number = 0
    try:
        for number, record in enumerate(csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter), 1):
            if any(record):
                records.append((number, list(record)))
    except csv.Error as exc:  # at the row it stopped in (a cell over csv's 128K characters, a stray quote)
        report.error(rel, number + 1, f"CSV 格式有误（{exc}）：请在 Excel 里核对这一行（过长的单元格请删短）后重新导出",
                     f"malformed CSV ({exc}): check this row in Excel (shorten an over-long cell), then export again")
        return None
    return records


def _unpacked(path: Path) -> int:
    """How many bytes an XLSX's parts say they unpack to (zipfile never unpacks a part beyond what it says);
    0 for a file that is not a zip (openpyxl says why)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return 0


def _xlsx_rows(path: Path, rel: str, sheet: str, report: Report) -> Iterable[tuple[int, list[Any]]] | None:
    import openpyxl

    unpacked = _unpacked(path)
    if unpacked > XLSX_UNPACKED_LIMIT:
        size, limit = -(-unpacked // _MB), XLSX_UNPACKED_LIMIT // _MB
        report.error(rel, 1, f"XLSX 解压后有 {size} MB，超过 {limit} MB 的上限（文件可能已损坏或有意构造）："
                     "请分几次导出，或另存为 CSV",
                     f"the XLSX unpacks to {size} MB, over the {limit} MB limit (the file may be damaged or "
                     "crafted): export it in parts, or save it as CSV")
        return None
    try:
        with path.open("rb") as handle:  # a handle, not a name: openpyxl refuses a name not ending in .xlsx
            book = openpyxl.load_workbook(io.BytesIO(handle.read()), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        report.error(rel, 1, f"无法作为 XLSX 读取（{type(exc).__name__}）：请在 Excel 里打开并另存为 .xlsx 或 CSV",
                     f"cannot be read as XLSX ({type(exc).__name__}): open it in Excel and save it as .xlsx or CSV")
        return None
    try:
        if sheet and sheet not in book.sheetnames:
            names = "、".join(book.sheetnames)
            report.error(rel, 1, f"没有名为 “{sheet}” 的工作表（有：{names}）；请改正配置中的 sheet",
                         f"no sheet named '{sheet}' (there are: {', '.join(book.sheetnames)}); correct the "
                         "profile's 'sheet'")
            return None
        worksheet = book[sheet] if sheet else book.worksheets[0]
        return list(_filled(worksheet.iter_rows(min_row=1, values_only=True)))
    except Exception as exc:
        report.error(rel, 1, f"无法作为 XLSX 读取（{type(exc).__name__}）：请在 Excel 里打开并另存为 .xlsx 或 CSV",
                     f"cannot be read as XLSX ({type(exc).__name__}): open it in Excel and save it as .xlsx or CSV")
        return None
    finally:
        book.close()


def _filled(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[int, list[Any]]]:
    """The rows with something in them, numbered as the sheet shows them: a sheet's million formatted but empty
    rows are never held at once."""
    for number, values in enumerate(rows, 1):
        if any(value is not None and value != "" for value in values):
            yield number, list(values)
