"""The kinds of content are one table (model/entry_kinds): where each lives, its record, its page and its dates."""

from __future__ import annotations

import typing
from pathlib import Path

from helpers import BASIC, front, write_site

import releasehall
from releasehall.model.entry_kinds import BY_FOLDER, ENTRY_KINDS, kind_of
from releasehall.model.records import Entry
from releasehall.pipeline.build import run


def test_every_record_of_an_entry_has_one_row_and_its_template_exists():
    assert sorted(k.record.__name__ for k in ENTRY_KINDS) == sorted(t.__name__ for t in typing.get_args(Entry))
    assert sorted(BY_FOLDER) == ["pages", "qa", "releases"]
    theme = Path(releasehall.__file__).parent / "theme"
    assert [k.template for k in ENTRY_KINDS if not (theme / k.template).is_file()] == []


def test_the_table_decides_where_an_entry_is_read_from_listed_and_rendered(tmp_path):
    files = {**BASIC,
             "content/police/releases/r.md": front({"title": "发布", "date": "2024-10-01 09:00"}, "正文\n"),
             "content/police/qa/q.md": front({"title": "留言", "asked": "2024-10-08 09:00", "question": "问",
                                              "replied": "2024-10-09 10:00"}, "答复\n"),
             "content/police/qa/later.md": front({"title": "以后", "asked": "2024-10-21 09:00", "question": "问"}),
             "content/pages/about.md": front({"title": "关于"}, "关于\n")}
    outcome = run(write_site(tmp_path, files), now="2024-10-20 12:00", write=False)
    hall = outcome.hall
    assert hall is not None and not outcome.errors
    entries = {e.rel: e for e in hall.entries()}
    assert "content/police/qa/later.md" not in entries  # asked after "now": its kind's public_from holds it back
    mine = ("content/police/releases/r.md", "content/police/qa/q.md", "content/pages/about.md")
    kinds = {rel: kind_of(entries[rel]) for rel in mine}
    assert {rel: (k.name, k.template) for rel, k in kinds.items()} == {
        "content/police/releases/r.md": ("release", "release.html"),
        "content/police/qa/q.md": ("question", "question.html"),
        "content/pages/about.md": ("page", "page.html")}
    question = entries["content/police/qa/q.md"]
    assert kind_of(question).listed_at(question).isoformat() == "2024-10-09T10:00:00+08:00"  # listed when replied
