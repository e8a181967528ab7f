"""The recurring booking in the booking flow.

Every story runs at 80x24 on the ``world`` of conftest.py: the clock stands on Monday
2026-01-05 07:00 in the practice's New York; Dr Baker sees patients on Monday mornings.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from medoffice.plugins.scheduling import appointment_lists, booking
from medoffice.plugins.scheduling.screens.booking import BookingScreen
from medoffice.ui.forms import FormDialog
from medoffice.testing import wait_for

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("scheduling"), pytest.mark.medoffice_backends("sqlite")]

SMALL = (80, 24)


async def fill(pilot, form: FormDialog, **values: str) -> None:
    for name, value in values.items():
        form.query_one(f"#field-{name}", Input).value = value
    await pilot.pause()


def booked(practice, mrn) -> list[str]:
    with practice.operation("admin", write=False) as ctx:
        return [f"{v.start:%Y-%m-%d %H:%M}" for v in appointment_lists.list_for_patient(ctx, mrn) if v.status == "booked"]


def footer_keys(screen) -> list[str]:
    """The keys the screen's footer shows now."""
    return [str(key.key_display) for key in screen.query("FooterKey")]


async def to_confirm_with_baker(pilot) -> BookingScreen:
    """The booking flow for Ann, a Check-up with Dr Baker, his first slot (Mon 08:00), confirm."""
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    app.open_plugin_screen("scheduling.book")
    await wait_for(pilot, lambda: isinstance(app.screen, BookingScreen))
    flow = app.screen
    await pilot.press(*"Ann", "enter")
    await wait_for(pilot, lambda: flow.step == "type" and flow.query_one("#types", DataTable).row_count > 0)
    await pilot.press("enter")
    await wait_for(pilot, lambda: flow.step == "provider" and flow.query_one("#providers", DataTable).row_count)
    await pilot.press("down", "down", "enter")
    await wait_for(pilot, lambda: flow.step == "slot" and flow.query_one("#slots", DataTable).row_count > 0)
    await pilot.press("enter")
    await wait_for(pilot, lambda: flow.step == "confirm")
    assert f"{flow.slot.start:%a %Y-%m-%d %H:%M}" == "Mon 2026-01-05 08:00" and flow.slot.provider == "Dr Baker"
    return flow


def bo_holds_bakers_monday_the_12th(practice, world) -> None:
    with practice.operation("frontdesk") as ctx:
        booking.book(ctx, world.bo, world.baker, "Check-up", "2026-01-12 08:00")


async def weekly_series_checked(pilot) -> BookingScreen:
    """To the confirm step with Dr Baker, Ctrl+R, the form's default (weekly, four times),
    Ctrl+S: the series is checked, nothing written yet."""
    flow = await to_confirm_with_baker(pilot)
    assert flow.check_action("book_free_dates", ()) is False, "Ctrl+O is offered only after a check"
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormDialog))
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: pilot.app.screen is flow and flow.series_check is not None)
    return flow


class TestRecurringBooking:
    async def test_one_conflicting_week_is_listed_and_nothing_is_written(self, medoffice_practice, world):
        """Bo already has Dr Baker's 08:00 on the 12th. Ctrl+R, weekly four times (the form's
        default), Ctrl+S: the check lists #2 with its reason; Enter books nothing."""
        bo_holds_bakers_monday_the_12th(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            flow = await weekly_series_checked(pilot)
            text = str(flow.query_one("#confirm-text").render())
            assert "weekly, 4 times, from Mon 2026-01-05 08:00: 4 occurrences, 3 free." in text
            assert "#2 Mon 2026-01-12 08:00: slot taken" in text
            assert "Nothing is booked yet: 1 conflict." in text
            await pilot.press("enter")
            await pilot.pause()
            assert "Not booked: 1 occurrence conflict" in str(flow.query_one("#booking-message").render())
            assert pilot.app.screen is flow
        assert booked(medoffice_practice, world.ann) == []

    async def test_ctrl_o_books_the_free_dates_and_skips_the_conflict(self, medoffice_practice, world):
        """Bo has Dr Baker's 08:00 on the 12th. The check lists it and offers Ctrl+O in the
        text and the footer; Ctrl+O books the 5th, the 19th and the 26th and says #2 was skipped."""
        bo_holds_bakers_monday_the_12th(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            flow = await weekly_series_checked(pilot)
            text = str(flow.query_one("#confirm-text").render())
            assert "#2 Mon 2026-01-12 08:00: slot taken" in text
            assert "Nothing is booked yet: 1 conflict. Ctrl+O: book the 3 free dates and skip the rest" in text
            await wait_for(pilot, lambda: "^o" in footer_keys(flow))
            assert booked(medoffice_practice, world.ann) == []  # checked, not written
            await pilot.press("ctrl+o")
            await wait_for(pilot, lambda: not isinstance(pilot.app.screen, BookingScreen))
            assert any("3 occurrences from Mon 2026-01-05 08:00; skipped #2 Mon 2026-01-12 08:00" in n.message
                       for n in pilot.app._notifications)
        assert booked(medoffice_practice, world.ann) == ["2026-01-05 08:00", "2026-01-19 08:00", "2026-01-26 08:00"]
        assert booked(medoffice_practice, world.bo) == ["2026-01-12 08:00"]

    async def test_escape_on_a_conflicting_series_books_nothing_of_it(self, medoffice_practice, world):
        """With the conflict listed, Escape drops the repeat (Ctrl+O is no longer offered) and
        Escape again goes back to the slots: nothing is written."""
        bo_holds_bakers_monday_the_12th(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            flow = await weekly_series_checked(pilot)
            await pilot.press("escape")
            await wait_for(pilot, lambda: flow.series is None)
            assert flow.check_action("book_free_dates", ()) is False
            await wait_for(pilot, lambda: "^o" not in footer_keys(flow))
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert pilot.app.screen is flow and flow.step == "confirm"
            await pilot.press("escape")
            await wait_for(pilot, lambda: flow.step == "slot")
        assert booked(medoffice_practice, world.ann) == []

    async def test_a_free_series_is_booked_whole_with_enter(self, medoffice_practice, world):
        """Every 2 weeks, until Feb 2: the 5th, the 19th and Feb 2, all free: Enter books all three."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            flow = await to_confirm_with_baker(pilot)
            await pilot.press("ctrl+r")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormDialog))
            await fill(pilot, pilot.app.screen, every="2", count="", until="2026-02-02")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: pilot.app.screen is flow and flow.series_check is not None)
            assert "every 2 weeks, until 2026-02-02" in str(flow.query_one("#confirm-text").render())
            assert booked(medoffice_practice, world.ann) == []  # checked, not written
            await pilot.press("enter")
            await wait_for(pilot, lambda: not isinstance(pilot.app.screen, BookingScreen))
        assert booked(medoffice_practice, world.ann) == ["2026-01-05 08:00", "2026-01-19 08:00", "2026-02-02 08:00"]

    async def test_bad_repeat_input_is_shown_under_its_field(self, medoffice_practice, world):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            await to_confirm_with_baker(pilot)
            await pilot.press("ctrl+r")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormDialog))
            form = pilot.app.screen
            await fill(pilot, form, every="0", count="")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: form.query_one("#error-count").display)
            await fill(pilot, form, count="3")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: form.query_one("#error-every").display and not form.busy)
            assert "every must be a whole number from 1 to 52" in str(form.query_one("#error-every").render())
        assert booked(medoffice_practice, world.ann) == []


