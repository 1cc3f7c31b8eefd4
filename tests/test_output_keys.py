"""Output keys follow from what a page is given: a value added to a page's context is in its key without anyone
writing it there, and a value the key cannot digest stops the build instead of being left out."""

from __future__ import annotations

import pytest
from helpers import BASIC, NOW, front, write_site

from releasehall.outputs import pages
from releasehall.outputs.keys import Fingerprints, plain
from releasehall.pipeline.build import run

QUESTION = "police/qa/q1/index.html"
NEW_QUESTION = {"content/traffic/qa/q9.md": front({"title": "何时通车", "asked": "2024-10-10 10:00",
                                                   "question": "新路何时通车？"})}


def with_questions_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Item pages given one more value: how many questions the hall holds (no row, body or topic of theirs)."""
    made = pages.entry_page

    def entry_page(hall, entry, heads=None):
        page = made(hall, entry, heads)
        page.context["questions_in_hall"] = len(hall.questions)
        return page

    monkeypatch.setattr(pages, "entry_page", entry_page)


@pytest.mark.parametrize("counted", [False, True], ids=["as-is", "value-added"])
def test_a_value_added_to_a_page_context_is_in_its_key(tmp_path, monkeypatch, counted):
    """A question in another department, on no topic, changes nothing q1's page was given, unless its context
    holds the number of questions: then the page is rendered again (a hand-written key would have missed it)."""
    if counted:
        with_questions_counted(monkeypatch)
    site = write_site(tmp_path, BASIC)
    assert not run(site, out=tmp_path / "out", now=NOW).errors
    write_site(site, NEW_QUESTION)
    again = run(site, out=tmp_path / "out", now=NOW)
    assert not again.errors
    assert (QUESTION in again.rendered) is counted


def test_a_context_value_the_key_cannot_digest_stops_the_build_naming_it(tmp_path, monkeypatch):
    made = pages.entry_page

    def entry_page(hall, entry, heads=None):
        page = made(hall, entry, heads)
        page.context["choices"] = {"甲", "乙"}  # a set: its order is not its own, so no key can stand for it
        return page

    monkeypatch.setattr(pages, "entry_page", entry_page)
    site = write_site(tmp_path, BASIC)
    with pytest.raises(TypeError, match=r"'choices'.*builtins\.set"):
        run(site, out=tmp_path / "out", now=NOW)


@pytest.fixture
def fp(tmp_path) -> Fingerprints:
    outcome = run(write_site(tmp_path, BASIC), out=tmp_path / "out", now=NOW, write=False)
    assert outcome.hall is not None
    return Fingerprints(outcome.hall)


class Mutable:
    def __init__(self, text: str) -> None:
        self.text = text


@pytest.mark.parametrize("value", [{"甲"}, frozenset({"甲"}), lambda: "甲", Mutable("甲"), [Mutable("甲")],
                                   {"k": Mutable("甲")}], ids=["set", "frozenset", "function", "object", "in a list",
                                                               "in a dict"])
def test_what_the_key_cannot_digest_is_refused_by_name(fp, value):
    with pytest.raises(TypeError, match="'extra'"):
        fp.page("listing.html", {"url": "/x/"}, {"extra": value})


def test_each_value_counts_by_name_and_by_what_it_shows(fp):
    hall = fp.hall
    a, q1 = hall.by_id["police/releases/a"], hall.by_id["police/qa/q1"]
    base = fp.page("listing.html", {"url": "/x/"}, {"entries": [a, q1]})
    assert fp.page("listing.html", {"url": "/x/"}, {"entries": [a, q1]}) == base  # the same context, the same key
    assert fp.page("listing.html", {"url": "/x/"}, {"entries": [q1, a]}) != base  # order
    assert fp.page("listing.html", {"url": "/x/"}, {"rows": [a, q1]}) != base  # name
    assert fp.page("listing.html", {"url": "/x/"}, {"entries": [a, q1], "note": None}) != base  # one value more
    # an entry other than the page's item is shown as its list row; the item, whole (its body too)
    assert plain(fp, a, "entries") == fp.row(a)
    assert plain(fp, a, "item") == fp.entry(a) + fp.row(a)
    assert plain(fp, [a, q1], "entries") == fp.rows([a, q1])
    # the item's own body, summary and record are in its digests, named by their place; other text by value
    body = hall.bodies[a.id].html
    item = fp.page("release.html", {}, {"item": a, "body": body})
    assert fp.page("release.html", {}, {"item": a, "body": body + "补充"}) != item
    assert fp.page("release.html", {}, {"item": a, "body": hall.bodies[q1.id].html}) != item


def test_an_item_whose_topic_lists_nothing_else_shows_no_section_for_it(tmp_path):
    """Item pages share each topic's first entries (`pages.topic_heads`); a topic whose list is empty (its only
    item an unanswered question, which topic lists leave out) gives its question's page no empty section."""
    files = {**BASIC, "content/police/qa/q2.md": front({"title": "何时办结", "asked": "2024-10-10 10:00",
                                                        "question": "何时办结？", "topics": ["新话题"]})}
    site = write_site(tmp_path, files)
    assert not run(site, out=tmp_path / "out", now=NOW).errors
    page = (tmp_path / "out/police/qa/q2/index.html").read_text(encoding="utf-8")
    assert "新话题" in page and 'aria-labelledby="topic-' not in page


def test_a_tuple_digested_once_per_build_is_held_so_its_id_stands_for_no_other(fp):
    """Tuples many pages share are digested once per build, by identity (`keys._sequence`); each is kept beside its
    digest, so a tuple made and dropped by one page cannot lend its id, and its digest, to another page's tuple."""
    keys = {fp.page("listing.html", {"url": "/x/"}, {"counts": (("甲", n),)}) for n in range(50)}
    assert len(keys) == 50


def test_a_page_key_does_not_follow_the_order_its_item_was_first_digested_in(tmp_path):
    """An item's summary and body are named by its digests wherever a page shows them: the page's key is the same
    whether the item was first met in a list (its row digested before) or on its own page."""
    files = {**BASIC, "content/police/releases/long.md": front({"title": "长文", "date": "2024-10-01"},
                                                                "\n" + "国庆期间实行交通管制，请绕行。" * 12 + "\n")}
    outcome = run(write_site(tmp_path, files), out=tmp_path / "out", now=NOW, write=False)
    assert outcome.hall is not None
    hall = outcome.hall
    entry = hall.by_id["police/releases/long"]
    body = hall.bodies[entry.id]
    assert len(body.summary) > 64  # (long enough to be named by the digest that holds it, not written out)
    given = {"url": "/police/releases/long/", "title": entry.title, "description": body.summary}
    item_first = Fingerprints(hall)
    key = item_first.page("release.html", given, {"item": entry, "body": body.html})
    listed_first = Fingerprints(hall)
    listed_first.rows([entry])
    assert listed_first.page("release.html", given, {"item": entry, "body": body.html}) == key
