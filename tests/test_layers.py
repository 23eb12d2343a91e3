"""Dependencies point down only (docs/architecture.md): an import-graph check over the source.

Every module of every app of ours — code and migrations, imports at the top and
inside functions — is read with ``ast``; the migrations' dependencies and the
models their fields point at are read from Django's migration loader. A layer
may import only the layers below it, and no module of ours imports another that
imports it back, directly or through others (the register import's modules once
did).
"""

import ast
from pathlib import Path

import pytest
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parents[1]

# What each layer of ours may import (besides itself); anything else of ours is refused.
ALLOWED = {
    "casework": set(),
    "registry": {"casework"},
    "inspections": {"casework", "registry"},
    "penalties": {"casework", "registry", "inspections"},
    "notifications": {"casework"},
    "statistics": {"casework", "registry", "inspections", "penalties"},
    "portal": {"casework", "registry", "inspections", "penalties", "notifications", "statistics"},
    "config": {
        "casework",
        "registry",
        "inspections",
        "penalties",
        "notifications",
        "statistics",
        "portal",
    },
}
OURS = set(ALLOWED)

# Modules of one layer that must not import each other.
FORBIDDEN_MODULES = {
    "casework.calendars": {"casework.deadlines"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else None
    package = package or module_name(path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def layer_violations(layer: str) -> list[str]:
    problems = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for target in imported_modules(path):
            top = target.split(".")[0]
            if top in OURS and top != layer and top not in ALLOWED[layer]:
                problems.append(f"{module_name(path)} imports {target}")
    return problems


def sources() -> list[str]:
    return [layer for layer in ALLOWED if (ROOT / layer).is_dir()]


@pytest.mark.parametrize("layer", sources())
def test_a_layer_imports_only_the_layers_below_it(layer):
    assert layer_violations(layer) == []


def import_cycles() -> list[list[str]]:
    """Groups of our modules that import each other in a circle (Tarjan's components)."""
    paths = {module_name(p): p for layer in sources() for p in (ROOT / layer).rglob("*.py")}
    graph = {m: sorted(imported_modules(p) & set(paths) - {m}) for m, p in paths.items()}
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for target in graph[module]:
            if target not in order:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], order[target])
        if low[module] == order[module]:
            group = stack[stack.index(module) :]
            del stack[stack.index(module) :]
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return cycles


def test_no_modules_of_ours_import_each_other_in_a_circle():
    assert import_cycles() == []


def test_the_check_sees_a_circle(tmp_path, monkeypatch):
    registry = tmp_path / "registry"
    registry.mkdir()
    (registry / "__init__.py").write_text("")
    (registry / "a.py").write_text("from registry.b import g\n")
    (registry / "b.py").write_text("def g():\n    from registry import a\n")
    (registry / "c.py").write_text("from registry.a import g\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)

    assert import_cycles() == [["registry.a", "registry.b"]]


def test_the_calendar_does_not_import_the_legal_clocks():
    for module, forbidden in FORBIDDEN_MODULES.items():
        path = ROOT / (module.replace(".", "/") + ".py")
        assert not imported_modules(path) & forbidden, f"{module} imports {forbidden}"


@pytest.mark.django_db
def test_migrations_depend_and_point_only_on_the_layers_below():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    problems = []
    for (app, name), migration in loader.disk_migrations.items():
        if app not in OURS:
            continue
        targets = {dep[0] for dep in migration.dependencies}
        for operation in migration.operations:
            fields = list(getattr(operation, "fields", []))
            if hasattr(operation, "field"):
                fields.append((operation.name, operation.field))
            for _field_name, field in fields:
                model = getattr(getattr(field, "remote_field", None), "model", None)
                if isinstance(model, str) and "." in model:
                    targets.add(model.split(".")[0].lower())
        targets = {"casework" if t == "__setting__" else t for t in targets}
        problems += [
            f"{app}.{name} depends on {target}"
            for target in sorted(targets & OURS - {app} - ALLOWED[app])
        ]
    assert problems == []


def test_the_check_sees_a_domain_import_added_to_the_spine(tmp_path, monkeypatch):
    # The check itself: a spine module that imports a domain app is named.
    spine = tmp_path / "casework"
    spine.mkdir()
    (spine / "__init__.py").write_text("")
    (spine / "leak.py").write_text(
        "def f():\n    from inspections.models import Inspection\n    return Inspection\n"
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)

    assert sorted(layer_violations("casework")) == [
        "casework.leak imports inspections.models",
        "casework.leak imports inspections.models.Inspection",
    ]
