"""Reaching citizens (SPEC "Reaching citizens", issue 18): site.yaml's `ask` (where citizens can ask) on /qa/, the
guide and every question page; `supervise` (督办) on overdue questions' pages, which lead with their status; both
validated at their lines."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import BASIC, SITE, front, write_site

NOW = "2024-10-20 12:00"

SITE_TEXT = """title: 测试发布厅
base_url: https://hall.example.gov.cn/
ask:
  - name: 12345 政务服务便民热线
    phone: "12345"
    note: 7×24 小时人工接听
  - name: 市长信箱
    url: https://www.example.gov.cn/szxx/
supervise:
  name: 市政府督查室
  phone: 0755-8800 0012 转 8
  url: https://www.example.gov.cn/dcs/
  note: 超期未复可申请督办
"""

FILES = {
    **BASIC,
    "content/police/qa/late.md": front({"title": "路灯坏了", "asked": "2024-10-08 09:00", "question": "路灯坏了一周。"}),
    "content/police/qa/new.md": front({"title": "何时通车", "asked": "2024-10-19 09:00", "question": "新桥何时通车？"}),
    "content/pages/guide.md": front({"title": "留言指南"}, "\n先选部门。\n"),
    "content/pages/about.md": front({"title": "关于"}, "\n本站简介。\n"),
    "content/pages/contact.md": front({"title": "联系", "ask": True}, "\n联系我们。\n"),
    "content/pages/faq.md": front({"title": "常见问题", "ask": False}, "\n问答。\n"),
}

ASK = (
    '<section class="ask-where" id="ask-where" aria-labelledby="ask-where-title" data-pagefind-ignore>'
    '<h2 id="ask-where-title">我要留言</h2>\n'
    "<p>您可以通过以下渠道咨询、投诉或提出建议，部门的答复在本站公开：</p>\n"
    '<ul class="channels"><li class="channel"><strong class="channel-name">12345 政务服务便民热线</strong>'
    '<span class="channel-phone">电话 <a href="tel:12345">12345</a></span>'
    '<span class="channel-note">7×24 小时人工接听</span></li>'
    '<li class="channel"><a class="channel-name" href="https://www.example.gov.cn/szxx/">市长信箱</a></li></ul></section>'
)

OVERDUE = (
    '<div class="status-banner status-banner-overdue" role="region" aria-labelledby="status-title" data-pagefind-ignore>\n'
    '<p class="status-banner-title" id="status-title">办理状态</p>\n'
    '<div class="status-banner-body">\n'
    '<p class="status-banner-heading">已超期 6 个工作日，尚未答复</p>\n'
    '<dl class="status-facts"><div><dt>答复期限</dt><dd><time datetime="2024-10-11">2024-10-11</time></dd></div>\n'
    '<div><dt>承办部门</dt><dd><a href="/police/">测试市公安局</a></dd></div></dl>\n'
    '<p class="status-next">您可以：</p>\n'
    '<ul class="channels"><li class="channel channel-supervise"><span class="channel-step">申请督办</span>'
    '<a class="channel-name" href="https://www.example.gov.cn/dcs/">市政府督查室</a>'
    '<span class="channel-phone">电话 <a href="tel:075588000012,8">0755-8800 0012 转 8</a></span>'
    '<span class="channel-note">超期未复可申请督办</span></li>'
    '<li class="channel"><a href="#ask-where">通过其他渠道再次反映</a></li></ul>\n'
    "</div>\n</div>\n"
)

PENDING = (
    '<div class="status-banner status-banner-pending" role="region" aria-labelledby="status-title" data-pagefind-ignore>\n'
    '<p class="status-banner-title" id="status-title">办理状态</p>\n'
    '<div class="status-banner-body">\n'
    '<p class="status-banner-heading">正在办理，尚未答复</p>\n'
    '<dl class="status-facts"><div><dt>答复期限</dt><dd><time datetime="2024-10-23">2024-10-23</time></dd></div>\n'
    '<div><dt>承办部门</dt><dd><a href="/police/">测试市公安局</a></dd></div></dl>\n'
    "</div>\n</div>\n"
)


def build(tmp_path: Path, run_cli, files: dict, site: str | dict) -> Path:
    root = write_site(tmp_path / "site", {**files, "site.yaml": site})
    code, _out, err = run_cli("build", "--site", str(root), "--out", str(tmp_path / "out"), "--now", NOW)
    assert code == 0, err
    return tmp_path / "out"


def page(out: Path, path: str) -> str:
    return (out / path / "index.html").read_text(encoding="utf-8")


def test_ask_and_supervise_are_shown_where_the_spec_says(tmp_path, run_cli):
    out = build(tmp_path, run_cli, FILES, SITE_TEXT)
    late, new, replied = page(out, "police/qa/late"), page(out, "police/qa/new"), page(out, "police/qa/q1")
    # /qa/, the guide (by default) and a page that asks for it; not a page that does not, nor one that declines
    for shown in (page(out, "qa"), page(out, "guide"), page(out, "contact"), late, new, replied):
        assert shown.count(ASK) == 1
    for without in (page(out, "about"), page(out, "faq"), page(out, ""), page(out, "releases")):
        assert "ask-where" not in without
    # an overdue question leads with its status and the next steps: right after its heading's meta line
    _head, _sep, rest = late.partition("<h1>路灯坏了</h1>\n")
    assert rest.split("\n", 1)[1].startswith(OVERDUE), rest[:2000]
    assert late.index(OVERDUE) < late.index('id="question"') < late.index(ASK)
    # a question within its deadline says so; a replied one has no banner and no 督办
    assert PENDING in new and "督查室" not in new
    assert "status-banner" not in replied and "督查室" not in replied


def test_without_settings_no_empty_sections(tmp_path, run_cli):
    out = build(tmp_path, run_cli, FILES, SITE)
    late = page(out, "police/qa/late")
    assert "ask-where" not in page(out, "qa") and "ask-where" not in page(out, "guide") and "ask-where" not in late
    # the status is still first, without a next step that leads nowhere
    assert '<p class="status-banner-heading">已超期 6 个工作日，尚未答复</p>' in late
    assert "status-next" not in late and "#ask-where" not in late


def test_supervise_without_ask_offers_only_supervision(tmp_path, run_cli):
    site = SITE_TEXT.split("ask:\n")[0] + "supervise:" + SITE_TEXT.split("supervise:")[1]
    out = build(tmp_path, run_cli, FILES, site)
    late = page(out, "police/qa/late")
    assert '<span class="channel-step">申请督办</span>' in late and "#ask-where" not in late
    assert "ask-where" not in page(out, "qa")


def test_ask_and_supervise_are_checked_at_their_lines(tmp_path, run_cli):
    site = """title: 测试发布厅
base_url: https://hall.example.gov.cn/
ask:
  - name: 12345 热线
    phone: "12345"
  - name: 无处可找
    note: 没有网址也没有电话
  - name: 留言板
    url: javascript:alert(1)
  - name: 热线二
    phone: 请拨打一二三
  - phone: "12345"
supervise:
  name: 督查室
  note: 无联系方式
"""
    root = write_site(tmp_path, {**BASIC, "site.yaml": site})
    code, _out, err = run_cli("build", "--site", str(root), "--out", str(tmp_path / "out"), "--now", NOW)
    assert code == 1 and "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("site.yaml:")]
    assert lines == [
        "site.yaml:9: 字段 “url”：“javascript:alert(1)” 不是绝对网址，应写成 https://域名/路径 / "
        "'url': 'javascript:alert(1)' is not an absolute URL; write https://host/path",
        "site.yaml:11: 字段 “phone”：“请拨打一二三” 不是电话号码：只写数字、空格、连字符和括号，如 12345 或 0755-8800 0012 / "
        "'phone': '请拨打一二三' is not a phone number: digits, spaces, hyphens and brackets only, e.g. 12345 or 0755-8800 0012",
        "site.yaml:12: 缺少必填字段 “name” / missing required key 'name'",
    ], err
    # the other entries are valid as written: once those are fixed, the ones citizens could not reach are named
    fixed = site.replace("javascript:alert(1)", "https://liuyan.example.gov.cn/").replace("请拨打一二三", "12345") \
        .replace('  - phone: "12345"\n', '  - name: 热线三\n    phone: "12345"\n')
    root = write_site(tmp_path, {**BASIC, "site.yaml": fixed})
    code, _out, err = run_cli("build", "--site", str(root), "--out", str(tmp_path / "out"), "--now", NOW)
    assert code == 1 and "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("site.yaml:")]
    assert lines == [
        "site.yaml:6: “ask[1]”（无处可找）需要 url 或 phone，市民才能找到它 / "
        "'ask[1]' (无处可找) needs a url or a phone, so that citizens can reach it",
        "site.yaml:14: “supervise”（督查室）需要 url 或 phone，市民才能找到它 / "
        "'supervise' (督查室) needs a url or a phone, so that citizens can reach it",
    ], err


def test_phone_numbers_become_tel_links():
    from releasehall.settings.site import tel

    assert [tel(p) for p in ("12345", "0755-8800 0012", "(0755) 88000012 转 8", "+86 755 8800 0012", "010-1234 5678 ext. 12")] \
        == ["tel:12345", "tel:075588000012", "tel:075588000012,8", "tel:+8675588000012", "tel:01012345678,12"]
    assert re.fullmatch(r"tel:[0-9+,]+", tel("12345"))
