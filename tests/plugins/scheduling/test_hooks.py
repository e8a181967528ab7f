"""What the plugin tells other plugins, and how another plugin may refuse a booking."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core import PluginInfo, hookimpl
from medoffice.core.errors import Conflict
from medoffice.plugins.scheduling import appointment_lists, booking, day_flow

pytestmark = pytest.mark.medoffice_plugins("scheduling")


class Listener:
    """Records every scheduling event; refuses bookings of Dr Baker ("on leave")."""

    plugin_info = PluginInfo(id="listener", title="Listener", api_version=1)

    def __init__(self) -> None:
        self.changes = []
        self.visits = []
        self.proposals = []
        self.on_leave: set[int] = set()

    @hookimpl
    def medoffice_validate_appointment(self, ctx, proposal):
        self.proposals.append(proposal)
        if proposal.provider_id in self.on_leave:
            return "the provider is on leave at that time"
        return None

    @hookimpl
    def medoffice_appointment_changed(self, ctx, change):
        self.changes.append(change)

    @hookimpl
    def medoffice_visit_completed(self, ctx, visit):
        self.visits.append(visit)


@pytest.fixture
def listener():
    return Listener()


@pytest.fixture
def medoffice_extra_plugins(listener):
    return [listener]


def test_hook_appointment_changed_announces_every_change_in_order_and_hook_visit_completed_once(
        medoffice_practice, world, listener, practice_clock):
    practice_clock("2026-01-06 11:20")  # the day of the visits, after the last one's start and its grace
    with medoffice_practice.operation("frontdesk") as ctx:
        first = booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00")
        booking.move(ctx, first.id, "2026-01-06 10:00")
        day_flow.check_in(ctx, first.id)
        day_flow.room(ctx, first.id, "Exam 1")
        done = day_flow.complete(ctx, first.id)
        second = booking.book(ctx, world.bo, world.adams, "Check-up", "2026-01-06 11:00")
        booking.cancel(ctx, second.id, "feeling better")
        third = booking.book(ctx, world.cy, world.adams, "Check-up", "2026-01-06 11:00")
        day_flow.no_show(ctx, third.id)
        day_flow.undo(ctx, third.id)
    assert [c.kind for c in listener.changes] == ["booked", "rescheduled", "checked_in", "roomed", "completed",
                                                  "booked", "cancelled", "booked", "no_show", "undone"]
    undone = listener.changes[-1]
    assert (undone.reason, undone.previous.status, undone.appointment.status) == ("no_show", "no_show", "booked")
    moved = listener.changes[1]
    assert moved.previous.start == dt.datetime(2026, 1, 6, 14, 0, tzinfo=dt.timezone.utc)
    assert moved.appointment.start == dt.datetime(2026, 1, 6, 15, 0, tzinfo=dt.timezone.utc)
    assert listener.changes[6].reason == "feeling better"
    assert listener.changes[6].appointment.status == "cancelled"
    (visit,) = listener.visits
    assert visit.appointment == done and visit.patient_id == done.patient_id and visit.provider_id == world.adams
    assert visit.completed_at.tzinfo is not None
    assert [p.appointment_id for p in listener.proposals] == [None, first.id, None, None]


def test_hook_validate_appointment_refuses_a_booking_with_the_plugins_reason(medoffice_practice, world, listener):
    listener.on_leave.add(world.baker)
    with pytest.raises(Conflict, match="cannot book: listener: the provider is on leave at that time"):
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.book(ctx, world.ann, world.baker, "Check-up", "2026-01-07 08:00")
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert appointment_lists.list_for_patient(ctx, world.ann) == []
    assert listener.changes == []


def test_hook_validate_appointment_refuses_a_move_too(medoffice_practice, world, listener):
    with medoffice_practice.operation("frontdesk") as ctx:
        first = booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00")
    listener.on_leave.add(world.baker)
    with pytest.raises(Conflict, match="on leave"):
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.move(ctx, first.id, "2026-01-06 09:00", provider_id=world.baker)
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        (view,) = appointment_lists.list_for_patient(ctx, world.ann)
    assert view.provider_id == world.adams
