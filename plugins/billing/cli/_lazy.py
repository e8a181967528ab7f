"""Service modules imported on first use.

Building the command line (``medoffice --help``) must not import the services and, with
them, SQLAlchemy; each CLI module names the service modules it needs through
:func:`on_first_use` and they are imported when a command first touches them.
"""

from __future__ import annotations

import importlib
from typing import Any


class _OnFirstUse:
    """A module of ``medoffice.plugins.billing`` imported when first used."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        module = importlib.import_module(f"medoffice.plugins.billing.{self._name}")
        return getattr(module, attribute)


def on_first_use(name: str) -> Any:
    """The billing service module ``name`` (``"fees"``), imported on first use."""
    return _OnFirstUse(name)
