"""Link targets written plainly (most links: a path of word characters, dots, slashes and hyphens) are resolved the
short way; they resolve exactly as the same target written with a percent-escape, which takes the whole way."""

from __future__ import annotations

import pytest
from helpers import dept, front, write_site

from releasehall.assemble.hall import build_hall
from releasehall.content.load import load_content
from releasehall.errors import Report
from releasehall.markdown.markup import Resolution, Targets, resolve
from releasehall.pipeline.build import build_now
from releasehall.settings.site import load_settings

HERE = "content/police/releases/r1.md"
PLAIN = ["r2.md", "./r2.md", "../releases/r2.md", "../../traffic/releases/说明.md", "/traffic/releases/说明.md",
         "/police/", "/police", "/", "/releases/", "/qa", "img/a.png", "/police/releases/img/a.png", "missing.md",
         "../../../x.md", "../..", "draft.md", "about", "/about", "/about/", "交通_1.md", "../qa/q1.md", "police",
         "r2", "a-b/c.d/e_f"]


@pytest.fixture(scope="module")
def targets(tmp_path_factory) -> Targets:
    root = write_site(tmp_path_factory.mktemp("site"), {
        "content/police/department.yaml": dept("公安局"),
        "content/traffic/department.yaml": dept("交通局"),
        "content/police/releases/r1.md": front({"title": "一", "date": "2024-10-01"}, "正文。"),
        "content/police/releases/r2.md": front({"title": "二", "date": "2024-10-02"}, "正文。"),
        "content/police/releases/draft.md": front({"title": "稿", "date": "2024-10-02", "draft": True}, "正文。"),
        "content/police/releases/img/a.png": b"\x89PNG\r\n\x1a\n",
        "content/police/qa/q1.md": front({"title": "问", "asked": "2024-10-01", "question": "问？"}),
        "content/traffic/releases/说明.md": front({"title": "说明", "date": "2024-10-01"}, "正文。"),
        "content/pages/about.md": front({"title": "关于"}, "正文。"),
    })
    report = Report()
    settings = load_settings(root, report)
    assert settings is not None
    content, _cache = load_content(settings, report)
    hall, _bodies = build_hall(settings, content, build_now("2024-10-20 12:00", settings.tz), False, report)
    return hall.targets


def _escaped(target: str) -> str:
    """`target` with its first letter, digit or slash percent-escaped: the same path, not written plainly."""
    index = next(i for i, ch in enumerate(target) if ch.isascii() and (ch.isalnum() or ch == "/"))
    return f"{target[:index]}%{ord(target[index]):02X}{target[index + 1:]}"


@pytest.mark.parametrize("target", PLAIN)
@pytest.mark.parametrize("image", [False, True])
def test_a_plain_target_resolves_as_the_same_target_escaped(targets, target, image):
    assert resolve(target, HERE, image, targets) == resolve(_escaped(target), HERE, image, targets)


def test_what_is_not_a_plain_path_takes_the_whole_way(targets):
    assert resolve("//x.example.cn/a", HERE, False, targets) == Resolution("//x.example.cn/a")  # another host
    assert resolve("r2.md", HERE, False, targets).url == "/police/releases/r2/"
    assert resolve("r%32.md", HERE, False, targets).url == "/police/releases/r2/"
    refused = resolve("javascript%3Aalert(1)", HERE, False, targets)
    assert refused.url is None and refused.problem is not None


def test_a_file_beside_the_source_is_found_in_the_source_folder(targets):
    assert resolve("a.png", "content/police/releases/img/note.md", True, targets).asset == "police/releases/img/a.png"
    assert resolve("说明.md", "content/traffic/releases/x.md", False, targets).url == "/traffic/releases/shuo-ming/"
    assert resolve("r2.md", "content/traffic/releases/x.md", False, targets).url is None  # not in that folder
    assert resolve("police", "content/x.md", False, targets).url == "/police/"  # a department, from content/ itself
