"""The hall's variants (`variants: [zh-Hant]`: every page, feed and data file again under /zh-hant/, in
Traditional characters): rendered by the same output families as the site as written, from the hall as the
variant shows it (`assemble.hall.in_variant`: its URLs, its redirects, bodies whose links lead into it) and
with the variant in the templates' context (`pages.environment`: its language, locale, alternates and switch).

What is left to the variant is its text: each output the families make is written as the variant writes it
(`Variant.text`, OpenCC over the whole output, heading ids and the links to them alike). Files every variant
shares (static files, attachments, pictures, the hall's OPML) are the written site's alone.
"""

from __future__ import annotations

from collections.abc import Collection

from jinja2 import Environment

from releasehall.assemble.hall import Hall
from releasehall.outputs.families import FAMILIES
from releasehall.outputs.feeds import Feed
from releasehall.outputs.jobs import Jobs
from releasehall.outputs.keys import Fingerprints, Memo


def plan(hall: Hall, env: Environment, memo: Memo, fp: Fingerprints, jobs: Jobs) -> dict[str, bytes]:
    """A whole build of `hall`'s variant: every family plans (queueing the outputs whose key changed, each
    written as the variant writes it); returns the small outputs made at once."""
    variant = hall.variant
    made: dict[str, bytes] = {}
    own = jobs.finishing(variant.encoded) if variant.traditional else jobs
    for family in FAMILIES:
        made.update(family.plan(hall, env, memo, fp, own))
    return _own(hall, made)


def showing(hall: Hall, env: Environment, ids: Collection[str], listed: list[Feed]) -> dict[str, bytes]:
    """The quick path in `hall`'s variant: the outputs that show the bodies of the entries `ids`."""
    made: dict[str, bytes] = {}
    for family in FAMILIES:
        made.update(family.showing(hall, env, ids, listed))
    return _own(hall, made)


def _own(hall: Hall, made: dict[str, bytes]) -> dict[str, bytes]:
    """The variant's outputs in its text; a file every variant shares is the written site's."""
    variant = hall.variant
    if not variant.folder:
        return made
    return {path: variant.encoded(data) for path, data in made.items() if path.startswith(variant.folder)}
