"""The package's import graph has no circle (issue 17): function-level imports count;
within ui/ the TYPE_CHECKING imports count too, and no feature module imports the main
window — the window builds the features, they never reach back into it."""

from __future__ import annotations

import ast
from pathlib import Path

import complaintdesk

PACKAGE = Path(complaintdesk.__file__).parent


def _modules() -> dict[str, Path]:
    mods = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = ("complaintdesk", *path.relative_to(PACKAGE).with_suffix("").parts)
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = path
    return mods


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            inside.update(id(sub) for sub in ast.walk(node))
    return inside


def import_graph(with_type_checking: bool) -> dict[str, set[str]]:
    """module → the package's modules it imports anywhere in its body."""
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = set() if with_type_checking else _type_checking_nodes(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level else []
                module = ".".join(base + [node.module] if node.module else base) \
                    if node.level else (node.module or "")
                named = [f"{module}.{a.name}" for a in node.names]
                targets = [t for t in named if t in mods]
                if len(targets) < len(named):  # names from the module itself, not submodules
                    targets.append(module)
            for target in targets:
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_in_the_package() -> None:
    assert cycles(import_graph(with_type_checking=False)) == []


def test_no_import_circle_in_the_ui_type_checking_imports_included() -> None:
    ui = [c for c in cycles(import_graph(with_type_checking=True))
          if any(m.startswith("complaintdesk.ui") for m in c)]
    assert ui == []


def test_no_feature_module_imports_the_main_window() -> None:
    graph = import_graph(with_type_checking=True)
    importers = sorted(m for m, targets in graph.items()
                       if "complaintdesk.ui.main_window" in targets)
    # the composition roots: the GUI start and the smoke run that drives the window
    assert set(importers) <= {"complaintdesk.app", "complaintdesk.ui.smoke",
                              "complaintdesk.ui.startup"}, importers


def test_the_entry_points_and_the_ui_import_no_storage_or_documents() -> None:
    """The CLI and app.py go through services (backups included); so does every widget."""
    graph = import_graph(with_type_checking=True)
    callers = [m for m in graph if m in ("complaintdesk.cli", "complaintdesk.cli_print",
                                         "complaintdesk.cli_report", "complaintdesk.app")
               or m.startswith("complaintdesk.ui")]
    assert len(callers) > 50
    reaching = sorted(f"{m} → {t}" for m in callers for t in graph[m]
                      if t.startswith(("complaintdesk.storage", "complaintdesk.documents")))
    assert reaching == []
