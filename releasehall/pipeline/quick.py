"""The pipeline's short way, for serve: only some Markdown bodies changed since the last good build.

The same four stages as a whole build, each doing less: read only the changed sources (`content/load`'s
functions), assemble by putting their new bodies into the last hall, plan only the outputs that show those
bodies (every output family says which of its outputs do: `outputs/families`), publish them in memory. It is
taken when nothing but bodies can have changed -- the saved files' front matter is the same, they read and
render without a problem, and their links, anchors, images and attachments are the ones they had -- and when no
operator template is in use (`hall` is a template global: an operator's template may show a body anywhere, see
`outputs/keys`). Otherwise `bodies_only` returns None and the build goes the whole way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping

from releasehall.assemble.hall import Hall, as_of, variant_bodies
from releasehall.content.load import load_source, report_personal_data, source_entry
from releasehall.errors import Report
from releasehall.markdown.markup import Body, Job, render_all
from releasehall.media.pictures import with_pictures
from releasehall.model.records import Entry
from releasehall.model.variants import variants_of
from releasehall.outputs import variants
from releasehall.outputs.feeds import all_feeds
from releasehall.outputs.pages import environment, overridden
from releasehall.pipeline.outcome import Outcome, Rendition
from releasehall.store.cache import BuildCache


def bodies_only(last: Outcome, changed: Collection[str], cache: BuildCache) -> Outcome | None:
    """The outputs that show the bodies of the sources `changed`, when only those bodies changed; else None.

    Updates `cache` (sources, bodies, and forgets the keys of the outputs rendered here, so that the next whole
    build renders them again rather than trust a key made before).
    """
    hall = last.hall
    if hall is None or last.problems:  # a warning may concern a body: the whole way reports them afresh
        return None
    if len(last.mirrors) != len(variants_of(hall.settings)) - 1:  # the last build's variants are not at hand
        return None
    env = environment(hall) if last.env is None else last.env
    if overridden(env, hall.settings.root / "layouts"):
        return None
    jobs: list[Job] = []
    bodies = _reread(hall, changed, cache, jobs)  # read
    if not bodies:
        return None
    hall = dataclasses.replace(hall, bodies={**hall.bodies, **bodies})  # assemble
    env.globals["hall"] = hall
    listed = all_feeds(hall) if last.feeds is None else last.feeds  # a body edit changes no feed's entries
    files = variants.showing(hall, env, bodies.keys(), listed)  # plan and render
    mirrors = []
    for mirror in last.mirrors:  # the same in each of the hall's other variants, with its bodies
        shown = dataclasses.replace(mirror.hall, bodies={**mirror.hall.bodies, **bodies,
                                                         **variant_bodies(hall, mirror.hall.urls, jobs)})
        mirror_env = environment(shown) if mirror.env is None else mirror.env
        mirror_env.globals["hall"] = shown
        mirror_feeds = all_feeds(shown) if mirror.feeds is None else mirror.feeds
        files.update(variants.showing(shown, mirror_env, bodies.keys(), mirror_feeds))
        mirrors.append(Rendition(shown, mirror_env, mirror_feeds))
    for output in files:
        cache.keys.pop(output, None)
    return Outcome(hall=hall, env=env, files=files, rendered=sorted(files), feeds=listed, mirrors=tuple(mirrors),
                   partial=True)


def _reread(hall: Hall, rels: Collection[str], cache: BuildCache, jobs: list[Job]) -> dict[str, Body] | None:
    """The new bodies of the sources `rels` by entry id, read and rendered as a whole build would (`jobs` gets
    what was rendered); None as soon as one of them changed more than its body."""
    settings = hall.settings
    by_rel: Mapping[str, Entry] = {e.rel: e for e in hall.entries()}
    bodies: dict[str, Body] = {}
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
        job = Job(old.id, rel, new.body, new.body_line)
        rendered, kept = render_all([job], hall.targets, found, dialect=settings.markdown)
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
        jobs.append(job)
    return bodies
