"""The compliance overview: per person, what is overdue and due in each section (trainings,
credentials, policies, evaluations, tasks), composed so that a feature adds its own section;
the manager's screen at 80x24, and the front desk never reaches it."""

from __future__ import annotations

import pytest

from medoffice.core.errors import PermissionDenied
from medoffice.plugins.staff import compliance, credentials, tasks, training
from medoffice.tui.app import MedofficeApp

from .test_screens import SMALL, open_screen, table_rows, text_of

pytestmark = pytest.mark.medoffice_plugins("staff")


@pytest.fixture
def chase(medoffice_practice, world):
    """Dr Adams: BLS overdue and a licence expired; Max: BLS due in 20 days; Cleo: a task late."""
    with medoffice_practice.operation("manager") as ctx:
        training.add_requirement(ctx, "BLS", ["provider", "medical_assistant"], every_months=24, first_within_days=0)
        training.complete(ctx, world.adams, "BLS", on="2023-12-01")
        training.complete(ctx, world.baker, "BLS", on="2025-06-01")
        training.complete(ctx, world.max, "BLS", on="2024-01-25")
        credentials.add(ctx, world.adams, {"kind": "medical licence", "expires_on": "2026-01-01",
                                           "required_for_work": True})
        tasks.add(ctx, "Call back no-shows", staff_id=world.cleo, due="2026-01-02")
    return world


def test_the_overview_counts_each_persons_items_per_section_worst_first(medoffice_practice, chase):
    with medoffice_practice.operation("manager", write=False) as ctx:
        seen = compliance.overview(ctx)
    assert seen.sections == ("Trainings", "Licences", "Policies", "Reviews", "Tasks")
    assert [(p.staff, p.counts) for p in seen.people] == [
        ("Dr Adams", ((1, 0), (1, 0), (0, 0), (0, 0), (0, 0))),
        ("Cleo Desk", ((0, 0), (0, 0), (0, 0), (0, 0), (1, 0))),
        ("Max Assist", ((0, 1), (0, 0), (0, 0), (0, 0), (0, 0)))]
    adams = seen.people[0].items
    assert [(i.kind, i.status, i.note) for i in adams] == [
        ("training", "overdue", "35 days overdue"), ("credential", "overdue", "expired, blocks work")]


def test_the_manager_reads_the_overview_on_the_command_line_too(medoffice_practice, chase):
    from .conftest import NOW

    result = medoffice_practice.cli("reports", "run", "staff.compliance_overview", "--json", user="manager",
                                    clock=lambda: NOW)
    assert result.exit_code == 0, result.stderr
    assert [r[:3] + [r[5]] for r in result.json()["rows"]] == [
        ["Dr Adams", "1 late", "1 late", "-"],
        ["Cleo Desk", "-", "-", "1 late"], ["Max Assist", "1 due", "-", "-"]]
    refused = medoffice_practice.cli("reports", "run", "staff.compliance_overview", user="frontdesk")
    assert refused.exit_code == 1


def test_a_feature_adds_its_section_and_the_report_and_overview_follow(medoffice_practice, chase, monkeypatch):
    def time_clock(ctx, within):
        yield compliance.ComplianceItem(chase.baker, "Dr Baker", "timesheet", "Week 1 not approved", None, "due",
                                        "to approve")

    monkeypatch.setattr(compliance, "SECTIONS", [*compliance.SECTIONS,
                                                 compliance.Section("timesheet", "Timesheets", "hr.compliance",
                                                                    time_clock)])
    from medoffice.plugins.staff import reports

    with medoffice_practice.operation("manager", write=False) as ctx:
        seen = compliance.overview(ctx)
        rows = reports.compliance(ctx, {}).rows
    assert seen.sections[-1] == "Timesheets"
    baker = next(p for p in seen.people if p.staff == "Dr Baker")
    assert baker.counts == ((0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 1))
    assert ("due", "Dr Baker", "timesheet", "Week 1 not approved", "None", "to approve") in rows


def test_sections_follow_the_users_permissions(medoffice_practice, chase):
    from medoffice.core.services import users

    with medoffice_practice.operation("admin") as ctx:
        users.revoke(ctx, "manager", "hr.tasks")
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert "Tasks" not in compliance.overview(ctx).sections
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        with pytest.raises(PermissionDenied):
            compliance.overview(ctx)


async def test_the_manager_reads_the_overview_and_moves_through_it_typed_ahead(medoffice_practice, chase):
    from medoffice.plugins.staff.screens.compliance_overview import ComplianceOverviewScreen
    from medoffice.testing import wait_for

    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        screen = await open_screen(pilot, "staff.compliance", ComplianceOverviewScreen)
        rows = table_rows(screen, "#people")
        assert [r[0] for r in rows] == ["Dr Adams", "Cleo Desk", "Max Assist"]
        assert rows[0][1:3] == ["1 late", "1 late"] and rows[2][1] == "1 due"
        assert "medical licence" in text_of(screen, "#person-detail")
        await pilot.press("down", "down", "w")  # one burst: the cursor stays on Max across the reload
        await wait_for(pilot, lambda: screen.result is not None and screen.result.within == 90)
        await wait_for(pilot, lambda: "BLS" in text_of(screen, "#person-detail"))
        assert screen.highlighted().staff == "Max Assist"


async def test_the_front_desk_is_not_offered_the_overview(medoffice_practice, chase):
    from medoffice.testing import wait_for

    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
        offered = [c.id for _p, c in app.runtime.plugins.hooks.screens()
                   if c.permission is None or app.user.can(c.permission)]
        assert "staff.compliance" not in offered and "staff.tasks" in offered


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
def test_the_compliance_overview_looks_right(snap_compare, medoffice_practice, chase):
    from medoffice.plugins.staff.screens.compliance_overview import ComplianceOverviewScreen

    app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("manager"))

    async def open_it(pilot):
        await open_screen(pilot, "staff.compliance", ComplianceOverviewScreen)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=open_it)
