"""Fixtures and hooks only: `run_cli`, `browser` (and the `browser` marker it sets), the tests' cache key, the
Hypothesis profile for CI. What tests import (site writers, the fixed clock, `snapshot`…) is in helpers.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

from releasehall.commands.cli import main

if TYPE_CHECKING:  # Playwright is imported by the browser fixture only: `pytest -m "not browser"` runs without it
    from playwright.sync_api import Browser

# In CI (the variable CI set, as .ci/run and every CI service do) Hypothesis draws the same examples on every run
# and keeps no database: a failure there is reproducible from the log alone. Locally it explores as usual.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def cache_key_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Builds in tests sign their cache with the tests' own key (the same in every session, so the sample hall's
    cache from the last run is still good), and any key file is made in a temporary folder, never in the real
    home; tests of the key file unset the variable."""
    home = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(home))
        patch.setenv("RELEASEHALL_CACHE_KEY", "the tests' own cache key, never a real one")
        yield home


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives Chromium does so through the `browser` fixture below, and gets the `browser` marker:
    `python -m pytest -m "not browser"` runs everything else, without Playwright, Chromium or Node.js."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Debian Chromium for the whole session (Playwright allows one sync driver at a time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
