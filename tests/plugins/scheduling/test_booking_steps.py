"""The booking flow's slot and provider steps: jumping to a day, filtering providers by typing,
the patient's own appointments, the move step's words.

The ``world`` of conftest.py at 80x24: Monday 2026-01-05, 07:00 in New York; Dr Baker works
08:00-10:00 at North on Mondays, Dr Adams 09:00-12:00 and 13:00-17:00 at Main on weekdays.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update
from textual.widgets import DataTable, Input, Static

from medoffice.plugins.scheduling.models import Appointment
from medoffice.plugins.scheduling.screens.booking import BookingScreen
from medoffice.testing import burst, wait_for

from .test_screens import SMALL, appointments_of, book, open_board, select, wait_for_step

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("scheduling"), pytest.mark.medoffice_backends("sqlite")]


async def slots_for(pilot, name: str, provider_keys: tuple[str, ...] = ()) -> BookingScreen:
    """F6, the patient, the first type, a provider (any, or the one typed), to the slots."""
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    app.open_plugin_screen("scheduling.book")
    await wait_for(pilot, lambda: isinstance(app.screen, BookingScreen))
    flow = app.screen
    await pilot.press(*name, "enter", "enter", *provider_keys, "enter")
    await wait_for_step(pilot, flow, "slot")
    return flow


def cancelled_elsewhere(practice, appointment_id: int) -> None:
    """Another desk's cancellation, as this desk's flow finds it: the row's status changed."""
    with practice.operation("admin") as ctx:
        ctx.session.execute(update(Appointment).where(Appointment.id == appointment_id).values(status="cancelled"))


def jump_message(flow: BookingScreen) -> str:
    label = flow.query_one("#slot-jump-message", Static)
    return str(label.render()) if label.display else ""


class TestJumpingToADay:
    async def test_typing_a_day_lists_the_slots_from_it(self, medoffice_practice, world):
        """On the slots, "tue" lists from Tuesday, "2w" from Monday the 19th; emptying the field
        goes back to the earliest."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            flow = await slots_for(pilot, "Ann")
            await pilot.press(*"tue")
            await wait_for(pilot, lambda: flow.slots and f"{flow.slots[0].start:%Y-%m-%d}" == "2026-01-06")
            await pilot.press("ctrl+u", *"2w")
            await wait_for(pilot, lambda: flow.slots and f"{flow.slots[0].start:%Y-%m-%d}" == "2026-01-19")
            assert "from Mon 2026-01-19" in str(flow.query_one("#booking-message").render())
            await pilot.press("ctrl+u")
            await wait_for(pilot, lambda: flow.slots and f"{flow.slots[0].start:%Y-%m-%d}" == "2026-01-05")
            assert jump_message(flow) == ""

    @pytest.mark.parametrize(("typed", "said"), [
        ("in 999 weeks", "Cannot jump: 'in 999 weeks' is more than a year ahead: slots are searched at most a "
                         "year ahead."),
        ("2/30", "Cannot jump: '2/30' is not a day of the calendar."),
        ("yesterday", "Cannot jump: Sun 2026-01-04 is in the past: slots are searched from today on."),
        ("x" * 80, "Cannot jump: cannot read 'xxxxxxxxxxxxxxxxxxxx'… as a day: try 2w, +14, 12/17, 2026-12-17 "
                    "or tue."),
    ])
    async def test_a_day_it_cannot_read_is_one_line_under_the_field_and_enter_takes_nothing(
            self, medoffice_practice, world, typed, said):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            flow = await slots_for(pilot, "Ann")
            await burst(pilot, *typed, "enter", "enter")  # typed as fast as the app takes keys
            await wait_for(pilot, lambda: flow.query_one("#slot-jump", Input).value == typed[:60]  # its max_length
                           and jump_message(flow) == said and "Nothing taken" in str(flow.query_one("#booking-message").render()))
            assert jump_message(flow) == said
            assert flow.step == "slot" and str(flow.query_one("#booking-message").render()) == (
                "Nothing taken: mend the day typed above, or rub it out.")
        assert appointments_of(medoffice_practice, world.ann) == []

    async def test_an_emptied_field_takes_the_earliest_slot_again(self, medoffice_practice, world):
        """Typed, then rubbed out: Enter takes the earliest slot (to the confirm step, nothing booked yet)."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            flow = await slots_for(pilot, "Ann")
            await pilot.press(*"2w", "backspace", "backspace", "enter")
            await wait_for_step(pilot, flow, "confirm")
            assert f"{flow.slot.start:%Y-%m-%d %H:%M}" == "2026-01-05 08:00" and jump_message(flow) == ""
        assert appointments_of(medoffice_practice, world.ann) == []

    async def test_brackets_still_page_from_the_field(self, medoffice_practice, world):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            flow = await slots_for(pilot, "Ann")
            await pilot.press(*"tue")
            await wait_for(pilot, lambda: flow.slots and f"{flow.slots[0].start:%Y-%m-%d}" == "2026-01-06")
            last = flow.slots[-1].start.date()
            await pilot.press("right_square_bracket")
            await wait_for(pilot, lambda: flow.slots and flow.slots[0].start.date() > last)
            assert flow.query_one("#slot-jump", Input).value == "tue"
            await pilot.press("left_square_bracket")
            await wait_for(pilot, lambda: flow.slots and f"{flow.slots[0].start:%Y-%m-%d}" == "2026-01-06")


    async def test_a_bracket_right_after_a_day_typed_is_not_undone_when_the_pause_ends(
            self, medoffice_practice, world):
        """ "tu" lists Tuesday's slots; "e" and ``]`` typed at once (the typing pause not over):
        the page goes later and stays there once the pause would have ended."""
        import asyncio

        from medoffice.plugins.scheduling.screens.booking_slots import JUMP_DELAY

        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            flow = await slots_for(pilot, "Ann")
            await burst(pilot, *"tu")
            await wait_for(pilot, lambda: flow.slots and f"{flow.slots[0].start:%Y-%m-%d}" == "2026-01-06")
            last = flow.slots[-1].start.date()
            await burst(pilot, "e", "right_square_bracket")
            await wait_for(pilot, lambda: flow.slots and flow.slots[0].start.date() > last)
            await asyncio.sleep(JUMP_DELAY * 3)
            await pilot.pause()
            assert flow.slots and flow.slots[0].start.date() > last, "the pause's end did not undo the page"
            assert flow.query_one("#slot-jump", Input).value == "tue"


class TestProvidersAndThePatientsOwnTime:
    async def test_typing_filters_the_providers(self, medoffice_practice, world):
        """ "ba" leaves Dr Baker alone (and hides "Any provider"); Enter takes him."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
            app.open_plugin_screen("scheduling.book")
            await wait_for(pilot, lambda: isinstance(app.screen, BookingScreen))
            flow = app.screen
            await pilot.press(*"Ann", "enter", "enter")
            await wait_for_step(pilot, flow, "provider")
            providers = flow.query_one("#providers", DataTable)
            assert providers.row_count == 3
            await pilot.press(*"ba")
            assert [str(providers.get_row_at(i)[0]) for i in range(providers.row_count)] == ["Dr Baker"]
            await pilot.press("backspace", "backspace", *"zz")
            assert providers.row_count == 0
            assert "No provider's name has a word starting 'zz'" in str(flow.query_one("#booking-message").render())
            await pilot.press("enter")
            assert flow.step == "provider"
            await pilot.press("backspace", "backspace", *"ba", "enter")
            await wait_for_step(pilot, flow, "slot")
            assert {s.provider for s in flow.slots} == {"Dr Baker"}

    async def test_a_time_the_patient_is_booked_elsewhere_is_not_offered(self, medoffice_practice, world):
        """Ann sees Dr Baker 08:00-10:00 (a Long visit): with any provider, her first slot is
        Dr Adams's 10:00, not his 09:00."""
        book(medoffice_practice, world.ann, world.baker, "2026-01-05 08:00", "Long")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            flow = await slots_for(pilot, "Ann")
            assert f"{flow.slots[0].start:%H:%M} {flow.slots[0].provider}" == "10:00 Dr Adams"


class TestMoving:
    async def test_the_move_steps_say_only_what_they_offer(self, medoffice_practice, world):
        """m on the board: the slots say "Move to when?", the confirm step says Enter moves it,
        with no note field and no Ctrl+R."""
        ann = book(medoffice_practice, world.ann, world.adams, "2026-01-05 09:00")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await select(pilot, board, ann)
            await pilot.press("m")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, BookingScreen))
            flow = pilot.app.screen
            await wait_for_step(pilot, flow, "slot")
            assert str(flow.query_one("#booking-prompt").render()).startswith("Move to when?")
            await pilot.press("enter")
            await wait_for_step(pilot, flow, "confirm")
            prompt = str(flow.query_one("#booking-prompt").render())
            assert prompt == "Enter moves it; Escape picks another slot."
            assert "note" not in prompt.lower() and "ctrl+r" not in prompt.lower()
            assert not flow.query_one("#note").display and flow.check_action("repeat", ()) is False

    async def test_an_appointment_no_longer_booked_is_said_in_the_desks_words(self, medoffice_practice, world):
        """Another desk cancels Ann's visit while this one moves it: the refusal names her,
        the type and the time, not "appointment 1 is cancelled"."""
        ann = book(medoffice_practice, world.ann, world.adams, "2026-01-05 09:00")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await select(pilot, board, ann)
            await pilot.press("m")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, BookingScreen))
            flow = pilot.app.screen
            await wait_for_step(pilot, flow, "slot")
            await pilot.press("enter")
            await wait_for_step(pilot, flow, "confirm")
            cancelled_elsewhere(medoffice_practice, ann)
            await pilot.press("enter")
            await wait_for(pilot, lambda: str(flow.query_one("#booking-message").render()).startswith("Not moved"))
            said = str(flow.query_one("#booking-message").render())
            assert said == ("Not moved: Lee, Ann's Check-up of Mon 2026-01-05 09:00 is now cancelled: only a booked "
                            "appointment can be moved.")
            assert flow.step == "confirm"


class TestKeysAfterAWaitingEnter:
    async def test_letters_typed_after_an_enter_that_waits_go_to_the_next_step(self, medoffice_practice, world,
                                                                             monkeypatch):
        """"bo", Enter before the (slow) search has answered, then "lon": the Enter waits for the
        patients, and "lon" filters the types (Long), it is not added to the search ("bolon")."""
        import time

        from textual import events

        from medoffice.core.services import patients

        find = patients.find

        def slow_find(*args, **kwargs):
            time.sleep(0.8)
            return find(*args, **kwargs)

        monkeypatch.setattr(patients, "find", slow_find)

        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
            app.open_plugin_screen("scheduling.book")
            await wait_for(pilot, lambda: isinstance(app.screen, BookingScreen) and app.screen.today is not None)
            flow = app.screen
            query = flow.query_one("#patient-query", Input)
            query.value = "bo"
            await pilot.pause()  # the field has told the flow (a search is on its way)
            flow.action_enter()  # the search has not answered: the Enter waits
            assert flow.step == "patient" and flow._held == 1
            for letter in "lon":  # straight to the focused field, as the terminal would send it
                query.post_message(events.Key(letter, letter))
            await wait_for_step(pilot, flow, "type")
            assert query.value == "bo" and flow.query_one("#type-filter", Input).value == "lon"
            types = flow.query_one("#types", DataTable)
            await wait_for(pilot, lambda: types.row_count == 1)
            assert str(types.get_row_at(0)[0]) == "Long"
