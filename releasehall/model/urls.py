"""The only place that decides paths and URLs, and the only place that maps URLs to files.

Every URL is root-relative and starts with the base path of `base_url` ("/" or "/hall/");
`absolute` adds the origin for feeds and the sitemap.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from releasehall.model.records import Entry
from releasehall.model.variants import MIRROR_FOLDER, Variant

# The hall's own top-level folders: no department or page may take these names, and a root-relative
# link to one of them (`/releases/`) is a link to the hall itself.
SECTIONS = ("releases", "qa", "topics", "kinds", "departments", "stats", "overdue", "search", "static", "documents")
STATIC = "static/"  # the theme's and layouts/static/'s files
MIRROR = MIRROR_FOLDER  # the Traditional-Chinese mirror's folder (`variants: [zh-Hant]`)
TOP_FILES = ("feed.xml", "atom.xml", "feeds.opml", "sitemap.xml", "robots.txt", "404.html")
_VARIANT_ENDINGS = ("/", ".xml", ".json", ".csv", ".html", ".xsl")  # what each variant has its own of: pages, feeds, data
SHARED_FILES = ("feeds.opml", "sitemap.xml", "robots.txt")  # top-level files of the whole hall, in no variant
PAGES = "pages"  # content/pages/: standalone pages, whose URLs sit at the top level
SEARCH_INDEX = "pagefind"  # the search index's folder (the search page's data; the name is from Pagefind, which made it before)
RESERVED = (*SECTIONS, PAGES, SEARCH_INDEX, MIRROR.rstrip("/"), *TOP_FILES)  # top-level names a department or page may not take


@dataclass(frozen=True, slots=True)
class Urls:
    """The URLs of one variant of the hall (`model/variants`): its pages, feeds and data files are under its
    folder ("/zh-hant/…" for the mirror); static files, attachments, pictures, the search index and the hall's
    sitemap, robots.txt and OPML are the same files for every variant."""

    base_path: str  # "/" or "/hall/"
    origin: str  # "https://example.gov.cn"
    variant: Variant | None = None  # None: the site as written

    @property
    def folder(self) -> str:
        return self.variant.folder if self.variant is not None else ""

    def _at(self, path: str) -> str:
        """A page, feed or data file of this variant."""
        return self.base_path + self.folder + path

    def _shared(self, path: str) -> str:
        """A file every variant shares."""
        return self.base_path + path

    def of(self, variant: Variant) -> Urls:
        """The URLs of `variant` of the same hall."""
        return replace(self, variant=variant)

    def alternate(self, url: str, other: Urls) -> str:
        """The URL in `other`'s variant of the page, feed or data file at `url` (one of this variant's URLs)."""
        return other._at(url[len(self.base_path) + len(self.folder):])

    def fragment(self, fragment: str) -> str:
        """The `#fragment` (as written, percent-encoded or not) of a link to a heading of another page, as this
        variant's pages name it."""
        return self.variant.fragment(fragment) if self.variant is not None else fragment

    def home(self) -> str:
        return self._at("")

    def department(self, dept: str) -> str:
        return self._at(f"{dept}/")

    def entry(self, entry: Entry) -> str:
        if entry.section == "pages":
            return self._at(f"{entry.slug}/")
        return self._at(f"{entry.dept}/{entry.section}/{entry.slug}/")

    def alias(self, path: str) -> str:
        """An old path (`aliases`, checked by `schema.alias_path`: root-relative, normalized) under the base path."""
        return self._at(path.removeprefix("/"))

    def documents(self, validity: str = "", page: int = 1) -> str:
        """`/documents/`: every document; `/documents/<validity>/`: those of one validity."""
        return self.listing(f"documents/{validity}" if validity else "documents", page)

    def asset(self, rel: str) -> str:
        """A file under content/, at the same path in the output."""
        return self._shared(rel)

    def static(self, name: str) -> str:
        return self._shared(STATIC + name)

    def search_index(self) -> str:
        """The search index's folder: one for every variant."""
        return self._shared(f"{SEARCH_INDEX}/")

    def listing(self, section: str, page: int = 1) -> str:
        """`releases`, `qa`, `kinds/rumor`, `topics/<slug>`: page 1 at the root, then /page/N/."""
        return self._at(f"{section}/" if page == 1 else f"{section}/page/{page}/")

    def channel(self, slug: str, page: int = 1) -> str:
        """`/qa/channels/<slug>/`: the questions that came in through one channel."""
        return self.listing(f"qa/channels/{slug}", page)

    def linked(self, url: str) -> str:
        """An absolute URL a body writes: when it is one of the hall's own pages, feeds or data files (not a shared
        file), the one of this variant (its fragment naming the heading as the variant does)."""
        prefix = self.origin + self.base_path
        if not self.folder or not url.startswith(prefix):
            return url
        path, hash_, fragment = url[len(prefix):].partition("#")
        bare = path.partition("?")[0]
        if bare.startswith(self.folder) or bare in SHARED_FILES or not (bare == "" or bare.endswith(_VARIANT_ENDINGS)) \
                or bare.startswith(STATIC):
            return url
        return self.origin + self._at(path) + hash_ + self.fragment(fragment)

    def section(self, path: str) -> str:
        """A path in one of the hall's SECTIONS, as a body's rooted link names it (`/releases/`, `/static/x.png`):
        a page, feed or data file is the variant's; anything else (a static file) is shared."""
        return self._at(path) if path.endswith(_VARIANT_ENDINGS) and not path.startswith(STATIC) else self._shared(path)

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
        """A top-level file: sitemap.xml, robots.txt, feeds.opml (the hall's), 404.html, feed.xsl (each variant's)."""
        return self._shared(name) if name in SHARED_FILES else self._at(name)

    def absolute(self, url: str) -> str:
        return self.origin + url

    def output_path(self, url: str) -> str:
        """The file (relative to the output folder) that serves `url`."""
        path = url[len(self.base_path):] if url.startswith(self.base_path) else url.lstrip("/")
        return path + "index.html" if path.endswith("/") or not path else path
