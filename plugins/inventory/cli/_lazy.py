"""Service modules imported on first use (see :mod:`medoffice.core.cli.lazy`): building the
command line (``medoffice --help``) must not import the services and, with them, SQLAlchemy."""

from __future__ import annotations

from typing import Any

from medoffice.core.cli import lazy_module


def on_first_use(name: str) -> Any:
    """The inventory service module ``name`` (``"stock"``), imported on first use."""
    return lazy_module(f"medoffice.plugins.inventory.{name}")


def money(value) -> str:
    """An amount for people: ``12.50``, or ``-`` when unknown or not shown."""
    return "-" if value is None else f"{value:.2f}"
