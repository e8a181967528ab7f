"""Every hook has a caller outside the tests: a hook that nothing calls documents an event
that never happens, and a plugin implementing it waits for nothing.

The core calls hooks only through the facade (``core/loader/facade.py``): each hook's facade
method is found by the hook's name in its body (the four provider hooks by
``Hooks.role_service``, which builds their names from the role), and then that method must be
used somewhere in the shipped source (core, plugins, TUI), the facade aside. A direct
``pm.hook.<name>(`` call counts too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from medoffice.core.domains import DOMAIN_PROTOCOLS
from medoffice.core.hookspecs import SPEC_MODULES

ROOT = Path(__file__).resolve().parents[2]
FACADE = ROOT / "core" / "loader" / "facade.py"
SHIPPED = ("core", "plugins", "tui")

HOOKS = sorted(name for module in SPEC_MODULES for name in vars(module)
               if name.startswith("medoffice_") and callable(getattr(module, name)))


def facade_methods() -> dict[str, str]:
    """Each hook's facade method."""
    tree = ast.parse(FACADE.read_text())
    hooks_class = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Hooks")
    found: dict[str, str] = {}
    for method in hooks_class.body:
        if not isinstance(method, ast.FunctionDef):
            continue
        for node in ast.walk(method):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in HOOKS:
                found.setdefault(node.value, method.name)
    for role in DOMAIN_PROTOCOLS:
        found[f"medoffice_{role}_service"] = "role_service"
    return found


def shipped_source() -> str:
    files = [p for root in SHIPPED for p in (ROOT / root).rglob("*.py") if p != FACADE and "migrations" not in p.parts]
    return "\n".join(p.read_text() for p in files)


def callers(hook: str, methods: dict[str, str], source: str) -> list[str]:
    patterns = [rf"\.hook\.{hook}\("]
    if hook in methods:
        patterns.append(rf"\bhooks(?:\(\))?\.{methods[hook]}\b")
    return [m.group(0) for p in patterns for m in re.finditer(p, source)]


@pytest.fixture(scope="module")
def methods() -> dict[str, str]:
    return facade_methods()


@pytest.fixture(scope="module")
def source() -> str:
    return shipped_source()


def test_the_scan_finds_the_hooks_and_their_facade_methods(methods):
    assert len(HOOKS) > 25
    assert methods["medoffice_dashboard_cards"] == "dashboard_cards"
    assert methods["medoffice_visit_completed"] == "visit_completed"
    assert methods["medoffice_scheduling_service"] == "role_service"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_called_outside_the_tests(hook, methods, source):
    assert hook in methods, f"{hook} has no method in the facade (core/loader/facade.py)"
    assert callers(hook, methods, source), (
        f"nothing outside the tests calls {hook} (its facade method Hooks.{methods[hook]}): build the caller "
        "or remove the hook")


def test_the_scan_would_see_a_hook_without_a_caller(methods):
    assert not callers("medoffice_dashboard_cards", methods, "cards = build(ctx)  # hooks.dashboard_card")
    assert callers("medoffice_dashboard_cards", methods, "ctx.hooks.dashboard_cards(ctx)")
    assert callers("medoffice_schema", methods, "pm.hook.medoffice_schema()")
