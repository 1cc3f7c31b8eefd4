"""docs/: the field reference agrees with the schemas, every key is described, the docs' own
links resolve, and nothing in the repository points outside it; every example in docs/ works as
written (YAML validates against the schemas, `releasehall` command lines parse, the plain-server
trial publishes) and the supervisor's worked example is what the code computes."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from helpers import REPO

from releasehall.commands.cli import COMMANDS, _parser
from releasehall.content import load
from releasehall.errors import Report
from releasehall.model.ranking import wilson_lower
from releasehall.outputs.opendata import FIGURE_KEYS, overdue_bands, stats_json
from releasehall.pipeline.build import run
from releasehall.read import schema as s
from releasehall.read.sources import load_yaml
from releasehall.settings import site as config
from tools import docgen

FIX = f"run `{docgen.REGENERATE}` from the repository root and commit docs/fields.md"


def test_field_reference_is_generated_from_the_schemas():
    assert not docgen.stale(), f"docs/fields.md disagrees with the schemas in releasehall/: {FIX}"


def test_every_schema_key_is_described():
    missing = docgen.missing_notes()
    assert not missing, (f"keys without a description: {missing}. Declare each with doc=s.Doc(中文, English, example) "
                         f"where the field is declared (releasehall/settings/site.py, releasehall/content/load.py), then {FIX}")


def test_every_key_that_holds_a_value_has_an_example():
    """A mapping's own row may leave the example out (its keys below have theirs); no other row may."""
    bare = [f"{prefix}:{key}" for _t, prefix, schema, _w in docgen.DOCUMENTS for key, _p, field in docgen.rows(prefix, schema)
            if field.nested is None and not (docgen.note(field) or ("", "", ""))[2]]
    assert bare == [], f"keys without an example: {bare}; give its doc=s.Doc(...) an example, then {FIX}"


def test_every_example_in_the_reference_is_a_value_its_key_accepts():
    """`key: example`, as an editor would copy it from docs/fields.md, passes that key's own check."""
    checked = 0
    for _t, prefix, schema, _w in docgen.DOCUMENTS:
        for key, _p, field in docgen.rows(prefix, schema):
            example = (docgen.note(field) or ("", "", ""))[2]
            if example:
                name = key.rsplit(".", 1)[-1]
                assert _problems(f"{name}: {example}\n", f"docs/fields.md ({prefix}:{key})", 1, {name: field},
                                 whole=True) == []
                checked += 1
    assert checked >= 100


def test_the_reference_shows_keys_types_defaults_and_examples():
    text = docgen.reference()
    assert "| `stale_after_days` | 正整数 positive integer | `14` |" in text
    assert "| `kind` | 之一 one of: `news`, `notice`, `policy`, `emergency`, `rumor`, `interview`, `survey`, `event` | `news` |" in text
    assert "| `question` | 文字 text | **必填 required** |" in text
    assert "| `changes` | 映射的列表 list of mappings | [] |" in text
    assert "| `changes.note` | 文字 text | **必填 required** | 更新内容 | what changed | `补充绕行路线` |" in text
    assert "| `base_url` | 网址 absolute URL | **必填 required** |" in text
    assert "| `accounts` | 映射 mapping | {} |" in text  # a mapping's empty default is {}, not a list's []


def test_a_new_schema_key_makes_the_check_fail_and_says_how_to_regenerate(tmp_path, monkeypatch):
    (tmp_path / "fields.md").write_text(docgen.reference(), encoding="utf-8")
    assert docgen.main(["--check", "--docs", str(tmp_path)]) == 0
    grown = {**docgen.DOCUMENTS[0][2], "new_key": s.Field(s.boolean, default=False)}
    monkeypatch.setattr(docgen, "DOCUMENTS", ((*docgen.DOCUMENTS[0][:2], grown, "x"), *docgen.DOCUMENTS[1:]))
    assert docgen.missing_notes() == ["site:new_key"]
    result = subprocess.run([sys.executable, "-c", "import sys; from tools import docgen; from releasehall.read import schema as s;"
                             "t = docgen.DOCUMENTS[0]; docgen.DOCUMENTS = ((t[0], t[1], {**t[2], 'x': s.Field(s.text)}, t[3]),"
                             " *docgen.DOCUMENTS[1:]); sys.exit(docgen.main(['--check', '--docs', sys.argv[1]]))",
                             str(tmp_path)], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("is out of date; run: python -m tools.docgen --write")


PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "bench/README.md"]


def test_docs_links_resolve_and_readme_links_docs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in ("docs/editor-guide.md", "docs/fields.md", "docs/operator.md", "docs/supervisor.md", "docs/security.md",
                 "docs/decisions.md", "docs/architecture.md", "docs/testing.md", "bench/README.md", "LICENSE",
                 "docs/screenshot.png"):
        assert f"({name})" in readme
    for page in PAGES:
        prose = re.sub(r"```.*?```|`[^`\n]*`", "", page.read_text(encoding="utf-8"), flags=re.S)
        for target, fragment in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", prose):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            linked = page.parent / target if target else page
            assert linked.exists(), f"{page.relative_to(REPO)}: {target}"
            if fragment:  # a heading there, by GitHub's rule for heading anchors
                assert fragment in _heading_anchors(linked), f"{page.relative_to(REPO)}: {target}#{fragment}"


def test_readme_is_a_front_door():
    """At most ~8 KB: what it is, install, a quick start, the commands, the tests, links; details live in docs/."""
    size = len((REPO / "README.md").read_bytes())
    assert size <= 8 * 1024, f"README.md has {size} bytes; move details into docs/ (or bench/README.md)"


def test_ci_runs_the_readme_test_command_as_written():
    """README opens with two commands (build the sample hall; run the tests); .ci/run ends with the second, verbatim
    (the virtualenv included), so a README that works is what CI checks."""
    opening = _blocks(REPO / "README.md", "sh")[0][2]
    commands = [line for line in opening.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2
    assert "releasehall build" in commands[0]
    test_command = commands[1].split("&&")[-1].strip()
    assert test_command.startswith("tools/test.sh")
    ci = [line for line in (REPO / ".ci/run").read_text(encoding="utf-8").splitlines()
          if line.strip() and not line.startswith("#")]
    assert ci[-1] == commands[1]


ROOMS = ("read", "settings", "model", "content", "markdown", "store", "media", "assemble", "outputs", "pipeline",
         "serve", "commands")


def test_every_module_is_placed_in_the_architecture_doc():
    """docs/architecture.md names every module of the package as `room/module` (or `errors`, `parallel`), and every
    `room/module` it names exists: the map of the house stays the house."""
    package = REPO / "releasehall"
    modules = sorted(p.relative_to(package).with_suffix("").as_posix() for p in package.rglob("*.py")
                     if p.stem not in ("__init__", "__main__"))
    text = (REPO / "docs/architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_][a-z0-9_]*(?:/[a-z_][a-z0-9_]*)?)`", text))
    assert [m for m in modules if m not in named] == [], "add these to the rooms table of docs/architecture.md"
    rooms = "|".join(ROOMS)
    stale = sorted(n for n in named if re.fullmatch(rf"(?:{rooms})/[a-z_][a-z0-9_]*", n) and n not in modules)
    assert stale == [], "docs/architecture.md names modules that do not exist"


def _heading_anchors(page: Path) -> set[str]:
    """GitHub's anchor of every heading: lower case, punctuation dropped (CJK kept), spaces to '-'."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    headings = re.findall(r"^#{1,6} (.+)$", text, flags=re.M)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def test_nothing_in_the_repository_points_outside_it():
    tracked = subprocess.run(["git", "grep", "-l", "-e", "../shared/", "--", "."], cwd=REPO,
                             capture_output=True, text=True, check=False).stdout.split()
    assert [p for p in tracked if p != "tests/test_docs.py"] == []


DOCS = sorted((REPO / "docs").glob("*.md"))
SCHEMAS = {"release": load.RELEASE_SCHEMA, "question": load.QUESTION_SCHEMA, "department": load.DEPARTMENT_SCHEMA,
           "site.yaml": config.SCHEMA, "page": load.PAGE_SCHEMA}
MARKER = "<!-- docs-test: "


def _blocks(page: Path, language: str) -> list[tuple[int, str, str]]:
    """(line, marker or "", text) of every ```language block of a page; the marker is a `docs-test` comment just above."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found, index = [], 0
    while index < len(lines):
        if lines[index].strip() == f"```{language}":
            end = lines.index("```", index + 1)
            above = lines[index - 1] if index else ""
            marker = above[len(MARKER):].split()[0] if above.startswith(MARKER) else ""
            found.append((index + 2, marker, "\n".join(lines[index + 1:end]) + "\n"))
            index = end
        index += 1
    return found


def _problems(text: str, rel: str, first_line: int, schema: s.Schema, whole: bool) -> list[str]:
    """What the schema says of a YAML example: the whole file's keys, or (a fragment) only the keys it shows."""
    report = Report()
    loaded = load_yaml(text, rel, first_line, report)
    if loaded is not None and isinstance(loaded[0], dict):
        data, lines = loaded
        shown = schema if whole else {key: field for key, field in schema.items() if key in data}
        s.check(data, shown, lines, rel, report, s.Context(ZoneInfo("Asia/Shanghai")))
    if loaded is not None and not isinstance(loaded[0], dict):
        report.error(rel, first_line, "不是映射", "not a mapping of keys")
    return [str(p) for p in report.problems]


def test_every_yaml_example_in_docs_validates_against_the_schemas():
    """Each ```yaml block is a fragment of one of the files (its keys all belong to one schema) and passes it."""
    checked = 0
    for page in DOCS:
        for line, marker, text in _blocks(page, "yaml"):
            if marker:
                continue  # test data of its own (the supervisor's example, below)
            where = f"docs/{page.name}:{line}"
            keys = set(yaml.safe_load(text) or {})
            fitting = [name for name, schema in SCHEMAS.items() if keys and keys <= set(schema)]
            assert fitting, f"{where}: keys {sorted(keys)} belong to no file's schema"
            verdicts = {name: _problems(text, f"docs/{page.name}", line, SCHEMAS[name], whole=False)
                        for name in fitting}
            assert any(not v for v in verdicts.values()), f"{where}: {verdicts}"
            checked += 1
    assert checked >= 8


def test_every_front_matter_example_in_docs_is_a_whole_valid_file():
    """```markdown blocks that start with front matter are complete releases or questions."""
    checked = 0
    for page in DOCS:
        for line, _marker, text in _blocks(page, "markdown"):
            if not text.startswith("---\n"):
                continue
            head = text.split("---\n")[1]
            kind = "question" if "asked:" in head else "release"
            assert _problems(head, f"docs/{page.name}", line + 1, SCHEMAS[kind], whole=True) == []
            checked += 1
    assert checked >= 2


def test_every_releasehall_command_in_docs_parses():
    """Each `releasehall …` line of a ```sh block names a real command with real options."""
    parser = _parser()
    commands = []
    for page in PAGES:
        for line, _marker, text in _blocks(page, "sh"):
            for offset, row in enumerate(text.splitlines()):
                for part in re.split(r"&&|\|\||;", row.split(" #")[0]):
                    words = shlex.split(part)
                    if words[:1] == ["releasehall"]:
                        commands.append((f"{page.relative_to(REPO)}:{line + offset}", words[1:]))
        prose = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
        for span in re.findall(r"`releasehall ([^`|]+)`", prose):  # inline; `new release|qa` is a summary
            words = shlex.split(span)
            if words[0] in COMMANDS or words[0].startswith("-"):  # not `releasehall @ git+https://…`
                commands.append((f"{page.relative_to(REPO)}", words))
    assert len(commands) >= 30
    for where, words in commands:
        try:
            parser.parse_args(words)
        except SystemExit as exc:
            assert exc.code == 0 and words == ["--version"], f"{where}: releasehall {shlex.join(words)}"


def test_the_plain_server_trial_in_the_operator_guide_publishes(tmp_path):
    """docs/operator.md's trial without root, run line by line as written: the push publishes into the web root."""
    [(_line, _marker, script)] = [b for b in _blocks(REPO / "docs/operator.md", "sh") if b[1] == "plain-server-trial"]
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "releasehall").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m releasehall "$@"\n', encoding="utf-8")
    (tools / "releasehall").chmod(0o755)
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO),
           "GIT_AUTHOR_NAME": "运维", "GIT_AUTHOR_EMAIL": "ops@example.gov.cn", "GIT_COMMITTER_NAME": "运维",
           "GIT_COMMITTER_EMAIL": "ops@example.gov.cn"}
    env.pop("SOURCE_DATE_EPOCH", None)
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "remote: 检查通过 / check passed" in result.stderr
    assert f"remote: releasehall: published to {tmp_path}/trial/www" in result.stderr
    assert "index.html" in result.stdout.split() and "stats" in result.stdout.split()
    assert (tmp_path / "trial/www/bangongshi/index.html").is_file()


def _table(text: str, heading: str) -> list[list[str]]:
    """The rows of the Markdown table whose header row starts with `heading`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _value(cell: str) -> Any:
    """A table cell as the code's value: the number after "=" (or the first word), true/false/null."""
    word = (cell.split("=")[-1] if "=" in cell else cell).split("（")[0].split()[0].strip("`")
    return {"true": True, "false": False, "null": None}.get(word, word)


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(actual, float):
        return isinstance(expected, str) and round(actual, 3) == float(expected)
    return expected == (actual if actual is None or isinstance(actual, bool) else str(actual))


def test_the_supervisor_pages_worked_example_is_what_the_code_computes(tmp_path):
    """docs/supervisor.md's example hall, built: every record and figure in its tables, the groups and the bound."""
    page = (REPO / "docs/supervisor.md").read_text(encoding="utf-8")
    [(_line, _marker, text)] = [b for b in _blocks(REPO / "docs/supervisor.md", "yaml") if b[1] == "supervisor-example"]
    example = yaml.load(text, Loader=yaml.BaseLoader)  # dates stay the strings the doc shows
    (tmp_path / "site.yaml").write_text("title: 算例\nbase_url: https://x.example/\n", encoding="utf-8")
    (tmp_path / "content/gongan/qa").mkdir(parents=True)
    (tmp_path / "content/gongan/department.yaml").write_text("name: 示例市公安局\n", encoding="utf-8")
    for name, fields in example["questions"].items():
        head = yaml.safe_dump({"title": name, "question": "问", **fields}, allow_unicode=True)
        body = "答复。\n" if "replied" in fields else ""
        (tmp_path / f"content/gongan/qa/{name}.md").write_text(f"---\n{head}---\n{body}", encoding="utf-8")
    outcome = run(tmp_path, now=example["now"], write=False)
    assert [p for p in outcome.problems if not p.warning] == []
    assert outcome.hall is not None
    stats = outcome.hall.stats

    published = json.loads(stats_json(outcome.hall))  # what /stats/stats.json says
    assert list(published) == ["as_of", "hall", "departments", "questions"]
    listed = "`questions`（每条留言的 " + "、".join(f"`{key}`" for key in published["questions"][0]) + "）"
    assert listed in page, listed
    by_name = {row["id"].rsplit("/", 1)[1]: row for row in published["questions"]}
    records = _table(page, "| 留言 | 期限 `due`")
    assert [row[0] for row in records] == list(example["questions"]) == sorted(by_name)
    for name, due, status, on_time, reply_days, days_late, _note in records:
        shown = {"due": due, "status": status, "on_time": _value(on_time), "reply_days": _value(reply_days),
                 "days_late": days_late}
        code = {key: by_name[name][key] for key in shown}
        assert all(_same(shown[k], code[k]) for k in shown), f"{name}: docs {shown}, code {code}"

    october = next(m for m in stats.months if m.month == "2024-10").hall
    figures = _table(page, "| 数字 | 键 |")
    assert len(figures) == 9
    for _label, key, now_cell, month_cell in figures:
        key = key.strip("`")
        for cell, whole in ((now_cell, stats.hall), (month_cell, october)):
            assert _same(_value(cell), getattr(whole, key)), f"{key}: docs {cell}, code {getattr(whole, key)}"

    bands = [[rec.id.rsplit("/", 1)[1] for rec in band.records] for band in overdue_bands(outcome.hall)]
    assert bands == [["q7"], ["q4"], ["q8"]]  # the groups the table's notes name
    assert "q7 | 2024-09-25 | overdue" in page and "严重超期（> 20）" in page
    assert "超期 6–20 组" in page and "超期 5 天以内组" in page
    bound = wilson_lower(stats.hall.on_time, stats.hall.judged)
    assert f"2 ÷ 6 → **{bound:.3f}**" in page
    assert f"5 ÷ 5 → {wilson_lower(5, 5):.2f}，96 ÷ 100 → {wilson_lower(96, 100):.2f}" in page
    assert f"5 条全部按时（下限 {wilson_lower(5, 5):.2f}）排在 100 条中 96 条按时（下限 {wilson_lower(96, 100):.2f}）" in page


def test_the_supervisor_page_lists_the_csv_columns_and_every_figure_key():
    page = (REPO / "docs/supervisor.md").read_text(encoding="utf-8")
    assert f"`{','.join(['department', 'name', *FIGURE_KEYS])}`" in page
    table = _table(page, "| 数字 | stats.json 键 |")
    keys = {key.strip("` ") for row in table for key in row[1].split(",")}
    assert keys == set(FIGURE_KEYS), keys ^ set(FIGURE_KEYS)


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("paused:\n  - {from: 2024-02-30}\n", "question", "docs/x.md:8: 字段 “from”：日期不存在"),
    ("document:\n  numbr: 示交规〔2026〕9号\n", "release", "docs/x.md:8: 未知字段 “numbr”"),
    ("kind: notic\n", "release", "docs/x.md:7: 字段 “kind”"),
])
def test_a_wrong_example_is_caught_at_its_line_in_the_doc(text, kind, expected):
    """The example checks above can fail, and say where: a bad date, a misspelt key, a value not allowed."""
    problems = _problems(text, "docs/x.md", 7, SCHEMAS[kind], whole=False)
    assert problems and problems[0].startswith(expected), problems


def _guide_errors() -> list[tuple[str, str]]:
    """(excerpt, regex) for each message the editor guide's error table quotes; “…” and quoted values match anything."""
    page = (REPO / "docs/editor-guide.md").read_text(encoding="utf-8")
    found = []
    for row in _table(page, "| 提示（节选）"):
        for excerpt in row[0].split(" / "):
            excerpt = excerpt.removeprefix("警告 warning：")
            pattern = re.sub(r"“[^”]*”", "“[^”]*”", re.escape(excerpt).replace("\\…", "…"))
            found.append((excerpt, pattern.replace("…", ".*")))
    return found


MISTAKES = {  # one file for each mistake the error table explains
    "content/a/releases/m01.md": "title: 没有文件头\n",
    "content/a/releases/m02.md": "---\ntitle: 没有结束\ndate: 2026-10-01\n",
    "content/a/releases/m03.md": "---\ntitel: 拼错\ndate: 2026-10-01\n---\n",
    "content/a/releases/m04.md": "---\ntitle: 缺日期\n---\n",
    "content/a/releases/m05.md": "---\ntitle: 日期\ndate: 2026.9.28\n---\n",
    "content/a/releases/m06.md": "---\ntitle: 日期\ndate: 2026-02-30\n---\n",
    "content/a/releases/m07.md": "---\ntitle: 类型\ndate: 2026-10-01\nkind: notic\n---\n",
    "content/a/releases/m08.md": "---\ntitle: 编码\ndate: 2026-10-01\n---\n正文".encode("gbk"),
    "content/a/releases/m09.md": "---\ntitle: 冒号\ndate： 2026-10-01\n---\n",
    "content/a/releases/m10.md": "---\ntitle: 缩进\ndate: 2026-10-01\nchanges:\n\t- {date: 2026-10-01, note: x}\n---\n",
    "content/a/releases/m11.md": "---\ntitle: 星号\ndate: 2026-10-01\nsummary: *重要*\n---\n",
    "content/a/releases/m12.md": "---\ntitle: 控制\x07字符\ndate: 2026-10-01\n---\n",
    "content/a/releases/m15.md": "---\ntitle: 别名\ndate: 2026-10-01\nsummary: *abc\n---\n",
    "content/a/qa/m13.md": "---\ntitle: 号码\nasked: 2026-10-01\nquestion: 电话 13812345678，身份证 11010519491231002X，"
                           "座机 0755-83123456，卡号 6222020200112345679\n---\n",
    "content/a/qa/m14.md": "---\ntitle: 答复\nasked: 2026-10-01\nquestion: 问\n---\n答复正文\n",
    "content/a/releases/m16.md": "---\ntitle: 链接\ndate: 2026-10-01\n---\n[缺日期](m04.md)\n",
}
LINK_MISTAKES = {  # mistakes found once every file reads: links, related items, URLs, attachments
    "content/a/releases/l1.md": "---\ntitle: 链接\ndate: 2026-10-01\nrelated: [a/releases/nope]\n"
                                "attachments: [{file: page.html}]\n---\n[甲](nope.md) [乙](../../../README.md) "
                                "[丙](javascript:alert(1))\n",
    "content/a/releases/page.html": "<p>网页</p>\n",
    "content/a/releases/zhong-wen.md": "---\ntitle: 同名\ndate: 2026-10-01\n---\n",
    "content/a/releases/中文.md": "---\ntitle: 同名\ndate: 2026-10-01\n---\n",
    "content/a/qa/late.md": "---\ntitle: 三个月\nasked: 2026-01-05\nquestion: 问\n---\n",
}


def test_every_error_the_editor_guide_explains_is_what_check_says(tmp_path, run_cli):
    """Each excerpt in the guide's error table matches a line `check` prints for a file with that mistake."""
    said = ""
    for name, files in (("files", MISTAKES), ("links", LINK_MISTAKES)):
        site = tmp_path / name
        (site / "content/a").mkdir(parents=True)
        (site / "site.yaml").write_text("title: 甲\nbase_url: https://x.example/\n", encoding="utf-8")
        (site / "content/a/department.yaml").write_text("name: 甲局\n", encoding="utf-8")
        for rel, text in files.items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        code, _out, err = run_cli("check", "--site", str(site), "--now", "2026-11-20")
        assert code == 1
        said += err
    excerpts = _guide_errors()
    assert len(excerpts) >= 25
    missing = [excerpt for excerpt, pattern in excerpts if not re.search(pattern, said)]
    assert missing == [], f"the guide quotes messages check does not print: {missing}\n{said}"
    # the plainest script link is warned at its line too (nh3 used to drop it before our filter saw it)
    assert "content/a/releases/l1.md:7: 警告 warning: “javascript:alert(1)”：网址协议 “javascript:” 不允许" in said
    # Markdown emphasis in front matter: the message says how to write it
    assert ('content/a/releases/m11.md:4: “summary” 的值以 “*” 开头，YAML 不能这样读：请给值加上引号，写成 summary: "*重要*" / '
            "the value of 'summary' starts with '*', which YAML cannot read there; put it in quotes: summary: \"*重要*\"\n") in said
