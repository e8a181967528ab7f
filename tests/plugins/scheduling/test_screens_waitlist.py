"""The front desk's waitlist screen: who waits for an earlier slot, and booking them.

Every story runs at 80x24 on the ``world`` of conftest.py: Monday 2026-01-05 07:00 in New
York; Dr Baker works 08:00-10:00 at North on Mondays and Wednesdays, Dr Adams weekdays at Main.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select

from medoffice.plugins.scheduling import appointment_lists, booking, waitlist
from medoffice.plugins.scheduling.screens.dialogs import ChoiceDialog, ReasonDialog
from medoffice.ui.forms import FormDialog
from medoffice.plugins.scheduling.screens.waiting_list import PatientPicker, WaitlistScreen
from medoffice.testing import check_screens, wait_for

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("scheduling"), pytest.mark.medoffice_backends("sqlite")]

SMALL = (80, 24)


def entries(practice, status="all"):
    with practice.operation("admin", write=False) as ctx:
        return [(e.mrn, e.appointment_type, e.provider, e.status) for e in waitlist.list_entries(ctx, status=status)]


def booked(practice, mrn):
    with practice.operation("admin", write=False) as ctx:
        return [(f"{v.start:%Y-%m-%d %H:%M}", v.provider) for v in appointment_lists.list_for_patient(ctx, mrn)
                if v.status == "booked"]


async def open_waitlist(pilot) -> WaitlistScreen:
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    app.open_plugin_screen("scheduling.waitlist")
    await wait_for(pilot, lambda: isinstance(app.screen, WaitlistScreen) and app.screen.data is not None)
    await pilot.pause()
    return app.screen


class TestWaitlist:
    async def test_the_front_desk_adds_a_patient_and_books_her_from_the_list(self, medoffice_practice, world):
        """a, "Cy", Enter; the form: Check-up with Dr Baker; Ctrl+S: Cy waits. b lists Dr
        Baker's earliest slots; Enter takes the first: booked, and off the waitlist."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            screen = await open_waitlist(pilot)
            assert "0 open" in str(screen.query_one("#waitlist-title").render())
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, PatientPicker))
            picker = pilot.app.screen
            await pilot.press(*"Cy")
            await wait_for(pilot, lambda: picker.query_one("#picker-list", DataTable).row_count == 1)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormDialog))
            form = pilot.app.screen
            form.query_one("#field-provider", Select).value = world.baker
            await pilot.pause()
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: pilot.app.screen is screen and len(screen.data.entries) == 1)
            assert entries(medoffice_practice) == [(world.cy, "Check-up", "Dr Baker", "waiting")]

            await pilot.press("b")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
            assert pilot.app.screen.choices[0].startswith("Mon 2026-01-05 08:00  Dr Baker")
            await pilot.press("enter")
            await wait_for(pilot, lambda: pilot.app.screen is screen and screen.data.entries == ())
            assert "off the waitlist" in str(screen.query_one("#waitlist-message").render())
        assert entries(medoffice_practice) == [(world.cy, "Check-up", "Dr Baker", "booked")]
        assert booked(medoffice_practice, world.cy) == [("2026-01-05 08:00", "Dr Baker")]

    async def test_an_offered_entry_is_marked_and_books_the_offered_slot(self, medoffice_practice, world):
        """Ann waits for any provider; Bo cancels his Wednesday 08:00 with Dr Baker: Ann's
        entry is offered that slot, shown on the list; b and Enter book it."""
        with medoffice_practice.operation("frontdesk") as ctx:
            waitlist.add(ctx, world.ann, "Check-up")
            freed = booking.book(ctx, world.bo, world.baker, "Check-up", "2026-01-07 08:00").id
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.cancel(ctx, freed, "patient called")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            screen = await open_waitlist(pilot)
            row = [str(c) for c in screen.query_one("#entries", DataTable).get_row_at(0)]
            assert row[6] == "offered 01-07 08:00"
            assert "1 offered a slot" in str(screen.query_one("#waitlist-title").render())
            await pilot.press("b")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
            await pilot.press("enter")
            await wait_for(pilot, lambda: pilot.app.screen is screen and screen.data.entries == ())
        assert booked(medoffice_practice, world.ann) == [("2026-01-07 08:00", "Dr Baker")]

    async def test_remove_needs_a_reason_and_bad_days_stay_in_the_form(self, medoffice_practice, world):
        with medoffice_practice.operation("frontdesk") as ctx:
            waitlist.add(ctx, world.bo, "Check-up")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            screen = await open_waitlist(pilot)
            await pilot.press("x")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReasonDialog))
            await pilot.press(*"booked elsewhere", "enter")
            await wait_for(pilot, lambda: screen.data.entries == ())
            assert entries(medoffice_practice) == [(world.bo, "Check-up", "any", "removed")]

            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, PatientPicker))
            await pilot.press(*"Ann")
            await wait_for(pilot, lambda: pilot.app.screen.query_one("#picker-list", DataTable).row_count == 1)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormDialog))
            form = pilot.app.screen
            form.query_one("#field-latest", Input).value = "2026-01-02"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: form.query_one("#error-latest").display and not form.busy)
            assert "before the earliest" in str(form.query_one("#error-latest").render())
        assert len(entries(medoffice_practice)) == 1

    async def test_the_billing_clerk_reads_the_list_but_cannot_change_it(self, medoffice_practice, world):
        with medoffice_practice.operation("frontdesk") as ctx:
            waitlist.add(ctx, world.bo, "Check-up")
        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            screen = await open_waitlist(pilot)
            assert len(screen.data.entries) == 1
            assert screen.check_action("book", ()) is False and screen.check_action("add", ()) is False
            await pilot.press("b", "x", "a")
            await pilot.pause()
            assert pilot.app.screen is screen
        assert entries(medoffice_practice, "open") == [(world.bo, "Check-up", "any", "waiting")]


async def test_every_scheduling_screen_mounts_with_the_new_ones(medoffice_practice, world):
    """The conformance check: the waitlist screen mounts with the rest (the rota and time off
    are the staff plugin's, checked there)."""
    with medoffice_practice.operation("frontdesk") as ctx:
        waitlist.add(ctx, world.bo, "Check-up")
    await check_screens(medoffice_practice, "scheduling")
