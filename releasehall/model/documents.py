"""Formal documents (规范性文件 / 政府信息公开): the 发文字号's form, the date order and validity as of "now".

Pure functions over model records; `load` checks a document's own fields with them and
`index` links documents to their replacements and interpretations.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from releasehall.errors import Report, unread_target
from releasehall.model.records import Department, DocumentMeta, Entry, Release

# 机关代字〔年份〕序号号, e.g. 晋市政发〔2024〕12号. The year bracket is 〔〕 (GB/T 9704-2012 7.2.4);
# editors typing on a keyboard often write [2024], ［2024］, (2024), （2024） or 【2024】 instead.
_NUMBER = re.compile(r"(?P<code>[^\s〔〕\[\]［］()（）【】]+)(?P<open>[〔\[［(（【])(?P<year>\d{4})(?P<close>[〕\]］)）】])"
                     r"(?P<seq>\d+)号")
_PAIRS = {"〔": "〕", "[": "]", "［": "］", "(": ")", "（": "）", "【": "】"}


def number_problem(number: str) -> tuple[bool, str, str] | None:
    """What is wrong with a 发文字号: None, or (is only a warning, zh, en)."""
    match = _NUMBER.fullmatch(number.strip())
    if match is None or _PAIRS[match["open"]] != match["close"]:
        return (False, f"发文字号 “{number}” 格式不对，应写成 机关代字〔年份〕序号号，例如 晋市政发〔2024〕12号",
                f"document number '{number}' is not a 发文字号: write 机关代字〔year〕number号, e.g. 晋市政发〔2024〕12号")
    if match["open"] != "〔":
        standard = f"{match['code']}〔{match['year']}〕{match['seq']}号"
        return (True, f"发文字号 “{number}” 的年份应使用六角括号〔〕（GB/T 9704），请改为 {standard}",
                f"document number '{number}': the year goes in the standard brackets 〔〕 (GB/T 9704); write {standard}")
    if match["seq"].startswith("0"):
        standard = f"{match['code']}〔{match['year']}〕{int(match['seq'])}号"
        return (True, f"发文字号 “{number}” 的序号不编虚位（不加前导 0），请改为 {standard}",
                f"document number '{number}': the sequence number takes no leading zeros; write {standard}")
    return None


# (the later key, the earlier key): each pair must be in this order when both are given
DATE_ORDER = (("date", "written"), ("effective", "written"), ("repealed", "written"), ("repealed", "effective"))


def validity(release: Release, now: datetime) -> str | None:
    """`pending` 尚未施行, `repealed` 已废止, `expired` 已失效 or `effective` 有效; None for a release that is
    not a document."""
    document = release.document
    if document is None:
        return None
    if now < document.effective:
        return "pending"
    if document.repealed is not None and now >= document.repealed:
        return "repealed"
    if release.expires is not None and now > release.expires:
        return "expired"
    return "effective"


def issuer(document: DocumentMeta, department: Department) -> str:
    """发文机关: as written, else the publishing department's full name."""
    return document.issuer or department.name


@dataclass(frozen=True, slots=True)
class Links:
    """Documents tied to each other: replacements and interpretations, both ways, published only."""

    replaced_by: Mapping[str, str]  # document id -> id of the document that replaces it
    replaces: Mapping[str, tuple[str, ...]]  # document id -> the documents it replaces
    interprets: Mapping[str, tuple[str, ...]]  # policy release id -> the documents it explains
    interpretations: Mapping[str, tuple[str, ...]]  # document id -> its interpretations, newest first


def not_partner(rel: str, line: int, key: str, author: str, named: Department, report: Report) -> None:
    """The error for naming a department in `with`, `interprets` or `replaced_by` without its consent."""
    report.error(rel, line, f"{key}：部门 {named.id} 没有把本部门 {author} 列为合作部门（partners），不能把本部门的内容放到"
                 f"它的页面上；请对方在 {named.rel} 的 partners 中加上 {author}，或删去这一项",
                 f"'{key}': department '{named.id}' does not list '{author}' under 'partners', so this cannot appear on "
                 f"its pages; it must add '{author}' to 'partners' in {named.rel}, or remove this entry")


def link(releases: Sequence[Release], every_id: Mapping[str, Entry], published: Collection[str],
         departments: Mapping[str, Department], report: Report, unread: Mapping[str, tuple[str, str]] | None = None
         ) -> Links:
    """Resolve `replaced_by` and `interprets` (content ids or source paths without .md) of the published
    `releases` (newest first). A name that is nothing, or not a document, is an error at its line; one that
    is not published yet (draft, future) is a warning and left out, so a scheduled document never leaks; one that is
    there but has errors of its own (`unread`: name -> its source path, the file with the errors) is a warning too.
    Another department's document may be named only with its consent (its `partners` list the author)."""
    replaced_by: dict[str, str] = {}
    replaces: dict[str, list[str]] = {}
    interprets: dict[str, list[str]] = {}
    interpretations: dict[str, list[str]] = {}

    def target(release: Release, name: str, at: tuple[str | int, ...], key: str) -> str | None:
        wanted = name.strip().strip("/").removesuffix(".md")
        found = every_id.get(wanted)
        line = release.lines.get(at, release.lines.get(at[:-1], 1) if isinstance(at[-1], int) else 1)
        if found is None and unread and wanted in unread:
            report.warn(release.rel, line, *unread_target((f"{key} 中的", f"'{key}' value"), name, *unread[wanted]))
        elif found is None:
            report.error(release.rel, line, f"{key}：“{name}” 不存在，应写成 部门/releases/文件名",
                         f"'{key}': '{name}' names nothing; write dept/releases/slug")
        elif not isinstance(found, Release) or found.document is None:
            report.error(release.rel, line, f"{key}：“{name}” 不是文件（没有 document 文件信息），只能指向带 document 的发布",
                         f"'{key}': '{name}' is not a document (it has no 'document'); name a release that has one")
        elif found.id == release.id:
            report.error(release.rel, line, f"{key}：不能指向本文件自己", f"'{key}': a document cannot name itself")
        elif found.dept != release.dept and found.dept in departments \
                and release.dept not in departments[found.dept].partners:
            not_partner(release.rel, line, key, release.dept, departments[found.dept], report)
        elif found.id not in published:
            report.warn(release.rel, line, f"{key}：“{name}” 尚未发布（草稿或未来日期），暂不显示该链接",
                        f"'{key}': '{name}' is not published (draft or future); the link is left out for now")
        else:
            return found.id
        return None

    for release in releases:
        if release.document is not None and release.document.replaced_by:
            found = target(release, release.document.replaced_by, ("document", "replaced_by"), "replaced_by")
            if found is not None:
                replaced_by[release.id] = found
                replaces.setdefault(found, []).append(release.id)
        for index, name in enumerate(release.interprets):
            found = target(release, name, ("interprets", index), "interprets")
            if found is not None and found not in interprets.get(release.id, []):
                interprets.setdefault(release.id, []).append(found)
                interpretations.setdefault(found, []).append(release.id)
    return Links(replaced_by, {k: tuple(v) for k, v in replaces.items()},
                 {k: tuple(v) for k, v in interprets.items()}, {k: tuple(v) for k, v in interpretations.items()})
