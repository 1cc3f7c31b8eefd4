"""The built-in theme keeps its styles: every class a built-in template writes has a rule in the theme's hall.css
(or is a hook for a script or an operator's stylesheet, listed below). A component without styles is what issue 18
found on the 政府信息公开 pages: .documents, .doc-meta and .validity had no rule at all."""

from __future__ import annotations

import re
from pathlib import Path

THEME = Path(__file__).resolve().parents[1] / "releasehall/theme"

# classes that are hooks, not looks: read by a script, or there for an operator's own CSS to select
HOOKS = {
    "print-date": "base.html's script writes the print date into it",
    "search-status": "search.js writes the number of results into it",
    "page-date": "the print header's date of the newest information, for an operator's stylesheet",
    "entry": "an item page's article, for an operator's stylesheet",
    "department-page": "a department page's body, for an operator's stylesheet",
    "question": "a question page's article", "ask": "a question page's question", "reply": "a question page's reply",
    "paused": "a question's paused days, for an operator's stylesheet",
    "status": "a question's status badge (styled as .badge), for an operator's stylesheet",
    "owner": "the footer's organizer line", "report-error": "the footer's 网站纠错 link",
    "search-nojs": "the search page's words for a browser without scripts",
    "item-release": "an operator's stylesheet can tell a release row from a question row",
    "item-question": "as item-release",
    "kind-": "kind-<kind> on a release row, for an operator's stylesheet",
    "status-": "status-<status> on a question row, for an operator's stylesheet",
}

_CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
_JINJA = re.compile(r"\{%.*?%\}", re.S)
_VALUE = re.compile(r"\{\{.*?\}\}", re.S)


def template_classes() -> dict[str, set[str]]:
    """Every class token the templates write, by template; a token built from a value (`validity-{{ v }}`) is its
    prefix with a trailing '-'."""
    found: dict[str, set[str]] = {}
    for path in sorted(THEME.glob("*.html")):
        for value in _CLASS_ATTR.findall(path.read_text(encoding="utf-8")):
            for token in _VALUE.sub("{{}}", _JINJA.sub(" ", value)).split():
                if "{{" in token:
                    token = token[:token.index("{{")]
                if token:
                    found.setdefault(token, set()).add(path.name)
    return found


def css_classes(css: str) -> set[str]:
    """Class names that hall.css's selectors mention (comments and strings left out)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r'"[^"]*"', '""', css)
    selectors = " ".join(re.findall(r"([^{}]+)\{", css))
    return set(re.findall(r"\.(-?[A-Za-z_][\w-]*)", selectors))


def test_every_class_a_template_writes_has_a_rule_or_is_a_hook():
    styled = css_classes((THEME / "static/hall.css").read_text(encoding="utf-8"))
    missing = {}
    for token, templates in template_classes().items():
        if token in HOOKS:
            continue
        if token.endswith("-"):  # a family: some rule for one of its members
            if any(name.startswith(token) for name in styled):
                continue
        elif token in styled:
            continue
        missing[token] = sorted(templates)
    assert missing == {}


def test_the_check_sees_classes_and_rules():
    """The parsers themselves: a template's static and built classes, and a rule's classes (not a comment's)."""
    classes = template_classes()
    assert {"documents", "doc-meta", "validity", "validity-", "chip", "stack"} <= classes.keys()
    assert "badge-alert" in classes and "item" in classes
    assert css_classes("/* .gone */ a.one:is(.two, .three) > .four::before { content: \".five\"; margin: .5rem }") \
        == {"one", "two", "three", "four"}
