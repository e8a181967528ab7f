"""Modules imported when a command first uses them.

``medoffice --help`` builds every enabled plugin's command groups, so a plugin's CLI module
must not import its services (and, with them, SQLAlchemy) at the top. Name them with
:func:`lazy_module` instead: the module is imported the first time one of its attributes is
read, inside a command that runs.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for the module ``name`` and imports it on the first attribute read."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_module(name: str) -> Any:
    """The module ``name`` (a full dotted name), imported when first used."""
    return LazyModule(name)
