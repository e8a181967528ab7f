"""The plugin layout of docs/plugins.md ("The layout of a plugin package"), as checks.

Two levels, because an outside author's plugin may be one module or a few while the four
built-in plugins share one layout:

* :func:`layout_problems` is part of every plugin's conformance check and holds only what
  matters to a reader and to the practice: a plugin's permission names are given their
  constants in one module (not redefined in each module that needs them, where a typo grants
  nothing), and its migrations ship inside its package.
* :func:`built_in_layout_problems` is the full layout every built-in plugin follows (and a
  larger plugin may choose to): ``permissions.py`` holding every permission name, no permission
  string spelled out anywhere else, ``models.py`` beside ``migrations/``, ``domain.py``,
  ``cli/``, ``screens/`` and ``demo.py`` when the plugin has tables, commands, screens or demo
  data.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PERMISSION_CALLS = frozenset({"require", "can", "may", "PermissionSpec"})
"""Calls whose string arguments are permission names (``ctx.require``, ``ctx.can``, ``may``)."""


def package_dir(module: Any) -> Path | None:
    """The folder of a plugin that is a package; ``None`` for a single-module plugin."""
    path = getattr(module, "__path__", None)
    return Path(list(path)[0]) if path else None


def _sources(root: Path) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if "migrations" in relative.parts or "tests" in relative.parts:
            continue
        try:
            yield relative.as_posix(), ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue  # an unreadable module is the import check's to report


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def assigned_names(tree: ast.Module, permissions: set[str]) -> set[str]:
    """The permission names a module binds to a module-level constant (``READ = "x.read"``)."""
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and _string(node.value) in permissions:
            found.add(_string(node.value))
    return found


def spelled_names(tree: ast.Module, permissions: set[str]) -> set[str]:
    """The permission names a module spells out where a permission is meant: a constant, a
    ``permission=`` argument, or an argument of ``require``/``can``/``may``/``PermissionSpec``."""
    found = assigned_names(tree, permissions)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        values = [kw.value for kw in node.keywords if kw.arg == "permission"]
        if _callee(node) in PERMISSION_CALLS:
            values += node.args
        found.update(text for text in map(_string, values) if text in permissions)
    return found


def layout_problems(module: Any, permissions: set[str], versions_dir: Path | None) -> list[str]:
    """What every plugin's conformance check says about its layout (see the module's doc)."""
    root = package_dir(module)
    if root is None:
        return []
    problems = []
    defining = sorted(name for name, tree in _sources(root) if assigned_names(tree, permissions))
    if len(defining) > 1:
        problems.append(f"its permission names are defined as constants in {len(defining)} modules "
                        f"({', '.join(defining)}): define them once (permissions.py) and import them")
    if versions_dir is not None and root.resolve() not in versions_dir.resolve().parents:
        problems.append(f"its migrations folder {versions_dir} is outside its package {root}, "
                        "so it does not ship with it")
    return problems


def built_in_layout_problems(module: Any, permissions: set[str], *, tables: bool, commands: bool,
                             screens: bool, demo: bool) -> list[str]:
    """Where a plugin departs from the built-in plugins' layout (see the module's doc)."""
    root = package_dir(module)
    if root is None:
        return ["is a single module, not a package"]
    problems = []
    wanted = [("permissions.py", bool(permissions)), ("models.py", tables), ("migrations", tables),
              ("domain.py", True), ("cli", commands), ("screens", screens), ("demo.py", demo)]
    for name, needed in wanted:
        if needed and not (root / name).exists():
            problems.append(f"has no {name}")
    sources = dict(_sources(root))
    declared = assigned_names(sources["permissions.py"], permissions) if "permissions.py" in sources else set()
    for name in sorted(permissions - declared):
        problems.append(f"permissions.py has no constant for {name!r}")
    for path, tree in sources.items():
        if path == "permissions.py":
            continue
        spelled = sorted(spelled_names(tree, permissions))
        if spelled:
            problems.append(f"{path} spells out {', '.join(map(repr, spelled))} instead of importing "
                            "it from permissions.py")
    return problems
