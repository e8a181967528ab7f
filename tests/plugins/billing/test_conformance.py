"""The billing plugin keeps the core's contract, and its tables keep money in whole cents."""

from __future__ import annotations

import pytest
from sqlalchemy import Float, Numeric

from medoffice.core.storage import Cents
from medoffice.plugins.billing import models

pytestmark = pytest.mark.medoffice_plugins("billing")


def test_the_plugin_keeps_the_core_contract(conformance):
    """Loads, provides billing; tables, migrations (down and up), commands, permissions in order."""
    conformance("billing")


def test_no_billing_column_can_hold_a_float():
    """SQLite keeps NUMERIC as a floating-point value: every amount is integer cents instead."""
    columns = [column for table in models.Base.metadata.tables.values() for column in table.columns]
    assert len(columns) > 100
    floating = [f"{c.table.name}.{c.name}" for c in columns
                if isinstance(c.type, Float | Numeric) or isinstance(getattr(c.type, "impl", None), Float | Numeric)]
    assert floating == []
    money = {f"{c.table.name}.{c.name}" for c in columns if isinstance(c.type, Cents)}
    assert {"billing_fee.fee", "billing_charge.amount", "billing_payment.amount", "billing_adjustment.amount",
            "billing_refund.amount", "billing_claim.total", "billing_expense.amount",
            "billing_budget_line.amount", "billing_policy.copay", "billing_allowed_amount.allowed"} <= money


def test_default_roles_of_its_permissions(medoffice_practice):
    """The front desk takes payments and records insurance but does not work claims or A/R."""
    front, billing, manager = (medoffice_practice.record(n) for n in ("frontdesk", "billing", "manager"))
    assert all(front.can(p) for p in ("billing.read", "billing.post", "billing.insurance"))
    assert not any(front.can(p) for p in ("billing.claims", "billing.charge", "billing.refund", "billing.adjust",
                                          "billing.manage", "billing.budget"))
    assert all(billing.can(p) for p in ("billing.claims", "billing.charge", "billing.refund", "billing.manage"))
    assert not billing.can("billing.budget")
    assert manager.can("billing.budget") and manager.can("billing.claims")
