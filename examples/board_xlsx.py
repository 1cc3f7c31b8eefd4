"""Writes examples/board-2026-11.xlsx, the message board's export of the worked example in docs/import.md (its
dates are Excel date cells, as the board's export writes them): `python examples/board_xlsx.py`."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import openpyxl

HEADER = ["留言编号", "留言时间", "留言标题", "留言内容", "回复单位", "回复时间", "回复内容"]
ROWS = [
    [7301, datetime(2026, 11, 18, 21, 30), "夜间施工扰民", "江滨路工地每晚11点后还在打桩，能否管一管？",
     "江滨区住房和城乡建设局", datetime(2026, 11, 20, 10, 0),
     "网友您好：\n已责令施工单位22时后停止高噪声作业，并安排夜间巡查。"],
    [7302, datetime(2026, 11, 19, 8, 45), "网约车证件办理", "网约车驾驶员证在哪里办？需要什么材料？", "市交通运输局",
     None, None],
]


def write(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "留言"
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    for cell in (*sheet["B"][1:], *sheet["F"][1:]):
        cell.number_format = "yyyy-mm-dd hh:mm"
    book.save(path)


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("board-2026-11.xlsx"))
