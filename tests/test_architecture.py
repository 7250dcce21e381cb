"""The layers of docs/architecture.md, enforced from the source (no imports are run).

* Inside ``planner/`` an import only points down: base ← model ← charts, io ← pipeline ←
  the public face and the command line; and there is no import cycle among its modules
  (imports inside functions count: a cycle hidden in a function is still a cycle).
* Nothing in ``planner/`` imports Streamlit, and only the I/O layer and the command line
  read the environment.
* The app (``app.py`` and its UI package: every top-level Python file or folder that is
  not ``planner``, ``tests`` or ``benchmarks``) uses only ``planner``'s public face:
  ``import planner`` or ``from planner import X`` with ``X`` in ``planner.__all__``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import planner

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "planner"
NOT_THE_APP = {"planner", "tests", "benchmarks", "build", "dist", "data", "docs", "node_modules"}

#: Layer of each part of the package, lowest first, and what each may import.
BASE = {"planner.errors", "planner.formats", "planner._paths", "planner._files", "planner.schema",
        "planner._version", "planner.palette"}
MAY_IMPORT: dict[str, set[str]] = {
    "base": {"base"},
    "model": {"base", "model"},
    "charts": {"base", "model"},
    "io": {"base", "model", "io"},
    "pipeline": {"base", "model", "io", "pipeline"},
    "face": {"base", "model", "charts", "io", "pipeline", "face"},
    "cli": {"face", "cli"},  # the command line is a front end: the public face only
}


def layer(module: str) -> str:
    if module in BASE:
        return "base"
    if module == "planner.charts":
        return "charts"
    if module == "planner":
        return "face"
    if module in ("planner.cli", "planner.__main__"):
        return "cli"
    for part in ("model", "io", "pipeline"):
        if module == f"planner.{part}" or module.startswith(f"planner.{part}."):
            return part
    raise AssertionError(f"{module} is in no layer of docs/architecture.md; add it there "
                         "and to this test")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """(line, module, names) of every import in a file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module, tuple(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            raise AssertionError(f"{path}:{node.lineno}: relative import; write planner.…")


def planner_targets(module: str, names: tuple[str, ...]) -> list[str]:
    """The planner modules an import statement loads (``from planner.io import fdc``
    loads ``planner.io.fdc``)."""
    if module != "planner" and not module.startswith("planner."):
        return []
    found = [module]
    found += [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
    return [m for m in found if m in MODULES]


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for _, target, names in imports(path):
            for t in planner_targets(target, names):
                if t != module and not module.startswith(t + "."):  # a package's own init
                    edges[module].add(t)
    return edges


def test_the_discovery_finds_the_layers():
    assert {"planner.model.evaluate", "planner.io.fdc", "planner.pipeline.build",
            "planner.cli", "planner.charts"} <= set(MODULES)
    assert len(MODULES) > 30
    assert {layer(m) for m in MODULES} == set(MAY_IMPORT)


def test_every_import_points_down():
    wrong = []
    for module, targets in graph().items():
        for t in sorted(targets):
            if layer(t) not in MAY_IMPORT[layer(module)] and not (
                    # a package __init__ is run on the way to any module below it
                    layer(module) != "face" and t == "planner"):
                wrong.append(f"{module} ({layer(module)}) imports {t} ({layer(t)})")
    assert wrong == []


def test_no_module_imports_the_top_package():
    """Below the public face nothing imports ``planner`` itself (it imports everything)."""
    wrong = [f"{m}:{line}" for m, p in MODULES.items() if layer(m) not in ("face", "cli")
             for line, target, _ in imports(p) if target == "planner"]
    assert wrong == []


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle():
    assert find_cycle(graph()) is None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_nothing_in_planner_imports_streamlit():
    wrong = [f"{m}:{line} imports {t}" for m, p in MODULES.items()
             for line, t, _ in imports(p) if t.split(".")[0] == "streamlit"]
    assert wrong == []
    texts = {m: p.read_text(encoding="utf-8") for m, p in MODULES.items()}
    assert [m for m, t in texts.items() if 'sys.modules.get("streamlit")' in t
            or "st.secrets" in t.replace("``st.secrets``", "")] == []


def reads_environment(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "os" and node.attr in ("environ", "getenv", "environb")]


def test_only_io_and_the_cli_read_the_environment():
    readers = {m for m, p in MODULES.items() if reads_environment(p)}
    assert readers, "precondition: the user folder's $B12_PLANNER_HOME is read somewhere"
    assert {layer(m) for m in readers} <= {"io", "cli"}, readers
    assert readers & {"planner.io.user_folder"}


# -- the app ------------------------------------------------------------------------------
def app_files() -> list[Path]:
    """app.py and every Python file of the UI package(s) beside it."""
    found = []
    for entry in sorted(ROOT.iterdir()):
        if entry.name.startswith((".", "_")) or entry.name in NOT_THE_APP:
            continue
        if entry.is_file() and entry.suffix == ".py":
            found.append(entry)
        elif entry.is_dir():
            found += sorted(p for p in entry.rglob("*.py") if ".venv" not in p.parts)
    return found


def public_face_violations(path: Path) -> list[str]:
    public = set(planner.__all__)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    wrong = []
    where = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("planner."):
                    wrong.append(f"{where}:{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("planner."):
                wrong.append(f"{where}:{node.lineno}: from {node.module} import …")
            elif node.module == "planner":
                wrong += [f"{where}:{node.lineno}: planner.{a.name} is not in planner.__all__"
                          for a in node.names if a.name not in public]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id == "planner" and node.attr not in public):
            wrong.append(f"{where}:{node.lineno}: planner.{node.attr} is not public")
    return wrong


def test_the_app_is_found():
    files = app_files()
    assert ROOT / "app.py" in files
    assert not any(f.is_relative_to(PACKAGE) or f.is_relative_to(ROOT / "tests")
                   for f in files)


def test_the_app_uses_only_the_public_face():
    files = app_files()
    assert files, "precondition: app.py exists"
    wrong = [w for f in files for w in public_face_violations(f)]
    assert wrong == []


@pytest.mark.parametrize("source, bad", [
    ("import planner\nplanner.evaluate", False),
    ("from planner import evaluate, Profile", False),
    ("from planner.model.evaluate import evaluate", True),
    ("import planner.io.fdc", True),
    ("from planner import model", True),
    ("import planner\nplanner.model.evaluate", True),
])
def test_the_public_face_check_catches_a_deep_import(tmp_path, source, bad, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    f = tmp_path / "ui.py"
    f.write_text(source, encoding="utf-8")
    assert bool(public_face_violations(f)) is bad


def test_all_names_in_the_public_face_exist():
    assert [n for n in planner.__all__ if not hasattr(planner, n)] == []
    assert len(set(planner.__all__)) == len(planner.__all__)
