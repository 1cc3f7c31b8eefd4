"""Hostile sites tried as the issue-9 checker would, each over a good output: what they found, held here."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import BASIC, image, write_site

from releasehall.write import MANIFEST

NOW = "2024-10-20 12:00"


def _build(run_cli, site: Path, out: Path) -> tuple[int, str]:
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)
    return code, err


def test_a_forged_journal_in_a_staging_folder_moves_nothing_outside_the_output(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    out = tmp_path / "out"
    assert _build(run_cli, site, out)[0] == 0
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "thesis.txt").write_text("years of work", encoding="utf-8")
    (victim / "folder").mkdir()
    (victim / "folder/notes.txt").write_text("notes", encoding="utf-8")
    os.symlink(victim / "folder", out / "linked")  # a folder link planted in the output, named in the journal
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    (out / MANIFEST).write_text(json.dumps({**manifest, "files": [*manifest["files"], "linked"]}), encoding="utf-8")
    for name, put, remove in (("a", [], ["../victim/thesis.txt"]), ("b", ["../victim/thesis.txt"], []),
                              ("c", [], [str(victim / "thesis.txt")]), ("d", [], ["linked/notes.txt"]),
                              ("e", ["linked/notes.txt"], [])):
        stage = tmp_path / f".out.new-{name}"
        (stage / "linked").mkdir(parents=True)
        (stage / "linked/notes.txt").write_text("planted", encoding="utf-8")
        (stage / ".journal").write_text(json.dumps({"put": put, "remove": remove}), encoding="utf-8")
    code, err = _build(run_cli, site, out)
    assert code == 0, err
    assert (victim / "thesis.txt").read_text(encoding="utf-8") == "years of work"
    assert (victim / "folder/notes.txt").read_text(encoding="utf-8") == "notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site", "victim"]
    assert not (out / "linked").exists() and not (out / "linked").is_symlink()


def _lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("content/")]


def test_yaml_merge_keys_are_refused_at_their_line(tmp_path, run_cli):
    site = write_site(tmp_path / "site", {
        **BASIC,
        "content/police/releases/m.md": "---\ntitle: 合并\ndate: 2024-10-01\n<<: {summary: 摘要}\n---\n正文\n",
        "content/extra/department.yaml": "name: 另一部门\n<<: [{short_name: 交}]\n",
    })
    code, err = _build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert _lines(err) == [
        "content/extra/department.yaml:2: 不允许使用 YAML 合并键 “<<”；请把字段直接写出来 / "
        "YAML merge keys ('<<') are not allowed; write the keys out",
        "content/police/releases/m.md:4: 不允许使用 YAML 合并键 “<<”；请把字段直接写出来 / "
        "YAML merge keys ('<<') are not allowed; write the keys out"]


def test_line_and_paragraph_separators_do_not_move_errors_off_their_line(tmp_path, run_cli):
    site = write_site(tmp_path / "site", {
        **BASIC, "content/police/releases/s.md": "---\ntitle: 分\u2028隔\u2029符\ndate: 不是日期\n---\n正文\n"})
    code, err = _build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert [line.split(" / ")[0] for line in _lines(err)] == [
        "content/police/releases/s.md:3: 字段 “date”：日期格式不对：“不是日期”，应写成 YYYY-MM-DD、YYYY-MM-DD HH:MM 或带时区的 ISO 8601",
        "content/police/releases/s.md:2: 警告 warning: 删除了 2 个不可见的控制字符（第一个是 U+2028），请检查文字是否完整"]


def test_a_file_name_that_would_break_or_disguise_the_error_line_is_escaped(tmp_path, run_cli):
    site = write_site(tmp_path / "site", {
        **BASIC, "content/police/releases/a\nb.md": "---\ntitle: 换行\ndate: 不是日期\n---\n正文\n",
        "content/police/releases/c\u202eb.md": "---\ntitle: 反向\ndate: 也不是\n---\n正文\n"})
    code, err = _build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert [line.split(":")[:2] for line in _lines(err)] == [
        ["content/police/releases/a\\u000ab.md", "3"], ["content/police/releases/c\\u202eb.md", "3"]]


# --- Personal data the normalization did not see ------------------------------------------------------------------

HIDDEN = [  # (text, line offset of the number within the text)
    ('<a href="tel:13812345678">来电</a>', 0), ('<a href="?phone=13812345678">来电</a>', 0),
    ('<img src="https://x.example/a.png" alt="13812345678">', 0), ("<span title='13812345678'>王</span>", 0),
    ("[来电](https://x.example/?phone=%31%33%38%31%32%33%34%35%36%37%38)", 0),
    ("第一行\n我的电话 138\n1234\n5678 谢谢", 1), ("138<!-- a\nb -->12345678", 0),
    ("138,1234,5678", 0), ("138，1234，5678", 0), ("138、1234、5678", 0), ("138。1234。5678", 0),
    ("138=1234=5678", 0), ("138#1234#5678", 0), ("0086-138-1234-5678", 0),
    ("1\u0332 3\u03328\u03321234 5678", 0), ("1\ufe0f\u20e33\ufe0f\u20e38\ufe0f\u20e312345678", 0),
    ("一三八一二三四五六七八", 0), ("壹叁捌壹贰叁肆伍陆柒捌", 0), ("\u0661\u0663\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668", 0),
]


def test_numbers_hidden_in_attributes_urls_line_breaks_and_other_scripts_are_found_at_their_line():
    from releasehall.privacy import find_personal_data

    for text, line in HIDDEN:
        assert [(found[0], found[2]) for found in find_personal_data(text)] == \
            [(line, "contains an unmasked mobile number; mask it, e.g. 138****1234")], text


def test_amounts_lists_and_table_rows_are_not_joined_into_numbers():
    from releasehall.privacy import find_personal_data

    for text in ("投资 13,800,000,000 元", "| 13 | 8 |\n| 12 | 345 |\n| 67 | 8 |", "- 138\n- 1234\n- 5678",
                 "第 138 号\n\n第 1234 号\n\n5678 件", "一二三四五六七八九十"):
        assert find_personal_data(text) == [], text


def test_department_fields_file_names_and_a_short_published_number(tmp_path, run_cli):
    files = {
        **BASIC,
        "content/police/department.yaml": {
            "name": "测试市公安局", "spokesperson": {"name": "张三 13812345678", "title": "发言人", "phone": "8800 0003",
                                                   "email": "13912345678@example.cn"},
            "accounts": {"wechat": "微信 13712345678"}},
        "content/police/releases/ok.md": "---\ntitle: 号码\ndate: 2024-10-01\n---\n\n请拨 0755-8800 0003 或 138****5678\n",
        "content/police/releases/short.md": "---\ntitle: 尾号\ndate: 2024-10-01\n---\n\n请拨 135 8800 0003\n",
        "content/police/releases/13612345678.md": "---\ntitle: 文件名\ndate: 2024-10-01\n---\n\n正文\n",
        "content/police/releases/img/13512345678.png": image(4, 4),
    }
    site = write_site(tmp_path / "site", files)
    code, err = _build(run_cli, site, tmp_path / "out")
    assert code == 1
    mobile = "contains an unmasked mobile number; mask it, e.g. 138****1234"
    assert [(line.split(": ")[0], line.split(" / ")[1]) for line in _lines(err)] == [
        ("content/police/department.yaml:3", f"'spokesperson.name' {mobile}"),
        ("content/police/department.yaml:6", f"'spokesperson.email' {mobile}"),
        ("content/police/department.yaml:8", f"'accounts.wechat' {mobile}"),
        ("content/police/releases/13612345678.md:1", f"the file name {mobile}"),
        ("content/police/releases/img/13512345678.png:1", f"the file name {mobile}"),
        ("content/police/releases/short.md:6", f"the body {mobile}")]
