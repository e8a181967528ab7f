"""Error kinds travel as types and codes, never as words in a message.

A message is for people and may be reworded; code that branches on it breaks silently when it
is. So no module of the product reads an exception's text to decide what to do: it asks
``isinstance`` or ``error.code``, and a refusal of the database is read once, in
:mod:`medoffice.core.storage.refusals`. These tests read the source (as tests/ui does for
Textual's private names) and hold the codes stable.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from medoffice.core import errors
from medoffice.core.errors import Conflict, MedofficeError, SlotTaken

ROOT = Path(__file__).resolve().parents[2]
SOURCE_FOLDERS = ("core", "plugins", "tui", "ui", "docs/examples")
HELPER = ROOT / "core" / "storage" / "refusals.py"
TEXT_METHODS = {"startswith", "endswith", "find", "rfind", "index", "count"}
SAME_TEXT = {"lower", "casefold", "strip", "upper"}
ALLOWED = {"core/csvio.py": "the csv module's errors have no kind but their words; its reader is reworded"}
DRIVER_ATTRIBUTES = {"orig", "sqlstate", "pgcode", "diag", "sqlite_errorname", "sqlite_errorcode"}
ERROR_NAMES = {"e", "ex", "exc", "err", "error", "exception", "original", "caught", "failure"}


def _rooted_at(node: ast.AST, names: set[str]) -> bool:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return isinstance(node, ast.Name) and node.id in names


def _is_text(node: ast.AST, errors_: set[str], texts: set[str]) -> bool:
    """``str(error)``, ``repr(error.orig)``, ``error.message``, ``error.args[0]``, or a name
    bound to one of them."""
    if isinstance(node, ast.Name):
        return node.id in texts
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("str", "repr") \
            and node.args:
        return _rooted_at(node.args[0], errors_)
    if isinstance(node, ast.Attribute) and node.attr in ("message", "args"):
        return _rooted_at(node.value, errors_)
    if isinstance(node, ast.Subscript):
        return _is_text(node.value, errors_, texts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SAME_TEXT:
        return _is_text(node.func.value, errors_, texts)
    return False


def message_reads(source: str) -> list[int]:
    """Lines where an exception's text decides something: compared, searched, matched."""
    tree = ast.parse(source)
    found: list[int] = []
    scopes: list[tuple[set[str], list[ast.AST]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.name:
            scopes.append(({node.name}, node.body))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            named = {a.arg for a in node.args.args + node.args.kwonlyargs} & ERROR_NAMES
            if named:
                scopes.append((named, node.body))
    for errors_, body in scopes:
        texts: set[str] = set()
        nodes = [n for statement in body for n in ast.walk(statement)]
        for n in nodes:
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) \
                    and _is_text(n.value, errors_, texts):
                texts.add(n.targets[0].id)
        for n in nodes:
            if isinstance(n, ast.Compare) and any(_is_text(o, errors_, texts) for o in [n.left, *n.comparators]) \
                    and any(isinstance(op, ast.In | ast.NotIn | ast.Eq | ast.NotEq) for op in n.ops):
                found.append(n.lineno)
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
                if n.func.attr in TEXT_METHODS and _is_text(n.func.value, errors_, texts):
                    found.append(n.lineno)
                elif isinstance(n.func.value, ast.Name) and n.func.value.id == "re" \
                        and any(_is_text(a, errors_, texts) for a in n.args):
                    found.append(n.lineno)
    return sorted(set(found))


def driver_reads(source: str) -> list[int]:
    """Lines that read the driver's own error (``error.orig``, a SQLSTATE, SQLite's code)."""
    tree = ast.parse(source)
    lines = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr in DRIVER_ATTRIBUTES
             and _rooted_at(n.value, ERROR_NAMES)]
    lines += [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in DRIVER_ATTRIBUTES
              and n.value != "orig"]
    return sorted(set(lines))


def _product_sources() -> list[Path]:
    return [p for folder in SOURCE_FOLDERS for p in sorted((ROOT / folder).rglob("*.py"))
            if p != HELPER and "migrations" not in p.parts and ".venv" not in p.parts]


def test_no_module_decides_by_an_exceptions_message():
    offenders = [f"{p.relative_to(ROOT)}:{line}" for p in _product_sources()
                 if str(p.relative_to(ROOT)) not in ALLOWED for line in message_reads(p.read_text(encoding="utf-8"))]
    assert offenders == [], "ask isinstance(error, …) or error.code, not the message"


def test_only_the_refusals_helper_reads_the_drivers_error():
    offenders = [f"{p.relative_to(ROOT)}:{line}" for p in _product_sources()
                 for line in driver_reads(p.read_text(encoding="utf-8"))]
    assert offenders == [], "read database refusals with medoffice.core.storage.refusals"


@pytest.mark.parametrize("snippet", [
    # what scheduling's booking did before: the driver's text searched for a constraint
    "def overlap(error):\n    text = str(error.orig)\n    if 'slot taken' in text:\n        return 1\n",
    # what a screen might do: the service's message matched
    "try:\n    book()\nexcept Conflict as problem:\n    if str(problem).startswith('slot taken'):\n        go()\n",
    "try:\n    book()\nexcept Conflict as problem:\n    if problem.message == 'slot taken':\n        go()\n",
    "def f(exc):\n    return re.search('no_(room)_overlap', str(exc))\n",
    "def f(exc):\n    return 'deadlock' in str(exc.orig).lower()\n",
])
def test_the_check_catches_a_message_read(snippet):
    assert message_reads(snippet) != []


def test_the_check_lets_a_message_be_shown():
    shown = ("try:\n    book()\nexcept Conflict as error:\n    errors['start'] = error.message\n"
             "    say(f'Not booked: {error}')\n    problems.append(str(error))\n")
    assert message_reads(shown) == []


def test_every_kind_has_a_stable_code_and_a_slot_taken_is_a_conflict():
    kinds = {cls.__name__: cls.code for cls in vars(errors).values()
             if isinstance(cls, type) and issubclass(cls, MedofficeError)}
    assert kinds == {"MedofficeError": "error", "ValidationError": "invalid", "NotFound": "not_found",
                     "Conflict": "conflict", "SlotTaken": "slot_taken", "PermissionDenied": "permission_denied",
                     "AuthenticationError": "authentication_failed", "PluginError": "plugin_failed",
                     "ConfigurationError": "configuration"}
    taken = SlotTaken("slot taken: Dr Adams is booked 09:00-09:30")
    assert isinstance(taken, Conflict) and str(taken) == "slot taken: Dr Adams is booked 09:00-09:30"
    assert Conflict("shift overlaps: …", code="shift_overlaps").code == "shift_overlaps"
    assert Conflict("another").code == "conflict"
