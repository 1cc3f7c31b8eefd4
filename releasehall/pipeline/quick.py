"""Serve's quick path: an edit to the Markdown body of items, nothing else, re-renders only the
outputs that show those bodies.

A body shows on its item's page and, in full, in the feeds that list the item (the hall's,
its departments' and its topics'). When the saved files' front matter is unchanged, they
read and render without any problem, and their links and attachments are the same as
before, nothing else in the hall can have changed: no listing, row, backlink, topic or
figure -- unless the operator's templates are in use: `hall` is a global, so an operator's
template may show a body anywhere, and then the quick path is never taken. Then the hall is kept, with the new bodies, and only those outputs are rendered
again, from the same functions as a whole build, so their bytes are the same. Anything
else returns None and serve rebuilds as usual.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from jinja2 import Environment

from releasehall.assemble.hall import Hall, as_of
from releasehall.content.load import load_source, report_personal_data, source_entry
from releasehall.errors import Report
from releasehall.markdown.markup import Job, render_all
from releasehall.media.pictures import with_pictures
from releasehall.model.records import Entry
from releasehall.outputs.feeds import Feed, all_feeds
from releasehall.outputs.mirror import mirror_files
from releasehall.outputs.pages import entry_page, environment, overridden, page_bytes
from releasehall.store.cache import BuildCache


@dataclass(frozen=True, slots=True)
class Patched:
    hall: Hall
    env: Environment
    files: dict[str, bytes]  # the outputs rendered again, by path
    feeds: list[Feed]  # which entries each feed lists: a body edit changes none of them


def patch_bodies(hall: Hall, env: Environment | None, cache: BuildCache, rels: Iterable[str],
                 feeds: list[Feed] | None = None) -> Patched | None:
    """The outputs that show the bodies of the sources `rels`, when only those bodies changed; else None.

    Updates `cache` (sources, bodies, and forgets the keys of the outputs rendered here, so
    that the next whole build renders them again rather than trust a key made before).
    """
    settings = hall.settings
    env = environment(hall) if env is None else env
    if overridden(env, settings.root / "layouts"):
        return None  # an operator's template may show these bodies anywhere (see memo): rebuild what it uses
    by_rel: Mapping[str, Entry] = {e.rel: e for e in hall.entries()}
    bodies = dict(hall.bodies)
    changed: list[Entry] = []
    for rel in sorted(set(rels)):
        old = by_rel.get(rel)
        path = settings.root / rel
        if old is None or path.is_symlink():
            return None
        report = Report()
        new = load_source(settings, rel, report)
        if new is not None:
            report_personal_data(new, settings, hall.departments, report)
            new = as_of(new, hall.now)  # a reply dated later stays hidden, as in a whole build
        if new is None or report.problems or type(new) is not type(old) or new.front_digest != old.front_digest:
            return None
        found = Report()
        rendered, kept = render_all([Job(old.id, rel, new.body, new.body_line)], hall.targets, found,
                                    dialect=settings.markdown)
        body = rendered[old.id]
        before = hall.bodies[old.id]
        if found.problems or body.links != before.links or body.assets != before.assets or \
                body.ids != before.ids or body.anchors != before.anchors or \
                [f[:2] for f in body.files] != [f[:2] for f in before.files]:  # anchors elsewhere may break or heal
            return None
        kept_source = source_entry(path, new)
        if kept_source is None:
            return None
        cache.sources[rel] = kept_source
        cache.bodies.update(kept)
        if hall.pictures and body.images:
            body = with_pictures({old.id: body}, hall.pictures, hall.urls, settings.images_max_width)[old.id]
        bodies[old.id] = body
        changed.append(old)
    if not changed:
        return None
    hall = dataclasses.replace(hall, bodies=bodies)
    env.globals["hall"] = hall
    files: dict[str, bytes] = {}
    for entry in changed:
        page = entry_page(hall, entry)
        files[hall.urls.output_path(page.url)] = page_bytes(env, page)
    ids = {e.id for e in changed}
    feeds = all_feeds(hall) if feeds is None else feeds
    for feed in feeds:
        if any(e.id in ids for e in feed.entries):
            files.update(zip(feed.paths(hall), feed.make(hall), strict=True))
    if settings.mirrored:
        files.update(mirror_files(files, hall.urls))
    for output in files:
        cache.keys.pop(output, None)
    return Patched(hall, env, files, feeds)
