"""Errors that mislead (issue 22): each says what is wrong where it is wrong, once, and what to do."""

from __future__ import annotations

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
