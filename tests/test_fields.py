"""A key of a file is declared once, on its record's field (model/records): the schema the loader checks, the copy
into the record and docs/fields.md follow from it, and a record holds nothing its loader does not fill."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime

import pytest
from helpers import front, write_site

from releasehall.content import load
from releasehall.content.load import load_content
from releasehall.errors import Report
from releasehall.model import records
from releasehall.read import schema as s
from releasehall.read.schema import Doc, key, record
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
}
# keys the file may leave out whose record value the loader then derives (`schema.filled`)
DERIVED_KEYS = {(records.DocumentMeta, "effective")}


def _records(cls: type) -> list[type]:
    """A record and the records its keys nest, depth first."""
    found = [cls]
    for _name, declared in s.keys(cls):
        if declared.record is not None:
            found += _records(declared.record)
    return found


EVERY_RECORD = list(dict.fromkeys(r for _schema, cls in FILES.values() for r in _records(cls)))


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_loader_checks_a_file_against_the_keys_its_record_declares(name):
    schema, cls = FILES[name]
    assert dict(schema) == dict(s.schema_of(cls))
    assert list(schema) == list(s.schema_of(cls))  # the order docs/fields.md lists them in
    for _field, declared in s.keys(cls):
        if declared.record is not None:  # a nested mapping is checked against its own record's keys
            assert declared.field.nested == s.schema_of(declared.record)


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
