"""`check`'s inspection against the national rules for government sites and new media.

政府网站与政务新媒体检查指标: a department silent for two weeks, a question unanswered for
three months, a front page not updated for two weeks. Warnings, or errors with --strict.
"""

from __future__ import annotations

from datetime import timedelta

from releasehall.assemble.hall import Hall, when
from releasehall.errors import Problem
from releasehall.media.attachments import file_size, oversized
from releasehall.model.records import Status

SILENT_DAYS = 14
UNANSWERED_DAYS = 90


def audit(hall: Hall, *, strict: bool = False) -> list[Problem]:
    problems: list[Problem] = []
    now = hall.now
    warning = not strict
    for dept_id, dept in hall.departments.items():
        last = hall.stats.departments[dept_id].last_release
        if last is None or now - last > timedelta(days=SILENT_DAYS):
            since = last.astimezone(hall.settings.tz).date().isoformat() if last else "—"
            problems.append(Problem(
                dept.rel, 1, f"{dept.name} 超过两周没有发布信息（最近：{since}），不符合政府网站与政务新媒体检查指标；"
                f"请发布一条信息（releasehall new release {dept_id} 标题）",
                f"{dept.name} has published nothing for over two weeks (last: {since}), against the national "
                f"inspection rules; publish a release (releasehall new release {dept_id} TITLE)", warning))
    for question in hall.questions:
        if question.replied is None and hall.stats.records[question.id].status != Status.WITHDRAWN and now - question.asked > timedelta(days=UNANSWERED_DAYS):
            problems.append(Problem(
                question.rel, question.lines.get(("asked",), 1),
                "留言超过三个月未答复，请尽快答复（检查指标：留言办理）",
                "question unanswered for over three months; reply now (inspection rule: replies)", warning))
    max_mb = hall.settings.attachments_max_mb
    for file in oversized(hall.attachments, max_mb):
        problems.append(Problem(
            file.rel, file.line,
            f"附件 content/{file.asset} 有 {file_size(file.size)}，超过 {max_mb} MB 的上限（site.yaml 的 attachments.max_mb），"
            "请压缩或拆分（检查指标：附件可下载）",
            f"attachment content/{file.asset} is {file_size(file.size)}, over the {max_mb} MB limit "
            "(site.yaml attachments.max_mb); compress or split it (inspection rule: attachments download)", warning))
    latest = max((*(r.date for r in hall.releases), *(when(q) for q in hall.replies)), default=None)
    if latest is None or now - latest > timedelta(days=SILENT_DAYS):
        problems.append(Problem(
            "site.yaml", 1, "发布厅首页超过两周没有更新（检查指标：首页更新）；请发布一条信息或答复一条留言",
            "the hall's front page has not been updated for over two weeks (inspection rule: front page); "
            "publish a release or a reply", warning))
    return problems
