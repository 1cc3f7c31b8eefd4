"""The output families, declared once: what each makes on a whole build, and which of its outputs show a body.

A whole build asks every family to plan (each queues the outputs whose key changed since the last build). Serve,
told that only some Markdown bodies changed, asks every family which of its outputs show those bodies and renders
just those, with the same functions: the two cannot drift apart, because there is one list of families and each
family answers both questions itself.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from jinja2 import Environment

from releasehall.assemble.hall import Hall
from releasehall.outputs import feeds, opendata, pages
from releasehall.outputs.feeds import Feed
from releasehall.outputs.jobs import Jobs
from releasehall.outputs.keys import Fingerprints, Memo


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    # a whole build: queue every output whose key changed; return the small outputs made at once
    plan: Callable[[Hall, Environment, Memo, Fingerprints, Jobs], dict[str, bytes]]
    # the quick path: the outputs that show the bodies of these entries, rendered now (feeds: the hall's feed list)
    showing: Callable[[Hall, Environment, Collection[str], list[Feed]], dict[str, bytes]]


def _pages_plan(hall: Hall, env: Environment, memo: Memo, fp: Fingerprints, jobs: Jobs) -> dict[str, bytes]:
    pages.render_pages(hall, env, memo, fp, jobs)
    return {}


def _pages_showing(hall: Hall, env: Environment, ids: Collection[str], _feeds: list[Feed]) -> dict[str, bytes]:
    """A body shows on its own item's page only (list rows show no body)."""
    made = {}
    for entry_id in sorted(ids):
        page = pages.entry_page(hall, hall.by_id[entry_id])
        made[hall.urls.output_path(page.url)] = pages.page_bytes(env, page)
    return made


def _figures_plan(hall: Hall, env: Environment, memo: Memo, fp: Fingerprints, jobs: Jobs) -> dict[str, bytes]:
    opendata.render_stats(hall, env, memo, fp, jobs)
    return {}


def _figures_showing(_hall: Hall, _env: Environment, _ids: Collection[str], _feeds: list[Feed]) -> dict[str, bytes]:
    return {}  # figures count items; they show no body


def _feeds_plan(hall: Hall, _env: Environment, memo: Memo, fp: Fingerprints, jobs: Jobs) -> dict[str, bytes]:
    return feeds.render_feeds(hall, memo, fp, jobs)


def _feeds_showing(hall: Hall, _env: Environment, ids: Collection[str], listed: list[Feed]) -> dict[str, bytes]:
    """Feeds carry their entries' full content: every feed that lists one of these entries."""
    made: dict[str, bytes] = {}
    for feed in listed:
        if any(entry.id in ids for entry in feed.entries):
            made.update(zip(feed.paths(hall), feed.make(hall), strict=True))
    return made


FAMILIES: tuple[Family, ...] = (
    Family("pages", _pages_plan, _pages_showing),
    Family("figures", _figures_plan, _figures_showing),
    Family("feeds", _feeds_plan, _feeds_showing),
)
