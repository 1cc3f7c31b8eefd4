"""`releasehall import` fed exports that are not what they seem: ids that spell alike, an XLSX under another
name, an XLSX that unpacks to far more than it weighs."""

from __future__ import annotations

from pathlib import Path

from test_import import FAILED, HEADER, HOTLINE, ROW_1, TRAFFIC_Q, hall, questions, run, xlsx
from test_import import export as csv_export
from test_import import site as site  # the fixture

from releasehall.read import exports


def test_ids_spelled_alike_on_one_day_get_files_of_their_own(site, capsys):
    rows = [[ident, "2024-10-20 12:00", "同一标题", f"问题{n}", "市交通运输局", "", "", "", "", ""]
            for n, ident in enumerate(("A/1", "A 1", "A-1", "a_1"))]
    code, out, err = run(capsys, site, csv_export(site, "same.csv", [HEADER, *rows]))
    assert (code, err) == (0, "")
    stem = "content/traffic/qa/2024-10-20-tong-yi-biao-ti"
    assert out.splitlines()[:4] == [
        f"exports/same.csv:2: 新建 / new: {stem}.md",
        f"exports/same.csv:3: 新建 / new: {stem}-a-1.md",
        f"exports/same.csv:4: 新建 / new: {stem}-a-1-2.md",
        f"exports/same.csv:5: 新建 / new: {stem}-a-1-3.md"]
    written = questions(site)
    assert [f"id: {ident}" in written[name] for ident, name in
            zip(("A/1", "A 1", "A-1", "a_1"), (f"{stem}.md", f"{stem}-a-1.md", f"{stem}-a-1-2.md", f"{stem}-a-1-3.md"),
                strict=True)] == [True] * 4
    assert run(capsys, site, "exports/same.csv")[1].count("未变 / unchanged") == 4  # found again by source


def test_an_xlsx_saved_under_a_csv_name_is_read_as_the_xlsx_it_is(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hall(tmp_path, hotline=HOTLINE)
    name = xlsx(tmp_path, "hotline.xlsx", {"工单": [HEADER, ROW_1]})
    (tmp_path / name).rename(tmp_path / "exports" / "hotline.csv")
    code, _out, err = run(capsys, tmp_path, "exports/hotline.csv")
    assert (code, err) == (0, "")
    assert list(questions(tmp_path)) == [TRAFFIC_Q]


def test_an_xlsx_that_unpacks_beyond_the_limit_is_an_error_and_nothing_is_read(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hall(tmp_path, hotline=HOTLINE)
    long_rows = [[f"GD{n}", *ROW_1[1:3], "长" * 30_000, *ROW_1[4:]] for n in range(20)]  # 90 KB each
    name = xlsx(tmp_path, "hotline.xlsx", {"工单": [HEADER, *long_rows]})
    monkeypatch.setattr(exports, "XLSX_UNPACKED_LIMIT", 1024 * 1024)  # stands for 256 MB: the file unpacks to 5 MB
    code, out, err = run(capsys, tmp_path, "--profile", "hotline", name)
    assert (code, out) == (1, "")
    assert err == (
        "exports/hotline.xlsx:1: XLSX 解压后有 5 MB，超过 1 MB 的上限（文件可能已损坏或有意构造）：请分几次导出，或另存为 CSV / "
        "the XLSX unpacks to 5 MB, over the 1 MB limit (the file may be damaged or crafted): export it in parts, or "
        "save it as CSV\n" + FAILED.format(n=1))
    assert questions(tmp_path) == {}
    assert not Path(tmp_path / "content" / "traffic" / "qa").exists()


def test_an_earlier_export_without_the_reply_never_takes_the_reply_away(site, capsys):
    replied = [*ROW_1[:6], "2024-10-22 10:00", "已恢复。", *ROW_1[8:]]
    assert run(capsys, site, csv_export(site, "week2.csv", [HEADER, replied]))[0] == 0
    written = questions(site)
    assert "replied: 2024-10-22 10:00" in written[TRAFFIC_Q]
    code, out, err = run(capsys, site, csv_export(site, "week1.csv", [HEADER, ROW_1]))
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"exports/week1.csv:2: 未变 / unchanged: {TRAFFIC_Q}"
    assert questions(site) == written


def test_a_csv_saved_under_an_xlsx_name_is_read_as_the_csv_it_is(site, capsys):
    name = csv_export(site, "hotline.xlsx", [HEADER, ROW_1], encoding="gbk")
    code, _out, err = run(capsys, site, name)
    assert (code, err) == (0, "")
    assert list(questions(site)) == [TRAFFIC_Q]


def test_a_file_neither_zip_nor_text_named_xlsx_is_an_error_at_its_first_line(site, capsys):
    (site / "exports").mkdir()
    (site / "exports" / "hotline.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00")  # an old .xls inside
    code, out, err = run(capsys, site, "--profile", "hotline", "exports/hotline.xlsx")
    assert (code, out) == (1, "")
    assert err == ("exports/hotline.xlsx:1: 无法作为 XLSX 读取（BadZipFile）：请在 Excel 里打开并另存为 .xlsx 或 CSV / "
                   "cannot be read as XLSX (BadZipFile): open it in Excel and save it as .xlsx or CSV\n"
                   + FAILED.format(n=1))


def test_a_csv_cell_too_long_to_read_is_an_error_at_its_row(site, capsys):
    name = csv_export(site, "long.csv", [HEADER, ROW_1, [*ROW_1[:3], "长" * 200_000, *ROW_1[4:]]])
    code, out, err = run(capsys, site, "--profile", "hotline", name)
    assert (code, out) == (1, "")
    assert err == ("exports/long.csv:3: CSV 格式有误（field larger than field limit (131072)）：请在 Excel 里核对这一行（过长的单元格"
                   "请删短）后重新导出 / malformed CSV (field larger than field limit (131072)): check this row in Excel "
                   "(shorten an over-long cell), then export again\n" + FAILED.format(n=1))
    assert questions(site) == {}
