"""`new release DEPT TITLE` / `new qa DEPT TITLE`: a file from a template that builds as is."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from releasehall.content.slugs import shortened, spelled
from releasehall.errors import Report, did_you_mean
from releasehall.read.schema import SLUG_RE, Invalid, parse_datetime
from releasehall.read.symlinks import inside
from releasehall.settings.site import load_settings

TITLE_SLUG = 60  # characters of the title's slug in a new file's name (after the date), cut at a syllable

RELEASE = """---
title: {title}
date: {date}
kind: news
topics: []
# summary: 一两句话的摘要 / one or two sentences
---

在此撰写正文。链接其他发布时写源文件路径，例如 `[相关发布](../../部门/releases/文件名.md)`。
"""

QUESTION = """---
title: {title}
asked: {date}
question: 在此粘贴网友留言原文（纯文本，手机号、身份证号须遮盖，如 138****1234）
asker: 网友
channel: 留言板
category: consultation
complexity: normal
# replied: {date}
---
"""


def department_ids(site: Path) -> list[str]:
    """The ids of the departments under content/ (folders with a department.yaml), sorted."""
    content = site / "content"
    if not content.is_dir():
        return []
    return sorted(p.parent.name for p in content.glob("*/department.yaml") if SLUG_RE.fullmatch(p.parent.name))


def new_file(site: Path, what: str, dept: str, title: str, now: str | None) -> int:
    # The site's zone when site.yaml reads; otherwise the default (the next build reports site.yaml).
    settings = load_settings(site.resolve(), Report())
    tz = settings.tz if settings is not None else ZoneInfo("Asia/Shanghai")
    try:
        moment = parse_datetime(now, tz) if now else datetime.now(tz)
    except Invalid as exc:
        print(f"--now: {exc.zh} / {exc.en}", file=sys.stderr)
        return 2
    folder = site / "content" / dept
    if not SLUG_RE.fullmatch(dept) or not (folder / "department.yaml").is_file():
        known = department_ids(site)
        zh_hint, en_hint = did_you_mean(dept, known)
        listing = "、".join(known) or "（无 / none）"
        print(f"没有部门 “{dept}”{zh_hint}（DEPT 是部门标识，即 content/ 下含 department.yaml 的文件夹名）。"
              f"现有部门：{listing} / no department '{dept}'{en_hint} (DEPT is a department id: the name of a folder "
              f"under content/ with a department.yaml). Departments: {', '.join(known) or 'none'}", file=sys.stderr)
        return 2
    slug = shortened(spelled(title), TITLE_SLUG) or "untitled"
    section = "releases" if what == "release" else "qa"
    name = f"{moment:%Y-%m-%d}-{slug}.md"
    path = folder / section / name
    if path.exists() or path.is_symlink():
        print(f"{path} 已存在，未覆盖：直接编辑它，或换一个标题（或用 --now 换一个日期）再新建 / {path} exists; not "
              "overwritten: edit it, or choose another title (or date, --now)", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    if not inside(path, folder):  # a linked releases/ or qa/ folder: never write outside the department's
        print(f"{path.parent} 是指向部门目录之外的符号链接，未写入 / {path.parent} is a symbolic link leading outside "
              "the department's folder; nothing written", file=sys.stderr)
        return 1
    quoted = yaml.safe_dump(title, allow_unicode=True, default_style='"').strip()
    template = RELEASE if what == "release" else QUESTION
    path.write_text(template.format(title=quoted, date=f"{moment:%Y-%m-%d %H:%M}"), encoding="utf-8")
    print(f"已创建 / created {path}")
    return 0
