"""Billing: the fee schedule, payers and patients' insurance, encounters and charge lines,
payments, adjustments and refunds, each patient's ledger and balance, and the office's budget
and expenses.

This module is imported for every command, ``medoffice --help`` included: it declares the
plugin and its hook implementations and nothing else. Each hook imports the heavy modules
inside its body.
"""

from __future__ import annotations

from pathlib import Path

from medoffice.core import PluginInfo, hookimpl

plugin_info = PluginInfo(
    id="billing",
    title="Billing",
    api_version=1,
    provides="billing",
    description="Fee schedule, insurance, charges from visits, payments, adjustments, ledger, budget and expenses.",
)

MIGRATIONS = Path(__file__).parent / "migrations"


@hookimpl
def medoffice_schema():
    """The ``billing_*`` tables and the Alembic branch ``billing``."""
    from medoffice.core import SchemaContribution

    from . import models

    return SchemaContribution(models.Base.metadata, MIGRATIONS)


@hookimpl
def medoffice_permissions():
    """The front desk reads balances, records insurance cards and takes payments; billers
    charge, adjust, refund and work claims; managers also keep the budget."""
    from .permissions import PERMISSIONS

    return PERMISSIONS


@hookimpl
def medoffice_cli_commands():
    """``medoffice billing …`` (see :data:`.cli.GROUPS`)."""
    from .cli import GROUPS

    return list(GROUPS)


@hookimpl
def medoffice_visit_completed(ctx, visit):
    """A completed visit opens its encounter for charge entry (once per visit)."""
    from . import encounters

    encounters.open_for_visit(ctx, visit)


@hookimpl
def medoffice_billing_service(ctx):
    """The billing domain for other plugins and the TUI (``ctx.hooks.billing(ctx)``)."""
    from .domain import SERVICE

    return SERVICE


@hookimpl
def medoffice_reports():
    """``billing.day_sheet``, ``billing.ar_aging`` and ``billing.collections``; see docs/billing.md#reports."""
    from .reports import REPORTS

    return list(REPORTS)


@hookimpl
def medoffice_populate_demo(ctx, seed):
    """Fees, payers, insurance, four months of visits with charges, payments and claims for
    the demo practice; see docs/billing.md#demo-data."""
    from . import demo

    demo.populate(ctx, seed)
