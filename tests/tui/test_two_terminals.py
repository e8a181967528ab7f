"""Two front desks on one practice: what one does shows on the other's screens by itself.

Each story runs two real apps at once, as two terminals: desk A on the practice the kit
made, desk B on a runtime of its own opened on the same database (its own engine and
connections, as another computer has). Both stand at 09:00 on Monday 2026-01-05 in the
practice's New York. Nobody presses a key on desk B while the change travels: its day board
or waitlist must show it by itself, the cursor staying where B left it. A screen that is
covered holds the change (its watch is pending) and shows it once it is on top again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace

import pytest

from medoffice.core.services import patients, practice, staff
from medoffice.core.storage import changes
from medoffice.core.validation import luhn_check_digit
from medoffice.plugins.scheduling import booking, catalogue, waitlist
from medoffice.plugins.scheduling.screens.day_board import DayBoardScreen
from medoffice.plugins.scheduling.screens.dialogs import ReasonDialog
from medoffice.plugins.scheduling.screens.waiting_list import WaitlistScreen
from medoffice.testing import wait_for
from medoffice.tui.app import MedofficeApp
from medoffice.tui.live import TICK_SECONDS

pytestmark = pytest.mark.medoffice_plugins("scheduling")

NINE_AM = dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.timezone.utc)  # 09:00 in New York
TODAY = "2026-01-05"
SIZE = (80, 24)
WITHIN = 10.0
"""Seconds a story waits for another desk's change to show before it fails. The feed hands a
change on within about a second (a tick, a poll); the rest is room for a loaded CI machine,
since how fast is measured by benchmarks, not asserted by tests."""
QUIET = 2.0
"""Seconds a story watches desk B stay as it is when nothing that concerns it changed."""


# -- the practice and the two desks ----------------------------------------------------------


@pytest.fixture
def clinic(medoffice_practice) -> SimpleNamespace:
    """Dr Adams at Main (room Exam 1) all Monday; Ann booked at 09:00, Cy at 10:00; Bo not yet."""
    medoffice_practice.runtime.clock = lambda: NINE_AM
    with medoffice_practice.operation("admin") as ctx:
        practice.add_location(ctx, "Main")
        practice.add_room(ctx, "Main", "Exam 1")
        base = "123456701"
        adams = staff.add(ctx, {"name": "Dr Adams", "role": "physician", "is_provider": True,
                                "npi": base + str(luhn_check_digit("80840" + base))}).id
        catalogue.add_type(ctx, "Check-up", 30)
        catalogue.add_template(ctx, adams, "mon", "08:00", "17:00", "Main")
        mrn = {name: patients.register(ctx, {"first_name": name, "last_name": "Lee", "date_of_birth": "1970-01-02",
                                             "sex": "f"}).patient.mrn for name in ("Ann", "Bo", "Cy")}
    with medoffice_practice.operation("frontdesk") as ctx:
        ann = booking.book(ctx, mrn["Ann"], adams, "Check-up", f"{TODAY} 09:00").id
        cy = booking.book(ctx, mrn["Cy"], adams, "Check-up", f"{TODAY} 10:00").id
    return SimpleNamespace(adams=adams, mrn=mrn, ann=ann, cy=cy)


@pytest.fixture
def other_terminal(medoffice_practice):
    """Desk B's runtime: the same database, opened again, as another computer opens it."""
    with medoffice_practice.another_terminal(clock=lambda: NINE_AM) as runtime:
        yield runtime


@asynccontextmanager
async def desk(runtime, user) -> AsyncIterator[MedofficeApp]:
    """A terminal signed in as ``user``, showing its home (the day board) with its day loaded."""
    app = MedofficeApp(runtime, user=user)
    async with app.run_test(size=SIZE) as pilot:
        app.pilot = pilot
        await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen) and app.screen.data is not None)
        yield app


@asynccontextmanager
async def two_desks(medoffice_practice, other_terminal) -> AsyncIterator[tuple[MedofficeApp, MedofficeApp]]:
    user = medoffice_practice.user("frontdesk")
    async with desk(medoffice_practice.runtime, user) as a, desk(other_terminal, user) as b:
        yield a, b


def poller(app: MedofficeApp):
    return app.host.changes


async def held_for(app: MedofficeApp, owner) -> None:
    """Until desk ``app`` has heard a change that ``owner`` (covered) watches and holds it for
    when it is shown again."""
    await shows(app, lambda: any(w.owner is owner and w.pending for w in poller(app).watches),
                "the change held for the covered screen")


async def settled(app: MedofficeApp) -> None:
    """Until the desk's feed has connected and its first "anything may have changed" (what a
    feed says when it connects) has been handed out: from here on, a reload means a change."""
    await wait_for(app.pilot, lambda: poller(app) is not None and poller(app).feed is not None
                   and poller(app).feed.connected)
    await asyncio.sleep(3 * TICK_SECONDS)
    await app.pilot.pause()


async def shows(app: MedofficeApp, condition, what: str) -> float:
    """Let desk ``app`` run, without a key, until ``condition()``; the seconds it took.

    Fails when it takes longer than :data:`WITHIN`.
    """
    started = time.monotonic()
    while not condition():
        waited = time.monotonic() - started
        assert waited < WITHIN, f"desk B did not show {what} within {WITHIN} s"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


def row_of(board: DayBoardScreen, appointment_id: int):
    return next((v for v in board.shown if v.id == appointment_id), None)


async def select(app: MedofficeApp, board: DayBoardScreen, appointment_id: int) -> None:
    index = next(i for i, v in enumerate(board.shown) if v.id == appointment_id)
    await app.pilot.press(*["down"] * index)
    assert board.selected().id == appointment_id


# -- the day board ---------------------------------------------------------------------------


class TestTheDayBoard:
    async def test_a_booking_a_check_in_and_a_cancellation_at_desk_a_show_on_desk_b(
            self, medoffice_practice, clinic, other_terminal):
        """B's cursor is on Cy (10:00). A books Bo at 09:30, above Cy: B lists Bo, its cursor
        still on Cy. A checks Ann in (c): B shows Ann arrived. A cancels Bo (x, a reason,
        Enter): B shows Bo cancelled. No key on B; each within two seconds."""
        async with two_desks(medoffice_practice, other_terminal) as (a, b):
            board_a, board_b = a.screen, b.screen
            await select(b, board_b, clinic.cy)

            bo = a.host.call(booking.book, clinic.mrn["Bo"], clinic.adams, "Check-up", f"{TODAY} 09:30").id
            await shows(b, lambda: row_of(board_b, bo) is not None, "Bo's new booking")
            assert [v.id for v in board_b.shown] == [clinic.ann, bo, clinic.cy]
            assert board_b.selected().id == clinic.cy, "B's cursor stays on Cy's row"

            await wait_for(a.pilot, lambda: row_of(board_a, bo) is not None)
            await select(a, board_a, clinic.ann)
            await a.pilot.press("c")
            await shows(b, lambda: row_of(board_b, clinic.ann).status == "arrived", "Ann checked in")
            assert board_b.selected().id == clinic.cy

            await select(a, board_a, bo)
            await a.pilot.press("x", *"patient called", "enter")
            await shows(b, lambda: row_of(board_b, bo) is None or row_of(board_b, bo).status == "cancelled",
                        "Bo's cancellation")
            assert board_b.selected().id == clinic.cy

    async def test_nothing_moves_under_a_dialog_and_the_change_shows_when_it_closes(
            self, medoffice_practice, clinic, other_terminal):
        """B is typing why Ann cancels when A books Bo: B's board waits; B gives up (Escape),
        and the board shows Bo by itself, once."""
        async with two_desks(medoffice_practice, other_terminal) as (a, b):
            board_b = b.screen
            await settled(b)
            await b.pilot.press("x", *"she is")
            await wait_for(b.pilot, lambda: isinstance(b.screen, ReasonDialog))
            before = board_b.data
            bo = a.host.call(booking.book, clinic.mrn["Bo"], clinic.adams, "Check-up", f"{TODAY} 09:30").id
            await held_for(b, board_b)
            await asyncio.sleep(2 * TICK_SECONDS)
            assert board_b.data is before, "the board beneath the dialog did not reload"
            assert b.screen.query_one("#answer").value == "she is"

            await b.pilot.press("escape")
            await shows(b, lambda: row_of(board_b, bo) is not None, "Bo once the dialog closed")
            reloaded = board_b.data
            await asyncio.sleep(4 * TICK_SECONDS)
            assert board_b.data is reloaded, "the change was handed over once, not on every tick"

    @pytest.mark.medoffice_backends("postgresql")
    async def test_a_change_in_another_practice_on_the_server_does_not_wake_desk_b(
            self, medoffice_practice, clinic, other_terminal):
        """Another practice (a schema of its own on the same server) announces a booking:
        B's board stays as it is; the same announcement in B's practice wakes it."""
        from sqlalchemy.orm import Session

        from medoffice.core.storage import make_engine
        from medoffice.testing._backends import postgres_schema, postgres_url

        async with two_desks(medoffice_practice, other_terminal) as (_a, b):
            board_b = b.screen
            await settled(b)
            before = board_b.data
            with postgres_schema(postgres_url()) as elsewhere:
                engine = make_engine(elsewhere)
                try:
                    with Session(engine) as session, session.begin():
                        changes.announce(session, ["scheduling.appointments"])
                finally:
                    engine.dispose()
            await asyncio.sleep(QUIET)
            assert board_b.data is before

            with medoffice_practice.operation("frontdesk") as ctx:
                ctx.changed("scheduling.appointments")
            await shows(b, lambda: board_b.data is not before, "its own practice's change")

    @pytest.mark.medoffice_backends("postgresql")
    async def test_a_server_restart_under_desk_b_is_quiet_and_changes_keep_coming(
            self, medoffice_practice, clinic, other_terminal):
        """The server ends B's listening connection: B says nothing to the desk, connects
        again by itself, and A's next booking still shows on B."""
        from medoffice.testing._backends import admin_connection, postgres_url

        async with two_desks(medoffice_practice, other_terminal) as (a, b):
            board_b = b.screen
            await settled(b)
            feed = poller(b).feed
            admin_connection(postgres_url()).execute("SELECT pg_terminate_backend(%s)", (feed.backend_pid,))
            await wait_for(b.pilot, lambda: feed.connected and feed.backend_pid is not None)
            bo = a.host.call(booking.book, clinic.mrn["Bo"], clinic.adams, "Check-up", f"{TODAY} 09:30").id
            await shows(b, lambda: row_of(board_b, bo) is not None, "a booking after the reconnection")
            assert [n.message for n in b._notifications] == []


# -- the waitlist ----------------------------------------------------------------------------


class TestTheWaitlist:
    async def test_desk_a_cancelling_offers_the_slot_and_desk_b_s_waitlist_says_so(
            self, medoffice_practice, clinic, other_terminal):
        """Bo waits for a Check-up with Dr Adams. A puts Cy on the waitlist: B's list shows
        her, and B moves its cursor to her. A cancels Ann's 09:00, which offers the slot to
        Bo: B's list marks Bo's entry offered, and B's cursor stays on Cy's entry."""
        with medoffice_practice.operation("frontdesk") as ctx:
            bo_entry = waitlist.add(ctx, clinic.mrn["Bo"], "Check-up", provider_id=clinic.adams).id
        async with two_desks(medoffice_practice, other_terminal) as (a, b):
            b.open_plugin_screen("scheduling.waitlist")
            await wait_for(b.pilot, lambda: isinstance(b.screen, WaitlistScreen) and b.screen.data is not None)
            listing = b.screen
            cy_entry = a.host.call(waitlist.add, clinic.mrn["Cy"], "Check-up").id
            await shows(b, lambda: [e.id for e in listing.data.entries] == [bo_entry, cy_entry], "Cy's new entry")
            await b.pilot.press("down")
            assert listing.selected().id == cy_entry

            a.host.call(booking.cancel, clinic.ann, "patient called")
            await shows(b, lambda: listing.data.entries[0].status == "offered", "the offer to Bo")
            assert listing.selected().id == cy_entry, "B's cursor stays on Cy's entry"


# -- connections -----------------------------------------------------------------------------


class TestConnections:
    async def test_closing_the_desks_closes_their_feeds(self, medoffice_practice, clinic, other_terminal):
        """Each desk's one listening connection is closed when the app ends, on both backends."""
        async with two_desks(medoffice_practice, other_terminal) as (a, b):
            await settled(a)
            await settled(b)
            feeds = [poller(a).feed, poller(b).feed]
            assert all(f.connected for f in feeds)
            pids = [getattr(f, "backend_pid", None) for f in feeds]
        deadline = time.monotonic() + 5
        while not all(f.closed and not f.connected for f in feeds):
            assert time.monotonic() < deadline, "a feed stayed open after its app ended"
            await asyncio.sleep(0.05)
        if medoffice_practice.backend == "postgresql":
            from medoffice.testing._backends import admin_connection, postgres_url

            alive = admin_connection(postgres_url()).execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,)).fetchone()[0]
            assert alive == 0

    async def test_one_poller_serves_every_screen_of_a_desk(self, medoffice_practice, clinic, other_terminal):
        """The board and the waitlist watch through one feed; closing the waitlist stops its watch."""
        async with two_desks(medoffice_practice, other_terminal) as (_a, b):
            b.open_plugin_screen("scheduling.waitlist")
            await wait_for(b.pilot, lambda: isinstance(b.screen, WaitlistScreen) and b.screen.data is not None)
            plugin_hosts = {id(s.host) for s in (b.home, b.screen)}
            assert len(plugin_hosts) == 2 and b.home.host.changes is b.screen.host.changes
            assert {w.topics for w in poller(b).watches} == {frozenset({"scheduling.appointments"}),
                                                            frozenset({"scheduling.waitlist"})}
            await b.pilot.press("escape")
            await wait_for(b.pilot, lambda: b.screen is b.home and len(poller(b).watches) == 1)


class TestAwayAndBack:
    async def test_a_booking_made_while_desk_b_is_in_the_patient_search_shows_when_b_is_back(
            self, medoffice_practice, clinic, other_terminal):
        """B goes to find a patient (F2) while A books Bo: the board is not on screen and does
        not reload; back on it (F5), B sees Bo without anything else."""
        async with two_desks(medoffice_practice, other_terminal) as (a, b):
            board_b = b.screen
            await settled(b)
            await b.pilot.press("f2")
            await wait_for(b.pilot, lambda: b.screen is not board_b and b.search is not None)
            before = board_b.data
            bo = a.host.call(booking.book, clinic.mrn["Bo"], clinic.adams, "Check-up", f"{TODAY} 09:30").id
            await held_for(b, board_b)
            await asyncio.sleep(2 * TICK_SECONDS)
            assert board_b.data is before and any(w.owner is board_b for w in poller(b).watches), \
                "the board waits, still watching"
            await b.pilot.press("f5")
            await shows(b, lambda: b.screen is board_b and row_of(board_b, bo) is not None, "Bo once back")
