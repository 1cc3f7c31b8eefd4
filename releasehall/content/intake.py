"""A site.yaml import profile applied to an export: which profile a file's header names, and each row as
the question it becomes (department and category mapped, dates read, personal data masked, the asker's
name and contact read only to be masked)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from releasehall.content.privacy import NUMBER_KINDS, find_personal_data, mask_numbers
from releasehall.errors import Report, did_you_mean
from releasehall.model.records import CATEGORIES
from releasehall.read.cells import moment, text
from releasehall.read.exports import Row, Sheet
from releasehall.read.schema import Invalid
from releasehall.settings.site import SITE_FILE, ImportProfile

TITLE_LENGTH = 30  # a question without a title column is titled by its first characters
REQUIRED = ("id", "asked", "question", "department")
FIELD_NAMES = {"id": "编号", "asked": "留言时间", "title": "标题", "question": "留言内容", "department": "承办部门",
               "category": "类别", "replied": "答复时间", "reply": "答复内容"}


@dataclass(frozen=True, slots=True)
class Notice:
    """Something done to a row on the way in, printed at FILE:ROW (a masking)."""

    rel: str
    row: int
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.rel}:{self.row}: {self.zh} / {self.en}"


@dataclass(frozen=True, slots=True)
class Incoming:
    """One row as the question it becomes."""

    rel: str
    row: int
    channel: str
    id: str
    dept: str
    asked: datetime
    title: str
    question: str
    category: str
    replied: datetime | None
    reply: str
    notices: tuple[Notice, ...] = ()


def matches(profile: ImportProfile, header: tuple[str, ...]) -> bool:
    """Whether a file's header holds every column the profile reads."""
    return all(column in header for _field, column in profile.headers)


def check_profile(profile: ImportProfile, departments: Mapping[str, str], report: Report) -> bool:
    """The profile's mappings name departments that exist (`departments`: id -> name) and known categories,
    each error at its line of site.yaml."""
    ok = True
    where = f"import.profiles.{profile.name}"
    for name, dept in profile.departments:
        if dept not in departments:
            zh_hint, en_hint = did_you_mean(dept, departments)
            report.error(SITE_FILE, profile.line("departments", name),
                         f"{where}.departments：“{name}” 对应的部门 “{dept}” 不存在{zh_hint}（应是 content/ 下含 "
                         "department.yaml 的文件夹名）",
                         f"{where}.departments: '{name}' maps to '{dept}', which is not a department{en_hint} "
                         "(a folder under content/ with a department.yaml)")
            ok = False
    for name, category in profile.categories:
        if category not in CATEGORIES:
            zh_hint, en_hint = did_you_mean(category, CATEGORIES)
            report.error(SITE_FILE, profile.line("categories", name),
                         f"{where}.categories：“{name}” 对应的类别 “{category}” 无效，可选：{', '.join(CATEGORIES)}"
                         f"{zh_hint}",
                         f"{where}.categories: '{name}' maps to '{category}', which is not a category; choose one "
                         f"of: {', '.join(CATEGORIES)}{en_hint}")
            ok = False
    return ok


def check_header(profile: ImportProfile, sheet: Sheet, report: Report) -> bool:
    """Every column the profile reads is in the file's header, at the header's row."""
    missing = [column for _field, column in profile.headers if column not in sheet.header]
    for column in missing:
        zh_hint, en_hint = did_you_mean(column, [name for name in sheet.header if name])
        report.error(sheet.rel, sheet.header_row,
                     f"表头中没有配置 “{profile.name}” 要读的列 “{column}”{zh_hint}；请核对导出文件或 site.yaml 的 "
                     f"import.profiles.{profile.name}.columns",
                     f"the header has no column '{column}', which profile '{profile.name}' reads{en_hint}; check "
                     f"the export or import.profiles.{profile.name}.columns in site.yaml")
    return not missing


class _Row:
    """Reading one row's cells by field, collecting its errors at FILE:ROW."""

    def __init__(self, profile: ImportProfile, sheet: Sheet, row: Row, report: Report) -> None:
        self.profile, self.sheet, self.row, self.report = profile, sheet, row, report
        self.ok = True

    def error(self, zh: str, en: str) -> None:
        self.report.error(self.sheet.rel, self.row.number, zh, en)
        self.ok = False

    def value(self, field: str) -> object:
        column = self.profile.column(field)
        return self.row.cells.get(column) if column else None

    def text(self, field: str, required: bool = False) -> str:
        found = text(self.value(field))
        if required and not found:
            column = self.profile.column(field)
            self.error(f"“{column}”（{FIELD_NAMES[field]}）为空：请在导出文件中补上，或删去这一行",
                       f"'{column}' ({field}) is empty: fill it in the export, or remove the row")
        return found

    def moment(self, field: str, tz: tzinfo, required: bool = False) -> datetime | None:
        if not self.text(field, required):
            return None
        try:
            return moment(self.value(field), tz)
        except Invalid as exc:
            column = self.profile.column(field)
            self.error(f"“{column}”：{exc.zh}", f"'{column}': {exc.en}")
            return None


def incoming(profile: ImportProfile, sheet: Sheet, row: Row, departments: Mapping[str, str], tz: tzinfo,
             report: Report) -> Incoming | None:
    """The question one row becomes; None after reporting its errors at FILE:ROW."""
    cells = _Row(profile, sheet, row, report)
    ident = cells.text("id", required=True)
    asked = cells.moment("asked", tz, required=True)
    question = cells.text("question", required=True)
    dept = _department(cells, departments)
    category = _category(cells)
    replied = cells.moment("replied", tz)
    reply = cells.text("reply")
    title = " ".join(cells.text("title").split())  # a title is one line
    if reply and replied is None:
        column = profile.column("replied")
        cells.error(f"有答复但没有答复时间“{column or 'replied'}”：请在导出文件中补上答复时间"
                    + ("" if column else f"，并在 import.profiles.{profile.name}.columns 写明 replied 列"),
                    f"there is a reply but no reply time '{column or 'replied'}': fill in when it was replied"
                    + ("" if column else f", and name the column under import.profiles.{profile.name}.columns"))
    if asked is not None and replied is not None and reply and replied < asked:
        cells.error(f"答复时间 “{cells.text('replied')}” 早于留言时间 “{cells.text('asked')}”：请核对",
                    f"the reply time '{cells.text('replied')}' is before the question's '{cells.text('asked')}': "
                    "check the dates")
    if not cells.ok or asked is None or dept is None:
        return None
    fields = {"id": ident, "title": title, "question": question, "reply": reply}
    notices: list[Notice] = []
    for field in ("id", "title", "question", "reply"):
        fields[field] = _masked(fields[field], field, cells, notices)
    if not fields["title"]:
        fields["title"] = _title(fields["question"])
    for field, value in fields.items():
        for _line, zh, en in find_personal_data(value):
            column = profile.column(field)
            cells.error(f"“{column}”{zh}：无法自动遮盖（写法特殊，如汉字数字），请在导出文件中遮盖后再导入",
                        f"'{column}' {en}: it cannot be masked automatically (written unusually, e.g. in "
                        "Chinese numerals); mask it in the export, then import again")
    if not cells.ok:
        return None
    return Incoming(rel=sheet.rel, row=row.number, channel=profile.channel, id=fields["id"], dept=dept, asked=asked,
                    title=fields["title"], question=fields["question"], category=category,
                    replied=replied if fields["reply"] else None, reply=fields["reply"], notices=tuple(notices))


def _title(question: str) -> str:
    return " ".join(question.split())[:TITLE_LENGTH].strip()


def _department(cells: _Row, departments: Mapping[str, str]) -> str | None:
    name = cells.text("department", required=True)
    if not name:
        return None
    mapped = dict(cells.profile.departments)
    if name in mapped:
        return mapped[name]
    by_name = {full: dept for dept, full in departments.items()}
    if name in by_name:
        return by_name[name]
    if name in departments:
        return name
    zh_hint, en_hint = did_you_mean(name, [*mapped, *by_name])
    profile = cells.profile.name
    cells.error(f"未知的承办单位 “{name}”：请在 site.yaml 的 import.profiles.{profile}.departments 中加上 "
                f"“{name}: 部门标识”{zh_hint}",
                f"unknown department '{name}': add '{name}: <department id>' under "
                f"import.profiles.{profile}.departments in site.yaml{en_hint}")
    return None


def _category(cells: _Row) -> str:
    name = cells.text("category")
    if not name:
        return "consultation"
    mapped = dict(cells.profile.categories)
    if name in mapped:
        return mapped[name]
    if name in CATEGORIES:
        return name
    zh_hint, en_hint = did_you_mean(name, [*mapped, *CATEGORIES])
    profile = cells.profile.name
    cells.error(f"未知的类别 “{name}”：请在 site.yaml 的 import.profiles.{profile}.categories 中把它对应到 "
                f"{'、'.join(CATEGORIES)} 之一{zh_hint}",
                f"unknown category '{name}': map it to one of {', '.join(CATEGORIES)} under "
                f"import.profiles.{profile}.categories in site.yaml{en_hint}")
    return "consultation"


def _masked(value: str, field: str, cells: _Row, notices: list[Notice]) -> str:
    """`value` with personal numbers masked and the asker's name and contact (read, never written) hidden."""
    if not value:
        return value
    column = cells.profile.column(field)
    rel, number = cells.sheet.rel, cells.row.number
    value, done = mask_numbers(value)
    for kind, mask in done:
        zh, en = NUMBER_KINDS[kind]
        notices.append(Notice(rel, number, f"已遮盖{zh} {mask}（“{column}”）", f"masked {en}: {mask} ('{column}')"))
    for private, zh, en in (("asker", "联系人姓名", "the asker's name"), ("contact", "联系方式", "the asker's contact")):
        secret = cells.text(private)
        if len(secret) < 2 or secret not in value:
            continue
        keep = 1 if private == "asker" else min(3, len(secret) // 3)
        mask = secret[:keep] + "*" * (len(secret) - keep)
        value = value.replace(secret, mask)
        notices.append(Notice(rel, number, f"已遮盖{zh} {mask}（“{column}”）", f"masked {en}: {mask} ('{column}')"))
    return value
