"""The app (app.py and the ui package) uses only planner's public face, and the library
never imports the app or Streamlit (fast: reads the source, imports nothing of the app)."""

from __future__ import annotations

import ast
from pathlib import Path

import planner

ROOT = Path(__file__).resolve().parent.parent
APP_FILES = [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py"))]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_app_files_exist():
    assert (ROOT / "ui" / "state.py").is_file()
    assert len(APP_FILES) > 5


def test_the_app_imports_only_planner_itself():
    bad = []
    for path in APP_FILES:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module and (
                    node.module.startswith("planner.")):
                bad.append(f"{path.name}:{node.lineno} from {node.module} import …")
            if isinstance(node, ast.Import):
                bad += [f"{path.name}:{node.lineno} import {a.name}" for a in node.names
                        if a.name.startswith("planner.")]
    assert not bad, bad


def test_every_planner_name_the_app_uses_is_public():
    used: set[str] = set()
    for path in APP_FILES:
        for node in ast.walk(_tree(path)):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "planner"):
                used.add(node.attr)
            if isinstance(node, ast.ImportFrom) and node.module == "planner":
                used |= {a.name for a in node.names}
    assert used, "the app calls into planner"
    missing = sorted(used - set(planner.__all__))
    assert not missing, missing


def test_the_library_does_not_import_the_app_or_streamlit():
    bad = []
    for path in sorted((ROOT / "planner").rglob("*.py")):
        for node in ast.walk(_tree(path)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            bad += [f"{path.name}: {n}" for n in names
                    if n.split(".")[0] in {"streamlit", "ui", "app"}]
    assert not bad, bad
