"""What the booking flow tells the desk instead of the services' ids: whether a patient is new
or established, and what holds a time, in names.

The ``world`` of conftest.py: Monday 2026-01-05, 07:00 in New York; Ann, Bo and Cy Lee."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from medoffice.plugins.scheduling import booking, desk_words
from medoffice.plugins.scheduling.models import Appointment

from .test_screens import make_established

pytestmark = pytest.mark.medoffice_plugins("scheduling")


def ask(practice, fn, *args, **kwargs):
    with practice.operation("frontdesk", write=False) as ctx:
        return fn(ctx, *args, **kwargs)


def local(text: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("America/New_York"))


class TestStanding:
    def test_never_booked_is_new_seen_is_established_and_a_first_visit_to_come_depends_on_the_day(
            self, medoffice_practice, world):
        make_established(medoffice_practice, world.ann, world.adams)
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.book(ctx, world.bo, world.adams, "Check-up", "2026-01-07 09:00")
        assert ask(medoffice_practice, desk_words.standing, world.ann) == desk_words.Standing(True)
        assert ask(medoffice_practice, desk_words.standing, world.bo) == desk_words.Standing(None)
        assert ask(medoffice_practice, desk_words.standing, world.cy) == desk_words.Standing(False)

    def test_the_refusal_says_which_patients_the_type_is_for(self):
        seen, new, to_come = desk_words.Standing(True), desk_words.Standing(False), desk_words.Standing(None)
        assert seen.refusal("New patient", "new", "Lee, Ann") == (
            "New patient is for new patients; Lee, Ann has been seen before")
        assert new.refusal("Follow-up", "established", "Lee, Cy") == (
            "Follow-up is for patients seen before; Lee, Cy is new")
        assert [s.refusal("X", kind, "P") for s in (seen, new, to_come) for kind in ("any",)] == [None] * 3
        assert to_come.refusal("X", "new", "P") is None and to_come.refusal("X", "established", "P") is None


class TestWhyTaken:
    def test_the_patients_own_visit_and_the_providers_are_named(self, medoffice_practice, world):
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.book(ctx, world.ann, world.baker, "Check-up", "2026-01-05 08:00")
            booking.book(ctx, world.bo, world.adams, "Check-up", "2026-01-05 09:00")
        at_eight, at_nine = local("2026-01-05 08:00"), local("2026-01-05 09:00")
        half = dt.timedelta(minutes=30)
        assert ask(medoffice_practice, desk_words.why_taken, world.ann, world.adams, at_eight, at_eight + half) == (
            "Lee, Ann already has a Check-up with Dr Baker 08:00-08:30")
        assert ask(medoffice_practice, desk_words.why_taken, world.cy, world.adams, at_nine, at_nine + half) == (
            "Dr Adams was just booked 09:00-09:30 for another patient")
        assert ask(medoffice_practice, desk_words.why_taken, world.cy, world.adams, at_eight, at_eight + half) is None

    def test_an_appointment_no_longer_booked_is_named_with_its_status(self, medoffice_practice, world):
        with medoffice_practice.operation("frontdesk") as ctx:
            kept = booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-05 09:00").id
            gone = booking.book(ctx, world.bo, world.adams, "Check-up", "2026-01-05 10:00").id
            ctx.session.execute(update(Appointment).where(Appointment.id == gone).values(status="no_show"))
        assert ask(medoffice_practice, desk_words.why_not_movable, kept) is None
        assert ask(medoffice_practice, desk_words.why_not_movable, gone) == (
            "Lee, Bo's Check-up of Mon 2026-01-05 10:00 is now a no-show: only a booked appointment can be moved")
