"""Rendering pages: what the templates are given and what is rendered once for many pages."""

from __future__ import annotations

import dataclasses

from helpers import BASIC, NOW, write_site

from releasehall.outputs import pages
from releasehall.pipeline.build import run

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
