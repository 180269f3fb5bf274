"""Who may import whom (docs/architecture.md): cogs -> core services -> storage -> model.

- The core (bot/) and storage/ never import discord or cogs (the process wiring and the local
  emulator excepted).
- storage/ imports from bot/ only the shared core (`bot.errors`, `bot.limits`, `bot.text`) and
  model modules.
- A model module (`bot/<feature>/model.py` or `model_*.py`) imports only the standard library,
  the shared core and other model modules.
- The shared core imports only the standard library and itself.
- No import cycle joins bot/ and storage/, counting imports under TYPE_CHECKING and the package
  `__init__` that importing a submodule runs.
- cogs/ never import storage/ and never reach the database connection: they see services.
Each failure lists the offending `file -> module` pairs. Every extension loads and has setup().
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest

from bot.app import extension_names

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "storage", "cogs")
DISCORD_ALLOWED = ("bot/app.py", "bot/__main__.py", "bot/cli/", "bot/sandbox/")
SHARED_CORE = frozenset({"bot.errors", "bot.limits", "bot.text"})


@cache
def module_files() -> dict[str, Path]:
    """Every first-party module name -> its file (a package is its __init__.py)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def module_of(path: Path) -> str:
    return next(name for name, file in module_files().items() if file == path)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in the file (TYPE_CHECKING and functions too).

    `from a import b` counts as importing `a.b` when that is a module, else `a`.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_of(path) if path.is_relative_to(ROOT) else ""
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            for alias in node.names:
                candidate = f"{base}.{alias.name}" if base else alias.name
                names.add(candidate if candidate in module_files() else base)
    return names


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


def files_under(*folders: str) -> Iterable[tuple[str, Path]]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path


def is_model(module: str) -> bool:
    """`bot.<feature>.model` or `bot.<feature>.model_<part>`."""
    last = module.rpartition(".")[2]
    return module.startswith("bot.") and (last == "model" or last.startswith("model_"))


def in_package(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def check(rule: str, pairs: list[tuple[str, str]]) -> None:
    """Fail with one `file -> module` line per offending import."""
    if pairs:
        lines = "\n".join(f"  {file} -> {module}" for file, module in sorted(set(pairs)))
        pytest.fail(f"{rule}; these break it ({len(set(pairs))}):\n{lines}", pytrace=False)


@pytest.mark.parametrize("package", ["discord", "cogs"])
def test_core_and_storage_do_not_import_discord_or_cogs(package):
    offenders = [
        (relative, name)
        for relative, path in files_under("bot", "storage")
        if not relative.startswith(DISCORD_ALLOWED)
        for name in imported_modules(path)
        if in_package(name, package)
    ]
    check(f"bot/ and storage/ never import {package}", offenders)


def test_storage_imports_only_errors_limits_and_models_from_the_core():
    offenders = [
        (relative, name)
        for relative, path in files_under("storage")
        for name in imported_modules(path)
        if in_package(name, "bot") and name not in SHARED_CORE and not is_model(name)
    ]
    check(
        "storage/ imports from bot/ only the shared core and bot.<feature>.model[_*]",
        offenders,
    )


def test_model_modules_import_only_the_standard_library_and_other_models():
    offenders = [
        (relative, name)
        for relative, path in files_under("bot")
        if is_model(module_of(path))
        for name in imported_modules(path)
        if name.partition(".")[0] not in sys.stdlib_module_names
        and name not in SHARED_CORE
        and not is_model(name)
    ]
    check(
        "a model module imports only the standard library, the shared core and models",
        offenders,
    )


def test_the_shared_core_imports_only_the_standard_library_and_itself():
    files = module_files()
    offenders = [
        (module, name)
        for module in sorted(SHARED_CORE)
        for name in imported_modules(files[module])
        if name.partition(".")[0] not in sys.stdlib_module_names and name not in SHARED_CORE
    ]
    check("bot.errors, bot.limits and bot.text import only the standard library", offenders)


def import_graph(*packages: str) -> dict[str, set[str]]:
    """module -> the first-party modules it imports, plus the package __init__ files that
    importing them runs (the importer's own packages are already running, so they don't count)."""
    known = module_files()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        if not any(in_package(name, p) for p in packages):
            continue
        own = set(_ancestors(name))
        targets = set()
        for imported in imported_modules(path):
            if imported in known and any(in_package(imported, p) for p in packages):
                targets.add(imported)
                targets.update(a for a in _ancestors(imported) if a in known and a not in own)
        graph[name] = targets - {name}
    return graph


def _ancestors(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the groups of modules that import each other (size > 1)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_import_cycle_joins_the_core_and_storage():
    graph = import_graph("bot", "storage")
    offenders = []
    for group in strongly_connected(graph):
        if any(in_package(m, "bot") for m in group) and any(
            in_package(m, "storage") for m in group
        ):
            for module in sorted(group):
                file = module_files()[module].relative_to(ROOT).as_posix()
                offenders.extend((file, target) for target in sorted(graph[module] & group))
    check("no import cycle joins bot/ and storage/ (imports inside each cycle listed)", offenders)


def test_cogs_do_not_import_storage():
    offenders = [
        (relative, name)
        for relative, path in files_under("cogs")
        for name in imported_modules(path)
        if in_package(name, "storage")
    ]
    check("cogs/ never import storage/ (they see services)", offenders)


def test_cogs_do_not_reach_the_database_connection():
    offenders = []
    for relative, path in files_under("cogs"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "conn":
                owner = node.value
                name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if name == "services":
                    offenders.append((f"{relative}:{node.lineno}", "services.conn"))
    check("cogs/ never use services.conn (they see services)", offenders)


def test_every_extension_imports_and_has_setup():
    for name in extension_names():
        module = importlib.import_module(name)
        assert callable(getattr(module, "setup", None)), f"{name} has no setup()"
