"""No import circle in src/complaintdesk (issue 17): every `import` counts — module level,
inside a function, under `if TYPE_CHECKING:` — since each is a dependency a reader has to
follow. A circle is reported with its modules, so the failure says what to cut."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "complaintdesk"

def _modules(src: Path, package: str) -> dict[str, Path]:
    mods: dict[str, Path] = {}
    for path in (src / package).rglob("*.py"):
        parts = path.relative_to(src).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = path
    return mods


def _resolve(module: str, is_package: bool, level: int, name: str) -> str:
    if level == 0:
        return name
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def import_graph(src: Path = SRC, package: str = PACKAGE) -> dict[str, set[str]]:
    """module → the package modules it imports (anywhere in its file)."""
    mods = _modules(src, package)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for module, path in mods.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(module, is_package, node.level, node.module or "")
                subs = [f"{base}.{a.name}" for a in node.names]
                targets = [t for t in subs if t in mods]  # `from pkg import submodule`
                if len(targets) < len(subs):
                    targets.append(base)
            for target in targets:
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target and target != module:
                    graph[module].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:  # iterative, so a deep graph cannot hit the recursion limit
        nonlocal counter
        work = [(v, iter(sorted(graph[v])))]
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _report(found: list[list[str]]) -> str:
    return "\n".join(f"circle of {len(c)}: " + " ↔ ".join(c) for c in found)


def test_the_graph_sees_every_kind_of_import():
    """The walk counts function-level and TYPE_CHECKING imports (a check of the checker:
    each kind below is in the code today)."""
    graph = import_graph()
    # module level
    assert f"{PACKAGE}.domain.records" in graph[f"{PACKAGE}.domain.events"]
    # inside a function (storage/kpi_tallies.py reads cases through the repository)
    assert f"{PACKAGE}.storage.repo_cases" in graph[f"{PACKAGE}.storage.kpi_tallies"]
    # a made-up circle is found, and only it
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_function_level_and_type_checking_imports_make_a_circle(tmp_path):
    """x imports y only for type hints, y imports x only inside a function: still a
    circle (each is a dependency to follow), and the walk finds it."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "x.py").write_text("from typing import TYPE_CHECKING\n"
                              "if TYPE_CHECKING:\n    from .y import Y\n")
    (pkg / "y.py").write_text("def f():\n    from .x import X\n    return X\n")
    (pkg / "z.py").write_text("from pkg import x\n")
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.x"] == {"pkg.y"} and graph["pkg.y"] == {"pkg.x"}
    assert graph["pkg.z"] == {"pkg.x"}
    assert cycles(graph) == [["pkg.x", "pkg.y"]]


def test_no_import_circle_at_all():
    """Not in storage/, services/, domain/, documents/, nor in ui/ (MainWindow builds its
    tabs itself; issue 17 "The UI is assembled from outside")."""
    found = cycles(import_graph())
    assert not found, "import circles:\n" + _report(found)


def test_no_feature_module_imports_the_main_window():
    """The window builds the features; they never reach back into it (they take the
    services, the user and callables)."""
    graph = import_graph()
    importers = {m for m, targets in graph.items() if f"{PACKAGE}.ui.main_window" in targets}
    # the composition roots: the GUI start and the smoke run that drives the window
    assert importers <= {f"{PACKAGE}.app", f"{PACKAGE}.ui.smoke"}, sorted(importers)


def test_the_entry_points_and_the_ui_import_no_storage_or_documents():
    """The CLI and app.py go through services (backups included); so does every widget."""
    graph = import_graph()
    callers = [m for m in graph if m in (f"{PACKAGE}.cli", f"{PACKAGE}.cli_print",
                                         f"{PACKAGE}.cli_report", f"{PACKAGE}.app")
               or m.startswith(f"{PACKAGE}.ui")]
    assert len(callers) > 50
    reaching = sorted(f"{m} → {t}" for m in callers for t in graph[m]
                      if t.startswith((f"{PACKAGE}.storage", f"{PACKAGE}.documents")))
    assert reaching == [], reaching
