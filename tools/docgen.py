"""docs/fields.md, the field reference, generated from the schemas the build validates with.

`python -m tools.docgen --write` regenerates it; `python -m tools.docgen --check`
exits 1 when docs/ disagrees with the schemas (so does `tests/test_docs.py`). Keys, types,
required flags, defaults and allowed values come from the `Field`s in `config.SCHEMA` and
`load.*_SCHEMA`; what a key means and an example come from `NOTES` below, the one place to
describe a key (a key the schemas gain needs a line here, and the test says so).
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from releasehall.content import load
from releasehall.read import schema as s
from releasehall.settings import site as config

DOCS = Path(__file__).resolve().parent.parent / "docs"
TARGET = "fields.md"
REGENERATE = "python -m tools.docgen --write"

# (title, key prefix in NOTES, schema, where the file lives)
DOCUMENTS: tuple[tuple[str, str, s.Schema, str], ...] = (
    ("site.yaml 发布厅设置 / the hall's settings", "site", config.SCHEMA, "`site.yaml` at the hall's root"),
    ("department.yaml 部门资料 / a department", "dept", load.DEPARTMENT_SCHEMA, "`content/<dept>/department.yaml`"),
    ("发布 / releases", "release", load.RELEASE_SCHEMA, "front matter of `content/<dept>/releases/<slug>.md`"),
    ("留言与答复 / questions and replies", "question", load.QUESTION_SCHEMA,
     "front matter of `content/<dept>/qa/<slug>.md`; the Markdown body is the reply"),
    ("独立页面 / standalone pages", "page", load.PAGE_SCHEMA, "front matter of `content/pages/<slug>.md`"),
)

# "<prefix>:<key>" (nested keys dotted) or "*:<key>" for every kind -> (中文说明, English, example)
NOTES: dict[str, tuple[str, str, str]] = {
    "site:title": ("发布厅名称，显示在每页顶部", "the hall's name, on every page", "示例市政务发布厅"),
    "site:base_url": ("网站对外地址（绝对网址），订阅源和站点地图用它", "absolute URL the site is served from",
                      "https://fabu.example.gov.cn/"),
    "site:language": ("界面语言", "interface language", "zh-CN"),
    "site:timezone": ("时区（IANA 名称）；不带时区的日期按它理解", "IANA time zone of dates without an offset",
                      "Asia/Shanghai"),
    "site:description": ("一句话简介", "one-line description", "统一发布信息、统一答复网民留言"),
    "site:owner": ("主办单位", "the owner (主办单位)", "示例市人民政府新闻办公室"),
    "site:footer": ("页脚标识", "footer identifiers", ""),
    "site:footer.site_code": ("网站标识码", "government website code", "4400000001"),
    "site:footer.icp": ("ICP 备案号", "ICP licence number", "示ICP备00000001号"),
    "site:footer.police": ("公安备案号", "public-security filing number", "示公网安备 44000000000001号"),
    "site:footer.contact": ("联系方式", "contact", "0755-8800 0000"),
    "site:footer.organizer": ("主办单位（缺省为 owner）", "the organizer (主办单位; default: owner)", "示例市人民政府办公室"),
    "site:footer.operator": ("承办单位", "the operator (承办单位)", "示例市政务服务数据管理局"),
    "site:footer.dzjg": ("党政机关标识：图片和它链接的页面", "the 党政机关 identifier: its image and the page it links to", ""),
    "site:footer.dzjg.href": ("标识链接到的网址", "the page it links to", "https://bszs.conac.cn/sitename?method=show&id=XXXX"),
    "site:footer.dzjg.image": ("标识图片：站内路径或绝对网址（空：主题自带）", "the image: a path in the site or an absolute URL (empty: the theme's)",
                               "static/dzjg.png"),
    "site:footer.report_error": ("网站纠错链接", "link to report an error on the site",
                                 "https://zfwzzc.www.gov.cn/check_web/errorInfo/jcInfo/XXXX"),
    "site:reply_limits": ("答复期限（工作日）", "working days to reply", ""),
    "site:reply_limits.normal": ("一般留言的答复期限", "limit for normal questions", "3"),
    "site:reply_limits.complex": ("复杂留言的答复期限", "limit for complex questions", "7"),
    "site:reply_limits.very_late": ("超过期限多少个工作日算“严重超期”", "working days past due that count as very overdue",
                                    "20"),
    "site:calendar": ("在法定节假日和调休之外补充的日期", "days added to the official calendar", ""),
    "site:calendar.holidays": ("额外的休息日", "extra days off", "[2027-01-04]"),
    "site:calendar.workdays": ("额外的调休上班日", "extra make-up working days (调休)", "[2027-02-06]"),
    "site:stale_after_days": ("部门超过这么多天没有发布即标为“久未更新”", "days without a release before a department is stale",
                              "14"),
    "site:paginate": ("列表每页条数", "items per listing page", "20"),
    "site:feed_items": ("每个订阅源的条数", "items per feed", "50"),
    "site:variants": ("`[zh-Hant]` 生成 /zh-hant/ 下的繁体镜像", "`[zh-Hant]` adds a Traditional-Chinese mirror", "[zh-Hant]"),
    "site:output": ("输出目录（相对站点目录）", "output folder, relative to the site folder", "public"),
    "site:attachments": ("附件设置", "attachment settings", ""),
    "site:attachments.max_mb": ("单个附件的大小上限（MB），check 审计超限的附件", "largest attachment, in MB; check "
                                "reports larger ones", "50"),
    "site:images": ("图片设置", "image settings", ""),
    "site:images.max_width": ("正文图片宽于此值时发布多个缩放尺寸（WebP 和原格式），此值为最大一档（像素）",
                              "a body image wider than this is published resized (WebP and its own format), this "
                              "width being the largest", "1600"),
    "site:favicon": ("网站图标、触屏图标和分享图（空：主题自带）；位图也用于分享卡片",
                     "favicon, touch icon and sharing image (empty: the theme's); a raster image is also the share card",
                     "static/favicon.png"),
    "site:markdown": ("Markdown 设置", "Markdown settings", ""),
    "site:markdown.engine": ("Markdown 引擎", "Markdown engine", "commonmark"),
    "site:markdown.extensions": ("python-markdown 引擎的扩展，只能从审核过的内置扩展中选（默认 tables、fenced_code、footnotes）",
                                 "extensions of the python-markdown engine, from the vetted built-in ones only "
                                 "(default: tables, fenced_code, footnotes)", "[tables, footnotes, def_list]"),
    "site:import": ("`releasehall import FILE` 导入各渠道导出的留言（docs/import.md）",
                    "`releasehall import FILE`: questions from other channels' exports (docs/import.md)", ""),
    "site:import.profiles": ("每个渠道一个导入配置，名称用于 --profile", "one import profile per channel, named for --profile",
                             ""),
    "site:import.profiles.<name>.channel": ("渠道名称，写入留言的 channel 和 source.channel",
                                            "the channel's name, written as the questions' channel and source.channel",
                                            "12345热线"),
    "site:import.profiles.<name>.sheet": ("XLSX 要读的工作表（空：第一个）", "the XLSX sheet to read (empty: the first)",
                                          "工单"),
    "site:import.profiles.<name>.columns": ("字段 → 导出文件的列名（表头）", "field -> the export's column header", ""),
    "site:import.profiles.<name>.columns.id": ("渠道自己的编号（工单号）", "the channel's own id of the question",
                                               "工单编号"),
    "site:import.profiles.<name>.columns.asked": ("留言时间", "when it was asked", "受理时间"),
    "site:import.profiles.<name>.columns.title": ("标题（空：取留言前 30 个字）",
                                                  "the title (without one: the question's first 30 characters)", "标题"),
    "site:import.profiles.<name>.columns.question": ("留言内容（原文，号码遮盖后写入）", "the question, as asked (numbers masked)",
                                                     "诉求内容"),
    "site:import.profiles.<name>.columns.department": ("承办单位，经 departments 换成部门标识",
                                                       "the department, mapped through departments", "承办单位"),
    "site:import.profiles.<name>.columns.category": ("类别，经 categories 换成 category（空：consultation）",
                                                     "the category, mapped through categories (empty: consultation)",
                                                     "诉求类型"),
    "site:import.profiles.<name>.columns.replied": ("答复时间", "when it was replied", "办结时间"),
    "site:import.profiles.<name>.columns.reply": ("答复内容，写成正文（纯文本段落）", "the reply, written as the body (plain "
                                                  "text paragraphs)", "办理结果"),
    "site:import.profiles.<name>.columns.asker": ("联系人姓名：只用于遮盖，从不写入", "the asker's name: read to mask it, "
                                                  "never written", "联系人"),
    "site:import.profiles.<name>.columns.contact": ("联系方式：只用于遮盖，从不写入", "the asker's contact: read to mask it, "
                                                    "never written", "联系电话"),
    "site:import.profiles.<name>.departments": ("导出中的单位名称 → 部门标识（也认部门全称和标识本身）",
                                                "the export's department names -> department ids (full names and ids "
                                                "are known anyway)", "{市交通运输局: transport, 市公安局: police}"),
    "site:import.profiles.<name>.categories": ("导出中的类别名称 → category", "the export's category names -> category",
                                               "{咨询: consultation, 投诉: complaint, 建议: suggestion, 求助: help}"),
    "site:maintainers": ("运维者的代码托管账号：生成的 CODEOWNERS 的第一行（兜底），拥有 site.yaml、layouts/、.github/、"
                         "content/pages/ 和没有 maintainers 的部门", "the operator's code-host handles: the first, catch-all "
                         "line of the generated CODEOWNERS (site.yaml, layouts/, .github/, content/pages/ and departments "
                         "without maintainers)", "['@org/hall-ops']"),
    "dept:name": ("部门全称", "full name", "示例市公安局"),
    "dept:short_name": ("账号名称（简称）", "account name", "示例公安"),
    "dept:parent": ("上级部门的标识（文件夹名）", "id of the parent department", "xinwenban"),
    "dept:level": ("层级：市、区、街道、社区", "level in the matrix", "district"),
    "dept:order": ("在同级中的排序（小的在前）", "sort key among its siblings", "1"),
    "dept:description": ("部门简介（Markdown）", "a paragraph (Markdown)", "负责全市道路交通管理。"),
    "dept:spokesperson": ("网络发言人", "the network spokesperson", ""),
    "dept:spokesperson.name": ("姓名", "name", "王明"),
    "dept:spokesperson.title": ("职务", "title", "新闻发言人"),
    "dept:spokesperson.email": ("邮箱", "e-mail", "fayan@example.gov.cn"),
    "dept:spokesperson.phone": ("电话", "phone", "0755-8800 0001"),
    "dept:accounts": ("其他渠道：名称 → 网址或账号", "other channels: name → URL or handle",
                      "{weibo: 'https://weibo.com/x', wechat: 示例发布}"),
    "dept:maintainers": ("可以修改本部门文件夹的代码托管账号（生成 CODEOWNERS）", "code-host handles allowed to edit this folder",
                         "['@police-editor', '@org/police']"),
    "dept:partners": ("允许在联合发布（with）、政策解读（interprets）、替代文件（replaced_by）中写上本部门的部门标识；"
                      "未列出的部门这样写是错误", "ids of departments whose co-published releases (`with`), interpretations "
                      "(`interprets`) and replacements (`replaced_by`) may appear on this department's pages, feeds and "
                      "figures; naming a department that does not list you is an error", "[gongan, xinwenban]"),
    "dept:aliases": ("旧网址（根路径），跳转到本部门页", "old root-relative URLs that redirect here", "[/old-police/]"),
    "*:title": ("标题", "title", "国庆假期交通管制通告"),
    "*:topics": ("主题（可写中文），同主题的内容互相链接", "topics, free text", "[交通管制, 公共交通]"),
    "*:related": ("相关内容的标识（部门/栏目/文件名）或源文件路径", "content ids of related items",
                  "[gongan/releases/2026-09-28-guoqing-jiaotong-guanzhi]"),
    "*:draft": ("草稿：只在 --drafts 时生成", "draft: built only with --drafts", "true"),
    "*:summary": ("一两句话的摘要，缺省取第一段", "one or two sentences; default: the first paragraph", "国庆期间滨江大道实行交通管制。"),
    "*:aliases": ("旧网址（根路径），跳转到这里", "old root-relative URLs that redirect here", "[/gongan/releases/old-slug/]"),
    "*:toc": ("强制显示或不显示目录", "force the table of contents on or off", "true"),
    "*:attachments": ("附件列表：相对本文件的路径和标题", "files relative to this file, listed under the body",
                      "[{file: files/通告.pdf, title: 通告全文}]"),
    "*:attachments.file": ("附件文件，相对本 Markdown 文件", "the file, relative to this Markdown file", "files/通告.pdf"),
    "*:attachments.title": ("附件标题", "its title", "通告全文"),
    "release:date": ("发布时间；晚于“现在”的到时才发布", "publication time; a future one waits until then", "2026-09-28 09:00"),
    "release:kind": ("类型：工作动态、通知公告、政策解读、突发事件、辟谣、微访谈、微调查、微活动", "kind", "notice"),
    "release:claim": ("辟谣（rumor）时必填：被辟谣的说法", "for rumor: the rumor being refuted (required there)",
                      "网传地铁 5 号线停运"),
    "release:with": ("联合发布的部门标识，内容同时出现在这些部门下", "ids of co-publishing departments", "[jiaotong]"),
    "release:pinned": ("置顶：true，或置顶到某个日期", "true, or a date until which it stays on top", "2026-10-08"),
    "release:expires": ("过期日期：之后标为已过期（仍然发布）", "date after which it is marked expired", "2026-10-08"),
    "release:updated": ("最后更新时间", "last update", "2026-09-29 10:00"),
    "release:changes": ("更新说明列表，显示在页面上", "change notes shown on the page",
                        "[{date: 2026-09-29, note: 补充绕行路线}]"),
    "release:changes.date": ("更新日期", "date of the change", "2026-09-29"),
    "release:changes.note": ("更新内容", "what changed", "补充绕行路线"),
    "release:document": ("规范性文件信息（发文字号等）", "formal-document metadata", "{number: 示市政发〔2026〕12号}"),
    "release:document.number": ("发文字号", "document number", "示市政发〔2026〕12号"),
    "release:document.index": ("索引号", "index number", "11440300MB2C91234X/2026-00012"),
    "release:document.issuer": ("发文机关（缺省为部门全称）", "issuer (default: the department's name)", "示例市人民政府"),
    "release:document.written": ("成文日期", "date written", "2026-09-20"),
    "release:document.effective": ("施行日期（缺省为发布日期）", "effective date (default: date)", "2026-10-01"),
    "release:document.repealed": ("废止日期", "date repealed", "2028-10-01"),
    "release:document.replaced_by": ("替代它的文件的标识", "content id of the document that replaces it",
                                     "xinwenban/releases/2028-09-01-xin-ban"),
    "release:interprets": ("政策解读所解读的文件标识", "for policy: the document(s) it explains",
                           "xinwenban/releases/2026-09-20-zheng-ce"),
    "question:asked": ("网民留言时间", "when the question was asked", "2026-09-29 10:00"),
    "question:question": ("网民留言原文（纯文本；手机号、身份证号须遮盖）", "the citizen's words, plain text, personal numbers masked",
                          "10 月 1 日晚上滨江大道管制，行人可以通过吗？"),
    "question:asker": ("网民昵称", "display name", "网友"),
    "question:channel": ("留言来源", "where it came in", "微博"),
    "question:category": ("类别：咨询、投诉、建议、求助", "category", "complaint"),
    "question:complexity": ("一般或复杂，决定答复期限", "normal or complex: selects the reply limit", "complex"),
    "question:replied": ("答复时间；正文（答复）不为空时必填", "when the reply was published; required exactly when the body is not empty",
                         "2026-09-29 15:00"),
    "question:promised": ("承诺办结日期（办结时间表）", "date by which it will be resolved", "2026-10-15"),
    "question:resolved": ("办结日期（办结销号）", "date it was resolved", "2026-10-12"),
    "question:satisfaction": ("回访结果", "return-visit result", "satisfied"),
    "question:transfers": ("转办记录", "hand-overs between departments", "[{from: gongan, to: jiaotong, date: 2026-09-30}]"),
    "question:transfers.from": ("转出部门标识", "from department", "gongan"),
    "question:transfers.to": ("转入部门标识", "to department", "jiaotong"),
    "question:transfers.date": ("转办日期", "date", "2026-09-30"),
    "question:transfers.note": ("说明", "note", "属交通部门职责"),
    "question:paused": ("暂停计时（等待网民补充材料）：期间的工作日不计入期限", "pauses of the clock (waiting for the citizen)",
                        "[{from: 2026-10-09, to: 2026-10-12, note: 等待补充材料}]"),
    "question:paused.from": ("暂停开始", "pause starts", "2026-10-09"),
    "question:paused.to": ("暂停结束（不写表示仍在暂停）", "pause ends (missing: still paused)", "2026-10-12"),
    "question:paused.note": ("说明", "note", "等待补充材料"),
    "question:source": ("导入来源：渠道和渠道自己的编号（releasehall import 写入，据此识别同一工单）",
                        "where it was imported from: the channel and its own id (written by releasehall import)", ""),
    "question:source.channel": ("渠道", "the channel", "12345热线"),
    "question:source.id": ("渠道的编号（工单号）", "the channel's id", "GD20241020001"),
    "question:import_digest": ("导入时写入的校验值：文件被人改过后，再次导入不会覆盖它", "digest written by the import: once a person "
                               "edits the file, later imports leave it alone", "ab7291ff5b3e3f3a"),
    "question:withdrawn": ("网民撤回留言的日期：不计入任何比率，也不会超期", "date the citizen withdrew it", "2026-10-02"),
    "page:title": ("页面标题", "title", "关于本发布厅"),
    "page:summary": ("摘要", "summary", "本发布厅的主办单位和使用说明。"),
    "page:order": ("在页脚中的排序（小的在前）", "order in the footer", "1"),
}

# parsers by name (a function's name, or for a parser made by a factory, the factory's name)
_NAMED: dict[str, str] = {
    "text": "文字 text",
    "boolean": "true / false",
    "positive_int": "正整数 positive integer",
    "integer": "整数 integer",
    "slug": "标识 id (`a-z0-9-`)",
    "date_time": "日期 date",
    "text_map": "映射 mapping",
    "date_or_bool": "true / false / 日期 date",
    "base_url": "网址 absolute URL",
    "_url": "网址 absolute URL",
    "_link": "网址 absolute URL",
    "_site_file": "图片 image（站内路径或绝对网址 / path in the site or absolute URL）",
    "_zone": "时区 IANA time zone",
    "code_host_handle": "代码托管账号 code-host handle (`@user`, `@org/team`)",
    "words": "列表 list of 文字 text（也按 ，、, 拆分 / also split on ，、,）",
}


def type_name(parse: Any) -> str:
    """What a parser accepts, read from the parser itself (what a factory such as one_of closed over included)."""
    qualname = getattr(parse, "__qualname__", "")
    factory = qualname.split(".<locals>.")[0] if ".<locals>." in qualname else ""
    free = inspect.getclosurevars(parse).nonlocals if factory and inspect.isfunction(parse) else {}
    if "choices" in free:
        return "之一 one of: " + ", ".join(f"`{c}`" for c in free["choices"])
    if "item" in free:
        return f"列表 list of {type_name(free['item'])}"
    if factory == "up_to" and "most" in free:
        return f"整数 whole number 1–{free['most']}"
    name = factory or getattr(parse, "__name__", "")
    if name in _NAMED:
        return _NAMED[name]
    doc = (inspect.getdoc(parse) or "").strip().splitlines()
    return doc[0] if doc else name.strip("_").replace("_", " ") or "?"


def _default(field: s.Field) -> str:
    if field.required:
        return "**必填 required**"
    value = field.default
    if value is None:
        return "—"
    if value in ("", ()):
        return "（空 empty）" if value == "" else "{}" if field.parse is s.text_map else "[]"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    return f"`{value}`"


def rows(prefix: str, schema: Mapping[str, s.Field], at: str = "") -> Iterator[tuple[str, str, s.Field]]:
    """(dotted key, NOTES prefix, field) for every key, nested ones after their parent."""
    for name, field in schema.items():
        key = f"{at}{name}"
        yield key, prefix, field
        if field.nested is not None:
            yield from rows(prefix, field.nested, f"{key}.<name>." if field.named else f"{key}.")


def note(prefix: str, key: str) -> tuple[str, str, str] | None:
    return NOTES.get(f"{prefix}:{key}") or NOTES.get(f"*:{key}")


def missing_notes() -> list[str]:
    """Schema keys without a line in NOTES."""
    return [f"{prefix}:{key}" for _t, prefix, schema, _w in DOCUMENTS for key, _p, _f in rows(prefix, schema)
            if note(prefix, key) is None]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def reference() -> str:
    """The text of docs/fields.md."""
    out = [
        "<!-- 本文件由 `python -m tools.docgen --write` 从 releasehall/ 的字段定义生成，请勿手改。",
        "     Generated from the schemas in releasehall/ by `python -m tools.docgen --write`; do not edit. -->",
        "# 字段参考 / Field reference",
        "",
        "每个文件能写的全部字段：类型、是否必填、默认值和示例。未知字段、类型不对或取值不在可选范围内都是错误，"
        "构建会报出 `文件:行号`（能猜到时附“是否想写 …”）。日期写 `YYYY-MM-DD`、`YYYY-MM-DD HH:MM` 或带时区的 "
        "ISO 8601；不带时区时按 site.yaml 的 `timezone` 理解。带点的字段（如 `footer.icp`）写在上一级字段之下；"
        "`changes[]` 这样的是映射的列表。",
        "",
        "Every key each file may hold: its type, whether it is required, its default and an example. Unknown keys, "
        "wrong types and values outside the allowed ones are errors at `file:line`. Dotted keys (`footer.icp`) nest "
        "under their parent; a parent marked *list of mappings* takes `- key: value` entries.",
        "",
    ]
    for title, prefix, schema, where in DOCUMENTS:
        out += [f"## {title}", "", f"位置 / where: {where}", "",
                "| 字段 key | 类型 type | 默认 default | 说明 | meaning | 示例 example |", "|---|---|---|---|---|---|"]
        for key, _prefix, field in rows(prefix, schema):
            if field.nested is not None:
                kind = ("映射的列表 list of mappings" if field.many else
                        "名称 → 映射 names, each a mapping" if field.named else "映射 mapping")
            else:
                kind = type_name(field.parse)
            zh, en, example = note(prefix, key) or ("（尚无说明）", "(not described yet)", "")
            shown = f"`{example}`" if example else ""
            out.append(f"| `{key}` | {_cell(kind)} | {_cell(_default(field))} | {_cell(zh)} | {_cell(en)} | {_cell(shown)} |")
        out.append("")
    return "\n".join(out)


def stale(docs: Path = DOCS) -> bool:
    path = docs / TARGET
    return not path.is_file() or path.read_text(encoding="utf-8") != reference()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.docgen", description="生成字段参考 / write docs/fields.md")
    parser.add_argument("--write", action="store_true", help="写入 docs/fields.md / write docs/fields.md")
    parser.add_argument("--check", action="store_true", help="docs/ 与字段定义不一致时退出码为 1 / exit 1 when stale")
    parser.add_argument("--docs", type=Path, default=DOCS, help="docs 目录 / the docs folder")
    args = parser.parse_args(argv)
    if args.write:
        (args.docs / TARGET).write_text(reference(), encoding="utf-8")
        print(f"已写入 / wrote {args.docs / TARGET}")
        return 0
    if args.check:
        if stale(args.docs):
            print(f"{args.docs / TARGET} 与字段定义不一致，请运行 / is out of date; run: {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(reference())
    return 0


if __name__ == "__main__":
    sys.exit(main())
