"""The ``medoffice inventory`` group every feature module attaches its subgroups to."""

from __future__ import annotations

import click


@click.group()
def inventory() -> None:
    """Supplies: items, stock, lots and expiry, counts, reorder, vendors, purchase orders, receiving."""
