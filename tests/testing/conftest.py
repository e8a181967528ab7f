"""Fixtures for the kit's own tests: pytester, and the rule-breaking plugins of plugins.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

PLUGINS_MODULE = "medoffice_kit_plugins"


def pytest_configure(config: pytest.Config) -> None:
    # pytester runs the kit in a child pytest; registered here rather than with
    # ``pytest_plugins``, which pytest refuses in a conftest below the root.
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")
    config.addinivalue_line("markers", "extras(*names): the plugins.py classes to add as medoffice_extra_plugins")


@pytest.fixture
def kit_plugins(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """plugins.py, importable as ``medoffice_kit_plugins`` (the paths its plugins name)."""
    spec = importlib.util.spec_from_file_location(PLUGINS_MODULE, Path(__file__).with_name("plugins.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, PLUGINS_MODULE, module)
    spec.loader.exec_module(module)
    return module
