"""An attachment is what its bytes say: a web page, SVG or XML under an allowed extension (.pdf, .png, .docx …) would
run on the hall's origin, so it is an error at the file; real documents pass."""

from __future__ import annotations

import pytest
from helpers import BASIC, NOW, front, write_site

from releasehall.read import filetypes

PAGES = [b"<html><script>alert(1)</script>", b"\xef\xbb\xbf  <!DOCTYPE html><p>x", b"<svg xmlns='http://www.w3.org/2000/svg' "
         b"onload='alert(1)'/>", b"<?xml version='1.0'?><x/>", b"<!-- x --><script>alert(1)</script>", b"<SCRIPT>alert(1)"]


@pytest.mark.parametrize("head", PAGES)
def test_a_page_in_disguise_is_refused_whatever_its_extension(head):
    assert filetypes.markup_refusal("police/releases/a.pdf", head) is not None


@pytest.mark.parametrize("head", [b"%PDF-1.7\n", b"\x89PNG\r\n", b"PK\x03\x04", b"a,b\n<c", b"<bogus>", b"", b"\xff\xd8\xff"])
def test_real_documents_pass(head):
    assert filetypes.markup_refusal("police/releases/a.pdf", head) is None


@pytest.mark.parametrize("name", ["evil.pdf", "evil.ofd", "evil.wps", "evil.txt", "evil.png", "evil.docx"])
def test_an_attachment_with_an_allowed_extension_over_html_is_an_error_at_the_file(tmp_path, run_cli, name):
    site = write_site(tmp_path, {
        **BASIC,
        "content/police/releases/a.md": front({"title": "附件", "date": "2024-10-01"}, f"\n[下载]({name})\n"),
        f"content/police/releases/{name}": "<html><script>alert(1)</script></html>",
    })
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(site / "out"), "--now", NOW)
    assert code == 1
    assert "Traceback" not in err
    assert f"content/police/releases/{name}:1: 附件 content/police/releases/{name} 的内容是网页或脚本（以 “<html” 开头）" in err
    assert not (site / "out").exists()
