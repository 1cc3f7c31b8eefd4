"""What tests share: small sites written in tmp_path from inline dicts, real images and PDFs, the fixed clock, a
byte-for-byte snapshot of an output folder, and a copy of this repository's sample hall to build outside the checkout.

Imported as `from helpers import ...` (pytest puts tests/ on sys.path); fixtures and hooks are in conftest.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
NOW = "2024-10-20 12:00"  # `--now` of the small sites below (a Sunday, Asia/Shanghai)
SAMPLE_NOW = "2026-11-20 18:00"  # `--now` of the sample hall in content/ (its dates lead up to it)
SAMPLE_HALL = ("site.yaml", "content", "layouts")  # what `releasehall build` reads from the repository

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


BASIC: dict[str, Any] = {
    "content/police/department.yaml": dept("测试市公安局", short_name="测试公安", level="municipal",
                                           spokesperson={"name": "张三", "title": "新闻发言人"}),
    "content/traffic/department.yaml": dept("测试区交警大队", parent="police", level="district",
                                            partners=["police"]),
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


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by POSIX path relative to it: two builds compared byte for byte."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def sample_hall(dest: Path) -> Path:
    """A copy of the repository's sample hall at `dest`, to build without writing into the checkout."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in SAMPLE_HALL:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        elif source.is_file():
            shutil.copy2(source, dest / name)
    return dest
