"""Markdown bodies -> sanitized HTML, with links between sources rewritten to URLs.

Links name sources: relative (`../../police/releases/x.md`), rooted at content/
(`/police/releases/x.md`), or a department (`/police/`). A link or image that names
nothing, or climbs out of content/, is an error at its line.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import secrets
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from html import escape, unescape
from urllib.parse import unquote, urlsplit

import nh3
from cmarkgfm import cmark

from releasehall.errors import Problem, Report, unread_target
from releasehall.model.records import Entry
from releasehall.model.urls import SECTIONS, Urls
from releasehall.parallel import fork_map
from releasehall.read import filetypes
from releasehall.read.safeurl import ALLOWED_SCHEMES, refusal
from releasehall.settings.site import COMMONMARK, Dialect

_TAGS = set(nh3.ALLOWED_TAGS) | {"img", "section", "figure", "figcaption"}
_ATTRIBUTES: dict[str, set[str]] = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["*"] = {"id", "class", "title", "lang", "dir"}
_ATTRIBUTES["a"] = _ATTRIBUTES.get("a", set()) | {"href", "rel", "aria-label"}
_ATTRIBUTES["img"] = _ATTRIBUTES.get("img", set()) | {"loading"}
# nh3 silently drops a URL whose scheme is not in its list before our attribute filter sees it, so a plain
# `javascript:` link was removed without the warning an encoded one gets. The schemes an author is likely to
# write are let through nh3 to the filter (every URL attribute nh3 allows is in _URL_ATTRIBUTES), where
# `safeurl.refusal` refuses each of them with a warning at its line; nh3 still drops any other scheme.
_URL_SCHEMES = set(ALLOWED_SCHEMES) | {"javascript", "vbscript", "data", "file", "blob", "ftp", "ftps", "sms", "weixin"}


@dataclass(frozen=True, slots=True)
class Targets:
    """What a link may point at."""

    entries: Mapping[str, Entry]  # by source path, "content/police/releases/x.md"
    published: frozenset[str]  # ids of entries that are built
    departments: frozenset[str]
    assets: frozenset[str]  # paths under content/
    urls: Urls
    broken: Mapping[str, str] = field(default_factory=dict)  # `load.Content.broken`: there, but not read
    # folded name -> path under content/ (what `near` looks in), made at the first link that names nothing
    _near: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def near(self, path: str) -> str | None:
        """The source, file or department folder (a path under content/) that `path` names but for case, full-width
        characters or a `.md`, if there is one."""
        if not self._near:
            names = [*self.entries, *(f"content/{a}" for a in self.assets), *(f"content/{d}" for d in self.departments)]
            for name in sorted(names):
                self._near.setdefault(_folded(name), name)
        return self._near.get(_folded(path))


def _folded(path: str) -> str:
    """A path as a reader sees it: full-width characters as half-width (NFKC), any case, with or without `.md`."""
    return posixpath.normpath(unicodedata.normalize("NFKC", path)).casefold().removesuffix(".md")


@dataclass(frozen=True, slots=True)
class Resolution:
    """What one link target became: its URL (None: dropped), what it names, and any problem."""

    url: str | None
    entry: str = ""  # id of a linked entry, for backlinks
    asset: str = ""
    problem: tuple[bool, str, str] | None = None  # (is warning, zh, en)


@dataclass(frozen=True, slots=True)
class Body:
    html: str
    summary: str
    links: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()
    # every link target with what it resolved to: a cached body is reused only while these still hold
    deps: tuple[tuple[str, bool, Resolution], ...] = ()
    ids: tuple[str, ...] = ()  # every id in the HTML (headings, footnotes): what `#fragment` links may name
    # links with a fragment: (linked entry id, "" for this body; the fragment; the target as written), for anchors.check
    anchors: tuple[tuple[str, str, str], ...] = ()
    toc: tuple[tuple[int, str, str], ...] = ()  # (level, id, text) of every ## and ### heading
    h2: int = 0  # how many ## headings (three or more: a long document, shown with a table of contents)
    feed_html: str = ""  # the body as feeds show it, when it differs from `html` (callouts shown plainly)
    images: tuple[tuple[str, int], ...] = ()  # (asset, line) of every image shown from content/
    files: tuple[tuple[str, str, int], ...] = ()  # (asset, link text, line) of every link to a non-image file

    @property
    def feed(self) -> str:
        return self.feed_html or self.html


@dataclass(slots=True)
class _Job:
    rel: str
    source: str
    first_line: int
    targets: Targets
    report: Report
    links: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    images: list[tuple[str, int]] = field(default_factory=list)
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (asset, URL, line)
    resolved: list[tuple[str, bool, Resolution]] = field(default_factory=list)
    anchors: list[tuple[str, str, str]] = field(default_factory=list)
    backref_label: str = ""
    _destinations: dict[str, list[int]] = field(default_factory=dict)
    _used: dict[str, int] = field(default_factory=dict)
    _index: Destinations | None = None

    def line_of(self, target: str) -> int:
        """The line of `target`'s next use as a link destination: repeated targets are matched to their lines in
        order; a target only mentioned in text (not as a destination) never counts."""
        lines = self._destinations.get(target)
        if lines is None:
            if self._index is None:
                self._index = Destinations(self.source)
            lines = self._destinations[target] = self._index.lines(target)
        used = self._used.get(target, 0)
        self._used[target] = used + 1
        if not lines:
            return self.first_line
        return self.first_line + lines[min(used, len(lines) - 1)]

    def attribute(self, tag: str, name: str, value: str) -> str | None:
        """nh3's attribute filter: every URL-bearing attribute decided by `safeurl.refusal`, link and image targets
        resolved; cmark's own footnote back-links labelled in both languages."""
        if (tag, name) in _URL_ATTRIBUTES:
            if value.startswith("#"):
                if tag == "a" and len(value) > 1:
                    self.anchors.append(("", unquote(value[1:]), value))
                return unquote(value)
            return _resolve(value, self, tag == "img")
        if name == "aria-label" and tag == "a" and value == self.backref_label:
            return _BACK_TO_TEXT
        return value


# every attribute nh3 lets through that holds a URL (nh3 checks the scheme of href and src only)
_URL_ATTRIBUTES = {("a", "href"), ("img", "src"), ("blockquote", "cite"), ("q", "cite"), ("del", "cite"),
                   ("ins", "cite")}
_BACK_TO_TEXT = "返回正文 / back to text"
# cmark's footnote back-reference; raw HTML cannot come after the footnote section cmark appends, so only its
# own back-links are matched
_BACKREF = re.compile(r'(class="footnote-backref" data-footnote-backref data-footnote-backref-idx="[^"]*" '
                      r'aria-label=")Back to reference [^"]*(")')
_FOOTNOTES = '<section class="footnotes" data-footnotes>'


def _mark_backrefs(html: str, label: str) -> str:
    """cmark's back-link labels replaced by `label`, a value no author can know in advance."""
    start = html.rfind(_FOOTNOTES)
    if start < 0:
        return html
    return html[:start] + _BACKREF.sub(lambda m: f"{m.group(1)}{label}{m.group(2)}", html[start:])


def destination_line(source: str | Destinations, first_line: int, target: str) -> int:
    """The line where `target` first stands as a link destination in `source` (its first line if nowhere)."""
    lines = (source if isinstance(source, Destinations) else Destinations(source)).lines(target)
    return first_line + lines[0] if lines else first_line


# where a link destination starts (`](`, `]:`, `<`, `=` with an optional quote) and the text up to where it ends
_DESTINATION = re.compile(r"(?:\]\(\s*<?|\]:\s*<?|<|=\s*[\"']?)([^\s)>\"']*)")
_ENDS = re.compile(r"[\s)>\"']")


class Destinations:
    """Every link destination of a source by its text, found in one pass (a body with thousands of link targets
    looks each one up, instead of scanning the source again for each)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._lines = source.split("\n")
        self._at: dict[str, list[int]] = {}
        for offset, line in enumerate(self._lines):
            for match in _DESTINATION.finditer(line):
                self._at.setdefault(match.group(1), []).append(offset)

    def lines(self, target: str) -> list[int]:
        """Offsets of the lines where `target` (as cmark wrote it, or as the author did: unescaped,
        entity-encoded) stands as a link destination and ends there."""
        forms = dict.fromkeys((target, unquote(target), target.replace("&", "&amp;")))
        found: list[int] = []
        for form in forms:
            if not form:
                continue
            end = _ENDS.search(form)
            if end is None:
                found.extend(self._at.get(form, ()))
            elif end.start() > 0:  # a space or a bracket inside (`<my file.pdf>`, `alert(1)`): the lines where the
                # part before it stands are read again
                for offset in dict.fromkeys(self._at.get(form[:end.start()], ())):
                    found.extend(offset for _ in range(_stands(self._lines[offset], form)))
            else:
                found.extend(_destination_lines(self.source, form))
        return sorted(found)


_BEFORE = re.compile(r"(?:\]\(\s*<?|\]:\s*<?|<|=\s*[\"']?)$")


def _stands(line: str, form: str) -> int:
    """How many times `form` stands in `line` as a link destination (as `_destination_lines` finds it), without
    compiling a pattern for each form."""
    count, start = 0, 0
    while (at := line.find(form, start)) >= 0:
        after = at + len(form)
        if (after == len(line) or _ENDS.match(line, after)) and _BEFORE.search(line[max(0, at - 64):at]):
            count += 1
            start = after
        else:
            start = at + 1
    return count


def _destination_lines(source: str, target: str) -> list[int]:
    """Offsets of the lines where `target` (as cmark wrote it, or as the author did: unescaped, entity-encoded)
    stands as a link destination: `](target`, `]: target`, `<target>`, `="target"`, `='target'`, `=target`, and ends
    there (`](page` is not where `page.md` stands)."""
    forms = dict.fromkeys((target, unquote(target), target.replace("&", "&amp;")))
    found: list[int] = []
    for offset, line in enumerate(source.split("\n")):
        for form in forms:
            if not form:
                continue
            pattern = re.escape(form)
            found.extend(offset for _ in re.finditer(
                rf"(?:\]\(\s*<?|\]:\s*<?|<|=\s*[\"']?){pattern}(?=[\s)>\"']|$)", line))
    return sorted(found)


# a target of only word characters, dots, slashes and hyphens: no scheme (no colon), nothing escaped (no `%` or
# `&`), no query or fragment, nothing `urlsplit` strips; unless it starts with `//`, its path is itself
_PLAIN = re.compile(r"[\w./-]+")


def resolve(target: str, rel: str, is_image: bool, targets: Targets) -> Resolution:
    """Pure: a link or image target in the source at `rel` (as written, percent-escapes and all), resolved against
    the hall's sources. Its scheme is decided by `safeurl.refusal` on the decoded value before anything else."""
    if _PLAIN.fullmatch(target) and not target.startswith("//"):  # most links: a path as it is, decoded or not
        return _resolve_path(target, target, "", "", rel, is_image, targets)
    refused = refusal(target)
    if refused is not None:
        return Resolution(None, problem=(True, f"“{target}”：{refused[0]}", f"'{target}': {refused[1]}"))
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return Resolution(targets.urls.linked(target))  # the hall's own address: its variant's page
    if target.startswith("#") or not parts.path:
        return Resolution(target)
    query = f"?{parts.query}" if parts.query else ""
    file_suffix = query + (f"#{parts.fragment}" if parts.fragment else "")  # a file's fragment is the file's own
    suffix = query + (f"#{targets.urls.fragment(parts.fragment)}" if parts.fragment else "")  # as the variant names it
    return _resolve_path(unquote(parts.path), unquote(target), file_suffix, suffix, rel, is_image, targets)


def _resolve_path(path: str, shown: str, file_suffix: str, suffix: str, rel: str, is_image: bool, targets: Targets
                  ) -> Resolution:
    """`resolve` of a target whose scheme was allowed and that names a path (decoded) in the hall, followed by
    `file_suffix` (its query and fragment as written) or, for a page, `suffix` (the fragment as the variant names
    it); `shown` is the target as the author reads it."""
    here = posixpath.dirname(rel.removeprefix("content/"))
    if "/" in path or path in (".", ".."):
        joined = path.lstrip("/") if path.startswith("/") else posixpath.join(here, path)
        normal = posixpath.normpath(joined)
    else:  # a file beside the source (whose folder, as listed, is normal): the joined path is normal already
        normal = f"{here}/{path}" if here else path
    urls = targets.urls
    if normal == ".." or normal.startswith("../"):
        return Resolution(None, problem=(False, f"链接 “{shown}” 指向 content/ 目录之外，只能链接站内内容",
                                         f"link '{shown}' climbs out of content/; link only to the hall's own sources"))
    first = normal.split("/")[0]
    if path.startswith("/") and normal == "." and not is_image:
        return Resolution(urls.home() + suffix)
    if path.startswith("/") and first in SECTIONS and not is_image:
        return Resolution(urls.section(normal.rstrip("/") + ("/" if path.endswith("/") else "")) + suffix)
    if normal in targets.departments:
        return Resolution(urls.department(normal) + suffix)
    page = targets.entries.get(f"content/pages/{normal}.md")
    if path.startswith("/") and page is not None and page.id in targets.published:
        return Resolution(urls.entry(page) + suffix, entry=page.id)
    source = f"content/{normal}"
    if normal.endswith(".md"):
        entry = targets.entries.get(source)
        if entry is None and source in targets.broken:
            return Resolution(None, problem=(True, *unread_target(("链接", "link"), shown, source, targets.broken[source])))
        if entry is None:
            hint = _near_hint(path, here, source, suffix, is_image, targets)
            return Resolution(None, problem=(False, f"链接 “{shown}” 指向的文件不存在（{source}），请检查路径{hint[0]}",
                                             f"link '{shown}' names no file ({source}); check the path{hint[1]}"))
        if entry.id not in targets.published:
            return Resolution(None, problem=(
                True, f"链接 “{shown}” 指向尚未发布的内容（草稿或未来日期），已去掉链接",
                f"link '{shown}' points at an unpublished item (draft or future); the link is dropped"))
        return Resolution(urls.entry(entry) + suffix, entry=entry.id)
    if normal in targets.assets:
        if is_image and suffix:  # a file of the hall is the same whatever follows it: the picture gets its size
            return Resolution(urls.asset(normal), asset=normal, problem=(
                True, f"图片 “{shown}” 地址后的 “{unquote(suffix)}” 没有作用，已去掉",
                f"image '{shown}': the '{unquote(suffix)}' after the file name does nothing and was dropped"))
        return Resolution(urls.asset(normal) + file_suffix, asset=normal)
    what = ("图片", "image") if is_image else ("链接", "link")
    if source in targets.broken:
        return Resolution(None, problem=(True, *unread_target(what, shown, source, targets.broken[source])))
    hint = _near_hint(path, here, source, suffix, is_image, targets)
    return Resolution(None, problem=(False, f"{what[0]} “{shown}” 指向的文件不存在（{source}），请检查路径{hint[0]}",
                                     f"{what[1]} '{shown}' names no file ({source}); check the path{hint[1]}"))


def _near_hint(written: str, here: str, source: str, suffix: str, is_image: bool, targets: Targets) -> tuple[str, str]:
    """"Did you mean" for a link that names nothing but differs from a source, file or department only by case,
    full-width characters or `.md`: the link as it should be written, rooted or relative as the author wrote it."""
    near = targets.near(source)
    if near is None or near == source:
        return "", ""
    inside = near.removeprefix("content/")
    if inside in targets.departments:
        if is_image:
            return "", ""
        fixed = f"/{inside}/"
    elif is_image and inside not in targets.assets:
        return "", ""
    else:
        fixed = f"/{inside}" if written.startswith("/") else posixpath.relpath(inside, here or ".")
    return (f"；是否想写 “{fixed}{suffix}”？（大小写、全角半角和 .md 都须与文件名一致）",
            f"; did you mean '{fixed}{suffix}'? (case, full-width characters and '.md' must match the file's name)")


def _resolve(target: str, job: _Job, is_image: bool) -> str | None:
    result = resolve(target, job.rel, is_image, job.targets)
    job.resolved.append((target, is_image, result))
    if result.problem is not None:
        warning, zh, en = result.problem
        (job.report.warn if warning else job.report.error)(job.rel, job.line_of(target), zh, en)
    if result.entry:
        job.links.append(result.entry)
        fragment = urlsplit(target).fragment
        if fragment and not is_image:
            job.anchors.append((result.entry, unquote(fragment), target))
    if result.asset:
        job.assets.append(result.asset)
        if is_image:
            job.images.append((result.asset, job.line_of(target)))
        elif not is_image_file(result.asset):
            job.files.append((result.asset, result.url or "", job.line_of(target)))
    return result.url


def is_image_file(path: str) -> bool:
    """An image by its type (the one list in `filetypes`): linked, it is a picture, not an attachment."""
    return filetypes.kind_of(path) == "image"


def _link_texts(html: str, files: list[tuple[str, str, int]]) -> tuple[tuple[str, str, int], ...]:
    """(asset, the text of its first link, line) for every linked file, in order of first appearance."""
    found: dict[str, tuple[str, str, int]] = {}
    first: dict[str, str] = {}  # href as written in the HTML -> the text of its first link: one pass, not one per file
    for match in _ANCHOR.finditer(html):
        first.setdefault(match.group(1), match.group(2))
    for asset, url, line in files:
        if asset in found:
            continue
        written = first.get(escape(url, quote=True))
        text = unescape(_TAG.sub("", written)).strip() if written is not None else ""
        found[asset] = (asset, text or posixpath.basename(asset), line)
    return tuple(found.values())


_ANCHOR = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_ID = re.compile(r'<[a-z][^>]*?\sid="([^"]*)"')
_TAG = re.compile(r"<[^>]+>")


def first_paragraph(html: str) -> str:
    """The first paragraph of rendered HTML as plain text (the default summary)."""
    match = _PARAGRAPH.search(html)
    return unescape(_TAG.sub("", match.group(1))).strip() if match else ""


_OPTIONS = cmark.Options.CMARK_OPT_UNSAFE | cmark.Options.CMARK_OPT_FOOTNOTES  # raw HTML goes on to nh3
_HEADING = re.compile(r"<h([1-6])(?:\s[^>]*)?>(.*?)</h\1>", re.S)
_NOT_SLUG = re.compile(r"[^\w\s-]")
_SPACES = re.compile(r"[-\s]+")


def heading_ids(html: str, toc: list[tuple[int, str, str]] | None = None) -> str:
    """Give every heading an id made from its text (Chinese kept), unique within the body; attributes a
    heading had are replaced. `toc` collects (level, id, text) of the ## and ### headings."""
    taken: set[str] = set()
    tried: dict[str, int] = {}  # base -> the last number tried after it: 40,000 equal headings do not count up again

    def one(match: re.Match[str]) -> str:
        text = unescape(_TAG.sub("", match.group(2)))
        base = _SPACES.sub("-", _NOT_SLUG.sub("", text).strip().lower()) or "section"
        slug, n = base, tried.get(base, 1)
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        tried[base] = n
        taken.add(slug)
        if toc is not None and match.group(1) in "23":
            toc.append((int(match.group(1)), slug, text.strip()))
        return f'<h{match.group(1)} id="{slug}">{match.group(2)}</h{match.group(1)}>'

    return _HEADING.sub(one, html)


class Renderer:
    """CommonMark with GitHub's tables, footnotes, strikethrough and autolinks (cmark-gfm) — or Python-Markdown
    with the site's vetted extensions — then heading ids, then nh3's allowlist (no scripts, handlers, frames,
    forms or javascript: URLs), which also resolves every link and image target through the body's
    `_Job.attribute`, then GitHub's alerts (`> [!NOTE]`) as labelled boxes."""

    def __init__(self, dialect: Dialect = COMMONMARK) -> None:
        self._job: _Job | None = None
        self._to_html = _engine(dialect)
        self._cleaner = nh3.Cleaner(tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES, link_rel=None,
                                    strip_comments=True, attribute_filter=self._attribute)

    def _attribute(self, tag: str, name: str, value: str) -> str | None:
        assert self._job is not None
        return self._job.attribute(tag, name, value)

    def render(self, rel: str, source: str, first_line: int, targets: Targets, report: Report) -> Body:
        job = self._job = _Job(rel, source, first_line, targets, report, backref_label=secrets.token_hex(16))
        toc: list[tuple[int, str, str]] = []
        try:
            clean = self._cleaner.clean(heading_ids(_mark_backrefs(self._to_html(source), job.backref_label),
                                                    toc))
        finally:
            self._job = None
        feed_html = ""
        if "[!" in clean:
            clean, feed_html = callouts(clean)
        files = _link_texts(clean, job.files) if job.files else ()
        return Body(clean, first_paragraph(clean), tuple(dict.fromkeys(job.links)),
                    tuple(dict.fromkeys(job.assets)), tuple(job.resolved),
                    tuple(dict.fromkeys(unescape(i) for i in _ID.findall(clean))), tuple(job.anchors),
                    toc=tuple(toc), h2=sum(1 for level, _id, _text in toc if level == 2), feed_html=feed_html,
                    images=tuple(dict.fromkeys(job.images)), files=files)


_EXTENSIONS = ["table", "autolink", "tagfilter", "strikethrough"]


def _engine(dialect: Dialect) -> Callable[[str], str]:
    """Markdown text -> raw HTML, by the site's engine (raw HTML is kept: nh3 cleans it next)."""
    if dialect.engine != "python-markdown":
        return partial(cmark.markdown_to_html_with_extensions, options=_OPTIONS, extensions=_EXTENSIONS)
    import markdown  # only when a site chooses it

    converter = markdown.Markdown(extensions=list(dialect.extensions), output_format="html")

    def convert(source: str) -> str:
        return converter.reset().convert(source)

    return convert


CALLOUTS = {"NOTE": ("note", "提示"), "TIP": ("tip", "小贴士"), "IMPORTANT": ("important", "重要"),
            "WARNING": ("warning", "注意"), "CAUTION": ("caution", "警告")}
_CALLOUT = re.compile(r"<blockquote>\s*<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(</p>\s*|<br\s*/?>\s*|\n|(?=</p>))",
                      re.I)
_QUOTE_TAG = re.compile(r"<(/?)blockquote\b[^>]*>")


def callouts(html: str) -> tuple[str, str]:
    """GitHub's alerts (a blockquote opening with `[!NOTE]` …) as labelled boxes for pages, and as a
    quotation headed by the label in bold for feeds: (page HTML, feed HTML)."""
    page, feed = html, html
    for match in reversed(list(_CALLOUT.finditer(html))):
        depth, end = 1, -1
        for tag in _QUOTE_TAG.finditer(html, match.end()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.start()
                break
        if end < 0:
            continue
        kind, label = CALLOUTS[match.group(1).upper()]
        rest = "" if match.group(2).startswith("</p>") else "<p>"
        inner = html[match.end():end]
        close_end = end + len("</blockquote>")
        page = (page[:match.start()] + f'<aside class="callout callout-{kind}" role="note" aria-label="{label}">\n'
                f'<p class="callout-label">{label}</p>\n{rest}{inner}</aside>' + page[close_end:])
        feed = (feed[:match.start()] + f"<blockquote>\n<p><strong>{label}</strong></p>\n{rest}{inner}</blockquote>"
                + feed[close_end:])
    return page, feed

@dataclass(frozen=True, slots=True)
class Job:
    """One body to render: its key (entry id or "dept:<id>"), source path, text and first line."""

    key: str
    rel: str
    source: str
    first_line: int


PARALLEL_FROM = 1000  # below this many bodies to render a second process costs more than it saves


def _render_one(renderer: Renderer, job: Job, targets: Targets) -> tuple[Body, list[Problem]]:
    found = Report()
    return renderer.render(job.rel, job.source, job.first_line, targets, found), found.problems


# (source path, digest of the text, first line) -> the body and the problems found rendering it
BodyCache = dict[tuple[str, str, int], tuple[Body, list[Problem]]]


def _cache_key(job: Job, dialect: Dialect, folder: str = "", plain: bool | None = None) -> tuple[str, str, int]:
    """`plain`: whether the dialect is CommonMark and the folder the site's own (known once for many jobs)."""
    if plain is None:
        plain = dialect == COMMONMARK and not folder
    text = job.source if plain else f"{folder}\0{dialect!r}\0{job.source}"
    return job.rel, hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest(), job.first_line


def _still(body: Body, rel: str, targets: Targets) -> bool:
    """Whether every link of `body` (rendered from the source at `rel`) still resolves as it did."""
    return all(resolve(target, rel, image, targets) == was for target, image, was in body.deps)


def render_all(jobs: Sequence[Job], targets: Targets, report: Report, cache: BodyCache | None = None,
               dialect: Dialect = COMMONMARK, meanwhile: Callable[[], object] | None = None
               ) -> tuple[dict[str, Body], BodyCache]:
    """Render every body, reusing cached ones whose links still resolve the same (a variant's bodies, rendered
    with its URLs, are cached apart from the hall's own). `meanwhile`: the main process's own work, done while the
    bodies render on both cores (`parallel.fork_map`)."""
    bodies: dict[str, Body] = {}
    kept: BodyCache = {}
    todo: list[Job] = []
    todo_keys: list[tuple[str, str, int]] = []
    folder = targets.urls.folder
    plain = dialect == COMMONMARK and not folder
    for job in jobs:
        key = _cache_key(job, dialect, folder, plain)
        hit = cache.get(key) if cache else None
        if hit is not None and _still(hit[0], job.rel, targets):
            bodies[job.key] = hit[0]
            report.extend(hit[1])
            kept[key] = hit
        else:
            todo.append(job)
            todo_keys.append(key)
    renderer = Renderer(dialect)  # a forked worker uses its own copy
    done = dict(fork_map([partial(_render_one, renderer, job, targets) for job in todo], parallel_from=PARALLEL_FROM,
                         meanwhile=meanwhile))
    for index, (job, key) in enumerate(zip(todo, todo_keys, strict=True)):
        body, problems = done[index]
        bodies[job.key] = body
        report.extend(problems)
        kept[key] = (body, problems)
    return bodies, kept
