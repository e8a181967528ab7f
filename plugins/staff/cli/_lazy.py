"""Service modules imported on first use (see :mod:`medoffice.core.cli.lazy`)."""

from __future__ import annotations

from typing import Any

from medoffice.core.cli import lazy_module


def on_first_use(name: str) -> Any:
    """The staff service module ``name`` (``"hiring"``), imported on first use."""
    return lazy_module(f"medoffice.plugins.staff.{name}")


def day_text(value) -> str:
    return "" if value is None else str(value)
