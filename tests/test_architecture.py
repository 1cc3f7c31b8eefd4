"""The package's rooms import one way: a room imports only the rooms before it in the pipeline."""

from __future__ import annotations

import ast
import re
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


def _literals(path: Path) -> list[str]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def test_the_mirrors_language_and_folder_are_spelled_in_one_place():
    """A variant is data (`model/variants`, from the setting `settings/site.TRADITIONAL`); templates read it from
    their context and no other module spells its code or folder (the mirror is rendered, not rewritten)."""
    spelled = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                     if any("zh-Hant" in text or "zh-hant" in text for text in _literals(path)))
    assert spelled == ["model/variants.py", "settings/site.py"]
    templates = sorted(path.name for path in (PACKAGE / "theme").iterdir() if path.is_file()
                       and re.search(r"zh-Hant|zh-hant|zh-CN|zh_CN|zh_TW", path.read_text(encoding="utf-8")))
    assert templates == []
