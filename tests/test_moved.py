"""`check --since REV`: URLs published at a git revision that are gone now without an alias."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import NOW, dept, front, write_site

FILES = {
    "hall/content/gov/department.yaml": dept("测试市政府办"),
    "hall/content/gov/releases/parking.md": front({"title": "停车办法", "date": "2024-09-01"}, "\n正文。\n"),
    "hall/content/gov/releases/other.md": front({"title": "其他", "date": "2024-09-02"}, "\n正文。\n"),
    "hall/content/gov/qa/q.md": front({"title": "问", "asked": "2024-09-01", "question": "何时？"}),
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose site lies in a subfolder, with one commit."""
    write_site(tmp_path, {"hall/site.yaml": {"title": "厅", "base_url": "https://hall.example.gov.cn/"}, **FILES},
               site={"title": "x", "base_url": "https://x.example.org/"})
    (tmp_path / "site.yaml").unlink()
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    return tmp_path


def check(run_cli, repo: Path, *extra: str) -> tuple[int, list[str]]:
    code, _out, err = run_cli("check", "--site", str(repo / "hall"), "--now", NOW, "--since", "HEAD", *extra)
    return code, [line for line in err.splitlines() if "网址" in line or "--since" in line]


GONE = ("the URL /gov/releases/parking/ was published at HEAD and is gone now: add /gov/releases/parking/ to the "
        "aliases of content/gov/releases/parking-2024.md, so that bookmarks keep working")


def test_a_renamed_file_without_alias_is_reported_at_the_new_file(repo, run_cli):
    git(repo, "mv", "hall/content/gov/releases/parking.md", "hall/content/gov/releases/parking-2024.md")
    code, lines = check(run_cli, repo)
    assert code == 0
    assert lines == ["content/gov/releases/parking-2024.md:1: 警告 warning: 网址 /gov/releases/parking/ 在 HEAD 时已发布，"
                     "现在打不开了：请在 content/gov/releases/parking-2024.md 的 aliases 中加入 /gov/releases/parking/，"
                     f"让收藏旧网址的市民仍能找到 / {GONE}"]
    code, lines = check(run_cli, repo, "--strict")
    assert code == 1 and lines[0].startswith("content/gov/releases/parking-2024.md:1: 网址 /gov/releases/parking/ ")


def test_an_alias_answers_it(repo, run_cli):
    git(repo, "mv", "hall/content/gov/releases/parking.md", "hall/content/gov/releases/parking-2024.md")
    moved = repo / "hall/content/gov/releases/parking-2024.md"
    moved.write_text(front({"title": "停车办法", "date": "2024-09-01", "aliases": ["/gov/releases/parking/"]},
                           "\n正文。\n"), encoding="utf-8")
    assert check(run_cli, repo) == (0, [])


def test_a_deleted_file_and_a_renamed_department(repo, run_cli):
    git(repo, "rm", "-q", "hall/content/gov/releases/other.md")
    git(repo, "mv", "hall/content/gov", "hall/content/office")
    (repo / "hall/content/office/department.yaml").write_text("name: 测试市政府办\naliases: [/gov/]\n", encoding="utf-8")
    code, lines = check(run_cli, repo)
    assert code == 0
    assert [line.split(" 在 HEAD")[0] for line in lines] == [
        "content/office/qa/q.md:1: 警告 warning: 网址 /gov/qa/q/",
        "content/gov/releases/other.md:1: 警告 warning: 网址 /gov/releases/other/",
        "content/office/releases/parking.md:1: 警告 warning: 网址 /gov/releases/parking/",
    ]
    assert "content/gov/releases/other.md 已删除；若内容改放到别的文件，请在新文件的 aliases 中加入 /gov/releases/other/" in lines[1]


def test_an_unknown_revision_is_a_usage_error(repo, run_cli):
    code, _out, err = run_cli("check", "--site", str(repo / "hall"), "--now", NOW, "--since", "no-such-rev")
    assert code == 2 and "--since no-such-rev: git rev-parse" in err
