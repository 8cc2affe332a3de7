"""The shape of the package: stages that import one way, no cycles, and module maps that match the code."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from conftest import PROJECT

PACKAGE = PROJECT / "bulletin"
# The order of bulletin/__init__.py: a module may import only from its own part or from parts before it.
ORDER = (
    "util", "model", "project", "language", "content", "exchange", "preflight", "signing", "printing", "delivery",
    "sending", "workflow",
)  # fmt: skip
# Where an import may wait inside a function: the worker-side calls of the print stage, which keep
# WeasyPrint out of a build's own process, and the commands, which load a stage only when they run it.
DEFERRING = ("bulletin.printing.inworker", "bulletin.workflow.")
STAGES = (
    "language",
    "content",
    "content/drawings",
    "exchange",
    "preflight",
    "signing",
    "printing",
    "delivery",
    "workflow",
    "util",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> list[tuple[str, bool]]:
    """The bulletin modules `name` imports, each with whether the import waits inside a function."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node: ast.AST, deferred: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = deferred or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - child.level + 1] + ([base] if base else []))
                for alias in child.names:
                    target = f"{base}.{alias.name}"
                    found.append((target if target in MODULES else base, inside))
            elif isinstance(child, ast.Import):
                found.extend((alias.name, inside) for alias in child.names)
            visit(child, inside)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return [(target, deferred) for target, deferred in found if target in MODULES and target != name]


def part(name: str) -> str:
    return name.split(".")[1] if "." in name else ""


def test_no_module_imports_itself_through_others():
    graph = {name: {target for target, _ in imports(name)} for name in MODULES}
    state: dict[str, str] = {}

    def cycle_from(name: str, path: list[str]) -> list[str] | None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                return path + [name, target]
            if target not in state and (found := cycle_from(target, path + [name])):
                return found
        state[name] = "done"
        return None

    for name in MODULES:
        if name not in state:
            assert (cycle := cycle_from(name, [])) is None, " -> ".join(cycle[cycle.index(cycle[-1]) :])


def test_imports_point_down_the_stages():
    upward = [
        f"{name} imports {target}"
        for name in MODULES
        if part(name)
        for target, _ in imports(name)
        if part(target) and ORDER.index(part(target)) > ORDER.index(part(name))
    ]
    assert upward == []


def test_imports_wait_inside_functions_only_where_the_reason_is_written():
    deferred = [
        f"{name} defers {target}"
        for name in MODULES
        for target, waits in imports(name)
        if waits and not name.startswith(DEFERRING)
    ]
    assert deferred == []


def test_the_module_that_defers_the_engine_says_why():
    reason = importlib.import_module("bulletin.printing.inworker").__doc__
    assert "WeasyPrint" in reason and "worker" in reason


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_names_its_modules_and_nothing_else(stage):
    folder = PACKAGE / stage
    doc = importlib.import_module("bulletin." + stage.replace("/", ".")).__doc__
    named = set(re.findall(r"^    ([a-z_0-9]+/?) ", doc, re.MULTILINE))
    present = {path.stem for path in folder.glob("*.py") if path.stem != "__init__"}
    present |= {path.name + "/" for path in folder.iterdir() if (path / "__init__.py").is_file()}
    assert named == present


def test_the_package_names_its_stages_in_the_order_held_here():
    doc = importlib.import_module("bulletin").__doc__
    assert tuple(re.findall(r"^    ([a-z]+) ", doc, re.MULTILINE)) == ORDER


@pytest.mark.parametrize("stage", [stage for stage in STAGES if stage != "util"])
def test_each_stage_exports_what_it_names(stage):
    package = importlib.import_module("bulletin." + stage.replace("/", "."))
    assert package.__all__ and all(callable(getattr(package, name)) for name in package.__all__)
    with pytest.raises(AttributeError):
        package.no_such_entry_point  # noqa: B018 - the look-up is what is tested


# WeasyPrint's public API: what its documentation shows; anything else is reached through printing/engine.py.
PUBLIC_ENGINE = ("weasyprint", "weasyprint.document", "weasyprint.text.fonts")


def test_only_the_engine_module_touches_weasyprint_internals():
    touching = []
    for name, path in MODULES.items():
        if name == "bulletin.printing.engine":
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("weasyprint"):
                touching += [f"{name} imports {node.module}"] if node.module not in PUBLIC_ENGINE else []
            elif isinstance(node, ast.Import):
                touching += [
                    f"{name} imports {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("weasyprint.") and alias.name not in PUBLIC_ENGINE
                ]
            elif isinstance(node, ast.Attribute) and node.attr == "_page_box":
                touching.append(f"{name} reads _page_box")
    assert touching == []
    assert "_page_box" in MODULES["bulletin.printing.engine"].read_text(encoding="utf-8")


FILES = ("css", "html", "yaml", "json", "po", "pot", "txt")  # bulletin.css is a file's name, not a module's


def test_every_module_named_in_a_string_exists():
    """Names written as strings (the workers' preload list, say) move with the code or fail here."""
    named = {
        node.value
        for path in MODULES.values()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"bulletin(\.[a-z_]+)+", node.value)
        and node.value.rpartition(".")[2] not in FILES
    }
    assert "bulletin.printing.editions" in named  # the preload list is read
    assert sorted(name for name in named if name not in MODULES) == []


def test_the_installed_package_holds_every_stage():
    import tomllib

    from setuptools import find_packages

    found = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    packages = set(find_packages(str(PROJECT), include=found["find"]["include"]))
    assert packages == {name for name, path in MODULES.items() if path.name == "__init__.py"}
