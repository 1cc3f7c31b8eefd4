"""`releasehall import`: exports of intake systems (CSV in UTF-8, UTF-8 with BOM and GBK; XLSX with date cells)
become question files that build as is; masked, idempotent, all or nothing, shown by channel in the hall."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from helpers import REPO, SITE, dept, write_site

from releasehall.commands.cli import main
from releasehall.read.cells import moment, written

HOTLINE = {
    "channel": "12345热线",
    "columns": {"id": "工单编号", "asked": "受理时间", "title": "标题", "question": "诉求内容", "department": "承办单位",
                "category": "诉求类型", "replied": "办结时间", "reply": "办理结果", "asker": "联系人", "contact": "联系电话"},
    "departments": {"市公安局": "police", "市交通运输局": "traffic"},
    "categories": {"咨询": "consultation", "投诉": "complaint", "建议": "suggestion", "求助": "help"},
}
BOARD = {
    "channel": "领导留言板",
    "sheet": "留言",
    "columns": {"id": "留言编号", "asked": "留言时间", "title": "留言标题", "question": "留言内容", "department": "回复单位",
                "replied": "回复时间", "reply": "回复内容"},
    "departments": {"市交通运输局": "traffic"},
}
HEADER = ["工单编号", "受理时间", "标题", "诉求内容", "承办单位", "诉求类型", "办结时间", "办理结果", "联系人", "联系电话"]
ROW_1 = ["GD2024001", "2024-10-20 12:00", "公交线路调整", "请问 12 路公交何时恢复？", "市交通运输局", "咨询", "", "", "王五", ""]
ROW_2 = ["GD2024002", "2024/10/21 09:30:00", "", "小区门口路灯不亮，请尽快修理。", "市公安局", "求助", "", "", "", ""]
NOW = "2024-11-01 09:00"


def hall(root: Path, **profiles: Any) -> Path:
    chosen = profiles or {"hotline": HOTLINE, "board": BOARD}
    site = {**SITE, "import": {"profiles": json.loads(json.dumps(chosen))}}  # no YAML anchors for shared values
    return write_site(root, {
        "content/police/department.yaml": dept("测试市公安局"),
        "content/traffic/department.yaml": dept("测试市交通运输局"),
    }, site)


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["import", *args, "--site", str(root)])
    out, err = capsys.readouterr()
    return code, out, err


def export(root: Path, name: str, rows: list[list[str]], encoding: str = "utf-8") -> str:
    path = root / "exports" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_bytes(rows, encoding))
    return f"exports/{name}"


def questions(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((root / "content").glob("*/qa/*.md"))}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A hall with the two profiles, the current folder (exports are named relative to it, as a person types)."""
    monkeypatch.chdir(tmp_path)
    return hall(tmp_path)


TRAFFIC_Q = "content/traffic/qa/2024-10-20-gong-jiao-xian-lu-tiao-zheng.md"
POLICE_Q = "content/police/qa/2024-10-21-xiao-qu-men-kou-lu-deng-bu-liang-qing-jin-kuai-xiu-li.md"
FIRST = """---
title: 公交线路调整
asked: 2024-10-20 12:00
category: consultation
channel: 12345热线
source:
  channel: 12345热线
  id: GD2024001
question: 请问 12 路公交何时恢复？
import_digest: 6ba1601c72b3f616
---
"""
SECOND = """---
title: 小区门口路灯不亮，请尽快修理。
asked: 2024-10-21 09:30
category: help
channel: 12345热线
source:
  channel: 12345热线
  id: GD2024002
question: 小区门口路灯不亮，请尽快修理。
import_digest: eb0cf36dcbe4057c
---
"""


def test_a_utf8_csv_becomes_one_question_file_per_row(site, capsys):
    name = export(site, "hotline.csv", [HEADER, ROW_1, ROW_2])
    code, out, err = run(capsys, site, name)
    assert (code, err) == (0, "")
    assert out == (
        f"exports/hotline.csv:2: 新建 / new: {TRAFFIC_Q}\n"
        f"exports/hotline.csv:3: 新建 / new: {POLICE_Q}\n"
        "导入完成：新建 2，更新 0，未变 0，未覆盖 0 / imported: 2 new, 0 updated, 0 unchanged, 0 left alone\n")
    assert questions(site) == {POLICE_Q: SECOND, TRAFFIC_Q: FIRST}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030"])
def test_a_csv_with_a_bom_or_in_gbk_reads_as_the_same_rows(site, capsys, encoding):
    name = export(site, "hotline.csv", [HEADER, ROW_1, ROW_2], encoding)
    assert run(capsys, site, name)[0] == 0
    assert questions(site) == {POLICE_Q: SECOND, TRAFFIC_Q: FIRST}


def test_a_file_in_neither_utf8_nor_gb18030_is_an_error_at_its_first_line(site, capsys):
    path = site / "exports" / "bad.csv"
    path.parent.mkdir()
    path.write_bytes(b"\x81\x30\xff\xff,\xfe\n")
    assert run(capsys, site, "exports/bad.csv", "--profile", "hotline") == (
        1, "", "exports/bad.csv:1: 文件既不是 UTF-8 也不是 GB18030/GBK 编码：请在 Excel 里另存为“CSV UTF-8”再导入 / the file "
        "is neither UTF-8 nor GB18030/GBK: save it as 'CSV UTF-8' in Excel, then import that\n"
        "导入失败：1 个错误，没有写入任何文件 / import failed: 1 error(s); nothing was written\n")


@pytest.mark.parametrize(("cell", "expected"), [
    ("2024-10-20 12:00", "2024-10-20 12:00"),
    ("2024/10/20 12:00:00", "2024-10-20 12:00"),
    ("2024年10月20日 12时00分", "2024-10-20 12:00"),
    ("2024年10月20日", "2024-10-20"),
    ("2024年10月20日12时05分30秒", "2024-10-20 12:05:30"),
    ("2024/1/5 8:07", "2024-01-05 08:07"),
    (datetime(2024, 10, 20, 12, 0), "2024-10-20 12:00"),
])
def test_every_date_form_an_export_writes(cell, expected):
    tz = ZoneInfo("Asia/Shanghai")
    assert written(moment(cell, tz)) == expected
    assert moment(cell, tz).tzinfo is tz


def test_each_date_form_in_a_csv_is_written_as_the_hall_reads_dates(site, capsys):
    forms = ["2024-10-20 12:00", "2024/10/20 12:00:00", "2024年10月20日 12时00分", "2024年10月20日"]
    rows = [[f"D{i}", form, f"日期写法{i}", "路灯不亮。", "市公安局", "", "", "", "", ""] for i, form in enumerate(forms)]
    assert run(capsys, site, export(site, "dates.csv", [HEADER, *rows]))[0] == 0
    asked = [line for text in questions(site).values() for line in text.split("\n") if line.startswith("asked:")]
    assert asked == ["asked: 2024-10-20 12:00", "asked: 2024-10-20 12:00", "asked: 2024-10-20 12:00", "asked: 2024-10-20"]


BOARD_HEADER = ["留言编号", "留言时间", "留言标题", "留言内容", "回复单位", "回复时间", "回复内容"]


def xlsx(root: Path, name: str, sheets: dict[str, list[list[Any]]]) -> str:
    """An XLSX written by openpyxl, its sheets in order (dates as Excel date cells)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = root / "exports" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return f"exports/{name}"


def test_an_xlsx_with_date_cells_is_read_from_the_profiles_sheet(site, capsys):
    name = xlsx(site, "board.xlsx", {
        "说明": [["本表由留言板导出"]],
        "留言": [BOARD_HEADER,
                 [20241001, datetime(2024, 10, 20, 8, 15), "地铁末班车", "地铁末班车能否延长到 23 点？", "市交通运输局",
                  datetime(2024, 10, 22, 16, 0), "您好！\n末班车时间将于 11 月起延长。"],
                 [20241002.0, datetime(2024, 10, 21), None, "学校门口缺少斑马线", "测试市交通运输局", None, None]],
    })
    code, out, err = run(capsys, site, name)
    assert (code, err) == (0, "")
    assert out.splitlines()[:2] == [
        "exports/board.xlsx:2: 新建 / new: content/traffic/qa/2024-10-20-di-tie-mo-ban-che.md",
        "exports/board.xlsx:3: 新建 / new: content/traffic/qa/2024-10-21-xue-xiao-men-kou-que-shao-ban-ma-xian.md"]
    assert questions(site) == {
        "content/traffic/qa/2024-10-20-di-tie-mo-ban-che.md": """---
title: 地铁末班车
asked: 2024-10-20 08:15
category: consultation
channel: 领导留言板
source:
  channel: 领导留言板
  id: '20241001'
question: 地铁末班车能否延长到 23 点？
replied: 2024-10-22 16:00
import_digest: 8b3438f3b5ebcba0
---

<p>您好！</p>

<p>末班车时间将于 11 月起延长。</p>
""",
        "content/traffic/qa/2024-10-21-xue-xiao-men-kou-que-shao-ban-ma-xian.md": """---
title: 学校门口缺少斑马线
asked: 2024-10-21
category: consultation
channel: 领导留言板
source:
  channel: 领导留言板
  id: '20241002'
question: 学校门口缺少斑马线
import_digest: 3410a1abca32160d
---
"""}


def test_an_xlsx_without_a_sheet_in_its_profile_is_read_from_the_first_sheet(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hall(tmp_path, hotline=HOTLINE)
    name = xlsx(tmp_path, "hotline.xlsx", {"工单": [HEADER, [*ROW_1[:1], datetime(2024, 10, 20, 12, 0), *ROW_1[2:]]],
                                           "其他": [["x"]]})
    assert run(capsys, tmp_path, name)[0] == 0
    assert questions(tmp_path) == {TRAFFIC_Q: FIRST}


FAILED = "导入失败：{n} 个错误，没有写入任何文件 / import failed: {n} error(s); nothing was written\n"


def test_every_row_in_error_is_listed_at_file_row_and_nothing_is_written(site, capsys):
    bad = [HEADER,
           ROW_1,
           ["E1", "2024-10-20 12:00", "", "问题", "市公安", "咨询", "", "", "", ""],
           ["E2", "2024-13-01", "", "问题", "市公安局", "咨讯", "", "", "", ""],
           ["E3", "2024-10-20 12:00", "", "", "市公安局", "", "", "有答复", "", ""],
           ["E4", "2024-10-20 12:00", "", "问题", "市公安局", "", "2024-10-19 12:00", "有答复", "", ""],
           ROW_2]
    code, out, err = run(capsys, site, export(site, "bad.csv", bad))
    assert (code, out) == (1, "")
    assert err == (
        "exports/bad.csv:3: 未知的承办单位 “市公安”：请在 site.yaml 的 import.profiles.hotline.departments 中加上 "
        "“市公安: 部门标识”，是否想写 “市公安局”？ / unknown department '市公安': add '市公安: <department id>' under "
        "import.profiles.hotline.departments in site.yaml; did you mean '市公安局'?\n"
        "exports/bad.csv:4: “受理时间”：日期不存在：“2024-13-01”（month must be in 1..12） / '受理时间': no such date "
        "'2024-13-01' (month must be in 1..12)\n"
        "exports/bad.csv:4: 未知的类别 “咨讯”：请在 site.yaml 的 import.profiles.hotline.categories 中把它对应到 "
        "consultation、complaint、suggestion、help 之一 / unknown category '咨讯': map it to one of consultation, "
        "complaint, suggestion, help under import.profiles.hotline.categories in site.yaml\n"
        "exports/bad.csv:5: “诉求内容”（留言内容）为空：请在导出文件中补上，或删去这一行 / '诉求内容' (question) is empty: "
        "fill it in the export, or remove the row\n"
        "exports/bad.csv:5: 有答复但没有答复时间“办结时间”：请在导出文件中补上答复时间 / there is a reply but no reply time "
        "'办结时间': fill in when it was replied\n"
        "exports/bad.csv:6: 答复时间 “2024-10-19 12:00” 早于留言时间 “2024-10-20 12:00”：请核对 / the reply time "
        "'2024-10-19 12:00' is before the question's '2024-10-20 12:00': check the dates\n"
        + FAILED.format(n=6))
    assert questions(site) == {}


def test_an_error_in_one_file_keeps_every_file_of_the_import_unwritten(site, capsys):
    good = export(site, "good.csv", [HEADER, ROW_1])
    bad = export(site, "bad.csv", [HEADER, ["E1", "昨天", "", "问题", "市公安局", "", "", "", "", ""]])
    code, out, err = run(capsys, site, good, bad)
    assert (code, out) == (1, "")
    assert err.splitlines()[0].startswith("exports/bad.csv:2: “受理时间”：日期格式不对：“昨天”")
    assert questions(site) == {}


def test_numbers_in_every_written_field_are_masked_and_each_masking_reported(site, capsys):
    row = ["M1", "2024-10-20 12:00", "赵六反映 138 1234 5678 的问题",
           "我是赵六，手机 138 1234 5678，身份证 110101199003071233，座机 (0755)88001234，卡号 6222020200112233446，"
           "微信 zhaoliu_wx", "市公安局", "投诉", "2024-10-21 10:00", "已联系赵六（+8613812345678）。", "赵六", "zhaoliu_wx"]
    code, out, err = run(capsys, site, export(site, "mask.csv", [HEADER, row]))
    assert (code, err) == (0, "")
    rel = "content/police/qa/2024-10-20-zhao-fan-ying-138-5678-de-wen-ti.md"
    assert out == (
        "exports/mask.csv:2: 已遮盖手机号码 138****5678（“标题”） / masked a mobile number: 138****5678 ('标题')\n"
        "exports/mask.csv:2: 已遮盖联系人姓名 赵*（“标题”） / masked the asker's name: 赵* ('标题')\n"
        "exports/mask.csv:2: 已遮盖身份证号码 110101********1233（“诉求内容”） / masked an ID-card number: "
        "110101********1233 ('诉求内容')\n"
        "exports/mask.csv:2: 已遮盖手机号码 138****5678（“诉求内容”） / masked a mobile number: 138****5678 ('诉求内容')\n"
        "exports/mask.csv:2: 已遮盖固定电话号码 0755-8800****（“诉求内容”） / masked a landline number: 0755-8800**** "
        "('诉求内容')\n"
        "exports/mask.csv:2: 已遮盖银行卡号 6222 **** **** 3446（“诉求内容”） / masked a bank-card number: "
        "6222 **** **** 3446 ('诉求内容')\n"
        "exports/mask.csv:2: 已遮盖联系人姓名 赵*（“诉求内容”） / masked the asker's name: 赵* ('诉求内容')\n"
        "exports/mask.csv:2: 已遮盖联系方式 zha*******（“诉求内容”） / masked the asker's contact: zha******* ('诉求内容')\n"
        "exports/mask.csv:2: 已遮盖手机号码 138****5678（“办理结果”） / masked a mobile number: 138****5678 ('办理结果')\n"
        "exports/mask.csv:2: 已遮盖联系人姓名 赵*（“办理结果”） / masked the asker's name: 赵* ('办理结果')\n"
        f"exports/mask.csv:2: 新建 / new: {rel}\n"
        "导入完成：新建 1，更新 0，未变 0，未覆盖 0 / imported: 1 new, 0 updated, 0 unchanged, 0 left alone\n")
    text = questions(site)[rel]
    assert "title: 赵*反映 138****5678 的问题\n" in text
    assert ("question: 我是赵*，手机 138****5678，身份证 110101********1233，座机 0755-8800****，卡号 6222 **** **** 3446，"
            "微信 zha*******\n") in text
    assert text.endswith("\n<p>已联系赵*（+86138****5678）。</p>\n")
    for secret in ("赵六", "zhaoliu", "1234 5678", "13812345678", "88001234", "199003071233", "0200112233446"):
        assert secret not in text
    assert main(["check", "--site", str(site), "--now", NOW]) == 0


def test_a_number_that_cannot_be_masked_is_an_error(site, capsys):
    row = ["N1", "2024-10-20 12:00", "", "电话一三八一二三四五六七八", "市公安局", "", "", "", "", ""]
    code, out, err = run(capsys, site, export(site, "numerals.csv", [HEADER, row]))
    assert (code, out) == (1, "")
    assert err == ("exports/numerals.csv:2: “标题”含有未遮盖的手机号码，请遮盖后再发布，例如 138****1234：无法自动遮盖"
                   "（写法特殊，如汉字数字），请在导出文件中遮盖后再导入 / '标题' contains an unmasked mobile number; mask "
                   "it, e.g. 138****1234: it cannot be masked automatically (written unusually, e.g. in Chinese "
                   "numerals); mask it in the export, then import again\n"
                   "exports/numerals.csv:2: “诉求内容”含有未遮盖的手机号码，请遮盖后再发布，例如 138****1234：无法自动遮盖"
                   "（写法特殊，如汉字数字），请在导出文件中遮盖后再导入 / '诉求内容' contains an unmasked mobile number; mask "
                   "it, e.g. 138****1234: it cannot be masked automatically (written unusually, e.g. in Chinese "
                   "numerals); mask it in the export, then import again\n" + FAILED.format(n=2))
    assert questions(site) == {}


def summary(new: int, updated: int, unchanged: int, edited: int, dry: bool = False) -> str:
    if dry:
        return (f"试运行，未写入任何文件：新建 {new}，更新 {updated}，未变 {unchanged}，未覆盖 {edited} / dry run, "
                f"nothing written: {new} new, {updated} updated, {unchanged} unchanged, {edited} left alone\n")
    return (f"导入完成：新建 {new}，更新 {updated}，未变 {unchanged}，未覆盖 {edited} / imported: {new} new, "
            f"{updated} updated, {unchanged} unchanged, {edited} left alone\n")


def stamps(root: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted((root / "content").rglob("*")) if p.is_file()}


def test_importing_the_same_export_again_writes_nothing(site, capsys):
    name = export(site, "hotline.csv", [HEADER, ROW_1, ROW_2])
    assert run(capsys, site, name)[0] == 0
    before = stamps(site)
    assert run(capsys, site, name) == (0, f"exports/hotline.csv:2: 未变 / unchanged: {TRAFFIC_Q}\n"
                                          f"exports/hotline.csv:3: 未变 / unchanged: {POLICE_Q}\n"
                                          + summary(0, 0, 2, 0), "")
    assert stamps(site) == before


REPLY_1 = [*ROW_1[:6], "2024年10月22日 10时00分", "您好：\n12 路公交将于 11 月 1 日恢复。<script>alert(1)</script>", *ROW_1[8:]]


def test_a_later_export_with_the_reply_adds_it_to_the_file_it_wrote(site, capsys):
    assert run(capsys, site, export(site, "week1.csv", [HEADER, ROW_1, ROW_2]))[0] == 0
    second = stamps(site)[POLICE_Q]
    code, out, err = run(capsys, site, export(site, "week2.csv", [HEADER, REPLY_1, ROW_2]))
    assert (code, err) == (0, "")
    assert out == (f"exports/week2.csv:2: 已更新（replied、正文 body） / updated (replied, 正文 body): {TRAFFIC_Q}\n"
                   f"exports/week2.csv:3: 未变 / unchanged: {POLICE_Q}\n" + summary(0, 1, 1, 0))
    assert questions(site)[TRAFFIC_Q] == FIRST.replace(
        "import_digest: 6ba1601c72b3f616\n",
        "replied: 2024-10-22 10:00\nimport_digest: 228b343837eed962\n") + (
        "\n<p>您好：</p>\n\n<p>12 路公交将于 11 月 1 日恢复。&lt;script&gt;alert(1)&lt;/script&gt;</p>\n")
    assert stamps(site)[POLICE_Q] == second
    assert run(capsys, site, "exports/week2.csv")[1].endswith(summary(0, 0, 2, 0))


def test_a_file_edited_by_hand_is_left_alone_and_the_difference_reported(site, capsys):
    assert run(capsys, site, export(site, "week1.csv", [HEADER, ROW_1]))[0] == 0
    path = site / TRAFFIC_Q
    edited = path.read_text(encoding="utf-8").replace("title: 公交线路调整", "title: 12 路公交何时恢复")
    path.write_text(edited, encoding="utf-8")
    code, out, err = run(capsys, site, export(site, "week2.csv", [HEADER, REPLY_1]))
    assert (code, out) == (0, summary(0, 0, 0, 1))
    assert err == (f"exports/week2.csv:2: 警告 warning: {TRAFFIC_Q} 导入后经人手工修改过，未覆盖；与本次导出不同的是："
                   "title、replied、正文 body。请对照导出手工核对 / "
                   f"{TRAFFIC_Q} was edited by hand after it was imported and is left alone; it differs from this "
                   "export in: title, replied, 正文 body. Compare them by hand\n")
    assert path.read_text(encoding="utf-8") == edited


def test_a_dry_run_says_what_would_be_written_updated_and_skipped_and_writes_nothing(site, capsys):
    assert run(capsys, site, export(site, "week1.csv", [HEADER, ROW_1]))[0] == 0
    before = stamps(site)
    phone = [*ROW_2[:3], "路灯不亮，电话 13912345678", *ROW_2[4:]]
    code, out, err = run(capsys, site, export(site, "week2.csv", [HEADER, REPLY_1, phone]), "--dry-run")
    assert (code, err) == (0, "")
    assert out == (
        f"exports/week2.csv:2: 将更新（replied、正文 body） / would update (replied, 正文 body): {TRAFFIC_Q}\n"
        "exports/week2.csv:3: 已遮盖手机号码 139****5678（“诉求内容”） / masked a mobile number: 139****5678 ('诉求内容')\n"
        "exports/week2.csv:3: 将新建 / would write: content/police/qa/2024-10-21-lu-deng-bu-liang-dian-hua-139-5678.md\n"
        + summary(1, 1, 0, 0, dry=True))
    assert stamps(site) == before


def test_a_header_that_fits_one_profile_needs_no_profile_named(site, capsys):
    name = xlsx(site, "board.xlsx", {"留言": [BOARD_HEADER, ["B1", "2024-10-20 08:00", "", "问题", "市交通运输局", "", ""]]})
    assert run(capsys, site, name)[0] == 0
    assert list(questions(site)) == ["content/traffic/qa/2024-10-20-wen-ti.md"]


def test_a_header_that_fits_no_profile_or_several_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hall(tmp_path, hotline=HOTLINE, again={**HOTLINE, "channel": "市长信箱"})
    unknown = export(tmp_path, "unknown.csv", [["编号", "内容"], ["1", "x"]])
    assert run(capsys, tmp_path, unknown) == (2, "", (
        "exports/unknown.csv: 表头与 site.yaml 中的导入配置都不匹配（配置：hotline, again）：请用 --profile NAME 指定一个，"
        "或改正该配置的 columns / the header matches none of the import profiles in site.yaml (hotline, again): name "
        "one with --profile NAME, or correct its columns\n"))
    both = export(tmp_path, "both.csv", [HEADER, ROW_1])
    assert run(capsys, tmp_path, both) == (2, "", (
        "exports/both.csv: 表头同时符合多个导入配置（hotline, again）：请用 --profile NAME 指定其中一个 / the header fits "
        "several import profiles (hotline, again): choose one with --profile NAME\n"))
    assert run(capsys, tmp_path, both, "--profile", "again")[0] == 0
    assert "channel: 市长信箱\n" in questions(tmp_path)[TRAFFIC_Q]
    assert run(capsys, tmp_path, both, "--profile", "hotlien") == (2, "", (
        "--profile：没有名为 “hotlien” 的导入配置，是否想写 “hotline”？（有：hotline, again） / --profile: no import "
        "profile 'hotlien'; did you mean 'hotline'? (there are: hotline, again)\n"))
    assert questions(tmp_path).keys() == {TRAFFIC_Q}


def test_a_named_profile_whose_columns_are_missing_is_an_error_at_the_header(site, capsys):
    name = export(site, "short.csv", [["工单编号", "受理时间", "诉求内容", "承办单位"], ["S1", "2024-10-20", "x", "市公安局"]])
    code, out, err = run(capsys, site, name, "--profile", "hotline")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (
        "exports/short.csv:1: 表头中没有配置 “hotline” 要读的列 “办理结果”；请核对导出文件或 site.yaml 的 "
        "import.profiles.hotline.columns / the header has no column '办理结果', which profile 'hotline' reads; check the "
        "export or import.profiles.hotline.columns in site.yaml")
    assert err.endswith(FAILED.format(n=6))


def test_a_profile_mapping_to_an_unknown_department_or_category_is_an_error_in_site_yaml(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hall(tmp_path, hotline={**HOTLINE, "departments": {"市公安局": "polise"}, "categories": {"咨询": "question"}})
    code, out, err = run(capsys, tmp_path, export(tmp_path, "h.csv", [HEADER, ROW_2]))
    assert (code, out) == (1, "")
    lines = (tmp_path / "site.yaml").read_text(encoding="utf-8").split("\n")
    dept_line = next(i for i, line in enumerate(lines, 1) if "市公安局: polise" in line)
    category_line = next(i for i, line in enumerate(lines, 1) if "咨询: question" in line)
    assert err == (
        f"site.yaml:{dept_line}: import.profiles.hotline.departments：“市公安局” 对应的部门 “polise” 不存在，是否想写 "
        "“police”？（应是 content/ 下含 department.yaml 的文件夹名） / import.profiles.hotline.departments: '市公安局' maps "
        "to 'polise', which is not a department; did you mean 'police'? (a folder under content/ with a department.yaml)\n"
        f"site.yaml:{category_line}: import.profiles.hotline.categories：“咨询” 对应的类别 “question” 无效，可选：consultation, "
        "complaint, suggestion, help，是否想写 “suggestion”？ / import.profiles.hotline.categories: '咨询' maps to "
        "'question', which is not a category; choose one of: consultation, complaint, suggestion, help; did you mean "
        "'suggestion'?\n" + FAILED.format(n=2))


HOSTILE = ("<script>alert(1)</script> [点这里](javascript:alert(1)) **粗体** 请发邮件至 xinfang@example.gov.cn\n"
           "# 不是标题\n<img src=x onerror=alert(1)>\n---")


@pytest.mark.parametrize("engine", ["commonmark", "python-markdown"])
def test_the_reply_is_shown_as_the_text_it_is_under_either_engine(tmp_path, capsys, monkeypatch, engine):
    monkeypatch.chdir(tmp_path)
    hall(tmp_path, hotline=HOTLINE)
    if engine != "commonmark":
        text = (tmp_path / "site.yaml").read_text(encoding="utf-8")
        (tmp_path / "site.yaml").write_text(text + f"markdown:\n  engine: {engine}\n", encoding="utf-8")
    row = [*ROW_1[:3], "---\nQQ：12345 <b>加粗</b>", *ROW_1[4:6], "2024-10-22 10:00", HOSTILE, *ROW_1[8:]]
    assert run(capsys, tmp_path, export(tmp_path, "h.csv", [HEADER, row]))[0] == 0
    assert main(["build", "--site", str(tmp_path), "--now", NOW]) == 0
    capsys.readouterr()
    page = (tmp_path / "public/traffic/qa/2024-10-20-gong-jiao-xian-lu-tiao-zheng/index.html").read_text(encoding="utf-8")
    reply = page[page.index('<div class="prose">'):page.index("</section>", page.index('<div class="prose">'))]
    assert reply.replace("\n", "") == (
        '<div class="prose"><p>&lt;script&gt;alert(1)&lt;/script&gt; [点这里](javascript:alert(1)) **粗体** 请发邮件至 '
        "xinfang@example.gov.cn</p><p># 不是标题</p><p>&lt;img src=x onerror=alert(1)&gt;</p><p>---</p></div>")
    written = questions(tmp_path)[TRAFFIC_Q]
    assert 'question: "---\\nQQ：12345 <b>加粗</b>"\n' in written and "title: 公交线路调整\n" in written
    assert '<div class="citizen"><p>---</p><p>QQ：12345 &lt;b&gt;加粗&lt;/b&gt;</p></div>' in page


def test_the_imported_hall_builds_and_counts_its_channels(site, capsys):
    write_site(site, {"content/police/qa/own.md": "---\ntitle: 本站留言\nasked: 2024-10-25 09:00\nquestion: 能否办证？\n---\n"},
               {**SITE, "import": {"profiles": json.loads(json.dumps({"hotline": HOTLINE, "board": BOARD}))}})
    assert run(capsys, site, export(site, "hotline.csv", [HEADER, REPLY_1, ROW_2]))[0] == 0
    board = xlsx(site, "board.xlsx", {"留言": [BOARD_HEADER, ["B1", datetime(2024, 10, 22, 8, 0), "", "地铁问题", "市交通运输局",
                                                            None, None]]})
    assert run(capsys, site, board)[0] == 0
    assert main(["build", "--site", str(site), "--now", NOW]) == 0
    capsys.readouterr()
    out = site / "public"
    data = json.loads((out / "stats/stats.json").read_text(encoding="utf-8"))
    assert data["hall"]["channels"] == {"12345热线": 2, "本站": 1, "领导留言板": 1}
    assert data["departments"]["police"]["channels"] == {"12345热线": 1, "本站": 1}
    assert data["departments"]["traffic"]["channels"] == {"12345热线": 1, "领导留言板": 1}
    csv_lines = (out / "stats/stats.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv_lines[0].endswith(",very_overdue,channels")
    assert csv_lines[1].endswith(",12345热线: 2; 本站: 1; 领导留言板: 1")
    stats_page = (out / "stats/index.html").read_text(encoding="utf-8")
    assert ('<tbody><tr><th scope="row"><a href="/qa/channels/12345-re-xian/">12345热线</a></th><td class="fig">2 条</td></tr>'
            '<tr><th scope="row"><a href="/qa/channels/ben-zhan/">本站</a></th><td class="fig">1 条</td></tr>'
            '<tr><th scope="row"><a href="/qa/channels/ling-dao-liu-yan-ban/">领导留言板</a></th>'
            '<td class="fig">1 条</td></tr></tbody>') in stats_page
    filters = ('<nav class="filters" aria-label="按来源渠道筛选">\n<ul><li><a href="/qa/"{0}>全部留言（4）</a></li>'
               '<li><a href="/qa/channels/12345-re-xian/"{1}>12345热线（2）</a></li>'
               '<li><a href="/qa/channels/ben-zhan/"{2}>本站（1）</a></li>'
               '<li><a href="/qa/channels/ling-dao-liu-yan-ban/"{3}>领导留言板（1）</a></li></ul>\n</nav>')
    here = ' aria-current="page"'
    qa = (out / "qa/index.html").read_text(encoding="utf-8")
    assert filters.format(here, "", "", "") in qa
    hotline = (out / "qa/channels/12345-re-xian/index.html").read_text(encoding="utf-8")
    assert filters.format("", here, "", "") in hotline
    assert "<h1>留言回复：12345热线</h1>" in hotline
    assert hotline.count('class="item item-question') == 2
    assert (out / "qa/channels/ben-zhan/index.html").read_text(encoding="utf-8").count('class="item item-question') == 1
    page = (out / TRAFFIC_Q.removeprefix("content/").removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    assert "来源渠道：12345热线" in page


def test_a_hall_of_one_channel_shows_no_filter(site, capsys):
    assert run(capsys, site, export(site, "hotline.csv", [HEADER, ROW_1, ROW_2]))[0] == 0
    assert main(["build", "--site", str(site), "--now", NOW]) == 0
    capsys.readouterr()
    assert 'class="filters"' not in (site / "public/qa/index.html").read_text(encoding="utf-8")
    assert not (site / "public/qa/channels").exists()
    data = json.loads((site / "public/stats/stats.json").read_text(encoding="utf-8"))
    assert data["hall"]["channels"] == {"12345热线": 2}


def test_the_worked_example_imports_into_the_sample_hall(tmp_path, capsys, monkeypatch):
    """docs/import.md's example: the CSV (GBK) and the XLSX of examples/ into a copy of this repository's hall."""
    import shutil

    for name in ("site.yaml", "content", "examples"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    files = ("examples/hotline-2026-11.csv", "examples/board-2026-11.xlsx")
    code, out, err = run(capsys, tmp_path, *files, "--dry-run")
    guide = (REPO / "docs/import.md").read_text(encoding="utf-8")
    shown = guide.split("输出：\n\n```text\n", 1)[1].split("```", 1)[0]
    assert (code, out, err) == (0, shown, "")
    assert run(capsys, tmp_path, *files)[0] == 0
    text = (tmp_path / "content/jiangbin-zhujian/qa/2026-11-18-ye-jian-shi-gong-rao-min.md").read_text(encoding="utf-8")
    assert text in guide
    rebuilt = tmp_path / "again.xlsx"  # the committed XLSX is what its script writes (cell for cell)
    subprocess.run([sys.executable, str(REPO / "examples/board_xlsx.py"), str(rebuilt)], check=True)
    cells = [[list(row) for row in openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True)]
             for path in (rebuilt, tmp_path / files[1])]
    assert cells[0] == cells[1]


def test_two_channels_with_one_pinyin_get_two_listings(tmp_path, capsys):
    def asked(name: str, channel: str) -> str:
        return f"---\ntitle: {name}\nasked: 2024-10-20 09:00\nquestion: 问题\nchannel: {channel}\n---\n"

    site = write_site(tmp_path, {"content/police/department.yaml": dept("测试市公安局"),
                                 "content/police/qa/a.md": asked("甲", "微博"),
                                 "content/police/qa/b.md": asked("乙", "wei-bo")})
    assert main(["build", "--site", str(site), "--now", NOW]) == 0
    capsys.readouterr()
    assert "<h1>留言回复：wei-bo</h1>" in (site / "public/qa/channels/wei-bo/index.html").read_text(encoding="utf-8")
    assert "<h1>留言回复：微博</h1>" in (site / "public/qa/channels/wei-bo-2/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "expected", "kinds"), [
    ("电话 138 1234 5678 或 0755-88001234", "电话 138****5678 或 0755-8800****", ["mobile", "landline"]),
    ("座机(010)12345678，手机+8613812345678", "座机010-1234****，手机+86138****5678", ["mobile", "landline"]),
    ("全角１３８１２３４５６７８", "全角138****5678", ["mobile"]),
    ("身份证 110101 19900307 1233，卡 6222 0202 0011 2233 446", "身份证 110101********1233，卡 6222 **** **** 3446",
     ["id", "card"]),
    ("工单 2024 13812345678 与 213812345678", "工单 2024 138****5678 与 213812345678", ["mobile"]),
    ("金额 13,800,000,000 元", "金额 13,800,000,000 元", []),
])
def test_numbers_are_masked_where_they_are_written(text, expected, kinds):
    from releasehall.content.privacy import find_personal_data, mask_numbers

    result, done = mask_numbers(text)
    assert (result, [kind for kind, _mask in done]) == (expected, kinds)
    assert find_personal_data(result) == []


def test_a_name_taken_by_a_file_of_its_own_gets_the_work_orders_id(site, capsys):
    (site / "content/traffic/qa").mkdir(parents=True)
    (site / TRAFFIC_Q).write_text("---\ntitle: 公交线路调整\nasked: 2024-10-20 08:00\nquestion: 别人写的\n---\n",
                                  encoding="utf-8")
    assert run(capsys, site, export(site, "h.csv", [HEADER, ROW_1]))[1].startswith(
        "exports/h.csv:2: 新建 / new: content/traffic/qa/2024-10-20-gong-jiao-xian-lu-tiao-zheng-gd2024001.md\n")
    assert (site / TRAFFIC_Q).read_text(encoding="utf-8").endswith("question: 别人写的\n---\n")


def test_a_work_order_moved_to_another_department_is_reported_not_moved(site, capsys):
    assert run(capsys, site, export(site, "week1.csv", [HEADER, ROW_1]))[0] == 0
    moved = [*ROW_1[:4], "市公安局", *ROW_1[5:]]
    code, out, err = run(capsys, site, export(site, "week2.csv", [HEADER, moved]))
    assert (code, out) == (0, summary(0, 0, 0, 1))
    assert err == (f"exports/week2.csv:2: 警告 warning: {TRAFFIC_Q}：导出中的承办单位已改为 “police”，文件留在原部门、未改动；"
                   "如属转办，请在文件中写明 transfers（见编辑指南） / "
                   f"{TRAFFIC_Q}: the export now names department 'police'; the file stays where it is, unchanged. If "
                   "the question was handed over, record it under 'transfers' (editor guide)\n")
    assert questions(site) == {TRAFFIC_Q: FIRST}


def test_the_same_work_order_twice_in_one_import_is_an_error(site, capsys):
    code, out, err = run(capsys, site, export(site, "a.csv", [HEADER, ROW_1]), export(site, "b.csv", [HEADER, REPLY_1]))
    assert (code, out) == (1, "")
    assert err == ("exports/b.csv:2: 编号 “GD2024001” 在 exports/a.csv:2 已出现过：同一工单每次只导入一行，请删去其中一行（或分两次导入） / "
                   "id 'GD2024001' already came at exports/a.csv:2: import one row per work order; remove one of them "
                   "(or import them one after the other)\n" + FAILED.format(n=1))
    assert questions(site) == {}


@pytest.mark.parametrize("edit", ["a second channel", "back to one channel", "a channel renamed"])
def test_an_incremental_build_after_a_channel_edit_equals_a_clean_build(tmp_path, edit):
    import shutil

    from helpers import snapshot

    from releasehall.pipeline.build import run as build

    def question(name: str, channel: str = "") -> str:
        extra = f"channel: {channel}\n" if channel else ""
        return f"---\ntitle: {name}\nasked: 2024-10-2{len(name)} 09:00\nquestion: 问题\n{extra}---\n"

    site = write_site(tmp_path / "site", {
        "content/police/department.yaml": dept("测试市公安局"),
        "content/police/qa/a.md": question("甲", "微博"),
        "content/police/qa/b.md": question("乙乙", "" if edit == "a second channel" else "12345热线"),
    })
    out = tmp_path / "out"
    assert not build(site, out=out, now=NOW).errors
    b = site / "content/police/qa/b.md"
    b.write_text(question("乙乙", {"a second channel": "12345热线", "back to one channel": "微博",
                                    "a channel renamed": "12345"}[edit]), encoding="utf-8")
    assert not build(site, out=out, now=NOW).errors
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns(".cache"))
    assert not build(clean, out=tmp_path / "clean-out", now=NOW, use_cache=False).errors
    assert snapshot(out) == snapshot(tmp_path / "clean-out")
    listings = sorted(p.parent.name for p in out.glob("qa/channels/*/index.html"))
    assert listings == {"a second channel": ["12345-re-xian", "wei-bo"], "back to one channel": [],
                        "a channel renamed": ["12345", "wei-bo"]}[edit]
