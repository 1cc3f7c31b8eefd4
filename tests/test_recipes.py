"""The publishing recipes `init` writes: valid YAML with the triggers, the schedule, the cache and
the check step; the plain-server recipe run for real (a bare repository, pushes, a web root)."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from helpers import REPO, snapshot

from releasehall.commands.scaffold import SKELETON

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _cron_times(expr: str) -> set[tuple[int, int]]:
    """(hour, minute) in UTC of a daily-repeating cron expression (minute and hour fields: *, N or a,b)."""
    minute, hour, day, month, weekday = expr.split()
    assert (day, month, weekday) == ("*", "*", "*"), expr

    def field(text: str, top: int) -> list[int]:
        return list(range(top)) if text == "*" else [int(v) for v in text.split(",")]

    return {(h, m) for h in field(hour, 24) for m in field(minute, 60)}


def _in_shanghai(hour: int, minute: int) -> tuple[int, int]:
    moment = datetime(2026, 6, 1, hour, minute, tzinfo=UTC).astimezone(SHANGHAI)
    return moment.hour, moment.minute


def test_github_actions_recipe():
    data = yaml.safe_load((SKELETON / "github/workflows/releasehall.yml").read_text(encoding="utf-8"))
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"] == {"branches": ["main"]} and "pull_request" in triggers
    crons = [entry["cron"] for entry in triggers["schedule"]]
    shanghai = {_in_shanghai(h, m) for cron in crons for h, m in _cron_times(cron)}
    assert (0, 5) in shanghai and {h for h, _m in shanghai} == set(range(24))  # 00:05 and every hour
    steps = data["jobs"]["build"]["steps"]
    names = [step.get("name", step.get("uses", "")) for step in steps]
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    # the build cache and, beside it, the key that signs it (outside the checkout), unless the secret is set
    assert cache["with"]["path"].split() == [".cache/releasehall", "~/.cache/releasehall"]
    assert data["jobs"]["build"]["env"] == {"RELEASEHALL_CACHE_KEY": "${{ secrets.RELEASEHALL_CACHE_KEY }}"}
    runs = [step.get("run", "") for step in steps]
    check, build = runs.index("releasehall check"), runs.index("releasehall build --out _site")
    strict = next(i for i, step in enumerate(steps) if step.get("run") == "releasehall check --strict")
    assert steps[strict]["if"] == "github.event_name == 'pull_request'"
    upload = next(i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert names.index("Restore the build cache") < check < build < upload
    main_only = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert steps[upload]["if"] == main_only and steps[upload]["with"]["path"] == "_site"
    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["if"] == main_only
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_gitlab_ci_recipe():
    text = (SKELETON / "gitlab-ci.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["default"]["cache"]["paths"] == [".cache/releasehall/"]
    assert "CI/CD variable RELEASEHALL_CACHE_KEY" in text  # the key is the operator's secret, never in the project
    check = data["check"]
    assert check["script"][0] == "releasehall check --strict"
    assert check["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    pages = data["pages"]
    assert pages["script"] == ["releasehall check", "releasehall build --out public"]
    assert pages["artifacts"] == {"paths": ["public"]}
    # scheduled pipelines run on the default branch, so this rule publishes them too
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    # GitLab keeps schedules outside the YAML: the recipe says exactly what to set
    assert 'interval pattern "5 * * * *", cron timezone "Asia/Shanghai"' in text


def test_systemd_timer_and_service():
    timer = configparser.ConfigParser()
    timer.read_string((SKELETON / "deploy/releasehall-publish.timer").read_text(encoding="utf-8"))
    assert timer["Timer"]["OnCalendar"] == "*-*-* *:05:00 Asia/Shanghai"
    assert timer["Timer"]["Persistent"] == "true"
    service = configparser.ConfigParser()
    service.read_string((SKELETON / "deploy/releasehall-publish.service").read_text(encoding="utf-8"))
    assert service["Service"]["ExecStart"] == "/usr/local/lib/releasehall/publish.sh"
    assert service["Service"]["EnvironmentFile"] == "/etc/releasehall/publish.env"
    script = (SKELETON / "deploy/publish.sh").read_text(encoding="utf-8")
    assert script.index('check --site "$site"') < script.index('build --site "$site"') < script.index("\nrsync ")
    if shutil.which("systemd-analyze"):
        result = subprocess.run(["systemd-analyze", "calendar", timer["Timer"]["OnCalendar"]],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr


def _git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False, env=env)


def test_plain_server_recipe_publishes_on_push_and_keeps_the_web_root_on_error(tmp_path):
    """The recipe's files copied unchanged: a bare repository with the post-receive hook, pushes from a clone."""
    hall, bare, www, work = tmp_path / "hall", tmp_path / "hall.git", tmp_path / "www", tmp_path / "work"
    now = datetime.now(SHANGHAI) - timedelta(minutes=5)
    code = subprocess.run([sys.executable, "-m", "releasehall", "init", str(hall), "--now", f"{now:%Y-%m-%d %H:%M}"],
                          cwd=REPO, capture_output=True, text=True, check=False).returncode
    assert code == 0
    assert _git("init", "--quiet", "--bare", "--initial-branch=main", str(bare), cwd=tmp_path).returncode == 0
    shutil.copy2(hall / "deploy/post-receive", bare / "hooks/post-receive")
    env = {**os.environ, "RELEASEHALL_WEB_ROOT": str(www), "RELEASEHALL_WORK": str(work),
           "RELEASEHALL_PUBLISH": str(hall / "deploy/publish.sh"), "RELEASEHALL": f"{sys.executable} -m releasehall",
           "PYTHONPATH": str(REPO), "GIT_AUTHOR_NAME": "编辑", "GIT_AUTHOR_EMAIL": "e@example.gov.cn",
           "GIT_COMMITTER_NAME": "编辑", "GIT_COMMITTER_EMAIL": "e@example.gov.cn"}
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("XDG_CACHE_HOME", None)  # the recipe's own default: the key under RELEASEHALL_WORK (never the real home)
    env.pop("RELEASEHALL_CACHE_KEY", None)
    for args in (("init", "--quiet", "--initial-branch=main"), ("add", "-A"), ("commit", "--quiet", "-m", "发布厅上线"),
                 ("remote", "add", "origin", str(bare))):
        assert _git(*args, cwd=hall, env=env).returncode == 0
    pushed = _git("push", "origin", "main", cwd=hall, env=env)
    assert pushed.returncode == 0, pushed.stderr
    assert "remote: 检查通过 / check passed" in pushed.stderr and f"remote: releasehall: published to {www}" in pushed.stderr
    release = f"bangongshi/releases/{now:%Y-%m-%d}-fa-bu-ting-shang-xian/index.html"
    assert "政务发布厅上线" in (www / release).read_text(encoding="utf-8")
    assert (work / "site/.cache/releasehall").is_dir()  # the cache stays between runs
    assert (work / "key/releasehall/key").is_file()  # and the key that signs it, outside the checkout
    before = snapshot(www)

    bad = hall / "content/bangongshi/releases/bad.md"
    bad.write_text("---\ntitle: 写错日期的发布\ndate: 明天上午\n---\n正文\n", encoding="utf-8")
    _git("add", "-A", cwd=hall, env=env)
    _git("commit", "--quiet", "-m", "错误的日期", cwd=hall, env=env)
    pushed = _git("push", "origin", "main", cwd=hall, env=env)
    assert pushed.returncode == 0  # a post-receive hook cannot refuse a push; it refuses to publish it
    assert "remote: content/bangongshi/releases/bad.md:3: 字段 “date”：日期格式不对" in pushed.stderr
    assert f"remote: releasehall: check failed; nothing published, {www} unchanged" in pushed.stderr
    assert snapshot(www) == before

    bad.write_text(f"---\ntitle: 改好日期的发布\ndate: {now:%Y-%m-%d %H:%M}\n---\n正文\n", encoding="utf-8")
    _git("commit", "--quiet", "-am", "改正日期", cwd=hall, env=env)
    pushed = _git("push", "origin", "main", cwd=hall, env=env)
    assert pushed.returncode == 0 and "published to" in pushed.stderr, pushed.stderr
    assert "改好日期的发布" in (www / "bangongshi/releases/bad/index.html").read_text(encoding="utf-8")
    assert {k for k in snapshot(www) if not k.startswith('pagefind/')} >= {k for k in before if not k.startswith('pagefind/')}


def test_plain_server_hook_says_why_a_push_was_not_published(tmp_path):
    """A push of another branch (git's default is often `master`), or with publish.sh not installed, says so."""
    hall, bare, www, work = tmp_path / "hall", tmp_path / "hall.git", tmp_path / "www", tmp_path / "work"
    hall.mkdir()
    (hall / "site.yaml").write_text("title: 甲\nbase_url: https://x.example/\n", encoding="utf-8")
    assert _git("init", "--quiet", "--bare", str(bare), cwd=tmp_path).returncode == 0
    shutil.copy2(SKELETON / "deploy/post-receive", bare / "hooks/post-receive")
    (bare / "hooks/post-receive").chmod(0o755)
    env = {**os.environ, "RELEASEHALL_WEB_ROOT": str(www), "RELEASEHALL_WORK": str(work),
           "RELEASEHALL_PUBLISH": str(SKELETON / "deploy/publish.sh"), "GIT_AUTHOR_NAME": "编辑",
           "GIT_AUTHOR_EMAIL": "e@example.gov.cn", "GIT_COMMITTER_NAME": "编辑", "GIT_COMMITTER_EMAIL": "e@example.gov.cn"}
    for args in (("init", "--quiet", "--initial-branch=master"), ("add", "-A"), ("commit", "--quiet", "-m", "x"),
                 ("remote", "add", "origin", str(bare))):
        assert _git(*args, cwd=hall, env=env).returncode == 0
    pushed = _git("push", "origin", "master", cwd=hall, env=env)
    assert pushed.returncode == 0, pushed.stderr
    assert ("remote: releasehall: 只发布 main 分支，refs/heads/master 未发布 / only branch main is published; "
            "refs/heads/master was not (push to main, or set RELEASEHALL_BRANCH)") in pushed.stderr
    assert not www.exists() and not work.exists()

    env["RELEASEHALL_PUBLISH"] = str(tmp_path / "nowhere/publish.sh")  # the script not installed where the hook looks
    pushed = _git("push", "origin", "master:main", cwd=hall, env=env)
    assert ("remote: releasehall: 找不到可执行的 " + env["RELEASEHALL_PUBLISH"] + "，未发布：请按运维指南把 deploy/publish.sh "
            "装到那里，或设置 RELEASEHALL_PUBLISH / ") in pushed.stderr
    assert not www.exists()

    env["RELEASEHALL_PUBLISH"], env["RELEASEHALL"] = str(SKELETON / "deploy/publish.sh"), "no-such-releasehall --x"
    _git("commit", "--quiet", "--allow-empty", "-m", "y", cwd=hall, env=env)
    pushed = _git("push", "origin", "master:main", cwd=hall, env=env)
    assert ("remote: releasehall: 找不到命令 no-such-releasehall，未发布：请安装 releasehall，或在 publish.env 里把 "
            "RELEASEHALL 设为它的完整路径 / ") in pushed.stderr
    assert not www.exists()
