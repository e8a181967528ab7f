"""The time clock and the payroll register in the TUI at 80x24: the desk clocks in with keys
typed ahead, the manager steps through periods and approves, the desk never reaches pay."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.plugins.staff import payroll, timeclock
from medoffice.plugins.staff.screens.payroll_register import PayrollRegisterScreen
from medoffice.plugins.staff.screens.time_clock import TimeClockScreen
from medoffice.testing import wait_for
from medoffice.tui.app import MedofficeApp

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("staff"), pytest.mark.medoffice_backends("sqlite")]

SMALL = (80, 24)
EST = dt.timedelta(hours=5)


def at(practice, local: str) -> None:
    moment = dt.datetime.fromisoformat(local).replace(tzinfo=dt.timezone.utc) + EST
    practice.runtime.clock = lambda: moment


def text(screen, widget_id: str) -> str:
    return str(screen.query_one(widget_id).render())


def rows(screen, table_id: str) -> list[list[str]]:
    from textual.widgets import DataTable

    table = screen.query_one(table_id, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def paid_week(practice, world) -> None:
    """Max: 5 days of 9 hours at 20.00 in the period 2025-12-21 to 2026-01-03."""
    with practice.operation("manager") as ctx:
        payroll.set_rate(ctx, world.max, kind="hourly", amount="20.00", effective_from="2025-01-01")
        for day in ("2025-12-22", "2025-12-23", "2025-12-24", "2025-12-25", "2025-12-26"):
            timeclock.add_punch(ctx, world.max, clock_in=f"{day} 08:00", clock_out=f"{day} 17:00", reason="paper")


async def home(pilot) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)


async def test_the_desk_clocks_in_breaks_and_comes_back_with_keys_typed_ahead(medoffice_practice, world):
    at(medoffice_practice, "2026-01-05 08:58")
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        await home(pilot)
        await pilot.press("f11", "i")  # the key that opens the screen, and at once the punch
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TimeClockScreen))
        screen = pilot.app.screen
        await wait_for(pilot, lambda: screen.state == "in" and "in since 08:58" in text(screen, "#clock-title"))
        at(medoffice_practice, "2026-01-05 12:00")
        await pilot.press("b", "i")  # a break and back, in one burst: done in order
        await wait_for(pilot, lambda: len(rows(screen, "#punches")) == 2 and screen.state == "in")
        assert rows(screen, "#punches")[0][2:5] == ["12:00", "break", "3:02"]
        await pilot.press("i")
        await wait_for(pilot, lambda: "clocked in already" in text(screen, "#clock-status"))
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert [p.ended_for for p in timeclock.punches(ctx)] == ["break", None]


async def test_the_manager_steps_back_a_period_and_approves_the_register(medoffice_practice, world):
    paid_week(medoffice_practice, world)
    with medoffice_practice.operation("manager") as ctx:
        timeclock.approve(ctx, world.max)
    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        await home(pilot)
        pilot.app.open_plugin_screen("staff.payroll")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PayrollRegisterScreen))
        screen = pilot.app.screen
        await pilot.press("left_square_bracket", "left_square_bracket", "right_square_bracket",
                          "right_square_bracket")  # typed ahead: back two, forward two
        await wait_for(pilot, lambda: screen.shown is not None and screen.shift == 0
                       and screen.shown.period_start == dt.date(2025, 12, 21))
        assert rows(screen, "#register") == [["Max Assist", "hourly", "40.00", "5.00", "0.00", "0.00", "950.00"]]
        await pilot.press("a", "enter")  # approve, and confirm
        await wait_for(pilot, lambda: screen.shown is not None and screen.shown.status == "approved")
        assert "approved, gross 950.00" in text(screen, "#register-status")
        await pilot.press("a")
        await wait_for(pilot, lambda: "approved already" in text(screen, "#register-status"))


async def test_the_manager_reopens_an_approved_register_with_a_reason(medoffice_practice, world):
    """``o`` on an approved register asks why (Escape gives up, nothing changes); the reason
    typed without pauses reopens it, audited, a draft again; ``o`` on a draft says there is
    nothing to reopen."""
    from medoffice.testing import burst

    paid_week(medoffice_practice, world)
    with medoffice_practice.operation("manager") as ctx:
        timeclock.approve(ctx, world.max)
        payroll.approve(ctx, period="2025-12-21")
    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        await home(pilot)
        pilot.app.open_plugin_screen("staff.payroll")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PayrollRegisterScreen))
        screen = pilot.app.screen
        await wait_for(pilot, lambda: screen.shown is not None
                       and screen.shown.period_start == dt.date(2025, 12, 21) and screen.shown.status == "approved")
        await pilot.press("o", "escape")
        await wait_for(pilot, lambda: pilot.app.screen is screen)
        assert screen.shown.status == "approved"
        await burst(pilot, "o", *"hours corrected", "enter")
        await wait_for(pilot, lambda: screen.shown is not None and screen.shown.status != "approved"
                       and "reopened" in text(screen, "#register-status"))
        await pilot.press("o")
        await wait_for(pilot, lambda: "nothing to reopen" in text(screen, "#register-status"))
    with medoffice_practice.operation("admin", write=False) as ctx:
        from medoffice.core import audit

        reopened = [e for e in audit.iter_entries(ctx.session, username="manager") if e.action == "hr.payroll.reopened"]
    assert len(reopened) == 1 and reopened[0].summary["reason"] == "hours corrected"


async def test_the_desk_cannot_open_the_payroll_register(medoffice_practice, world):
    paid_week(medoffice_practice, world)
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        await home(pilot)
        pilot.app.open_plugin_screen("staff.payroll")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, PayrollRegisterScreen)
        assert "950" not in pilot.app.export_screenshot()


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
def test_the_time_clock_looks_right(snap_compare, medoffice_practice, world):
    at(medoffice_practice, "2026-01-05 12:30")
    with medoffice_practice.operation("manager") as ctx:
        timeclock.add_punch(ctx, world.cleo, clock_in="2026-01-05 08:00", clock_out="2026-01-05 12:00",
                            reason="forgot the clock", ended_for="break")
    app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

    async def open_it(pilot):
        await home(pilot)
        pilot.app.open_plugin_screen("staff.timeclock")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TimeClockScreen) and pilot.app.screen.state)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=open_it)


@pytest.mark.medoffice_backends("sqlite")
def test_the_payroll_register_looks_right(snap_compare, medoffice_practice, world):
    paid_week(medoffice_practice, world)
    app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("manager"))

    async def open_it(pilot):
        await home(pilot)
        pilot.app.open_plugin_screen("staff.payroll")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PayrollRegisterScreen)
                       and pilot.app.screen.shown is not None)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=open_it)
