"""The front desk's day in the TUI: the day board, the booking flow, the patient card's panel.

Every story runs at 80x24, the smallest terminal the practice may have, on the ``world`` of
conftest.py: its clock is fixed on Monday 2026-01-05 12:00 UTC, which is 07:00 in the
practice's New York; Dr Baker works 08:00-10:00 at North today, Dr Adams 09:00-12:00 and
13:00-17:00 at Main (rooms Exam 1 and Exam 2).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from textual.widgets import DataTable, Input

from medoffice.core.services import patients
from medoffice.plugins.scheduling import appointment_lists, booking, day_flow, slots
from medoffice.plugins.scheduling.screens import booking as flow_module
from medoffice.plugins.scheduling.screens.appointments_panel import AppointmentsPanel
from medoffice.plugins.scheduling.screens.booking import BookingScreen
from medoffice.plugins.scheduling.screens.day_board import DayBoardScreen
from medoffice.plugins.scheduling.screens.dialogs import ChoiceDialog, OverbookDialog, ReasonDialog
from medoffice.testing import check_screens, wait_for
from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens.patient_card import PatientCardScreen

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("scheduling"), pytest.mark.medoffice_backends("sqlite")]

SMALL = (80, 24)
TODAY = "2026-01-05"


# -- helpers ---------------------------------------------------------------------------------


def book(practice, mrn, provider, at, kind="Check-up", **options):
    with practice.operation("frontdesk") as ctx:
        return booking.book(ctx, mrn, provider, kind, at, **options).id


def act(practice, fn, *args, user="frontdesk"):
    with practice.operation(user) as ctx:
        return fn(ctx, *args)


def appointments_of(practice, mrn):
    with practice.operation("admin", write=False) as ctx:
        return appointment_lists.list_for_patient(ctx, mrn)


def view_of(practice, appointment_id, day=TODAY):
    """The appointment as the day board's service reads it now."""
    with practice.operation("admin", write=False) as ctx:
        views = appointment_lists.day(ctx, day)
    return next(v for v in views if v.id == appointment_id)


def messages(app):
    return [n.message for n in app._notifications]


def message_line(board: DayBoardScreen) -> str:
    return str(board.query_one("#board-message").render())


def footer_offers(screen) -> dict[str, bool]:
    """The keys the footer shows now -> whether each is offered (False: dimmed)."""
    from medoffice.ui._textual_private import FooterKey

    return {str(k.key_display): not k.has_class("-disabled") for k in screen.query(FooterKey)}


def board_data_now(practice, board):
    """What the board's next load would read."""
    from medoffice.plugins.scheduling.screens.day_board import board_data

    with practice.operation("frontdesk", write=False) as ctx:
        return board_data(ctx, board.day)


def a_day(practice, world):
    """Ann with Dr Adams at 09:00, Bo with Dr Baker at 08:00 and Cy with Dr Adams at 10:00."""
    return (book(practice, world.ann, world.adams, f"{TODAY} 09:00"),
            book(practice, world.bo, world.baker, f"{TODAY} 08:00"),
            book(practice, world.cy, world.adams, f"{TODAY} 10:00", "Long"))


async def open_board(pilot) -> DayBoardScreen:
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    app.open_plugin_screen("scheduling.day")
    await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen) and app.screen.data is not None)
    await pilot.pause()
    return app.screen


def board_rows(board: DayBoardScreen) -> list[tuple[str, ...]]:
    table = board.query_one("#board", DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def select(pilot, board: DayBoardScreen, appointment_id: int) -> None:
    index = next(i for i, v in enumerate(board.shown) if v.id == appointment_id)
    board.query_one("#board", DataTable).move_cursor(row=index)
    await pilot.pause()
    assert board.selected().id == appointment_id


def make_established(practice, mrn, provider):
    """A completed visit a week ago: the patient is now an established one. The clock goes
    back to that morning for the visit (a patient checks in on the day), then returns."""
    earlier = book(practice, mrn, provider, "2025-12-29 09:00")
    now, practice.runtime.clock = practice.runtime.clock, lambda: dt.datetime(2025, 12, 29, 13, 55, tzinfo=dt.UTC)
    try:
        act(practice, day_flow.check_in, earlier)
        act(practice, day_flow.complete, earlier)
    finally:
        practice.runtime.clock = now


# -- the day board ---------------------------------------------------------------------------


class TestDayBoard:
    async def test_the_board_lists_todays_appointments_by_provider(self, medoffice_practice, world):
        """Per provider, then by time: Dr Adams's two, then Dr Baker's; the type in its colour."""
        ann, bo, cy = a_day(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            assert [v.id for v in board.shown] == [ann, cy, bo]
            first = board_rows(board)[0]
            assert first[:6] == ("09:00", "Lee, Ann", "Check-up", "Dr Adams", "", "booked")
            type_cell = board.query_one("#board", DataTable).get_row_at(0)[2]
            assert type_cell.style.color.triplet.hex == "#008000"  # the type's "green"
            title = str(board.query_one("#board-title").render())
            assert title == "Mon 2026-01-05 (today)  ·  3 appointments  ·  all providers"

    async def test_per_location_and_one_provider_at_a_time(self, medoffice_practice, world):
        """g groups by location (Main before North); f shows one location, then the next, then all."""
        ann, bo, cy = a_day(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await pilot.press("g")
            assert [v.id for v in board.shown] == [ann, cy, bo]
            await pilot.press("f")
            assert [v.id for v in board.shown] == [ann, cy] and board.only == "Main"
            await pilot.press("f")
            assert [v.id for v in board.shown] == [bo]
            await pilot.press("f")
            assert len(board.shown) == 3 and board.only is None

    async def test_check_in_room_and_complete_with_single_keys(self, medoffice_practice, world):
        """c, then r and a room, then d: the patient's way through the visit, waiting time shown."""
        ann, _, _ = a_day(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await select(pilot, board, ann)
            await pilot.press("c")
            await wait_for(pilot, lambda: board.selected().status == "arrived")
            assert view_of(medoffice_practice, ann).arrived_at is not None
            assert board_rows(board)[0][5:] == ("arrived", "07:00", "0")
            assert "1 waiting" in str(board.query_one("#board-title").render())

            await pilot.press("r")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
            await pilot.press("down", "enter")
            await wait_for(pilot, lambda: board.selected().status == "in_room")
            assert view_of(medoffice_practice, ann).room == "Exam 2"

            await pilot.press("d")
            await wait_for(pilot, lambda: board.selected().status == "completed")
            assert board_rows(board)[0][5] == "done"

    async def test_cancel_asks_for_a_reason_and_keeps_it(self, medoffice_practice, world):
        """x opens a reason box; an empty reason is refused in place; Escape changes nothing."""
        ann, _, _ = a_day(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await select(pilot, board, ann)
            await pilot.press("x")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReasonDialog))
            await pilot.press("escape")
            await wait_for(pilot, lambda: pilot.app.screen is board)
            assert view_of(medoffice_practice, ann).status == "booked"

            await pilot.press("x")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReasonDialog))
            await pilot.press("enter")
            assert "required" in str(pilot.app.screen.query_one("#dialog-message").render())
            await pilot.press(*"patient called", "enter")
            await wait_for(pilot, lambda: board.selected() is not None and board.selected().status == "cancelled")
            stored = view_of(medoffice_practice, ann)
            assert (stored.status, stored.cancel_reason) == ("cancelled", "patient called")

    async def test_no_show_frees_the_slot(self, medoffice_practice, world, practice_clock):
        """At 08:20 Bo is 20 minutes late for 08:00: n marks the no-show."""
        _, bo, _ = a_day(medoffice_practice, world)
        practice_clock(f"{TODAY} 08:20")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await select(pilot, board, bo)
            await pilot.press("n")
            await wait_for(pilot, lambda: board.selected().status == "no_show")
        assert view_of(medoffice_practice, bo).status == "no_show"

    async def test_a_step_not_offered_says_why_and_a_stale_one_is_refused(self, medoffice_practice, world):
        """Done is dimmed on a booked row: d says why in one line and changes nothing. When
        another terminal has just checked Ann in, this board still offers c: the service refuses
        it in one line, no traceback, the row reloads and the board still works."""
        ann, _, _ = a_day(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await select(pilot, board, ann)
            assert board.check_action("complete", ()) is None  # shown dimmed
            await pilot.press("d")
            await wait_for(pilot, lambda: message_line(board) == "Not offered: Ann Lee's 09:00 appointment is booked "
                                                                 "and cannot be done")
            assert view_of(medoffice_practice, ann).status == "booked"

            act(medoffice_practice, day_flow.check_in, ann)  # another terminal
            await pilot.press("c")
            await wait_for(pilot, lambda: message_line(board).startswith("Not done"))
            assert any("Ann Lee's 09:00 appointment is checked in and cannot be checked in" in m
                       for m in messages(pilot.app)), messages(pilot.app)
            await wait_for(pilot, lambda: board.selected().status == "arrived")
            await pilot.press("d")
            await wait_for(pilot, lambda: board.selected().status == "completed")
            assert pilot.app.screen is board

    async def test_tomorrows_patient_is_not_checked_in_today(self, medoffice_practice, world):
        """On tomorrow's board Check in is dimmed; c says the appointment is not today."""
        tomorrow = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await pilot.press("right_square_bracket")
            await wait_for(pilot, lambda: board.data.day == dt.date(2026, 1, 6) and board.selected() is not None)
            assert board.check_action("check_in", ()) is None
            await pilot.press("c")
            await wait_for(pilot, lambda: "not today (Mon 2026-01-05)" in message_line(board))
        assert view_of(medoffice_practice, tomorrow, "2026-01-06").status == "booked"

    async def test_the_footer_follows_the_selected_row_and_is_refreshed_only_when_it_changes(
            self, medoffice_practice, world):
        """Cy has arrived, Ann is booked. On Ann the footer offers Check in and dims Done; on Cy
        the reverse. Reloads that change nothing leave the footer alone (each refresh makes
        Textual's footer look again); moving between the two rows refreshes it."""
        ann, _, cy = a_day(medoffice_practice, world)
        act(medoffice_practice, day_flow.check_in, cy)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await select(pilot, board, ann)
            await wait_for(pilot, lambda: footer_offers(board).get("c") is True)
            assert footer_offers(board)["d"] is False

            refreshes = []
            original = board.refresh_bindings
            board.refresh_bindings = lambda: (refreshes.append(1), original())[1]
            for _ in range(3):
                board.show(board_data_now(medoffice_practice, board))
                board.load()
                await wait_for(pilot, lambda: not board.workers)
            await pilot.pause()
            assert refreshes == []

            from medoffice.ui._textual_private import FooterKey

            keys = list(board.query(FooterKey))
            await select(pilot, board, cy)
            await wait_for(pilot, lambda: footer_offers(board).get("d") is True)
            assert footer_offers(board)["c"] is False and refreshes == [1]
            assert list(board.query(FooterKey)) == keys, "the same keys dimmed and lit, not made again"
            await select(pilot, board, ann)
            await wait_for(pilot, lambda: footer_offers(board).get("c") is True)
            assert refreshes == [1, 1]

    async def test_an_empty_day_says_so_and_how_to_move_on(self, medoffice_practice, world):
        """No bookings today: the board says so with [ ], t and the booking keys instead of an
        empty table; the next day with an appointment shows the table again, focused."""
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            notice = board.query_one("#board-empty")
            table = board.query_one("#board", DataTable)
            assert notice.display and not table.display
            assert str(notice.render()) == ("No appointments on Mon 2026-01-05 (today).\n\n"
                                            "[ and ]: the day before and after   t: today   "
                                            "b or F6: book an appointment")
            assert footer_offers(board)["c"] is False  # nothing selected: dimmed
            await pilot.press("right_square_bracket")
            await wait_for(pilot, lambda: board.data.day == dt.date(2026, 1, 6))
            assert table.display and not notice.display and table.has_focus
            await pilot.press("down")  # the keys reach the table again
            assert board.selected() is not None

    async def test_an_empty_day_offers_no_booking_to_a_user_who_may_not_book(self, medoffice_practice, world):
        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            board = await open_board(pilot)
            text = str(board.query_one("#board-empty").render())
            assert text.startswith("No appointments on Mon 2026-01-05 (today).") and "F6" not in text

    async def test_a_room_taken_by_another_terminal_is_refused_naming_who_is_in_it(self, medoffice_practice, world,
                                                                                   practice_clock):
        """Tuesday at Main, Ann (Dr Adams) and Bo (Dr Baker) both wait for 09:00. Another
        terminal puts Ann in Exam 1 while this board shows Bo: rooming Bo there is refused in
        one line naming Ann, and Bo stays waiting."""
        practice_clock("2026-01-06 08:55")
        ann = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        bo = book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:00")
        act(medoffice_practice, day_flow.check_in, ann)
        act(medoffice_practice, day_flow.check_in, bo)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await wait_for(pilot, lambda: board.data.day == dt.date(2026, 1, 6) and len(board.shown) == 2)
            act(medoffice_practice, day_flow.room, ann, "Exam 1")
            await select(pilot, board, bo)
            await pilot.press("r")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
            await pilot.press("home", "enter")  # Exam 1, whatever the list shows of it
            await wait_for(pilot, lambda: "Exam 1 is taken: Ann Lee is in it since 08:55" in message_line(board))
            assert any(m.startswith("Exam 1 is taken") for m in messages(pilot.app)), "a domain error, no plugin name"
            assert pilot.app.screen is board
        kept = view_of(medoffice_practice, bo, "2026-01-06")
        assert (kept.status, kept.room) == ("arrived", None)

    async def test_a_user_who_may_only_read_gets_no_acting_keys(self, medoffice_practice, world):
        """The billing clerk sees the board, but c does nothing and the footer offers no Check in."""
        ann, _, _ = a_day(medoffice_practice, world)
        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            board = await open_board(pilot)
            await select(pilot, board, ann)
            assert board.check_action("check_in", ()) is False
            await pilot.press("c", "x")
            await pilot.pause()
            assert pilot.app.screen is board
            assert view_of(medoffice_practice, ann).status == "booked"

    async def test_days_move_with_brackets_and_t_comes_back(self, medoffice_practice, world):
        tomorrow = book(medoffice_practice, world.bo, world.adams, "2026-01-06 11:00")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            assert board.shown == []
            await pilot.press("right_square_bracket")
            await wait_for(pilot, lambda: board.data.day == dt.date(2026, 1, 6))
            assert [v.id for v in board.shown] == [tomorrow]
            await pilot.press("left", "left")
            await wait_for(pilot, lambda: board.data.day == dt.date(2026, 1, 4))
            await pilot.press("t")
            await wait_for(pilot, lambda: board.data.day == dt.date(2026, 1, 5))

    async def test_another_terminals_change_appears_and_the_cursor_stays(self, medoffice_practice, world,
                                                                        monkeypatch):
        """The board reloads on its timer; the cursor stays on the same appointment even when a
        new booking lands above it."""
        monkeypatch.setattr(DayBoardScreen, "refresh_seconds", 0.1)
        ann, bo, cy = a_day(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await select(pilot, board, cy)
            earlier = book(medoffice_practice, world.bo, world.adams, f"{TODAY} 09:30")
            act(medoffice_practice, day_flow.check_in, cy)
            await wait_for(pilot, lambda: len(board.shown) == 4 and board.selected().status == "arrived")
            assert board.selected().id == cy and earlier in [v.id for v in board.shown]

    async def test_enter_opens_the_patients_card(self, medoffice_practice, world):
        ann, _, _ = a_day(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await select(pilot, board, ann)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, PatientCardScreen)
                           and pilot.app.screen.patient is not None)
            assert pilot.app.screen.patient.mrn == world.ann


# -- the booking flow ------------------------------------------------------------------------


async def wait_for_step(pilot, screen: BookingScreen, step: str) -> None:
    """Until ``step`` shows with what it lists loaded (the types, the providers, the slots)."""
    tables = {"type": "#types", "provider": "#providers", "slot": "#slots"}

    def ready() -> bool:
        if screen.step != step:
            return False
        return step not in tables or screen.query_one(tables[step], DataTable).row_count > 0

    await wait_for(pilot, ready)


class TestBookingFlow:
    async def test_booking_from_the_board_through_the_slot_finder(self, medoffice_practice, world):
        """b on the board, a patient, a type, "any", the earliest slot, a note: booked, and the
        board shows it."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await pilot.press("b")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, BookingScreen))
            flow = pilot.app.screen
            await pilot.press(*"Bo", "enter")
            await wait_for_step(pilot, flow, "type")
            assert (flow.mrn, flow.patient_name) == (world.bo, "Lee, Bo")
            await pilot.press(*"lon")  # filter the types: Long
            assert flow.query_one("#types", DataTable).row_count == 1
            await pilot.press("enter")
            await wait_for_step(pilot, flow, "provider")
            await pilot.press("down", "enter")  # Dr Adams
            await wait_for_step(pilot, flow, "slot")
            first = flow.slots[0]
            assert (first.provider, f"{first.start:%Y-%m-%d %H:%M}") == ("Dr Adams", "2026-01-05 09:00")
            await pilot.press("enter")
            await wait_for_step(pilot, flow, "confirm")
            await pilot.press(*"knee", "enter")
            await wait_for(pilot, lambda: pilot.app.screen is board and len(board.shown) == 1)
        (view,) = appointments_of(medoffice_practice, world.bo)
        assert (view.appointment_type, view.provider, f"{view.start:%H:%M}", view.note) == (
            "Long", "Dr Adams", "09:00", "knee")

    async def test_escape_goes_back_one_step_and_closes_from_the_first(self, medoffice_practice, world):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            await wait_for(pilot, lambda: pilot.app.home is not None)
            pilot.app.open_plugin_screen("scheduling.book")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, BookingScreen))
            flow = pilot.app.screen
            await pilot.press(*"Cy", "enter")
            await wait_for_step(pilot, flow, "type")
            await pilot.press("enter")
            await wait_for_step(pilot, flow, "provider")
            await pilot.press("escape")
            assert flow.step == "type"
            await pilot.press("escape")
            assert flow.step == "patient"
            await pilot.press("escape")
            await wait_for(pilot, lambda: pilot.app.screen is pilot.app.home)
        assert appointments_of(medoffice_practice, world.cy) == []

    async def test_a_slot_taken_meanwhile_is_refused_and_the_slots_are_found_again(self, medoffice_practice, world):
        """Another terminal books the slot while the receptionist confirms: "slot taken" in one
        line, back to the slots, which no longer offer it."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
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
            taken = flow.slots[0]
            await pilot.press("enter")
            await wait_for_step(pilot, flow, "confirm")
            book(medoffice_practice, world.cy, taken.provider_id, taken.start)
            await pilot.press("enter")
            await wait_for(pilot, lambda: flow.step == "slot" and flow.slots and flow.slots[0] != taken)
            said = str(flow.query_one("#booking-message").render())
            assert said == (f"Not booked: {taken.provider} was just booked {taken.start:%H:%M}-{taken.end:%H:%M} "
                            "for another patient. Free now:")
            assert pilot.app.screen is flow
            assert not [m for m in messages(pilot.app) if "appointment" in m or "plugin" in m]
        assert appointments_of(medoffice_practice, world.ann) == []

    async def test_a_type_for_new_patients_is_not_offered_to_an_established_one(self, medoffice_practice, world):
        """Ann has been seen: "New patient" is listed last, dimmed, with why; Enter on it says
        why in one line and stays on the type step; nothing is booked."""
        make_established(medoffice_practice, world.ann, world.adams)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            await wait_for(pilot, lambda: pilot.app.home is not None)
            pilot.app.open_plugin_screen("scheduling.book")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, BookingScreen))
            flow = pilot.app.screen
            await pilot.press(*"Ann", "enter")
            await wait_for_step(pilot, flow, "type")
            await wait_for(pilot, lambda: flow.standing_of == world.ann)
            types = flow.query_one("#types", DataTable)
            rows = [[str(cell) for cell in types.get_row_at(i)] for i in range(types.row_count)]
            assert [row[0] for row in rows] == ["Check-up", "Follow-up", "Long", "New patient"]
            assert rows[-1][2] == "new patients only" and types.get_row_at(3)[0].style == "dim"
            await pilot.press(*"new", "enter", "enter")
            await wait_for(pilot, lambda: "Not offered" in str(flow.query_one("#booking-message").render()))
            assert str(flow.query_one("#booking-message").render()) == (
                "Not offered: New patient is for new patients; Lee, Ann has been seen before.")
            assert flow.step == "type" and not flow.booking
        assert len(appointments_of(medoffice_practice, world.ann)) == 1

    async def test_a_type_for_established_patients_is_not_offered_to_a_new_one(self, medoffice_practice, world):
        """Bo has never been seen: Follow-up is dimmed and refused with why, from the card too."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            await wait_for(pilot, lambda: pilot.app.home is not None)
            with medoffice_practice.operation("frontdesk", write=False) as ctx:
                bo = patients.get(ctx, world.bo)
            pilot.app.open_patient(bo)
            await wait_for(pilot, lambda: bool(pilot.app.screen.query(AppointmentsPanel))
                           and pilot.app.screen.query_one(AppointmentsPanel).visits is not None)
            await pilot.press("b")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, BookingScreen))
            flow = pilot.app.screen
            await wait_for_step(pilot, flow, "type")
            await pilot.press(*"fol", "enter")
            await wait_for(pilot, lambda: "Not offered" in str(flow.query_one("#booking-message").render()))
            assert "Follow-up is for patients seen before; Lee, Bo is new" in str(
                flow.query_one("#booking-message").render())
            assert flow.step == "type"
        assert appointments_of(medoffice_practice, world.bo) == []

    async def test_a_manager_overbooks_a_taken_time_with_a_reason(self, medoffice_practice, world):
        """o on the slots asks when and why; the booking over Ann's 09:00 is marked overbooked."""
        book(medoffice_practice, world.ann, world.adams, f"{TODAY} 09:00")
        async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
            await wait_for(pilot, lambda: pilot.app.home is not None)
            pilot.app.open_plugin_screen("scheduling.book")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, BookingScreen))
            flow = pilot.app.screen
            await pilot.press(*"Bo", "enter")
            await wait_for_step(pilot, flow, "type")
            await pilot.press("enter")
            await wait_for_step(pilot, flow, "provider")
            await pilot.press("down", "enter")
            await wait_for_step(pilot, flow, "slot")
            await pilot.press("o")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, OverbookDialog))
            start = pilot.app.screen.query_one("#start", Input)
            assert start.value == "2026-01-05 09:30"  # the highlighted slot, to edit
            start.value = f"{TODAY} 09:00"
            await pilot.press(*"urgent: chest pain", "enter")
            await wait_for(pilot, lambda: not isinstance(pilot.app.screen, (OverbookDialog, BookingScreen)))
        (view,) = appointments_of(medoffice_practice, world.bo)
        assert (f"{view.start:%H:%M}", view.overbooked) == ("09:00", True)

    async def test_the_front_desk_has_no_overbook_key(self, medoffice_practice, world):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            await wait_for(pilot, lambda: pilot.app.home is not None)
            pilot.app.open_plugin_screen("scheduling.book")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, BookingScreen))
            flow = pilot.app.screen
            await pilot.press(*"Bo", "enter")
            await wait_for_step(pilot, flow, "type")
            await pilot.press("enter", "enter")
            await wait_for_step(pilot, flow, "slot")
            assert flow.check_action("overbook", ()) is False
            await pilot.press("o")
            await pilot.pause()
            assert pilot.app.screen is flow

    async def test_m_on_the_board_reschedules_through_the_slot_finder(self, medoffice_practice, world):
        """The flow opens on the free slots of the same type with the same provider, every
        quarter of an hour: Ann's 09:00-09:30 may go to 09:15, which overlaps only itself, in
        the room it was booked in (09:00, where it is, is not offered)."""
        ann = book(medoffice_practice, world.ann, world.adams, f"{TODAY} 09:00", room="Exam 1")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await select(pilot, board, ann)
            await pilot.press("m")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, BookingScreen))
            flow = pilot.app.screen
            await wait_for_step(pilot, flow, "slot")
            assert {s.provider for s in flow.slots} == {"Dr Adams"}
            assert [f"{s.start:%H:%M}" for s in flow.slots[:3]] == ["09:15", "09:30", "09:45"]
            await pilot.press("enter")
            await wait_for_step(pilot, flow, "confirm")
            await pilot.press("enter")
            await wait_for(pilot, lambda: pilot.app.screen is board and board.shown
                           and f"{board.shown[0].start:%H:%M}" == "09:15")
        (view,) = appointments_of(medoffice_practice, world.ann)
        assert (view.id, f"{view.start:%H:%M}", view.room, view.status) == (ann, "09:15", "Exam 1", "booked")


class TestKeystrokeBudget:
    async def test_an_established_patient_is_booked_into_the_first_free_slot_in_six_keys(
            self, medoffice_practice, world):
        """After typing the search text: Enter opens Ann's card, b books, Enter takes the first
        type, Enter "Any provider", Enter the earliest slot, Enter confirms. Six keys."""
        make_established(medoffice_practice, world.ann, world.adams)
        keys: list[str] = []
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app

            async def key(name: str, then) -> None:
                keys.append(name)
                await pilot.press(name)
                await wait_for(pilot, then)

            def flow() -> BookingScreen | None:
                return app.screen if isinstance(app.screen, BookingScreen) else None

            def at(step: str, table: str | None = None):
                return lambda: flow() is not None and flow().step == step and (
                    table is None or flow().query_one(table, DataTable).row_count > 0)

            await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
            await pilot.press("f2", *"Ann")  # from the day board (home) to the search text: not counted
            await key("enter", lambda: isinstance(app.focused, DataTable) and app.focused.id == "visits")
            await key("b", at("type", "#types"))
            await key("enter", at("provider", "#providers"))
            await key("enter", at("slot", "#slots"))
            await key("enter", at("confirm"))
            await key("enter", lambda: isinstance(app.screen, PatientCardScreen)
                      and len(app.screen.query_one(AppointmentsPanel).visits.upcoming) == 1)
        assert len(keys) == 6
        upcoming = [v for v in appointments_of(medoffice_practice, world.ann) if v.status == "booked"]
        assert [(v.appointment_type, v.provider, f"{v.start:%Y-%m-%d %H:%M}") for v in upcoming] == [
            ("Check-up", "Dr Baker", "2026-01-05 08:00")]


# -- the patient card and the palette -------------------------------------------------------


class TestPatientCardAndPalette:
    async def test_the_card_lists_coming_visits_then_past_ones(self, medoffice_practice, world):
        make_established(medoffice_practice, world.ann, world.adams)
        coming = book(medoffice_practice, world.ann, world.baker, "2026-01-07 08:00")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            with medoffice_practice.operation("frontdesk", write=False) as ctx:
                pilot.app.open_patient(patients.get(ctx, world.ann))
            await wait_for(pilot, lambda: bool(pilot.app.screen.query(AppointmentsPanel))
                           and pilot.app.screen.query_one(AppointmentsPanel).visits is not None)
            panel = pilot.app.screen.query_one(AppointmentsPanel)
            table = panel.query_one("#visits", DataTable)
            rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
            assert rows == [["Wed 2026-01-07 08:00", "Check-up", "Dr Baker", "booked"],
                            ["Mon 2025-12-29 09:00", "Check-up", "Dr Adams", "done"]]
            assert [v.id for v in panel.visits.upcoming] == [coming]
            assert "1 coming  ·  1 past  ·  b: book" in str(panel.query_one("#visits-status").render())

    async def test_the_billing_clerk_sees_the_visits_but_cannot_book(self, medoffice_practice, world):
        async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
            with medoffice_practice.operation("billing", write=False) as ctx:
                pilot.app.open_patient(patients.get(ctx, world.bo))
            await wait_for(pilot, lambda: bool(pilot.app.screen.query(AppointmentsPanel))
                           and pilot.app.screen.query_one(AppointmentsPanel).visits is not None)
            panel = pilot.app.screen.query_one(AppointmentsPanel)
            assert str(panel.query_one("#visits-status").render()).strip() == "No appointments yet."
            await pilot.press("b")
            await pilot.pause()
            assert isinstance(pilot.app.screen, PatientCardScreen)

    async def test_palette_actions_open_the_board_and_the_booking_flow(self, medoffice_practice, world):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None)
            actions = {a.title: (p, a) for p, a in app.contributions.actions_for(app.user)}
            assert {"Book appointment", "Day board"} <= set(actions)
            app.run_plugin_action(*actions["Day board"])
            await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen) and app.screen.data is not None)
            app.run_plugin_action(*actions["Book appointment"])
            await wait_for(pilot, lambda: isinstance(app.screen, BookingScreen) and app.screen.step == "patient")

    async def test_f5_opens_the_day_board_from_anywhere(self, medoffice_practice, world):
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            await wait_for(pilot, lambda: pilot.app.home is not None)
            await pilot.press("f5")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, DayBoardScreen))


async def test_every_scheduling_screen_and_panel_mounts(medoffice_practice, world):
    """The conformance check for screens: the day board, the booking flow and the card's panel."""
    a_day(medoffice_practice, world)
    await check_screens(medoffice_practice, "scheduling")


# -- the look --------------------------------------------------------------------------------

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
class TestSnapshots:
    @pytest.mark.parametrize("size", SIZES)
    def test_day_board(self, snap_compare, medoffice_practice, world, size):
        """Monday's board at 07:00: Ann in Exam 1 after 15 minutes' wait, Cy waiting for 12
        minutes, Bo booked; the cursor on Cy."""
        ann, bo, cy = a_day(medoffice_practice, world)
        runtime = medoffice_practice.runtime
        now = runtime.clock()
        for minutes_ago, step, *args in ((20, day_flow.check_in), (5, day_flow.room, "Exam 1")):
            runtime.clock = lambda ago=minutes_ago: now - dt.timedelta(minutes=ago)
            act(medoffice_practice, step, ann, *args)
        runtime.clock = lambda: now - dt.timedelta(minutes=12)
        act(medoffice_practice, day_flow.check_in, cy)
        runtime.clock = lambda: now
        app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

        async def open_it(pilot):
            board = await open_board(pilot)
            await select(pilot, board, cy)

        assert snap_compare(app, terminal_size=size, run_before=open_it)

    @pytest.mark.parametrize("size", SIZES)
    def test_booking_flow_slots(self, snap_compare, medoffice_practice, world, size):
        """The slot finder for a Check-up with any provider, the earliest first."""
        app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

        async def find_slots(pilot):
            await wait_for(pilot, lambda: app.home is not None)
            app.open_plugin_screen("scheduling.book")
            await wait_for(pilot, lambda: isinstance(app.screen, BookingScreen))
            await pilot.press(*"Ann", "enter")
            await wait_for_step(pilot, app.screen, "type")
            await pilot.press("enter", "enter")
            await wait_for_step(pilot, app.screen, "slot")
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=find_slots)

    @pytest.mark.parametrize("size", SIZES)
    def test_booking_flow_confirm(self, snap_compare, medoffice_practice, world, size):
        """The confirm line with a note being typed."""
        app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

        async def confirm(pilot):
            await wait_for(pilot, lambda: app.home is not None)
            app.open_plugin_screen("scheduling.book")
            await wait_for(pilot, lambda: isinstance(app.screen, BookingScreen))
            await pilot.press(*"Ann", "enter")
            await wait_for_step(pilot, app.screen, "type")
            await pilot.press("enter", "enter")
            await wait_for_step(pilot, app.screen, "slot")
            await pilot.press("enter", *"cough")
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=confirm)


    @pytest.mark.parametrize("size", SIZES)
    def test_booking_flow_types_for_an_established_patient(self, snap_compare, medoffice_practice, world, size):
        """Ann has been seen: New patient is listed last, dimmed, "new patients only"."""
        make_established(medoffice_practice, world.ann, world.adams)
        app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

        async def types(pilot):
            await wait_for(pilot, lambda: app.home is not None)
            app.open_plugin_screen("scheduling.book")
            await wait_for(pilot, lambda: isinstance(app.screen, BookingScreen))
            await pilot.press(*"Ann", "enter")
            await wait_for_step(pilot, app.screen, "type")
            await wait_for(pilot, lambda: app.screen.standing_of == world.ann)
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=types)

    @pytest.mark.parametrize("size", SIZES)
    def test_booking_flow_providers_filtered(self, snap_compare, medoffice_practice, world, size):
        """"ba" typed on the provider step: Dr Baker alone."""
        app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

        async def providers(pilot):
            await wait_for(pilot, lambda: app.home is not None)
            app.open_plugin_screen("scheduling.book")
            await wait_for(pilot, lambda: isinstance(app.screen, BookingScreen))
            await pilot.press(*"Ann", "enter", "enter")
            await wait_for_step(pilot, app.screen, "provider")
            await pilot.press(*"ba")
            app.screen.query_one("#provider-filter", Input).cursor_blink = False  # not on the blink
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=providers)

    @pytest.mark.parametrize("size", SIZES)
    @pytest.mark.parametrize("typed", [pytest.param("2w", id="two-weeks"), pytest.param("2/30", id="no-such-day")])
    def test_booking_flow_slots_after_a_jump(self, snap_compare, medoffice_practice, world, size, typed):
        """"2w" on the slots lists them from Monday the 19th; "2/30" says under the field why not."""
        app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

        async def jump(pilot):
            await wait_for(pilot, lambda: app.home is not None)
            app.open_plugin_screen("scheduling.book")
            await wait_for(pilot, lambda: isinstance(app.screen, BookingScreen))
            await pilot.press(*"Ann", "enter", "enter", "enter")
            await wait_for_step(pilot, app.screen, "slot")
            await pilot.press(*typed)
            flow = app.screen
            await wait_for(pilot, lambda: flow.query_one("#slot-jump-message").display if typed == "2/30" else (
                flow.slots and f"{flow.slots[0].start:%d}" == "19"))
            flow.query_one("#slot-jump", Input).cursor_blink = False  # the picture must not depend on the blink
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=jump)


class TestTypingAhead:
    async def test_enters_typed_while_the_lists_load_are_not_lost(self, medoffice_practice, world, monkeypatch):
        """The types and the slots arrive slowly (a busy server); the receptionist presses b, then
        four Enters without waiting. Each Enter waits for its list (the app holds keys while a
        step loads, and the flow holds an Enter whose list is not there), and the booking made
        is the first slot of the first type, not whatever was on screen when the key came."""
        types_may_load, slots_may_load = threading.Event(), threading.Event()

        def held_until(gate, fn):
            """The server answers only when the test says so: not a sleep that a loaded machine
            can outlast, so the keys are always typed before the list they act on is there."""
            def held(*args, **kwargs):
                gate.wait(timeout=30)
                return fn(*args, **kwargs)
            return held

        monkeypatch.setattr(flow_module, "choices", held_until(types_may_load, flow_module.choices))
        monkeypatch.setattr(slots, "find_slots", held_until(slots_may_load, slots.find_slots))
        make_established(medoffice_practice, world.bo, world.adams)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
            await pilot.press("f2", *"Bo", "enter")
            await wait_for(pilot, lambda: isinstance(app.focused, DataTable) and app.focused.id == "visits")
            await pilot.press("b")
            await wait_for(pilot, lambda: isinstance(app.focused, Input) and app.focused.id == "type-filter")
            flow = app.screen
            assert flow.today is None, "the Enters are typed while the types are still loading"
            for key in ("enter", "enter", "enter", "enter"):  # as fast as the terminal sends them
                app.simulate_key(key)
            types_may_load.set()
            await wait_for(pilot, lambda: flow.step == "slot", timeout=10)
            assert not flow.slots, "the last Enter is waiting for slots that are not there yet"
            slots_may_load.set()
            await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen), timeout=10)
        booked = [v for v in appointments_of(medoffice_practice, world.bo) if v.status == "booked"]
        assert [(v.provider, f"{v.start:%Y-%m-%d %H:%M}") for v in booked] == [("Dr Baker", "2026-01-05 08:00")]


async def test_the_slot_list_shows_whole_dates_and_times_at_80_columns(medoffice_practice, world):
    """F6, Ann, the first type, any provider: the slots read "Mon 2026-01-05  08:00", not
    columns cut to their headers' width ("Mon", "08:0"), which Textual's table drew when a row
    was painted before the table had measured it."""
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: app.home is not None)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, BookingScreen))
        await pilot.press(*"Ann")
        await wait_for(pilot, lambda: app.screen.query_one("#patients", DataTable).row_count > 0)
        for step in ("type", "provider", "slot"):
            await pilot.press("enter")
            await wait_for(pilot, lambda step=step: app.screen.step == step)
        slots = app.screen.query_one("#slots", DataTable)
        await wait_for(pilot, lambda: slots.row_count > 0)
        await pilot.pause()
        assert slots.render_line(1).text.split()[:3] == ["Mon", "2026-01-05", "08:00"]
