"""site.yaml -> frozen `Settings`, validated against a declarative schema."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from releasehall.errors import Report
from releasehall.read import schema as s
from releasehall.read.safeurl import refusal
from releasehall.read.sources import read_yaml_file
from releasehall.read.symlinks import refused

SITE_FILE = "site.yaml"
LANGUAGES = ("zh-CN", "zh-TW", "en")
ENGINES = ("commonmark", "python-markdown")
# Python-Markdown's built-in extensions that only change how Markdown becomes HTML: no file, network or
# template access, no code named in the text, nothing the sanitizer and link checker do not see. Left out:
# `toc` and `wikilinks` (they make ids and links of their own), `codehilite` (needs Pygments), `meta`
# (front matter is ours), and every third-party extension (code, and some read files, e.g. snippets).
PYTHON_MARKDOWN_EXTENSIONS = ("abbr", "admonition", "attr_list", "def_list", "fenced_code", "footnotes",
                              "legacy_attrs", "legacy_em", "md_in_html", "nl2br", "sane_lists", "smarty",
                              "tables")
DEFAULT_PYTHON_MARKDOWN_EXTENSIONS = ("tables", "fenced_code", "footnotes")

TRADITIONAL = "zh-Hant"  # the one variant a hall can have: a Traditional-Chinese mirror of every page


@s.typed("网址 absolute URL")
def base_url(value: Any, ctx: s.Context | None = None) -> str:
    """The one check of a hall's base URL, for site.yaml's `base_url` and `--base-url`: an absolute http(s) URL of a
    host and a path, written plainly (no encoded scheme, no user, query, fragment, quotes, spaces or brackets)."""
    result = s.text(value, ctx or s.Context(ZoneInfo("UTC")))
    parts = urlsplit(result)
    if (parts.scheme not in ("http", "https") or not parts.hostname or refusal(result) is not None
            or parts.query or parts.fragment or "@" in parts.netloc or _NOT_IN_BASE_URL.search(result)):
        raise s.Invalid(
            f"“{result}” 不是有效的网址，应写成 https://域名/路径/（不带 ?、#、引号或空格）",
            f"'{result}' is not a valid base URL; write https://host/path/ (no ?, #, quotes or spaces)",
        )
    return result


_NOT_IN_BASE_URL = re.compile(r"[\s\"'<>`\\{}|^]")


_ICON_ENDINGS = (".png", ".svg", ".ico", ".jpg", ".jpeg", ".webp")


@s.typed("图片 image（站内路径或绝对网址 / path in the site or absolute URL）")
def _site_file(value: Any, ctx: s.Context) -> str:
    """An image: an absolute URL, or a path inside the built site (`static/emblem.png` from
    `layouts/static/`, or an asset under `content/`)."""
    result = s.text(value, ctx)
    parts = urlsplit(result)
    if parts.scheme or parts.netloc:
        return _link(result, ctx)
    if result.startswith("/") or ".." in result.split("/") or "\\" in result \
            or not result.lower().endswith(_ICON_ENDINGS):
        raise s.Invalid(
            f"“{result}” 应是站内图片路径（如 static/logo.png）或绝对网址，格式为 png、svg、ico、jpg 或 webp",
            f"'{result}' should be an image path inside the site (e.g. static/logo.png) or an absolute URL; "
            "png, svg, ico, jpg or webp",
        )
    return result


@s.typed("网址 absolute URL")
def _link(value: Any, ctx: s.Context) -> str:
    """An absolute http(s) link the footer or head shows (a query is fine: the 网站纠错 page takes the site code)."""
    result = s.text(value, ctx)
    parts = urlsplit(result)
    if parts.scheme not in ("http", "https") or not parts.hostname or refusal(result) is not None \
            or _NOT_IN_BASE_URL.search(result):
        raise s.Invalid(
            f"“{result}” 不是绝对网址，应写成 https://域名/路径",
            f"'{result}' is not an absolute URL; write https://host/path",
        )
    return result


_PHONE = re.compile(r"\+?[0-9][0-9 ()（）-]*(?:(?:转|ext\.?|x) ?[0-9]+)?")


@s.typed("电话号码 phone number")
def _phone(value: Any, ctx: s.Context) -> str:
    """A telephone number as citizens dial it: digits, spaces, hyphens, brackets, a leading + and an extension
    (`12345`, `0755-8800 0012`, `(0755) 88000012 转 8`)."""
    result = s.text(value, ctx)
    if not _PHONE.fullmatch(result) or sum(c.isdigit() for c in result) < 3:
        raise s.Invalid(f"“{result}” 不是电话号码：只写数字、空格、连字符和括号，如 12345 或 0755-8800 0012",
                        f"'{result}' is not a phone number: digits, spaces, hyphens and brackets only, e.g. 12345 "
                        "or 0755-8800 0012")
    return result


def tel(phone: str) -> str:
    """The `tel:` URI of a phone number as written (`0755-8800 0012 转 8` -> `tel:075588000012,8`)."""
    number, *extension = re.split(r"转|ext\.?|x", phone, maxsplit=1)
    digits = ("+" if number.startswith("+") else "") + "".join(c for c in number if c.isdigit())
    extra = "".join(c for c in "".join(extension) if c.isdigit())
    return f"tel:{digits}" + (f",{extra}" if extra else "")


@s.typed("时区 IANA time zone")
def _zone(value: Any, ctx: s.Context) -> str:
    name = s.text(value, ctx)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise s.Invalid(
            f"未知时区 “{name}”，例如 Asia/Shanghai", f"unknown time zone '{name}', e.g. Asia/Shanghai"
        ) from None
    return name


# an entry of `ask`, and `supervise`: each needs a url or a phone (checked in `_channels`)
CHANNEL: s.Schema = {
    "name": s.Field(s.text, required=True, doc=s.Doc("名称", "its name", "12345 政务服务便民热线")),
    "url": s.Field(_link, default="", doc=s.Doc("网址（与 phone 至少写一项）", "its web address (this or phone)",
                                                "https://liuyan.example.gov.cn/")),
    "phone": s.Field(_phone, default="", doc=s.Doc("电话号码（与 url 至少写一项）", "its phone number (this or url)",
                                                   "12345")),
    "note": s.Field(s.text, default="", doc=s.Doc("一句话说明：受理什么、何时受理", "one line: what it takes, when",
                                                  "7×24 小时人工接听")),
}

SCHEMA: s.Schema = {
    "title": s.Field(s.text, required=True, doc=s.Doc("发布厅名称，显示在每页顶部", "the hall's name, on every page", "示例市政务发布厅")),
    "base_url": s.Field(base_url, required=True, doc=s.Doc("网站对外地址（绝对网址），订阅源和站点地图用它", "absolute URL the site is served from", "https://fabu.example.gov.cn/")),
    "language": s.Field(s.one_of(*LANGUAGES), default="zh-CN", doc=s.Doc("界面语言", "interface language", "zh-CN")),
    "timezone": s.Field(_zone, default="Asia/Shanghai", doc=s.Doc("时区（IANA 名称）；不带时区的日期按它理解", "IANA time zone of dates without an offset", "Asia/Shanghai")),
    "description": s.Field(s.text, default="", doc=s.Doc("一句话简介", "one-line description", "统一发布信息、统一答复网民留言")),
    "owner": s.Field(s.text, default="", doc=s.Doc("主办单位", "the owner (主办单位)", "示例市人民政府新闻办公室")),
    "favicon": s.Field(_site_file, default="", doc=s.Doc("网站图标、触屏图标和分享图（空：主题自带）；位图也用于分享卡片", "favicon, touch icon and sharing image (empty: the theme's); a raster image is also the share card", "static/favicon.png")),
    "footer": s.Field(
        nested={
            "organizer": s.Field(s.text, default="", doc=s.Doc("主办单位（缺省为 owner）", "the organizer (主办单位; default: owner)", "示例市人民政府办公室")),
            "operator": s.Field(s.text, default="", doc=s.Doc("承办单位", "the operator (承办单位)", "示例市政务服务数据管理局")),
            "dzjg": s.Field(nested={
                "href": s.Field(_link, required=True, doc=s.Doc("标识链接到的网址", "the page it links to", "https://bszs.conac.cn/sitename?method=show&id=XXXX")),
                "image": s.Field(_site_file, default="", doc=s.Doc("标识图片：站内路径或绝对网址（空：主题自带）", "the image: a path in the site or an absolute URL (empty: the theme's)", "static/dzjg.png")),
            }, doc=s.Doc("党政机关标识：图片和它链接的页面", "the 党政机关 identifier: its image and the page it links to")),
            "report_error": s.Field(_link, default="", doc=s.Doc("网站纠错链接", "link to report an error on the site", "https://zfwzzc.www.gov.cn/check_web/errorInfo/jcInfo/XXXX")),
            "site_code": s.Field(s.text, default="", doc=s.Doc("网站标识码", "government website code", "4400000001")),
            "icp": s.Field(s.text, default="", doc=s.Doc("ICP 备案号", "ICP licence number", "示ICP备00000001号")),
            "police": s.Field(s.text, default="", doc=s.Doc("公安备案号", "public-security filing number", "示公网安备 44000000000001号")),
            "contact": s.Field(s.text, default="", doc=s.Doc("联系方式", "contact", "0755-8800 0000")),
        }, doc=s.Doc("页脚标识", "footer identifiers")
    ),
    "ask": s.Field(nested=CHANNEL, many=True, default=(), doc=s.Doc(
        "市民可以在哪里留言：名称、网址或电话（至少一项）、说明；显示在 /qa/、留言指南和每条留言页",
        "where citizens can ask: name, url or phone (at least one), note; shown on /qa/, the guide and every question "
        "page", "[{name: 12345 政务服务便民热线, phone: '12345'}]")),
    "supervise": s.Field(nested=CHANNEL, doc=s.Doc(
        "督办：留言超期未答复时市民可以找谁（名称、网址或电话、说明），显示在超期留言页",
        "督办: whom a citizen turns to when a question is overdue (name, url or phone, note), shown on overdue "
        "questions' pages", "{name: 市政府督查室, phone: '0755-8800 0012'}")),
    "reply_limits": s.Field(
        nested={
            "normal": s.Field(s.up_to(365), default=3, doc=s.Doc("一般留言的答复期限", "limit for normal questions", "3")),
            "complex": s.Field(s.up_to(365), default=7, doc=s.Doc("复杂留言的答复期限", "limit for complex questions", "7")),
            "very_late": s.Field(s.up_to(365), default=20, doc=s.Doc("超过期限多少个工作日算“严重超期”", "working days past due that count as very overdue", "20")),
        }, doc=s.Doc("答复期限（工作日）", "working days to reply")
    ),
    "calendar": s.Field(
        nested={
            "holidays": s.Field(s.list_of(s.date_time), default=(), doc=s.Doc("额外的休息日", "extra days off", "[2027-01-04]")),
            "workdays": s.Field(s.list_of(s.date_time), default=(), doc=s.Doc("额外的调休上班日", "extra make-up working days (调休)", "[2027-02-06]")),
        }, doc=s.Doc("在法定节假日和调休之外补充的日期", "days added to the official calendar")
    ),
    "stale_after_days": s.Field(s.positive_int, default=14, doc=s.Doc("部门超过这么多天没有发布即标为“久未更新”", "days without a release before a department is stale", "14")),
    "paginate": s.Field(s.positive_int, default=20, doc=s.Doc("列表每页条数", "items per listing page", "20")),
    "feed_items": s.Field(s.positive_int, default=50, doc=s.Doc("每个订阅源的条数", "items per feed", "50")),
    "variants": s.Field(s.list_of(s.one_of(TRADITIONAL)), default=(), doc=s.Doc("`[zh-Hant]` 生成 /zh-hant/ 下的繁体镜像", "`[zh-Hant]` adds a Traditional-Chinese mirror", "[zh-Hant]")),
    "output": s.Field(s.text, default="public", doc=s.Doc("输出目录（相对站点目录）", "output folder, relative to the site folder", "public")),
    "markdown": s.Field(
        nested={
            "engine": s.Field(s.one_of(*ENGINES), default="commonmark", doc=s.Doc("Markdown 引擎", "Markdown engine", "commonmark")),
            "extensions": s.Field(s.list_of(s.one_of(*PYTHON_MARKDOWN_EXTENSIONS)), default=None, doc=s.Doc("python-markdown 引擎的扩展，只能从审核过的内置扩展中选（默认 tables、fenced_code、footnotes）", "extensions of the python-markdown engine, from the vetted built-in ones only (default: tables, fenced_code, footnotes)", "[tables, footnotes, def_list]")),
        }, doc=s.Doc("Markdown 设置", "Markdown settings")
    ),
    "attachments": s.Field(nested={"max_mb": s.Field(s.positive_int, default=50, doc=s.Doc("单个附件的大小上限（MB），check 审计超限的附件", "largest attachment, in MB; check reports larger ones", "50"))}, doc=s.Doc("附件设置", "attachment settings")),
    "images": s.Field(nested={"max_width": s.Field(s.positive_int, default=1600, doc=s.Doc("正文图片宽于此值时发布多个缩放尺寸（WebP 和原格式），此值为最大一档（像素）", "a body image wider than this is published resized (WebP and its own format), this width being the largest", "1600"))}, doc=s.Doc("图片设置", "image settings")),
    "import": s.Field(nested={
        "profiles": s.Field(named=True, nested={
            "channel": s.Field(s.text, required=True, doc=s.Doc("渠道名称，写入留言的 channel 和 source.channel", "the channel's name, written as the questions' channel and source.channel", "12345热线")),
            "sheet": s.Field(s.text, default="", doc=s.Doc("XLSX 要读的工作表（空：第一个）", "the XLSX sheet to read (empty: the first)", "工单")),
            "columns": s.Field(required=True, nested={
                "id": s.Field(s.text, required=True, doc=s.Doc("渠道自己的编号（工单号）", "the channel's own id of the question", "工单编号")),
                "asked": s.Field(s.text, required=True, doc=s.Doc("留言时间", "when it was asked", "受理时间")),
                "title": s.Field(s.text, default="", doc=s.Doc("标题（空：取留言前 30 个字）", "the title (without one: the question's first 30 characters)", "标题")),
                "question": s.Field(s.text, required=True, doc=s.Doc("留言内容（原文，号码遮盖后写入）", "the question, as asked (numbers masked)", "诉求内容")),
                "department": s.Field(s.text, required=True, doc=s.Doc("承办单位，经 departments 换成部门标识", "the department, mapped through departments", "承办单位")),
                "category": s.Field(s.text, default="", doc=s.Doc("类别，经 categories 换成 category（空：consultation）", "the category, mapped through categories (empty: consultation)", "诉求类型")),
                "replied": s.Field(s.text, default="", doc=s.Doc("答复时间", "when it was replied", "办结时间")),
                "reply": s.Field(s.text, default="", doc=s.Doc("答复内容，写成正文（纯文本段落）", "the reply, written as the body (plain text paragraphs)", "办理结果")),
                "asker": s.Field(s.text, default="", doc=s.Doc("联系人姓名：只用于遮盖，从不写入", "the asker's name: read to mask it, never written", "联系人")),
                "contact": s.Field(s.text, default="", doc=s.Doc("联系方式：只用于遮盖，从不写入", "the asker's contact: read to mask it, never written", "联系电话")),
            }, doc=s.Doc("字段 → 导出文件的列名（表头）", "field -> the export's column header")),
            "departments": s.Field(s.text_map, default=(), doc=s.Doc("导出中的单位名称 → 部门标识（也认部门全称和标识本身）", "the export's department names -> department ids (full names and ids are known anyway)", "{市交通运输局: transport, 市公安局: police}")),
            "categories": s.Field(s.text_map, default=(), doc=s.Doc("导出中的类别名称 → category", "the export's category names -> category", "{咨询: consultation, 投诉: complaint, 建议: suggestion, 求助: help}")),
        }, doc=s.Doc("每个渠道一个导入配置，名称用于 --profile", "one import profile per channel, named for --profile")),
    }, doc=s.Doc("`releasehall import FILE` 导入各渠道导出的留言（docs/import.md）", "`releasehall import FILE`: questions from other channels' exports (docs/import.md)")),
    "maintainers": s.Field(s.list_of(s.code_host_handle), default=(), doc=s.Doc("运维者的代码托管账号：生成的 CODEOWNERS 的第一行（兜底），拥有 site.yaml、layouts/、.github/、content/pages/ 和没有 maintainers 的部门", "the operator's code-host handles: the first, catch-all line of the generated CODEOWNERS (site.yaml, layouts/, .github/, content/pages/ and departments without maintainers)", "['@org/hall-ops']")),
}


@dataclass(frozen=True, slots=True)
class Emblem:
    """The 党政机关标识: the image (empty: the theme's) and the page it links to."""

    href: str
    image: str = ""


@dataclass(frozen=True, slots=True)
class Footer:
    site_code: str = ""
    icp: str = ""
    police: str = ""
    contact: str = ""
    organizer: str = ""  # 主办单位; empty: `owner`
    operator: str = ""  # 承办单位
    dzjg: Emblem | None = None
    report_error: str = ""  # 网站纠错, e.g. the national 我为政府网站找错 page


@dataclass(frozen=True, slots=True)
class Channel:
    """Where citizens can ask (`ask`) or whom to turn to when a question is overdue (`supervise`, 督办)."""

    name: str
    url: str = ""  # absolute http(s)
    phone: str = ""  # as written; `tel` makes its link
    note: str = ""


@dataclass(frozen=True, slots=True)
class Dialect:
    """How Markdown bodies are read: cmark-gfm (CommonMark + GitHub) or Python-Markdown with vetted extensions."""

    engine: str = "commonmark"
    extensions: tuple[str, ...] = ()


IMPORT_COLUMNS = ("id", "asked", "title", "question", "department", "category", "replied", "reply", "asker",
                  "contact")


@dataclass(frozen=True, slots=True)
class ImportProfile:
    """`import.profiles.<name>`: how one intake channel's export maps onto questions (`releasehall import`)."""

    name: str
    channel: str
    sheet: str  # XLSX: the sheet to read; "" the first
    columns: tuple[tuple[str, str], ...]  # (field, the export's column header), the fields given only
    departments: tuple[tuple[str, str], ...]  # (the export's name, department id)
    categories: tuple[tuple[str, str], ...]  # (the export's name, category)
    lines: tuple[tuple[str, int], ...] = ()  # site.yaml line of the profile, of `departments.<name>` …

    def column(self, name: str) -> str:
        """The export's header for a field; "" when the profile does not read it."""
        return dict(self.columns).get(name, "")

    def line(self, *path: str) -> int:
        """site.yaml's line of a key under this profile (the profile's own line when it has none)."""
        found = dict(self.lines)
        return found.get(".".join(path), found.get("", 1))


@dataclass(frozen=True, slots=True)
class Settings:
    root: Path
    title: str
    base_url: str  # always ends with "/"
    language: str
    timezone: str
    description: str
    owner: str
    favicon: str  # "" = the theme's icons
    footer: Footer
    reply_normal: int
    reply_complex: int
    reply_very_late: int  # an unanswered question more than this many working days past due is very overdue
    extra_holidays: frozenset[date]
    extra_workdays: frozenset[date]
    stale_after_days: int
    paginate: int
    feed_items: int
    variants: tuple[str, ...]
    output: Path
    markdown: Dialect = Dialect()
    ask: tuple[Channel, ...] = ()  # where citizens can ask: /qa/, the guide and every question page
    supervise: Channel | None = None  # 督办: the next step shown on an overdue question's page
    attachments_max_mb: int = 50
    images_max_width: int = 1600
    import_profiles: tuple[ImportProfile, ...] = ()
    maintainers: tuple[str, ...] = ()  # the operator's code-host handles: CODEOWNERS' catch-all line

    @property
    def tz(self) -> tzinfo:
        return ZoneInfo(self.timezone)

    def reply_limit(self, complexity: str) -> int:
        """Working days to reply to a question of this complexity (`normal` or `complex`)."""
        return self.reply_complex if complexity == "complex" else self.reply_normal

    @property
    def mirrored(self) -> bool:
        """Whether the hall has the Traditional-Chinese mirror under /zh-hant/ (`variants: [zh-Hant]`)."""
        return TRADITIONAL in self.variants

    @property
    def base_path(self) -> str:
        """The path part of base_url, e.g. "/" or "/hall/"."""
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def find_site(start: Path) -> Path:
    """The hall a command run in `start` means: the nearest folder upward holding site.yaml (as git finds
    its repository); `start` itself when none does, so that the error names the folder the user is in."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SITE_FILE).is_file():
            return folder
    return start


def load_settings(root: Path, report: Report, *, base_url: str | None = None,
                  output: Path | None = None) -> Settings | None:
    """Read `site.yaml` under `root`; None after reporting what is wrong."""
    path = root / SITE_FILE
    if path.is_symlink() and refused(path, root, SITE_FILE, report):
        return None
    if not path.is_file():
        report.error(SITE_FILE, 1, f"找不到 {path}：请在发布厅的目录（含 site.yaml）或其子目录里运行，或用 --site 指定它；"
                     "新建发布厅用 releasehall init DIR",
                     f"{path} not found: run in the hall's folder (with site.yaml) or below it, or name it with "
                     "--site DIR; `releasehall init DIR` creates a new hall")
        return None
    loaded = read_yaml_file(path, SITE_FILE, report)
    if loaded is None:
        return None
    data, lines = loaded
    ctx = s.Context(ZoneInfo("Asia/Shanghai"))
    if isinstance(data, dict) and isinstance(data.get("timezone"), str):
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            ctx = s.Context(ZoneInfo(data["timezone"]))
    values = s.check(data, SCHEMA, lines, SITE_FILE, report, ctx)
    if values is None:
        return None
    footer = dict(values["footer"] or {})
    if footer.get("dzjg"):
        footer["dzjg"] = Emblem(**footer["dzjg"])
    limits = values["reply_limits"] or s.defaults(SCHEMA["reply_limits"])
    calendar = values["calendar"] or s.defaults(SCHEMA["calendar"])
    dialect = _dialect(values["markdown"], lines, report)
    ask = _channels(values["ask"], ("ask",), lines, report)
    supervise = _channels((values["supervise"],) if values["supervise"] else (), ("supervise",), lines, report)
    if dialect is None or ask is None or supervise is None:
        return None
    url = base_url or values["base_url"]
    if not url.endswith("/"):
        url += "/"
    out = output if output is not None else root / values["output"]
    return Settings(
        root=root,
        title=values["title"],
        base_url=url,
        language=values["language"],
        timezone=values["timezone"],
        description=values["description"],
        owner=values["owner"],
        favicon=values["favicon"],
        footer=Footer(**footer),
        reply_normal=limits["normal"],
        reply_complex=limits["complex"],
        reply_very_late=limits["very_late"],
        extra_holidays=frozenset(d.date() for d in calendar["holidays"]),
        extra_workdays=frozenset(d.date() for d in calendar["workdays"]),
        stale_after_days=values["stale_after_days"],
        paginate=values["paginate"],
        feed_items=values["feed_items"],
        variants=tuple(values["variants"]),
        output=out.resolve(),
        markdown=dialect,
        ask=ask,
        supervise=supervise[0] if supervise else None,
        attachments_max_mb=(values["attachments"] or {"max_mb": 50})["max_mb"],
        images_max_width=(values["images"] or {"max_width": 1600})["max_width"],
        import_profiles=_import_profiles(values["import"], lines),
        maintainers=values["maintainers"],
    )


def _import_profiles(values: dict[str, Any] | None, lines: Any) -> tuple[ImportProfile, ...]:
    if not values or not values["profiles"]:
        return ()
    profiles = []
    for name, v in values["profiles"]:
        at = ("import", "profiles", name)
        where = [("", lines.get(at, 1))]
        for key in ("departments", "categories", "sheet", "columns"):
            where.append((key, lines.get((*at, key), lines.get(at, 1))))
            entries = v[key] if key in ("departments", "categories") else ()
            where += [(f"{key}.{entry}", lines.get((*at, key, entry), 1)) for entry, _ in entries]
        where += [(f"columns.{field}", lines.get((*at, "columns", field), 1)) for field in IMPORT_COLUMNS]
        columns = tuple((field, v["columns"][field]) for field in IMPORT_COLUMNS if v["columns"][field])
        profiles.append(ImportProfile(name=name, channel=v["channel"], sheet=v["sheet"], columns=columns,
                                      departments=v["departments"], categories=v["categories"], lines=tuple(where)))
    return tuple(profiles)


def _channels(values: tuple[dict[str, Any], ...], at: tuple[Any, ...], lines: Any, report: Report
              ) -> tuple[Channel, ...] | None:
    """`ask`'s entries or `supervise` as Channels; None after reporting each one a citizen could not reach (neither
    `url` nor `phone`), at its line."""
    many = at == ("ask",)
    missing = [n for n, v in enumerate(values) if not v["url"] and not v["phone"]]
    for n in missing:
        where = (*at, n) if many else at
        key = f"{at[0]}[{n}]" if many else at[0]
        report.error(SITE_FILE, lines.get(where, lines.get(at, 1)),
                     f"“{key}”（{values[n]['name']}）需要 url 或 phone，市民才能找到它",
                     f"'{key}' ({values[n]['name']}) needs a url or a phone, so that citizens can reach it")
    return None if missing else tuple(Channel(**v) for v in values)


def _dialect(values: dict[str, Any] | None, lines: Any, report: Report) -> Dialect | None:
    if not values:
        return Dialect()
    engine, extensions = values["engine"], values["extensions"]
    if engine == "commonmark":
        if extensions:
            report.error(SITE_FILE, lines.get(("markdown", "extensions"), 1),
                         "markdown.extensions 只用于 engine: python-markdown；请删去或改用 python-markdown",
                         "markdown.extensions applies only to engine: python-markdown; remove it or switch engines")
            return None
        return Dialect()
    chosen = DEFAULT_PYTHON_MARKDOWN_EXTENSIONS if extensions is None else tuple(dict.fromkeys(extensions))
    return Dialect(engine, chosen)
