"""The staff plugin keeps the core's contract, alone and beside scheduling and billing, and
its permissions go to the roles the office expects."""

from __future__ import annotations

import pytest
from sqlalchemy import Float, Numeric

from medoffice.plugins.staff import models


@pytest.mark.medoffice_plugins("staff")
def test_the_plugin_keeps_the_core_contract_alone(conformance):
    """Loads, provides staff; tables, migrations (down and up), commands, permissions in order."""
    conformance("staff")


@pytest.mark.medoffice_plugins("staff", "scheduling", "billing")
def test_the_plugin_keeps_the_core_contract_beside_scheduling_and_billing(conformance):
    conformance("staff")


def test_no_staff_column_can_hold_a_float():
    columns = [c for table in models.Base.metadata.tables.values() for c in table.columns]
    assert len(columns) > 60
    assert all(t.startswith("staff_") for t in models.Base.metadata.tables)
    floating = [f"{c.table.name}.{c.name}" for c in columns
                if isinstance(c.type, Float | Numeric) or isinstance(getattr(c.type, "impl", None), Float | Numeric)]
    assert floating == []


@pytest.mark.medoffice_plugins("staff")
def test_default_roles_of_its_permissions(medoffice_practice):
    """Managers run HR; the front desk and billers see only their own records."""
    front, billing, manager, admin = (medoffice_practice.record(n) for n in ("frontdesk", "billing", "manager", "admin"))
    hr = ("hr.hiring", "hr.applicants", "hr.compliance", "hr.training", "hr.credentials", "hr.override")
    assert all(manager.can(p) and admin.can(p) for p in hr)
    assert not any(front.can(p) or billing.can(p) for p in hr)
    assert all(u.can("hr.self") for u in (front, billing, manager, admin))
    assert manager.can("hr.rota") and admin.can("hr.rota") and not front.can("hr.rota") and not billing.can("hr.rota")
    assert all(u.can("hr.rota_read") and u.can("hr.time_off") for u in (front, billing, manager, admin))


@pytest.mark.medoffice_plugins("staff")
def test_hook_staff_service_is_the_staff_plugins(medoffice_practice):
    from medoffice.core.domains import StaffService

    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        service = ctx.hooks.staff(ctx)
    assert isinstance(service, StaffService)
    assert type(service).__module__ == "medoffice.plugins.staff.domain"


@pytest.mark.medoffice_plugins("scheduling", "billing")
def test_without_the_plugin_no_one_provides_staff_and_its_commands_are_gone(medoffice_practice):
    with medoffice_practice.operation("admin", write=False) as ctx:
        assert ctx.hooks.staff(ctx) is None
    result = medoffice_practice.cli("training", "list")
    assert result.exit_code == 2 and "No such command 'training'" in result.stderr
    result = medoffice_practice.cli("rota", "shifts", "list")
    assert result.exit_code == 2 and "No such command 'rota'" in result.stderr


@pytest.mark.medoffice_plugins("staff")
async def test_its_screens_mount_without_scheduling(medoffice_practice):
    """The conformance check of the TUI: the staff rota and time off mount, scheduling or not."""
    from medoffice.testing import check_screens

    await check_screens(medoffice_practice, "staff")
