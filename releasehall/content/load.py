"""content/ -> model records. Walks the folders, validates every file, collects every error.

Each file is checked against the keys its record declares (`model/records`) and becomes that record
(`schema.build`), with what the file's path and body add; it produces `Content`, every record of
the hall, published or not (drafts and future items are left out by `assemble.hall`).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from releasehall.content.guess import meant
from releasehall.content.privacy import check_name, check_source, published_numbers, unpublished
from releasehall.content.slugs import slugify
from releasehall.errors import Problem, Report, did_you_mean, unread_target
from releasehall.model import documents
from releasehall.model.documents import not_partner
from releasehall.model.entry_kinds import BY_FOLDER, kind_of
from releasehall.model.records import (
    Asset,
    Attachment,
    Department,
    DocumentMeta,
    Finding,
    Page,
    Question,
    Release,
)
from releasehall.model.urls import PAGES, RESERVED
from releasehall.parallel import fork_map
from releasehall.read import filetypes
from releasehall.read import schema as s
from releasehall.read.sources import Document, read_text, read_yaml_file, split_front_matter
from releasehall.read.symlinks import files, refused
from releasehall.settings.site import Settings

CONTENT = "content"

# The keys of each file, as their records declare them (model/records: one declaration per key, with its type,
# default and meaning; docs/fields.md is written from the same). A key is added to its record, not here.
DEPARTMENT_SCHEMA = s.schema_of(Department)
RELEASE_SCHEMA = s.schema_of(Release)
QUESTION_SCHEMA = s.schema_of(Question)
PAGE_SCHEMA = s.schema_of(Page)


@dataclass(frozen=True, slots=True)
class Content:
    """Everything under content/, valid or not yet published."""

    departments: dict[str, Department]
    releases: tuple[Release, ...]
    questions: tuple[Question, ...]
    pages: tuple[Page, ...]
    assets: tuple[Asset, ...]
    # sources that are there but gave no record (source path -> the file whose errors explain why): a Markdown file
    # with errors (itself), and the folder and Markdown files of a department whose department.yaml has errors or is
    # missing (that file). What links to them is told so, not that they do not exist.
    broken: Mapping[str, str] = field(default_factory=dict)


# source path -> (digest of its bytes, the record or None, the problems found reading it). By content,
# not modification time: a fresh checkout gives every file a new time but the same bytes.
SourceEntry = tuple[str, Any, list[Problem]]
SourceCache = dict[str, SourceEntry]


def source_digest(path: Path) -> str | None:
    """What recognizes a source: a digest of its bytes (None: it cannot be read now)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def source_entry(path: Path, record: Any, problems: list[Problem] | None = None) -> SourceEntry | None:
    """The cache entry for `record`, read from `path` just now (serve's quick path keeps its own reads)."""
    digest = source_digest(path)
    return None if digest is None else (digest, record, problems or [])


T = TypeVar("T")


PARALLEL_FROM = 1000  # below this many changed sources a second process costs more than it saves


def _parse_alone(parse: Callable[[Report], T | None]) -> tuple[T | None, list[Problem]]:
    found = Report()
    return parse(found), found.problems


def _digest_and_parse(path: str, parse: Callable[[Report], T | None]) -> tuple[str | None, T | None, list[Problem]]:
    """The file's digest (None: it cannot be read) and `_parse_alone`, both where the file is parsed."""
    return source_digest(Path(path)), *_parse_alone(parse)


_WITH_PARSE = ""  # a queued source's digest, until the worker that parses it works it out


@dataclass(slots=True)
class _Reader:
    """Reads each file once per change: a file whose bytes are unchanged reuses its cached record.

    `read` parses at once; `defer` queues the parse for `settle`, which parses every queued
    source (on both cores when there are many) and gives the records in the order queued.
    """

    report: Report
    old: SourceCache
    known: Mapping[str, str] = field(default_factory=dict)  # digests of files known unchanged by their stat
    new: SourceCache = field(default_factory=dict)
    _queued: list[tuple[str, str | None, Any]] = field(default_factory=list)

    def read(self, path: Path | str, rel: str, parse: Callable[[Report], T | None]) -> T | None:
        digest, hit = self._cached(path, rel)
        if digest is None:
            return parse(self.report)
        if hit is not None:
            return hit[1]  # type: ignore[no-any-return]
        record, problems = _parse_alone(parse)
        self._keep(rel, digest, record, problems)
        return record

    def defer(self, path: Path | str, rel: str, parse: Callable[[Report], Any]) -> None:
        if rel not in self.old and rel not in self.known:  # no entry its digest could match (a cold build's every
            # source): read where it is parsed, on both cores, not once here and once there
            self._queued.append((rel, _WITH_PARSE, partial(_digest_and_parse, str(path), parse)))
            return
        digest, hit = self._cached(path, rel)
        if digest is None:
            self._queued.append((rel, None, parse(self.report)))
        elif hit is not None:
            self._queued.append((rel, None, hit[1]))
        else:
            self._queued.append((rel, digest, partial(_parse_alone, parse)))

    def _cached(self, path: Path | str, rel: str) -> tuple[str | None, SourceEntry | None]:
        """The file's digest (None: it vanished since the folder was listed) and its cache entry, if fresh.

        A fresh entry is reused whatever it holds, a file that could not be read included.
        """
        digest = self.known.get(rel) or source_digest(Path(path))
        if digest is None:
            return None, None
        hit = self.old.get(rel)
        if hit is None or hit[0] != digest:
            return digest, None
        self.new[rel] = hit  # kept as it was: `_keep` without making it again
        if hit[2]:
            self.report.extend(hit[2])
        return digest, hit

    def _keep(self, rel: str, digest: str, record: Any, problems: list[Problem]) -> None:
        self.new[rel] = (digest, record, problems)
        self.report.extend(problems)

    def settle(self) -> list[tuple[str, Any]]:
        """(source path, record) of everything queued since the last settle, in order (None where unreadable)."""
        queued, self._queued = self._queued, []
        todo = [index for index, (_rel, digest, _what) in enumerate(queued) if digest is not None]
        records = [what for _rel, _digest, what in queued]
        for index, result in fork_map([queued[i][2] for i in todo], parallel_from=PARALLEL_FROM):
            rel, digest, _parse = queued[todo[index]]
            if digest == _WITH_PARSE:
                digest, record, problems = result
            else:
                record, problems = result
            if digest is None:  # unreadable, or vanished since the folder was listed: not kept
                self.report.extend(problems)
            else:
                self._keep(rel, digest, record, problems)
            records[todo[index]] = record
        return [(rel, record) for (rel, _digest, _what), record in zip(queued, records, strict=True)]


def load_content(settings: Settings, report: Report, cache: SourceCache | None = None,
                 known: Mapping[str, str] | None = None) -> tuple[Content, SourceCache]:
    """Every record under content/, and the cache for the next build. `known`: the digest (`source_digest`) of each
    source whose bytes are known without reading them (its stat unchanged since they were digested)."""
    reader = _Reader(report, cache or {}, known or {})
    root = settings.root / CONTENT
    ctx = s.Context(settings.tz)
    departments: dict[str, Department] = {}
    releases: list[Release] = []
    questions: list[Question] = []
    pages: list[Page] = []
    assets: list[Asset] = []
    broken: dict[str, str] = {}
    without_yaml: list[str] = []  # folders without a department.yaml: reported once every department is known
    if not root.is_dir() or refused(root, settings.root, CONTENT, report):
        if not root.is_dir():
            report.error(CONTENT, 1, "找不到 content 目录", "the content/ folder is missing")
        return Content({}, (), (), (), ()), {}
    with os.scandir(root) as listing:
        entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    for entry in entries:
        folder = root / entry.name
        rel_folder = f"{CONTENT}/{entry.name}"
        # a folder that is no link lies where content/ does (checked above); only a link may lead out
        if not entry.is_dir() or (entry.is_symlink() and refused(folder, settings.root, rel_folder, report)):
            continue
        if folder.name == PAGES:
            _load_pages(folder, rel_folder, ctx, reader, assets)
            continue
        yaml_path = folder / "department.yaml"
        yaml_rel = f"{rel_folder}/department.yaml"
        if yaml_path.is_symlink() and refused(yaml_path, folder, yaml_rel, report, rel_folder):
            continue
        if yaml_path.is_file():
            department = reader.read(yaml_path, yaml_rel, partial(_load_department, folder, rel_folder, ctx))
        else:
            department = _load_department(folder, rel_folder, ctx, report)
            without_yaml.append(folder.name)
        if department is None:
            broken.update(_unread(folder, rel_folder, yaml_rel))
            continue
        departments[department.id] = department
        _load_items(folder, rel_folder, department.id, ctx, reader, assets, broken)
    of_kind: dict[str, list[Any]] = {"release": releases, "question": questions, "page": pages}
    for name in without_yaml:
        _no_department_yaml(name, departments, report)
    for rel, record in reader.settle():
        if record is None:
            broken[rel] = rel
        elif not isinstance(record, Department):
            of_kind[kind_of(record).name].append(record)
    _check_departments(departments, report, broken)
    _check_references(departments, releases, questions, report, broken)
    sources: list[Release | Question | Page | Department] = [*departments.values(), *releases, *questions, *pages]
    own = own_numbers(settings, departments)
    for record in [*sources, *assets]:
        report_personal_data(record, settings, departments, report, own)
    content = Content(departments, tuple(releases), tuple(questions), tuple(pages), tuple(assets), broken)
    return content, reader.new


def _unread(folder: Path, rel_folder: str, why: str) -> dict[str, str]:
    """The department folder and its files, left unread because `why` (its department.yaml) has errors."""
    found = files(folder, folder, rel_folder, Report(), rel_folder)  # links out are reported once the folder is read
    return {rel_folder: why, **{f"{rel_folder}/{'/'.join(inner)}": why for _path, inner in found}}


def _load_department(folder: Path, rel_folder: str, ctx: s.Context, report: Report) -> Department | None:
    dept_id = folder.name
    rel = f"{rel_folder}/department.yaml"
    ok = True
    if not s.SLUG_RE.fullmatch(dept_id):
        report.error(rel, 1, f"部门目录名 “{dept_id}” 无效：只能用小写字母、数字和连字符，请重命名目录",
                     f"department folder '{dept_id}' is not a valid id: use a-z, 0-9 and '-'; rename the folder")
        ok = False
    elif dept_id in RESERVED:
        report.error(rel, 1, f"部门目录名 “{dept_id}” 与发布厅自身的路径冲突，请换一个名字",
                     f"department folder '{dept_id}' collides with the hall's own path /{dept_id}/; rename it")
        ok = False
    path = folder / "department.yaml"
    if not path.is_file():
        return None  # reported by `_no_department_yaml` once every department is known
    loaded = read_yaml_file(path, rel, report)
    if loaded is None:
        return None
    data, lines = loaded
    values = s.check(data, DEPARTMENT_SCHEMA, lines, rel, report, ctx)
    if values is None or not ok:
        return None
    return s.build(Department, values, id=dept_id, rel=rel, lines=lines)


def _no_department_yaml(name: str, departments: Mapping[str, Department], report: Report) -> None:
    """A folder under content/ without a department.yaml: most often a misspelled department folder, whose files
    belong in the department it was meant to be (adding a department.yaml would make a second, bogus department)."""
    rel = f"{CONTENT}/{name}/department.yaml"
    near = meant(name, departments)
    if near is not None:
        report.error(rel, 1, f"content/{name}/ 不是部门目录（没有 department.yaml）。是否想写 content/{near.id}/"
                     f"（{near.name}）？请把这里的文件移到 content/{near.id}/ 下的 releases/ 或 qa/，再删去本目录；"
                     "若确是新部门，请发布厅管理员为它添加 department.yaml（写明 name）",
                     f"content/{name}/ is not a department folder (it has no department.yaml). Did you mean "
                     f"content/{near.id}/ ({near.name})? Move these files into its releases/ or qa/ and remove this "
                     "folder; if it really is a new department, the hall's operator adds its department.yaml (with its "
                     "name)")
        return
    known = ", ".join(sorted(departments)) or "—"
    report.error(rel, 1, f"content/{name}/ 不是部门目录（没有 department.yaml）。若文件放错了目录，请移到本部门的目录"
                 f"（现有部门：{known}）；若确是新部门，请发布厅管理员为它添加 department.yaml（写明 name）",
                 f"content/{name}/ is not a department folder (it has no department.yaml). If the files are in the "
                 f"wrong folder, move them into your department's (departments: {known}); if it really is a new "
                 "department, the hall's operator adds its department.yaml (with its name)")


def _document(path: Path, rel: str, report: Report) -> Document | None:
    text = read_text(path, rel, report)
    if text is None:
        return None
    return split_front_matter(text, rel, report)


def _slug_for(path: Path, rel: str, report: Report) -> str | None:
    slug = slugify(path.stem)
    if not slug:
        report.error(rel, 1, f"无法从文件名 “{path.name}” 生成网址，请改用字母、数字或汉字命名",
                     f"cannot make a URL from the file name '{path.name}'; rename it with letters, digits or Chinese")
        return None
    return slug


def _load_items(folder: Path, rel_folder: str, dept: str, ctx: s.Context, reader: _Reader,
                assets: list[Asset], broken: dict[str, str]) -> None:
    """A department's files; its editors' links may not lead out of its folder."""
    report = reader.report
    for path, inner in files(folder, folder, rel_folder, report, rel_folder):
        rel = f"{rel_folder}/{'/'.join(inner)}"
        if inner[-1].lower().endswith(".md"):
            load = _item_loader(inner)
            if load is not None:
                reader.defer(path, rel, partial(_load_at, load, path, rel, dept, ctx))
            else:
                broken[rel] = rel
                report.error(rel, 1, "Markdown 文件位置不对：发布放在 releases/，留言回复放在 qa/，请移动该文件",
                             "Markdown file in the wrong place: releases go in releases/, questions in qa/; move it")
        elif inner != ("department.yaml",):
            _add_asset(path, rel, assets, report)


def _load_at(load: _ItemLoader, path: str, rel: str, dept: str, ctx: s.Context, report: Report
             ) -> Release | Question | None:
    """`load` the item at `path`: the `Path` is made only for a file read again, not for each one recognized."""
    return load(Path(path), rel, dept, ctx, report)


def _add_asset(path: Path | str, rel: str, assets: list[Asset], report: Report) -> None:
    """A file an editor put beside the Markdown: published only when its type is on `filetypes`' list and its
    content is not a page in disguise."""
    refused = filetypes.refusal(rel)
    if refused is None:
        try:
            with open(path, "rb") as stream:
                refused = filetypes.markup_refusal(rel, stream.read(filetypes.SNIFF_BYTES))
        except OSError:
            refused = None  # an unreadable file is reported where it is used
    if refused is not None:
        report.error(rel, 1, *refused)
        return
    assets.append(Asset(rel.removeprefix(f"{CONTENT}/")))


_ItemLoader = Callable[[Path, str, str, s.Context, Report], Release | Question | None]


def _item_loader(inner: tuple[str, ...]) -> _ItemLoader | None:
    """How to read a Markdown file at `inner` below its department folder: releases/x.md or qa/x.md."""
    if len(inner) != 2 or not inner[1].lower().endswith(".md"):
        return None
    kind = BY_FOLDER.get(inner[0])
    loaders: dict[str, _ItemLoader] = {"release": _load_release, "question": _load_question}  # pages live apart
    return loaders.get(kind.name) if kind is not None else None



def _front(path: Path, rel: str, schema: s.Schema, ctx: s.Context, report: Report
           ) -> tuple[Document, dict[str, Any], str] | None:
    """A Markdown source's document, its checked front matter and its slug; None after reporting."""
    doc = _document(path, rel, report)
    slug = _slug_for(path, rel, report)
    if doc is None or slug is None:
        return None
    values = s.check(doc.data, schema, doc.lines, rel, report, ctx)
    return None if values is None else (doc, values, slug)


def _load_release(path: Path, rel: str, dept: str, ctx: s.Context, report: Report) -> Release | None:
    front = _front(path, rel, RELEASE_SCHEMA, ctx, report)
    if front is None:
        return None
    doc, v, slug = front
    if v["kind"] == "rumor" and not v["claim"]:
        report.error(rel, doc.lines.get(("kind",), 1), "辟谣（rumor）必须用 claim 写明被辟谣的说法",
                     "a rumor refutation needs 'claim': the rumor being refuted")
        return None
    if v["interprets"] and v["kind"] != "policy":
        report.error(rel, doc.lines.get(("interprets",), 1),
                     "只有政策解读（kind: policy）才能用 interprets 指明所解读的文件；请改 kind 或删去 interprets",
                     "only a policy explainer (kind: policy) may name the documents it explains in 'interprets'; "
                     "change 'kind' or remove 'interprets'")
        return None
    ok, document = _document_of(v, doc, rel, report)
    if not ok:
        return None
    return s.build(Release, v, **_item(doc, dept, Release.section, slug, rel, v), document=document,
                   co_publishers=tuple(d for d in v["with"] if d != dept))


def _document_of(v: dict[str, Any], doc: Document, rel: str, report: Report) -> tuple[bool, DocumentMeta | None]:
    """The release's `document` metadata checked on its own (the number's form, the dates' order): whether
    it is fine, and the metadata (None when there is none)."""
    values = v["document"]
    if values is None:
        return True, None
    problem = documents.number_problem(values["number"])
    line = doc.lines.get(("document", "number"), 1)
    ok = True
    if problem is not None:
        warning, zh, en = problem
        (report.warn if warning else report.error)(rel, line, zh, en)
        ok = warning
    dates = {"date": v["date"], **{k: values[k] for k in ("written", "effective", "repealed")}}
    for later, earlier in documents.DATE_ORDER:
        if dates[later] is not None and dates[earlier] is not None and dates[later] < dates[earlier]:
            at = ("date",) if later == "date" else ("document", later)
            report.error(rel, doc.lines.get(at, 1), f"{later} 早于 {earlier}，请核对日期（成文 ≤ 发布、施行 ≤ 废止）",
                         f"'{later}' is before '{earlier}'; check the dates (written <= date, effective <= repealed)")
            ok = False
    if values["replaced_by"] and values["repealed"] is None:
        report.warn(rel, doc.lines.get(("document", "replaced_by"), 1),
                    "写了 replaced_by 但没有废止日期 repealed：文件仍显示为有效，请补上 repealed",
                    "'replaced_by' is set but 'repealed' is not: the document still shows as in force; add 'repealed'")
    return ok, s.build(DocumentMeta, values, effective=values["effective"] or v["date"])


def _item(doc: Document, dept: str, section: str, slug: str, rel: str, v: dict[str, Any]) -> dict[str, Any]:
    """What a release's or a question's record holds besides its keys: where it is, its body, its lines (and each
    attachment's), the unmasked numbers in it."""
    return {"id": f"{dept}/{section}/{slug}", "dept": dept, **_source(doc, slug, rel),
            "attachments": tuple(s.build(Attachment, a, line=doc.lines.get(("attachments", index, "file"), 1))
                                 for index, a in enumerate(v["attachments"]))}


def _source(doc: Document, slug: str, rel: str) -> dict[str, Any]:
    """What every Markdown source's record holds besides its keys: its slug and path, body, lines, the digest of
    its front matter and the unmasked numbers found in it."""
    return {"slug": slug, "rel": rel, "body": doc.body, "body_line": doc.body_line, "lines": doc.lines,
            "front_digest": doc.front_digest, "personal": check_source(doc.data, doc.lines, doc.body, doc.body_line)}


def _load_question(path: Path, rel: str, dept: str, ctx: s.Context, report: Report) -> Question | None:
    front = _front(path, rel, QUESTION_SCHEMA, ctx, report)
    if front is None:
        return None
    doc, v, slug = front
    ok = True
    has_body = bool(doc.body.strip())
    if v["withdrawn"] is not None and (has_body or v["replied"] is not None):
        report.error(rel, doc.lines[("withdrawn",)], "已撤回（withdrawn）的留言不能有答复：请删去答复正文和 replied，或删去 withdrawn",
                     "a withdrawn question cannot have a reply: remove the reply body and 'replied', or remove "
                     "'withdrawn'")
        ok = False
    elif has_body and v["replied"] is None:
        first = doc.body_line + next(i for i, line in enumerate(doc.body.split("\n")) if line.strip())
        report.error(rel, first, "正文（答复）已写但缺少 replied：请写明答复发布时间",
                     "the body (the reply) is written but 'replied' is missing: add when it was published")
        ok = False
    if not has_body and v["replied"] is not None:
        report.error(rel, doc.lines[("replied",)], "写了 replied 但正文（答复）为空：请在文件头之后写答复",
                     "'replied' is set but the body (the reply) is empty: write the reply after the front matter")
        ok = False
    ok &= _check_pauses(doc, v, rel, ctx, report)
    for key in ("replied", "resolved", "withdrawn"):
        if v[key] is not None and v[key] < v["asked"]:
            report.error(rel, doc.lines[(key,)], f"{key} 早于留言时间 asked，请核对日期",
                         f"'{key}' is before 'asked'; check the dates")
            ok = False
    if not ok:
        return None
    return s.build(Question, v, **_item(doc, dept, Question.section, slug, rel, v))


def _check_pauses(doc: Document, values: dict[str, Any], rel: str, ctx: s.Context, report: Report) -> bool:
    """Each pause starts on or after the day asked and ends on or after it starts; no two share a day."""
    ok = True
    asked = values["asked"].astimezone(ctx.tz).date()
    spans = []
    for index, pause in enumerate(values["paused"]):
        start = pause["from"].astimezone(ctx.tz).date()
        end = pause["to"].astimezone(ctx.tz).date() if pause["to"] is not None else None
        if start < asked:
            report.error(rel, doc.lines[("paused", index, "from")],
                         f"暂停计时的开始日期 {start} 早于留言日期 {asked}，请核对日期",
                         f"the pause starts on {start}, before the question was asked ({asked}); check the dates")
            ok = False
        if end is not None and end < start:
            report.error(rel, doc.lines[("paused", index, "to")],
                         f"暂停计时的结束日期 {end} 早于开始日期 {start}，请核对日期",
                         f"the pause ends on {end}, before it starts ({start}); check the dates")
            ok = False
            continue
        spans.append((start, end, index))
    spans.sort(key=lambda span: (span[0], span[2]))
    for (start, end, index), (next_start, _next_end, next_index) in itertools.pairwise(spans):
        if end is None or next_start <= end:
            until = "今日" if end is None else str(end)
            report.error(rel, doc.lines[("paused", max(index, next_index), "from")],
                         f"暂停计时的时段重叠：{next_start} 起的时段与 {start}–{until} 的时段重叠，请合并为一个时段",
                         f"pauses overlap: the one from {next_start} overlaps the one from {start} to "
                         f"{'now' if end is None else end}; merge them into one")
            ok = False
    return ok


def _load_pages(folder: Path, rel_folder: str, ctx: s.Context, reader: _Reader, assets: list[Asset]) -> None:
    report = reader.report
    for path, inner in files(folder, folder, rel_folder, report, rel_folder):
        rel = f"{rel_folder}/{'/'.join(inner)}"
        if not inner[-1].lower().endswith(".md"):
            _add_asset(path, rel, assets, report)
            continue
        if len(inner) > 1:
            report.error(rel, 1, "独立页面请直接放在 content/pages/ 下", "put standalone pages directly in content/pages/")
            continue
        reader.defer(path, rel, partial(_load_page, Path(path), rel, ctx))


def _load_page(path: Path, rel: str, ctx: s.Context, report: Report) -> Page | None:
    front = _front(path, rel, PAGE_SCHEMA, ctx, report)
    if front is None:
        return None
    doc, v, slug = front
    if slug in RESERVED:
        report.error(rel, 1, f"页面名 “{slug}” 与发布厅自身的路径冲突，请重命名文件",
                     f"page name '{slug}' collides with the hall's own path /{slug}/; rename the file")
        return None
    return s.build(Page, v, id=f"pages/{slug}", **_source(doc, slug, rel))


def load_source(settings: Settings, rel: str, report: Report) -> Release | Question | Page | None:
    """One Markdown item or page re-read on its own (serve's quick path), exactly as `load_content` reads it."""
    parts = rel.split("/")
    path = settings.root / rel
    ctx = s.Context(settings.tz)
    load = _item_loader(tuple(parts[2:])) if len(parts) == 4 and parts[0] == CONTENT and parts[1] != PAGES else None
    if load is not None:
        return load(path, rel, parts[1], ctx, report)
    if len(parts) == 3 and parts[:2] == [CONTENT, PAGES] and parts[2].lower().endswith(".md"):
        return _load_page(path, rel, ctx, report)
    return None


def own_numbers(settings: Settings, departments: Mapping[str, Department]) -> frozenset[str]:
    """The hall's own published numbers: every department's `spokesperson.phone` and the footer's `contact`."""
    return published_numbers([settings.footer.contact,
                              *(d.spokesperson.phone for d in departments.values() if d.spokesperson)])


def report_personal_data(record: Release | Question | Page | Department | Asset, settings: Settings,
                         departments: Mapping[str, Department], report: Report, own: frozenset[str] | None = None
                         ) -> None:
    """Errors for the unmasked numbers in a source, leaving out the hall's own published numbers (every
    department's `spokesperson.phone` and the footer's `contact`), which may change without the source changing.
    A department's published texts are the keys its record declares `public` (name, short name, description, the
    spokesperson's name, title and email, accounts). Every source's file name is checked too (it becomes a URL)."""
    rel = f"{CONTENT}/{record.rel}" if isinstance(record, Asset) else record.rel
    if isinstance(record, Asset):
        found: tuple[Finding, ...] = ()
    elif isinstance(record, Department):
        found = check_source(s.shown(record), record.lines, "", 1)
    else:
        found = record.personal
    found = (*check_name(rel), *found)
    if not found:
        return
    if own is None:  # `own_numbers`, worked out once by a caller that checks many records
        own = own_numbers(settings, departments)
    for finding in unpublished(found, own):
        report.error(rel, finding.line, finding.zh, finding.en)


def _check_departments(departments: dict[str, Department], report: Report, broken: Mapping[str, str]) -> None:
    _check_names(departments, report)
    for dept in departments.values():
        for index, partner in enumerate(dept.partners):
            if partner not in departments:
                line = dept.lines.get(("partners", index), dept.lines.get(("partners",), 1))
                _unknown(dept.rel, line, "partners", partner, departments, report, broken)
        if dept.parent is None:
            continue
        if dept.parent not in departments:
            _unknown(dept.rel, dept.lines[("parent",)], "parent", dept.parent, departments, report, broken)
            continue
        seen = [dept.id]
        current: str | None = dept.parent
        while current is not None and current in departments:
            if current in seen:
                chain = " → ".join([*seen, current])
                report.error(dept.rel, dept.lines[("parent",)], f"上级部门形成循环：{chain}，请修改 parent",
                             f"parent departments form a cycle: {chain}; fix 'parent'")
                break
            seen.append(current)
            current = departments[current].parent


def _name_key(name: str) -> str:
    """What two names must not share: the same text once widths, case and spaces are set aside."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def _check_names(departments: dict[str, Department], report: Report) -> None:
    """No two departments share a name or short name (nor one's name the other's short name): readers, the search
    filter and OPML tell departments apart by them. Each clash is an error at both files, at the field's line."""
    holders: dict[str, list[tuple[Department, str]]] = {}
    for dept in departments.values():
        for key in ("name", "short_name"):
            value = getattr(dept, key)
            if value:
                holders.setdefault(_name_key(value), []).append((dept, key))
    for held in holders.values():
        for dept, key in held:
            for other, other_key in held:
                if other.id == dept.id:
                    continue
                value = getattr(dept, key)
                report.error(dept.rel, dept.lines.get((key,), 1),
                             f"{key} “{value}” 与部门 {other.id} 的 {other_key}（{other.rel}）相同或几乎相同："
                             "部门名称和简称在发布厅内必须唯一，请改用能区分的名称",
                             f"'{key}' '{value}' is the same as (or nearly) the '{other_key}' of department "
                             f"'{other.id}' ({other.rel}): names and short names are unique in the hall; choose one "
                             "that tells them apart")


def _unknown(rel: str, line: int, key: str, value: str, departments: dict[str, Department], report: Report,
             broken: Mapping[str, str]) -> None:
    folder = f"{CONTENT}/{value}"
    if folder in broken:  # the folder is there, its department.yaml has errors (listed there)
        report.warn(rel, line, *unread_target((f"{key} 中的", f"'{key}' value"), value, folder, broken[folder]))
        return
    zh_hint, en_hint = did_you_mean(value, departments)
    near = None if zh_hint else meant(value, departments)
    if near is not None:  # by the pinyin of a name: `jiaotongju` for 示例市交通运输局's `jiaotong`
        zh_hint, en_hint = f"，是否想写 “{near.id}”（{near.name}）？", f"; did you mean '{near.id}' ({near.name})?"
    elif not zh_hint:
        zh_hint, en_hint = ("；请写现有部门的标识（content/ 下含 department.yaml 的文件夹名）",
                            "; write an existing department's id (the name of its folder under content/)")
    report.error(rel, line, f"{key}：没有名为 “{value}” 的部门（content/ 下没有该目录）{zh_hint}",
                 f"'{key}': no department '{value}' (no such folder under content/){en_hint}")


def _check_references(departments: dict[str, Department], releases: list[Release],
                      questions: list[Question], report: Report, broken: Mapping[str, str]) -> None:
    for release in releases:
        for index, dept in enumerate(release.co_publishers):
            line = release.lines.get(("with", index), release.lines.get(("with",), 1))
            if dept not in departments:
                _unknown(release.rel, line, "with", dept, departments, report, broken)
            elif release.dept not in departments[dept].partners:
                not_partner(release.rel, line, "with", release.dept, departments[dept], report)
    for question in questions:
        for index, transfer in enumerate(question.transfers):
            for key, dept in (("from", transfer.source), ("to", transfer.target)):
                if dept not in departments:
                    _unknown(question.rel, question.lines[("transfers", index, key)], f"transfers.{key}",
                             dept, departments, report, broken)

