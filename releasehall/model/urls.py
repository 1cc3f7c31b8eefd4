"""The only place that decides paths and URLs, and the only place that maps URLs to files.

Every URL is root-relative and starts with the base path of `base_url` ("/" or "/hall/");
`absolute` adds the origin for feeds and the sitemap.
"""

from __future__ import annotations

from dataclasses import dataclass

from releasehall.model.records import Entry

# The hall's own top-level folders: no department or page may take these names, and a root-relative
# link to one of them (`/releases/`) is a link to the hall itself.
SECTIONS = ("releases", "qa", "topics", "kinds", "departments", "stats", "overdue", "search", "static", "documents")
STATIC = "static/"  # the theme's and layouts/static/'s files
MIRROR = "zh-hant/"  # the Traditional-Chinese mirror's folder (`variants: [zh-Hant]`)
TOP_FILES = ("feed.xml", "atom.xml", "feeds.opml", "sitemap.xml", "robots.txt", "404.html")
PAGES = "pages"  # content/pages/: standalone pages, whose URLs sit at the top level
SEARCH_INDEX = "pagefind"  # Pagefind's index folder (the search page's data)
RESERVED = (*SECTIONS, PAGES, SEARCH_INDEX, MIRROR.rstrip("/"), *TOP_FILES)  # top-level names a department or page may not take


@dataclass(frozen=True, slots=True)
class Urls:
    base_path: str  # "/" or "/hall/"
    origin: str  # "https://example.gov.cn"

    def _at(self, path: str) -> str:
        return self.base_path + path

    def home(self) -> str:
        return self.base_path

    def department(self, dept: str) -> str:
        return self._at(f"{dept}/")

    def entry(self, entry: Entry) -> str:
        if entry.section == "pages":
            return self._at(f"{entry.slug}/")
        return self._at(f"{entry.dept}/{entry.section}/{entry.slug}/")

    def alias(self, path: str) -> str:
        """An old path (`aliases`, checked by `aliases.alias_path`: root-relative, normalized) under the base path."""
        return self._at(path.removeprefix("/"))

    def documents(self, validity: str = "", page: int = 1) -> str:
        """`/documents/`: every document; `/documents/<validity>/`: those of one validity."""
        return self.listing(f"documents/{validity}" if validity else "documents", page)

    def asset(self, rel: str) -> str:
        """A file under content/, at the same path in the output."""
        return self._at(rel)

    def static(self, name: str) -> str:
        return self._at(STATIC + name)

    def listing(self, section: str, page: int = 1) -> str:
        """`releases`, `qa`, `kinds/rumor`, `topics/<slug>`: page 1 at the root, then /page/N/."""
        return self._at(f"{section}/" if page == 1 else f"{section}/page/{page}/")

    def channel(self, slug: str, page: int = 1) -> str:
        """`/qa/channels/<slug>/`: the questions that came in through one channel."""
        return self.listing(f"qa/channels/{slug}", page)

    def departments(self) -> str:
        return self._at("departments/")

    def topics(self) -> str:
        return self._at("topics/")

    def topic(self, slug: str, page: int = 1) -> str:
        return self.listing(f"topics/{slug}", page)

    def kinds(self) -> str:
        return self._at("kinds/")

    def kind(self, kind: str, page: int = 1) -> str:
        return self.listing(f"kinds/{kind}", page)

    def stats(self) -> str:
        return self._at("stats/")

    def search(self) -> str:
        return self._at("search/")

    def month(self, month: str) -> str:
        return self._at(f"stats/{month}/")

    def stats_file(self, name: str) -> str:
        return self._at(f"stats/{name}")

    def overdue(self) -> str:
        return self._at("overdue/")

    def feed(self, scope: str, fmt: str) -> str:
        """scope "" (the hall), a department id, or "topics/<slug>"; fmt "rss" or "atom"."""
        name = "feed.xml" if fmt == "rss" else "atom.xml"
        return self._at(f"{scope}/{name}" if scope else name)

    def overdue_feed(self, dept: str = "", fmt: str = "rss") -> str:
        """The supervisors' feed of what is overdue now: the hall's (RSS or Atom) or one department's (RSS)."""
        if dept:
            return self._at(f"{dept}/overdue.xml")
        return self.feed("overdue", fmt)

    def file(self, name: str) -> str:
        """A top-level file: sitemap.xml, robots.txt, 404.html, feeds.opml."""
        return self._at(name)

    def absolute(self, url: str) -> str:
        return self.origin + url

    def output_path(self, url: str) -> str:
        """The file (relative to the output folder) that serves `url`."""
        path = url[len(self.base_path):] if url.startswith(self.base_path) else url.lstrip("/")
        return path + "index.html" if path.endswith("/") or not path else path
