"""docs/: the field reference agrees with the schemas, every key is described, the docs' own
links resolve, and nothing in the repository points outside it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from releasehall import docgen
from releasehall import schema as s

REPO = Path(__file__).resolve().parents[1]
FIX = f"run `{docgen.REGENERATE}` from the repository root and commit docs/fields.md"


def test_field_reference_is_generated_from_the_schemas():
    assert not docgen.stale(), f"docs/fields.md disagrees with the schemas in releasehall/: {FIX}"


def test_every_schema_key_is_described():
    missing = docgen.missing_notes()
    assert not missing, (f"keys without a description: {missing}. Add a line for each to NOTES in "
                         f"releasehall/docgen.py (中文, English, example), then {FIX}")


def test_the_reference_shows_keys_types_defaults_and_examples():
    text = docgen.reference()
    assert "| `stale_after_days` | 正整数 positive integer | `14` |" in text
    assert "| `kind` | 之一 one of: `news`, `notice`, `policy`, `emergency`, `rumor`, `interview`, `survey`, `event` | `news` |" in text
    assert "| `question` | 文字 text | **必填 required** |" in text
    assert "| `changes` | 映射的列表 list of mappings | [] |" in text
    assert "| `changes.note` | 文字 text | **必填 required** | 更新内容 | what changed | `补充绕行路线` |" in text
    assert "| `base_url` | 网址 absolute URL | **必填 required** |" in text


def test_a_new_schema_key_makes_the_check_fail_and_says_how_to_regenerate(tmp_path, monkeypatch):
    (tmp_path / "fields.md").write_text(docgen.reference(), encoding="utf-8")
    assert docgen.main(["--check", "--docs", str(tmp_path)]) == 0
    grown = {**docgen.DOCUMENTS[0][2], "new_key": s.Field(s.boolean, default=False)}
    monkeypatch.setattr(docgen, "DOCUMENTS", ((*docgen.DOCUMENTS[0][:2], grown, "x"), *docgen.DOCUMENTS[1:]))
    assert docgen.missing_notes() == ["site:new_key"]
    result = subprocess.run([sys.executable, "-c", "import sys; from releasehall import docgen, schema as s;"
                             "t = docgen.DOCUMENTS[0]; docgen.DOCUMENTS = ((t[0], t[1], {**t[2], 'x': s.Field(s.text)}, t[3]),"
                             " *docgen.DOCUMENTS[1:]); sys.exit(docgen.main(['--check', '--docs', sys.argv[1]]))",
                             str(tmp_path)], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("is out of date; run: python -m releasehall.docgen --write")


def test_docs_links_resolve_and_readme_links_docs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in ("docs/editor-guide.md", "docs/fields.md", "docs/operator.md", "docs/supervisor.md"):
        assert f"({name})" in readme
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        prose = re.sub(r"```.*?```|`[^`\n]*`", "", page.read_text(encoding="utf-8"), flags=re.S)
        for target in re.findall(r"\]\(([^)#:\s]+\.md)(?:#[^)]*)?\)", prose):
            assert (page.parent / target).is_file(), f"{page.name}: {target}"


def test_nothing_in_the_repository_points_outside_it():
    tracked = subprocess.run(["git", "grep", "-l", "-e", "../shared/", "--", "."], cwd=REPO,
                             capture_output=True, text=True, check=False).stdout.split()
    assert [p for p in tracked if p != "tests/test_docs.py"] == []
