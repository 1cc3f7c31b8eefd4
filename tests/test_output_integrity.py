"""Hostile sites tried as the issue-9 checker would, each over a good output: what they found, held here."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import BASIC, ENGINES, NOW, image, site_for, write_site

from releasehall.store.write import MANIFEST


def _build(run_cli, site: Path, out: Path) -> tuple[int, str]:
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)
    return code, err


def test_a_forged_journal_in_a_staging_folder_moves_nothing_outside_the_output(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    out = tmp_path / "out"
    assert _build(run_cli, site, out)[0] == 0
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "thesis.txt").write_text("years of work", encoding="utf-8")
    (victim / "folder").mkdir()
    (victim / "folder/notes.txt").write_text("notes", encoding="utf-8")
    os.symlink(victim / "folder", out / "linked")  # a folder link planted in the output, named in the journal
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    (out / MANIFEST).write_text(json.dumps({**manifest, "files": [*manifest["files"], "linked"]}), encoding="utf-8")
    for name, put, remove in (("a", [], ["../victim/thesis.txt"]), ("b", ["../victim/thesis.txt"], []),
                              ("c", [], [str(victim / "thesis.txt")]), ("d", [], ["linked/notes.txt"]),
                              ("e", ["linked/notes.txt"], [])):
        stage = tmp_path / f".out.new-{name}"
        (stage / "linked").mkdir(parents=True)
        (stage / "linked/notes.txt").write_text("planted", encoding="utf-8")
        (stage / ".journal").write_text(json.dumps({"put": put, "remove": remove}), encoding="utf-8")
    code, err = _build(run_cli, site, out)
    assert code == 2 and "linked" in err  # a link in the output is never ours
    (out / "linked").unlink()
    code, err = _build(run_cli, site, out)
    assert code == 0, err
    assert (victim / "thesis.txt").read_text(encoding="utf-8") == "years of work"
    assert (victim / "folder/notes.txt").read_text(encoding="utf-8") == "notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site", "victim"]


def _lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("content/")]


def test_yaml_merge_keys_are_refused_at_their_line(tmp_path, run_cli):
    site = write_site(tmp_path / "site", {
        **BASIC,
        "content/police/releases/m.md": "---\ntitle: 合并\ndate: 2024-10-01\n<<: {summary: 摘要}\n---\n正文\n",
        "content/extra/department.yaml": "name: 另一部门\n<<: [{short_name: 交}]\n",
    })
    code, err = _build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert _lines(err) == [
        "content/extra/department.yaml:2: 不允许使用 YAML 合并键 “<<”；请把字段直接写出来 / "
        "YAML merge keys ('<<') are not allowed; write the keys out",
        "content/police/releases/m.md:4: 不允许使用 YAML 合并键 “<<”；请把字段直接写出来 / "
        "YAML merge keys ('<<') are not allowed; write the keys out"]


def test_line_and_paragraph_separators_do_not_move_errors_off_their_line(tmp_path, run_cli):
    site = write_site(tmp_path / "site", {
        **BASIC, "content/police/releases/s.md": "---\ntitle: 分\u2028隔\u2029符\ndate: 不是日期\n---\n正文\n"})
    code, err = _build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert [line.split(" / ")[0] for line in _lines(err)] == [
        "content/police/releases/s.md:3: 字段 “date”：日期格式不对：“不是日期”，应写成 YYYY-MM-DD、YYYY-MM-DD HH:MM 或带时区的 ISO 8601",
        "content/police/releases/s.md:2: 警告 warning: 删除了 2 个不可见的控制字符（第一个是 U+2028），请检查文字是否完整"]


def test_a_file_name_that_would_break_or_disguise_the_error_line_is_escaped(tmp_path, run_cli):
    site = write_site(tmp_path / "site", {
        **BASIC, "content/police/releases/a\nb.md": "---\ntitle: 换行\ndate: 不是日期\n---\n正文\n",
        "content/police/releases/c\u202eb.md": "---\ntitle: 反向\ndate: 也不是\n---\n正文\n"})
    code, err = _build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert [line.split(":")[:2] for line in _lines(err)] == [
        ["content/police/releases/a\\u000ab.md", "3"], ["content/police/releases/c\\u202eb.md", "3"]]


# --- Personal data the normalization did not see ------------------------------------------------------------------

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
    code, err = _build(run_cli, site, tmp_path / "out")
    assert code == 1
    mobile = "contains an unmasked mobile number; mask it, e.g. 138****1234"
    assert [(line.split(": ")[0], line.split(" / ")[1]) for line in _lines(err)] == [
        ("content/police/department.yaml:3", f"'spokesperson.name' {mobile}"),
        ("content/police/department.yaml:6", f"'spokesperson.email' {mobile}"),
        ("content/police/department.yaml:8", f"'accounts.wechat' {mobile}"),
        ("content/police/releases/13612345678.md:1", f"the file name {mobile}"),
        ("content/police/releases/img/13512345678.png:1", f"the file name {mobile}"),
        ("content/police/releases/short.md:6", f"the body {mobile}")]


def test_serve_never_follows_a_link_put_in_place_of_an_attachment_after_the_build(tmp_path):
    """serve keeps the last good site when a rebuild fails; the attachment it serves from disk must still be the
    file that build checked, not a link to a secret that the failing rebuild refuses."""
    from releasehall.serve.server import Site

    site = write_site(tmp_path / "site", BASIC)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0", encoding="utf-8")
    served = Site(site, "", NOW, False)
    served.rebuild()
    assert served.lookup("/traffic/releases/img/map.png")[0] == image(40, 30)
    attachment = site / "content/traffic/releases/img/map.png"
    attachment.unlink()
    attachment.symlink_to(secret)
    served.rebuild()
    assert any("symbolic link" in p.en for p in served.problems if not p.warning)
    assert served.lookup("/traffic/releases/img/map.png")[0] is None
    attachment.unlink()
    (site / "content/traffic/releases/img").rmdir()
    (site / "content/traffic/releases/img").symlink_to(tmp_path)  # a folder on the way replaced by a link
    (tmp_path / "map.png").write_text("root:x:0:0", encoding="utf-8")
    assert served.lookup("/traffic/releases/img/map.png")[0] is None


@pytest.mark.parametrize("engine", ENGINES)
def test_a_broken_link_is_reported_at_its_own_line_not_where_a_longer_target_starts_with_it(tmp_path, run_cli,
                                                                                             engine):
    site = write_site(tmp_path / "site", {
        **BASIC, "content/police/releases/b.md": "---\ntitle: 链接\ndate: 2024-10-01\n---\n\n[好](a.md) [外](ab.example.md)\n\n"
                                                 "[坏](a)\n"}, site_for(engine))
    code, err = _build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert [line.split(" / ")[0] for line in _lines(err)] == [
        "content/police/releases/b.md:6: 链接 “ab.example.md” 指向的文件不存在（content/police/releases/ab.example.md），请检查路径",
        "content/police/releases/b.md:8: 链接 “a” 指向的文件不存在（content/police/releases/a），请检查路径"]


# --- Hostile markup in a real browser: every URL-bearing attribute, styles, SVG/MathML, both engines, the mirror ---

HOSTILE_MARKUP = """
第一段 <img src="https://img.example/x.png" onerror="window.__pwned=1">

[a](javascript:window.__pwned=2) [b](&#x6A;avascript:window.__pwned=3) [c](java&#x09;script:window.__pwned=4)
<javascript:window.__pwned=5> [ref] ![img](javascript:window.__pwned=6 "t\\" onerror=window.__pwned=7")

[ref]: javascript:window.__pwned=8

<a href="&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58window.__pwned=9">A</a>
<a href="javascript&colon;window.__pwned=10">B</a> <a href="&NewLine;javascript:window.__pwned=11">C</a>
<a xlink:href="javascript:window.__pwned=12">D</a> <a href="https://ok.example/" ping="https://evil.example/">E</a>
<img src="https://img.example/a.png" srcset="javascript:window.__pwned=13 1x" alt="x">
<img src="https://img.example/a.png" usemap="#m"><map name="m"><area href="javascript:window.__pwned=14"
shape="rect" coords="0,0,100,100"></map>
<blockquote cite="javascript:window.__pwned=15">q</blockquote>
<video poster="javascript:window.__pwned=16" src="javascript:1"></video>
<form action="javascript:window.__pwned=17"><button formaction="javascript:window.__pwned=18">F</button></form>
<svg><a xlink:href="javascript:window.__pwned=19"><text x=0 y=20>svg</text></a><animate onbegin="window.__pwned=20"/></svg>
<math><mtext><table><mglyph><style><img src=https://img.example/x onerror=window.__pwned=21></style></mglyph></table></mtext></math>
<math href="javascript:window.__pwned=22">m</math>
<table background="javascript:window.__pwned=23"><tr><td>t</td></tr></table>
<div data-href="javascript:window.__pwned=24" style="background:url(javascript:window.__pwned=25)">d</div>
<p style="width:expression(window.__pwned=26)">p</p>
<style>body{background:url("javascript:window.__pwned=27")}</style>
<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=28">
<base href="javascript:window.__pwned=29//">
<iframe srcdoc="<script>parent.__pwned=30</script>"></iframe>
<object data="javascript:window.__pwned=31"></object><embed src="javascript:window.__pwned=32">
<details open ontoggle="window.__pwned=33">d</details>
<noscript><p title="</noscript><img src=https://img.example/x onerror=window.__pwned=34>"></noscript>

[站内](a.md) [外部](https://ok.example/)
"""


def test_hostile_pages_run_no_script_in_chromium_under_both_engines_and_in_the_mirror(tmp_path, run_cli, browser):
    import functools
    import http.server
    import re
    import threading

    from conftest import front

    pages = []
    for engine in ENGINES:
        site = write_site(tmp_path / engine, {
            **BASIC, "content/police/releases/h.md": front({"title": "恶意</script><script>window.__pwned=40</script>",
                                                            "date": "2024-10-01", "summary": "\"><svg onload=window.__pwned=41>"},
                                                           HOSTILE_MARKUP)},
            {**site_for(engine), "variants": ["zh-Hant"]})
        code, err = _build(run_cli, site, tmp_path / engine / "out")
        assert code == 0, err
        pages += [(tmp_path / engine / "out", path) for path in ("/police/releases/h/", "/zh-hant/police/releases/h/")]
    dialogs: list[str] = []
    for out in sorted({out for out, _path in pages}):
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
        try:
            for path in (p for o, p in pages if o == out):
                page.goto(base + path)
                page.wait_for_load_state("load")
                protocols = page.eval_on_selector_all(
                    "[href], [src], [cite], [action], [formaction], [poster], [background], [data], [srcset]",
                    "els => els.flatMap(e => ['href', 'src', 'cite', 'action', 'formaction', 'poster', 'background', "
                    "'data', 'srcset'].filter(a => e.hasAttribute(a)).map(a => new URL(e.getAttribute(a).split(' ')[0], "
                    "location.href).protocol))")
                assert set(protocols) <= {"http:", "https:", "mailto:", "tel:"}, (path, protocols)
                assert page.evaluate("document.querySelectorAll('main script, main style, main iframe, main svg, "
                                     "main math, main form, main object, main embed, main base, main meta, "
                                     "main [style]').length") == 0
                links = page.locator("main a")
                for index in range(links.count()):
                    page.goto(base + path)
                    link = page.locator("main a").nth(index)
                    if (link.get_attribute("href") or "").startswith(("mailto:", "tel:", "http")):
                        continue  # leaves the hall
                    link.click()
                    page.wait_for_load_state("load")
                    assert page.evaluate("typeof window.__pwned") != "number", (path, index)
                assert page.evaluate("typeof window.__pwned") != "number", path
        finally:
            page.close()
            httpd.shutdown()
    assert dialogs == []


def test_a_utf16_file_is_named_as_such_at_line_1(tmp_path, run_cli):
    text = "---\ntitle: 编码\ndate: 2024-10-01\n---\n正文\n"
    site = write_site(tmp_path / "site", {**BASIC, "content/police/releases/u.md": text.encode("utf-16"),
                                          "content/police/releases/v.md": text.encode("utf-16-be")})
    code, err = _build(run_cli, site, tmp_path / "out")
    assert code == 1
    assert _lines(err) == [f"content/police/releases/{name}.md:1: 文件是 UTF-16 编码，请用 UTF-8 编码重新保存 / "
                           "the file is UTF-16; save it again as UTF-8" for name in "uv"]


def test_json_nested_past_the_recursion_limit_in_the_manifest_a_journal_or_an_image_entry_is_not_a_traceback(
        tmp_path, run_cli):
    site = write_site(tmp_path / "site", {**BASIC, "content/police/releases/wide.md":
                                          "---\ntitle: 图\ndate: 2024-10-01\n---\n\n![宽图](wide.png)\n",
                                          "content/police/releases/wide.png": image(2000, 10)})
    out = tmp_path / "out"
    assert _build(run_cli, site, out)[0] == 0
    deep = "[" * 200_000
    manifest = (out / MANIFEST).read_text(encoding="utf-8")
    (out / MANIFEST).write_text(deep, encoding="utf-8")
    code, err = _build(run_cli, site, out)
    assert code == 2 and "Traceback" not in err and "Release Hall did not write" in err
    (out / MANIFEST).write_text(manifest, encoding="utf-8")
    for entry in (site / ".cache/releasehall/images").iterdir():
        (entry / "info.json").write_text(deep, encoding="utf-8")
    (tmp_path / ".out.new-deep").mkdir()
    (tmp_path / ".out.new-deep/.journal").write_text(deep, encoding="utf-8")
    code, err = _build(run_cli, site, out)
    assert code == 0 and "Traceback" not in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]
    assert (out / "police/releases/wide-960.webp").is_file() or any(out.rglob("wide*.webp"))


def test_a_symbolic_link_in_the_output_is_never_ours_whatever_the_manifest_says(tmp_path, run_cli):
    """A folder of the output replaced by a link to a copy of itself elsewhere (listed in a forged manifest): the
    build compared its files through the link, kept them, then moved the link aside and committed an output with
    files missing (and an AssertionError)."""
    import shutil

    site = write_site(tmp_path / "site", BASIC)
    out = tmp_path / "out"
    assert _build(run_cli, site, out)[0] == 0
    victim = tmp_path / "victim"
    shutil.move(out / "police", victim)
    os.symlink(victim, out / "police")
    os.symlink(victim / "index.html", out / "linked.html")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    (out / MANIFEST).write_text(json.dumps({**manifest, "files": [*manifest["files"], "police", "linked.html"]}),
                                encoding="utf-8")
    before = {p: p.read_bytes() for p in victim.rglob("*") if p.is_file()}
    code, err = _build(run_cli, site, out)
    assert code == 2 and "Traceback" not in err
    assert f"releasehall: 输出目录 {out} 中有不是发布厅写入的文件（linked.html、police，共 2 个）" in err
    assert {p: p.read_bytes() for p in victim.rglob("*") if p.is_file()} == before
    assert (out / "police").is_symlink() and (out / "linked.html").is_symlink()
