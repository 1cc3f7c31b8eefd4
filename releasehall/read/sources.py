"""Reading source files: UTF-8 text, front matter split off the body, YAML with line numbers.

Nothing here knows what a release or a department is; it only turns bytes into values
that remember which line they came from.
"""

from __future__ import annotations

import hashlib
import re
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


MAX_SOURCE_BYTES = 2**20  # a source file (Markdown or YAML) of more is no one's writing


def read_text(path: Path, rel: str, report: Report) -> str | None:
    """The file as text with LF line endings; a BOM is dropped; non-UTF-8 is an error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.error(rel, 1, f"无法读取文件（{exc.strerror}），请检查文件权限",
                     f"cannot read the file ({exc.strerror}); check its permissions")
        return None
    if len(raw) > MAX_SOURCE_BYTES:  # no hand writes that much in one file; everything after it costs per byte
        line = raw[:MAX_SOURCE_BYTES].count(b"\n") + 1
        report.error(rel, line, f"文件超过 {MAX_SOURCE_BYTES // 2**20} MB（从这一行起超出），请拆分成几篇，或把全文作为附件发布",
                     f"the file is over {MAX_SOURCE_BYTES // 2**20} MB (from this line on); split it, or publish the full "
                     "text as an attachment")
        return None
    head = raw[:200]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(b"\x00") * 4 >= len(head) > 0:  # ASCII as UTF-16
        report.error(rel, 1, "文件是 UTF-16 编码，请用 UTF-8 编码重新保存",
                     "the file is UTF-16; save it again as UTF-8")
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
    return _without_controls(text.replace("\r\n", "\n").replace("\r", "\n"), rel, report)


# C0 and C1 control characters other than tab and newline, the noncharacters XML forbids, and the line and
# paragraph separators U+2028/U+2029: invisible in an editor, refused by YAML and by the feeds' XML, never meant
# (YAML also counts the separators as line breaks, which would put every later error on the wrong line)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
# what a YAML scalar may not hold once its escapes are decoded: the same, and lone surrogates ("\uD800"), which
# no UTF-8 page or XML feed can carry; tab and newline stay (a block scalar has them)
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")


def _without_controls(text: str, rel: str, report: Report) -> str:
    """The text with control characters removed, with a warning at the first line that had one."""
    first = _CONTROLS.search(text)
    if first is None:
        return text
    count = len(_CONTROLS.findall(text))
    line = text.count("\n", 0, first.start()) + 1
    code = f"U+{ord(first.group()):04X}"
    report.warn(rel, line, f"删除了 {count} 个不可见的控制字符（第一个是 {code}），请检查文字是否完整",
                f"removed {count} invisible control character(s) (the first is {code}); check the text is complete")
    return _CONTROLS.sub("", text)


MAX_DEPTH = 50  # nesting levels a front matter or settings file may use; no honest one needs more than five


def load_yaml(text: str, rel: str, first_line: int, report: Report) -> tuple[Any, Lines] | None:
    """Parse YAML, returning its value and the line of every key; None after reporting.

    Refused before anything is built from it: anchors and aliases (a few hundred bytes of them
    expand to gigabytes), nesting deeper than MAX_DEPTH, and a key written with a full-width colon.
    """
    if not _plain_yaml(text, rel, first_line, report):
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        _syntax_error(exc, text, rel, first_line, report)
        return None
    except yaml.YAMLError as exc:
        _unreadable(exc, text, rel, first_line, report)
        return None
    if node is None:
        return None, {}
    lines: Lines = {}
    if not _collect_lines(node, (), first_line, lines, rel, report):
        return None
    constructor = _Constructor()
    try:
        value = constructor.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        _syntax_error(exc, text, rel, first_line, report)
        return None
    except (yaml.YAMLError, ValueError, TypeError, KeyError, OverflowError) as exc:
        _unconstructable(node, exc, rel, first_line, report)
        return None
    return value, lines


# a key at the start of a line followed by a full-width colon, as Chinese input methods type it
_FULL_WIDTH_COLON = re.compile(r"^[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*：")


def _plain_yaml(text: str, rel: str, first_line: int, report: Report) -> bool:
    """Refuse full-width colons after keys, anchors and aliases, and deep nesting, each at its line."""
    ok = True
    for offset, line in enumerate(text.split("\n")):
        match = _FULL_WIDTH_COLON.match(line)
        if match:
            report.error(rel, first_line + offset,
                         f"“{match.group(1)}” 后面用了全角冒号 “：”，请改为半角冒号加空格 “: ”",
                         f"'{match.group(1)}' is followed by a full-width colon '：'; use an ASCII colon and a space ': '")
            ok = False
    if not ok or not ("&" in text or "*" in text or text.count("[") + text.count("{") > MAX_DEPTH
                      or len(text) > 40 * MAX_DEPTH):
        return ok
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                report.error(rel, first_line + event.start_mark.line,
                             "文件头不允许使用 YAML 锚点和别名（& 和 *）；请把值直接写出来，需要星号时加引号",
                             "YAML anchors and aliases (& and *) are not allowed; write the value out, and quote a "
                             "value that starts with '*'")
                return False
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    _too_deep(rel, first_line + event.start_mark.line, report)
                    return False
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # libyaml 0.2.6+ (PyYAML 6.0.4's wheels) stops at its own nesting limit while it scans ahead,
        # before the parser hands over the events counted above: the same mistake, the same message
        if "nesting depth" in str(exc.problem) and exc.problem_mark is not None:
            _too_deep(rel, first_line + exc.problem_mark.line, report)
            return False
        return True  # compose reports it, with its line
    except yaml.YAMLError:
        return True  # compose reports it, with its line
    return True


def _too_deep(rel: str, line: int, report: Report) -> None:
    report.error(rel, line, f"YAML 嵌套超过 {MAX_DEPTH} 层，请简化结构",
                 f"the YAML nests more than {MAX_DEPTH} levels deep; simplify it")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, rel: str, first_line: int, report: Report) -> None:
    mark = exc.problem_mark or exc.context_mark
    offset = mark.line if mark else 0
    line = first_line + offset
    problem = _one_line(exc.problem or exc.context or "syntax error")
    source_lines = text.split("\n")
    if "\t" in (source_lines[offset] if offset < len(source_lines) else "") or "\\t" in problem:
        report.error(rel, line, "YAML 中不能用制表符（tab）缩进，请改用空格",
                     "YAML cannot be indented with a tab; use spaces")
        return
    source = source_lines[offset] if offset < len(source_lines) else ""
    indicator = _RESERVED_START.match(source)
    if indicator:  # `summary: *重要*`: Markdown emphasis that YAML reads as an alias (or a reserved character)
        key, char = indicator.group(1) or "", indicator.group(2)
        value = source[indicator.start(2):].strip()
        fixed = (f"{key}: " if key else "") + '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        named_zh, named_en = (f"“{key}” 的值", f"the value of '{key}'") if key else ("值", "a value")
        report.error(rel, line, f"{named_zh}以 “{char}” 开头，YAML 不能这样读：请给值加上引号，写成 {fixed}",
                     f"{named_en} starts with '{char}', which YAML cannot read there; put it in quotes: {fixed}")
        return
    report.error(rel, line, f"YAML 语法错误：{problem}；请检查缩进、冒号和引号",
                 f"YAML syntax error: {problem}; check indentation, colons and quotes")


# a value that starts with a character YAML reserves (an alias's `*`, an anchor's `&`, `@`, a backquote)
_RESERVED_START = re.compile(r"^[ \t]*(?:-[ \t]+)?(?:([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*:[ \t]+)?([*&@`])")


def _unreadable(exc: yaml.YAMLError, text: str, rel: str, first_line: int, report: Report) -> None:
    position = getattr(exc, "position", None)
    line = first_line + (text.count("\n", 0, position) if isinstance(position, int) else 0)
    reason = _one_line(getattr(exc, "reason", "") or exc)
    report.error(rel, line, f"YAML 无法读取：{reason}", f"YAML cannot be read: {reason}")


def _unconstructable(node: yaml.Node, exc: Exception, rel: str, first_line: int, report: Report) -> None:
    """A value that does not fit its tag (`!!int abc`, a 5,000-digit number): reported at its own line."""
    line = first_line + node.start_mark.line
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            try:
                _Constructor().construct_object(current)
            except (yaml.YAMLError, ValueError, TypeError, KeyError, OverflowError):
                line = first_line + current.start_mark.line
                break
        elif isinstance(current, yaml.MappingNode):
            stack.extend(item for pair in reversed(current.value) for item in reversed(pair))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
    report.error(rel, line, "值与它的类型标记不符或数字过长（例如 !!int abc），请去掉 !! 标记或改正数值",
                 "a value does not fit its type tag or the number is too long (e.g. !!int abc); drop the !! tag or "
                 "fix the value")


def _collect_lines(
    node: yaml.Node, path: tuple[Any, ...], first: int, lines: Lines, rel: str, report: Report
) -> bool:
    lines[path] = first + node.start_mark.line
    ok = True
    if isinstance(node, yaml.ScalarNode):
        bad = _UNWRITABLE.search(node.value)
        if bad is not None:  # written as an escape ("\uFFFF", "\0", "\x01"): the text itself had none
            code = f"U+{ord(bad.group()):04X}"
            report.error(rel, first + node.start_mark.line,
                         f"值中含有控制字符或非字符 {code}（以转义写成），网页和订阅源无法承载；请删除它",
                         f"the value holds {code}, a control character or noncharacter (written as an escape) that "
                         "pages and feeds cannot carry; remove it")
            return False
    elif isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
            if key.tag == "tag:yaml.org,2002:merge":
                # `<<: {…}` copies keys in from elsewhere: they would have no line of their own
                report.error(rel, first + key.start_mark.line,
                             "不允许使用 YAML 合并键 “<<”；请把字段直接写出来",
                             "YAML merge keys ('<<') are not allowed; write the keys out")
                ok = False
                continue
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
