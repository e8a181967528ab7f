"""The private Textual names the product relies on: each still exists, shaped as expected, in the
installed Textual; and none is used outside ``ui/_textual_private.py``.

A Textual upgrade that renames ``App._handle_exception`` or changes ``DataTable._update_dimensions``
must fail here, naming the name, not at the front desk as a crash that is no longer contained
or a table cut to its headers' widths.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

import pytest

from medoffice.ui._textual_private import PRIVATE_NAMES, PrivateName

ROOT = Path(__file__).resolve().parents[2]
PRIVATE_MODULE = ROOT / "ui" / "_textual_private.py"
SOURCE_FOLDERS = ("core", "ui", "plugins", "tui", "testing", "docs/examples")
"""Where the product's code is (a file that does not import Textual is skipped)."""


def owner_of(entry: PrivateName) -> object:
    module, _, qualname = entry.owner.partition(":")
    found: object = importlib.import_module(module)
    for part in filter(None, qualname.split(".")):
        found = getattr(found, part)
    return found


@pytest.mark.parametrize("entry", PRIVATE_NAMES, ids=lambda e: f"{e.owner}.{e.name}")
def test_each_private_name_is_there_as_expected(entry: PrivateName):
    owner = owner_of(entry)
    if entry.kind in ("method", "frame"):
        function = inspect.getattr_static(owner, entry.name)
        function = getattr(function, "__wrapped__", function)
        assert callable(function), f"{entry.owner}.{entry.name} is no longer a method"
        assert str(inspect.signature(function)) == entry.signature, (
            f"{entry.owner}.{entry.name} changed: {inspect.signature(function)}; it is needed because {entry.why}")
        if entry.kind == "frame":
            assert function.__name__ == entry.name, "its frames are recognised by this name"
    elif entry.kind == "property":
        assert isinstance(inspect.getattr_static(owner, entry.name), property), f"{entry.owner}.{entry.name}"
    elif entry.kind == "attribute":
        assert isinstance(owner, type)
        assigned = {node.attr for node in ast.walk(ast.parse(inspect.cleandoc("\n" + inspect.getsource(owner.__init__))))
                    if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)}
        assert entry.name in assigned, f"{entry.owner}.__init__ no longer sets self.{entry.name} ({entry.why})"
    else:  # a class or a class-level constant
        assert hasattr(owner, entry.name), f"{entry.owner} has no {entry.name} ({entry.why})"


def test_the_checks_above_can_fail():
    """A made-up name and a wrong signature are refused by the same checks."""
    with pytest.raises(AssertionError):
        test_each_private_name_is_there_as_expected(
            PrivateName("textual.app:App", "_handle_exception", "method", "(self) -> 'None'", "test"))
    with pytest.raises(AssertionError):
        test_each_private_name_is_there_as_expected(PrivateName("textual.app:App", "_no_such_thing", "attribute", "", "t"))
    with pytest.raises(AssertionError):
        test_each_private_name_is_there_as_expected(PrivateName("textual.app:App", "_nope", "constant", "", "t"))


def import_the_product() -> None:
    """Import the shell, the kit and every screen module of the built-in plugins."""
    import medoffice.tui.app  # noqa: F401
    from medoffice.plugins.billing import screens as billing_screens
    from medoffice.plugins.scheduling import screens as scheduling_screens

    for package in (billing_screens, scheduling_screens):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)


def textuals_private_names() -> set[str]:
    """Every single-underscore name of every class of Textual the product imports: their
    attributes and methods, and what each ``__init__`` sets on ``self``."""
    import_the_product()
    names: set[str] = set()
    for module in [m for name, m in list(sys.modules.items()) if name.startswith("textual") and m is not None]:
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__.startswith("textual"):
                names.update(vars(value))
                init = vars(value).get("__init__")
                if inspect.isfunction(init):
                    names.update(init.__code__.co_names)
    return {name for name in names if name.startswith("_") and not name.startswith("__")}


def own_names(tree: ast.AST) -> set[str]:
    """The names a file defines itself: its functions and classes, and attributes it assigns."""
    found = {node.name for node in ast.walk(tree)
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        found.update(t.attr for t in targets if isinstance(t, ast.Attribute))
    return found


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def private_uses(path: Path, private: set[str]) -> list[str]:
    """Where ``path`` uses one of Textual's ``private`` names (a file that imports Textual)."""
    source = path.read_text()
    if "textual" not in source:
        return []
    tree = ast.parse(source, filename=str(path))
    mine = own_names(tree)
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in private and node.attr not in mine:
            uses.append(f"{shown(path)}:{node.lineno}: {ast.unparse(node)}")
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual") and (
                "._" in (node.module or "") or any(alias.name.startswith("_") for alias in node.names)):
            uses.append(f"{shown(path)}:{node.lineno}: from {node.module} import …")
    return uses


def test_no_private_textual_name_is_used_outside_the_one_module():
    private = textuals_private_names()
    assert {"_handle_exception", "_binding_chain", "_update_count"} <= private  # the scan sees them
    uses = [use for folder in SOURCE_FOLDERS for path in sorted((ROOT / folder).rglob("*.py"))
            if path != PRIVATE_MODULE and ".venv" not in path.parts
            for use in private_uses(path, private)]
    assert uses == [], "private Textual names belong in ui/_textual_private.py:\n" + "\n".join(uses)


def test_the_scan_finds_a_private_name(tmp_path):
    """The scan above is not vacuous: a screen reading the app's screen stack privately, or
    importing from a private module, is found."""
    probe = tmp_path / "probe.py"
    probe.write_text("from textual.widgets._footer import FooterKey\n\n\n"
                     "def top(app):\n    return app._screen_stack[-1]\n")
    assert private_uses(probe, textuals_private_names()) == [
        "probe.py:1: from textual.widgets._footer import …", "probe.py:5: app._screen_stack"]


def test_no_overridden_private_method_outside_the_one_module():
    """A class of the product that subclasses a Textual class overrides none of its private
    methods, except the hooks in ``ui/_textual_private.py`` (which turn them into ours)."""
    import_the_product()
    found = []
    for module in [m for name, m in list(sys.modules.items()) if name.startswith("medoffice.") and m is not None]:
        if module.__name__ == "medoffice.ui._textual_private":
            continue
        for value in vars(module).values():
            if not (isinstance(value, type) and value.__module__ == module.__name__):
                continue
            textual_bases = [base for base in value.__mro__ if base.__module__.startswith("textual")]
            for name, defined in vars(value).items():
                if not (inspect.isfunction(defined) or isinstance(defined, property)):
                    continue  # Textual's metaclass sets private class attributes on every subclass
                if name.startswith("_") and not name.startswith("__") and any(name in vars(b) for b in textual_bases):
                    found.append(f"{module.__name__}.{value.__name__}.{name}")
    assert found == []


def textual_assignments(path: Path) -> list[str]:
    """Assignments in ``path`` to an attribute of something imported from Textual (a class or
    a module): ``DataTable._update_dimensions = …``, ``_data_table.default_cell_formatter = …``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    from_textual = {alias.asname or alias.name for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual")
                    for alias in node.names}
    from_textual |= {(alias.asname or alias.name).split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.Import) for alias in node.names if alias.name.startswith("textual")}
    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AugAssign, ast.AnnAssign)) else []
        for target in targets:
            base = target
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(target, ast.Attribute) and isinstance(base, ast.Name) and base.id in from_textual:
                found.append(f"{shown(path)}:{node.lineno}: {ast.unparse(target)}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" and node.args \
                and isinstance(node.args[0], ast.Name) and node.args[0].id in from_textual:
            found.append(f"{shown(path)}:{node.lineno}: setattr({node.args[0].id}, …)")
    return found


def test_nothing_assigns_to_a_textual_class_or_module():
    """No global patch: the product changes Textual's widgets by subclassing them (the UI kit),
    never by assigning to Textual's classes or modules, which would change every plugin's."""
    found = [use for folder in SOURCE_FOLDERS for path in sorted((ROOT / folder).rglob("*.py"))
             if ".venv" not in path.parts for use in textual_assignments(path)]
    assert found == []


def test_the_assignment_scan_finds_a_patch(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from textual.widgets import Footer, _data_table\n\n"
                     "Footer.bindings_changed = print\n_data_table.default_cell_formatter = str\n"
                     "setattr(Footer, 'x', 1)\n")
    assert textual_assignments(probe) == ["probe.py:3: Footer.bindings_changed",
                                          "probe.py:4: _data_table.default_cell_formatter",
                                          "probe.py:5: setattr(Footer, …)"]


def test_the_kit_imports_neither_a_plugin_nor_the_shell():
    """Layers run core <- ui <- plugins <- tui: the kit is below the plugins."""
    imports = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                imports.append((path.name, "." * node.level + (node.module or "")))
            elif isinstance(node, ast.Import):
                imports += [(path.name, alias.name) for alias in node.names]
    assert [f for f in imports if f[1].startswith(("medoffice.", "."))]  # the scan sees its imports
    assert [(name, module) for name, module in imports
            if module.startswith(("medoffice.plugins", "medoffice.tui", "medoffice.testing", ".."))] == []
