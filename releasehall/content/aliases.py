"""Old URLs that keep working (`aliases`): who may claim an alias path (its form is `read/schema.alias_path`'s).

An alias is a path relative to the hall's base path, as a citizen bookmarked it
(`/police/releases/old-slug/`, `/police/art/2023/12.html`). Each becomes a small redirect page
at that path, so a path must be safe to write inside the output folder, and an editor must
not be able to take a path that belongs to another department:

- a release's or a question's alias lies under its own department's folder (`/police/…`) or
  under a folder its `department.yaml` claims with an alias of its own;
- a department's alias is one folder (`/old-police/`, its former id): the department's page
  redirects from it, and that folder is the department's from then on (for its items' aliases). A folder
  that several departments name is the former folder of the one whose items have old URLs in it: the
  others' aliases are the errors, whatever the order of the folders; when none or several of them
  have such items, the hall cannot tell, and each of them is told so; a folder that holds old URLs
  of another department's items only is that department's, and naming it is the error;
- a standalone page's alias (content/pages/ is the operator's) lies outside every department's
  folder and every path of the hall itself.
An alias at a path that anything else is built at, or that another alias takes, is an error
naming both.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from releasehall.errors import Report
from releasehall.model.records import Department, Entry
from releasehall.model.urls import Urls


def first_folder(path: str) -> str:
    """The top-level folder an alias path lies in ("" for a file at the top)."""
    segments = path.split("/")
    return segments[1] if len(segments) > 2 else ""


@dataclass(frozen=True, slots=True)
class Alias:
    """One redirect page: the old URL, the URL it moved to and the title of what is there now."""

    url: str
    target: str
    title: str


def check_aliases(urls: Urls, departments: Mapping[str, Department], every: Sequence[Entry],
                  published: Collection[str], owners: dict[str, str], reserved: Collection[str],
                  report: Report) -> tuple[Alias, ...]:
    """The redirect pages of the published entries and of the departments, every alias checked against who
    may claim its folder and against `owners` (output path -> source path: every page and file the build
    makes from content). Aliases of unpublished entries are checked too, so that publishing them later cannot
    break the build, but make no page."""
    claimed: dict[str, str] = {dept: dept for dept in departments}  # folder -> department that owns it
    made: list[Alias] = []

    def error(rel: str, line: int, path: str, zh: str, en: str) -> None:
        report.error(rel, line, f"别名 {path}：{zh}", f"alias {path}: {en}")

    def claim(path: str, rel: str, line: int) -> bool:
        out = urls.output_path(urls.alias(path))
        other = owners.get(out)
        if other is not None:
            error(rel, line, path, f"与 {other} 的网址相同，请删去或改写这个别名",
                  f"it is the same URL as {other}'s; remove or change the alias")
            return False
        owners[out] = rel
        return True

    asked: dict[str, list[tuple[Department, int, str]]] = {}  # folder -> the departments whose alias it is
    for dept in departments.values():
        for index, path in enumerate(dept.aliases):
            line = dept.lines.get(("aliases", index), dept.lines.get(("aliases",), 1))
            folder = first_folder(path)
            if path != f"/{folder}/":
                error(dept.rel, line, path, "部门的别名只能是一个目录（如 /old-name/，即部门原来的目录名）",
                      "a department's alias is one folder (e.g. /old-name/, the department's former id)")
            elif folder in reserved:
                error(dept.rel, line, path, f"/{folder}/ 是发布厅自身的路径", f"/{folder}/ is one of the hall's own paths")
            elif folder in claimed:
                holder = claimed[folder]
                error(dept.rel, line, path, f"目录 /{folder}/ 已属于部门 {holder}（{departments[holder].rel}）",
                      f"the folder /{folder}/ belongs to department '{holder}' ({departments[holder].rel})")
            elif all(other.id != dept.id for other, _line, _path in asked.get(folder, ())):
                asked.setdefault(folder, []).append((dept, line, path))
    lived: dict[str, set[str]] = {}  # folder -> the departments whose items have old URLs in it
    for entry in every:
        for path in entry.aliases:
            if entry.dept:
                lived.setdefault(first_folder(path), set()).add(entry.dept)
    for folder, askers in sorted(asked.items()):
        asking = {dept.id for dept, _line, _path in askers}
        backed = asking & lived.get(folder, set())
        owner = next(iter(backed)) if len(backed) == 1 else None
        strangers = ", ".join(sorted(lived.get(folder, set()) - asking))
        for dept, line, path in askers:
            if owner is not None and dept.id != owner:
                error(dept.rel, line, path, f"目录 /{folder}/ 是部门 {owner} 原来的目录（{departments[owner].rel} 写了这个别名，"
                      "它的内容也有这个目录下的旧网址），不能占用",
                      f"the folder /{folder}/ is department '{owner}''s former folder ({departments[owner].rel} names "
                      "it, and its items have old URLs in it); it cannot be taken")
            elif not backed and strangers:
                error(dept.rel, line, path, f"目录 /{folder}/ 下是部门 {strangers} 的内容的旧网址，是它原来的目录，不能占用",
                      f"the folder /{folder}/ holds old URLs of department {strangers}'s items: it is that department's "
                      "former folder and cannot be taken")
            elif owner is None and len(askers) > 1:
                others = ", ".join(f"{d.id} ({d.rel})" for d, _line, _path in askers if d.id != dept.id)
                error(dept.rel, line, path, f"部门 {others} 也把目录 /{folder}/ 写作别名，无法判断它是谁原来的目录；"
                      "请与对方核实，只由原来使用这个目录的部门保留",
                      f"department {others} names the folder /{folder}/ as its alias too, and the hall cannot tell "
                      "whose former folder it is; check with them: only the department that used it keeps it")
            elif claim(path, dept.rel, line):
                claimed[folder] = dept.id
                made.append(Alias(urls.alias(path), urls.department(dept.id), dept.name))

    for entry in sorted(every, key=lambda e: e.rel):
        for index, path in enumerate(entry.aliases):
            line = entry.lines.get(("aliases", index), entry.lines.get(("aliases",), 1))
            folder = first_folder(path)
            if entry.dept:
                if claimed.get(folder) != entry.dept:
                    error(entry.rel, line, path,
                          f"只能使用本部门目录 /{entry.dept}/ 下的网址（或本部门 department.yaml 的别名目录），"
                          "不能占用其他部门或发布厅的网址",
                          f"it must lie in the department's own folder /{entry.dept}/ (or a folder its "
                          "department.yaml claims as an alias), not in another department's or the hall's")
                    continue
            elif folder in claimed or path.split("/")[1] in (*reserved, "index.html"):
                error(entry.rel, line, path, "独立页面的别名不能位于部门目录或发布厅自身的路径下",
                      "a standalone page's alias cannot lie in a department's folder or the hall's own paths")
                continue
            if claim(path, entry.rel, line) and entry.id in published:
                made.append(Alias(urls.alias(path), urls.entry(entry), entry.title))
    return tuple(sorted(made, key=lambda a: a.url))
