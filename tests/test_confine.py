"""Symbolic links: nothing that resolves outside its boundary is read, at any level."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import BASIC, NOW, image, write_site

SECRET = "TOP-SECRET-5f3a"


def _outside(tmp_path: Path) -> Path:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "releases").mkdir(parents=True)
    (elsewhere / "department.yaml").write_text(f"name: {SECRET}\n", encoding="utf-8")
    (elsewhere / "releases/x.md").write_text(f"---\ntitle: {SECRET}\ndate: 2024-09-01\n---\n{SECRET}\n",
                                             encoding="utf-8")
    (elsewhere / "secret.txt").write_text(SECRET, encoding="utf-8")
    (elsewhere / "page.md").write_text(f"---\ntitle: {SECRET}\n---\n{SECRET}\n", encoding="utf-8")
    (elsewhere / "404.html").write_text(SECRET, encoding="utf-8")
    return elsewhere


# (link inside the site, target relative to the outside folder, the path the error names)
CASES = [
    ("content/leak", ".", "content/leak:1: "),  # a whole department folder
    ("content/pages", ".", "content/pages:1: "),
    ("content/police/department.yaml", "department.yaml", "content/police/department.yaml:1: "),
    ("content/police/releases/x.md", "releases/x.md", "content/police/releases/x.md:1: "),
    ("content/police/releases/files", ".", "content/police/releases/files:1: "),  # a folder deep inside
    ("content/police/releases/report.pdf", "secret.txt", "content/police/releases/report.pdf:1: "),  # attachment
    ("layouts/static/passwd.txt", "secret.txt", "layouts/static/passwd.txt:1: "),
    ("layouts/404.html", "404.html", "layouts/404.html:1: "),
    ("layouts", ".", "layouts:1: "),
]


@pytest.mark.parametrize(("link", "target", "where"), CASES, ids=[c[0] for c in CASES])
def test_a_link_leading_out_of_the_site_is_an_error_and_never_read(tmp_path, run_cli, link, target, where):
    elsewhere = _outside(tmp_path)
    site = write_site(tmp_path / "site", BASIC)
    path = site / link
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    path.symlink_to((elsewhere / target).resolve())
    out = tmp_path / "out"
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)
    assert code == 1
    assert where + "这是指向" in err and "symbolic link leading outside" in err
    assert SECRET not in err
    assert not out.exists()


def test_a_link_to_another_department_is_refused(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    (site / "content/police/releases/copy.md").symlink_to(site / "content/traffic/releases/说明.md")
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"), "--now", NOW)
    assert code == 1
    assert "content/police/releases/copy.md:1: 这是指向 content/police/ 之外的符号链接" in err


def test_the_site_yaml_and_content_folder_may_not_lead_out(tmp_path, run_cli):
    elsewhere = _outside(tmp_path)
    site = write_site(tmp_path / "site", BASIC)
    (site / "site.yaml").rename(elsewhere / "site.yaml")
    (site / "site.yaml").symlink_to(elsewhere / "site.yaml")
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"), "--now", NOW)
    assert code == 1 and err.startswith("site.yaml:1: 这是指向 站点目录 之外的符号链接")
    (site / "site.yaml").unlink()
    (elsewhere / "site.yaml").rename(site / "site.yaml")
    (site / "content").rename(tmp_path / "content")
    (site / "content").symlink_to(tmp_path / "content")
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"), "--now", NOW)
    assert code == 1 and err.startswith("content:1: 这是指向 站点目录 之外的符号链接")


def test_links_inside_their_boundary_are_followed(tmp_path, run_cli):
    site = write_site(tmp_path / "site", BASIC)
    (site / "content/police/releases/img").mkdir()
    (site / "content/police/files").mkdir()
    (site / "content/police/files/real.png").write_bytes(image(40, 30))
    (site / "content/police/releases/img/map.png").symlink_to(site / "content/police/files/real.png")
    (site / "content/police/loop").symlink_to(site / "content/police")  # a loop ends
    (site / "assets").mkdir()
    (site / "assets/logo.txt").write_text("logo", encoding="utf-8")
    (site / "layouts/static").mkdir(parents=True)
    (site / "layouts/static/logo.txt").symlink_to(site / "assets/logo.txt")
    out = tmp_path / "out"
    code, _out, err = run_cli("build", "--site", str(site), "--out", str(out), "--now", NOW)
    assert code == 0, err
    assert (out / "static/logo.txt").read_text(encoding="utf-8") == "logo"
    assert (out / "police/releases/img/map.png").read_bytes() == (out / "police/files/real.png").read_bytes() \
        == image(40, 30)


def test_commands_that_write_into_the_site_never_write_through_a_link(tmp_path, run_cli):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    site = write_site(tmp_path / "site", BASIC)
    (site / "content/police/qa").rename(tmp_path / "qa-moved")
    (site / "content/police/qa").symlink_to(elsewhere)
    code, _out, err = run_cli("new", "qa", "police", "测试", "--site", str(site), "--now", "2024-10-01")
    assert code == 1 and "is a symbolic link leading outside the department's folder" in err
    (site / "content/police/qa").unlink()
    (tmp_path / "qa-moved").rename(site / "content/police/qa")
    (site / ".github").mkdir()
    (site / ".github/CODEOWNERS").symlink_to(elsewhere / "owned")  # dangling, outside
    code, _out, err = run_cli("codeowners", "--site", str(site), "--write")
    assert code == 1 and "leading outside the site folder" in err
    assert list(elsewhere.iterdir()) == []


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
    # never the secret: nothing, or the picture the last good build checked (served from the image cache)
    assert served.lookup("/traffic/releases/img/map.png")[0] in (None, image(40, 30))
    attachment.unlink()
    (site / "content/traffic/releases/img").rmdir()
    (site / "content/traffic/releases/img").symlink_to(tmp_path)  # a folder on the way replaced by a link
    (tmp_path / "map.png").write_text("root:x:0:0", encoding="utf-8")
    # never the secret: nothing, or the picture the last good build checked (served from the image cache)
    assert served.lookup("/traffic/releases/img/map.png")[0] in (None, image(40, 30))
