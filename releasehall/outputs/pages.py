"""Hall -> HTML pages and the small text files (sitemap, robots).

`render_pages` decides which pages changed since the last build (their keys, through
`memo`) and queues a job for each on `outputs.Jobs`; it renders nothing itself. The jobs
(`render_page`) are pure: the hall and the templates in, the page's bytes out. `sitemap`
and `robots` return their bytes directly.

Templates come from the site's `layouts/` first, then the built-in theme, so an operator
overrides a page by writing a template of the same name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from itertools import islice
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MappingProxyType, MethodType
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    meta,
    select_autoescape,
)
from jinja2.bccache import Bucket
from jinja2.runtime import Context, Macro
from markupsafe import Markup

from releasehall.assemble.hall import Channel, Hall, Topic, when
from releasehall.model import ranking
from releasehall.model.documents import issuer, validity
from releasehall.model.entry_kinds import kind_of
from releasehall.model.records import KINDS, VALIDITIES, Entry, Question, Release
from releasehall.model.urls import Urls
from releasehall.model.variants import Variant, variants_of
from releasehall.outputs import qr, search
from releasehall.outputs.i18n import strings
from releasehall.outputs.jobs import Jobs
from releasehall.outputs.keys import Fingerprints, Memo
from releasehall.outputs.seo import StructuredData, first_image, shorten
from releasehall.settings.site import tel

FRONT_PAGE_ITEMS = 10
ON_TOPIC_ITEMS = 5
TOC_FROM = 3  # ## headings from which a body is a long document, shown with a table of contents


class Compiled(BytecodeCache):
    """Templates compiled once in a build and shared by the environments of the hall's variants (in memory only)."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # Jinja checks it against the source's checksum

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_PLAIN_CALLS = frozenset({FunctionType, BuiltinFunctionType, MethodType, partial, Macro})


class _Context(Context):
    """Jinja's context, calling a plain function, method, partial or macro directly.

    Jinja calls whatever a template calls through `Context.call`, which first looks for `pass_context` and its
    kin on the callable and on its `__call__` (an item page makes some 35 calls). On these types only the callable
    itself can carry the mark, so it alone is looked at; anything else, or one that carries it, goes Jinja's way."""

    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if type(__obj) not in _PLAIN_CALLS or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


class _Environment(Environment):
    """Jinja's environment, each template's globals the environment's own dict rather than a ChainMap over it.

    Jinja gives every template a ChainMap of its own globals over the environment's, so that changing one
    template's globals leaves the others alone. None of ours has globals of its own, and with a ChainMap every
    render paid for it: the context copies the globals key by key in Python, and each `{% import %}` checks
    them key by key for the cached module (a sixth of an item page's time). The environment's dict itself
    behaves as the ChainMap did for everything we do: a global set on the environment later (serve's quick
    path sets `hall`) is seen by the templates loaded before."""

    context_class = _Context

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return self.globals if not d else super().make_globals(d)


def environment(hall: Hall, compiled: Compiled | None = None) -> Environment:
    """The build's Jinja environment for the hall's variant: the hall, its URLs, words and filters are globals, so
    macros are imported without context and compiled once; `row(entry)` renders an entry's list row once per
    build. Environments given the same `compiled` compile each template once between them."""
    settings = hall.settings
    tz = settings.tz
    env = _Environment(
        loader=ChoiceLoader([FileSystemLoader(str(settings.root / "layouts")), PackageLoader("releasehall", "theme")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: templates cannot change during it
        bytecode_cache=compiled,
    )
    words = strings(settings.language)
    rows: dict[str, Markup] = {}

    def row(entry: Entry) -> Markup:
        """An entry's list row, rendered once and shared by every listing that shows it."""
        cached = rows.get(entry.id)
        if cached is None:
            cached = rows[entry.id] = _macro(env, "entry_row")(entry)
        return cached

    def row_list(entries: Sequence[Entry]) -> Markup:
        """The list rows of `entries`, one after another."""
        return Markup("".join([row(entry) for entry in entries]))

    urls = hall.urls
    variant = hall.variant
    nav = [(words["departments"], urls.departments()), (words["releases"], urls.listing("releases")),
           (words["documents"], urls.documents()), (words["qa"], urls.listing("qa")), (words["topics"], urls.topics()), (words["stats"], urls.stats()),
           (words["overdue"], urls.overdue())]
    kinds = variants_of(settings)
    env.globals.update(t=words, lang=variant.lang, variant=variant, alternates=partial(alternates, urls, kinds),
                       switch=partial(switch, urls, variant, kinds), hall=hall, urls=urls, row=row, home=urls.home(),
                       stylesheet=urls.static("hall.css"), nav=nav, row_list=row_list, newest=partial(newest, tz),
                       validity=lambda release: validity(release, hall.now),
                       issuer=lambda release: issuer(release.document, hall.departments[release.dept]),
                       icons=icons(hall),
                       ld=StructuredData(hall), first_image=first_image,
                       search_tags=lambda subject: search.tags(hall, words, subject), qr=qr.svg)

    env.globals.update({name: _once_per_argument(env, name) for name in SHARED_MACROS})
    heads = {slug: (topic, tuple([e.id for e in entries])) for slug, ((topic, entries), _) in topic_heads(hall).items()}
    sections: dict[str, Markup] = {}

    def topic_section(topic: Topic, entries: Sequence[Entry]) -> Markup:
        """A topic's section below an item (macros.html's render_topic_section): rendered once per build for the
        topic's first entries, which most item pages list; for any other entries, on its own."""
        head = heads.get(topic.slug)
        if head is None or head[0] != topic or head[1] != tuple([e.id for e in entries]):
            return Markup(_macro(env, "render_topic_section")(topic, entries))
        cached = sections.get(topic.slug)
        if cached is None:
            cached = sections[topic.slug] = Markup(_macro(env, "render_topic_section")(topic, entries))
        return cached

    env.globals["topic_section"] = topic_section
    menu = _once_per_argument(env, "site_menu")
    hrefs = [href for _label, href in nav]
    home = urls.home()
    # the menu as the page at `url` shows it: rendered once for each distinct state of its links
    env.globals["site_menu"] = lambda url: menu(url == home, tuple([url.startswith(href) for href in hrefs]))
    env.filters["v"] = lambda key: words.get(f"v:{key}", key)
    env.filters["iso"] = lambda value: value.astimezone(tz).isoformat() if isinstance(value, datetime) else str(value)
    env.filters["dt"] = lambda value: _local(value, tz)
    env.filters["d"] = lambda value: (value.astimezone(tz).date() if isinstance(value, datetime) else value).isoformat()
    env.filters["pct"] = lambda value: "—" if value is None else f"{value * 100:.1f}%"
    env.filters["shorten"] = shorten
    env.filters["tel"] = tel
    env.filters["num"] = lambda value: "—" if value is None else f"{value:.1f}"
    env.filters["prose"] = lambda html: scroll_tables(html, words["scroll_table"])
    # JSON whose Chinese stays text (tojson writes \u escapes): the zh-Hant mirror converts it with the page
    env.filters["tojson_text"] = lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True)
    return env


@dataclass(frozen=True, slots=True)
class Link:
    """A link to one variant of a page: what it says it is (hreflang), where it goes, the variant's name."""

    hreflang: str
    href: str
    name: str = ""


def alternates(urls: Urls, kinds: Sequence[Variant], url: str) -> list[Link]:
    """A page's `<link rel="alternate" hreflang>`s (absolute): the page in every variant of the hall (`kinds`), the
    site as written again as x-default; none when the hall has one variant."""
    if len(kinds) < 2:
        return []
    links = [Link(v.hreflang, urls.absolute(urls.alternate(url, urls.of(v))), v.name) for v in kinds]
    return [*links, Link("x-default", links[0].href)]


def switch(urls: Urls, variant: Variant, kinds: Sequence[Variant], url: str) -> list[Link]:
    """The links from a page of `variant` to itself in the hall's other variants (root-relative)."""
    return [Link(v.hreflang, urls.alternate(url, urls.of(v)), v.name) for v in kinds if v != variant]


def newest(tz: Any, *values: Any) -> str:
    """The newest date among `values` (entries, by the date they are listed under; dates and times; lists of
    either; None), as YYYY-MM-DD in the site's zone, or "" when there is none.

    The print header's page date (`base.html`'s block `page_date`): without JavaScript a page cannot know the
    day it is printed, so it says how current it is, from dates it shows anyway (an item's own dates, the rows
    of a list, the figures' "as of") — never the build's clock, so a page's bytes change only when what it
    shows changes."""
    found: list[date] = []
    todo = list(values)
    while todo:
        value = todo.pop()
        if isinstance(value, (list, tuple)):
            todo.extend(value)
        elif isinstance(value, (Release, Question)):
            todo.append(when(value))
        elif isinstance(value, datetime):
            found.append(value.astimezone(tz).date())
        elif isinstance(value, date):
            found.append(value)
    return max(found).isoformat() if found else ""


@dataclass(frozen=True, slots=True)
class Icons:
    favicon: str  # root-relative or absolute
    touch: str  # apple-touch-icon
    share: str  # absolute: the image chat apps show for a page without one of its own


def icons(hall: Hall) -> Icons:
    """site.yaml's `favicon` (a path in the built site or a URL) for all three, else the theme's icons."""
    urls = hall.urls
    favicon = hall.settings.favicon
    if not favicon:
        return Icons(urls.static("favicon.svg"), urls.static("touch-icon.png"), urls.absolute(urls.static("logo.png")))
    href = favicon if "://" in favicon else urls.asset(favicon)
    raster = not favicon.lower().endswith((".svg", ".ico"))
    return Icons(href, href if raster else urls.static("touch-icon.png"),
                 (href if "://" in href else urls.absolute(href)) if raster else urls.absolute(urls.static("logo.png")))


def compile_templates(env: Environment) -> None:
    """Load every page template now (a broken one raises TemplateError here, inside the build's guard)."""
    for name in env.list_templates(filter_func=lambda name: name.endswith(".html") and not name.startswith("static/")):
        env.get_template(name)


def overridden(env: Environment, layouts: Path) -> frozenset[str]:
    """The page templates that use one of the operator's templates in `layouts/`: the template itself, one it
    extends, includes or imports (at any depth), or macros.html, whose macros every template reaches through the
    globals `row`, `site_footer`, `search_tools`, `site_menu`, `topic_section`, `dept_link` and `when`. Such a page
    may show anything in the hall (see `memo`). A reference the source does not name (`{% include some_variable %}`)
    or a template that does not parse counts as the operator's."""
    if not layouts.is_dir():
        return frozenset()
    names = env.list_templates(filter_func=lambda name: name.endswith(".html") and not name.startswith("static/"))
    own = {name for name in names if (layouts / name).is_file()}
    if not own:
        return frozenset()
    uses: dict[str, set[str | None]] = {}
    for name in names:
        try:
            source = env.loader.get_source(env, name)[0] if env.loader else ""
            uses[name] = set(meta.find_referenced_templates(env.parse(source)))
        except TemplateError:
            uses[name] = {None}
    opened: set[str] = set()
    for name in names:
        seen: set[str | None] = set()
        todo: list[str | None] = [name, "macros.html"]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(uses.get(current, set()) if current is not None else ())
        if None in seen or seen & own:
            opened.add(name)
    return frozenset(opened)


SHARED_MACROS = ("site_footer", "search_tools", "dept_link", "when")  # globals: macros.html's render_<name>, once per argument


def _macro(env: Environment, name: str) -> Callable[..., Markup]:
    return getattr(env.get_template("macros.html").module, name)  # type: ignore[no-any-return]


def _once_per_argument(env: Environment, name: str) -> Callable[..., Markup]:
    """macros.html's `render_<name>` as the global `<name>`, rendered once per build for each distinct argument."""
    done: dict[tuple[Any, ...], Markup] = {}

    def call(*args: Any) -> Markup:
        cached = done.get(args)
        if cached is None:
            cached = done[args] = Markup(_macro(env, f"render_{name}")(*args))
        return cached

    return call


def _local(value: datetime, tz: Any) -> str:
    """Date and time in the site's zone; a bare date when the source gave no time of day."""
    local = value.astimezone(tz)
    return local.strftime("%Y-%m-%d") if (local.hour, local.minute, local.second) == (0, 0, 0) else \
        local.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True)
class Pagination:
    number: int
    count: int
    prev: str | None
    next: str | None
    links: tuple[tuple[int, str] | None, ...]  # page numbers to show and their URLs; None where some are left out


PAGER_REACH = 2  # pages shown on each side of the current one, besides the first and the last


def pager_window(number: int, count: int) -> list[int | None]:
    """The first page, the last, and PAGER_REACH pages around `number`; None for each run left out."""
    shown = sorted({1, count, *range(max(1, number - PAGER_REACH), min(count, number + PAGER_REACH) + 1)})
    window: list[int | None] = []
    for n in shown:
        if window and n - (window[-1] or 0) > 1:
            window.append(None)
        window.append(n)
    return window


def paginate(entries: Sequence[Entry], per_page: int, url: Callable[[int], str]
             ) -> list[tuple[str, Pagination, Sequence[Entry]]]:
    count = max(1, -(-len(entries) // per_page))
    return [
        (url(n), Pagination(n, count, url(n - 1) if n > 1 else None, url(n + 1) if n < count else None,
                            tuple(None if m is None else (m, url(m)) for m in pager_window(n, count))),
         entries[(n - 1) * per_page: n * per_page])
        for n in range(1, count + 1)
    ]


def render_page(env: Environment, template: str, url: str, title: str, feeds: Sequence[dict[str, str]] = (),
                description: str = "", **context: Any) -> tuple[bytes]:
    """One page: `template` with what every page gets (its URL, title, feed links, description) and `context`."""
    html = env.get_template(template).render(url=url, title=title, feeds=feeds, description=description, **context)
    return (html.encode("utf-8"),)


def scroll_tables(html: str, label: str) -> Markup:
    """A rendered Markdown body (the `prose` filter) with each of its tables in a named region that keyboard users
    can focus and scroll, named by the table's header row: a body's tables are wrapped where a page shows them."""
    def bare(match: re.Match[str]) -> str:
        header = _HEADER_ROW.search(match.group(1))
        cells = [Markup(c).striptags() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", header.group(1), re.S)] \
            if header else []
        name = escape(" / ".join(c for c in cells if c) or "—", {'"': "&quot;"})
        return (f'<div class="table-scroll" tabindex="0" role="region" aria-label="{label.format(name=name)}">'
                f"{match.group(0)}</div>")

    return Markup(_BODY_TABLE.sub(bare, html))


# a Markdown table in a body (both engines write a bare `<table>`), named by its header row
_BODY_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_HEADER_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)


class _Pages:
    """Queues the pages whose key changed; every page gets the same base context."""

    def __init__(self, hall: Hall, env: Environment, memo: Memo, fp: Fingerprints, jobs: Jobs) -> None:
        self.urls = hall.urls
        self.env = env
        self.memo = memo
        self.fp = fp
        self.jobs = jobs

    def add(self, url: str, template: str, title: str, feeds: Sequence[dict[str, str]] = (),
            description: str = "", **context: Any) -> None:
        """Render a page, unless its key (what it is given: `Fingerprints.page`) is unchanged since the last build."""
        self.put(url, template, title, feeds, description, context)

    def put(self, url: str, template: str, title: str, feeds: Sequence[dict[str, str]], description: str,
            context: Mapping[str, Any]) -> None:
        """`add`, with the context as the mapping it is (an item's page: `EntryPage.context`)."""
        path = self.urls.output_path(url)
        given = {"url": url, "title": title, "feeds": feeds, "description": description}
        if self.memo.reuse(path, self.fp.page(template, given, context)):
            return
        self.jobs.add((path,), partial(render_page, self.env, template, url, title, feeds, description, **context))


def feed_links(hall: Hall, scope: str, name: str) -> list[dict[str, str]]:
    words = strings(hall.settings.language)
    return [
        {"type": "application/rss+xml", "title": f"{name} - {words['rss']}", "href": hall.urls.feed(scope, "rss")},
        {"type": "application/atom+xml", "title": f"{name} - {words['atom']}", "href": hall.urls.feed(scope, "atom")},
    ]


class EntryPage(NamedTuple):
    """An item's or standalone page's page: what `render_page` is given (made for every item on every build)."""

    url: str
    template: str
    title: str
    description: str
    context: dict[str, Any]


Heads = Mapping[str, tuple[tuple[Topic, tuple[Entry, ...]], frozenset[str]]]


def topic_heads(hall: Hall) -> Heads:
    """Each topic with its first ON_TOPIC_ITEMS entries, and their ids: what most item pages list under "on this
    topic" (all but the pages of these entries and of items that link to them), made once per build and shared."""
    heads = {}
    for slug, entries in hall.by_topic.items():
        head = tuple(entries[:ON_TOPIC_ITEMS])
        if head:  # (a topic with nothing to list is listed on no page)
            heads[slug] = ((hall.topics[slug], head), frozenset(e.id for e in head))
    return heads


def entry_page(hall: Hall, entry: Entry, heads: Heads | None = None) -> EntryPage:
    """What an item's or standalone page's page shows: its body, backlinks, related items, others on its topics
    (`heads`: the topics' first entries, `topic_heads`, when the caller makes many pages)."""
    id = entry.id
    body = hall.bodies[id]
    by_id = hall.by_id
    # no item is listed twice on one page: each list leaves out what the page shows above it (in page order:
    # the current document, the documents it explains, its interpretations, what it replaces, backlinks, related)
    documents = _document_links(hall, id)
    seen = {id}
    if documents is not _NO_DOCUMENTS:
        documents = dict(documents)
        if documents["replaced_by"] is not None:
            seen.add(documents["replaced_by"].id)
        for name in ("interprets", "interpretations", "replaces"):
            documents[name] = _unseen(documents[name], seen)
    linked = hall.backlinks.get(id)
    backlinks = _unseen([by_id[i] for i in linked], seen) if linked else []
    linked = hall.related.get(id)
    related = _unseen([by_id[i] for i in linked], seen) if linked else []
    on_topics = []
    for name in entry.topics:
        slug = hall.topic_of.get(name)
        if slug:
            head = heads.get(slug) if heads is not None else None
            if head is not None and seen.isdisjoint(head[1]) and head[0][0].name == name:
                on_topics.append(head[0])  # the topic's first entries, as most pages list them
                seen.update(head[1])
                continue
            others = tuple(islice((e for e in hall.by_topic[slug] if e.id not in seen), ON_TOPIC_ITEMS))
            if others:
                seen.update(e.id for e in others)
                on_topics.append((Topic(slug, name), others))  # as this item writes it, whatever names the page
    context: dict[str, Any] = {
        "item": entry, "body": body.html,
        "backlinks": backlinks,
        "related": related,
        "on_topics": on_topics,
        **documents,
        "toc_headings": body.toc if (entry.toc is None and body.h2 >= TOC_FROM) or entry.toc else (),
        "files": hall.attachments.get(id, ()),
    }
    url = hall.urls.entry(entry)
    if isinstance(entry, Question):
        context["rec"] = hall.stats.records[id]
        context["limit"] = hall.settings.reply_limit(entry.complexity)
        return EntryPage(url, kind_of(entry).template, entry.title, entry.question[:120], context)
    return EntryPage(url, kind_of(entry).template, entry.title, entry.summary or body.summary, context)


def _unseen(entries: list[Entry], seen: set[str]) -> list[Entry]:
    """`entries` less those in `seen` (and repeats), which then holds them too."""
    kept = []
    for e in entries:
        if e.id not in seen:
            seen.add(e.id)
            kept.append(e)
    return kept


_NO_DOCUMENTS: Mapping[str, Any] = MappingProxyType({"replaced_by": None, "replaces": (), "interpretations": (),
                                                     "interprets": ()})


def _document_links(hall: Hall, id: str) -> Mapping[str, Any]:
    """What replaces this document and what it replaces, its interpretations, the documents it explains (none for
    an item no document names, which is asked first: this runs for every item on every build)."""
    links = hall.links
    if id not in links.replaced_by and id not in links.replaces and id not in links.interpretations \
            and id not in links.interprets:
        return _NO_DOCUMENTS
    replacement = links.replaced_by.get(id)
    return {"replaced_by": hall.by_id[replacement] if replacement else None,
            "replaces": [hall.by_id[i] for i in links.replaces.get(id, ())],
            "interpretations": [hall.by_id[i] for i in links.interpretations.get(id, ())],
            "interprets": [hall.by_id[i] for i in links.interprets.get(id, ())]}


def page_bytes(env: Environment, page: EntryPage) -> bytes:
    """An item's page on its own (serve's quick path), the same bytes as in a whole build."""
    return render_page(env, page.template, page.url, page.title, (), page.description, **page.context)[0]


def render_pages(hall: Hall, env: Environment, memo: Memo, fp: Fingerprints, jobs: Jobs) -> None:
    """Queue every HTML page whose key changed since the last build (all of them on a cold build)."""
    words = strings(hall.settings.language)
    urls = hall.urls
    pages = _Pages(hall, env, memo, fp, jobs)
    figures = hall.stats.departments
    per_page = hall.settings.paginate
    by_topic = hall.by_topic
    hall_feeds = feed_links(hall, "", hall.settings.title)

    now = hall.now
    emergencies = [r for r in hall.releases if r.kind == "emergency" and not (r.expires and r.expires < now)]
    pinned = [r for r in hall.releases if r.kind != "emergency" and (
        r.pinned is True or (isinstance(r.pinned, datetime) and r.pinned >= now))]
    first_ids = {r.id for r in (*emergencies, *pinned)}
    scoreboard = ranking.scoreboard(hall.stats.departments, {d: dept.name for d, dept in hall.departments.items()})
    latest_releases = [r for r in hall.releases if r.id not in first_ids][:FRONT_PAGE_ITEMS]
    latest_replies = list(hall.replies[:FRONT_PAGE_ITEMS])
    # `figures`: the departments' figures, which the department tree (macros.html's dept_tree) shows through `hall`
    pages.add(urls.home(), "index.html", "", hall_feeds, hall.settings.description,
              emergencies=emergencies[:FRONT_PAGE_ITEMS], pinned=pinned,
              latest_releases=latest_releases, latest_replies=latest_replies, scoreboard=scoreboard,
              min_ranked=ranking.MIN_RANKED, figures=figures)
    pages.add(urls.departments(), "departments.html", words["departments"], figures=figures)

    for dept in hall.departments.values():
        profile = hall.bodies[f"dept:{dept.id}"]
        figures_of = hall.stats.departments[dept.id]
        releases, questions = hall.dept_releases(dept.id), hall.dept_questions(dept.id)
        pages.add(urls.department(dept.id), "department.html", dept.name, feed_links(hall, dept.id, dept.name),
                  profile.summary, dept=dept, profile=profile.html, f=figures_of, releases=releases, questions=questions)

    heads = topic_heads(hall)
    for entry in hall.entries():
        page = entry_page(hall, entry, heads)
        pages.put(page.url, page.template, page.title, (), page.description, page.context)

    def listing(entries: Sequence[Entry], section: str, heading: str, feeds: Sequence[dict[str, str]] = (),
                feed_scope: str | None = None, filters: tuple[tuple[str, str, int, bool], ...] = (), ask: bool = False) -> None:
        for url, pagination, chunk in paginate(entries, per_page, lambda n: urls.listing(section, n)):
            title = heading if pagination.number == 1 else f"{heading} - {words['page'].format(n=pagination.number)}"
            first_ask = ask and pagination.number == 1  # where to ask: on the first page of /qa/
            pages.add(url, "listing.html", title, feeds, heading=heading, intro="", entries=chunk, pagination=pagination, feed_scope=feed_scope,
                      filters=filters, ask=first_ask)

    listing(hall.releases, "releases", words["releases"], hall_feeds, "")
    channels = hall.channels if len(hall.channels) > 1 else ()  # one channel: nothing to choose between
    listing(hall.questions, "qa", words["qa"], filters=_channel_filters(hall, channels, ""), ask=True)
    for chan in channels:
        listing(chan.questions, f"qa/channels/{chan.slug}", f"{words['qa']}：{chan.name}",
                filters=_channel_filters(hall, channels, chan.slug))
    for slug, topic in hall.topics.items():
        scope = f"topics/{slug}"
        listing(by_topic[slug], scope, topic.name, feed_links(hall, scope, topic.name), scope)
    topic_counts = {s: len(e) for s, e in by_topic.items()}
    pages.add(urls.topics(), "topics.html", words["topics"], counts=topic_counts)
    of_kind: dict[str, list[Release]] = {kind: [] for kind in KINDS}
    for release in hall.releases:
        if release.kind in of_kind:
            of_kind[release.kind].append(release)
    for kind in KINDS:
        listing(of_kind[kind], f"kinds/{kind}", words[f"v:{kind}"])
    kind_counts = [(k, len(of_kind[k])) for k in KINDS]
    pages.add(urls.kinds(), "kinds.html", words["kinds"], counts=kind_counts)
    pages.add(urls.file("404.html"), "404.html", words["not_found"])
    filters = search.filter_values(hall, words)
    # the search page's filters list departments in the matrix's order and kinds in the order of KINDS
    search_kinds = [words[f"v:{kind}"] for kind in KINDS] + [words["qa"], words["department"], words["page_kind"]]
    pages.add(urls.search(), "search.html", words["search"], filters=filters, search_kinds=search_kinds)
    _document_listings(hall, pages)
    for alias in hall.aliases:
        pages.add(alias.url, "redirect.html", alias.title, target=alias.target)


def _channel_filters(hall: Hall, channels: Sequence[Channel], current: str) -> tuple[tuple[str, str, int, bool], ...]:
    """The links above /qa/ and each channel's listing: (label, URL, questions, whether it is this page)."""
    if not channels:
        return ()
    every = (strings(hall.settings.language)["all_questions"], hall.urls.listing("qa"), len(hall.questions),
             current == "")
    return (every, *((c.name, hall.urls.channel(c.slug), len(c.questions), c.slug == current) for c in channels))


def _document_listings(hall: Hall, pages: _Pages) -> None:
    """`/documents/` (every document, newest first) and `/documents/<validity>/`, paginated; a table each."""
    words = strings(hall.settings.language)
    urls = hall.urls
    by_validity = {v: [r for r in hall.documents if validity(r, hall.now) == v] for v in VALIDITIES}
    counts = [("", len(hall.documents)), *((v, len(by_validity[v])) for v in VALIDITIES)]
    for current, documents in (("", list(hall.documents)), *by_validity.items()):
        heading = words["documents"] + (f"：{words['validity:' + current]}" if current else "")
        for url, pagination, chunk in paginate(documents, hall.settings.paginate, partial(urls.documents, current)):
            title = heading if pagination.number == 1 else f"{heading} - {words['page'].format(n=pagination.number)}"
            replacements = {r.id: hall.by_id[hall.links.replaced_by[r.id]] for r in chunk
                            if r.id in hall.links.replaced_by}
            pages.add(url, "documents.html", title, heading=heading, entries=chunk, pagination=pagination, counts=counts, current=current,
                      replacements=replacements)


def sitemap(hall: Hall, html_paths: Sequence[str], redirects: Collection[str]) -> bytes:
    """Every page but the redirects (`redirects`: their output paths, in every variant of the hall)."""
    urls = hall.urls
    tz = hall.settings.tz
    entry_url, output_path = urls.entry, urls.output_path
    lastmod: dict[str, date] = {}
    for entry in hall.entries():
        moment = when(entry)
        if isinstance(entry, Release) and entry.updated:
            moment = max(moment, entry.updated)
        if moment != datetime.min:
            lastmod[output_path(entry_url(entry))] = moment.astimezone(tz).date()
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    home, absolute = urls.home(), urls.absolute
    for path in sorted(p for p in html_paths if p.endswith("index.html") and p not in redirects):
        loc = absolute(home + path.removesuffix("index.html"))
        mod = f"<lastmod>{lastmod[path].isoformat()}</lastmod>" if path in lastmod else ""
        lines.append(f"<url><loc>{escape(loc)}</loc>{mod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def robots(hall: Hall) -> bytes:
    sitemap_url = hall.urls.absolute(hall.urls.file("sitemap.xml"))
    return f"User-agent: *\nAllow: /\nSitemap: {sitemap_url}\n".encode()
