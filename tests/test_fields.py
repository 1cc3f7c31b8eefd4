"""A key of a file is declared once, on its record's field (model/records; site.yaml's on `Settings` and its
sections): the schema the loader checks, the copy into the record and docs/fields.md follow from it, and a record
holds nothing its loader does not fill."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers import front, write_site

from releasehall.content import load
from releasehall.content.load import load_content
from releasehall.content.privacy import check_source
from releasehall.errors import Report
from releasehall.model import records
from releasehall.read import schema as s
from releasehall.read.schema import Doc, key, record
from releasehall.settings import site
from releasehall.settings.site import load_settings

# each file's schema, as the loader checks it, and the record it becomes
FILES = {"department": (load.DEPARTMENT_SCHEMA, records.Department), "release": (load.RELEASE_SCHEMA, records.Release),
         "question": (load.QUESTION_SCHEMA, records.Question), "page": (load.PAGE_SCHEMA, records.Page)}

# The fields a record holds that no key of its file declares: what the loader fills from the file's path, its
# body and its lines. Named here so that a field added to a record is either declared as a key or added here (and
# given by the loader, which the record's constructor enforces: these fields have no default).
_WHERE = {"id", "dept", "slug", "rel", "body", "body_line", "lines", "front_digest", "personal"}
FILLED_BY_THE_LOADER: dict[type, set[str]] = {
    records.Department: {"id", "rel", "lines"},
    records.Release: _WHERE,
    records.Question: _WHERE,
    records.Page: _WHERE - {"dept"},
    records.Attachment: {"line"},
    site.Settings: {"root"},  # the hall's folder
    site.ImportProfile: {"name", "lines"},  # its name in site.yaml, where its keys are
}
# keys the file may leave out whose record value the loader then derives (`schema.filled`)
DERIVED_KEYS = {(records.DocumentMeta, "effective"), (site.Dialect, "extensions")}


def _records(cls: type) -> list[type]:
    """A record and the records its keys nest, depth first."""
    found = [cls]
    for _name, declared in s.keys(cls):
        if declared.record is not None:
            found += _records(declared.record)
    return found


EVERY_RECORD = list(dict.fromkeys([*(r for _schema, cls in FILES.values() for r in _records(cls)),
                                   *_records(site.Settings)]))


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_loader_checks_a_file_against_the_keys_its_record_declares(name):
    schema, cls = FILES[name]
    assert dict(schema) == dict(s.schema_of(cls))
    assert list(schema) == list(s.schema_of(cls))  # the order docs/fields.md lists them in
    for _field, declared in s.keys(cls):
        if declared.record is not None:  # a nested mapping is checked against its own record's keys
            assert declared.field.nested == s.schema_of(declared.record)


def test_site_yaml_is_checked_against_the_keys_settings_declares():
    assert dict(site.SCHEMA) == dict(s.schema_of(site.Settings))
    assert list(site.SCHEMA)[:3] == ["title", "base_url", "language"]  # the order docs/fields.md lists them in
    assert site.SCHEMA["import"].nested == s.schema_of(site.Imports)  # a key named as Python cannot name a field
    assert tuple(s.schema_of(site.Columns)) == site.IMPORT_COLUMNS


@pytest.mark.parametrize("cls", EVERY_RECORD, ids=lambda cls: cls.__name__)
def test_every_field_of_a_record_is_a_key_or_named_as_filled_by_the_loader(cls):
    declared = {name for name, _key in s.keys(cls)}
    fields = {f.name: f for f in dataclasses.fields(cls)}
    assert set(fields) - declared == FILLED_BY_THE_LOADER.get(cls, set())
    # none of them has a default: a record cannot be built without the loader giving it
    assert [name for name in set(fields) - declared if fields[name].default is not dataclasses.MISSING
            or fields[name].default_factory is not dataclasses.MISSING] == []
    filled = {(cls, name) for name, k in s.keys(cls) if k.filled}
    assert filled == {pair for pair in DERIVED_KEYS if pair[0] is cls}


def test_a_record_field_left_undeclared_and_unfilled_cannot_be_built():
    @record
    class Note:
        rel: str
        title: str = key(s.text, doc=Doc("标题", "title"))

    assert s.schema_of(Note) == {"title": Note.__dataclass_fields__["title"].metadata["releasehall.key"].field}
    assert s.build(Note, {"title": "t"}, rel="a.md") == Note(rel="a.md", title="t")
    with pytest.raises(TypeError, match="rel"):
        s.build(Note, {"title": "t"})


def _conforms(value: object, hint: object) -> bool:
    """Whether a value is of a field's declared type (the shapes records use)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, arg) for arg in args)
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_conforms(item, args[0]) for item in value)
        return len(args) == len(value) and all(_conforms(item, arg) for item, arg in zip(value, args, strict=True))
    if hint is type(None):
        return value is None
    if hint is int:
        return type(value) is int
    assert isinstance(hint, type), hint
    return isinstance(value, hint)


# a file of each kind with every key written, none at its default
DEPARTMENT = {"name": "示例市交通运输局", "short_name": "示例交通", "parent": "gongan", "level": "district", "order": 2,
              "description": "负责交通。", "spokesperson": {"name": "王明", "title": "新闻发言人", "email": "a@example.gov.cn",
                                                          "phone": "0755-8800 0001"},
              "accounts": {"weibo": "https://weibo.com/x"}, "maintainers": ["@editor"], "aliases": ["/old-jt/"],
              "partners": ["gongan", "gongan"]}
RELEASE = {"title": "通告", "topics": ["交通", "交通", "公交"], "related": ["gongan/releases/b"], "draft": True,
           "toc": True, "attachments": [{"file": "files/a.pdf", "title": "全文"}], "aliases": ["/jiaotong/old/"],
           "date": "2024-10-01 09:00", "kind": "policy", "claim": "网传", "with": ["gongan", "jiaotong", "gongan"],
           "summary": "摘要。", "pinned": "2024-10-08", "expires": "2024-12-01", "updated": "2024-10-02",
           "changes": [{"date": "2024-10-02", "note": "补充"}],
           "document": {"number": "示交〔2024〕1号", "index": "X-1", "issuer": "示例市人民政府", "written": "2024-09-20",
                        "effective": "2024-10-02", "repealed": "2025-10-01", "replaced_by": "gongan/releases/b"},
           "interprets": ["gongan/releases/b"]}
QUESTION = {"title": "留言", "topics": ["交通"], "related": ["gongan/releases/b"], "draft": True, "toc": False,
            "attachments": [{"file": "files/a.pdf", "title": "材料"}], "aliases": ["/jiaotong/old-q/"],
            "asked": "2024-10-01 09:00", "question": "能否通行？", "asker": "网友", "channel": "微博",
            "source": {"channel": "12345热线", "id": "GD1"}, "category": "complaint", "complexity": "complex",
            "replied": "2024-10-02 09:00", "promised": "2024-10-20", "resolved": "2024-10-10",
            "satisfaction": "satisfied", "transfers": [{"from": "gongan", "to": "jiaotong", "date": "2024-10-01",
                                                        "note": "转"}],
            "paused": [{"from": "2024-10-03", "to": "2024-10-04", "note": "等"}], "withdrawn": None,
            "import_digest": "ab12"}
PAGE = {"title": "关于", "summary": "摘要。", "order": 3, "draft": True, "aliases": ["/about-old/"], "toc": True,
        "ask": True}


def _every_key_written(tmp_path):
    files = {"content/gongan/department.yaml": {"name": "示例市公安局", "partners": ["jiaotong"]},
             "content/gongan/releases/b.md": front({"title": "旧文件", "date": "2024-09-01"}),
             "content/jiaotong/department.yaml": DEPARTMENT,
             "content/jiaotong/releases/files/a.pdf": b"%PDF-1.4\n",
             "content/jiaotong/releases/r.md": front(RELEASE, "正文\n"),
             "content/jiaotong/qa/files/a.pdf": b"%PDF-1.4\n",
             "content/jiaotong/qa/q.md": front({k: v for k, v in QUESTION.items() if v is not None}, "答复\n"),
             "content/pages/about.md": front(PAGE, "关于\n")}
    root = write_site(tmp_path, files)
    report = Report()
    content, _cache = load_content(load_settings(root, report), report)
    assert report.errors == []
    return content


def test_every_key_written_reaches_its_records_field_with_the_fields_type(tmp_path):
    content = _every_key_written(tmp_path)
    release = next(r for r in content.releases if r.dept == "jiaotong")
    (question,), (page,) = content.questions, content.pages
    written = [(content.departments["jiaotong"], DEPARTMENT), (release, RELEASE), (question, QUESTION), (page, PAGE)]
    for made, data in written:
        cls = type(made)
        hints = typing.get_type_hints(cls)
        defaults = {f.name: f.default for f in dataclasses.fields(cls)}
        for name, declared in s.keys(cls):
            value = getattr(made, name)
            assert _conforms(value, hints[name]), (cls.__name__, name, value)
            if data.get(declared.name or name) is not None:  # written: not left at its default
                assert value != defaults[name], (cls.__name__, name)
    # nested mappings become their records, renamed keys reach their fields, lists are read as declared
    assert content.departments["jiaotong"].spokesperson == records.Spokesperson(
        name="王明", title="新闻发言人", email="a@example.gov.cn", phone="0755-8800 0001")
    assert content.departments["jiaotong"].partners == ("gongan",)
    assert release.co_publishers == ("gongan",)  # once, and never its own department
    assert release.topics == ("交通", "公交")
    assert release.attachments == (records.Attachment(file="files/a.pdf", title="全文", line=12),)  # the line of its `file`
    assert release.document is not None and release.document.effective == datetime.fromisoformat("2024-10-02T00:00+08:00")
    assert question.transfers[0].source == "gongan" and question.transfers[0].target == "jiaotong"
    assert question.paused[0].end == datetime.fromisoformat("2024-10-04T00:00+08:00")
    assert question.source == records.Imported(channel="12345热线", id="GD1")


def test_a_documents_effective_date_is_its_releases_date_when_not_written(tmp_path):
    document = {"number": "示交〔2024〕2号"}
    root = write_site(tmp_path, {"content/jiaotong/department.yaml": {"name": "示例市交通运输局"},
                                 "content/jiaotong/releases/r.md": front(
                                     {"title": "通告", "date": "2024-10-01 09:00", "document": document}, "正文\n")})
    report = Report()
    content, _cache = load_content(load_settings(root, report), report)
    (release,) = content.releases
    assert release.document == records.DocumentMeta(number="示交〔2024〕2号", index="", issuer="", written=None,
                                                    effective=release.date, repealed=None, replaced_by="")


# site.yaml with every key written, none at its default
SITE_EVERY = {
    "title": "示例市政务发布厅", "base_url": "https://fabu.example.gov.cn/hall", "language": "en", "timezone": "Asia/Tokyo",
    "description": "简介", "owner": "示例市人民政府", "favicon": "static/f.png",
    "footer": {"organizer": "主办", "operator": "承办", "dzjg": {"href": "https://bszs.conac.cn/x", "image": "static/d.png"},
               "report_error": "https://zfwzzc.www.gov.cn/x", "site_code": "4400000001", "icp": "示ICP备1号",
               "police": "示公网安备 1号", "contact": "0755-8800 0000"},
    "ask": [{"name": "12345 热线", "url": "https://liuyan.example.gov.cn/", "phone": "12345", "note": "全天"}],
    "supervise": {"name": "督查室", "url": "https://ducha.example.gov.cn/", "phone": "0755-8800 0012", "note": "工作日"},
    "reply_limits": {"normal": 4, "complex": 8, "very_late": 21},
    "calendar": {"holidays": ["2027-01-05", "2027-01-04", "2027-01-04"], "workdays": ["2027-02-06"]},
    "stale_after_days": 15, "paginate": 21, "feed_items": 51, "variants": ["zh-Hant"], "output": "out",
    "markdown": {"engine": "python-markdown", "extensions": ["tables", "def_list"]},
    "attachments": {"max_mb": 10}, "images": {"max_width": 800},
    "import": {"profiles": {"hotline": {
        "channel": "12345热线", "sheet": "工单",
        "columns": {"id": "编号", "asked": "受理时间", "title": "标题", "question": "内容", "department": "单位",
                    "category": "类型", "replied": "办结时间", "reply": "结果", "asker": "联系人", "contact": "电话"},
        "departments": {"市交通运输局": "jiaotong"}, "categories": {"投诉": "complaint"}}}},
    "maintainers": ["@org/hall-ops"],
}


def _dotted(schema: s.Schema, at: str = "") -> set[str]:
    """Every key of a schema, nested ones under their parent (`footer.dzjg.href`, `import.profiles.<name>.sheet`)."""
    found = set()
    for name, field in schema.items():
        found.add(at + name)
        if field.nested is not None:
            found |= _dotted(field.nested, f"{at}{name}.<name>." if field.named else f"{at}{name}.")
    return found


def _written(data: object, at: str = "") -> set[str]:
    """Every key a YAML value writes, as `_dotted` names them (a list's mappings under their list's key)."""
    found: set[str] = set()
    if isinstance(data, list):
        for entry in data:
            found |= _written(entry, at)
    elif isinstance(data, dict) and not at.endswith(("departments.", "categories.")):
        for name, value in data.items():
            if at.endswith("profiles."):  # a name the user chooses: its mapping's keys under `<name>`
                found |= _written(value, f"{at}<name>.")
            else:
                found |= {at + name} | _written(value, f"{at}{name}.")
    return found


def _reaches(made: object, data: dict, baseline: object) -> None:
    """Each key written reaches its field, of the field's type, and not at the value a hall without it has
    (`baseline`: the record a site.yaml leaving it out makes; None where there is none, the field's default then)."""
    cls = type(made)
    hints = typing.get_type_hints(cls)
    defaults = {f.name: f.default for f in dataclasses.fields(cls)}
    for name, declared in s.keys(cls):
        value = getattr(made, name)
        assert _conforms(value, hints[name]), (cls.__name__, name, value)
        if (declared.name or name) not in data:
            continue
        written = data[declared.name or name]
        unwritten = getattr(baseline, name) if baseline is not None else defaults[name]
        assert value != unwritten, (cls.__name__, name)
        if declared.record is not None and not declared.field.many and not declared.field.named:
            _reaches(value, written, unwritten if dataclasses.is_dataclass(unwritten) else None)
        elif declared.record is not None:
            entries = written.values() if declared.field.named else written
            for item, entry in zip(value, entries, strict=True):
                _reaches(item, entry, None)


def _settings(tmp_path: Path, data: dict) -> site.Settings:
    root = write_site(tmp_path, {}, data)
    report = Report()
    settings = load_settings(root, report)
    assert report.errors == [] and settings is not None
    return settings


def test_every_site_yaml_key_written_reaches_its_settings_field_with_the_fields_type(tmp_path):
    # the site.yaml above writes every key declared (declare a key and write it there too)
    assert _written(SITE_EVERY) == _dotted(site.SCHEMA)
    settings = _settings(tmp_path / "every", SITE_EVERY)
    bare = _settings(tmp_path / "bare", {"title": "发布厅", "base_url": "https://a.example.gov.cn/"})
    _reaches(settings, SITE_EVERY, bare)
    # what the loader works out beyond the values: the base URL's slash, the output under the hall, the
    # python-markdown extensions, the import profile's name
    assert settings.base_url == "https://fabu.example.gov.cn/hall/"
    assert settings.output == (tmp_path / "every" / "out").resolve() and settings.root == tmp_path / "every"
    assert settings.markdown == site.Dialect(engine="python-markdown", extensions=("tables", "def_list"))
    assert settings.calendar.holidays == (date(2027, 1, 4), date(2027, 1, 5))  # each day once, in order
    (profile,) = settings.import_profiles
    assert profile.name == "hotline" and profile.column("replied") == "办结时间"
    assert profile.headers[:2] == (("id", "编号"), ("asked", "受理时间"))
    # a section's values under the flat names code and templates read
    assert (settings.reply_normal, settings.reply_complex, settings.reply_very_late) == (4, 8, 21)
    assert settings.extra_holidays == frozenset({date(2027, 1, 4), date(2027, 1, 5)})
    assert settings.extra_workdays == frozenset({date(2027, 2, 6)})
    assert (settings.attachments_max_mb, settings.images_max_width) == (10, 800)


def test_a_section_left_out_is_its_record_with_every_key_at_its_default(tmp_path):
    settings = _settings(tmp_path, {"title": "发布厅", "base_url": "https://a.example.gov.cn/"})
    assert settings.footer == site.Footer()
    assert settings.reply_limits == site.ReplyLimits(normal=3, complex=7, very_late=20)
    assert settings.calendar == site.Calendar(holidays=(), workdays=())
    assert settings.markdown == site.COMMONMARK == site.Dialect(engine="commonmark", extensions=())
    assert (settings.attachments_max_mb, settings.images_max_width, settings.import_profiles) == (50, 1600, ())
    assert (settings.ask, settings.supervise, settings.output) == ((), None, (tmp_path / "public").resolve())


def test_python_markdown_without_extensions_reads_the_default_ones(tmp_path):
    settings = _settings(tmp_path, {"title": "发布厅", "base_url": "https://a.example.gov.cn/",
                                    "markdown": {"engine": "python-markdown"}})
    assert settings.markdown.extensions == site.DEFAULT_PYTHON_MARKDOWN_EXTENSIONS


# What the personal-data check reads of a department: the keys its record declares `public` (shown as written). The
# others are named here, so that a key added to a department is either declared public or added here.
NOT_SHOWN_AS_WRITTEN = {"parent", "level", "order", "maintainers", "aliases", "partners",
                        "spokesperson.phone"}  # ids, numbers, handles, paths; the hall's own published number
A_MOBILE = "电话 13812345678"


def _public_paths(cls: type, at: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The key paths of a record's public keys, a nested record's under its key."""
    found = []
    for name, declared in s.keys(cls):
        path = (*at, declared.name or name)
        if declared.record is not None:
            found += _public_paths(declared.record, path)
        elif declared.public:
            found.append(path)
    return found


def _every_key_path(cls: type, at: tuple[str, ...] = ()) -> set[str]:
    found = set()
    for name, declared in s.keys(cls):
        path = (*at, declared.name or name)
        found |= _every_key_path(declared.record, path) if declared.record is not None else {".".join(path)}
    return found


def test_every_key_of_a_department_is_declared_public_or_named_as_not_shown_as_written():
    public = {".".join(path) for path in _public_paths(records.Department)}
    assert public == {"name", "short_name", "description", "spokesperson.name", "spokesperson.title",
                      "spokesperson.email", "accounts"}
    assert _every_key_path(records.Department) - public == NOT_SHOWN_AS_WRITTEN


@pytest.mark.parametrize("path", _public_paths(records.Department), ids=".".join)
def test_a_number_in_each_public_key_of_a_department_is_reported_at_its_line(tmp_path, path):
    """Each key declared public is checked, with no list of them in the check: a key declared public tomorrow is too."""
    field = s.schema_of(records.Department)[path[0]]
    for part in path[1:]:
        assert field.nested is not None
        field = field.nested[part]
    mapping = field.parse is s.text_map
    text, line = _department_yaml(path, mapping)
    root = write_site(tmp_path, {"content/jiaotong/department.yaml": text})
    report = Report()
    load_content(load_settings(root, report), report)
    written = ".".join(path) + (".客服" if mapping else "")
    assert [(p.path, p.line, p.en.split(" contains")[0]) for p in report.errors] == [
        ("content/jiaotong/department.yaml", line, f"'{written}'")]


def _department_yaml(path: tuple[str, ...], mapping: bool) -> tuple[str, int]:
    """department.yaml with a mobile number in the key at `path` (in a mapping's entry when `mapping`), and its line."""
    lines = [] if path == ("name",) else ["name: 示例市交通运输局"]
    indent = ""
    for part in path[:-1]:
        lines.append(f"{indent}{part}:")
        indent += "  "
        if path[-1] != "name":
            lines.append(f"{indent}name: 王明")
    if mapping:
        lines += [f"{indent}{path[-1]}:", f"{indent}  客服: {A_MOBILE}"]
    else:
        lines.append(f"{indent}{path[-1]}: {A_MOBILE}")
    return "\n".join(lines) + "\n", len(lines)


def test_a_key_declared_public_is_what_the_check_reads_of_its_record():
    @record
    class Notice:
        rel: str
        heading: str = key(s.text, doc=Doc("标题", "heading"), public=True)
        code: str = key(s.text, default="", doc=Doc("编号", "its code"))
        speaker: records.Spokesperson | None = s.nested(records.Spokesperson, default=None, doc=Doc("发言人", "speaker"))
        links: tuple[tuple[str, str], ...] = key(s.text_map, default=(), doc=Doc("链接", "links"), public=True)

    made = Notice(rel="n.yaml", heading=A_MOBILE, code="13812345678", links=(("微博", A_MOBILE),),
                  speaker=records.Spokesperson(name="王明", phone="13912345678"))
    assert s.shown(made) == {"heading": A_MOBILE, "speaker": {"name": "王明", "title": "", "email": ""},
                             "links": {"微博": A_MOBILE}}
    found = check_source(s.shown(made), {("heading",): 2, ("links", "微博"): 5}, "", 1)
    assert [(f.line, f.en.split(" contains")[0]) for f in found] == [(2, "'heading'"), (5, "'links.微博'")]
    assert s.shown(dataclasses.replace(made, speaker=None)) == {"heading": A_MOBILE, "links": {"微博": A_MOBILE}}
