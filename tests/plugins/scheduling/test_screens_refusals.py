"""The booking flow tells a taken slot from any other refusal by its kind, not its words.

A slot taken meanwhile sends the desk back to the slots free now; another plugin's refusal
("cannot book: …") is said on the confirm step, which stays, since other slots would be
refused the same way and the desk should read why first.
"""

from __future__ import annotations

import pytest

from medoffice.core import PluginInfo, hookimpl
from medoffice.plugins.scheduling import booking
from medoffice.plugins.scheduling.screens.booking import BookingScreen
from medoffice.testing import wait_for

from .test_screens import SMALL, appointments_of, wait_for_step

pytestmark = pytest.mark.medoffice_plugins("scheduling")


class Gatekeeper:
    """Refuses every booking once ``closed`` (a plugin's veto, with a reason that even says
    'slot taken', to show the flow does not go by the words)."""

    plugin_info = PluginInfo(id="gatekeeper", title="Gatekeeper", api_version=1)

    def __init__(self) -> None:
        self.closed = False

    @hookimpl
    def medoffice_validate_appointment(self, ctx, proposal):
        return "slot taken by the practice's own rule: no bookings today" if self.closed else None


@pytest.fixture
def gatekeeper():
    return Gatekeeper()


@pytest.fixture
def medoffice_extra_plugins(gatekeeper):
    return [gatekeeper]


async def _to_confirm(pilot):
    await wait_for(pilot, lambda: pilot.app.home is not None)
    pilot.app.open_plugin_screen("scheduling.book")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, BookingScreen))
    flow = pilot.app.screen
    await pilot.press(*"Ann", "enter")
    await wait_for_step(pilot, flow, "type")
    await pilot.press("enter")
    await wait_for_step(pilot, flow, "provider")
    await pilot.press("enter")
    await wait_for_step(pilot, flow, "slot")
    await pilot.press("enter")
    await wait_for_step(pilot, flow, "confirm")
    return flow


async def test_another_plugins_refusal_is_said_and_the_confirm_step_stays(medoffice_practice, world, gatekeeper):
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        flow = await _to_confirm(pilot)
        gatekeeper.closed = True
        await pilot.press("enter")
        await wait_for(pilot, lambda: not flow.booking and "Not booked" in str(flow.query_one("#booking-message")
                                                                                .render()))
        said = str(flow.query_one("#booking-message").render())
        assert said == ("Not booked: cannot book: gatekeeper: slot taken by the practice's own rule: "
                        "no bookings today")
        assert flow.step == "confirm"
        assert pilot.app.screen is flow
    assert appointments_of(medoffice_practice, world.ann) == []


async def test_a_slot_the_database_refuses_sends_the_desk_back_to_the_slots(medoffice_practice, world, monkeypatch):
    """The service's own check is blinded (as when two terminals pass it at once on
    PostgreSQL): the database's refusal still reads as a taken slot, and the flow goes back."""
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        flow = await _to_confirm(pilot)
        taken = flow.slot
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.book(ctx, world.cy, taken.provider_id, "Check-up", taken.start)
        monkeypatch.setattr(booking, "conflicts", lambda *args, **kwargs: [])
        await pilot.press("enter")
        await wait_for(pilot, lambda: flow.step == "slot" and not flow.booking)
        said = str(flow.query_one("#booking-message").render())
        assert said.startswith("Not booked: ") and said.endswith(" Free now:")
        assert pilot.app.screen is flow
    assert appointments_of(medoffice_practice, world.ann) == []
