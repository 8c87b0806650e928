"""The house's shape, read from the code with ``ast``: imports flow one way, no import circle, one owner for
the database contract (table names, connecting)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("spec_catalog", "reports", "converters", "validation", "fitgap")
# What each package may import (the layering of the developers' guide): spec_catalog ← reports ←
# converters, validation ← fitgap. converters and validation never import each other.
ALLOWED = {
    "spec_catalog": {"spec_catalog"},
    "reports": {"spec_catalog", "reports"},
    "converters": {"spec_catalog", "reports", "converters"},
    "validation": {"spec_catalog", "reports", "validation"},
    "fitgap": set(PACKAGES),
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path, *, at_load: bool = False) -> set[str]:
    """The first-party modules ``name`` imports: anywhere in the file (lazily, under TYPE_CHECKING …), or with
    ``at_load`` only those that run when the module loads (top-level statements)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in tree.body if at_load else ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_follow_the_layering(name: str) -> None:
    package = name.split(".")[0]
    wrong = sorted(t for t in _imports(name, MODULES[name]) if t.split(".")[0] not in ALLOWED[package])
    assert not wrong, f"{name} imports {wrong}, against the layering {package} → {sorted(ALLOWED[package])}"


def test_no_import_circle() -> None:
    """No circle among the imports that run at load time (the order Python really follows)."""
    graph = {name: _imports(name, path, at_load=True) for name, path in MODULES.items()}
    # A package's __init__ importing its own submodules, which import the package's siblings, is no circle:
    # only edges to a module that is not an ancestor package count.
    edges = {n: {t for t in targets if not n.startswith(t + ".")} for n, targets in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                raise AssertionError("import circle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name)


def _source_files() -> list[Path]:
    return list(MODULES.values()) + sorted((ROOT / "benchmarks").glob("*.py"))


def test_the_contract_tables_are_named_in_one_module() -> None:
    spelled = {
        str(p.relative_to(ROOT))
        for p in _source_files()
        if "fitgap_runs" in p.read_text(encoding="utf-8") or "fitgap_quarantine" in p.read_text(encoding="utf-8")
    }
    assert spelled == {"spec_catalog/database.py"}


def test_duckdb_is_opened_in_one_module() -> None:
    calls = set()
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "connect"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "duckdb"
            ):
                calls.add(str(path.relative_to(ROOT)))
    assert calls == {"spec_catalog/database.py"}


def test_rules_have_one_home() -> None:
    """The converter and validation read their constraints from the same module of the catalog."""
    assert "spec_catalog.rules" in _imports("converters.plan", MODULES["converters.plan"])
    assert "spec_catalog.rules" in _imports("validation.rules", MODULES["validation.rules"])
    for name in ("converters.plan", "converters.engine", "validation.rules", "validation.runner"):
        text = MODULES[name].read_text(encoding="utf-8")
        assert "^[0-9]" not in text and "regexp_full_match" not in text, f"{name} keeps a rule regex of its own"
