"""The core and storage never import discord (DESIGN.md); every extension loads, names are unique."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from bot.app import extension_names

ROOT = Path(__file__).resolve().parents[1]
DISCORD_ALLOWED = ("bot/app.py", "bot/__main__.py", "bot/cli/", "bot/sandbox/")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_and_storage_do_not_import_discord():
    offenders = []
    for folder in ("bot", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(DISCORD_ALLOWED):
                continue
            if any(
                name == "discord" or name.startswith("discord.") for name in imported_modules(path)
            ):
                offenders.append(relative)
    assert offenders == []


def test_core_does_not_import_cogs():
    offenders = [
        path.relative_to(ROOT).as_posix()
        for folder in ("bot", "storage")
        for path in (ROOT / folder).rglob("*.py")
        if not path.relative_to(ROOT).as_posix().startswith(DISCORD_ALLOWED)
        and any(n == "cogs" or n.startswith("cogs.") for n in imported_modules(path))
    ]
    assert offenders == []


def test_every_extension_imports_and_has_setup():
    for name in extension_names():
        module = importlib.import_module(name)
        assert callable(getattr(module, "setup", None)), f"{name} has no setup()"
