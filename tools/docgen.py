"""docs/fields.md, the field reference, generated from the schemas the build validates with.

`python -m tools.docgen --write` regenerates it; `python -m tools.docgen --check`
exits 1 when docs/ disagrees with the schemas (so does `tests/test_docs.py`). Keys, types,
required flags, defaults, allowed values, what a key means and an example all come from the `Field`s
declared on the fields of the settings and the records (`settings/site`, `model/records`), whose keys are
`config.SCHEMA` and `load.*_SCHEMA` (a key declared without `doc=s.Doc(...)` fails the test).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from releasehall.content import load
from releasehall.read import schema as s
from releasehall.settings import site as config

DOCS = Path(__file__).resolve().parent.parent / "docs"
TARGET = "fields.md"
REGENERATE = "python -m tools.docgen --write"

# (title, key prefix, schema, where the file lives)
DOCUMENTS: tuple[tuple[str, str, s.Schema, str], ...] = (
    ("site.yaml 发布厅设置 / the hall's settings", "site", config.SCHEMA, "`site.yaml` at the hall's root"),
    ("department.yaml 部门资料 / a department", "dept", load.DEPARTMENT_SCHEMA, "`content/<dept>/department.yaml`"),
    ("发布 / releases", "release", load.RELEASE_SCHEMA, "front matter of `content/<dept>/releases/<slug>.md`"),
    ("留言与答复 / questions and replies", "question", load.QUESTION_SCHEMA,
     "front matter of `content/<dept>/qa/<slug>.md`; the Markdown body is the reply"),
    ("独立页面 / standalone pages", "page", load.PAGE_SCHEMA, "front matter of `content/pages/<slug>.md`"),
)

def type_name(parse: Any) -> str:
    """What a parser accepts, as the parser declares it (`schema.typed`)."""
    return s.type_label(parse)


def _default(field: s.Field) -> str:
    if field.required:
        return "**必填 required**"
    value = field.default
    if value is None:
        return "—"
    if value in ("", ()):
        return "（空 empty）" if value == "" else "{}" if field.parse is s.text_map else "[]"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    return f"`{value}`"


def rows(prefix: str, schema: Mapping[str, s.Field], at: str = "") -> Iterator[tuple[str, str, s.Field]]:
    """(dotted key, document prefix, field) for every key, nested ones after their parent."""
    for name, field in schema.items():
        key = f"{at}{name}"
        yield key, prefix, field
        if field.nested is not None:
            yield from rows(prefix, field.nested, f"{key}.<name>." if field.named else f"{key}.")


def note(field: s.Field) -> tuple[str, str, str] | None:
    """What a key means and an example: declared with the field itself (`doc=s.Doc(...)`)."""
    return (field.doc.zh, field.doc.en, field.doc.example) if field.doc is not None else None


def missing_notes() -> list[str]:
    """Schema keys declared without a description (`doc`)."""
    return [f"{prefix}:{key}" for _t, prefix, schema, _w in DOCUMENTS for key, _p, field in rows(prefix, schema)
            if field.doc is None]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def reference() -> str:
    """The text of docs/fields.md."""
    out = [
        "<!-- 本文件由 `python -m tools.docgen --write` 从 releasehall/ 的字段定义生成，请勿手改。",
        "     Generated from the schemas in releasehall/ by `python -m tools.docgen --write`; do not edit. -->",
        "# 字段参考 / Field reference",
        "",
        "每个文件能写的全部字段：类型、是否必填、默认值和示例。未知字段、类型不对或取值不在可选范围内都是错误，"
        "构建会报出 `文件:行号`（能猜到时附“是否想写 …”）。日期写 `YYYY-MM-DD`、`YYYY-MM-DD HH:MM` 或带时区的 "
        "ISO 8601；不带时区时按 site.yaml 的 `timezone` 理解。带点的字段（如 `footer.icp`）写在上一级字段之下；"
        "`changes[]` 这样的是映射的列表。",
        "",
        "Every key each file may hold: its type, whether it is required, its default and an example. Unknown keys, "
        "wrong types and values outside the allowed ones are errors at `file:line`. Dotted keys (`footer.icp`) nest "
        "under their parent; a parent marked *list of mappings* takes `- key: value` entries.",
        "",
    ]
    for title, prefix, schema, where in DOCUMENTS:
        out += [f"## {title}", "", f"位置 / where: {where}", "",
                "| 字段 key | 类型 type | 默认 default | 说明 | meaning | 示例 example |", "|---|---|---|---|---|---|"]
        for key, _prefix, field in rows(prefix, schema):
            if field.nested is not None:
                kind = ("映射的列表 list of mappings" if field.many else
                        "名称 → 映射 names, each a mapping" if field.named else "映射 mapping")
            else:
                kind = type_name(field.parse)
            zh, en, example = note(field) or ("（尚无说明）", "(not described yet)", "")
            shown = f"`{example}`" if example else ""
            out.append(f"| `{key}` | {_cell(kind)} | {_cell(_default(field))} | {_cell(zh)} | {_cell(en)} | {_cell(shown)} |")
        out.append("")
    return "\n".join(out)


def stale(docs: Path = DOCS) -> bool:
    path = docs / TARGET
    return not path.is_file() or path.read_text(encoding="utf-8") != reference()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.docgen", description="生成字段参考 / write docs/fields.md")
    parser.add_argument("--write", action="store_true", help="写入 docs/fields.md / write docs/fields.md")
    parser.add_argument("--check", action="store_true", help="docs/ 与字段定义不一致时退出码为 1 / exit 1 when stale")
    parser.add_argument("--docs", type=Path, default=DOCS, help="docs 目录 / the docs folder")
    args = parser.parse_args(argv)
    if args.write:
        (args.docs / TARGET).write_text(reference(), encoding="utf-8")
        print(f"已写入 / wrote {args.docs / TARGET}")
        return 0
    if args.check:
        if stale(args.docs):
            print(f"{args.docs / TARGET} 与字段定义不一致，请运行 / is out of date; run: {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(reference())
    return 0


if __name__ == "__main__":
    sys.exit(main())
