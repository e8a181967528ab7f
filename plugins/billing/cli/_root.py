"""The ``medoffice billing`` group every feature module attaches its subgroups to."""

from __future__ import annotations

import click


@click.group()
def billing() -> None:
    """Fees, insurance, charges, payments, ledgers and balances, budget and expenses."""
