"""One plugin layout (docs/plugins.md): the built-in plugins share it, and the conformance check
refuses what matters in any plugin: permission names defined in several modules, migrations
that would not ship with the package."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from medoffice.testing import check_plugin
from medoffice.testing._layout import built_in_layout_problems, layout_problems
from medoffice.testing.conformance import built_in_layout_problems as practice_layout_problems

BUILT_IN = ("scheduling", "billing", "staff", "inventory")
PERMS = {"acme.read", "acme.write"}


def _package(tmp_path: Path, files: dict[str, str]) -> types.ModuleType:
    root = tmp_path / "acme"
    for name, text in {"__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    module = types.ModuleType("acme")
    module.__path__ = [str(root)]
    return module


@pytest.mark.medoffice_plugins(*BUILT_IN)
@pytest.mark.parametrize("plugin_id", BUILT_IN)
def test_every_built_in_plugin_follows_the_documented_layout(medoffice_practice, plugin_id):
    assert practice_layout_problems(medoffice_practice, plugin_id) == []


def test_permission_constants_in_two_modules_are_refused(tmp_path):
    module = _package(tmp_path, {"service.py": 'READ = "acme.read"\n',
                                 "screens/panel.py": 'READ = "acme.read"\nOTHER = "acme.reader"\n'})
    (problem,) = layout_problems(module, PERMS, None)
    assert "defined as constants in 2 modules (screens/panel.py, service.py)" in problem
    assert "permissions.py" in problem


def test_one_module_of_constants_and_literals_in_the_declaration_pass(tmp_path):
    """The docs' example: constants in service.py, the PermissionSpecs and a panel's
    ``permission=`` in __init__.py; a migration spelling the name is not looked at."""
    module = _package(tmp_path, {
        "__init__.py": 'PermissionSpec("acme.read", "See")\nPanel(permission="acme.read")\n',
        "service.py": 'READ = "acme.read"\nWRITE = "acme.write"\n',
        "migrations/a0001.py": 'READ = "acme.read"\n'})
    assert layout_problems(module, PERMS, tmp_path / "acme" / "migrations") == []


def test_migrations_outside_the_package_are_refused(tmp_path):
    module = _package(tmp_path, {})
    (problem,) = layout_problems(module, PERMS, tmp_path / "elsewhere" / "migrations")
    assert "is outside its package" in problem and "does not ship" in problem


def test_a_single_module_plugin_has_no_layout_to_keep():
    assert layout_problems(types.ModuleType("acme_single"), PERMS, None) == []


def test_the_built_in_layout_names_each_departure(tmp_path):
    module = _package(tmp_path, {
        "permissions.py": 'READ = "acme.read"\n',
        "domain.py": "",
        "service.py": 'def f(ctx):\n    ctx.require("acme.write")\n    return ctx.can("acme.read")\n',
        "__init__.py": 'Screen(id="acme.read", permission="acme.write")\n'})
    problems = built_in_layout_problems(module, PERMS, tables=True, commands=True, screens=False, demo=True)
    assert problems == [
        "has no models.py", "has no migrations", "has no cli", "has no demo.py",
        "permissions.py has no constant for 'acme.write'",
        "__init__.py spells out 'acme.write' instead of importing it from permissions.py",
        "service.py spells out 'acme.read', 'acme.write' instead of importing it from permissions.py",
    ]


@pytest.fixture
def medoffice_extra_plugins(kit_plugins, tmp_path):
    """The kit's Tidy plugin (permission ``tidy.view``), as if its package spelt the permission
    as a constant in two modules."""
    tidy = kit_plugins.Tidy()
    tidy.__path__ = list(_package(tmp_path, {"service.py": 'VIEW = "tidy.view"\n',
                                             "screens.py": 'VIEW = "tidy.view"\n'}).__path__)
    return [tidy]


def test_the_conformance_check_refuses_permission_names_defined_twice(medoffice_practice):
    with pytest.raises(AssertionError) as info:
        check_plugin(medoffice_practice, "tidy")
    assert "(1 problem):" in str(info.value)
    assert "its permission names are defined as constants in 2 modules (screens.py, service.py)" in str(info.value)
