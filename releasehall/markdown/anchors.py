"""Links to a place in a page (`other.md#section`, `#section`): the place must exist.

A fragment names an id in the linked body: a heading's id as the Markdown renderer makes it
(`markup.heading_ids`), a footnote, or an id written in raw HTML. Checked on every build over the
bodies as they are now, cached or not, so renaming a heading shows the links it breaks at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import unquote

from releasehall.errors import Report
from releasehall.markdown.markup import Body, Destinations, Job, destination_line


def check(bodies: Mapping[str, Body], jobs: Sequence[Job], report: Report) -> None:
    """Every fragment link whose target body has no such id is an error at the link's line."""
    ids: dict[str, frozenset[str]] = {}  # by body key: a body with 40,000 headings is not searched per link
    for job in jobs:
        body = bodies.get(job.key)
        if body is None or not body.anchors:
            continue
        destinations: Destinations | None = None
        for entry, fragment, written in body.anchors:
            target = bodies.get(entry or job.key)
            if target is None:
                continue
            held = ids.get(entry or job.key)
            if held is None:
                held = ids[entry or job.key] = frozenset(target.ids)
            if fragment in held:
                continue
            known = "、".join(target.ids[:8]) or "—"
            if destinations is None:
                destinations = Destinations(job.source)
            line = destination_line(destinations, job.first_line, written)
            written = unquote(written)
            where = ("本页", "this page") if not entry else (f"目标页面（{entry}）", f"the linked page ({entry})")
            report.error(job.rel, line,
                         f"链接 “{written}” 中的锚点 #{fragment} 在{where[0]}不存在；标题的锚点由标题文字生成，"
                         f"现有：{known}",
                         f"link '{written}': {where[1]} has no heading or id '#{fragment}'; heading ids come from "
                         f"the heading's text; it has: {', '.join(target.ids[:8]) or '-'}")
