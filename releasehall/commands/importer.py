"""One import, all or nothing: read every file, map every row, plan what each row does to content/ (new,
update, unchanged, edited by hand), and write only when no row is in error (`--dry-run`: never)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from releasehall.commands.newfile import TITLE_SLUG, department_ids
from releasehall.content import imported as files
from releasehall.content.intake import Incoming, check_header, check_profile, incoming, matches
from releasehall.content.slugs import shortened, spelled
from releasehall.errors import Problem, Report, did_you_mean
from releasehall.read.exports import Sheet, is_xlsx, read_export
from releasehall.read.sources import read_yaml_file
from releasehall.read.symlinks import inside
from releasehall.settings.site import SITE_FILE, ImportProfile, Settings, load_settings


class UsageError(Exception):
    """The command cannot start (exit 2): no profile fits, a file is missing."""


@dataclass(frozen=True, slots=True)
class Action:
    kind: str  # "new", "update", "unchanged", "edited" (by hand: left alone), "moved" (to another department)
    row: Incoming
    rel: str  # the question file, content/<dept>/qa/….md
    path: Path
    text: str = ""
    changed: tuple[str, ...] = ()


@dataclass(slots=True)
class Plan:
    actions: list[Action] = field(default_factory=list)
    report: Report = field(default_factory=Report)

    def count(self, kind: str) -> int:
        return sum(action.kind == kind for action in self.actions)


def departments(site: Path) -> dict[str, str]:
    """Department id -> full name, from content/*/department.yaml."""
    names: dict[str, str] = {}
    for dept in department_ids(site):
        loaded = read_yaml_file(site / "content" / dept / "department.yaml", "", Report())
        data = loaded[0] if loaded else None
        names[dept] = str(data.get("name") or dept) if isinstance(data, dict) else dept
    return names


def choose(settings: Settings, path: Path, rel: str, name: str | None, report: Report
           ) -> tuple[ImportProfile, Sheet] | None:
    """The profile a file is read with and the file read with it; UsageError when none or several fit."""
    profiles = {profile.name: profile for profile in settings.import_profiles}
    if name is not None:
        profile = profiles[name]
        sheet = read_export(path, rel, profile.sheet, report)
        return (profile, sheet) if sheet is not None and check_header(profile, sheet, report) else None
    sheets: dict[str, Sheet | None] = {}
    fitting = []
    for profile in profiles.values():
        key = profile.sheet if is_xlsx(path) else ""
        if key not in sheets:
            sheets[key] = read_export(path, rel, key, Report())
        sheet = sheets[key]
        if sheet is not None and matches(profile, sheet.header):
            fitting.append((profile, sheet))
    if len(fitting) == 1:
        return fitting[0]
    if not fitting and all(sheet is None for sheet in sheets.values()):
        read_export(path, rel, "", report)  # the reason it does not read, at its line
        return None
    listing = ", ".join(profiles)
    if not fitting:
        raise UsageError(f"{rel}: 表头与 site.yaml 中的导入配置都不匹配（配置：{listing}）：请用 --profile NAME 指定一个，"
                         f"或改正该配置的 columns / the header matches none of the import profiles in site.yaml "
                         f"({listing}): name one with --profile NAME, or correct its columns")
    several = ", ".join(profile.name for profile, _ in fitting)
    raise UsageError(f"{rel}: 表头同时符合多个导入配置（{several}）：请用 --profile NAME 指定其中一个 / the header fits "
                     f"several import profiles ({several}): choose one with --profile NAME")


def plan(site: Path, settings: Settings, exports: Sequence[tuple[Path, str]], name: str | None) -> Plan:
    """What importing `exports` ((path, name as given)) would do; errors in `plan.report`."""
    result = Plan()
    report = result.report
    known = departments(site)
    checked: dict[str, bool] = {}
    rows: list[Incoming] = []
    for path, rel in exports:
        chosen = choose(settings, path, rel, name, report)
        if chosen is None:
            continue
        profile, sheet = chosen
        if profile.name not in checked:
            checked[profile.name] = check_profile(profile, known, report)
        if not checked[profile.name]:
            continue  # its rows' errors would only repeat the profile's
        for line in sheet.rows:
            mapped = incoming(profile, sheet, line, known, settings.tz, report)
            if mapped is not None:
                rows.append(mapped)
    if report.errors:
        return result
    on_disk = files.existing(site)
    taken: set[str] = set()
    first: dict[tuple[str, str], Incoming] = {}
    for row in rows:
        key = (row.channel, row.id)
        if key in first:
            _twice(first[key], row, report)
            continue
        first[key] = row
        old = on_disk.get(key)
        try:
            action = _new(site, row, taken, report) if old is None else _known(old, row)
        except files.Unwritable:
            report.error(row.rel, row.row, "这一行的文字无法写成发布厅能原样读回的留言文件：请检查留言内容中的特殊符号",
                         "this row's text cannot be written so that the hall reads it back as it is: check the "
                         "question for unusual symbols")
            continue
        if action is not None:
            taken.add(action.rel)
            result.actions.append(action)
    for action in result.actions:
        if action.kind in ("new", "update"):
            _confined(site, action, report)
    return result


def _twice(earlier: Incoming, row: Incoming, report: Report) -> None:
    report.error(row.rel, row.row, f"编号 “{row.id}” 在 {earlier.rel}:{earlier.row} 已出现过：同一工单每次只导入一行，"
                 "请删去其中一行（或分两次导入）",
                 f"id '{row.id}' already came at {earlier.rel}:{earlier.row}: import one row per work order; remove "
                 "one of them (or import them one after the other)")


def _new(site: Path, row: Incoming, taken: set[str], report: Report) -> Action | None:
    ident = shortened(spelled(row.id), TITLE_SLUG)
    slug = shortened(spelled(row.title), TITLE_SLUG) or ident or "question"
    stem = f"{row.asked:%Y-%m-%d}-{slug}"
    # then the id, then numbers: ids such as `A/1` and `A-1` are spelled alike
    names = (stem, f"{stem}-{ident}", *(f"{stem}-{ident}-{number}" for number in range(2, _SAME_NAME + 2)))
    for name in names:
        rel = f"content/{row.dept}/qa/{name}.md"
        path = site / rel
        if rel not in taken and not path.exists() and not path.is_symlink():
            return Action("new", row, rel, path, files.text_of(row))
    report.error(row.rel, row.row, f"{rel} 已存在且不是这一行导入的：请改名或删去那个文件后再导入",
                 f"{rel} exists and was not imported from this row: rename or remove that file, then import again")
    return None


_SAME_NAME = 100  # files of one day, title and spelled id that a row may be numbered after


def _known(old: files.Existing, row: Incoming) -> Action:
    text = files.text_of(row)
    if old.rel.split("/")[1] != row.dept:  # handed to another department: the file stays where it is
        return Action("moved", row, old.rel, old.path, changed=tuple(files.differences(old, row, row.dept)))
    if old.text == text:
        return Action("unchanged", row, old.rel, old.path)
    if not row.reply and "replied" in old.data:  # an export older than the file's reply: it never takes one away
        return Action("unchanged", row, old.rel, old.path)
    changed = tuple(files.differences(old, row, row.dept))
    if not changed:
        return Action("unchanged", row, old.rel, old.path)
    if files.untouched(old.text):
        return Action("update", row, old.rel, old.path, text, changed)
    return Action("edited", row, old.rel, old.path, changed=changed)


def _confined(site: Path, action: Action, report: Report) -> None:
    dept = site / "content" / action.row.dept
    if not inside(dept, site / "content") or not inside(action.path, dept):
        report.error(action.row.rel, action.row.row,
                     f"{action.rel} 所在的文件夹是指向部门目录之外的符号链接，未写入",
                     f"the folder of {action.rel} is a symbolic link leading outside the department's folder; "
                     "nothing was written")


def apply(result: Plan) -> None:
    """Write the new and updated files: each to a temporary file beside it first, then all renamed, so that a
    failure part-way (a full disk) leaves every file as it was."""
    staged: list[tuple[Path, Path]] = []
    try:
        for action in result.actions:
            if action.kind not in ("new", "update"):
                continue
            action.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = action.path.with_name(f".{action.path.name}.import-tmp")
            temporary.write_text(action.text, encoding="utf-8", newline="\n")
            staged.append((temporary, action.path))
    except OSError:
        for temporary, _target in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)


_SAID = {  # kind -> (written, dry run): (中文, English)
    "new": (("新建", "new"), ("将新建", "would write")),
    "update": (("已更新", "updated"), ("将更新", "would update")),
    "unchanged": (("未变", "unchanged"), ("未变", "unchanged")),
}


def describe(result: Plan, dry_run: bool, out: TextIO, err: TextIO) -> None:
    for action in result.actions:
        row = action.row
        if action.kind in ("new", "update"):  # a row already written was masked (and said so) then
            for notice in row.notices:
                print(notice, file=out)
        where = f"{row.rel}:{row.row}"
        if action.kind == "moved":
            print(Problem(row.rel, row.row,
                          f"{action.rel}：导出中的承办单位已改为 “{row.dept}”，文件留在原部门、未改动；如属转办，请在文件中"
                          "写明 transfers（见编辑指南）",
                          f"{action.rel}: the export now names department '{row.dept}'; the file stays where it is, "
                          "unchanged. If the question was handed over, record it under 'transfers' (editor guide)",
                          warning=True), file=err)
            continue
        if action.kind == "edited":
            fields = "、".join(action.changed)
            print(Problem(row.rel, row.row,
                          f"{action.rel} 导入后经人手工修改过，未覆盖；与本次导出不同的是：{fields}。请对照导出手工核对",
                          f"{action.rel} was edited by hand after it was imported and is left alone; it differs from "
                          f"this export in: {', '.join(action.changed)}. Compare them by hand", warning=True),
                  file=err)
            continue
        zh, en = _SAID[action.kind][dry_run]
        changed = f"（{'、'.join(action.changed)}）" if action.changed else ""
        changed_en = f" ({', '.join(action.changed)})" if action.changed else ""
        print(f"{where}: {zh}{changed} / {en}{changed_en}: {action.rel}", file=out)
    counts = [result.count("new"), result.count("update"), result.count("unchanged"),
              result.count("edited") + result.count("moved")]
    head_zh, head_en = ("试运行，未写入任何文件", "dry run, nothing written") if dry_run else ("导入完成", "imported")
    print(f"{head_zh}：新建 {counts[0]}，更新 {counts[1]}，未变 {counts[2]}，未覆盖 {counts[3]} / {head_en}: "
          f"{counts[0]} new, {counts[1]} updated, {counts[2]} unchanged, {counts[3]} left alone",
          file=out)


def import_files(site: Path, names: Sequence[str], profile: str | None, dry_run: bool,
                 out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`releasehall import FILE… [--profile NAME] [--dry-run]`: 0 done, 1 errors (nothing written), 2 usage."""
    out = out or sys.stdout
    err = err or sys.stderr
    report = Report()
    settings = load_settings(site.resolve(), report)
    if settings is None or report.errors:
        for problem in report.errors:
            print(problem, file=err)
        return 1
    names_known = [p.name for p in settings.import_profiles]
    if not names_known:
        print(f"{SITE_FILE} 中没有导入配置 import.profiles：请先按 docs/import.md 为每个渠道写一个 / {SITE_FILE} has no "
              "import profiles (import.profiles): write one per channel first, see docs/import.md", file=err)
        return 2
    if profile is not None and profile not in names_known:
        zh_hint, en_hint = did_you_mean(profile, names_known)
        print(f"--profile：没有名为 “{profile}” 的导入配置{zh_hint}（有：{', '.join(names_known)}） / --profile: no "
              f"import profile '{profile}'{en_hint} (there are: {', '.join(names_known)})", file=err)
        return 2
    missing = [name for name in names if not Path(name).is_file()]
    if missing:
        for name in missing:
            print(f"{name}: 找不到文件 / no such file", file=err)
        return 2
    try:
        result = plan(settings.root, settings, [(Path(name), name) for name in names], profile)
    except UsageError as exc:
        print(exc, file=err)
        return 2
    if result.report.errors:
        for problem in result.report.errors:
            print(problem, file=err)
        print(f"导入失败：{len(result.report.errors)} 个错误，没有写入任何文件 / import failed: "
              f"{len(result.report.errors)} error(s); nothing was written", file=err)
        return 1
    describe(result, dry_run, out, err)
    if not dry_run:
        apply(result)
    return 0
