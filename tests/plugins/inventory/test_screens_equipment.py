"""The equipment due in the TUI at 80x24: what is overdue first, a service logged from the list
moves the task's due date on, and an asset put out of service (and back) with a reason; the
desk sees it all and changes nothing. Keys are typed ahead, without pauses, within each step."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable

from medoffice.plugins.inventory import equipment
from medoffice.plugins.inventory import equipment_maintenance as maintenance
from medoffice.plugins.inventory.screens.equipment_due import EquipmentDueScreen
from medoffice.testing import wait_for
from medoffice.tui.app import MedofficeApp
from medoffice.ui import FormDialog, ReasonDialog

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("inventory"), pytest.mark.medoffice_backends("sqlite")]

SMALL = (80, 24)


def equipped(practice) -> None:
    """The ECG's calibration 16 days overdue, its service in 25 days; the autoclave's service
    in 90 days (not listed); the spirometer out of service."""
    with practice.operation("manager") as ctx:
        equipment.add_asset(ctx, {"name": "ECG machine", "location": "Supply room"})
        equipment.add_asset(ctx, {"name": "Autoclave", "location": "Supply room"})
        equipment.add_asset(ctx, {"name": "Spirometer", "location": "Supply room"})
        maintenance.add_plan(ctx, "ECG machine", "calibration", 12, due="2025-12-20")
        maintenance.add_plan(ctx, "ECG machine", "service", 6, due="2026-01-30")
        maintenance.add_plan(ctx, "Autoclave", "service", 6, due="2026-04-05")
        equipment.set_in_service(ctx, "Spirometer", False, "flow sensor cracked")


def cells(screen) -> list[list[str]]:
    table = screen.query_one("#due", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_due(pilot) -> EquipmentDueScreen:
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    app.open_plugin_screen("inventory.equipment")
    await wait_for(pilot, lambda: isinstance(app.screen, EquipmentDueScreen))
    screen = app.screen
    await wait_for(pilot, lambda: screen.rows is not None)
    return screen


async def test_the_manager_logs_the_overdue_calibration_and_it_leaves_the_list(medoffice_practice, world):
    equipped(medoffice_practice)
    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        screen = await open_due(pilot)
        assert [r[:5] for r in cells(screen)] == [
            ["2025-12-20", "16 d late", "ECG machine", "calibration", "Supply room"],
            ["2026-01-30", "in 25 d", "ECG machine", "service", "Supply room"],
            ["", "", "Spirometer", "-", "Supply room"]]
        assert cells(screen)[2][5] == "OUT"
        assert "1 overdue, 1 due within 60 days  ·  out of service: Spirometer" in str(
            screen.query_one("#due-title").render())
        await pilot.press("l", *"calibrated, within 1 %", "enter", "enter", *"Harbor", "enter", "enter", *"180",
                          "enter")
        await wait_for(pilot, lambda: pilot.app.screen is screen and len(cells(screen)) == 2, timeout=15)
        assert "Logged calibration of ECG machine on 2026-01-05, next due 2027-01-05" in str(
            screen.query_one("#due-status").render())
    with medoffice_practice.operation("manager", write=False) as ctx:
        (entry, *_) = maintenance.service_log(ctx, "ECG machine")
    assert (entry.work, entry.vendor, str(entry.cost), entry.next_due) == (
        "calibrated, within 1 %", "Harbor", "180.00", dt.date(2027, 1, 5))


async def test_out_of_service_and_back_with_a_reason(medoffice_practice, world):
    equipped(medoffice_practice)
    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        screen = await open_due(pilot)
        await pilot.press("o", *"lead cable broken", "enter")
        await wait_for(pilot, lambda: pilot.app.screen is screen and cells(screen)[0][5] == "OUT")
        await pilot.press("down", "down", "o")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReasonDialog))
        await pilot.press(*"sensor replaced", "enter")
        await wait_for(pilot, lambda: pilot.app.screen is screen and "Spirometer" not in
                       [r[2] for r in cells(screen)])
    with medoffice_practice.operation("manager", write=False) as ctx:
        state = {a.name: (a.in_service, a.out_reason) for a in equipment.list_assets(ctx)}
    assert state["ECG machine"] == (False, "lead cable broken") and state["Spirometer"] == (True, None)


async def test_the_manager_retires_an_asset_and_its_tasks_leave_the_list(medoffice_practice, world):
    equipped(medoffice_practice)
    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        screen = await open_due(pilot)
        await pilot.press("x", *"replaced by a new model", "enter")
        await wait_for(pilot, lambda: pilot.app.screen is screen and [r[2] for r in cells(screen)] == ["Spirometer"])
        assert "ECG machine is retired" in str(screen.query_one("#due-status").render())
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert [a.retire_reason for a in equipment.list_assets(ctx, retired=True)] == ["replaced by a new model"]


async def test_a_bad_service_entry_stays_in_the_form_and_the_desk_changes_nothing(medoffice_practice, world):
    equipped(medoffice_practice)
    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        await open_due(pilot)
        await pilot.press("l", "enter", *"Dana", "enter", "enter", *"2026-02-01", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormDialog))
        form = pilot.app.screen
        await wait_for(pilot, lambda: form.query_one("#error-work").display and not form.busy)
        assert "in the future" in str(form.query_one("#error-done_on").render())
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_due(pilot)
        await pilot.press("l", "o", "x")
        await wait_for(pilot, lambda: "needs inventory.equipment" in str(screen.query_one("#due-status").render()))
        assert pilot.app.screen is screen
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert len(maintenance.service_log(ctx, "ECG machine")) == 0
        assert equipment.get_asset(ctx, "ECG machine").in_service


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
def test_the_equipment_due_looks_right(snap_compare, medoffice_practice, world):
    equipped(medoffice_practice)
    app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("manager"))

    async def open_it(pilot):
        await open_due(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=open_it)



async def test_an_asset_going_out_of_service_on_a_day_to_come_is_in_service_until_then(medoffice_practice, world):
    """The title names the day; its row is not OUT yet, as the command line lists it; o takes
    the plan back, with a reason."""
    equipped(medoffice_practice)
    with medoffice_practice.operation("manager") as ctx:
        equipment.set_in_service(ctx, "ECG machine", False, "sent for repair", from_day="2026-01-08")
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        out_today = [a.name for a in equipment.list_assets(ctx, out_of_service=True)]
    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        screen = await open_due(pilot)
        title = str(screen.query_one("#due-title").render())
        assert "ECG machine out from Thu 2026-01-08" in title
        assert [r[5] for r in cells(screen) if r[2] == "ECG machine"] == ["", ""]
        assert out_today == ["Spirometer"] and "out of service: Spirometer  ·" in title, \
            "the screen says out of service what equipment list --out-of-service lists"
        await pilot.press("o", *"repair postponed", "enter")
        await wait_for(pilot, lambda: "out from" not in str(screen.query_one("#due-title").render()))
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert equipment.get_asset(ctx, "ECG machine").in_service
