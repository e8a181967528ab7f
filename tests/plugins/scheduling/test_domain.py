"""The scheduling domain as other plugins and the TUI reach it: ``ctx.hooks.scheduling(ctx)``."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.errors import PermissionDenied
from medoffice.core.records import AppointmentRecord
from medoffice.core.services import patients, users
from medoffice.plugins.scheduling import booking

pytestmark = pytest.mark.medoffice_plugins("scheduling")


@pytest.fixture
def booked(medoffice_practice, world):
    with medoffice_practice.operation("frontdesk") as ctx:
        later = booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-07 09:00")
        earlier = booking.book(ctx, world.ann, world.baker, "Check-up", "2026-01-06 11:00")
        other = booking.book(ctx, world.bo, world.adams, "Check-up", "2026-01-06 09:00")
        booking.cancel(ctx, other.id, "sick")
    return earlier, later, other


def test_a_patients_appointments_oldest_first_cancelled_included(medoffice_practice, world, booked):
    earlier, later, _ = booked
    with medoffice_practice.operation("billing", write=False) as ctx:
        ann = patients.get(ctx, world.ann)
        found = ctx.hooks.scheduling(ctx).patient_appointments(ctx, ann.id)
    assert found == [earlier, later]
    assert all(isinstance(r, AppointmentRecord) for r in found)


def test_a_days_appointments_for_everyone_or_one_provider(medoffice_practice, world, booked):
    earlier, _, other = booked
    with medoffice_practice.operation("billing", write=False) as ctx:
        service = ctx.hooks.scheduling(ctx)
        everyone = service.day_appointments(ctx, dt.date(2026, 1, 6))
        baker = service.day_appointments(ctx, dt.date(2026, 1, 6), provider_id=world.baker)
    assert [r.id for r in everyone] == [other.id, earlier.id]
    assert everyone[0].status == "cancelled"
    assert baker == [earlier]


def test_reading_needs_scheduling_read(medoffice_practice, world, booked):
    with medoffice_practice.operation("admin") as ctx:
        users.revoke(ctx, "billing", "scheduling.read")
    with pytest.raises(PermissionDenied, match="scheduling.read"):
        with medoffice_practice.operation("billing", write=False) as ctx:
            ctx.hooks.scheduling(ctx).day_appointments(ctx, dt.date(2026, 1, 6))
