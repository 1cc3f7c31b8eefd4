"""Errors that mislead (issue 22): each says what is wrong where it is wrong, once, and what to do."""

from __future__ import annotations

import os

import pytest
from conftest import BASIC, write_site

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
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"), "--now", "2024-10-20")
    assert code == 0, err
    assert "Traceback" not in err
    assert err.splitlines() == [
        f"{home}/releasehall/key:1: 警告 warning: 无法读取或创建缓存密钥（符号链接循环），本次不使用缓存；"
        "请修复或删除该文件（会自动生成新密钥），或设置 RELEASEHALL_CACHE_KEY / cannot read or create the cache key "
        "(a symbolic link loop), so no cache is used; fix or delete that file (a new key is made) or set "
        "RELEASEHALL_CACHE_KEY"]
    assert (tmp_path / "out/police/releases/a/index.html").is_file()
    assert not (site / ".cache/releasehall/build.json").exists()  # no key: no cache kept
