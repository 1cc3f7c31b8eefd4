"""Errors that mislead (issue 22): each says what is wrong where it is wrong, once, and what to do."""

from __future__ import annotations

import os

import pytest
from helpers import BASIC, NOW, dept, front, image, write_site

from releasehall.content.slugs import shortened


@pytest.mark.parametrize(("title", "name"), [
    # 60 characters would end inside 管理 (`…-guan-l`): the name stops after the last whole syllable
    ("关于网络预约出租汽车经营服务管理办法征求意见的通知", "guan-yu-wang-luo-yu-yue-chu-zu-qi-che-jing-ying-fu-wu-guan"),
    # 60 characters end exactly after 法: nothing whole is dropped
    ("网络预约出租汽车经营服务管理办法征求意见的通知公告", "wang-luo-yu-yue-chu-zu-qi-che-jing-ying-fu-wu-guan-li-ban-fa"),
])
def test_new_cuts_a_long_title_at_a_syllable(tmp_path, run_cli, title, name):
    site = write_site(tmp_path, BASIC)
    code, out, err = run_cli("new", "release", "police", title, "--site", str(site), "--now", "2024-10-01 09:30")
    assert code == 0, err
    path = site / f"content/police/releases/2024-10-01-{name}.md"
    assert str(path) in out and path.is_file()


def test_shortened_keeps_whole_words():
    assert shortened("ab-cd-ef", 5) == "ab-cd"
    assert shortened("ab-cd-ef", 4) == "ab"
    assert shortened("abcdefgh-ij", 4) == "abcd"  # one word longer than the limit: cut where the limit falls
    assert shortened("ab-cd", 9) == "ab-cd"


@pytest.mark.parametrize("loop", ["key", "folder"])
def test_a_key_file_in_a_symlink_loop_is_a_notice_and_a_build_without_cache(tmp_path, run_cli, monkeypatch, loop):
    """The key is the operator's (outside the site): one that cannot be read is a one-line notice at its path and
    the build goes on without the cache, as for any unreadable key file; never a traceback."""
    monkeypatch.delenv("RELEASEHALL_CACHE_KEY")
    home = tmp_path / "home-cache"
    (home / "releasehall").mkdir(parents=True)
    if loop == "key":  # ~/.cache/releasehall/key -> other -> key
        os.symlink("other", home / "releasehall/key")
        os.symlink("key", home / "releasehall/other")
    else:  # $XDG_CACHE_HOME itself a link that leads to itself
        home = tmp_path / "looped"
        os.symlink("looped", home)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    site = write_site(tmp_path / "site", BASIC)
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"), "--now", NOW)
    assert code == 0, err
    assert "Traceback" not in err
    assert err.splitlines() == [
        f"{home}/releasehall/key:1: 警告 warning: 无法读取或创建缓存密钥（符号链接循环），本次不使用缓存；"
        "请修复或删除该文件（会自动生成新密钥），或设置 RELEASEHALL_CACHE_KEY / cannot read or create the cache key "
        "(a symbolic link loop), so no cache is used; fix or delete that file (a new key is made) or set "
        "RELEASEHALL_CACHE_KEY"]
    assert (tmp_path / "out/police/releases/a/index.html").is_file()
    assert not (site / ".cache/releasehall/build.msgpack").exists()  # no key: no cache kept


def test_a_source_with_errors_is_reported_once_and_what_links_to_it_says_so(tmp_path, run_cli):
    """One bad date is one error at its line; the files that link to that release (in other departments too) and the
    ones that link into a department whose department.yaml has errors get a warning naming the file where the error
    is listed, never "names no file". Errors come first (by path), the warnings after them."""
    files = {
        "content/police/department.yaml": dept("测试市公安局"),
        "content/traffic/department.yaml": dept("测试区交警大队"),
        "content/city/department.yaml": {"nmae": "城管局"},
        "content/city/releases/c.md": front({"title": "城管通告", "date": "2024-09-01"}),
        "content/city/releases/map.png": image(4, 4),
        "content/police/releases/a.md": "---\ntitle: 国庆交通管制\ndate: 2024-13-01\n---\n正文\n",
        "content/police/releases/p.md": front(
            {"title": "解读", "date": "2024-09-02", "kind": "policy", "interprets": ["police/releases/a"]}),
        "content/police/qa/q1.md": front(
            {"title": "问", "asked": "2024-09-27 10:00", "question": "问题", "replied": "2024-09-28"},
            "\n见[通告](/police/releases/a.md)。\n"),
        "content/traffic/releases/t.md": front(
            {"title": "配合管制", "date": "2024-09-03", "with": ["city"],
             "related": ["police/releases/a", "city/releases/c"]},
            "\n见[通告](../../police/releases/a.md)、[城管](/city/)、[通告](../../city/releases/c.md)。\n\n"
            "![图](../../city/releases/map.png)\n"),
    }
    code, _out, err = run_cli("build", "--site", str(write_site(tmp_path, files)), "--out", str(tmp_path / "out"),
                              "--now", NOW)
    assert code == 1 and "Traceback" not in err
    lines = err.splitlines()
    assert "names no file" not in err and "names nothing" not in err and "no department" not in err
    assert [line.split(": ")[0] for line in lines] == [
        "content/city/department.yaml:1", "content/city/department.yaml:1",  # the real errors first, by path
        "content/police/releases/a.md:3",
        "content/police/qa/q1.md:8", "content/police/releases/p.md:6",  # then what links to them, by path
        "content/traffic/releases/t.md:5", "content/traffic/releases/t.md:7", "content/traffic/releases/t.md:8",
        "content/traffic/releases/t.md:11", "content/traffic/releases/t.md:11", "content/traffic/releases/t.md:11",
        "content/traffic/releases/t.md:13",
        "构建失败：3 个错误，输出目录未改动 / build failed",
    ]
    assert all("警告 warning" in line for line in lines[3:-1])
    assert ("content/police/qa/q1.md:8: 警告 warning: 链接 “/police/releases/a.md” 指向的 content/police/releases/a.md "
            "本身有错误（已在该文件处列出），暂时去掉；改正该文件后自动恢复 / link '/police/releases/a.md' points at "
            "content/police/releases/a.md, which has errors of its own (listed at that file); left out until that file "
            "is fixed") in lines
    assert ("content/traffic/releases/t.md:11: 警告 warning: 链接 “/city/” 指向的 content/city 未能读入，因为 "
            "content/city/department.yaml 有错误（已在该文件处列出），暂时去掉；改正该文件后自动恢复 / link '/city/' "
            "points at content/city, which was not read because content/city/department.yaml has errors (listed at that "
            "file); left out until that file is fixed") in lines
    assert "p.md:6: 警告 warning: interprets 中的 “police/releases/a” 指向的 content/police/releases/a.md 本身有错误" in err
    assert "'interprets' value 'police/releases/a' points at content/police/releases/a.md, which has errors" in err
    assert "t.md:5: 警告 warning: with 中的 “city” 指向的 content/city 未能读入，因为 content/city/department.yaml 有错误" in err
    assert "t.md:8: 警告 warning: related 中的 “city/releases/c” 指向的 content/city/releases/c.md 未能读入" in err
    assert "image '../../city/releases/map.png' points at content/city/releases/map.png, which was not read" in err


def test_a_link_that_differs_only_by_case_width_or_md_says_which_file_it_means(tmp_path, run_cli):
    body = ("\n[甲](../../police/releases/A.md#jie-guo) [乙](/police/releases/a) [丙](通知(二).md) [丁](ｂ.md)\n\n"
            "[戊](/Traffic/) ![图](IMG/Map.PNG) [己](nothing-like-it.md)\n")
    files = {
        **BASIC,
        "content/traffic/releases/通知（二）.md": front({"title": "通知二", "date": "2024-09-22"}),
        "content/traffic/releases/b.md": front({"title": "乙", "date": "2024-09-22"}),
        "content/traffic/releases/c.md": front({"title": "链接", "date": "2024-09-23"}, body),
    }
    code, _out, err = run_cli("build", "--site", str(write_site(tmp_path, files)), "--out", str(tmp_path / "out"),
                              "--now", NOW)
    assert code == 1 and "Traceback" not in err
    hints = [line.split(": ")[0] + " " + line.split("did you mean ")[1] if "did you mean" in line
             else line.split(" / ")[0] for line in err.splitlines()[:-1]]
    same = "(case, full-width characters and '.md' must match the file's name)"
    assert hints == [
        f"content/traffic/releases/c.md:6 '../../police/releases/a.md#jie-guo'? {same}",
        f"content/traffic/releases/c.md:6 '/police/releases/a.md'? {same}",
        f"content/traffic/releases/c.md:6 '通知（二）.md'? {same}",
        f"content/traffic/releases/c.md:6 'b.md'? {same}",
        f"content/traffic/releases/c.md:8 'img/map.png'? {same}",
        f"content/traffic/releases/c.md:8 '/traffic/'? {same}",
        "content/traffic/releases/c.md:8: 链接 “nothing-like-it.md” 指向的文件不存在（content/traffic/releases/"
        "nothing-like-it.md），请检查路径",  # nothing near: no guess
    ]
    assert ("c.md:6: 链接 “../../police/releases/A.md#jie-guo” 指向的文件不存在（content/police/releases/A.md），"
            "请检查路径；是否想写 “../../police/releases/a.md#jie-guo”？（大小写、全角半角和 .md 都须与文件名一致） / ") in err


def test_a_folder_without_department_yaml_says_which_department_it_may_mean(tmp_path, run_cli):
    release = front({"title": "通告", "date": "2024-09-01"})
    files = {
        "content/jiaotong/department.yaml": dept("示例市交通运输局", short_name="示例交通"),
        "content/gongan/department.yaml": dept("示例市公安局"),
        "content/jiaotongju/releases/a.md": release,  # the id misspelled
        "content/yunshuju/releases/b.md": release,  # a run of the name's syllables
        "content/公安局/releases/c.md": release,  # the name in Chinese
        "content/qixiangju/releases/d.md": release,  # nothing like any department
    }
    code, _out, err = run_cli("build", "--site", str(write_site(tmp_path, files)), "--out", str(tmp_path / "out"),
                              "--now", NOW)
    assert code == 1 and "Traceback" not in err
    assert "department.yaml is missing" not in err
    lines = err.splitlines()
    assert lines[0] == (
        "content/jiaotongju/department.yaml:1: content/jiaotongju/ 不是部门目录（没有 department.yaml）。"
        "是否想写 content/jiaotong/（示例市交通运输局）？请把这里的文件移到 content/jiaotong/ 下的 releases/ 或 qa/，"
        "再删去本目录；若确是新部门，请发布厅管理员为它添加 department.yaml（写明 name） / content/jiaotongju/ is not a "
        "department folder (it has no department.yaml). Did you mean content/jiaotong/ (示例市交通运输局)? Move these files "
        "into its releases/ or qa/ and remove this folder; if it really is a new department, the hall's operator adds "
        "its department.yaml (with its name)")
    assert lines[1] == (
        "content/qixiangju/department.yaml:1: content/qixiangju/ 不是部门目录（没有 department.yaml）。若文件放错了目录，"
        "请移到本部门的目录（现有部门：gongan, jiaotong）；若确是新部门，请发布厅管理员为它添加 department.yaml（写明 name） / "
        "content/qixiangju/ is not a department folder (it has no department.yaml). If the files are in the wrong "
        "folder, move them into your department's (departments: gongan, jiaotong); if it really is a new department, "
        "the hall's operator adds its department.yaml (with its name)")
    assert "content/yunshuju/department.yaml:1: content/yunshuju/ 不是部门目录（没有 department.yaml）。是否想写 " \
           "content/jiaotong/（示例市交通运输局）？" in lines[2]
    assert [line.split(": ")[0] for line in lines[3:]] == (
        ["content/公安局/department.yaml:1"] * 2 + ["构建失败：5 个错误，输出目录未改动 / build failed"])
    assert "Did you mean content/gongan/ (示例市公安局)?" in lines[3] + lines[4]
    assert "department folder '公安局' is not a valid id" in lines[3] + lines[4]


def test_a_question_dated_in_a_year_without_holiday_data_is_one_warning_at_its_line(tmp_path, run_cli):
    """The calendar has official holidays for a span of years; a question dated 1900 used to add one warning per year
    from 1900 on, all blamed on site.yaml:1. Now: one warning at the date that is out of range, per question."""
    files = {
        **BASIC,
        "content/police/qa/old.md": "---\ntitle: 旧\nasked: 1900-01-05\nquestion: 问\n---\n",
        "content/police/qa/far.md": "---\ntitle: 远\nasked: 2024-09-02\nquestion: 问\npaused:\n- {from: 2024-09-03, to: 2999-01-04}\n"
                                   "---\n",
    }
    code, _out, err = run_cli("build", "--site", str(write_site(tmp_path, files)), "--out", str(tmp_path / "out"),
                              "--now", NOW)
    assert code == 0, err
    assert err.splitlines() == [
        "content/police/qa/far.md:6: 警告 warning: paused.to 的日期 2999-01-04 在 2999 年，该年没有法定节假日数据（已收录 "
        "2001–2026 年），期限和工作日只按周末计算；请核对日期是否写错 / 'paused.to' 2999-01-04 is in 2999, a year with no "
        "official holiday schedule (known: 2001-2026), so its deadline and working days count weekends only; check the "
        "date",
        "content/police/qa/old.md:3: 警告 warning: asked 的日期 1900-01-05 在 1900 年，该年没有法定节假日数据（已收录 "
        "2001–2026 年），期限和工作日只按周末计算；请核对日期是否写错 / 'asked' 1900-01-05 is in 1900, a year with no "
        "official holiday schedule (known: 2001-2026), so its deadline and working days count weekends only; check the "
        "date",
    ]


def test_a_department_id_misspelled_in_with_is_matched_by_the_pinyin_of_names(tmp_path, run_cli):
    files = {
        "content/jiaotong/department.yaml": dept("示例市交通运输局"),
        "content/gongan/department.yaml": dept("示例市公安局"),
        "content/gongan/releases/a.md": front({"title": "通告", "date": "2024-09-01", "with": ["yunshuju"]}),
    }
    code, _out, err = run_cli("build", "--site", str(write_site(tmp_path, files)), "--out", str(tmp_path / "out"),
                              "--now", NOW)
    assert code == 1
    assert err.splitlines()[0] == (
        "content/gongan/releases/a.md:5: with：没有名为 “yunshuju” 的部门（content/ 下没有该目录），是否想写 “jiaotong”"
        "（示例市交通运输局）？ / 'with': no department 'yunshuju' (no such folder under content/); did you mean "
        "'jiaotong' (示例市交通运输局)?")
