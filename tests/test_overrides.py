"""Operator templates: whatever an override shows, an incremental build equals a clean one.

The overrides here replace every built-in template with one that also prints everything it
receives (each variable it reads, every macro's arguments, an entry row's rendered body, and
the hall's records, bodies and figures), then the site is edited in every way the edit table
of test_incremental knows, and the incremental output is compared with a clean build.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import NOW, SITE, snapshot, write_site
from jinja2 import Environment, meta
from test_incremental import EDITS, FILES
from test_quick import SHUO_MING, started, whole_build

import releasehall
from releasehall.pipeline.build import run

THEME = Path(releasehall.__file__).parent / "theme"
CALLABLES = {"row", "row_list", "site_footer", "search_tools", "site_menu", "topic_section", "dept_link",
             "when"}  # globals that are functions: nothing to print
HALL = ("{{ hall.now }}{{ hall.departments }}{{ hall.releases }}{{ hall.questions }}{{ hall.pages }}"
        "{{ hall.bodies | dictsort }}{{ hall.stats }}{{ hall.topics }}{{ hall.backlinks }}{{ hall.related }}"
        "{{ hall.assets }}")


def _macro_dump(match: re.Match[str]) -> str:
    args = [a.split("=")[0].strip() for a in match.group(2).split(",") if a.strip()]  # a default: print the name
    extra = "{{ hall.bodies[e.id].html }}" if match.group(1) == "entry_row" else ""
    return match.group(0) + "<!--" + "".join(f"{{{{ {a} }}}}" for a in args) + extra + "-->"


class _AnyFilter(dict):
    """Every filter name is known (what it does does not matter for finding the variables a template reads)."""

    def __contains__(self, name: object) -> bool:
        return True

    def get(self, name: object, default: object = None) -> object:
        return str


def _show(name: str) -> str:
    """Print a variable's value, unless it is a function or an object whose text is only its address."""
    return (f"{{% if {name} is defined and {name} is not callable %}}{{% set shown = {name} | string %}}"
            f"{{% if ' at 0x' not in shown %}}{{{{ shown }}}}{{% endif %}}{{% endif %}}")


def every_template_overridden() -> dict[str, str]:
    """layouts/ with an override of every built-in template that prints everything it receives."""
    env = Environment()
    env.filters = _AnyFilter()  # type: ignore[assignment]  # only the variables matter here, not the build's filters
    files: dict[str, str] = {}
    for path in sorted(THEME.glob("*.html")):
        source = path.read_text(encoding="utf-8")
        if path.name == "macros.html":
            text = re.sub(r"\{% macro (\w+)\(([^)]*)\) -%\}", _macro_dump, source)
        else:
            names = sorted(meta.find_undeclared_variables(env.parse(source)) - CALLABLES - {"hall"})
            dump = '<pre class="dump">' + "".join(_show(name) for name in names) + HALL + "</pre>"
            text = source.replace("{% block main %}", "{% block main %}" + dump) if "{% extends" in source else \
                source.replace("</body>", dump + "</body>")
        assert text != source, path.name
        files[f"layouts/{path.name}"] = text
    return files


OVERRIDES = every_template_overridden()


def build_both(tmp_path: Path, site: Path, out: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    clean_site = tmp_path / "clean"
    shutil.copytree(site, clean_site, ignore=shutil.ignore_patterns(".cache"))
    clean = run(clean_site, out=tmp_path / "clean-out", now=NOW, use_cache=False)
    assert not clean.errors, clean.errors
    return snapshot(out), snapshot(tmp_path / "clean-out")


CASES = [(name, []) for name in EDITS if name != "template"] + \
    [(name, ["zh-Hant"]) for name in ("body", "title", "delete", "page body")]  # the mirror is made from the pages


@pytest.mark.parametrize(("name", "variants"), CASES, ids=[f"{n}-{'zh-Hant' if v else 'simplified'}" for n, v in CASES])
def test_every_template_overridden_then_every_edit(tmp_path, name, variants):
    site = write_site(tmp_path / "site", {**FILES, **OVERRIDES}, {**SITE, "variants": variants})
    out = tmp_path / "out"
    first = run(site, out=out, now=NOW)
    assert not first.errors, first.errors
    assert "/pre>" in (out / "police/releases/a/index.html").read_text(encoding="utf-8")  # the overrides are used
    EDITS[name](site)
    incremental = run(site, out=out, now=NOW)
    assert not incremental.errors, incremental.errors
    now, clean = build_both(tmp_path, site, out)
    assert now.keys() == clean.keys()
    assert [path for path in now if now[path] != clean[path]] == []


def test_a_row_override_that_shows_bodies_updates_every_listing(tmp_path):
    """The review's case: macros.html shows the body in rows; a body edit must reach every list that shows it."""
    macros = (THEME / "macros.html").read_text(encoding="utf-8").replace(
        '<a class="item-title" href="{{ urls.entry(r) }}">{{ r.title }}</a>',
        '<a class="item-title" href="{{ urls.entry(r) }}">{{ r.title }}</a>{{ hall.bodies[r.id].html }}')
    site = write_site(tmp_path / "site", {**FILES, "layouts/macros.html": macros})
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    source = site / "content/traffic/releases/说明.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n第二段改过了。\n", encoding="utf-8")
    outcome = run(site, out=out, now=NOW)
    for listing in ("releases/index.html", "index.html", "traffic/index.html", "topics/gong-gong-jiao-tong/index.html",
                    "police/releases/a/index.html"):  # a shows 说明 as related
        assert "第二段改过了。" in (out / listing).read_text(encoding="utf-8"), listing
        assert listing in outcome.rendered
    now, clean = build_both(tmp_path, site, out)
    assert now == clean


def test_an_override_opens_only_the_pages_that_use_it(tmp_path):
    """404.html overridden: only the 404 page is keyed on the whole hall; the built-in pages keep narrow keys."""
    site = write_site(tmp_path / "site", {**FILES, "layouts/404.html": '{% extends "base.html" %}{% block main %}'
                                          "<div>{{ hall.bodies['police/qa/q1'].html | safe }}</div>{% endblock %}\n"})
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    source = site / "content/police/qa/q1.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    outcome = run(site, out=out, now=NOW)
    assert sorted(outcome.rendered) == [
        "404.html", "atom.xml", "feed.xml", "police/atom.xml", "police/feed.xml", "police/qa/q1/index.html",
        "topics/hu-zheng/atom.xml", "topics/hu-zheng/feed.xml"]
    assert "<p>补充。</p>" in (out / "404.html").read_text(encoding="utf-8")


def test_layouts_without_templates_keep_narrow_keys(tmp_path):
    """No template in layouts/ (notes, static files): a body edit renders exactly its page and feeds, as without layouts/."""
    site = write_site(tmp_path / "site", {**FILES, "layouts/README.md": "notes\n", "layouts/static/x.css": "a{}\n"})
    out = tmp_path / "out"
    run(site, out=out, now=NOW)
    source = site / "content/traffic/releases/说明.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n末尾补充一段。\n", encoding="utf-8")
    assert sorted(run(site, out=out, now=NOW).rendered) == [
        "atom.xml", "feed.xml", "topics/gong-gong-jiao-tong/atom.xml", "topics/gong-gong-jiao-tong/feed.xml",
        "traffic/atom.xml", "traffic/feed.xml", "traffic/releases/shuo-ming/index.html"]


def test_serve_quick_path_is_not_taken_with_an_operator_template(tmp_path):
    """A body-only save: with an operator's template anywhere, serve rebuilds what the template uses."""
    macros = (THEME / "macros.html").read_text(encoding="utf-8").replace(
        "{{ r.title }}</a>", "{{ r.title }}</a>{{ hall.bodies[r.id].html | safe }}")
    site = write_site(tmp_path / "site", {**FILES, "layouts/macros.html": macros})
    preview = started(site)
    source = site / SHUO_MING
    source.write_text(source.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    outcome = preview.rebuild({SHUO_MING})
    assert outcome is not None and "releases/index.html" in outcome.rendered
    assert "新的一段。" in preview.files["releases/index.html"].decode("utf-8")
    assert preview.files == whole_build(site, tmp_path).files
