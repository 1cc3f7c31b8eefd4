"""`new`, `check`, the default command and the thin build.py entry."""

from __future__ import annotations

import subprocess
import sys

from helpers import BASIC, REPO, SAMPLE_NOW, SITE, sample_hall, write_site


def test_new_release_and_qa_build_as_is(tmp_path, run_cli):
    site = write_site(tmp_path, BASIC)
    code, out, _err = run_cli("new", "release", "police", "公交线路调整", "--site", str(site), "--now", "2024-10-01 09:30")
    assert code == 0
    path = site / "content/police/releases/2024-10-01-gong-jiao-xian-lu-tiao-zheng.md"
    assert path.is_file() and str(path) in out
    assert 'title: "公交线路调整"' in path.read_text(encoding="utf-8")
    code, _out, _err = run_cli("new", "qa", "police", "能否办证？", "--site", str(site), "--now", "2024-10-01 09:30")
    assert code == 0
    qa = site / "content/police/qa/2024-10-01-neng-fou-ban-zheng.md"
    assert qa.is_file()
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", "2024-10-02")
    assert code == 0, err
    assert (site / "out/police/releases/2024-10-01-gong-jiao-xian-lu-tiao-zheng/index.html").is_file()
    assert (site / "out/police/qa/2024-10-01-neng-fou-ban-zheng/index.html").is_file()
    again = run_cli("new", "release", "police", "公交线路调整", "--site", str(site), "--now", "2024-10-01 09:30")
    assert again[0] == 1 and "exists" in again[2]


def test_new_for_unknown_department_is_a_usage_error(tmp_path, run_cli):
    site = write_site(tmp_path, BASIC)
    code, _out, err = run_cli("new", "release", "nobody", "标题", "--site", str(site))
    assert code == 2 and "no department 'nobody'" in err


def test_check_writes_nothing(tmp_path, run_cli):
    site = write_site(tmp_path, BASIC)
    code, out, _err = run_cli("check", "--site", str(site), "--now", "2024-10-20")
    assert code == 0 and "check passed" in out
    assert sorted(p.name for p in site.iterdir()) == ["content", "site.yaml"]


def test_build_is_the_default_command_and_uses_output_setting(tmp_path, run_cli):
    site = write_site(tmp_path, BASIC)
    code, _out, err = run_cli("--site", str(site), "--now", "2024-10-20")
    assert code == 0, err
    assert (site / "public/index.html").is_file()


def test_build_py_entry_point_builds_the_sample_hall(tmp_path):
    out = tmp_path / "public"
    hall = sample_hall(tmp_path / "hall")  # build.py finds the hall's site.yaml from the folder it runs in
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--out", str(out), "--now", SAMPLE_NOW],
                            cwd=hall, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert (out / "index.html").is_file() and (out / "jiaotong/feed.xml").is_file()
    assert "warning" not in result.stderr


def test_codeowners_from_maintainers(tmp_path, run_cli):
    files = {**BASIC, "content/police/department.yaml": {"name": "公安", "maintainers": ["@alice", "@org/police"]},
             "content/traffic/department.yaml": {"name": "交警", "parent": "police", "maintainers": ["@b-x"],
                                                 "partners": ["police"]},
             "content/fire/department.yaml": {"name": "消防"}}
    site = write_site(tmp_path, files, {**SITE, "maintainers": ["@org/hall-ops", "@op"]})
    code, out, err = run_cli("codeowners", "--site", str(site))
    assert code == 0 and err == ""
    # the operator's catch-all first (site.yaml, layouts/, .github/, .cache/, content/pages/, content/fire/), then
    # each department with maintainers (a later line wins on a code host)
    assert out.splitlines()[1:] == ["* @org/hall-ops @op", "/content/police/ @alice @org/police",
                                    "/content/traffic/ @b-x"]
    assert run_cli("codeowners", "--site", str(site), "--write")[0] == 0
    assert (site / ".github/CODEOWNERS").read_text(encoding="utf-8") == out


def test_codeowners_without_an_operator_says_so(tmp_path, run_cli):
    site = write_site(tmp_path, BASIC)
    code, out, err = run_cli("codeowners", "--site", str(site))
    assert code == 0
    assert out.splitlines()[1].startswith("# site.yaml names no maintainers")
    assert err == ("site.yaml:1: 警告 warning: site.yaml 没有 maintainers：CODEOWNERS 缺少运维者的兜底行，请写上运维者的账号 / "
                   "site.yaml has no 'maintainers': CODEOWNERS has no catch-all line for the operator; add the "
                   "operator's handles\n")


def test_new_with_a_broken_site_yaml_still_writes_the_file(tmp_path, run_cli):
    site = write_site(tmp_path, BASIC, {"title": "t", "base_url": "https://x.cn/", "timezone": "Mars/Base"})
    code, _out, err = run_cli("new", "release", "police", "标题", "--site", str(site), "--now", "2024-10-01 09:30")
    assert code == 0 and "Traceback" not in err
    assert "date: 2024-10-01 09:30" in (site / "content/police/releases/2024-10-01-biao-ti.md").read_text(encoding="utf-8")
