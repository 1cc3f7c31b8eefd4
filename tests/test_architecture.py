"""The package's rooms import one way: a room imports only the rooms before it in the pipeline."""

from __future__ import annotations

import ast
from pathlib import Path

import releasehall

PACKAGE = Path(releasehall.__file__).parent
ORDER = ("read", "settings", "model", "content", "markdown", "store", "media", "assemble", "outputs", "pipeline",
         "serve", "commands")
SHARED = ("errors", "parallel")  # the floor every room stands on; they import no room


def imported(path: Path) -> list[str]:
    """Every `releasehall.*` module `path` imports, at the top or inside a function."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("releasehall"):
            names += [f"{node.module}.{a.name}" for a in node.names] if node.module == "releasehall" else [node.module]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names if a.name.startswith("releasehall")]
    return names


def room_of(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def test_every_module_lives_in_a_room_or_is_shared():
    loose = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in (*SHARED, "__init__", "__main__"))
    rooms = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert loose == []
    assert rooms == sorted(ORDER)


def test_rooms_import_only_rooms_before_them():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        here = parts[0] if len(parts) > 1 else path.stem
        # shared modules stand below every room; `python -m releasehall` above them all
        rank = ORDER.index(here) if here in ORDER else len(ORDER) if here == "__main__" else -1
        for module in imported(path):
            there = room_of(module)
            if there in ORDER and ORDER.index(there) > rank:
                upward.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert upward == []
