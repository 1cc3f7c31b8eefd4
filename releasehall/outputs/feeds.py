"""RSS 2.0 and Atom 1.0 feeds (feedgen) for the hall, each department and each topic, plus OPML.

Pure: returns bytes by output path. Every date comes from content or the build's "now",
never from the clock, so feeds are reproducible.

Every item names its department as readers show it: RSS `dc:creator` (a co-published release's
departments joined by 、) and Atom `author`, and a category with each department's name.
Categories are what readers display, in Chinese (`term` and `label` the same text); `scheme` (RSS
`domain`) is the hall's page of that category, which carries the code (`…/kinds/notice/`,
`…/documents/pending/`, `…/topics/<slug>/`). A feed's
description is its department's (plain text) or a sentence naming its scope. Each feed links the
theme's `feed.xsl` (`<?xml-stylesheet?>`), which a browser uses to show it as a readable page
explaining how to subscribe; feed readers ignore it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from functools import partial
from html import escape
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from jinja2 import Template

from releasehall.assemble.hall import Hall, newest_first, when
from releasehall.model.documents import validity
from releasehall.model.records import Department, Question, Release, Status
from releasehall.model.stats import Record
from releasehall.outputs.i18n import strings
from releasehall.outputs.jobs import Jobs
from releasehall.outputs.keys import THEME, Fingerprints, Memo, digest

STYLESHEET = "feed.xsl"  # the theme's XSLT, written at the hall's root (and the mirror's)
_DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>\n"
_ROOTED = re.compile(r'(\s(?:href|src))="(/(?!/)[^"]*)"')


def absolute_links(html: str, origin: str) -> str:
    """Make root-relative href/src absolute, for readers that show content out of the site."""
    return _ROOTED.sub(lambda m: f'{m.group(1)}="{origin}{m.group(2)}"', html)


def _content(hall: Hall, entry: Release | Question) -> str:
    words = strings(hall.settings.language)
    body = hall.bodies[entry.id].feed
    if isinstance(entry, Question):
        asked = "".join(f"<p>{escape(line)}</p>" for line in entry.question.split("\n") if line.strip())
        body = (f"<h2>{words['question']}</h2><blockquote>{asked}</blockquote>"
                f"<h2>{words['reply']}</h2>{body}")
    elif entry.kind == "rumor":
        body = f"<h2>{words['claim']}</h2><blockquote><p>{escape(entry.claim)}</p></blockquote>" \
               f"<h2>{words['facts']}</h2>{body}"
    if isinstance(entry, Release):
        body = _document_note(hall, entry) + body + _linked_documents(hall, entry)
    return absolute_links(body, hall.urls.origin)


def _document_note(hall: Hall, release: Release) -> str:
    """A document's number and validity as of "now" (and what replaced it) above the body."""
    document = release.document
    if document is None:
        return ""
    words = strings(hall.settings.language)
    state = validity(release, hall.now)
    note = f"<p>{words['doc_number']}：{escape(document.number)} · {words['doc_validity']}：{words[f'validity:{state}']}</p>"
    tz = hall.settings.tz
    if state == "repealed" and document.repealed is not None:
        note += f"<p>{words['banner_repealed'].format(date=document.repealed.astimezone(tz).date().isoformat())}"
        replacement = hall.links.replaced_by.get(release.id)
        if replacement:
            new = hall.by_id[replacement]
            note += f"{words['banner_current']}<a href=\"{hall.urls.entry(new)}\">{escape(new.title)}</a>"
        note += "。</p>"
    elif state == "expired" and release.expires is not None:
        note += f"<p>{words['banner_expired'].format(date=release.expires.astimezone(tz).date().isoformat())}。</p>"
    return note


def _linked(hall: Hall, release: Release) -> list[tuple[str, list[Release | Question]]]:
    """The documents a policy release explains, and a document's interpretations: (label key, entries)."""
    links = hall.links
    return [(key, [hall.by_id[i] for i in ids])  # type: ignore[misc]
            for key, ids in (("interprets", links.interprets.get(release.id, ())),
                             ("interpretations", links.interpretations.get(release.id, ()))) if ids]


def _linked_documents(hall: Hall, release: Release) -> str:
    linked = _linked(hall, release)
    if not linked:
        return ""
    words = strings(hall.settings.language)
    return "".join(f"<p>{words[key]}：" + "、".join(f'<a href="{hall.urls.entry(e)}">{escape(e.title)}</a>'
                                                  for e in entries) + "</p>"
                   for key, entries in linked)


class _RelatedLinks(BaseEntryExtension):  # type: ignore[misc]
    """An Atom entry's `<link rel="related">`s (feedgen 1.0 writes an entry link's href but drops its rel and title)."""

    def __init__(self) -> None:
        self.links: list[tuple[str, str]] = []

    def extend_atom(self, entry: Any) -> Any:
        for href, title in self.links:
            xml_elem("link", entry, href=href, rel="related", title=title)
        return entry


_DC = "http://purl.org/dc/elements/1.1/"


class _DublinCore(BaseExtension):  # type: ignore[misc]
    """The `dc` namespace on an RSS feed, for its items' `dc:creator`."""

    def extend_ns(self) -> dict[str, str]:
        return {"dc": _DC}


class _Creator(BaseEntryExtension):  # type: ignore[misc]
    """An RSS item's `dc:creator` (feedgen's own dc extension writes the same, at twice the cost of a feed)."""

    def __init__(self) -> None:
        self.name = ""

    def extend_rss(self, item: Any) -> Any:
        xml_elem(f"{{{_DC}}}creator", item).text = self.name
        return item


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed's scope ("" for the hall, a department id, "topics/<slug>"), title, page and newest entries."""

    scope: str
    title: str
    page_url: str
    entries: tuple[Release | Question, ...]
    description: str = ""

    def paths(self, hall: Hall) -> tuple[str, str]:
        urls = hall.urls
        return urls.output_path(urls.feed(self.scope, "rss")), urls.output_path(urls.feed(self.scope, "atom"))

    def make(self, hall: Hall) -> tuple[bytes, bytes]:
        return _make_feed(hall, self.scope, self.title, self.page_url, self.entries, self.description)


def all_feeds(hall: Hall) -> list[Feed]:
    """RSS and Atom for the hall, each department (own, co-published, replies) and each topic."""
    urls = hall.urls
    site = hall.settings.title
    words = strings(hall.settings.language)

    def feed(scope: str, title: str, page_url: str, entries: Sequence[Release | Question], about: str) -> Feed:
        return Feed(scope, title, page_url, tuple(newest_first(entries)[: hall.settings.feed_items]), about)

    feeds = [feed("", site, urls.home(), [*hall.releases, *hall.replies], hall.settings.description or site)]
    for dept in hall.departments.values():
        own: list[Release | Question] = [*hall.dept_releases(dept.id),
                                          *(q for q in hall.dept_questions(dept.id) if q.replied)]
        about = hall.bodies[f"dept:{dept.id}"].summary if dept.description else ""
        feeds.append(feed(dept.id, f"{dept.name} - {site}", urls.department(dept.id), own,
                          about or words["feed_about_dept"].format(name=dept.name, site=site)))
    for slug, on_topic in hall.by_topic.items():
        name = hall.topics[slug].name
        feeds.append(feed(f"topics/{slug}", f"{name} - {site}", urls.topic(slug), on_topic,
                          words["feed_about_topic"].format(name=name, site=site)))
    return feeds


def stylesheet(hall: Hall) -> dict[str, bytes]:
    """The theme's feed stylesheet by output path, in the hall's variant (its `lang`)."""
    template = Template((THEME / STYLESHEET).read_text(encoding="utf-8"), keep_trailing_newline=True)
    return {hall.urls.output_path(hall.urls.file(STYLESHEET)): template.render(variant=hall.variant).encode("utf-8")}


def _styled(hall: Hall, xml: bytes) -> bytes:
    """The feed with the processing instruction that shows it as a page in a browser."""
    assert xml.startswith(_DECLARATION), xml[:60]
    link = f'<?xml-stylesheet type="text/xsl" href="{hall.urls.file(STYLESHEET)}"?>\n'.encode()
    return _DECLARATION + link + xml[len(_DECLARATION):]


def _category(term: str, page_url: str, hall: Hall) -> dict[str, str]:
    """A category as readers show it (its Chinese name); its scheme is the hall's page of it."""
    return {"term": term, "label": term, "scheme": hall.urls.absolute(page_url)}


def _departments(hall: Hall, entry: Release | Question) -> list[Department]:
    """The departments an item is from: its own, then its co-publishers'."""
    ids = (entry.dept, *entry.co_publishers) if isinstance(entry, Release) else (entry.dept,)
    return [hall.departments[d] for d in ids]


def _make_feed(hall: Hall, scope: str, title: str, page_url: str, entries: Sequence[Release | Question],
               description: str = "") -> tuple[bytes, bytes]:
    settings = hall.settings
    urls = hall.urls
    tz = settings.tz
    rss_url = urls.feed(scope, "rss")
    atom_url = urls.feed(scope, "atom")
    latest: datetime = max((when(e) for e in entries), default=hall.now).astimezone(tz)
    fg = FeedGenerator()
    fg.register_extension("creator", _DublinCore, _Creator, atom=False, rss=True)
    fg.id(urls.absolute(page_url))
    fg.title(title)
    description = description or title
    fg.subtitle(escape(description))  # RSS readers render <description> as HTML, like item summaries
    fg.author({"name": settings.owner or settings.title})
    fg.language(hall.variant.lang)
    fg.generator("Release Hall")
    fg.updated(latest)
    fg.lastBuildDate(latest)
    for entry in entries:
        url = urls.absolute(urls.entry(entry))
        dept = hall.departments[entry.dept]
        moment = when(entry).astimezone(tz)
        fe = fg.add_entry(order="append")
        fe.id(url)
        fe.guid(url, permalink=True)
        fe.title(entry.title)
        fe.link(href=url)
        fe.author({"name": dept.name})
        publishers = _departments(hall, entry)
        fe.creator.name = "、".join(d.name for d in publishers)  # one creator: readers show one (feedparser the last)
        fe.published(moment)
        updated = entry.updated if isinstance(entry, Release) and entry.updated else moment
        fe.updated(updated.astimezone(tz))
        summary = entry.question if isinstance(entry, Question) else (entry.summary or hall.bodies[entry.id].summary)
        # Readers render RSS descriptions as HTML: escape the plain text once more so it stays text.
        fe.summary(escape(summary or entry.title), type="html")
        fe.content(_content(hall, entry), type="html")
        words = strings(settings.language)
        state = validity(entry, hall.now) if isinstance(entry, Release) else None
        fe.category([_category(d.name, urls.department(d.id), hall) for d in publishers]
                    + [_category(words["qa"], urls.listing("qa"), hall) if isinstance(entry, Question)
                       else _category(words[f"v:{entry.kind}"], urls.kind(entry.kind), hall)]
                    + ([_category(words[f"validity:{state}"], urls.documents(state), hall)] if state else [])
                    + [_category(name, urls.topic(hall.topic_of[name]), hall) for name in entry.topics
                       if name in hall.topic_of])
        related = [(urls.absolute(urls.entry(other)), f"{words[key]}：{other.title}")
                   for key, linked in (_linked(hall, entry) if isinstance(entry, Release) else []) for other in linked]
        if related:  # the documents it explains, a document's interpretations: Atom's related links
            fe.register_extension("related", _RelatedLinks, atom=True, rss=False)
            fe.related.links = related
    page = {"href": urls.absolute(page_url), "rel": "alternate"}
    # feedgen gives RSS's <link> the last link, so the page goes after the feed's own.
    fg.link([{"href": urls.absolute(rss_url), "rel": "self"}, page], replace=True)
    rss = _styled(hall, fg.rss_str(pretty=True))
    fg.subtitle(description)  # Atom's <subtitle> is text: escaped once, by the XML writer
    fg.link([{"href": urls.absolute(atom_url), "rel": "self"}, page], replace=True)
    atom = _styled(hall, fg.atom_str(pretty=True))
    return rss, atom


def overdue_records(hall: Hall) -> dict[str, tuple[Record, ...]]:
    """What is overdue now, newest overdue first: the hall's under "" and each department's under its slug (every
    department present, with no questions overdue too)."""
    overdue = sorted((r for r in hall.stats.records.values() if r.status == Status.OVERDUE),
                     key=lambda r: (r.overdue_since, r.id), reverse=True)
    by_dept: dict[str, list[Record]] = {dept: [] for dept in hall.departments}
    for record in overdue:
        by_dept.setdefault(record.dept, []).append(record)
    return {"": tuple(overdue), **{dept: tuple(records) for dept, records in by_dept.items()}}


def make_overdue_feed(hall: Hall, dept: str, records: Sequence[Record]) -> tuple[bytes, ...]:
    """One entry per question overdue now, dated by the day it became overdue, with a GUID that stays the
    same while its deadline does, so a supervisor's reader shows each newly overdue question once.
    The hall's feed comes as RSS and Atom, a department's as RSS."""
    settings = hall.settings
    urls = hall.urls
    tz = settings.tz
    words = strings(settings.language)
    title = words["overdue_feed_title"]
    title = f"{title} - {hall.departments[dept].name}" if dept else f"{title} - {settings.title}"
    page_url = urls.department(dept) if dept else urls.overdue()
    dated = [(r, datetime.combine(r.overdue_since, time(), tz)) for r in records]
    fg = FeedGenerator()
    fg.register_extension("creator", _DublinCore, _Creator, atom=False, rss=True)
    fg.id(urls.absolute(urls.overdue_feed(dept)))
    fg.title(title)
    fg.subtitle(escape(title))  # RSS readers render <description> as HTML, like item summaries
    fg.author({"name": settings.owner or settings.title})
    fg.language(hall.variant.lang)
    fg.generator("Release Hall")
    latest = max((moment for _r, moment in dated), default=hall.now.astimezone(tz))
    fg.updated(latest)
    fg.lastBuildDate(latest)
    for rec, moment in dated:
        question = hall.by_id[rec.id]
        assert isinstance(question, Question)
        url = urls.absolute(urls.entry(question))
        owner = hall.departments[rec.dept]
        fe = fg.add_entry(order="append")
        fe.id(f"{url}#overdue-{rec.due.isoformat()}")
        fe.guid(f"{url}#overdue-{rec.due.isoformat()}", permalink=False)
        fe.title(f"{words['v:overdue']}：{question.title}（{owner.label}）")
        fe.link(href=url)
        fe.author({"name": owner.name})
        fe.creator.name = owner.name
        fe.published(moment)
        fe.updated(moment)
        line = f"{words['due']} {rec.due.isoformat()} · {owner.name} · {words['not_replied']}"
        fe.summary(escape(line), type="html")
        asked = "".join(f"<p>{escape(text)}</p>" for text in question.question.split("\n") if text.strip())
        fe.content(f"<p>{escape(line)}</p><blockquote>{asked}</blockquote>", type="html")
        fe.category([_category(owner.name, urls.department(owner.id), hall),
                     _category(words["v:overdue"], urls.overdue(), hall)])
    page = {"href": urls.absolute(page_url), "rel": "alternate"}
    fg.link([{"href": urls.absolute(urls.overdue_feed(dept, "rss")), "rel": "self"}, page], replace=True)
    rss = _styled(hall, fg.rss_str(pretty=True))
    fg.subtitle(title)  # Atom's <subtitle> is text: escaped once, by the XML writer
    if dept:
        return (rss,)
    fg.link([{"href": urls.absolute(urls.overdue_feed(dept, "atom")), "rel": "self"}, page], replace=True)
    return rss, _styled(hall, fg.atom_str(pretty=True))


def render_overdue_feeds(hall: Hall, memo: Memo, fp: Fingerprints, jobs: Jobs) -> None:
    """Queue the overdue feeds (the hall's and each department's) whose questions changed."""
    urls = hall.urls
    overdue = overdue_records(hall)
    for dept in ("", *hall.departments):
        records = overdue[dept]
        paths = tuple(urls.output_path(urls.overdue_feed(dept, fmt)) for fmt in (("rss",) if dept else ("rss", "atom")))
        key = digest(fp.whole, "overdue", dept, hall.now if not records else None,
                     tuple((r.id, r.due, fp.entry(hall.by_id[r.id])) for r in records))
        if not memo.reuse_all(paths, key):
            jobs.add(paths, partial(make_overdue_feed, hall, dept, records))


def render_feeds(hall: Hall, memo: Memo, fp: Fingerprints, jobs: Jobs) -> dict[str, bytes]:
    """Queue the feeds whose entries changed since the last build, and the overdue feeds; OPML."""
    for feed in all_feeds(hall):
        key = digest(fp.whole, feed.scope, feed.title, feed.description, feed.page_url,
                     hall.now if not feed.entries else None,
                     tuple(fp.feed_entry(e) for e in feed.entries))
        paths = feed.paths(hall)
        if not memo.reuse_all(paths, key):
            jobs.add(paths, partial(feed.make, hall))
    render_overdue_feeds(hall, memo, fp, jobs)
    return {hall.urls.output_path(hall.urls.file("feeds.opml")): opml(hall), **stylesheet(hall)}


def opml(hall: Hall) -> bytes:
    urls = hall.urls
    title = escape(hall.settings.title)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">',
             f"<head><title>{title}</title><dateCreated>{hall.now.strftime('%a, %d %b %Y %H:%M:%S %z')}"
             "</dateCreated></head>", "<body>"]
    for dept in hall.departments.values():
        lines.append(
            f'<outline type="rss" text="{escape(dept.name)}" title="{escape(dept.name)}" '
            f'xmlUrl="{escape(urls.absolute(urls.feed(dept.id, "rss")))}" '
            f'htmlUrl="{escape(urls.absolute(urls.department(dept.id)))}"/>'
        )
    # supervisors (督办): what is overdue now, for the hall and for each department
    overdue = escape(strings(hall.settings.language)["overdue_feed_title"])
    lines.append(f'<outline text="{overdue}" title="{overdue}">')
    lines.append(f'<outline type="rss" text="{overdue} - {title}" title="{overdue} - {title}" '
                 f'xmlUrl="{escape(urls.absolute(urls.overdue_feed()))}" '
                 f'htmlUrl="{escape(urls.absolute(urls.overdue()))}"/>')
    for dept in hall.departments.values():
        lines.append(
            f'<outline type="rss" text="{overdue} - {escape(dept.name)}" title="{overdue} - {escape(dept.name)}" '
            f'xmlUrl="{escape(urls.absolute(urls.overdue_feed(dept.id)))}" '
            f'htmlUrl="{escape(urls.absolute(urls.department(dept.id)))}"/>'
        )
    lines.append("</outline>")
    lines += ["</body>", "</opml>", ""]
    return "\n".join(lines).encode("utf-8")
