"""Reading source files: UTF-8 text, front matter split off the body, YAML with line numbers.

Nothing here knows what a release or a department is; it only turns bytes into values
that remember which line they came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from releasehall.errors import Report

# Where each value came from: a key path such as ("changes", 0, "date") -> 1-based line.
Lines = dict[tuple[Any, ...], int]


_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present


class _Loader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """Safe loader that leaves timestamps as strings, so every date goes through one parser."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Constructor(yaml.constructor.SafeConstructor):
    """Builds values from an already composed node tree."""


@dataclass(frozen=True, slots=True)
class Document:
    """A Markdown source split into its front matter and body."""

    rel: str
    data: dict[str, Any]
    lines: Lines
    body: str
    body_line: int  # line number of the body's first line
    front_digest: str = ""  # of the front matter's text: changes exactly when a list row may change


def read_text(path: Path, rel: str, report: Report) -> str | None:
    """The file as text with LF line endings; a BOM is dropped; non-UTF-8 is an error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.error(rel, 1, f"无法读取文件（{exc.strerror}），请检查文件权限",
                     f"cannot read the file ({exc.strerror}); check its permissions")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report.error(
            rel,
            line,
            "文件不是 UTF-8 编码（可能是 GBK），请用 UTF-8 编码重新保存",
            "the file is not UTF-8 (perhaps GBK); save it again as UTF-8",
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_yaml(text: str, rel: str, first_line: int, report: Report) -> tuple[Any, Lines] | None:
    """Parse YAML, returning its value and the line of every key; None after reporting."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or exc.context or "syntax error"
        report.error(
            rel,
            line,
            f"YAML 语法错误：{problem}；请检查缩进、冒号和引号",
            f"YAML syntax error: {problem}; check indentation, colons and quotes",
        )
        return None
    except yaml.YAMLError as exc:
        report.error(rel, first_line, f"YAML 无法读取：{exc}", f"YAML cannot be read: {exc}")
        return None
    if node is None:
        return None, {}
    lines: Lines = {}
    if not _collect_lines(node, (), first_line, lines, rel, report):
        return None
    constructor = _Constructor()
    try:
        value = constructor.construct_document(node)
    except yaml.YAMLError as exc:
        report.error(rel, first_line, f"YAML 无法读取：{exc}", f"YAML cannot be read: {exc}")
        return None
    return value, lines


def _collect_lines(
    node: yaml.Node, path: tuple[Any, ...], first: int, lines: Lines, rel: str, report: Report
) -> bool:
    lines[path] = first + node.start_mark.line
    ok = True
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
            if name in seen:
                report.error(
                    rel,
                    first + key.start_mark.line,
                    f"字段 “{name}” 重复出现，请只保留一个",
                    f"key '{name}' appears twice; keep only one",
                )
                ok = False
            seen.add(name)
            lines[(*path, name)] = first + key.start_mark.line
            ok &= _collect_lines(value, (*path, name), first, lines, rel, report)
            lines[(*path, name)] = first + key.start_mark.line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            ok &= _collect_lines(item, (*path, index), first, lines, rel, report)
    return ok


def read_yaml_file(path: Path, rel: str, report: Report) -> tuple[Any, Lines] | None:
    """A whole YAML file (site.yaml, department.yaml); an empty file is an empty mapping."""
    text = read_text(path, rel, report)
    if text is None:
        return None
    loaded = load_yaml(text, rel, 1, report)
    if loaded is None:
        return None
    data, lines = loaded
    return ({} if data is None else data), lines


def split_front_matter(text: str, rel: str, report: Report) -> Document | None:
    """Split `---` front matter from the Markdown body; report what is missing or malformed."""
    all_lines = text.split("\n")
    if not all_lines or all_lines[0].strip() != "---":
        report.error(
            rel,
            1,
            "缺少文件头：文件必须以 “---” 开头，写明 title 等字段，再以 “---” 结束",
            "missing front matter: the file must start with '---', list title etc., and close with '---'",
        )
        return None
    for index in range(1, len(all_lines)):
        if all_lines[index].strip() == "---":
            break
    else:
        report.error(
            rel,
            1,
            "文件头没有结束：请在字段之后加一行 “---”",
            "front matter is not closed: add a line '---' after the fields",
        )
        return None
    loaded = load_yaml("\n".join(all_lines[1:index]), rel, 2, report)
    if loaded is None:
        return None
    data, lines = loaded
    if data is None:
        report.error(
            rel, 1, "文件头为空：请至少写明 title", "front matter is empty: give at least a title"
        )
        return None
    if not isinstance(data, dict):
        report.error(
            rel,
            2,
            "文件头必须是 “字段: 值” 的列表",
            "front matter must be a mapping of 'key: value' lines",
        )
        return None
    body = "\n".join(all_lines[index + 1 :])
    front = "\n".join(all_lines[: index + 1])
    return Document(rel, data, lines, body, index + 2, hashlib.blake2b(front.encode("utf-8"), digest_size=16).hexdigest())
