"""Small sites built in tmp_path from inline dicts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from hypothesis import settings

from releasehall.commands.cli import main

if TYPE_CHECKING:  # Playwright is imported by the browser fixture only: `pytest -m "not browser"` runs without it
    from playwright.sync_api import Browser

# In CI (the variable CI set, as .ci/run and every CI service do) Hypothesis draws the same examples on every run
# and keeps no database: a failure there is reproducible from the log alone. Locally it explores as usual.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

SITE = {"title": "测试发布厅", "base_url": "https://hall.example.gov.cn/"}
ENGINES = ("commonmark", "python-markdown")  # link, anchor and hostile-markup tests run under both


def site_for(engine: str) -> dict[str, Any]:
    """site.yaml for a hall whose bodies are read by `engine`."""
    return SITE if engine == "commonmark" else {**SITE, "markdown": {"engine": engine}}


def front(data: dict[str, Any], body: str = "") -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return f"---\n{text}---\n{body}"


def write_site(root: Path, files: dict[str, Any], site: dict[str, Any] | None = None) -> Path:
    """Write `files` (path -> text, or dict for YAML) under `root`; site.yaml unless given in files."""
    all_files: dict[str, Any] = {"site.yaml": site or SITE, **files}
    for rel, value in all_files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, bytes):
            path.write_bytes(value)
        elif isinstance(value, dict):
            path.write_text(yaml.safe_dump(value, allow_unicode=True, sort_keys=False), encoding="utf-8")
        else:
            path.write_text(value, encoding="utf-8")
    return root


def image(width: int, height: int, fmt: str = "PNG", color: tuple[int, int, int] = (30, 90, 160), **save: Any) -> bytes:
    """A real image of one color (Pillow), for sites that show pictures."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height), color).save(out, fmt, **save)
    return out.getvalue()


def pdf(pages: int, shade: int = 255) -> bytes:
    """A real PDF of `pages` blank pages (Pillow's PDF writer)."""
    import time
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    sheets = [Image.new("RGB", (60, 80), (shade, shade, shade)) for _ in range(pages)]
    stamp = time.gmtime(1704067200)  # the same bytes every time
    sheets[0].save(out, "PDF", save_all=True, append_images=sheets[1:], creationDate=stamp, modDate=stamp)
    return out.getvalue()


def dept(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, **extra}


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


BASIC: dict[str, Any] = {
    "content/police/department.yaml": dept("测试市公安局", short_name="测试公安", level="municipal",
                                           spokesperson={"name": "张三", "title": "新闻发言人"}),
    "content/traffic/department.yaml": dept("测试区交警大队", parent="police", level="district"),
    "content/police/releases/a.md": front(
        {"title": "国庆交通管制", "date": "2024-09-20 09:00", "kind": "notice", "topics": ["公共交通"],
         "with": ["traffic"]},
        "\n国庆期间实行交通管制，详见[说明](../../traffic/releases/说明.md)。\n"),
    "content/traffic/releases/说明.md": front(
        {"title": "管制说明", "date": "2024-09-21", "topics": ["公共交通"], "related": ["police/releases/a"]},
        "\n![地图](img/map.png)\n"),
    "content/traffic/releases/img/map.png": image(40, 30),
    "content/police/qa/q1.md": front(
        {"title": "能否办证", "asked": "2024-09-27 10:00", "question": "国庆能否办理身份证？",
         "replied": "2024-10-08 09:00", "topics": ["户政"]}, "\n可以。\n"),
}


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
