"""The day board's stories at the desk: a late patient, a no-show too soon, an undo, rooms,
the board's size and columns, a cancellation's waitlist offer, messages that go away.

Each story starts the app cold (signed in as the front desk), opens the board with F5 and
types its keys in one go. The ``world`` of conftest.py: America/New_York; Dr Adams works
09:00-12:00 at Main (rooms Exam 1 and Exam 2) on weekdays, Dr Baker 08:00-10:00 at North on
Mondays; ``practice_clock`` sets the desk's time.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable

from medoffice.core import audit
from medoffice.core.services import patients
from medoffice.plugins.scheduling import appointment_lists, booking, day_flow, waitlist
from medoffice.plugins.scheduling.screens import day_board as board_module
from medoffice.plugins.scheduling.screens.day_board import DayBoardScreen
from medoffice.plugins.scheduling.screens.dialogs import ChoiceDialog, ReasonDialog
from medoffice.testing import wait_for
from medoffice.tui.app import MedofficeApp

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("scheduling"), pytest.mark.medoffice_backends("sqlite")]

SMALL, LARGE = (80, 24), (120, 40)
TUESDAY = "2026-01-06"


def book(practice, mrn, provider, at, kind="Check-up", **options):
    with practice.operation("frontdesk") as ctx:
        return booking.book(ctx, mrn, provider, kind, at, **options).id


def act(practice, fn, *args, user="frontdesk", **options):
    with practice.operation(user) as ctx:
        return fn(ctx, *args, **options)


def status_of(practice, appointment_id, day=TUESDAY):
    with practice.operation("admin", write=False) as ctx:
        return next(v for v in appointment_lists.day(ctx, day) if v.id == appointment_id)


def entries(practice, action):
    with practice.operation("admin", write=False) as ctx:
        return list(audit.iter_entries(ctx.session, action=action))


def message_line(board: DayBoardScreen) -> str:
    return str(board.query_one("#board-message").render())


async def open_board(pilot, day: dt.date | None = None) -> DayBoardScreen:
    """F5 from the home screen, then wait for the board's first load (of ``day``)."""
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    await pilot.press("f5")
    await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen) and app.screen.data is not None)
    board = app.screen
    if day is not None:
        await wait_for(pilot, lambda: board.data.day == day)
    return board


def rows(board: DayBoardScreen) -> list[tuple[str, ...]]:
    table = board.query_one("#board", DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


class TestLateAndMissing:
    async def test_a_late_patient_is_checked_in_within_the_grace(self, medoffice_practice, world, practice_clock):
        """09:02, Ann's 09:00 has begun: n says from when a no-show may be marked and changes
        nothing; c checks her in, and the message offers the undo."""
        ann = book(medoffice_practice, world.ann, world.adams, f"{TUESDAY} 09:00")
        practice_clock(f"{TUESDAY} 09:02")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await pilot.press("n", "c")
            await wait_for(pilot, lambda: message_line(board).startswith("Checked in Ann Lee"))
            assert message_line(board) == "Checked in Ann Lee (09:00 Check-up).   u: undo"
        assert status_of(medoffice_practice, ann).status == "arrived"
        assert entries(medoffice_practice, "appointment.no_show") == []

    async def test_a_no_show_is_refused_until_the_grace_is_over(self, medoffice_practice, world, practice_clock):
        ann = book(medoffice_practice, world.ann, world.adams, f"{TUESDAY} 09:00")
        practice_clock(f"{TUESDAY} 09:10")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await pilot.press("n")
            await wait_for(pilot, lambda: message_line(board) == (
                "Not offered: Ann Lee's 09:00 appointment starts at 09:00: a no-show may be marked from 09:15 "
                "(15 minutes' grace for a late patient)"))
            assert status_of(medoffice_practice, ann).status == "booked"
            practice_clock(f"{TUESDAY} 09:15")
            await pilot.press("t")  # today again: the board reads the clock
            await wait_for(pilot, lambda: board.data.now.minute == 15 and board.check_action("no_show", ()))
            await pilot.press("n")
            await wait_for(pilot, lambda: message_line(board).startswith("No-show: Ann Lee"))
        assert status_of(medoffice_practice, ann).status == "no_show"


class TestUndo:
    async def test_u_undoes_a_check_in_and_the_audit_log_says_so(self, medoffice_practice, world, practice_clock):
        ann = book(medoffice_practice, world.ann, world.adams, f"{TUESDAY} 09:00")
        practice_clock(f"{TUESDAY} 08:50")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await pilot.press("u", "c")  # nothing to undo yet; then the check-in
            await wait_for(pilot, lambda: board.selected() is not None and board.selected().status == "arrived")
            await pilot.press("u")
            await wait_for(pilot, lambda: message_line(board) == "Undid the check-in of Ann Lee (09:00): booked again.")
            await wait_for(pilot, lambda: board.selected().status == "booked")
        assert status_of(medoffice_practice, ann).status == "booked"
        (entry,) = entries(medoffice_practice, "appointment.undone")
        assert entry.summary["undone"] == "checked_in" and entry.username == "frontdesk"

    async def test_an_undo_refused_says_why_and_changes_nothing(self, medoffice_practice, world, practice_clock):
        """Ann was marked a no-show and her time given to Bo: u on Ann says so."""
        ann = book(medoffice_practice, world.ann, world.adams, f"{TUESDAY} 09:00")
        practice_clock(f"{TUESDAY} 09:20")
        act(medoffice_practice, day_flow.no_show, ann)
        book(medoffice_practice, world.bo, world.adams, f"{TUESDAY} 09:00")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            index = next(i for i, v in enumerate(board.shown) if v.id == ann)
            await pilot.press(*["down"] * index, "u")
            await wait_for(pilot, lambda: message_line(board).startswith(
                "Not done: Ann Lee's 09:00 appointment's time was given away after the no-show"))
            assert message_line(board).endswith(": Bo Lee is booked 09:00-09:30 with Dr Adams")
        assert status_of(medoffice_practice, ann).status == "no_show"


def two_waiting(practice, world, practice_clock):
    """Tuesday at Main: Ann at 09:00 and Bo at 09:30 with Dr Adams, both arrived; Ann is in
    Exam 1 since 09:25."""
    ann = book(practice, world.ann, world.adams, f"{TUESDAY} 09:00")
    bo = book(practice, world.bo, world.adams, f"{TUESDAY} 09:30")
    practice_clock(f"{TUESDAY} 09:25")
    for appointment in (ann, bo):
        act(practice, day_flow.check_in, appointment)
    act(practice, day_flow.room, ann, "Exam 1")
    return ann, bo


class TestRooms:
    async def test_the_room_choices_say_who_is_in_a_room_and_a_taken_one_is_refused(self, medoffice_practice, world,
                                                                                    practice_clock):
        ann, bo = two_waiting(medoffice_practice, world, practice_clock)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await pilot.press("down", "r")  # Bo, the second row
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
            dialog = pilot.app.screen
            assert dialog.choices == ["Exam 1   taken: Ann Lee since 09:25", "Exam 2   free"]
            assert dialog.current == "Exam 2   free"  # the first free room is highlighted
            await pilot.press("home", "enter")
            await wait_for(pilot, lambda: message_line(board).startswith(
                "Not done: Exam 1 is taken: Ann Lee is in it since 09:25"))
            assert status_of(medoffice_practice, bo).status == "arrived"
            await pilot.press("r", "enter")  # the first free room
            await wait_for(pilot, lambda: message_line(board).startswith("In Exam 2: Bo Lee"))
        assert (status_of(medoffice_practice, bo).room, status_of(medoffice_practice, ann).room) == ("Exam 2", "Exam 1")

    async def test_a_manager_is_asked_why_before_sharing_a_room(self, medoffice_practice, world, practice_clock):
        _, bo = two_waiting(medoffice_practice, world, practice_clock)
        async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
            board = await open_board(pilot)
            await pilot.press("down", "r")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
            await pilot.press("home", "enter")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReasonDialog))
            await pilot.press(*"twins", "enter")
            await wait_for(pilot, lambda: message_line(board).startswith("In Exam 1 with Ann Lee: Bo Lee"))
        assert status_of(medoffice_practice, bo).room == "Exam 1"

    async def test_done_frees_the_room_for_the_next_patient(self, medoffice_practice, world, practice_clock):
        ann, bo = two_waiting(medoffice_practice, world, practice_clock)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await pilot.press("d")  # Ann, the first row
            await wait_for(pilot, lambda: "Exam 1" not in board.data.occupants)
            await pilot.press("down", "r")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
            assert pilot.app.screen.choices == ["Exam 1   free", "Exam 2   free"]
            await pilot.press("enter")
            await wait_for(pilot, lambda: message_line(board).startswith("In Exam 1: Bo Lee"))
        assert status_of(medoffice_practice, ann).status == "completed"
        assert status_of(medoffice_practice, bo).room == "Exam 1"


def a_full_morning(practice, world) -> list[int]:
    """Dr Adams every 15 minutes from 09:00 to 11:45 (12 Follow-up-long visits) and Dr Baker
    every 15 minutes from 08:00 to 09:45 at North (8): 20 appointments, more than 80x24 shows."""
    booked = []
    with practice.operation("admin") as ctx:
        mrns = [patients.register(ctx, {"first_name": f"P{n:02d}", "last_name": "Okonkwo-Reyes" if n == 0 else "Lee",
                                        "date_of_birth": "1970-01-02", "sex": "f"}).patient.mrn for n in range(20)]
        from medoffice.plugins.scheduling import catalogue

        catalogue.add_type(ctx, "Quick", 15)
    for n, mrn in enumerate(mrns):
        provider, start = (world.adams, 9 * 60 + 15 * n) if n < 12 else (world.baker, 8 * 60 + 15 * (n - 12))
        booked.append(book(practice, mrn, provider, f"2026-01-05 {start // 60:02d}:{start % 60:02d}", "Quick"))
    return booked


class TestLayout:
    async def test_the_board_fills_80x24_from_its_first_show(self, medoffice_practice, world):
        """20 appointments: the table takes every row between the title and the footer."""
        a_full_morning(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            table = board.query_one("#board", DataTable)
            await wait_for(pilot, lambda: table.row_count == 20)
            title, footer = board.query_one("#board-title"), board.query_one("Footer")
            message = board.query_one("#board-message")
            assert table.region.y == title.region.bottom
            assert table.region.bottom == (message.region.y if message.region.height else footer.region.y)
            assert table.region.height == 24 - 3  # all but the app's header, the title and the footer
            assert not board.query_one("#board-empty").display

    async def test_an_empty_day_gives_its_space_back_to_the_table(self, medoffice_practice, world):
        book(medoffice_practice, world.ann, world.adams, "2026-01-05 09:00")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await pilot.press("right")  # Tuesday: nothing booked
            await wait_for(pilot, lambda: board.query_one("#board-empty").display)
            await pilot.press("left")
            await wait_for(pilot, lambda: board.query_one("#board", DataTable).display)
            assert board.query_one("#board", DataTable).region.height >= 20

    async def test_the_provider_is_on_every_row_and_names_are_whole_at_120(self, medoffice_practice, world):
        a_full_morning(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=LARGE) as pilot:
            board = await open_board(pilot)
            await wait_for(pilot, lambda: board.query_one("#board", DataTable).row_count == 20)
            shown = rows(board)
            assert [r[3] for r in shown] == ["Dr Adams"] * 12 + ["Dr Baker"] * 8
            assert shown[0][1] == "Okonkwo-Reyes, P00"  # whole
            assert board.query_one("#board", DataTable).columns["provider"].label.plain == "Provider"

    async def test_at_80_columns_everything_still_fits(self, medoffice_practice, world):
        a_full_morning(medoffice_practice, world)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            table = board.query_one("#board", DataTable)
            await wait_for(pilot, lambda: table.row_count == 20)
            assert sum(c.get_render_width(table) for c in table.columns.values()) <= 80 - 2
            assert rows(board)[0][1] == "Okonkwo-Reyes…"  # no width left to grow into: cut, and says so
            assert rows(board)[0][3] == "Dr Adams"


class TestMessages:
    async def test_a_cancellation_says_who_was_offered_the_time(self, medoffice_practice, world):
        """Cy waits for a Check-up with anyone; cancelling Ann's 09:00 offers it to Cy."""
        ann = book(medoffice_practice, world.ann, world.adams, "2026-01-05 09:00")
        act(medoffice_practice, waitlist.add, world.cy, "Check-up")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await pilot.press("x")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReasonDialog))
            await pilot.press(*"called", "enter")
            await wait_for(pilot, lambda: message_line(board).startswith("Cancelled"))
            assert message_line(board) == ("Cancelled Ann Lee (09:00 Check-up). Offered the time to Cy Lee "
                                           "(Check-up, Mon 09:00 with Dr Adams) from the waitlist.")
        assert status_of(medoffice_practice, ann, "2026-01-05").status == "cancelled"

    async def test_messages_go_away_and_the_latest_replaces_the_one_before(self, medoffice_practice, world,
                                                                          practice_clock, monkeypatch):
        monkeypatch.setattr(board_module, "MESSAGE_SECONDS", 0.5)
        said: list[str] = []
        say = DayBoardScreen.say

        def recording(self, message, **options):
            said.append(message)
            say(self, message, **options)

        monkeypatch.setattr(DayBoardScreen, "say", recording)
        book(medoffice_practice, world.ann, world.adams, f"{TUESDAY} 09:00")
        practice_clock(f"{TUESDAY} 09:05")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            await pilot.press("d", "n")
            await wait_for(pilot, lambda: len([m for m in said if m.startswith("Not offered")]) == 2)
            first, second = [m for m in said if m.startswith("Not offered")]
            assert first.endswith("is booked and cannot be done") and "a no-show may be marked from 09:15" in second
            assert said.index(second) > said.index(first)  # the latest replaced the one before
            await wait_for(pilot, lambda: message_line(board) == "" and not board.query_one("#board-message").display)
            assert said[-1] == ""  # it went away on its own

    async def test_no_message_names_an_appointment_by_its_id(self, medoffice_practice, world, practice_clock):
        ann = book(medoffice_practice, world.ann, world.adams, f"{TUESDAY} 09:00")
        practice_clock(f"{TUESDAY} 09:20")
        act(medoffice_practice, day_flow.no_show, ann)
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            board = await open_board(pilot)
            said = []
            for key in ("d", "r", "c", "x"):
                await pilot.press(key)
                if isinstance(pilot.app.screen, ReasonDialog):
                    await pilot.press("escape")
                await pilot.pause()
                said.append(message_line(board))
        assert all("appointment " + str(ann) not in line and "no_show" not in line for line in said), said
        assert any("Ann Lee's 09:00 appointment" in line for line in said), said


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
class TestSnapshots:
    @pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
    def test_a_full_morning(self, snap_compare, medoffice_practice, world, size):
        """Twenty appointments of two providers: the table fills the screen, the provider's
        name is bold on its first row, long names are whole where the width allows."""
        a_full_morning(medoffice_practice, world)
        app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

        async def open_it(pilot):
            await open_board(pilot)
            await wait_for(pilot, lambda: pilot.app.screen.query_one("#board", DataTable).row_count == 20)
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=open_it)


class TestWaitlistScreen:
    async def test_the_waitlist_shows_an_offer_made_on_the_board_when_shown_again(self, medoffice_practice, world,
                                                                                  monkeypatch):
        """Without the live updates (a terminal whose change feed is down): the desk looks at
        the waitlist, cancels Ann's 09:00 on the board, and back on the waitlist Cy's entry says
        offered, without reopening it."""
        from medoffice.plugins.scheduling.screens.waiting_list import WaitlistScreen
        from medoffice.tui.host import AppScreenHost

        class Deaf:
            def stop(self) -> None:
                pass

            def caught_up(self) -> None:
                pass

        monkeypatch.setattr(AppScreenHost, "watch", lambda self, owner, topics, callback: Deaf())
        book(medoffice_practice, world.ann, world.adams, "2026-01-05 09:00")
        act(medoffice_practice, waitlist.add, world.cy, "Check-up")
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
            app.open_plugin_screen("scheduling.waitlist")
            await wait_for(pilot, lambda: isinstance(app.screen, WaitlistScreen) and app.screen.data is not None)
            waiting = app.screen
            assert [e.status for e in waiting.data.entries] == ["waiting"]
            await pilot.press("f5")
            await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen) and app.screen.data is not None)
            board = app.screen
            await pilot.press("x")
            await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
            await pilot.press(*"called", "enter")
            await wait_for(pilot, lambda: "Offered the time to Cy Lee" in message_line(board))
            app.open_plugin_screen("scheduling.waitlist")  # back to it, as F4 and Enter do
            await wait_for(pilot, lambda: app.screen is waiting)
            await wait_for(pilot, lambda: [e.status for e in waiting.data.entries] == ["offered"])
            assert "1 offered a slot" in str(waiting.query_one("#waitlist-title").render())


async def open_waitlist(pilot):
    from medoffice.plugins.scheduling.screens.waiting_list import WaitlistScreen

    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    app.open_plugin_screen("scheduling.waitlist")
    await wait_for(pilot, lambda: isinstance(app.screen, WaitlistScreen) and app.screen.data is not None)
    return app.screen


def a_waitlist(practice, world):
    """A long-named patient waits for a Check-up with anyone; Cy was offered Ann's cancelled 09:00."""
    with practice.operation("admin") as ctx:
        long = patients.register(ctx, {"first_name": "Maria-Fernanda", "last_name": "Okonkwo-Reyes",
                                       "date_of_birth": "1980-02-03", "sex": "f"}).patient.mrn
    ann = book(practice, world.ann, world.adams, "2026-01-05 09:00")
    act(practice, waitlist.add, world.cy, "Check-up", provider_id=world.adams)
    act(practice, waitlist.add, long, "New patient")
    act(practice, booking.cancel, ann, "called")


class TestWaitlistColumns:
    async def test_names_are_whole_at_120_and_cut_at_80(self, medoffice_practice, world):
        a_waitlist(medoffice_practice, world)
        for size, expected in ((LARGE, "Okonkwo-Reyes, Maria-Fernanda"), (SMALL, "Okonkwo-Reye…")):
            async with medoffice_practice.pilot("frontdesk", size=size) as pilot:
                screen = await open_waitlist(pilot)
                table = screen.query_one("#entries", DataTable)
                await wait_for(pilot, lambda: table.row_count == 2)
                patients_shown = [str(table.get_row_at(i)[1]) for i in range(2)]
                assert expected in patients_shown, patients_shown
                assert sum(c.get_render_width(table) for c in table.columns.values()) <= size[0] - 2


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_snapshot_of_the_waitlist(snap_compare, medoffice_practice, world, size):
    """Cy offered Ann's cancelled 09:00 (in yellow, with the slot); a long name whole at 120."""
    a_waitlist(medoffice_practice, world)
    app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

    async def open_it(pilot):
        screen = await open_waitlist(pilot)
        await wait_for(pilot, lambda: screen.query_one("#entries", DataTable).row_count == 2)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_it)
