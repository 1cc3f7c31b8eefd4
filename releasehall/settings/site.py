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


def _zone(value: Any, ctx: s.Context) -> str:
    name = s.text(value, ctx)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise s.Invalid(
            f"未知时区 “{name}”，例如 Asia/Shanghai", f"unknown time zone '{name}', e.g. Asia/Shanghai"
        ) from None
    return name


SCHEMA: s.Schema = {
    "title": s.Field(s.text, required=True),
    "base_url": s.Field(base_url, required=True),
    "language": s.Field(s.one_of(*LANGUAGES), default="zh-CN"),
    "timezone": s.Field(_zone, default="Asia/Shanghai"),
    "description": s.Field(s.text, default=""),
    "owner": s.Field(s.text, default=""),
    "favicon": s.Field(_site_file, default=""),
    "footer": s.Field(
        nested={
            "organizer": s.Field(s.text, default=""),
            "operator": s.Field(s.text, default=""),
            "dzjg": s.Field(nested={
                "href": s.Field(_link, required=True),
                "image": s.Field(_site_file, default=""),
            }),
            "report_error": s.Field(_link, default=""),
            "site_code": s.Field(s.text, default=""),
            "icp": s.Field(s.text, default=""),
            "police": s.Field(s.text, default=""),
            "contact": s.Field(s.text, default=""),
        }
    ),
    "reply_limits": s.Field(
        nested={
            "normal": s.Field(s.up_to(365), default=3),
            "complex": s.Field(s.up_to(365), default=7),
            "very_late": s.Field(s.up_to(365), default=20),
        }
    ),
    "calendar": s.Field(
        nested={
            "holidays": s.Field(s.list_of(s.date_time), default=()),
            "workdays": s.Field(s.list_of(s.date_time), default=()),
        }
    ),
    "stale_after_days": s.Field(s.positive_int, default=14),
    "paginate": s.Field(s.positive_int, default=20),
    "feed_items": s.Field(s.positive_int, default=50),
    "variants": s.Field(s.list_of(s.one_of(TRADITIONAL)), default=()),
    "output": s.Field(s.text, default="public"),
    "markdown": s.Field(
        nested={
            "engine": s.Field(s.one_of(*ENGINES), default="commonmark"),
            "extensions": s.Field(s.list_of(s.one_of(*PYTHON_MARKDOWN_EXTENSIONS)), default=None),
        }
    ),
    "attachments": s.Field(nested={"max_mb": s.Field(s.positive_int, default=50)}),
    "images": s.Field(nested={"max_width": s.Field(s.positive_int, default=1600)}),
    "import": s.Field(nested={
        "profiles": s.Field(named=True, nested={
            "channel": s.Field(s.text, required=True),
            "sheet": s.Field(s.text, default=""),
            "columns": s.Field(required=True, nested={
                "id": s.Field(s.text, required=True),
                "asked": s.Field(s.text, required=True),
                "title": s.Field(s.text, default=""),
                "question": s.Field(s.text, required=True),
                "department": s.Field(s.text, required=True),
                "category": s.Field(s.text, default=""),
                "replied": s.Field(s.text, default=""),
                "reply": s.Field(s.text, default=""),
                "asker": s.Field(s.text, default=""),
                "contact": s.Field(s.text, default=""),
            }),
            "departments": s.Field(s.text_map, default=()),
            "categories": s.Field(s.text_map, default=()),
        }),
    }),
    "maintainers": s.Field(s.list_of(s.code_host_handle), default=()),
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
    if dialect is None:
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
