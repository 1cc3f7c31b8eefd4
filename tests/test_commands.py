"""The command line as a newcomer meets it: --version, unknown commands, --help, finding the hall
upward, what `check` did not publish, `new` with an unknown department, and `init`."""

from __future__ import annotations

import argparse
import subprocess
import sys

from helpers import BASIC, REPO, front, write_site

from releasehall import __version__
from releasehall.commands.cli import COMMANDS, _parser


def test_version(run_cli, capsys):
    result = subprocess.run([sys.executable, "-m", "releasehall", "--version"], cwd=REPO,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout == f"releasehall {__version__}\n"


def test_unknown_command_names_it_and_lists_the_commands():
    result = subprocess.run([sys.executable, "build.py", "bulid"], cwd=REPO, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("未知命令 “bulid”，是否想写 “build”？ / unknown command 'bulid'; did you mean 'build'?\n")
    for name, text in COMMANDS.items():
        assert f"  {name:<11} {text}\n" in result.stderr
    assert not (REPO / "bulid").exists()


def test_options_without_a_command_still_build(tmp_path, run_cli):
    site = write_site(tmp_path, BASIC)
    assert run_cli("--site", str(site), "--now", "2024-10-20")[0] == 0
    assert (site / "public/index.html").is_file()


def _all_actions(parser: argparse.ArgumentParser, name: str = "releasehall"):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield name, choice
            for sub_name, sub in action.choices.items():
                yield from _all_actions(sub, f"{name} {sub_name}")
        else:
            yield name, action


def test_every_command_and_argument_has_a_one_line_help():
    seen = set()
    for where, action in _all_actions(_parser()):
        label = action.dest if not action.option_strings else action.option_strings[-1]
        assert action.help and "\n" not in action.help and len(action.help) > 10, f"{where} {label}"
        seen.add(where)
    assert seen >= {f"releasehall {name}" for name in COMMANDS}
    new_help = {a.dest: a.help for a in _parser()._subparsers._group_actions[0].choices["new"]._actions}
    assert new_help["dept"].startswith("部门标识，即 content/ 下的文件夹名")


def test_new_with_an_unknown_department_lists_the_department_ids(tmp_path, run_cli):
    site = write_site(tmp_path, BASIC)
    code, _out, err = run_cli("new", "release", "polce", "标题", "--site", str(site))
    assert code == 2
    assert "no department 'polce'; did you mean 'police'? (DEPT is a department id" in err
    assert err.rstrip().endswith("Departments: police, traffic")
    assert "现有部门：police、traffic" in err


def test_commands_find_site_yaml_upward(tmp_path, run_cli, monkeypatch):
    site = write_site(tmp_path / "hall", BASIC)
    monkeypatch.chdir(site / "content/traffic/releases")
    code, out, err = run_cli("check", "--now", "2024-10-20")
    assert (code, out.splitlines()[-1]) == (0, "检查通过 / check passed"), err
    code, out, _err = run_cli("new", "release", "police", "新的发布", "--now", "2024-10-20 09:00")
    assert code == 0 and (site / "content/police/releases/2024-10-20-xin-de-fa-bu.md").is_file()
    assert run_cli("build", "--now", "2024-10-20")[0] == 0
    assert (site / "public/index.html").is_file() and not (site / "content/traffic/releases/public").exists()


def test_no_site_yaml_anywhere_is_still_reported(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _out, err = run_cli("check")
    assert code == 1 and f"site.yaml:1: 找不到 {tmp_path.resolve()}/site.yaml" in err
    # and what to do: where to run, --site, or init
    assert "或用 --site 指定它；新建发布厅用 releasehall init DIR / " in err
    assert "or name it with --site DIR; `releasehall init DIR` creates a new hall" in err


def test_check_says_what_it_did_not_publish(tmp_path, run_cli):
    files = {**BASIC}
    for i, day in enumerate(("2024-11-24 03:47", "2024-12-01 08:00", "2024-11-30 10:00", "2025-01-02 09:00")):
        files[f"content/police/releases/later{i}.md"] = front({"title": f"定时{i}", "date": day})
    files["content/police/releases/d1.md"] = front({"title": "草稿一", "date": "2024-10-01", "draft": True})
    files["content/traffic/releases/d2.md"] = front({"title": "草稿二", "date": "2024-10-01", "draft": True})
    files["content/police/qa/later.md"] = front({"title": "明天的留言", "asked": "2024-10-21 09:00", "question": "问"})
    site = write_site(tmp_path, files)
    code, out, _err = run_cli("check", "--site", str(site), "--now", "2024-10-20")
    assert code == 0
    assert out.splitlines() == [
        "未发布 / not published: 4 条发布定时发布，尚未到时间（下一条：2024-11-24 03:47 2024-11-30 10:00 2024-12-01 08:00 …）/ "
        "4 releases scheduled for later (next: 2024-11-24 03:47 2024-11-30 10:00 2024-12-01 08:00 …)",
        "未发布 / not published: 1 条留言定时发布，尚未到时间（下一条：2024-10-21 09:00）/ "
        "1 question scheduled for later (next: 2024-10-21 09:00)",
        "未发布 / not published: 2 篇草稿未发布（draft: true；用 --drafts 预览）/ "
        "2 drafts not published (draft: true; preview with --drafts)",
        "检查通过 / check passed",
    ]
    code, out, _err = run_cli("check", "--site", str(site), "--now", "2024-10-20", "--drafts")
    assert code == 0 and "drafts not published" not in out


def test_check_failure_does_not_talk_about_an_output_folder(tmp_path, run_cli):
    site = write_site(tmp_path, {**BASIC, "content/police/releases/bad.md": front({"title": "坏", "date": "昨天"})})
    code, _out, err = run_cli("check", "--site", str(site), "--now", "2024-10-20")
    assert code == 1
    assert err.splitlines()[-1] == "检查未通过：1 个错误 / check failed: 1 error(s)"
    code, _out, err = run_cli("check", "--strict", "--site", str(site), "--now", "2024-10-20")
    assert code == 1 and err.splitlines()[-1].startswith("检查未通过：")
    assert "output folder" not in err and "输出目录" not in err
    code, _out, err = run_cli("build", "--site", str(site), "--now", "2024-10-20")
    assert code == 1 and "the output folder was not touched" in err


def test_init_writes_a_hall_that_builds_and_passes_check_strict(tmp_path, run_cli):
    target = tmp_path / "newhall"
    code, out, _err = run_cli("init", str(target), "--title", "某某区政务发布厅", "--now", "2026-03-02 10:00")
    assert code == 0 and str(target) in out
    assert "发布 / publish:  先把 requirements.txt 指向 Release Hall、把 site.yaml 的 base_url 改成网站地址" in out
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == [
        ".github/workflows/releasehall.yml", ".gitignore", ".gitlab-ci.yml", "README.md",
        "content/bangongshi/department.yaml",
        "content/bangongshi/qa/2026-03-02-ru-he-liu-yan.md",
        "content/bangongshi/releases/2026-03-02-fa-bu-ting-shang-xian.md",
        "deploy/post-receive", "deploy/publish.env", "deploy/publish.sh",
        "deploy/releasehall-publish.service", "deploy/releasehall-publish.timer",
        "layouts/README.md", "requirements.txt", "site.yaml",
    ]
    assert (target / ".gitignore").read_text(encoding="utf-8").splitlines()[1:] == ["public/", ".cache/"]
    assert (target / "deploy/publish.sh").stat().st_mode & 0o111
    assert 'title: "某某区政务发布厅"' in (target / "site.yaml").read_text(encoding="utf-8")
    code, out, err = run_cli("check", "--strict", "--site", str(target), "--now", "2026-03-02 12:00")
    assert (code, err) == (0, ""), err
    code, _out, err = run_cli("build", "--site", str(target), "--now", "2026-03-02 12:00")
    assert (code, err) == (0, "")
    page = (target / "public/bangongshi/qa/2026-03-02-ru-he-liu-yan/index.html").read_text(encoding="utf-8")
    assert "怎样给发布厅留言？" in page and "/bangongshi/releases/2026-03-02-fa-bu-ting-shang-xian/" in page


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, run_cli):
    (tmp_path / "x.txt").write_text("keep", encoding="utf-8")
    code, _out, err = run_cli("init", str(tmp_path))
    assert code == 2 and "nothing written" in err
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_serve_on_a_port_in_use_says_what_to_do(tmp_path, run_cli):
    import socket

    site = write_site(tmp_path, BASIC)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _out, err = run_cli("serve", "--site", str(site), "--port", str(port))
    assert code == 2
    assert err.startswith(f"releasehall serve: 无法在 127.0.0.1:{port} 上启动预览（Address already in use）：端口可能已被占用，"
                          "请换一个 --port，或用 --port 0 自动选择 / ")
    assert "Traceback" not in err and not (site / "public").exists()


def test_new_over_an_existing_file_says_what_to_do(tmp_path, run_cli):
    site = write_site(tmp_path, BASIC)
    args = ("new", "release", "police", "同一个标题", "--site", str(site), "--now", "2024-10-20 09:00")
    assert run_cli(*args)[0] == 0
    path = site / "content/police/releases/2024-10-20-tong-yi-ge-biao-ti.md"
    before = path.read_bytes()
    code, _out, err = run_cli(*args)
    assert code == 1 and path.read_bytes() == before
    assert err == (f"{path} 已存在，未覆盖：直接编辑它，或换一个标题（或用 --now 换一个日期）再新建 / {path} exists; not "
                   "overwritten: edit it, or choose another title (or date, --now)\n")


def test_check_and_stats_render_no_page_and_write_nothing(tmp_path, run_cli, monkeypatch):
    from jinja2 import Template

    from releasehall.outputs import feeds, opendata, pages

    site = write_site(tmp_path, BASIC)
    rendered: list[str] = []

    def counted(name):
        def refuse(*args, **kwargs):
            rendered.append(name)
            raise AssertionError(f"{name} ran")
        return refuse

    monkeypatch.setattr(Template, "render", counted("Template.render"))
    for module, name in ((pages, "render_pages"), (opendata, "render_stats"), (feeds, "render_feeds")):
        monkeypatch.setattr(module, name, counted(name))
    code, out, err = run_cli("check", "--site", str(site), "--now", "2024-10-20")
    assert (code, out.splitlines()[-1]) == (0, "检查通过 / check passed"), err
    code, out, err = run_cli("stats", "--site", str(site), "--now", "2024-10-20")
    assert code == 0 and "测试市公安局" in out, err
    assert rendered == []
    assert sorted(p.name for p in site.iterdir()) == ["content", "site.yaml"]


def test_check_reports_a_template_that_does_not_parse(tmp_path, run_cli):
    site = write_site(tmp_path, {**BASIC, "layouts/release.html": "{% extends 'base.html' %}\n{% block main %}{{ x\n"})
    code, _out, err = run_cli("check", "--site", str(site), "--now", "2024-10-20")
    assert code == 1 and "layouts/release.html:" in err and "模板错误" in err
