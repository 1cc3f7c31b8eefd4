"""Personal data: mobile, ID-card, landline and bank-card numbers are errors at their line until masked, in every
text of every item and department and in file names, however they are hidden (markup, escapes, other scripts,
separators, line breaks); amounts, lists and the hall's own published numbers pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import BASIC, NOW, SITE, dept, front, image, write_site

from releasehall.content.privacy import check_name


def build(run_cli, site: Path, out: Path | None = None) -> tuple[int, str]:
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(out or site / "out"), "--now", NOW)
    assert "Traceback" not in err
    return code, err


def error_lines(err: str, rel: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith(f"{rel}:")]


def _lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("content/")]


HIDDEN_NUMBERS = ["１３８１２３４５６７８", "138.1234.5678", "138　1234　5678", "(138)1234-5678", "138\u200b1234\u200b5678",
                  "138**1234**5678", "1381234<!-- -->5678", "&#49;3812345678", "+86 138-1234-5678",
                  "11010519491231002Ｘ", "110105 19491231 002X", "(0571)8765-4321", "010-8765 4321",
                  "6222 0212 3456 7890 128"]


@pytest.mark.parametrize("number", HIDDEN_NUMBERS)
@pytest.mark.parametrize("where", ["title", "question", "asker", "channel", "topics", "transfer", "reply"])
def test_numbers_hidden_in_any_field_of_a_question_are_errors_at_their_line(tmp_path, run_cli, number, where):
    data: dict[str, object] = {"title": "问", "asked": "2024-10-01", "question": "q", "replied": "2024-10-02"}
    transfer = [{"from": "police", "to": "traffic", "date": "2024-10-01", "note": f"转 {number}"}]
    data.update({"title": {"title": f"电话{number}"}, "question": {"question": f"我的号码是 {number}，请回电"},
                 "asker": {"asker": f"王 {number}"}, "channel": {"channel": f"电话 {number}"},
                 "topics": {"topics": [f"号码{number}"]}, "transfer": {"transfers": transfer}}.get(where, {}))
    body = f"\n答复：请拨 {number} 联系。\n" if where == "reply" else "\n已答复。\n"
    site = write_site(tmp_path, {**BASIC, "content/police/qa/p.md": front(data, body)})
    code, err = build(run_cli, site)
    assert code == 1
    found = error_lines(err, "content/police/qa/p.md")
    text = (site / "content/police/qa/p.md").read_text(encoding="utf-8").split("\n")
    assert len(found) == 1, err
    line = int(found[0].split(":")[1])
    assert ("contains an unmasked" in found[0] and ("转 " if where == "transfer" else number[:3]) in text[line - 1]) \
        or number.startswith("&#") or "<!--" in number


RELEASE_FIELDS = {
    "title": ({"title": "联系 138 1234 5678"}, ""),
    "summary": ({"summary": "联系 138 1234 5678"}, ""),
    "claim": ({"kind": "rumor", "claim": "联系 138 1234 5678"}, ""),
    "changes": ({"changes": [{"date": "2024-10-02", "note": "联系 138 1234 5678"}]}, ""),
    "body": ({}, "\n正文\n\n联系 138 1234 5678\n"),
}


@pytest.mark.parametrize("field", sorted(RELEASE_FIELDS))
def test_release_texts_are_checked_too(tmp_path, run_cli, field):
    extra, body = RELEASE_FIELDS[field]
    data = {"title": "发布", "date": "2024-10-01", "kind": "rumor", "claim": "谣言", **extra}
    site = write_site(tmp_path, {**BASIC, "content/police/releases/p.md": front(data, body or "\n正文\n")})
    code, err = build(run_cli, site)
    assert code == 1
    found = error_lines(err, "content/police/releases/p.md")
    assert len(found) == 1 and "contains an unmasked mobile number" in found[0], err
    line = int(found[0].split(":")[1])
    assert "138 1234 5678" in (site / "content/police/releases/p.md").read_text(encoding="utf-8").split("\n")[line - 1]


@pytest.mark.parametrize("text", ["138****5678", "110101********1234", "6222 **** **** 0128", "0755-8800 0003",
                                  "(0755) 88000000", "2024-10-01 09:00 第 12 条 共 1381 件",
                                  "热线 12345，投诉 12315"])
def test_masked_and_published_numbers_pass(tmp_path, run_cli, text):
    files = {**BASIC,
             "content/police/department.yaml": dept("测试市公安局", spokesperson={"name": "张三", "phone": "0755-8800 0003"}),
             "content/police/releases/ok.md": front({"title": "号码", "date": "2024-10-01"}, f"\n{text}\n")}
    site = write_site(tmp_path, files, {**SITE, "footer": {"contact": "0755-88000000"}})
    code, err = build(run_cli, site)
    assert code == 0, err


def test_a_published_number_that_stops_being_published_is_caught_on_the_next_build(tmp_path, run_cli):
    files = {**BASIC,
             "content/police/department.yaml": dept("测试市公安局", spokesperson={"name": "张三", "phone": "0755-8800 0003"}),
             "content/police/releases/ok.md": front({"title": "号码", "date": "2024-10-01"}, "\n0755-8800 0003\n")}
    site = write_site(tmp_path, files)
    assert build(run_cli, site)[0] == 0
    (site / "content/police/department.yaml").write_text("name: 测试市公安局\n", encoding="utf-8")
    code, err = build(run_cli, site)
    assert code == 1 and "content/police/releases/ok.md:6: " in err


def test_a_department_description_is_checked_for_personal_data(tmp_path, run_cli):
    site = write_site(tmp_path, {**BASIC, "content/police/department.yaml":
                                 "name: 测试市公安局\ndescription: 联系人手机 138 1234 5678\n"})
    code, err = build(run_cli, site)
    assert code == 1
    assert [line.split(": ")[0] for line in error_lines(err, "content/police/department.yaml")] == [
        "content/police/department.yaml:2"]


HIDDEN = [  # (text, line offset of the number within the text)
    ("电话 138<ruby>1234<rt>yao</rt></ruby>5678", 0), ("电话 138<ruby>1234<rp>(</rp><rt>x</rt><rp>)</rp></ruby>5678", 0),
    ("电话 138<ruby>1234<rt>x</ruby>5678", 0), ("<ruby>电话<rt>13812345678</rt></ruby>", 0),  # ruby text above the base
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
    from releasehall.content.privacy import find_personal_data

    for text, line in HIDDEN:
        assert [(found[0], found[2]) for found in find_personal_data(text)] == \
            [(line, "contains an unmasked mobile number; mask it, e.g. 138****1234")], text


def test_amounts_lists_and_table_rows_are_not_joined_into_numbers():
    from releasehall.content.privacy import find_personal_data

    for text in ("<ruby>汉<rt>han</rt></ruby> 2024 年 100 元", "投资 13,800,000,000 元", "| 13 | 8 |\n| 12 | 345 |\n| 67 | 8 |", "- 138\n- 1234\n- 5678",
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
    code, err = build(run_cli, site, tmp_path / "out")
    assert code == 1
    mobile = "contains an unmasked mobile number; mask it, e.g. 138****1234"
    assert [(line.split(": ")[0], line.split(" / ")[1]) for line in _lines(err)] == [
        ("content/police/department.yaml:3", f"'spokesperson.name' {mobile}"),
        ("content/police/department.yaml:6", f"'spokesperson.email' {mobile}"),
        ("content/police/department.yaml:8", f"'accounts.wechat' {mobile}"),
        ("content/police/releases/13612345678.md:1", f"the file name {mobile}"),
        ("content/police/releases/img/13512345678.png:1", f"the file name {mobile}"),
        ("content/police/releases/short.md:6", f"the body {mobile}")]


@pytest.mark.parametrize("name", ["13612345678.md", "136 1234 5678.md", "１３６１２３４５６７８.md", "一三六一二三四五六七八.md",
                                  "%31%33%36%31%32%33%34%35%36%37%38.md", "&#49;3612345678.md", "①③⑥1234 5678.md",
                                  "2024-10-01-13612345678.md"])
def test_a_number_in_a_file_name_is_found_however_it_is_written(name):
    """File names with fewer than ten digits are not read digit by digit (`privacy._may_hold_a_number`); every way of
    writing the ten or more a number needs still is."""
    assert [f.number for f in check_name(f"content/police/releases/{name}")] == ["13612345678"]


@pytest.mark.parametrize("name", ["2024-10-01-jiaotong.md", "d0001/releases/r001.md", "2026-09-28-国庆交通管制.md"])
def test_a_file_name_with_too_few_digits_has_no_number(name):
    assert check_name(f"content/{name}") == ()


@pytest.mark.parametrize(("text", "passes"), [
    ("电话 0755-880 0003", True), ("电话 010-880 0003", True), ("电话 0755-8800 0003", True),
    ("电话 8800 0003", True), ("电话 0755 88000000", True), ("电话 135 8800 0003", False), ("电话 0755-8800 0004", False),
    ("电话 13588000003", False), ("电话 0755-123 4567", False), ("电话 0123-6000123", True), ("电话 0755-6000123", False),
])
def test_a_published_number_passes_with_or_without_its_area_code(text, passes):
    """Among many published numbers (every department's phone), a number passes when it is one of them, or one of
    seven digits or more with an area code in front; a longer number merely ending in one is caught."""
    from releasehall.content.privacy import find_personal_data, published_numbers

    published = published_numbers(["880 0003", "8800 0003", "0755-88000000", "12345",
                                   *(f"0{n:03d}-6{n:06d}" for n in range(300))])
    assert (find_personal_data(text, published) == []) is passes


_PIECES = ["13812345678", "138", "1234", "5678", "11010519491231002X", "110105", "19491231", "002X", "(0571)", "8765",
           "010-8765 4321", "6222021234567890128", "2024-02-16 05:00", "13,800,000,000", "１３８", "５６７８", "一三八",
           "壹叁捌", "伍陆柒捌", "\u0661\u0663\u0668", "①③⑧", "&#49;", "&#x31;", "&#10;", "&#49", "%31", "%33%38", "%0A",
           "%E4%B8%80", "%E4", "%", "<!--", "-->", '<a href="tel:', '">', "</a>", "<ruby>", "<rt>", "</rt>", "<", ">",
           "\n", "\n", "\n\n", "\n- ", "\n| ", "\n```\n", " ", "-", ".", "，", "、", "**", "\u200b", "\u0332", "+86 ",
           "0086", "电话", "第", "谢谢", "abc", "X", "0", "1", "7", "86", "0755", "138****1234", "1" * 7, "9" * 12,
           "138\n", "1234\n", "\n5678", "0571-\n", "①③⑧1234", "①③⑧", "1381234", "①③⑧①", "2345678", "2024-07-22 19:00",
           "8613812345678", "0086", "86", "00", "571", "2", "45", "678", ":", "2024-10-15", "4111 1111 1111 1111", "4111111111111111"]


def _read_in_full(text: str) -> list[tuple[int, str, str]]:
    """What the privacy scan finds when it reads every line and every paragraph of `text`, skipping none."""
    from html import unescape
    from urllib.parse import unquote

    from releasehall.content.privacy import _DIGITS_AT_LEAST, _each_found_in, _paragraphs

    def _found_in(line: str) -> list[tuple[str, str]]:  # seven digits or more (as written): read in full
        return list(dict.fromkeys(_each_found_in(line))) if _DIGITS_AT_LEAST.search(unquote(unescape(line))) else []

    lines = text.split("\n")
    found = [(offset, kind, number) for offset, line in enumerate(lines) for kind, number in _found_in(line)]
    for start, end in _paragraphs(lines):
        seen = {(kind, number) for offset, kind, number in found if start <= offset < end}
        for kind, number in sorted(set(_found_in("\n".join(lines[start:end]))) - seen):
            begin = start
            while begin + 1 < end and (kind, number) in set(_found_in("\n".join(lines[begin + 1:end]))):
                begin += 1
            found.append((begin, kind, number))
    return sorted(found)


def test_texts_and_lines_passed_over_hide_no_number():
    """The scan passes over a text, a line or a paragraph with fewer than seven digits (character references and
    percent-escapes decoded), and a plain line whose digits no number can be read from (a date), without reading it
    further: on thousands of texts mixing numbers, dates, escapes, markup, numerals and line breaks, it finds exactly
    what reading every line and paragraph with seven digits or more in full finds."""
    import random

    from releasehall.content.privacy import _found_in_text

    rng = random.Random(19)
    texts = ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, rng.choice([5, 15, 40])))) for _ in range(3000)]
    expected = [_read_in_full(text) for text in texts]
    assert [_found_in_text(text) for text in texts] == expected
    assert sum(map(bool, expected)) > 300  # many of them hold a number
