"""Bad content: every error as `path:line: 中文 / English`, all at once, exit 1, old output intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import BASIC, ENGINES, NOW, SITE, dept, front, site_for, write_site


def errors_of(run_cli, site: Path) -> list[str]:
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)
    assert code == 1, err
    assert "Traceback" not in err
    return [line for line in err.splitlines() if ": " in line and not line.startswith("构建失败")]


def locations(lines: list[str]) -> list[str]:
    return [":".join(line.split(":")[:2]) for line in lines if "warning" not in line]


RELEASE = {"title": "标题", "date": "2024-09-01"}


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("---\ntitle: 标题\ndate: 2024-09-01\ntitel: x\n---\n", 4, "unknown key 'titel'; did you mean 'title'?"),
        ("---\ndate: 2024-09-01\n---\n", 2, "missing required key 'title'"),
        ("---\ntitle: 标题\ndate: 2024-13-01\n---\n", 3, "'date': no such date '2024-13-01'"),
        ("---\ntitle: 标题\ndate: 九月一日\n---\n", 3, "'date': bad date '九月一日'"),
        ("---\ntitle: 标题\ndate: 2024-09-01\nkind: rumour\n---\n", 4,
         "'kind': 'rumour' is not allowed; choose one of: news, notice, policy, emergency, rumor, interview, survey, event; did you mean 'rumor'?"),
        ("---\ntitle: 标题\ndate: 2024-09-01\ntopics: {a: 1}\n---\n", 4, "'topics': expected a list, not 映射 mapping"),
        ("---\ntitle: 标题\ndate: 2024-09-01\ndraft: maybe\n---\n", 4, "'draft': expected true or false"),
        ("---\ntitle: [标题\ndate: 2024-09-01\n---\n", 3, "YAML syntax error"),
        ("no front matter\n", 1, "missing front matter"),
        ("---\ntitle: 标题\n", 1, "front matter is not closed"),
        ("---\n---\nbody\n", 1, "front matter is empty"),
        ("---\n- a\n- b\n---\n", 2, "front matter must be a mapping"),
        ("---\ntitle: 标题\ndate: 2024-09-01\nkind: rumor\n---\n", 4, "a rumor refutation needs 'claim'"),
        ("---\ntitle: 标题\ndate: 2024-09-01\nwith: [polise]\n---\n", 4,
         "'with': no department 'polise' (no such folder under content/); did you mean 'police'?"),
        ("---\ntitle: 标题\ndate: 2024-09-01\nrelated: [police/releases/nothing]\n---\n", 4,
         "related id 'police/releases/nothing' names nothing"),
        ("---\ntitle: 标题\ndate: 2024-09-01\n---\n\n第一段\n\n见[此处](../../police/releases/none.md)\n", 8,
         "link '../../police/releases/none.md' names no file (content/police/releases/none.md)"),
        ("---\ntitle: 标题\ndate: 2024-09-01\n---\n![图](missing.png)\n", 5, "image 'missing.png' names no file"),
        ("---\ntitle: 标题\ndate: 2024-09-01\n---\n正文\n\n见[通知](通知 二.md)与[另一](<通知 二.md>)\n", 7,
         "link '通知 二.md' names no file (content/police/releases/通知 二.md)"),
        ("---\ntitle: 标题\ndate: 2024-09-01\n---\n\n<p>原始 HTML <a href=\"../qa/none.md\">链接</a></p>\n", 6,
         "link '../qa/none.md' names no file (content/police/qa/none.md)"),
        ("---\ntitle: 标题\ndate: 2024-09-01\n---\n[x](../../../../etc/passwd)\n", 5, "climbs out of content/"),
        ("---\ntitle: 标题\ndate: 2024-09-01\ntitle: again\n---\n", 4, "key 'title' appears twice"),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_release_errors_name_file_and_line(tmp_path, run_cli, text, where, fragment, engine):
    site = write_site(tmp_path, {**BASIC, "content/police/releases/bad.md": text}, site_for(engine))
    lines = errors_of(run_cli, site)
    matching = [line for line in lines if line.startswith(f"content/police/releases/bad.md:{where}: ")]
    assert any(fragment in line for line in matching), lines


@pytest.mark.parametrize(
    ("data", "body", "where", "fragment"),
    [
        ({"title": "t", "asked": "2024-09-01", "question": "q"}, "\n答复。\n", 7,
         "the body (the reply) is written but 'replied' is missing"),
        ({"title": "t", "asked": "2024-09-01", "question": "q", "replied": "2024-09-02"}, "", 5,
         "'replied' is set but the body (the reply) is empty"),
        ({"title": "t", "asked": "2024-09-01", "question": "q", "category": "complain"}, "", 5,
         "did you mean 'complaint'?"),
        ({"title": "t", "asked": "2024-09-01", "question": "我的电话 13812345678"}, "", 4,
         "contains an unmasked mobile number; mask it, e.g. 138****1234"),
        ({"title": "t", "asked": "2024-09-01", "question": "身份证 11010519491231002X 请核实"}, "", 4,
         "contains an unmasked ID-card number"),
        ({"title": "t", "asked": "2024-09-01", "question": "q",
          "transfers": [{"from": "police", "to": "nobody", "date": "2024-09-02"}]}, "", 7,
         "'transfers.to': no department 'nobody'"),
        ({"title": "t", "asked": "2024-09-05", "question": "q", "replied": "2024-09-01"}, "\n答复\n", 5,
         "'replied' is before 'asked'"),
    ],
)
def test_question_errors_name_file_and_line(tmp_path, run_cli, data, body, where, fragment):
    site = write_site(tmp_path, {**BASIC, "content/police/qa/bad.md": front(data, body)})
    lines = errors_of(run_cli, site)
    matching = [line for line in lines if line.startswith(f"content/police/qa/bad.md:{where}: ")]
    assert any(fragment in line for line in matching), lines


def test_masked_numbers_pass(tmp_path, run_cli):
    data = {"title": "t", "asked": "2024-09-01", "question": "电话 138****1234，身份证 110105********002X"}
    site = write_site(tmp_path, {**BASIC, "content/police/qa/ok.md": front(data)})
    assert run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)[0] == 0


def test_reply_with_personal_data_is_an_error_at_its_line(tmp_path, run_cli):
    data = {"title": "t", "asked": "2024-09-01", "question": "q", "replied": "2024-09-02"}
    site = write_site(tmp_path, {**BASIC, "content/police/qa/bad.md": front(data, "\n您好！\n请致电 139-1234-5678 联系。\n")})
    assert locations(errors_of(run_cli, site)) == ["content/police/qa/bad.md:9"]


def test_department_errors(tmp_path, run_cli):
    files = {
        **BASIC,
        "content/a/department.yaml": dept("甲", parent="b"),
        "content/b/department.yaml": dept("乙", parent="a"),
        "content/c/department.yaml": dept("丙", parent="nowhere"),
        "content/f/department.yaml": {"name": "丁", "levle": "street"},
        "content/stats/department.yaml": dept("统计"),
        "content/documents/department.yaml": dept("文件"),  # /documents/ is the hall's (urls.RESERVED)
        "content/pagefind/department.yaml": dept("搜索"),
        "content/Bad_Name/department.yaml": dept("坏"),
        "content/d/department.yaml": {"short_name": "无名"},
        "content/e/readme.txt": "x",
    }
    lines = errors_of(run_cli, write_site(tmp_path, files))
    assert locations(lines) == [
        "content/Bad_Name/department.yaml:1",
        "content/a/department.yaml:2",
        "content/b/department.yaml:2",
        "content/c/department.yaml:2",
        "content/d/department.yaml:1",
        "content/documents/department.yaml:1",
        "content/e/department.yaml:1",
        "content/f/department.yaml:2",
        "content/pagefind/department.yaml:1",
        "content/stats/department.yaml:1",
    ]
    text = "\n".join(lines)
    assert "parent departments form a cycle: a → b → a" in text
    assert "unknown key 'levle'; did you mean 'level'?" in text
    assert "content/c/department.yaml:2: parent：没有名为 “nowhere” 的部门（content/ 下没有该目录）；请写现有部门的标识" \
           "（content/ 下含 department.yaml 的文件夹名） / 'parent': no department 'nowhere' (no such folder under " \
           "content/); write an existing department's id (the name of its folder under content/)" in lines
    assert "collides with the hall's own path /stats/" in text
    assert "collides with the hall's own path /documents/" in text
    assert "collides with the hall's own path /pagefind/" in text  # the search index's folder
    assert "missing required key 'name'" in text


def test_site_yaml_errors(tmp_path, run_cli):
    site = write_site(tmp_path, BASIC, {"titel": "x", "language": "fr"})
    lines = errors_of(run_cli, site)
    assert lines == [
        "site.yaml:1: 未知字段 “titel”，是否想写 “title”？ / unknown key 'titel'; did you mean 'title'?",
        "site.yaml:1: 缺少必填字段 “base_url” / missing required key 'base_url'",
        "site.yaml:1: 缺少必填字段 “title” / missing required key 'title'",
        "site.yaml:2: 字段 “language”：取值 “fr” 无效，可选：zh-CN, zh-TW, en / "
        "'language': 'fr' is not allowed; choose one of: zh-CN, zh-TW, en",
    ]


def test_two_sources_at_one_url_name_both(tmp_path, run_cli):
    files = {**BASIC, "content/police/releases/公告.md": front(RELEASE),
             "content/police/releases/gong-gao.md": front(RELEASE)}
    lines = errors_of(run_cli, write_site(tmp_path, files))
    assert any(line.startswith("content/police/releases/公告.md:1: ") and "content/police/releases/gong-gao.md" in line
               and "/police/releases/gong-gao/" in line for line in lines), lines


def test_gbk_file_is_an_error_that_says_save_as_utf8(tmp_path, run_cli):
    text = "---\ntitle: 标题\ndate: 2024-09-01\n---\n正文\n".encode("gbk")
    lines = errors_of(run_cli, write_site(tmp_path, {**BASIC, "content/police/releases/gbk.md": text}))
    assert lines == ["content/police/releases/gbk.md:2: 文件不是 UTF-8 编码（可能是 GBK），请用 UTF-8 编码重新保存 / "
                     "the file is not UTF-8 (perhaps GBK); save it again as UTF-8"]


def test_bom_and_crlf_are_accepted(tmp_path, run_cli):
    text = "\ufeff---\r\ntitle: 标题\r\ndate: 2024-09-01\r\n---\r\n正文\r\n"
    site = write_site(tmp_path, {**BASIC, "content/police/releases/win.md": text.encode("utf-8")})
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)
    assert code == 0, err
    assert "<p>正文</p>" in (site / "out/police/releases/win/index.html").read_text(encoding="utf-8")


def test_all_errors_are_listed_and_old_output_is_untouched(tmp_path, run_cli):
    site = write_site(tmp_path, BASIC)
    out = site / "out"
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (site / "content/police/releases/b1.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (site / "content/police/releases/b2.md").write_text("---\ndate: 2024-01-01\n---\n", encoding="utf-8")
    lines = errors_of(run_cli, site)
    assert locations(lines) == ["content/police/releases/b1.md:2", "content/police/releases/b2.md:2"]
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in site.iterdir()) == [".cache", "content", "out", "site.yaml"]


def test_usage_errors_exit_2(run_cli, tmp_path):
    with pytest.raises(SystemExit) as exc:
        run_cli("build", "--now", "tomorrow")
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        run_cli("new", "bogus", "x", "y")
    assert exc.value.code == 2


def test_missing_site_yaml(tmp_path, run_cli):
    code, _out, err = run_cli("build", "--site", str(tmp_path), "--now", NOW)
    assert code == 1
    assert err.startswith("site.yaml:1: 找不到")


@pytest.mark.parametrize("engine", ENGINES)
def test_unpublished_link_is_a_warning_and_dropped(tmp_path, run_cli, engine):
    files = {**BASIC,
             "content/police/releases/later.md": front({"title": "以后", "date": "2025-01-01"}, "x\n"),
             "content/police/releases/now.md": front(RELEASE, "\n见[以后](later.md)\n")}
    site = write_site(tmp_path, files, site_for(engine))
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)
    assert code == 0
    assert "content/police/releases/now.md:6: 警告 warning: " in err
    assert "<p>见<a>以后</a></p>" in (site / "out/police/releases/now/index.html").read_text(encoding="utf-8")


assert SITE


def test_broken_operator_template_is_a_path_line_error(tmp_path, run_cli):
    site = write_site(tmp_path, {**BASIC, "layouts/404.html": "<p>\n{% if %}\n</p>\n"})
    assert errors_of(run_cli, site)[0].startswith("layouts/404.html:2: 模板错误")
    (site / "layouts/404.html").write_text("<p>\n\n{{ nothing.here }}</p>\n", encoding="utf-8")
    assert errors_of(run_cli, site)[0].startswith("layouts/404.html:3: 模板错误")


@pytest.mark.parametrize("engine", ENGINES)
def test_link_to_the_hall_home(tmp_path, run_cli, engine):
    site = write_site(tmp_path, {**BASIC, "content/police/releases/h.md": front(RELEASE, "[首页](/)\n")},
                      site_for(engine))
    assert run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)[0] == 0
    assert '<a href="/">首页</a>' in (site / "out/police/releases/h/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("out", [".", "content", "content/police/out", "layouts/x", ".."])
def test_output_folder_must_not_hold_the_sources(tmp_path, run_cli, out):
    site = write_site(tmp_path / "site", BASIC)
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(site / out), "--now", NOW)
    assert code == 2 and err.startswith(f"releasehall: 输出目录 {(site / out).resolve()} 不能是站点目录本身")
    assert "choose another output folder" in err
    assert sorted(p.name for p in site.iterdir()) == ["content", "site.yaml"]


def test_unreadable_file_is_a_path_line_error(tmp_path):
    from releasehall.errors import Report
    from releasehall.read.sources import read_text

    report = Report()
    assert read_text(tmp_path / "missing.md", "content/police/releases/missing.md", report) is None
    assert [str(p) for p in report.errors] == [
        "content/police/releases/missing.md:1: 无法读取文件（No such file or directory），请检查文件权限 / "
        "cannot read the file (No such file or directory); check its permissions"]


def test_template_failing_midway_leaves_the_last_output_and_no_staging_folder(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    out = tmp_path / "out"
    assert run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)[0] == 0
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # fails only on question pages, after other pages were already staged
    (site / "layouts").mkdir()
    (site / "layouts/question.html").write_text("{% extends \"base.html\" %}\n{% block main %}\n{{ item.nothing.here }}\n"
                                                "{% endblock %}\n", encoding="utf-8")
    (site / "content/police/releases/a.md").write_text(
        (site / "content/police/releases/a.md").read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)
    assert code == 1 and "layouts/question.html:3: 模板错误" in err
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


# --- Every problem on its own honest line: YAML merge keys, separators, file names, UTF-16, broken links --------

def _build(run_cli, site: Path) -> tuple[int, str]:
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(site.parent / "out"), "--now", NOW)
    return code, err


def _lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("content/")]


def test_yaml_merge_keys_are_refused_at_their_line(tmp_path, run_cli):
    site = write_site(tmp_path / "site", {
        **BASIC,
        "content/police/releases/m.md": "---\ntitle: 合并\ndate: 2024-10-01\n<<: {summary: 摘要}\n---\n正文\n",
        "content/extra/department.yaml": "name: 另一部门\n<<: [{short_name: 交}]\n",
    })
    code, err = _build(run_cli, site)
    assert code == 1
    assert _lines(err) == [
        "content/extra/department.yaml:2: 不允许使用 YAML 合并键 “<<”；请把字段直接写出来 / "
        "YAML merge keys ('<<') are not allowed; write the keys out",
        "content/police/releases/m.md:4: 不允许使用 YAML 合并键 “<<”；请把字段直接写出来 / "
        "YAML merge keys ('<<') are not allowed; write the keys out"]


def test_line_and_paragraph_separators_do_not_move_errors_off_their_line(tmp_path, run_cli):
    site = write_site(tmp_path / "site", {
        **BASIC, "content/police/releases/s.md": "---\ntitle: 分\u2028隔\u2029符\ndate: 不是日期\n---\n正文\n"})
    code, err = _build(run_cli, site)
    assert code == 1
    assert [line.split(" / ")[0] for line in _lines(err)] == [
        "content/police/releases/s.md:3: 字段 “date”：日期格式不对：“不是日期”，应写成 YYYY-MM-DD、YYYY-MM-DD HH:MM 或带时区的 ISO 8601",
        "content/police/releases/s.md:2: 警告 warning: 删除了 2 个不可见的控制字符（第一个是 U+2028），请检查文字是否完整"]


def test_a_file_name_that_would_break_or_disguise_the_error_line_is_escaped(tmp_path, run_cli):
    site = write_site(tmp_path / "site", {
        **BASIC, "content/police/releases/a\nb.md": "---\ntitle: 换行\ndate: 不是日期\n---\n正文\n",
        "content/police/releases/c\u202eb.md": "---\ntitle: 反向\ndate: 也不是\n---\n正文\n"})
    code, err = _build(run_cli, site)
    assert code == 1
    assert [line.split(":")[:2] for line in _lines(err)] == [
        ["content/police/releases/a\\u000ab.md", "3"], ["content/police/releases/c\\u202eb.md", "3"]]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_broken_link_is_reported_at_its_own_line_not_where_a_longer_target_starts_with_it(tmp_path, run_cli,
                                                                                             engine):
    site = write_site(tmp_path / "site", {
        **BASIC, "content/police/releases/b.md": "---\ntitle: 链接\ndate: 2024-10-01\n---\n\n[好](a.md) [外](ab.example.md)\n\n"
                                                 "[坏](a)\n"}, site_for(engine))
    code, err = _build(run_cli, site)
    assert code == 1
    assert [line.split(" / ")[0] for line in _lines(err)] == [
        "content/police/releases/b.md:6: 链接 “ab.example.md” 指向的文件不存在（content/police/releases/ab.example.md），请检查路径",
        "content/police/releases/b.md:8: 链接 “a” 指向的文件不存在（content/police/releases/a），请检查路径；是否想写 “a.md”？"
        "（大小写、全角半角和 .md 都须与文件名一致）"]  # `a` is `a.md` but for the '.md': the message says so


def test_a_utf16_file_is_named_as_such_at_line_1(tmp_path, run_cli):
    text = "---\ntitle: 编码\ndate: 2024-10-01\n---\n正文\n"
    site = write_site(tmp_path / "site", {**BASIC, "content/police/releases/u.md": text.encode("utf-16"),
                                          "content/police/releases/v.md": text.encode("utf-16-be")})
    code, err = _build(run_cli, site)
    assert code == 1
    assert _lines(err) == [f"content/police/releases/{name}.md:1: 文件是 UTF-16 编码，请用 UTF-8 编码重新保存 / "
                           "the file is UTF-16; save it again as UTF-8" for name in "uv"]
