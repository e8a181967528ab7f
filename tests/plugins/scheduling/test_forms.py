"""The scheduling screens' small forms (waitlist, a repeated booking): every
field is reached with Enter, choices included, and Enter never saves a choice the person has
not had in front of them.

On the ``world`` of conftest.py at 80x24: Monday 2026-01-05, the types Check-up, Follow-up,
Long and New patient.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from medoffice.plugins.scheduling import waitlist
from medoffice.ui.forms import FormDialog, FormSelect
from medoffice.plugins.scheduling.screens.waiting_list import PatientPicker
from medoffice.testing import wait_for

from .test_screens_waitlist import SMALL, open_waitlist

pytestmark = pytest.mark.medoffice_plugins("scheduling")


def entries(practice):
    with practice.operation("admin", write=False) as ctx:
        return [(e.mrn, e.appointment_type, e.provider) for e in waitlist.list_entries(ctx, status="all")]


async def waitlist_form_for_cy(pilot) -> FormDialog:
    screen = await open_waitlist(pilot)
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PatientPicker))
    picker = pilot.app.screen
    await pilot.press(*"Cy")
    await wait_for(pilot, lambda: picker.query_one("#picker-list", DataTable).row_count == 1)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormDialog))
    assert screen is not None
    return pilot.app.screen


class TestTheWaitlistForm:
    async def test_it_opens_on_the_type_and_enter_goes_on_to_the_provider_without_saving(
            self, medoffice_practice, world):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            form = await waitlist_form_for_cy(pilot)
            assert pilot.app.focused is form.query_one("#field-appointment_type", FormSelect)
            await pilot.press("enter")
            assert pilot.app.focused is form.query_one("#field-provider", FormSelect)
            assert pilot.app.screen is form
        assert entries(medoffice_practice) == []

    async def test_every_field_is_reached_with_enter_and_the_chosen_type_is_saved(self, medoffice_practice, world):
        """Down opens the types, Down and Enter pick Follow-up; Enter, then Dr Baker the same
        way; then Enter through the location, the two days and the note saves. One burst."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            form = await waitlist_form_for_cy(pilot)
            visited: list[str] = []
            form.watch(form, "focused", lambda widget: visited.append(getattr(widget, "id", None) or ""), init=False)
            await pilot.press("down", "down", "enter",  # the type: Follow-up
                              "enter", "down", "down", "down", "enter",  # the provider: Dr Baker
                              "enter", "enter", "enter", "enter", *"mornings", "enter")  # location, days, note
            await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormDialog))
            assert [name for name in dict.fromkeys(visited) if name.startswith("field-")] == [
                "field-appointment_type", "field-provider", "field-location", "field-earliest", "field-latest",
                "field-note"]
        assert entries(medoffice_practice) == [(world.cy, "Follow-up", "Dr Baker")]
