"""One department never speaks for another: unique names, consent (`partners`) for `with`, `interprets` and
`replaced_by`, topic pages no department can rename, department aliases decided whatever the folders' order."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import NOW, dept, front, write_site

from releasehall.pipeline.build import run


def problems(tmp_path: Path, files: dict[str, object]) -> list[str]:
    outcome = run(write_site(tmp_path / "site", files), out=tmp_path / "out", now=NOW)
    return [str(p) for p in outcome.problems]


def release(**front_matter: object) -> str:
    return front({"title": "发布", "date": "2024-10-01", **front_matter}, "\n正文。\n")


def document(number: str, **front_matter: object) -> str:
    return front({"title": "文件", "date": "2024-10-01", "kind": "notice",
                  "document": {"number": number, **front_matter.pop("document", {})}, **front_matter}, "\n正文。\n")


# --- names --------------------------------------------------------------------------------------------------------

def _same(rel: str, line: int, key: str, value: str, other: str, other_key: str) -> str:
    return (f"{rel}:{line}: {key} “{value}” 与部门 {other} 的 {other_key}（content/{other}/department.yaml）相同或几乎相同："
            f"部门名称和简称在发布厅内必须唯一，请改用能区分的名称 / '{key}' '{value}' is the same as (or nearly) the "
            f"'{other_key}' of department '{other}' (content/{other}/department.yaml): names and short names are unique "
            "in the hall; choose one that tells them apart")


POLICE = "content/police/department.yaml"
AAA = "content/aaa/department.yaml"


@pytest.mark.parametrize(("police", "attacker", "expected"), [
    # the exact name: an error at both files, at the line of `name`
    (dept("测试市公安局", short_name="测试公安"), dept("测试市公安局"),
     [(AAA, 1, "name", "测试市公安局", "police", "name"), (POLICE, 1, "name", "测试市公安局", "aaa", "name")]),
    # nearly the same (a space) as another's short name
    (dept("测试市公安局", short_name="测试公安"), dept("其他局", short_name="测试 公安"),
     [(AAA, 2, "short_name", "测试 公安", "police", "short_name"),
      (POLICE, 2, "short_name", "测试公安", "aaa", "short_name")]),
    # a name equal to another's short name, but for full-width letters and case
    (dept("测试市公安局", short_name="ab局"), dept("ＡＢ局", short_name="x"),
     [(AAA, 1, "name", "ＡＢ局", "police", "short_name"), (POLICE, 2, "short_name", "ab局", "aaa", "name")]),
], ids=["name", "short name", "name as short name"])
def test_names_and_short_names_are_unique_in_the_hall(tmp_path, police, attacker, expected):
    found = problems(tmp_path, {POLICE: police, AAA: attacker})
    assert sorted(found) == sorted(_same(*clash) for clash in expected)


def test_a_department_may_use_its_own_name_as_its_short_name(tmp_path):
    assert problems(tmp_path, {"content/police/department.yaml": dept("公安", short_name="公安")}) == []


# --- consent: partners ---------------------------------------------------------------------------------------------

def _refused(rel: str, line: int, key: str, author: str, named: str) -> str:
    return (f"{rel}:{line}: {key}：部门 {named} 没有把本部门 {author} 列为合作部门（partners），不能把本部门的内容放到它的页面上；"
            f"请对方在 content/{named}/department.yaml 的 partners 中加上 {author}，或删去这一项 / '{key}': department "
            f"'{named}' does not list '{author}' under 'partners', so this cannot appear on its pages; it must add "
            f"'{author}' to 'partners' in content/{named}/department.yaml, or remove this entry")


HALL = {
    "content/police/department.yaml": dept("测试市公安局"),
    "content/gov/department.yaml": dept("测试市政府办"),
    "content/gov/releases/doc.md": document("测市政发〔2024〕1号"),
}
ATTACK = "content/police/releases/x.md"


@pytest.mark.parametrize(("attack", "line", "key"), [
    (release(kind="emergency", **{"with": ["gov"]}), 6, "with"),
    (release(kind="policy", interprets=["gov/releases/doc"]), 6, "interprets"),
    (document("测公发〔2024〕2号", document={"repealed": "2024-10-10", "replaced_by": "gov/releases/doc"}), 8,
     "replaced_by"),
], ids=["with", "interprets", "replaced_by"])
def test_naming_another_department_needs_its_consent(tmp_path, attack, line, key):
    found = problems(tmp_path / "refused", {**HALL, ATTACK: attack})
    assert found == [_refused(ATTACK, line, key, "police", "gov")]
    # with the department's consent it is fine, and the release shows on its page
    consent = {**HALL, "content/gov/department.yaml": dept("测试市政府办", partners=["police"]), ATTACK: attack}
    assert problems(tmp_path / "consent", consent) == []
    shown = (tmp_path / "consent/out/gov/releases/doc/index.html" if key != "with"
             else tmp_path / "consent/out/gov/index.html").read_text(encoding="utf-8")
    assert "/police/releases/x/" in shown


def test_a_partner_that_names_nothing_is_an_error(tmp_path):
    found = problems(tmp_path, {**HALL, "content/gov/department.yaml": dept("测试市政府办", partners=["polise"])})
    assert found == ["content/gov/department.yaml:3: partners：没有名为 “polise” 的部门（content/ 下没有该目录），是否想写 "
                     "“police”？ / 'partners': no department 'polise' (no such folder under content/); did you mean "
                     "'police'?"]


# --- topics --------------------------------------------------------------------------------------------------------

def _topic_page(out: Path, slug: str) -> str:
    return (out / f"topics/{slug}/index.html").read_text(encoding="utf-8")


def test_a_homophone_never_renames_a_topic_others_use(tmp_path):
    slug = "gong-gong-jiao-tong"
    files = {
        "content/aaa/department.yaml": dept("冒名局"),
        "content/aaa/releases/a.md": release(topics=["攻共骄恸"]),
        "content/bus/department.yaml": dept("公交集团"),
        "content/bus/releases/b.md": release(topics=["公共交通"]),
        "content/traffic/department.yaml": dept("交通局"),
        "content/traffic/releases/c.md": release(topics=["公共交通"]),
    }
    found = problems(tmp_path, files)
    # sorted first, the impostor named the page before; now the spelling of two departments names it, and the
    # warning lands at the impostor's file only
    assert found == [f"content/aaa/releases/a.md:5: 警告 warning: 话题 “攻共骄恸” 与 “公共交通” 的网址相同（{slug}），共用一个"
                     "话题页，页名为 “公共交通”；本条仍显示本部门的写法。建议与其他部门统一写法 / topic '攻共骄恸' has the same "
                     f"URL ({slug}) as '公共交通'; they share one topic page, named '公共交通'; this item still shows its own "
                     "spelling. Agree on one spelling with the other departments"]
    out = tmp_path / "out"
    assert "<h1>公共交通</h1>" in _topic_page(out, slug)
    for item in ("bus/releases/b", "traffic/releases/c"):
        page = (out / item / "index.html").read_text(encoding="utf-8")
        assert "攻共骄恸" not in page.split('<footer')[0].split("同话题")[0], item
    assert f'<a href="/topics/{slug}/">攻共骄恸</a>' in (out / "aaa/releases/a/index.html").read_text(encoding="utf-8")


def test_one_department_against_one_names_neither_alone(tmp_path):
    files = {
        "content/aaa/department.yaml": dept("冒名局"),
        "content/aaa/releases/a.md": release(topics=["攻共骄恸"]),
        "content/aaa/releases/a2.md": release(title="又一条", topics=["攻共骄恸"]),
        "content/bus/department.yaml": dept("公交集团"),
        "content/bus/releases/b.md": release(topics=["公共交通"]),
    }
    found = problems(tmp_path, files)
    assert [p.split(": 警告")[0] for p in found] == ["content/aaa/releases/a.md:5", "content/aaa/releases/a2.md:5",
                                                    "content/bus/releases/b.md:5"]
    # more items do not win a tie of departments: both spellings name the page, in code-point order
    assert "<h1>公共交通 / 攻共骄恸</h1>" in _topic_page(tmp_path / "out", "gong-gong-jiao-tong")
    # and the other department's item still shows its own spelling only, in its tags and its 同话题内容
    page = (tmp_path / "out/bus/releases/b/index.html").read_text(encoding="utf-8")
    assert "同话题内容：<a href=\"/topics/gong-gong-jiao-tong/\">公共交通</a>" in page and "攻共骄恸" not in page


def test_one_departments_own_spellings_are_its_choice(tmp_path):
    files = {
        "content/bus/department.yaml": dept("公交集团"),
        "content/bus/releases/a.md": release(topics=["Traffic"]),
        "content/bus/releases/b.md": release(title="二", topics=["traffic"]),
        "content/bus/releases/c.md": release(title="三", topics=["traffic"]),
    }
    found = problems(tmp_path, files)
    assert [p.split(": 警告")[0] for p in found] == ["content/bus/releases/a.md:5"]
    assert "<h1>traffic</h1>" in _topic_page(tmp_path / "out", "traffic")


# --- department aliases --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("claimer", ["aaa", "zzz"])
def test_an_alias_claiming_another_departments_old_folder_is_the_claimers_error(tmp_path, claimer):
    files = {
        "content/gov/department.yaml": dept("测试市政府办", aliases=["/old-gov/"]),
        "content/gov/releases/a.md": release(aliases=["/old-gov/releases/a/"]),
        f"content/{claimer}/department.yaml": dept("冒名局", aliases=["/old-gov/"]),
    }
    found = problems(tmp_path, files)
    assert found == [f"content/{claimer}/department.yaml:3: 别名 /old-gov/：目录 /old-gov/ 是部门 gov 原来的目录"
                     "（content/gov/department.yaml 写了这个别名，它的内容也有这个目录下的旧网址），不能占用 / alias /old-gov/: the "
                     "folder /old-gov/ is department 'gov''s former folder (content/gov/department.yaml names it, and its "
                     "items have old URLs in it); it cannot be taken"]


def test_an_alias_nobody_can_prove_is_an_error_at_each(tmp_path):
    files = {
        "content/gov/department.yaml": dept("测试市政府办", aliases=["/old/"]),
        "content/zzz/department.yaml": dept("冒名局", aliases=["/old/"]),
    }
    found = problems(tmp_path, files)
    assert [p.split(": 别名")[0] for p in found] == ["content/gov/department.yaml:3", "content/zzz/department.yaml:3"]
    assert "department zzz (content/zzz/department.yaml) names the folder /old/ as its alias too" in found[0]


def test_a_folder_holding_another_departments_old_urls_is_not_taken(tmp_path):
    """The victim forgot its own alias: its items' old URLs are errors at its items (it must name the folder), and
    the claimer, which would have taken the folder silently, is told whose it is."""
    files = {
        "content/gov/department.yaml": dept("测试市政府办"),
        "content/gov/releases/a.md": release(aliases=["/old-gov/releases/a/"]),
        "content/aaa/department.yaml": dept("冒名局", aliases=["/old-gov/"]),
    }
    found = problems(tmp_path, files)
    assert "content/aaa/department.yaml:3: 别名 /old-gov/：目录 /old-gov/ 下是部门 gov 的内容的旧网址，是它原来的目录，不能占用 / " \
           "alias /old-gov/: the folder /old-gov/ holds old URLs of department gov's items: it is that department's " \
           "former folder and cannot be taken" in found
    assert [p.split(": ")[0] for p in found] == ["content/aaa/department.yaml:3", "content/gov/releases/a.md:5"]
