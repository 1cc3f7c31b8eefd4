"""Rendering pages: what the templates are given and what is rendered once for many pages."""

from __future__ import annotations

import dataclasses
import json
import re
from functools import partial
from pathlib import Path
from typing import Any

from helpers import BASIC, NOW, SITE, front, write_site
from jinja2 import pass_context

import releasehall
from releasehall.outputs import pages
from releasehall.pipeline.build import run

THEME = Path(releasehall.__file__).parent / "theme"
QUESTION = "police/qa/q1/index.html"


def test_a_global_set_after_the_templates_loaded_reaches_them(tmp_path):
    """serve's quick path sets `hall` on the last build's environment, whose templates are loaded already: they
    read the new one (each template's globals are the environment's, not a copy taken when it was loaded)."""
    site = write_site(tmp_path / "site", BASIC)
    outcome = run(site, out=tmp_path / "out", now=NOW)
    assert not outcome.errors and outcome.env is not None and outcome.hall is not None
    env, hall = outcome.env, outcome.hall
    before = pages.page_bytes(env, pages.entry_page(hall, hall.questions[0])).decode("utf-8")
    assert before == (tmp_path / "out" / QUESTION).read_text(encoding="utf-8")
    renamed = dataclasses.replace(hall, settings=dataclasses.replace(hall.settings, title="另一个发布厅"))
    env.globals["hall"] = renamed
    after = pages.page_bytes(env, pages.entry_page(renamed, hall.questions[0])).decode("utf-8")
    assert "<title>能否办证 - 另一个发布厅</title>" in after
    assert '<a class="brand" href="/">另一个发布厅</a>' in after


def _current(html: str) -> list[str]:
    """The menu's links marked as the page's own."""
    menu = html[html.index('<ul class="nav">'):html.index("</ul>", html.index('<ul class="nav">'))]
    return re.findall(r'<a href="([^"]+)" aria-current="page">', menu)


def test_the_menu_marks_the_links_the_page_is_under_in_each_variant(tmp_path):
    """The menu is rendered once for each state of its links (`site_menu`), and each page gets its own."""
    site = write_site(tmp_path / "site", BASIC, {**SITE, "variants": ["zh-Hant"]})
    assert not run(site, out=tmp_path / "out", now=NOW).errors
    for folder in ("", "zh-hant/"):
        def current(path: str) -> list[str]:
            return _current((tmp_path / "out" / folder / path).read_text(encoding="utf-8"))  # noqa: B023
        assert current("index.html") == [f"/{folder}"]
        assert current("releases/index.html") == [f"/{folder}releases/"]
        assert current("qa/index.html") == [f"/{folder}qa/"]
        assert current("topics/gong-gong-jiao-tong/index.html") == [f"/{folder}topics/"]
        assert current("departments/index.html") == [f"/{folder}departments/"]
        assert current(QUESTION) == []
        assert current("404.html") == []


def test_an_operators_menu_macro_gets_the_state_of_the_links(tmp_path):
    """layouts/macros.html's render_site_menu is what every page shows, given the page's state (not its URL)."""
    macros = (THEME / "macros.html").read_text(encoding="utf-8").replace(
        '<nav aria-label="{{ t.menu }}">', '<nav aria-label="{{ t.menu }}" data-state="{{ front }} {{ here | list }}">')
    site = write_site(tmp_path / "site", {**BASIC, "layouts/macros.html": macros})
    assert not run(site, out=tmp_path / "out", now=NOW).errors
    front = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    listing = (tmp_path / "out" / "qa" / "index.html").read_text(encoding="utf-8")
    assert 'data-state="True [False, False, False, False, False, False, False]"' in front
    assert 'data-state="False [False, False, False, True, False, False, False]"' in listing


def test_a_template_calls_what_it_is_given_as_jinja_does(tmp_path):
    """Plain functions, methods and macros are called directly (`_Context.call`); a function or a callable object
    marked `pass_context` still gets the context, and a call that raises StopIteration is undefined."""
    site = write_site(tmp_path / "site", BASIC)
    outcome = run(site, out=tmp_path / "out", now=NOW)
    assert not outcome.errors and outcome.env is not None

    @pass_context
    def title_of(context: Any) -> str:
        return str(context["title"])

    class Loud:
        @pass_context
        def __call__(self, context: Any, end: str) -> str:
            return str(context["title"]) + end

    def stops() -> str:
        raise StopIteration

    template = outcome.env.from_string(
        "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ title_of() }} {{ loud(end='!') }} {{ len('abc') }} {{ 'x'.upper() }} "
        "{{ m(title) }} {{ fixed() }} {{ stops() is undefined }} {% for n in [1] %}{{ title_of() }}{% endfor %}")
    shown = template.render(title="T&", title_of=title_of, loud=Loud(), len=len, fixed=partial(str, 1), stops=stops)
    assert shown == "T&amp; T&amp;! 3 X <T&amp;> 1 True T&amp;"


def _on_topic(html: str, slug: str) -> list[str]:
    """The links of the section "on the same topic" for `slug` below an item."""
    start = html.index(f'aria-labelledby="topic-{slug}"')
    return re.findall(r'<a class="item-title" href="([^"]+)">', html[start:html.index("</section>", start)])


def test_a_topics_first_entries_are_rendered_once_and_an_item_among_them_gets_the_others(tmp_path):
    """Most item pages list a topic's first five entries (`topic_section`, rendered once); an item among them lists
    the next ones instead, never itself, whichever page is rendered first."""
    on_topic = {f"content/police/releases/r{n}.md": front(
        {"title": f"通告{n}", "date": f"2024-09-{n:02d} 09:00", "topics": ["治安"]}, "\n正文。\n") for n in range(1, 8)}
    site = write_site(tmp_path / "site", {**BASIC, **on_topic})
    assert not run(site, out=tmp_path / "out", now=NOW).errors

    def listed(n: int) -> list[str]:
        page = tmp_path / "out" / "police" / "releases" / f"r{n}" / "index.html"
        return [url.split("/")[-2] for url in _on_topic(page.read_text(encoding="utf-8"), "zhi-an")]

    newest = ["r7", "r6", "r5", "r4", "r3"]
    assert listed(1) == listed(2) == newest
    assert listed(7) == ["r6", "r5", "r4", "r3", "r2"]
    assert listed(3) == ["r7", "r6", "r5", "r4", "r2"]


def _graph(html: str) -> list[dict[str, Any]]:
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    return json.loads(html[start:html.index("</script>", start)])["@graph"]  # type: ignore[no-any-return]


def test_a_department_as_author_is_the_same_node_on_every_page_whatever_its_own_page_adds(tmp_path):
    """The JSON-LD nodes pages share (the hall, a department as author) are made once a build; the department's own
    page adds its short name, parent and spokesperson to a node of its own, not to the one its items share."""
    site = write_site(tmp_path / "site", BASIC)
    assert not run(site, out=tmp_path / "out", now=NOW).errors
    police = {"@type": "GovernmentOrganization", "name": "测试市公安局", "url": "https://hall.example.gov.cn/police/"}
    department = _graph((tmp_path / "out" / "police" / "index.html").read_text(encoding="utf-8"))[0]
    assert department["alternateName"] == "测试公安"
    for path in ("police/releases/a/index.html", "traffic/index.html"):
        shown = _graph((tmp_path / "out" / path).read_text(encoding="utf-8"))[0]
        author = shown["author"][0] if "author" in shown else shown["parentOrganization"]
        assert author == police
    question = _graph((tmp_path / "out" / QUESTION).read_text(encoding="utf-8"))[0]
    assert question["mainEntity"]["acceptedAnswer"]["author"] == police
