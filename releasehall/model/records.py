"""The hall's model: frozen records for departments, releases, questions and pages.

Each key a file may hold is declared once, on the field that holds its value (`schema.key`, `schema.nested`,
`schema.many`): its type, default, whether it is required, what it means and an example. The schemas
`content/load` validates with, the copy from checked values into records (`schema.build`) and docs/fields.md
(`tools/docgen`) follow from these declarations. A field declared without them is filled by `content/load` from
elsewhere (the file's path, its body, its lines). Records are built once by `load` and never changed;
`assemble.hall.Hall` cross-references them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from releasehall.read import schema as s
from releasehall.read.schema import Doc, filled, key, many, nested, record
from releasehall.read.sources import Lines

KINDS = ("news", "notice", "policy", "emergency", "rumor", "interview", "survey", "event")
CATEGORIES = ("consultation", "complaint", "suggestion", "help")
COMPLEXITIES = ("normal", "complex")
SATISFACTIONS = ("satisfied", "basically-satisfied", "unsatisfied")
LEVELS = ("municipal", "district", "street", "community")


class Status(StrEnum):
    """A question's status as of "now" (`stats.record`); the values are stats.json's."""

    PENDING = "pending"  # no reply, not yet due
    OVERDUE = "overdue"  # no reply, past due
    REPLIED = "replied"
    IN_PROGRESS = "in-progress"  # replied, `promised` set, not resolved
    RESOLVED = "resolved"
    WITHDRAWN = "withdrawn"


STATUSES = tuple(Status)
VALIDITIES = ("pending", "effective", "repealed", "expired")  # of a document, as of "now" (documents.validity)


@dataclass(frozen=True, slots=True)
class Finding:
    """An unmasked number found reading a source (`privacy.check_source`): its line, what to do, and its digits
    (so that the hall's own published numbers, which may change without the source changing, pass)."""

    line: int
    zh: str
    en: str
    number: str = ""


# parsers several keys share
_TEXTS = s.list_of(s.text, s.MAX_ITEMS)
_IDS = s.unique(s.list_of(s.slug, s.MAX_ITEMS))  # department ids, each once
_ALIASES = s.list_of(s.alias_path, s.MAX_ITEMS)


@record
class Spokesperson:
    name: str = key(s.text, doc=Doc("姓名", "name", "王明"), public=True)
    title: str = key(s.text, default="", doc=Doc("职务", "title", "新闻发言人"), public=True)
    email: str = key(s.text, default="", doc=Doc("邮箱", "e-mail", "fayan@example.gov.cn"), public=True)
    # the hall's own published number: not personal data (`privacy.published_numbers`)
    phone: str = key(s.text, default="", doc=Doc("电话", "phone", "0755-8800 0001"))


@record
class Department:
    """`content/<id>/department.yaml`."""

    id: str  # the folder's name
    rel: str
    lines: Lines
    name: str = key(s.text, doc=Doc("部门全称", "full name", "示例市公安局"), public=True)
    short_name: str = key(s.text, default="", doc=Doc("账号名称（简称）", "account name", "示例公安"), public=True)
    parent: str | None = key(s.slug, default=None, doc=Doc("上级部门的标识（文件夹名）", "id of the parent department", "xinwenban"))
    level: str | None = key(s.one_of(*LEVELS), default=None, doc=Doc("层级：市、区、街道、社区", "level in the matrix", "district"))
    order: int = key(s.integer, default=0, doc=Doc("在同级中的排序（小的在前）", "sort key among its siblings", "1"))
    description: str = key(s.text, default="", doc=Doc("部门简介（Markdown）", "a paragraph (Markdown)", "负责全市道路交通管理。"), public=True)
    spokesperson: Spokesperson | None = nested(Spokesperson, default=None, doc=Doc("网络发言人", "the network spokesperson"))
    accounts: tuple[tuple[str, str], ...] = key(s.text_map, default=(), doc=Doc("其他渠道：名称 → 网址或账号", "other channels: name → URL or handle", "{weibo: 'https://weibo.com/x', wechat: 示例发布}"), public=True)
    maintainers: tuple[str, ...] = key(s.list_of(s.code_host_handle, s.MAX_ITEMS), default=(), doc=Doc("可以修改本部门文件夹的代码托管账号（生成 CODEOWNERS）", "code-host handles allowed to edit this folder", "['@police-editor', '@org/police']"))
    aliases: tuple[str, ...] = key(_ALIASES, default=(), doc=Doc("旧网址（根路径），跳转到本部门页", "old root-relative URLs that redirect here", "[/old-police/]"))
    partners: tuple[str, ...] = key(_IDS, default=(), doc=Doc("允许在联合发布（with）、政策解读（interprets）、替代文件（replaced_by）中写上本部门的部门标识；未列出的部门这样写是错误", "ids of departments whose co-published releases (`with`), interpretations (`interprets`) and replacements (`replaced_by`) may appear on this department's pages, feeds and figures; naming a department that does not list you is an error", "[gongan, xinwenban]"))

    @property
    def label(self) -> str:
        return self.short_name or self.name


@record
class Attachment:
    """An `attachments` entry as written: the file (relative to the Markdown file), its title, its line."""

    file: str = key(s.text, doc=Doc("附件文件，相对本 Markdown 文件", "the file, relative to this Markdown file", "files/通告.pdf"))
    title: str = key(s.text, default="", doc=Doc("附件标题", "its title", "通告全文"))
    line: int  # of `file`


@record
class Change:
    date: datetime = key(s.date_time, doc=Doc("更新日期", "date of the change", "2026-09-29"))
    note: str = key(s.text, doc=Doc("更新内容", "what changed", "补充绕行路线"))


@record
class DocumentMeta:
    """A release's 政府信息公开 metadata (`document`)."""

    number: str = key(s.text, doc=Doc("发文字号", "document number", "示市政发〔2026〕12号"))
    index: str = key(s.text, default="", doc=Doc("索引号", "index number", "11440300MB2C91234X/2026-00012"))
    # "" means the department's name (documents.issuer)
    issuer: str = key(s.text, default="", doc=Doc("发文机关（缺省为部门全称）", "issuer (default: the department's name)", "示例市人民政府"))
    written: datetime | None = key(s.date_time, default=None, doc=Doc("成文日期", "date written", "2026-09-20"))
    # the release's date when not written (content/load)
    effective: datetime = filled(s.date_time, doc=Doc("施行日期（缺省为发布日期）", "effective date (default: date)", "2026-10-01"))
    repealed: datetime | None = key(s.date_time, default=None, doc=Doc("废止日期", "date repealed", "2028-10-01"))
    # content id (or source path without .md) of the document that replaces it; "" for none
    replaced_by: str = key(s.text, default="", doc=Doc("替代它的文件的标识", "content id of the document that replaces it", "xinwenban/releases/2028-09-01-xin-ban"))


@record
class _Shared:
    """What a release and a question both are: where they live, the keys they share, their body."""

    id: str  # <dept>/<section>/<slug>
    dept: str
    slug: str
    rel: str  # the source's path
    body: str
    body_line: int
    lines: Lines
    front_digest: str  # see sources.Document
    personal: tuple[Finding, ...]  # unmasked numbers found reading it (privacy.check_source)
    title: str = key(s.text, doc=Doc("标题", "title", "国庆假期交通管制通告"))
    topics: tuple[str, ...] = key(s.unique(s.words), default=(), doc=Doc("主题（可写中文），同主题的内容互相链接", "topics, free text", "[交通管制, 公共交通]"))
    related: tuple[str, ...] = key(_TEXTS, default=(), doc=Doc("相关内容的标识（部门/栏目/文件名）或源文件路径", "content ids of related items", "[gongan/releases/2026-09-28-guoqing-jiaotong-guanzhi]"))
    draft: bool = key(s.boolean, default=False, doc=Doc("草稿：只在 --drafts 时生成", "draft: built only with --drafts", "true"))
    # table of contents: forced on or off; None: shown for three or more ## headings
    toc: bool | None = key(s.boolean, default=None, doc=Doc("强制显示或不显示目录", "force the table of contents on or off", "true"))
    attachments: tuple[Attachment, ...] = many(Attachment, default=(), doc=Doc("附件列表：相对本文件的路径和标题", "files relative to this file, listed under the body", "[{file: files/通告.pdf, title: 通告全文}]"))
    aliases: tuple[str, ...] = key(s.unique(_ALIASES), default=(), doc=Doc("旧网址（根路径），跳转到这里", "old root-relative URLs that redirect here", "[/gongan/releases/old-slug/]"))


@record
class Release(_Shared):
    """`content/<dept>/releases/<slug>.md`."""

    date: datetime = key(s.date_time, doc=Doc("发布时间；晚于“现在”的到时才发布", "publication time; a future one waits until then", "2026-09-28 09:00"))
    kind: str = key(s.one_of(*KINDS), default="news", doc=Doc("类型：工作动态、通知公告、政策解读、突发事件、辟谣、微访谈、微调查、微活动", "kind", "notice"))
    claim: str = key(s.text, default="", doc=Doc("辟谣（rumor）时必填：被辟谣的说法", "for rumor: the rumor being refuted (required there)", "网传地铁 5 号线停运"))
    # the release's own department left out (content/load)
    co_publishers: tuple[str, ...] = key(_IDS, default=(), name="with", doc=Doc("联合发布的部门标识，内容同时出现在这些部门下", "ids of co-publishing departments", "[jiaotong]"))
    summary: str = key(s.text, default="", doc=Doc("一两句话的摘要，缺省取第一段", "one or two sentences; default: the first paragraph", "国庆期间滨江大道实行交通管制。"))
    pinned: bool | datetime = key(s.date_or_bool, default=False, doc=Doc("置顶：true，或置顶到某个日期", "true, or a date until which it stays on top", "2026-10-08"))
    expires: datetime | None = key(s.date_time, default=None, doc=Doc("过期日期：之后标为已过期（仍然发布）", "date after which it is marked expired", "2026-10-08"))
    updated: datetime | None = key(s.date_time, default=None, doc=Doc("最后更新时间", "last update", "2026-09-29 10:00"))
    changes: tuple[Change, ...] = many(Change, default=(), doc=Doc("更新说明列表，显示在页面上", "change notes shown on the page", "[{date: 2026-09-29, note: 补充绕行路线}]"))
    document: DocumentMeta | None = nested(DocumentMeta, default=None, doc=Doc("规范性文件信息（发文字号等）", "formal-document metadata", "{number: 示市政发〔2026〕12号}"))
    # on a policy release: ids of the documents it explains
    interprets: tuple[str, ...] = key(s.unique(_TEXTS), default=(), doc=Doc("政策解读所解读的文件标识", "for policy: the document(s) it explains", "xinwenban/releases/2026-09-20-zheng-ce"))

    section = "releases"


@record
class Imported:
    """Where a question was imported from (`source`, written by `releasehall import`)."""

    channel: str = key(s.text, doc=Doc("渠道", "the channel", "12345热线"))
    id: str = key(s.text, doc=Doc("渠道的编号（工单号）", "the channel's id", "GD20241020001"))


@record
class Transfer:
    source: str = key(s.slug, name="from", doc=Doc("转出部门标识", "from department", "gongan"))
    target: str = key(s.slug, name="to", doc=Doc("转入部门标识", "to department", "jiaotong"))
    date: datetime = key(s.date_time, doc=Doc("转办日期", "date", "2026-09-30"))
    note: str = key(s.text, default="", doc=Doc("说明", "note", "属交通部门职责"))


@record
class Pause:
    """A period the reply clock stood still (waiting for the citizen): `start`..`end`, both days included;
    `end` None while still paused."""

    start: datetime = key(s.date_time, name="from", doc=Doc("暂停开始", "pause starts", "2026-10-09"))
    end: datetime | None = key(s.date_time, default=None, name="to", doc=Doc("暂停结束（不写表示仍在暂停）", "pause ends (missing: still paused)", "2026-10-12"))
    note: str = key(s.text, default="", doc=Doc("说明", "note", "等待补充材料"))


@record
class Question(_Shared):
    """`content/<dept>/qa/<slug>.md`: the front matter holds the question, the body the reply."""

    asked: datetime = key(s.date_time, doc=Doc("网民留言时间", "when the question was asked", "2026-09-29 10:00"))
    question: str = key(s.text, doc=Doc("网民留言原文（纯文本；手机号、身份证号须遮盖）", "the citizen's words, plain text, personal numbers masked", "10 月 1 日晚上滨江大道管制，行人可以通过吗？"))
    asker: str = key(s.text, default="", doc=Doc("网民昵称", "display name", "网友"))
    channel: str = key(s.text, default="", doc=Doc("留言来源", "where it came in", "微博"))
    source: Imported | None = nested(Imported, default=None, doc=Doc("导入来源：渠道和渠道自己的编号（releasehall import 写入，据此识别同一工单）", "where it was imported from: the channel and its own id (written by releasehall import)"))
    category: str = key(s.one_of(*CATEGORIES), default="consultation", doc=Doc("类别：咨询、投诉、建议、求助", "category", "complaint"))
    complexity: str = key(s.one_of(*COMPLEXITIES), default="normal", doc=Doc("一般或复杂，决定答复期限", "normal or complex: selects the reply limit", "complex"))
    replied: datetime | None = key(s.date_time, default=None, doc=Doc("答复时间；正文（答复）不为空时必填", "when the reply was published; required exactly when the body is not empty", "2026-09-29 15:00"))
    promised: datetime | None = key(s.date_time, default=None, doc=Doc("承诺办结日期（办结时间表）", "date by which it will be resolved", "2026-10-15"))
    resolved: datetime | None = key(s.date_time, default=None, doc=Doc("办结日期（办结销号）", "date it was resolved", "2026-10-12"))
    satisfaction: str | None = key(s.one_of(*SATISFACTIONS), default=None, doc=Doc("回访结果", "return-visit result", "satisfied"))
    transfers: tuple[Transfer, ...] = many(Transfer, default=(), doc=Doc("转办记录", "hand-overs between departments", "[{from: gongan, to: jiaotong, date: 2026-09-30}]"))
    paused: tuple[Pause, ...] = many(Pause, default=(), doc=Doc("暂停计时（等待网民补充材料）：期间的工作日不计入期限", "pauses of the clock (waiting for the citizen)", "[{from: 2026-10-09, to: 2026-10-12, note: 等待补充材料}]"))
    withdrawn: datetime | None = key(s.date_time, default=None, doc=Doc("网民撤回留言的日期：不计入任何比率，也不会超期", "date the citizen withdrew it", "2026-10-02"))
    import_digest: str = key(s.text, default="", doc=Doc("导入时写入的校验值：文件被人改过后，再次导入不会覆盖它", "digest written by the import: once a person edits the file, later imports leave it alone", "ab7291ff5b3e3f3a"))

    section = "qa"
    summary = ""


@record
class Page:
    """`content/pages/<slug>.md`, a standalone page (the operator's)."""

    id: str  # pages/<slug>
    slug: str
    rel: str
    body: str
    body_line: int
    lines: Lines
    front_digest: str
    personal: tuple[Finding, ...]
    title: str = key(s.text, doc=Doc("页面标题", "title", "关于本发布厅"))
    summary: str = key(s.text, default="", doc=Doc("摘要", "summary", "本发布厅的主办单位和使用说明。"))
    order: int = key(s.integer, default=0, doc=Doc("在页脚中的排序（小的在前）", "order in the footer", "1"))
    draft: bool = key(s.boolean, default=False, doc=Doc("草稿：只在 --drafts 时生成", "draft: built only with --drafts", "true"))
    aliases: tuple[str, ...] = key(s.unique(_ALIASES), default=(), doc=Doc("旧网址（根路径），跳转到这里", "old root-relative URLs that redirect here", "[/gongan/releases/old-slug/]"))
    toc: bool | None = key(s.boolean, default=None, doc=Doc("强制显示或不显示目录", "force the table of contents on or off", "true"))
    # list site.yaml's `ask` after the body; None: only on the page named `guide`
    ask: bool | None = key(s.boolean, default=None, doc=Doc("在正文后列出 site.yaml 的 `ask`（在哪里留言）；缺省：页面名为 guide 时列出",
                                                            "list site.yaml's `ask` (where to ask) after the body; default: on the page "
                                                            "named guide", "true"))

    section = "pages"
    dept = ""
    topics: ClassVar[tuple[str, ...]] = ()
    related: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True)
class Asset:
    """A file next to the Markdown (image, attachment), copied as is."""

    rel: str  # path under content/, posix


Item = Release | Question
Entry = Release | Question | Page

