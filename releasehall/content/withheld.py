"""What a build leaves out and why: drafts and items scheduled for later, as lines for `check`."""

from __future__ import annotations

from datetime import datetime

from releasehall.content.load import Content
from releasehall.model.entry_kinds import kind_of, withheld
from releasehall.model.records import Entry


def held_back(content: Content, now: datetime, drafts: bool) -> list[str]:
    """One line per reason the publication rule (`entry_kinds.withheld`) keeps items out: scheduled for later (with
    the next date), drafts."""
    lines: list[str] = []
    for label_zh, label_en, entries in (("条发布", "release", content.releases), ("条留言", "question", content.questions)):
        future = sorted(moment for e in entries if withheld(e, now, drafts) == "scheduled"
                        and (moment := kind_of(e).public_from(e)) is not None)
        if future:
            shown = " ".join(f"{d:%Y-%m-%d %H:%M}" for d in future[:3]) + (" …" if len(future) > 3 else "")
            plural = "s" if len(future) != 1 else ""
            lines.append(f"{len(future)} {label_zh}定时发布，尚未到时间（下一条：{shown}）/ "
                         f"{len(future)} {label_en}{plural} scheduled for later (next: {shown})")
    if not drafts:
        every: tuple[Entry, ...] = (*content.releases, *content.questions, *content.pages)
        count = sum(withheld(e, now, drafts) == "draft" for e in every)
        if count:
            lines.append(f"{count} 篇草稿未发布（draft: true；用 --drafts 预览）/ "
                         f"{count} draft{'s' if count != 1 else ''} not published (draft: true; preview with --drafts)")
    return lines
