"""The output folder and the staging folders beside it are ours alone: a forged journal, a manifest that lists a
symbolic link, JSON nested past the recursion limit in anything read back move, read or delete nothing outside the
output, and none of them is a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

from helpers import BASIC, NOW, image, write_site

from releasehall.store.write import MANIFEST, _manifest_bytes, plain


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


def test_only_plain_relative_paths_read_back_from_a_manifest_or_journal_are_followed():
    assert all(plain(rel) for rel in ("a", "a/b.html", "d0100/releases/r015/index.html", "..a/b", "a/.b", "a..b/c"))
    assert not any(plain(rel) for rel in ("", "/a", "a/", "a//b", ".", "..", "./a", "a/.", "a/./b", "../a", "a/..",
                                          "a/../b", "a\\b", "a\0b", "/"))


def test_the_manifest_is_json_of_the_files_in_order():
    for files in ([], ["a"], ["z/b.html", "中文/引号\"\\x", "\u2028", "\x01", "a", "ä"]):
        assert _manifest_bytes(files) == json.dumps({"format": "releasehall-output", "files": sorted(files)},
                                                    ensure_ascii=False, indent=0).encode("utf-8")


def test_an_output_file_edited_in_place_with_its_time_set_back_is_neither_kept_nor_linked_into_a_new_folder(tmp_path):
    """Nothing read back from the output changes what a clean build makes: a page and a search fragment edited in
    place (the same size, their modification time set back) are made again by the next build, not kept by their
    stamp; nor is the fragment hard-linked into its part's new folder when an edit remakes that part."""
    import shutil

    from helpers import snapshot

    from releasehall.pipeline.build import run

    site = write_site(tmp_path / "site", BASIC)
    out = tmp_path / "out"
    assert not run(site, out=out, now=NOW).errors
    fragment = next(p for p in (out / "pagefind").glob("*/x*.json") if "办理身份证".encode() in p.read_bytes())
    for path, old, new in ((fragment, "办理身份证", "办理居住证"), (out / "police/qa/q1/index.html", "能否办证", "能否办理")):
        stat = path.stat()
        data = path.read_bytes()
        path.write_bytes(data.replace(old.encode(), new.encode()))
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert path.stat().st_size == len(data)
    release = site / "content/police/releases/a.md"  # q1's part (the police department's) is made again
    release.write_text(release.read_text(encoding="utf-8").replace("详见", "参见"), encoding="utf-8")
    assert not run(site, out=out, now=NOW).errors
    assert not any(fragment.parent.glob("*"))  # the part's old folder is gone
    shutil.copytree(site, tmp_path / "clean", ignore=shutil.ignore_patterns(".cache"))
    assert not run(tmp_path / "clean", out=tmp_path / "clean-out", now=NOW, use_cache=False).errors
    assert snapshot(out) == snapshot(tmp_path / "clean-out")
