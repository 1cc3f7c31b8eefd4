"""What a page tells search engines and chat apps: JSON-LD structured data, its share image and summary.

Pure functions from the hall's records to JSON-LD text. Citizens' text ends up inside a
`<script>` element, so `dump` escapes `<`, `>` and `&` (and the JavaScript line separators):
no text can close the element or open a comment, whatever it says.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from markupsafe import Markup

from releasehall.assemble.hall import Hall
from releasehall.model.records import Department, Question, Release

_IMG = re.compile(r'<img\b[^>]*?\ssrc="([^"]+\.(?:png|jpe?g|gif|webp))"', re.IGNORECASE)
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_UNSAFE = re.compile("[<>&\u2028\u2029]")
DESCRIPTION_CHARS = 150
HEADLINE_CHARS = 110


# one encoder for every page (json.dumps makes one a call); no graph holds itself (a shared node may be read twice)
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def dump(data: Any) -> Markup:
    """JSON for inside `<script type="application/ld+json">`: `<`, `>`, `&` as \\u escapes."""
    text = _JSON.encode(data)
    return Markup(_UNSAFE.sub(lambda m: _ESCAPES[m.group(0)], text))


def first_image(html: str) -> str:
    """The `src` of the first raster image in a rendered body ("" when it has none: chat apps show no SVG)."""
    match = _IMG.search(html)
    return match.group(1).replace("&amp;", "&") if match else ""


def plain(html: str) -> str:
    """A rendered body as one line of text."""
    return " ".join(Markup(html).striptags().split())


def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class StructuredData:
    """JSON-LD for one build's pages; URLs absolute, times in the hall's zone. The nodes many pages repeat (the hall
    as publisher, a department as author, the front page as the first crumb) are made once and shared by the pages'
    graphs, which only read them."""

    def __init__(self, hall: Hall) -> None:
        self.hall = hall
        self.urls = hall.urls
        self.settings = hall.settings
        self._orgs: dict[str, dict[str, Any]] = {}
        self._hall: dict[str, Any] = {}
        self._home: dict[str, Any] = {}

    def absolute(self, url: str) -> str:
        return url if url.startswith(("http://", "https://")) else self.urls.absolute(url)

    def _time(self, value: datetime) -> str:
        return value.astimezone(self.settings.tz).isoformat()

    def logo(self) -> str:
        favicon = self.settings.favicon
        if favicon and not favicon.endswith((".svg", ".ico")):
            return self.absolute(favicon if "://" in favicon else self.urls.asset(favicon))
        return self.absolute(self.urls.static("logo.png"))

    def hall_org(self) -> dict[str, Any]:
        """The hall as an organization (one node for the build: read, never changed)."""
        if not self._hall:
            self._hall = {"@type": "GovernmentOrganization", "name": self.settings.owner or self.settings.title,
                          "url": self.absolute(self.urls.home()), "logo": self.logo()}
        return self._hall

    def org(self, dept: Department) -> dict[str, Any]:
        """A department as an organization (one node for the build: read, never changed)."""
        node = self._orgs.get(dept.id)
        if node is None:
            node = self._orgs[dept.id] = {"@type": "GovernmentOrganization", "name": dept.name,
                                          "url": self.absolute(self.urls.department(dept.id))}
        return node

    def breadcrumbs(self, trail: Sequence[tuple[str, str]]) -> dict[str, Any]:
        """BreadcrumbList from the front page down to the page itself: (name, root-relative URL) pairs."""
        if not self._home:
            self._home = {"@type": "ListItem", "position": 1, "name": "首页" if self.settings.language != "en" else "Home",
                          "item": self.absolute(self.urls.home())}
        return {"@type": "BreadcrumbList", "itemListElement": [self._home, *[
            {"@type": "ListItem", "position": n, "name": name, "item": self.absolute(url)}
            for n, (name, url) in enumerate(trail, 2)]]}

    def graph(self, *nodes: dict[str, Any]) -> Markup:
        return dump({"@context": "https://schema.org", "@graph": list(nodes)})

    def front(self) -> Markup:
        home = self.absolute(self.urls.home())
        site = {"@type": "WebSite", "name": self.settings.title, "url": home, "inLanguage": self.hall.variant.lang,
                "publisher": self.hall_org()}
        if self.settings.description:
            site["description"] = self.settings.description
        return self.graph(site, self.hall_org())

    def department(self, dept: Department, description: str) -> Markup:
        node = dict(self.org(dept))  # (a node of its own: more is added to it)
        if dept.short_name:
            node["alternateName"] = dept.short_name
        if description:
            node["description"] = shorten(description)
        if dept.parent:
            node["parentOrganization"] = self.org(self.hall.departments[dept.parent])
        spokesperson = dept.spokesperson
        if spokesperson is not None and (spokesperson.email or spokesperson.phone):
            point: dict[str, Any] = {"@type": "ContactPoint", "contactType": "网络发言人", "name": spokesperson.name}
            if spokesperson.email:
                point["email"] = spokesperson.email
            if spokesperson.phone:
                point["telephone"] = spokesperson.phone
            node["contactPoint"] = point
        trail = [(a.name, self.urls.department(a.id)) for a in self.hall.ancestors(dept.id)]
        return self.graph(node, self.breadcrumbs([*trail, (dept.name, self.urls.department(dept.id))]))

    def release(self, item: Release, description: str, image: str, kind_label: str) -> Markup:
        url = self.absolute(self.urls.entry(item))
        dept = self.hall.departments[item.dept]
        article: dict[str, Any] = {
            "@type": "NewsArticle", "headline": shorten(item.title, HEADLINE_CHARS), "url": url,
            "mainEntityOfPage": url, "datePublished": self._time(item.date),
            "dateModified": self._time(item.updated or item.date), "inLanguage": self.hall.variant.lang,
            "author": [self.org(dept), *(self.org(self.hall.departments[c]) for c in item.co_publishers)],
            "publisher": self.hall_org(), "image": [self.absolute(image) if image else self.logo()],
            "articleSection": kind_label,
        }
        if description:
            article["description"] = shorten(description)
        if item.topics:
            article["keywords"] = list(item.topics)
        trail = [(dept.name, self.urls.department(dept.id)), (kind_label, self.urls.kind(item.kind)), (item.title, self.urls.entry(item))]
        return self.graph(article, self.breadcrumbs(trail))

    def question(self, item: Question, reply_html: str, asker_label: str, qa_label: str) -> Markup:
        """QAPage with the reply as the accepted answer once answered; before that only the breadcrumbs."""
        url = self.absolute(self.urls.entry(item))
        dept = self.hall.departments[item.dept]
        trail = [(dept.name, self.urls.department(dept.id)), (qa_label, self.urls.listing("qa")), (item.title, self.urls.entry(item))]
        crumbs = self.breadcrumbs(trail)
        if item.replied is None or not reply_html:
            return self.graph(crumbs)
        question = {
            "@type": "Question", "name": shorten(item.title, HEADLINE_CHARS), "text": item.question,
            "dateCreated": self._time(item.asked), "author": {"@type": "Person", "name": item.asker or asker_label},
            "answerCount": 1,
            "acceptedAnswer": {"@type": "Answer", "text": plain(reply_html), "dateCreated": self._time(item.replied),
                               "url": url + "#reply", "author": self.org(dept)},
        }
        return self.graph({"@type": "QAPage", "url": url, "inLanguage": self.hall.variant.lang,
                           "mainEntity": question}, crumbs)

    def page(self, trail: Sequence[tuple[str, str]]) -> Markup:
        return self.graph(self.breadcrumbs(trail))
