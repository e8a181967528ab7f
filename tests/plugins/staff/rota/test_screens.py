"""The office manager's rota and time-off screens (the staff plugin's).

Every story runs at 80x24 on the ``world`` of conftest.py: the clock stands on Monday
2026-01-05 07:00 in the practice's New York; Cleo Clerk is the receptionist (the only staff
member who can have shifts), Dr Adams and Dr Baker the providers.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from medoffice.core.services import staff
from medoffice.plugins.staff import coverage, rota, time_off
from medoffice.plugins.staff.screens.staff_rota import StaffRotaScreen
from medoffice.plugins.staff.screens.time_off_requests import TimeOffScreen
from medoffice.testing import wait_for
from medoffice.tui.app import MedofficeApp
from medoffice.ui import ChoiceDialog, ReasonDialog
from medoffice.ui.forms import FormDialog, NoticeDialog

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("scheduling", "staff"), pytest.mark.medoffice_backends("sqlite")]

SMALL = (80, 24)


def need_a_receptionist(practice, days="mon-fri"):
    with practice.operation("manager") as ctx:
        coverage.set_need(ctx, "receptionist", "Main", days, 1)


def shifts(practice, first="2026-01-05", last="2026-01-18"):
    with practice.operation("admin", write=False) as ctx:
        return [(s.staff, s.span, s.location) for s in rota.list_shifts(ctx, first, last)]


def cells(table: DataTable) -> list[tuple[str, ...]]:
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def open_rota(pilot) -> StaffRotaScreen:
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    app.open_plugin_screen("scheduling.rota")
    await wait_for(pilot, lambda: isinstance(app.screen, StaffRotaScreen) and app.screen.data is not None)
    await pilot.pause()
    return app.screen


async def fill(pilot, form: FormDialog, **values: str) -> None:
    for name, value in values.items():
        form.query_one(f"#field-{name}", Input).value = value
    await pilot.pause()


class TestStaffRota:
    async def test_the_manager_adds_a_shift_and_sees_the_gap_close(self, medoffice_practice, world):
        """Main needs a receptionist every weekday and nobody is on: five gaps. a, the form
        (Cleo is offered first, today's date is filled in), Ctrl+S: Monday is covered."""
        need_a_receptionist(medoffice_practice)
        async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
            screen = await open_rota(pilot)
            title = str(screen.query_one("#rota-title").render())
            assert title == "Week of Mon 2026-01-05 (this week)  ·  Main  ·  0 shifts  ·  5 gaps"
            assert cells(screen.query_one("#coverage", DataTable))[0][:5] == ("Mon 01-05", "receptionist", "1", "0",
                                                                             "1")
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormDialog))
            form = pilot.app.screen
            assert form.values()["staff"] == world.clerk and form.values()["day"] == "2026-01-05"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: pilot.app.screen is screen and screen.data.gaps == 4)
            assert cells(screen.query_one("#shifts", DataTable)) == [
                ("Mon 01-05", "08:00-16:30", "Cleo Clerk", "receptionist", "")]
            assert cells(screen.query_one("#coverage", DataTable))[0][:6] == (
                "Mon 01-05", "receptionist", "1", "1", "", "Cleo Clerk")
            assert "4 gaps" in str(screen.query_one("#rota-title").render())
        assert shifts(medoffice_practice) == [("Cleo Clerk", "Mon 2026-01-05 08:00-16:30", "Main")]

    async def test_bad_times_are_shown_under_their_fields_and_nothing_is_saved(self, medoffice_practice, world):
        """A start that is no time and an end before it: each field says why; the form stays."""
        async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
            await open_rota(pilot)
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormDialog))
            form = pilot.app.screen
            await fill(pilot, form, day="2026-02-30", start="25:00")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: form.query_one("#error-day").display)
            assert form.query_one("#error-start").display
            assert not form.query_one("#error-end").display
            assert pilot.app.screen is form
            await fill(pilot, form, day="2026-01-06", start="12:00", end="09:00")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: form.query_one("#error-end").display and not form.busy)
            assert "must be after the start" in str(form.query_one("#error-end").render())
            assert not form.query_one("#error-day").display
            await pilot.press("escape")
        assert shifts(medoffice_practice) == []

    async def test_weeks_move_remove_asks_first_and_copy_fills_the_next_week(self, medoffice_practice, world):
        """c copies Tuesday and Wednesday to the next week; ] shows it; x asks, Enter on the
        highlighted "Keep it" keeps the shift, "Remove it" removes it; Left goes back."""
        with medoffice_practice.operation("manager") as ctx:
            rota.add_shift(ctx, world.clerk, "Main", "2026-01-06", "08:00", "12:00")
            rota.add_shift(ctx, world.clerk, "Main", "2026-01-07", "08:00", "12:00")
        async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
            screen = await open_rota(pilot)
            assert len(screen.data.shifts) == 2
            await pilot.press("c")
            await wait_for(pilot, lambda: "Copied 2 shifts" in str(screen.query_one("#rota-message").render()))
            await pilot.press("right_square_bracket")
            await wait_for(pilot, lambda: screen.data.monday == dt.date(2026, 1, 12))
            assert [s.span for s in screen.data.shifts] == ["Tue 2026-01-13 08:00-12:00", "Wed 2026-01-14 08:00-12:00"]
            await pilot.press("x")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
            await pilot.press("enter")  # "Keep it" is highlighted first
            await wait_for(pilot, lambda: pilot.app.screen is screen)
            assert len(shifts(medoffice_practice)) == 4
            await pilot.press("x")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
            await pilot.press("up", "enter")
            await wait_for(pilot, lambda: len(screen.data.shifts) == 1)
            await pilot.press("left")
            await wait_for(pilot, lambda: screen.data.monday == dt.date(2026, 1, 5))
        assert [s[1] for s in shifts(medoffice_practice)][:3] == [
            "Tue 2026-01-06 08:00-12:00", "Wed 2026-01-07 08:00-12:00", "Wed 2026-01-14 08:00-12:00"]

    async def test_the_front_desk_does_not_see_the_rota(self, medoffice_practice, world):
        """Not in the screens list, and opening it by id is refused in one line."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
            assert "scheduling.rota" not in {s.id for _, s in app.contributions.screens_for(app.user)}
            app.open_plugin_screen("scheduling.rota")
            await pilot.pause()
            assert not isinstance(app.screen, StaffRotaScreen)
            assert any("no screen 'scheduling.rota'" in n.message for n in app._notifications)


def link(practice, staff_id: int, username: str) -> None:
    with practice.operation("manager") as ctx:
        staff.update(ctx, staff_id, {"user": username})


def statuses(practice) -> list[tuple[str, str, str | None]]:
    with practice.operation("manager", write=False) as ctx:
        return [(str(r.first_day), r.status, r.decision_note) for r in time_off.list_time_off(ctx)]


async def open_time_off(pilot) -> TimeOffScreen:
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    app.open_plugin_screen("scheduling.time_off")
    await wait_for(pilot, lambda: isinstance(app.screen, TimeOffScreen) and app.screen.data is not None)
    await pilot.pause()
    return app.screen


class TestTimeOff:
    async def test_the_receptionist_asks_and_the_manager_approves_seeing_her_shift(self, medoffice_practice,
                                                                                   world):
        """Cleo (user frontdesk) asks for Thursday and Friday with n; the manager's list has it
        to decide; a approves it and lists her Thursday shift, to reassign."""
        link(medoffice_practice, world.clerk, "frontdesk")
        with medoffice_practice.operation("manager") as ctx:
            rota.add_shift(ctx, world.clerk, "Main", "2026-01-08", "08:00", "16:30")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            screen = await open_time_off(pilot)
            assert screen.check_action("approve", ()) is False
            await pilot.press("n")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormDialog))
            assert not pilot.app.screen.query("#field-staff")  # her own days only
            await pilot.press(*"2026-01-08", "enter", *"2026-01-09", "enter", *"school play", "enter")
            await wait_for(pilot, lambda: pilot.app.screen is screen and len(screen.data.requests) == 1)
        assert statuses(medoffice_practice) == [("2026-01-08", "requested", None)]
        async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
            screen = await open_time_off(pilot)
            assert "1 to decide" in str(screen.query_one("#time-off-title").render())
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, NoticeDialog))
            assert "Thu 2026-01-08 08:00-16:30 at Main" in str(pilot.app.screen.query_one("#notice-text").render())
            await pilot.press("enter")
            await wait_for(pilot, lambda: pilot.app.screen is screen and screen.data.requests[0].status == "approved")
        assert statuses(medoffice_practice) == [("2026-01-08", "approved", None)]

    async def test_the_manager_declines_with_a_note(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            time_off.request(ctx, "2026-01-12", staff_id=world.clerk)
        async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
            screen = await open_time_off(pilot)
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReasonDialog))
            await pilot.press(*"inventory day", "enter")
            await wait_for(pilot, lambda: screen.data.requests[0].status == "declined")
            assert "Declined Cleo Clerk" in str(screen.query_one("#time-off-message").render())
        assert statuses(medoffice_practice) == [("2026-01-12", "declined", "inventory day")]

    async def test_a_user_with_no_staff_record_is_told_why_in_one_line(self, medoffice_practice, world):
        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            screen = await open_time_off(pilot)
            assert "not linked to a staff record" in str(screen.query_one("#time-off-message").render())
            assert pilot.app.screen is screen


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
def test_snapshot_of_the_rota_week(snap_compare, medoffice_practice, world):
    """The week of Monday 2026-01-05 at Main at 80x24: Cleo on Monday and Tuesday, a
    receptionist needed Monday to Wednesday, so Wednesday's gap is red."""
    need_a_receptionist(medoffice_practice, "mon-wed")
    with medoffice_practice.operation("manager") as ctx:
        rota.add_shift(ctx, world.clerk, "Main", "2026-01-05", "08:00", "16:30")
        rota.add_shift(ctx, world.clerk, "Main", "2026-01-06", "08:00", "12:00", note="dentist pm")
    app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("manager"))

    async def open_it(pilot):
        await open_rota(pilot)

    assert snap_compare(app, terminal_size=SMALL, run_before=open_it)
