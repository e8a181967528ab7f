"""Keystroke budgets of the booking flow, typed as a fast receptionist types: the whole
sequence in one go from a cold start on the day board, without waiting for any list.

The ``world`` of conftest.py: Monday 2026-01-05, 07:00 in New York; Dr Baker works 08:00-10:00
at North on Mondays, Dr Adams 09:00-12:00 and 13:00-17:00 at Main on weekdays. The types are
Check-up, Follow-up (established patients), Long and New patient.
"""

from __future__ import annotations

import pytest

from medoffice.plugins.scheduling.screens.booking import BookingScreen
from medoffice.plugins.scheduling.screens.day_board import DayBoardScreen
from medoffice.testing import wait_for

from .test_screens import SMALL, appointments_of, make_established

pytestmark = pytest.mark.medoffice_plugins("scheduling")


async def type_on_the_board(practice, keys: list[str]) -> None:
    """Sign in as the front desk, wait for the board (home), type ``keys`` in one burst, and
    wait until the booking flow has closed."""
    async with practice.pilot("frontdesk", size=SMALL) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen) and app.screen.data is not None)
        await pilot.press(*keys)
        await wait_for(pilot, lambda: not isinstance(app.screen, BookingScreen), timeout=20)


def booked(practice, mrn) -> list[tuple[str, str, str]]:
    return [(v.appointment_type, v.provider, f"{v.start:%Y-%m-%d %H:%M}")
            for v in appointments_of(practice, mrn) if v.status == "booked"]


class TestKeystrokeBudgets:
    async def test_the_next_free_slot_for_a_phoning_patient_in_at_most_twelve_keys(self, medoffice_practice, world):
        """Bo phones for the earliest appointment: b, "bo", Enter (Bo), Enter (the first type,
        Check-up), Enter (any provider), Enter (the earliest slot), Enter (book). Eight keys."""
        keys = ["b", *"bo", "enter", "enter", "enter", "enter", "enter"]
        await type_on_the_board(medoffice_practice, keys)
        assert len(keys) == 8 <= 12
        assert booked(medoffice_practice, world.bo) == [("Check-up", "Dr Baker", "2026-01-05 08:00")]

    async def test_a_follow_up_in_two_weeks_with_a_named_provider_in_at_most_twelve_keys(
            self, medoffice_practice, world):
        """Bo, seen last week, needs a follow-up with Dr Adams in two weeks: b, "bo", Enter,
        "f" (Follow-up), Enter, "a" (Dr Adams), Enter, "2w" (the slots from Monday the 19th),
        Enter (the first), Enter (book). Twelve keys (it took 28)."""
        make_established(medoffice_practice, world.bo, world.baker)
        keys = ["b", *"bo", "enter", "f", "enter", "a", "enter", *"2w", "enter", "enter"]
        await type_on_the_board(medoffice_practice, keys)
        assert len(keys) == 12
        assert booked(medoffice_practice, world.bo) == [("Follow-up", "Dr Adams", "2026-01-19 09:00")]
