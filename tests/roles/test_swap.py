"""A practice swaps its scheduling plugin for another: the rest of the product keeps working.

The built-in scheduling plugin is disabled; swap_scheduling.py, a minimal provider of the
role, is enabled. The patient card, billing's charges from visits, the reports and the
dashboard all read appointments through the role, so they show the swapped provider's.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from medoffice.core.services import appointments, dashboard, patients, reports
from medoffice.plugins.billing import encounters, ledger
from medoffice.testing import burst, wait_for
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.role_appointments import RoleAppointmentsPanel

pytestmark = pytest.mark.medoffice_plugins("billing")


def test_the_built_in_plugin_is_off_and_the_swap_provides_scheduling(medoffice_practice, swap):
    plugins = medoffice_practice.runtime.plugins
    assert plugins.status("scheduling").status == "disabled"
    assert plugins.status("swap-scheduling").active
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert ctx.role_service("scheduling") is swap.SERVICE
        assert ctx.hooks.role_provider("scheduling") == "swap-scheduling"


def test_the_swap_provider_conforms(medoffice_practice, conformance):
    conformance("swap-scheduling")


def test_billing_opens_the_encounter_of_a_visit_the_swap_completed(medoffice_practice, world):
    """Billing's charges from visits hang on medoffice_visit_completed, not on the plugin."""
    with medoffice_practice.operation("billing") as ctx:
        [found] = encounters.list_encounters(ctx, mrn=world.ann.mrn)
        assert found.encounter.appointment_id == world.first.id
        assert found.encounter.appointment_type == "Checkup"
        assert found.encounter.provider_id == world.adams
        assert found.source == "visit"
        encounters.add_diagnoses(ctx, found.encounter.id, ["J06.9"])
        encounters.add_charge(ctx, found.encounter.id, "99213", pointers=[1])
        encounters.close_encounter(ctx, found.encounter.id)
    with medoffice_practice.operation("billing", write=False) as ctx:
        assert str(ledger.balance(ctx, world.ann.mrn)) == "95.00"


def test_the_visit_is_charged_once_however_often_it_completes(medoffice_practice, world, swap):
    with medoffice_practice.operation("frontdesk") as ctx:
        swap.complete(ctx, world.first.id)
    with medoffice_practice.operation("billing", write=False) as ctx:
        assert len(encounters.list_encounters(ctx, mrn=world.ann.mrn)) == 1


def test_the_reports_count_the_swapped_providers_appointments(medoffice_practice, world):
    result = medoffice_practice.cli("reports", "run", "core.appointments", "--param", "from=2026-01-05", "--json",
                                    user="manager")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["rows"] == [["2026-01-05", 1, 0, 0, 1, 0, 0, 2]]
    assert "swap-scheduling" in data["notes"]
    listed = {r["id"] for r in medoffice_practice.cli("reports", "list", "--json", user="manager").json()}
    assert {"core.appointments", "billing.day_sheet"} <= listed
    assert not any(r.startswith("scheduling.") for r in listed)  # the built-in's reports went with it


def test_billing_reports_still_run(medoffice_practice, world):
    with medoffice_practice.operation("manager", write=False) as ctx:
        sheet = reports.run(ctx, "billing.day_sheet", {"day": "2026-01-05"})
    assert sheet.title


def test_a_hostile_report_range_is_one_line(medoffice_practice, world):
    result = medoffice_practice.cli("reports", "run", "core.appointments", "--param", "from=2026-01-05",
                                    "--param", "to=2027-01-05", user="manager")
    assert result.exit_code == 1
    assert "at most 92 days" in result.stderr and "Traceback" not in result.stderr


def test_the_dashboard_counts_today_from_the_swap(medoffice_practice, world):
    with medoffice_practice.operation("manager", write=False) as ctx:
        shown = dashboard.load(ctx)
    cards = {card.title: (plugin, card) for plugin, card in shown.cards}
    plugin, card = cards["Appointments today"]
    assert (plugin, card.value) == ("core", "2")
    assert card.detail.startswith("1 completed")


def test_the_role_service_is_what_the_core_reads(medoffice_practice, world):
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        lines = appointments.for_patient(ctx, world.ann.mrn)
    assert [(line.appointment.id, line.provider, line.appointment.status) for line in lines] == [
        (world.first.id, "Dr Adams", "completed"), (world.second.id, "Dr Adams", "booked")]


async def test_the_patient_card_shows_the_swapped_providers_appointments(medoffice_practice, world, swap):
    """Ann's card: the core's Appointments panel lists both visits, newest first; a booking
    made meanwhile (as another desk would) shows without a key."""
    async with medoffice_practice.pilot("frontdesk") as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: app.screen is not None and app.home is not None)
        await burst(pilot, *"Lee", "enter", "enter")  # typed ahead: search, pick, open
        await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.screen.patient is not None)
        card = app.screen
        def listed() -> int:
            tables = card.query(RoleAppointmentsPanel).results(RoleAppointmentsPanel)
            found = [t for panel in tables for t in panel.query("#role-visits").results(DataTable)]
            return found[0].row_count if found else -1

        await wait_for(pilot, lambda: listed() == 2)
        table = card.query_one("#role-visits", DataTable)
        assert [str(c) for c in table.get_row_at(0)] == ["Mon 2026-01-05 11:00", "Follow-up", "Dr Adams", "booked"]
        assert [str(c) for c in table.get_row_at(1)][3] == "completed"
        assert not card.query("AppointmentsPanel")  # the built-in plugin's panel is gone with it
        with medoffice_practice.operation("frontdesk") as ctx:
            swap.book(ctx, world.ann.id, world.adams, "Flu shot", world.second.end)
        await wait_for(pilot, lambda: table.row_count == 3)


def test_deactivating_warns_of_the_swapped_providers_upcoming_booking(medoffice_practice, world):
    """The 11:00 visit is still to come (the clock says 10:00): the warning counts it."""
    result = medoffice_practice.cli("patients", "deactivate", world.ann.mrn, "--reason", "moved away",
                                    user="frontdesk", clock=medoffice_practice.runtime.clock)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"warning: 1 upcoming appointment of {world.ann.mrn} stays booked")


def test_merging_moves_the_swapped_providers_visits(medoffice_practice, world):
    with medoffice_practice.operation("admin") as ctx:
        twin = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                       "sex": "f", "phone": "555-010-4433"}).patient
    result = medoffice_practice.cli("patients", "merge", twin.mrn, world.ann.mrn, "--yes", "--json", user="manager")
    assert result.exit_code == 0, result.stderr
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert len(appointments.for_patient(ctx, twin.mrn)) == 2
