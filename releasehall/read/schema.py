"""A small declarative schema: fields with types, required flags and allowed values.

`check` walks a YAML mapping against a schema and reports every unknown key (with "did
you mean"), missing required key, wrong type and bad value at its line. The records of the
model and the settings declare the keys of their files on their fields (`key`, `nested`, `many`,
`section`, `named`; see the end of this module), from which their schemas follow.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, TypeVar, dataclass_transform, overload

from releasehall.errors import Report, did_you_mean
from releasehall.read.sources import Lines

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
_DATE_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


# Dates a hall can mean; outside them deadline and calendar arithmetic would overflow (year 1, year 9999)
FIRST_YEAR, LAST_YEAR = 1900, 2999
# The largest whole number a field takes: larger ones are typing mistakes and overflow day arithmetic
MAX_INT = 1_000_000


class Invalid(Exception):
    """A value that does not fit its field; carries the message in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


@dataclass(frozen=True, slots=True)
class Context:
    """What a field parser may need: the site's time zone."""

    tz: tzinfo


Parser = Callable[[Any, Context], Any]
P = TypeVar("P", bound=Callable[..., Any])
T = TypeVar("T")
D = TypeVar("D")
R = TypeVar("R")


def typed(label: str) -> Callable[[P], P]:
    """Declare what a parser accepts, in words (`文字 text`): the field reference shows it as the key's type."""
    def mark(parse: P) -> P:
        parse.type_label = label  # type: ignore[attr-defined]
        return parse

    return mark


def type_label(parse: Parser | None) -> str:
    """What a parser accepts, as it declared it (`typed`); else its docstring's first line, else its name."""
    label = getattr(parse, "type_label", None)
    if label:
        return str(label)
    doc = (getattr(parse, "__doc__", None) or "").strip().splitlines()
    return doc[0] if doc else getattr(parse, "__name__", "?").strip("_").replace("_", " ")


@dataclass(frozen=True, slots=True)
class Doc:
    """What a key means, in Chinese and English, and an example value: the field reference (docs/fields.md) is
    written from these."""

    zh: str
    en: str
    example: str = ""


@dataclass(frozen=True, slots=True)
class Field:
    """One key, declared once: its parser (its type), whether it is required, its default, what it means (`doc`),
    or a nested schema for a mapping (`many`: a list of mappings; `named`: a mapping of names, each a slug the
    user chooses, to mappings). Validation, the records' values and the field reference all come from here."""

    parse: Parser | None = None
    required: bool = False
    default: Any = None
    nested: Mapping[str, Field] | None = None
    many: bool = False
    named: bool = False
    doc: Doc | None = None


Schema = Mapping[str, Field]


def parse_datetime(value: Any, tz: tzinfo) -> datetime:
    """`YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or ISO 8601; without an offset, in the site's zone."""
    text = str(value).strip() if isinstance(value, str | int) else None
    if text is None or not _DATE_RE.fullmatch(text):
        raise Invalid(
            f"日期格式不对：“{value}”，应写成 YYYY-MM-DD、YYYY-MM-DD HH:MM 或带时区的 ISO 8601",
            f"bad date '{value}': write YYYY-MM-DD, YYYY-MM-DD HH:MM or ISO 8601 with an offset",
        )
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid(
            f"日期不存在：“{value}”（{exc}）", f"no such date '{value}' ({exc})"
        ) from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise Invalid(f"日期 “{value}” 超出范围：年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间",
                      f"date '{value}' is out of range: the year must be {FIRST_YEAR}-{LAST_YEAR}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


@typed("日期 date")
def date_time(value: Any, ctx: Context) -> datetime:
    return parse_datetime(value, ctx.tz)


@typed("文字 text")
def text(value: Any, ctx: Context) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid(f"应为文字，而不是 {_kind(value)}", f"expected text, not {_kind(value)}")
    result = str(value).strip()
    if not result:
        raise Invalid("不能为空", "must not be empty")
    return result


@typed("true / false")
def boolean(value: Any, ctx: Context) -> bool:
    if not isinstance(value, bool):
        raise Invalid(
            f"应为 true 或 false，而不是 {_kind(value)}",
            f"expected true or false, not {_kind(value)}",
        )
    return value


@typed("正整数 positive integer")
def positive_int(value: Any, ctx: Context) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INT:
        raise Invalid(f"应为 1 到 {MAX_INT} 之间的整数，而不是 “{_short(value)}”",
                      f"expected a whole number from 1 to {MAX_INT}, not '{_short(value)}'")
    return value


def up_to(most: int) -> Parser:
    """A whole number from 1 to `most` (a limit in working days, where larger values are mistakes)."""
    def parse(value: Any, ctx: Context) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
            raise Invalid(f"应为 1 到 {most} 之间的整数，而不是 “{_short(value)}”",
                          f"expected a whole number from 1 to {most}, not '{_short(value)}'")
        return value

    return typed(f"整数 whole number 1–{most}")(parse)


@typed("整数 integer")
def integer(value: Any, ctx: Context) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not -MAX_INT <= value <= MAX_INT:
        raise Invalid(f"应为 -{MAX_INT} 到 {MAX_INT} 之间的整数，而不是 “{_short(value)}”",
                      f"expected a whole number from -{MAX_INT} to {MAX_INT}, not '{_short(value)}'")
    return value


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else f"{text[:20]}…（{len(text)} 位 digits）"


@typed("标识 id (`a-z0-9-`)")
def slug(value: Any, ctx: Context) -> str:
    result = text(value, ctx)
    if not SLUG_RE.fullmatch(result):
        raise Invalid(
            f"“{result}” 不是有效的标识：只能用小写字母、数字和连字符，并以字母或数字开头",
            f"'{result}' is not a valid id: use a-z, 0-9 and '-', starting with a letter or digit",
        )
    return result


# a code host's user (`@alice`) or team (`@org/team`), as CODEOWNERS names them
_HANDLE_RE = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:/[A-Za-z0-9][A-Za-z0-9_.-]{0,99})?")


@typed("代码托管账号 code-host handle (`@user`, `@org/team`)")
def code_host_handle(value: Any, ctx: Context) -> str:
    result = text(value, ctx)
    if not _HANDLE_RE.fullmatch(result):
        raise Invalid(f"“{_short(result)}” 不是代码托管平台的账号：应写成 @用户名 或 @组织/团队",
                      f"'{_short(result)}' is not a code-host handle: write @user or @org/team")
    return result


_SEGMENT = re.compile(r"[\w~-][\w.~-]*")  # no "." or ".." segments, no hidden files; \w takes Chinese
_PAGE_ENDINGS = (".html", ".htm", ".shtml")  # a redirect page is HTML: a static server must serve it as such


def alias_path(value: Any, ctx: Context) -> str:
    """站内旧网址 path in the hall (`/dept/releases/old/`, `….html`; see docs/decisions.md, "Aliases")

    A schema parser: a normalized root-relative path ending in `/` or `.html`, nothing that could leave the
    output folder."""
    if not isinstance(value, str):
        raise Invalid("别名应为以 / 开头的站内路径", "an alias is a path starting with /")
    path = value.strip()
    segments = path.split("/")
    last = segments[-1]
    ok = (len(segments) >= 2 and segments[0] == "" and all(_SEGMENT.fullmatch(s) for s in segments[1:-1])
          and ((last == "" and len(segments) > 2)
               or (_SEGMENT.fullmatch(last) is not None and last.lower().endswith(_PAGE_ENDINGS))))
    if not ok:
        raise Invalid(
            f"别名 “{value}” 无效：应是以 / 开头、以 / 或 .html 结尾的站内旧网址（如 /police/releases/old-slug/），"
            "不含域名、?、#、%、反斜杠、空段、“.” 或 “..”",
            f"alias '{value}' is not valid: write the old path inside the hall, starting with / and ending with / "
            "or .html (e.g. /police/releases/old-slug/), without a domain, ?, #, %, backslashes, empty, '.' or '..' "
            "segments",
        )
    return path


def one_of(*choices: str) -> Parser:
    def parse(value: Any, ctx: Context) -> str:
        if not isinstance(value, str) or value not in choices:
            allowed = ", ".join(choices)
            zh_hint, en_hint = did_you_mean(str(value), choices)
            raise Invalid(
                f"取值 “{value}” 无效，可选：{allowed}{zh_hint}",
                f"'{value}' is not allowed; choose one of: {allowed}{en_hint}",
            )
        return value

    return typed("之一 one of: " + ", ".join(f"`{c}`" for c in choices))(parse)


MAX_ITEMS = 200  # items in a list of an editor's front matter or department.yaml: more is no one's writing
MAX_WORDS = 20  # topics of one item: each makes the item appear on a topic page and in its feeds
MAX_WORD = 100  # characters of one topic


def list_of(item: Parser, most: int | None = None) -> Parser:
    def parse(value: Any, ctx: Context) -> tuple[Any, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise Invalid(f"应为列表，而不是 {_kind(value)}", f"expected a list, not {_kind(value)}")
        if most is not None and len(value) > most:
            raise Invalid(f"列表有 {len(value)} 项，最多 {most} 项", f"the list has {len(value)} items; at most {most}")
        return tuple(item(entry, ctx) for entry in value)

    return typed(f"列表 list of {type_label(item)}")(parse)


def unique(parse: Callable[[Any, Context], tuple[T, ...]]) -> Callable[[Any, Context], tuple[T, ...]]:
    """A list parser whose repeats are dropped, the first of each kept in its place (`[a, b, a]` is `(a, b)`)."""
    def parse_once(value: Any, ctx: Context) -> tuple[T, ...]:
        return tuple(dict.fromkeys(parse(value, ctx)))

    return typed(type_label(parse))(parse_once)


_LIST_SEPARATORS = re.compile(r"[，、,]")


@typed("列表 list of 文字 text（也按 ，、, 拆分 / also split on ，、,）")
def words(value: Any, ctx: Context) -> tuple[str, ...]:
    """A list of short texts; each item is also split on commas, full-width commas and 、, which Chinese input
    methods type where YAML expects ', ' (`[救助，冬季]` is two topics, not one)."""
    found = tuple(word for item in list_of(text, MAX_ITEMS)(value, ctx) for word in (
        part.strip() for part in _LIST_SEPARATORS.split(item)) if word)
    if len(found) > MAX_WORDS:
        raise Invalid(f"共 {len(found)} 个，最多 {MAX_WORDS} 个；请只留下最能说明内容的几个",
                      f"{len(found)} of them; at most {MAX_WORDS}: keep the few that say most")
    long = next((word for word in found if len(word) > MAX_WORD), None)
    if long is not None:
        raise Invalid(f"“{long[:20]}…” 超过 {MAX_WORD} 个字，请缩短", f"'{long[:20]}…' is over {MAX_WORD} characters; shorten it")
    return found


@typed("映射 mapping")
def text_map(value: Any, ctx: Context) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise Invalid(f"应为 “名称: 值” 的映射，而不是 {_kind(value)}", f"expected a mapping, not {_kind(value)}")
    return tuple(sorted((str(key), text(entry, ctx)) for key, entry in value.items()))


@typed("true / false / 日期 date")
def date_or_bool(value: Any, ctx: Context) -> bool | datetime:
    if isinstance(value, bool):
        return value
    return date_time(value, ctx)


def _kind(value: Any) -> str:
    if value is None:
        return "空值 null"
    return {bool: "true/false", int: "数字 number", float: "数字 number", str: "文字 text",
            list: "列表 list", dict: "映射 mapping"}.get(type(value), type(value).__name__)


def defaults(field: Field) -> dict[str, Any]:
    """The values a nested mapping takes when it is left out: each key's default."""
    assert field.nested is not None
    return {name: inner.default for name, inner in field.nested.items()}


def check(
    data: Any,
    schema: Schema,
    lines: Lines,
    rel: str,
    report: Report,
    ctx: Context,
    at: tuple[Any, ...] = (),
) -> dict[str, Any] | None:
    """Validate a mapping; return parsed values (defaults filled in) or None after reporting."""
    line = lines.get(at, 1)
    if not isinstance(data, dict):
        report.error(
            rel, line, f"应为 “字段: 值” 的映射，而不是 {_kind(data)}",
            f"expected a mapping of 'key: value', not {_kind(data)}",
        )
        return None
    ok = True
    result: dict[str, Any] = {}
    for key in data:
        name = str(key)
        if name not in schema:
            zh_hint, en_hint = did_you_mean(name, schema)
            report.error(
                rel, lines.get((*at, name), line), f"未知字段 “{name}”{zh_hint}",
                f"unknown key '{name}'{en_hint}",
            )
            ok = False
    for name, field in schema.items():
        if name not in data or data[name] is None:
            if field.required:
                report.error(
                    rel, line if name not in data else lines.get((*at, name), line),
                    f"缺少必填字段 “{name}”", f"missing required key '{name}'",
                )
                ok = False
            else:
                result[name] = field.default
            continue
        if field.nested is not None:
            value = _check_nested(data[name], field, lines, rel, report, ctx, (*at, name))
            ok &= value is not None
            result[name] = value
            continue
        assert field.parse is not None
        try:
            result[name] = field.parse(data[name], ctx)
        except Invalid as exc:
            report.error(rel, lines.get((*at, name), line), f"字段 “{name}”：{exc.zh}", f"'{name}': {exc.en}")
            ok = False
    return result if ok else None


def _check_nested(
    value: Any,
    field: Field,
    lines: Lines,
    rel: str,
    report: Report,
    ctx: Context,
    at: tuple[Any, ...],
) -> Any:
    assert field.nested is not None
    if field.named:
        return _check_named(value, field, lines, rel, report, ctx, at)
    if not field.many:
        return check(value, field.nested, lines, rel, report, ctx, at)
    if not isinstance(value, list):
        report.error(
            rel, lines.get(at, 1), f"应为列表，而不是 {_kind(value)}",
            f"expected a list, not {_kind(value)}",
        )
        return None
    entries = [check(entry, field.nested, lines, rel, report, ctx, (*at, index))
               for index, entry in enumerate(value)]
    if any(entry is None for entry in entries):
        return None
    return tuple(entries)


def _check_named(
    value: Any,
    field: Field,
    lines: Lines,
    rel: str,
    report: Report,
    ctx: Context,
    at: tuple[Any, ...],
) -> tuple[tuple[str, dict[str, Any]], ...] | None:
    """A mapping of names (slugs) to mappings of `field.nested`: ((name, values), …) in the file's order."""
    assert field.nested is not None
    if not isinstance(value, dict):
        report.error(rel, lines.get(at, 1), f"应为 “名称: 映射” 的映射，而不是 {_kind(value)}",
                     f"expected a mapping of names to mappings, not {_kind(value)}")
        return None
    entries: list[tuple[str, dict[str, Any]]] = []
    ok = True
    for key, entry in value.items():
        name = str(key)
        if not SLUG_RE.fullmatch(name):
            report.error(rel, lines.get((*at, name), lines.get(at, 1)),
                         f"名称 “{name}” 无效：只能用小写字母、数字和连字符，并以字母或数字开头",
                         f"'{name}' is not a valid name: use a-z, 0-9 and '-', starting with a letter or digit")
            ok = False
            continue
        checked = check(entry, field.nested, lines, rel, report, ctx, (*at, name))
        if checked is None:
            ok = False
        else:
            entries.append((name, checked))
    return tuple(entries) if ok else None


# Fields declared on a record. A record of the model (`model/records`) declares each key of its file on the field
# that holds its value: `title: str = key(text, doc=Doc(...))`. That one line is the key's type (the parser, which
# mypy checks against the field's type), its default, whether it is required and what it means; the schema `check`
# validates with (`schema_of`), the copy into the record (`build`) and docs/fields.md all follow from it. A field
# declared without them is one the loader fills from elsewhere (the file's path, its body), always given to `build`.

_KEY = "releasehall.key"  # where a declared field keeps its `Key` (dataclasses' field metadata)


@dataclass(frozen=True, slots=True)
class Key:
    """What a record's field declares: the key's name in the file (when it is not the field's: `with`, `from`),
    its `Field`, and for a nested mapping the record each mapping becomes. `filled`: the file may leave it out, and
    then the loader gives the record's value (`build` takes none from the file). `section`: a mapping left out is
    its record with every key at its default. `public`: the value is shown to the public as written, so the
    personal-data check reads it (`shown`)."""

    name: str
    field: Field
    record: type | None = None
    filled: bool = False
    section: bool = False
    public: bool = False


def _declared(name: str, field: Field, default: Any = dataclasses.MISSING, record: type | None = None,
              filled: bool = False, section: bool = False, public: bool = False) -> Any:
    return dataclasses.field(default=default, metadata={_KEY: Key(name, field, record, filled, section, public)})


@overload
def key(parse: Callable[[Any, Context], T], *, name: str = "", doc: Doc, public: bool = False) -> T: ...
@overload
def key(parse: Callable[[Any, Context], T], *, default: D, name: str = "", doc: Doc, public: bool = False) -> T | D: ...
def key(parse: Callable[[Any, Context], Any], *, default: Any = dataclasses.MISSING, name: str = "",
        doc: Doc, public: bool = False) -> Any:
    """A key read with `parse`: required without a default. `name`: the key's name in the file, when it cannot be
    the field's (`with`, a Python keyword). `public`: its value is shown to the public as written (a department's
    name, description …), so the personal-data check reads it (`shown`)."""
    required = default is dataclasses.MISSING
    return _declared(name, Field(parse, required=required, default=None if required else default, doc=doc), default,
                     public=public)


def filled(parse: Callable[[Any, Context], T], *, name: str = "", doc: Doc) -> T:
    """A key the file may leave out, whose record value the loader always gives (a document's `effective`: its
    release's date when not written)."""
    return _declared(name, Field(parse, doc=doc), filled=True)  # type: ignore[no-any-return]


@overload
def nested(record: type[T], *, name: str = "", doc: Doc) -> T: ...
@overload
def nested(record: type[T], *, default: None, name: str = "", doc: Doc) -> T | None: ...
def nested(record: type[T], *, default: Any = dataclasses.MISSING, name: str = "", doc: Doc) -> Any:
    """A mapping of the keys `record` declares, which becomes that record; required without a default, else None
    when left out."""
    required = default is dataclasses.MISSING
    return _declared(name, Field(nested=schema_of(record), required=required, default=None, doc=doc), default,
                     record)


def section(record: type[T], *, name: str = "", doc: Doc) -> T:
    """A mapping of the keys `record` declares (none of them required), which becomes that record; left out, the
    record with every key at its default (site.yaml's `footer`, `reply_limits`)."""
    return _declared(name, Field(nested=schema_of(record), doc=doc), record=record,  # type: ignore[no-any-return]
                     section=True)


def named(record: type[T], *, name: str = "", doc: Doc) -> tuple[T, ...]:
    """A mapping of names (slugs the user chooses) to mappings of the keys `record` declares, each becoming that
    record with its `name`, in the file's order; none when left out."""
    return _declared(name, Field(nested=schema_of(record), named=True, doc=doc), (), record)  # type: ignore[no-any-return]


def many(record: type[T], *, default: tuple[()], name: str = "", doc: Doc) -> tuple[T, ...]:
    """A list of mappings of the keys `record` declares, each becoming that record; none when left out."""
    return _declared(name, Field(nested=schema_of(record), many=True, default=default, doc=doc),  # type: ignore[no-any-return]
                     default, record)


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(key, filled, nested, many, section, named))
def record(cls: type[T]) -> type[T]:
    """A frozen record whose fields are given by name; its `key`s are the keys of its file."""
    return dataclasses.dataclass(frozen=True, slots=True, kw_only=True)(cls)


def keys(record: type) -> tuple[tuple[str, Key], ...]:
    """(field name, what it declares) for every key a record declares, in the order declared."""
    return tuple((f.name, f.metadata[_KEY]) for f in dataclasses.fields(record) if _KEY in f.metadata)


def schema_of(record: type) -> Schema:
    """The keys a record declares, as `check` validates them: by their name in the file, in the order declared."""
    return _schema(record)


@functools.cache
def _schema(record: type) -> Schema:
    return {declared.name or name: declared.field for name, declared in keys(record)}


def shown(made: Any) -> dict[str, Any]:
    """The values of a record's `public` keys, by their names in the file, as the file wrote them: a mapping's
    (`text_map`) as a mapping, a nested record's as the mapping of its own public keys. What the personal-data
    check reads of a record whose values it checks one by one (a department)."""
    found: dict[str, Any] = {}
    kind: type = type(made)
    for name, key_name, declared in _public(kind):
        value = getattr(made, name)
        if declared.record is not None:
            if value is not None:
                found[key_name] = shown(value)
        else:
            found[key_name] = dict(value) if declared.field.parse is text_map else value
    return found


@functools.cache
def _public(record: type) -> tuple[tuple[str, str, Key], ...]:
    """(field name, key name, its declaration) of the keys `shown` reads: the public ones, and the nested records
    that have some."""
    return tuple((name, declared.name or name, declared) for name, declared in keys(record)
                 if declared.public or (declared.record is not None and not declared.field.many
                                        and not declared.field.named and _public(declared.record)))


def _copies(record: type) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, Key], ...]]:
    """What `build` copies from the values for each key not `filled`: (field name, key name) of the plain ones,
    and (field name, key name, its declaration) of the nested ones."""
    return _plan(record)


@functools.cache
def _plan(record: type) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, Key], ...]]:
    copied = [(name, declared) for name, declared in keys(record) if not declared.filled]
    return (tuple((name, declared.name or name) for name, declared in copied if declared.record is None),
            tuple((name, declared.name or name, declared) for name, declared in copied if declared.record is not None))


def build(record: type[R], values: Mapping[str, Any], **given: Any) -> R:
    """A record from the values `check` returned for its keys, each into its field (a nested mapping becoming its
    own record); `given` holds the fields the loader fills (and the keys whose value it derives further)."""
    plain, inner = _copies(record)
    fields = {name: values[key_name] for name, key_name in plain}
    for name, key_name, declared in inner:
        if name not in given:
            fields[name] = _inner(declared, values[key_name])
    fields.update(given)
    return record(**fields)


def _inner(declared: Key, value: Any) -> Any:
    """A nested key's value as its record(s)."""
    kind = declared.record
    assert kind is not None
    if declared.field.named:
        return tuple([build(kind, entry, name=name) for name, entry in value]) if value else ()
    if declared.field.many:
        return tuple([build(kind, entry) for entry in value]) if value else ()
    if value is None:
        return build(kind, defaults(declared.field)) if declared.section else None
    return build(kind, value)
