"""site.yaml -> frozen `Settings`: each key declared once, on its field, from which the schema follows."""

from __future__ import annotations

import contextlib
import re
from datetime import date, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from releasehall.errors import Report
from releasehall.read import schema as s
from releasehall.read.safeurl import refusal
from releasehall.read.schema import Doc, filled, key, many, named, nested, record, section
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


# parsers of site.yaml's keys that need more than a type
@s.typed("文字 text")
def _folder(value: Any, ctx: s.Context) -> Path:
    """A folder relative to the hall's (`output`)."""
    return Path(s.text(value, ctx))


_DATES = s.list_of(s.date_time)


@s.typed(s.type_label(_DATES))
def _days(value: Any, ctx: s.Context) -> tuple[date, ...]:
    """Days of a calendar: each once, in order (so that the settings' digest does not depend on a set's order)."""
    return tuple(sorted({moment.date() for moment in _DATES(value, ctx)}))


@record
class Emblem:
    """The 党政机关标识: the image (empty: the theme's) and the page it links to."""

    href: str = key(_link, doc=Doc("标识链接到的网址", "the page it links to", "https://bszs.conac.cn/sitename?method=show&id=XXXX"))
    image: str = key(_site_file, default="", doc=Doc("标识图片：站内路径或绝对网址（空：主题自带）", "the image: a path in the site or an absolute URL (empty: the theme's)", "static/dzjg.png"))


@record
class Footer:
    organizer: str = key(s.text, default="", doc=Doc("主办单位（缺省为 owner）", "the organizer (主办单位; default: owner)", "示例市人民政府办公室"))
    operator: str = key(s.text, default="", doc=Doc("承办单位", "the operator (承办单位)", "示例市政务服务数据管理局"))
    dzjg: Emblem | None = nested(Emblem, default=None, doc=Doc("党政机关标识：图片和它链接的页面", "the 党政机关 identifier: its image and the page it links to"))
    # 网站纠错, e.g. the national 我为政府网站找错 page
    report_error: str = key(_link, default="", doc=Doc("网站纠错链接", "link to report an error on the site", "https://zfwzzc.www.gov.cn/check_web/errorInfo/jcInfo/XXXX"))
    site_code: str = key(s.text, default="", doc=Doc("网站标识码", "government website code", "4400000001"))
    icp: str = key(s.text, default="", doc=Doc("ICP 备案号", "ICP licence number", "示ICP备00000001号"))
    police: str = key(s.text, default="", doc=Doc("公安备案号", "public-security filing number", "示公网安备 44000000000001号"))
    contact: str = key(s.text, default="", doc=Doc("联系方式", "contact", "0755-8800 0000"))


@record
class Channel:
    """Where citizens can ask (`ask`) or whom to turn to when a question is overdue (`supervise`, 督办); each needs a
    url or a phone (`load_settings` checks)."""

    name: str = key(s.text, doc=Doc("名称", "its name", "12345 政务服务便民热线"))
    url: str = key(_link, default="", doc=Doc("网址（与 phone 至少写一项）", "its web address (this or phone)", "https://liuyan.example.gov.cn/"))
    # as written; `tel` makes its link
    phone: str = key(_phone, default="", doc=Doc("电话号码（与 url 至少写一项）", "its phone number (this or url)", "12345"))
    note: str = key(s.text, default="", doc=Doc("一句话说明：受理什么、何时受理", "one line: what it takes, when", "7×24 小时人工接听"))


@record
class ReplyLimits:
    """Working days to reply to a question, by its complexity, and past due that make it very overdue."""

    normal: int = key(s.up_to(365), default=3, doc=Doc("一般留言的答复期限", "limit for normal questions", "3"))
    complex: int = key(s.up_to(365), default=7, doc=Doc("复杂留言的答复期限", "limit for complex questions", "7"))
    very_late: int = key(s.up_to(365), default=20, doc=Doc("超过期限多少个工作日算“严重超期”", "working days past due that count as very overdue", "20"))


@record
class Calendar:
    """Days added to the official calendar of holidays and make-up working days (`settings/workdays`)."""

    holidays: tuple[date, ...] = key(_days, default=(), doc=Doc("额外的休息日", "extra days off", "[2027-01-04]"))
    workdays: tuple[date, ...] = key(_days, default=(), doc=Doc("额外的调休上班日", "extra make-up working days (调休)", "[2027-02-06]"))


@record
class Dialect:
    """How Markdown bodies are read: cmark-gfm (CommonMark + GitHub) or Python-Markdown with vetted extensions."""

    engine: str = key(s.one_of(*ENGINES), default="commonmark", doc=Doc("Markdown 引擎", "Markdown engine", "commonmark"))
    # none for commonmark; python-markdown's default ones when not written (`load_settings`)
    extensions: tuple[str, ...] = filled(s.list_of(s.one_of(*PYTHON_MARKDOWN_EXTENSIONS)), doc=Doc("python-markdown 引擎的扩展，只能从审核过的内置扩展中选（默认 tables、fenced_code、footnotes）", "extensions of the python-markdown engine, from the vetted built-in ones only (default: tables, fenced_code, footnotes)", "[tables, footnotes, def_list]"))


@record
class AttachmentLimits:
    max_mb: int = key(s.positive_int, default=50, doc=Doc("单个附件的大小上限（MB），check 审计超限的附件", "largest attachment, in MB; check reports larger ones", "50"))


@record
class ImageSizes:
    max_width: int = key(s.positive_int, default=1600, doc=Doc("正文图片宽于此值时发布多个缩放尺寸（WebP 和原格式），此值为最大一档（像素）", "a body image wider than this is published resized (WebP and its own format), this width being the largest", "1600"))


@record
class Columns:
    """`import.profiles.<name>.columns`: the export's column header of each field of a question ("": not read)."""

    id: str = key(s.text, doc=Doc("渠道自己的编号（工单号）", "the channel's own id of the question", "工单编号"))
    asked: str = key(s.text, doc=Doc("留言时间", "when it was asked", "受理时间"))
    title: str = key(s.text, default="", doc=Doc("标题（空：取留言前 30 个字）", "the title (without one: the question's first 30 characters)", "标题"))
    question: str = key(s.text, doc=Doc("留言内容（原文，号码遮盖后写入）", "the question, as asked (numbers masked)", "诉求内容"))
    department: str = key(s.text, doc=Doc("承办单位，经 departments 换成部门标识", "the department, mapped through departments", "承办单位"))
    category: str = key(s.text, default="", doc=Doc("类别，经 categories 换成 category（空：consultation）", "the category, mapped through categories (empty: consultation)", "诉求类型"))
    replied: str = key(s.text, default="", doc=Doc("答复时间", "when it was replied", "办结时间"))
    reply: str = key(s.text, default="", doc=Doc("答复内容，写成正文（纯文本段落）", "the reply, written as the body (plain text paragraphs)", "办理结果"))
    asker: str = key(s.text, default="", doc=Doc("联系人姓名：只用于遮盖，从不写入", "the asker's name: read to mask it, never written", "联系人"))
    contact: str = key(s.text, default="", doc=Doc("联系方式：只用于遮盖，从不写入", "the asker's contact: read to mask it, never written", "联系电话"))


IMPORT_COLUMNS = tuple(name for name, _key in s.keys(Columns))


@record
class ImportProfile:
    """`import.profiles.<name>`: how one intake channel's export maps onto questions (`releasehall import`)."""

    name: str  # the profile's name in site.yaml (`--profile`)
    lines: tuple[tuple[str, int], ...]  # site.yaml line of the profile, of `departments.<name>` …
    channel: str = key(s.text, doc=Doc("渠道名称，写入留言的 channel 和 source.channel", "the channel's name, written as the questions' channel and source.channel", "12345热线"))
    sheet: str = key(s.text, default="", doc=Doc("XLSX 要读的工作表（空：第一个）", "the XLSX sheet to read (empty: the first)", "工单"))  # "": the first
    columns: Columns = nested(Columns, doc=Doc("字段 → 导出文件的列名（表头）", "field -> the export's column header"))
    # (the export's name, department id)
    departments: tuple[tuple[str, str], ...] = key(s.text_map, default=(), doc=Doc("导出中的单位名称 → 部门标识（也认部门全称和标识本身）", "the export's department names -> department ids (full names and ids are known anyway)", "{市交通运输局: transport, 市公安局: police}"))
    # (the export's name, category)
    categories: tuple[tuple[str, str], ...] = key(s.text_map, default=(), doc=Doc("导出中的类别名称 → category", "the export's category names -> category", "{咨询: consultation, 投诉: complaint, 建议: suggestion, 求助: help}"))

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """(field, the export's column header) of the fields the profile reads."""
        return tuple((name, header) for name in IMPORT_COLUMNS if (header := getattr(self.columns, name)))

    def column(self, name: str) -> str:
        """The export's header for a field; "" when the profile does not read it."""
        return str(getattr(self.columns, name, ""))

    def line(self, *path: str) -> int:
        """site.yaml's line of a key under this profile (the profile's own line when it has none)."""
        found = dict(self.lines)
        return found.get(".".join(path), found.get("", 1))


@record
class Imports:
    profiles: tuple[ImportProfile, ...] = named(ImportProfile, doc=Doc("每个渠道一个导入配置，名称用于 --profile", "one import profile per channel, named for --profile"))


@record
class Settings:
    """site.yaml's settings: each key declared once, on its field (its parser, default and meaning); the schema
    site.yaml is checked against (`SCHEMA`), the copy into the record (`load_settings`, `schema.build`) and
    docs/fields.md follow from it. What a section holds is also read under its flat name (`reply_normal`, …)."""

    root: Path  # the hall's folder (filled by `load_settings`)
    title: str = key(s.text, doc=Doc("发布厅名称，显示在每页顶部", "the hall's name, on every page", "示例市政务发布厅"))
    # always ends with "/"; `--base-url` in its place when given (`load_settings`)
    base_url: str = key(base_url, doc=Doc("网站对外地址（绝对网址），订阅源和站点地图用它", "absolute URL the site is served from", "https://fabu.example.gov.cn/"))
    language: str = key(s.one_of(*LANGUAGES), default="zh-CN", doc=Doc("界面语言", "interface language", "zh-CN"))
    timezone: str = key(_zone, default="Asia/Shanghai", doc=Doc("时区（IANA 名称）；不带时区的日期按它理解", "IANA time zone of dates without an offset", "Asia/Shanghai"))
    description: str = key(s.text, default="", doc=Doc("一句话简介", "one-line description", "统一发布信息、统一答复网民留言"))
    owner: str = key(s.text, default="", doc=Doc("主办单位", "the owner (主办单位)", "示例市人民政府新闻办公室"))
    # "": the theme's icons
    favicon: str = key(_site_file, default="", doc=Doc("网站图标、触屏图标和分享图（空：主题自带）；位图也用于分享卡片", "favicon, touch icon and sharing image (empty: the theme's); a raster image is also the share card", "static/favicon.png"))
    footer: Footer = section(Footer, doc=Doc("页脚标识", "footer identifiers"))
    ask: tuple[Channel, ...] = many(Channel, default=(), doc=Doc(
        "市民可以在哪里留言：名称、网址或电话（至少一项）、说明；显示在 /qa/、留言指南和每条留言页",
        "where citizens can ask: name, url or phone (at least one), note; shown on /qa/, the guide and every question "
        "page", "[{name: 12345 政务服务便民热线, phone: '12345'}]"))
    supervise: Channel | None = nested(Channel, default=None, doc=Doc(
        "督办：留言超期未答复时市民可以找谁（名称、网址或电话、说明），显示在超期留言页",
        "督办: whom a citizen turns to when a question is overdue (name, url or phone, note), shown on overdue "
        "questions' pages", "{name: 市政府督查室, phone: '0755-8800 0012'}"))
    reply_limits: ReplyLimits = section(ReplyLimits, doc=Doc("答复期限（工作日）", "working days to reply"))
    calendar: Calendar = section(Calendar, doc=Doc("在法定节假日和调休之外补充的日期", "days added to the official calendar"))
    stale_after_days: int = key(s.positive_int, default=14, doc=Doc("部门超过这么多天没有发布即标为“久未更新”", "days without a release before a department is stale", "14"))
    paginate: int = key(s.positive_int, default=20, doc=Doc("列表每页条数", "items per listing page", "20"))
    feed_items: int = key(s.positive_int, default=50, doc=Doc("每个订阅源的条数", "items per feed", "50"))
    variants: tuple[str, ...] = key(s.list_of(s.one_of(TRADITIONAL)), default=(), doc=Doc("`[zh-Hant]` 生成 /zh-hant/ 下的繁体镜像", "`[zh-Hant]` adds a Traditional-Chinese mirror", "[zh-Hant]"))
    # resolved, under `root` (`--out` in its place when given: `load_settings`)
    output: Path = key(_folder, default=Path("public"), doc=Doc("输出目录（相对站点目录）", "output folder, relative to the site folder", "public"))
    markdown: Dialect = section(Dialect, doc=Doc("Markdown 设置", "Markdown settings"))
    attachments: AttachmentLimits = section(AttachmentLimits, doc=Doc("附件设置", "attachment settings"))
    images: ImageSizes = section(ImageSizes, doc=Doc("图片设置", "image settings"))
    imports: Imports = section(Imports, name="import", doc=Doc("`releasehall import FILE` 导入各渠道导出的留言（docs/import.md）", "`releasehall import FILE`: questions from other channels' exports (docs/import.md)"))
    # the operator's code-host handles: CODEOWNERS' catch-all line
    maintainers: tuple[str, ...] = key(s.list_of(s.code_host_handle), default=(), doc=Doc("运维者的代码托管账号：生成的 CODEOWNERS 的第一行（兜底），拥有 site.yaml、layouts/、.github/、content/pages/ 和没有 maintainers 的部门", "the operator's code-host handles: the first, catch-all line of the generated CODEOWNERS (site.yaml, layouts/, .github/, content/pages/ and departments without maintainers)", "['@org/hall-ops']"))

    # a section's values under the flat names code and templates read
    @property
    def reply_normal(self) -> int:
        return self.reply_limits.normal

    @property
    def reply_complex(self) -> int:
        return self.reply_limits.complex

    @property
    def reply_very_late(self) -> int:
        """An unanswered question more than this many working days past due is very overdue."""
        return self.reply_limits.very_late

    @property
    def extra_holidays(self) -> frozenset[date]:
        return frozenset(self.calendar.holidays)

    @property
    def extra_workdays(self) -> frozenset[date]:
        return frozenset(self.calendar.workdays)

    @property
    def attachments_max_mb(self) -> int:
        return self.attachments.max_mb

    @property
    def images_max_width(self) -> int:
        return self.images.max_width

    @property
    def import_profiles(self) -> tuple[ImportProfile, ...]:
        return self.imports.profiles

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


SCHEMA: s.Schema = s.schema_of(Settings)


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
    reachable = _reachable(values["ask"], ("ask",), lines, report)
    reachable &= _reachable((values["supervise"],) if values["supervise"] else (), ("supervise",), lines, report)
    dialect = _dialect(values["markdown"], lines, report)
    if dialect is None or not reachable:
        return None
    # what the loader gives beyond site.yaml's values: the hall's folder, the options that replace a key, and the
    # values worked out from several keys
    url = base_url or values["base_url"]
    return s.build(Settings, values, root=root, base_url=url if url.endswith("/") else f"{url}/",
                   output=(output if output is not None else root / values["output"]).resolve(), markdown=dialect,
                   imports=Imports(profiles=_import_profiles(values["import"], lines)))


def _import_profiles(values: dict[str, Any] | None, lines: Any) -> tuple[ImportProfile, ...]:
    if not values or not values["profiles"]:
        return ()
    profiles = []
    for name, v in values["profiles"]:
        at = ("import", "profiles", name)
        where = [("", lines.get(at, 1))]
        for key_name in ("departments", "categories", "sheet", "columns"):
            where.append((key_name, lines.get((*at, key_name), lines.get(at, 1))))
            entries = v[key_name] if key_name in ("departments", "categories") else ()
            where += [(f"{key_name}.{entry}", lines.get((*at, key_name, entry), 1)) for entry, _ in entries]
        where += [(f"columns.{field}", lines.get((*at, "columns", field), 1)) for field in IMPORT_COLUMNS]
        profiles.append(s.build(ImportProfile, v, name=name, lines=tuple(where)))
    return tuple(profiles)


def _reachable(values: tuple[dict[str, Any], ...], at: tuple[Any, ...], lines: Any, report: Report) -> bool:
    """Whether a citizen can reach each of `ask`'s entries or `supervise` (a `url` or a `phone`); each one they could
    not is reported at its line."""
    many = at == ("ask",)
    missing = [n for n, v in enumerate(values) if not v["url"] and not v["phone"]]
    for n in missing:
        where = (*at, n) if many else at
        key_name = f"{at[0]}[{n}]" if many else at[0]
        report.error(SITE_FILE, lines.get(where, lines.get(at, 1)),
                     f"“{key_name}”（{values[n]['name']}）需要 url 或 phone，市民才能找到它",
                     f"'{key_name}' ({values[n]['name']}) needs a url or a phone, so that citizens can reach it")
    return not missing


def _dialect(values: dict[str, Any] | None, lines: Any, report: Report) -> Dialect | None:
    """`markdown` as a Dialect: python-markdown's default extensions when none are written, none for commonmark
    (writing some there is an error)."""
    if not values:
        return COMMONMARK
    engine, extensions = values["engine"], values["extensions"]
    if engine == "commonmark":
        if extensions:
            report.error(SITE_FILE, lines.get(("markdown", "extensions"), 1),
                         "markdown.extensions 只用于 engine: python-markdown；请删去或改用 python-markdown",
                         "markdown.extensions applies only to engine: python-markdown; remove it or switch engines")
            return None
        return COMMONMARK
    chosen = DEFAULT_PYTHON_MARKDOWN_EXTENSIONS if extensions is None else tuple(dict.fromkeys(extensions))
    return s.build(Dialect, values, extensions=chosen)


COMMONMARK = Dialect(engine="commonmark", extensions=())
