"""Service modules imported on first use (see :mod:`medoffice.core.cli.lazy`): building the
command line (``medoffice --help``) must not import the services and, with them, SQLAlchemy."""

from __future__ import annotations

from typing import Any

from medoffice.core.cli import lazy_module


def on_first_use(name: str) -> Any:
    """The scheduling service module ``name`` (``"booking"``), imported on first use."""
    return lazy_module(f"medoffice.plugins.scheduling.{name}")
