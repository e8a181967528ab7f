"""Two front desks on one practice: a patient changed at one shows on the other's card and search.

As in test_two_terminals.py, desk A is the practice the kit made and desk B a runtime of its
own on the same database (another computer). Both stand at 09:00 on Monday 2026-01-05 in New
York. Ann, Bo and Cy Lee are registered, and a second record of Bo (registered twice). Nobody
presses a key on desk B while a change travels: its screen must show it by itself (the feed's
cadence is about a second; the stories allow :data:`WITHIN` for a loaded CI machine).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace

import pytest
from textual.widgets import DataTable, Static

from medoffice.core.services import patient_merge, patients, staff
from medoffice.core.services import practice as practice_service
from medoffice.core.validation import luhn_check_digit
from medoffice.plugins.scheduling import booking, catalogue
from medoffice.plugins.scheduling.screens.appointments_panel import AppointmentsPanel
from medoffice.plugins.scheduling.screens.day_board import DayBoardScreen
from medoffice.testing import burst, wait_for
from medoffice.tui.app import MedofficeApp
from medoffice.tui.live import TICK_SECONDS
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.patient_form import PatientFormScreen
from medoffice.tui.screens.patients import PatientSearchScreen

pytestmark = pytest.mark.medoffice_plugins("scheduling")

NINE_AM = dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.timezone.utc)  # 09:00 in New York
TODAY = "2026-01-05"
WITHIN = 10.0
"""Seconds a story waits for desk B to show a change before it fails (see the module's docstring)."""


@pytest.fixture
def office(medoffice_practice) -> SimpleNamespace:
    medoffice_practice.runtime.clock = lambda: NINE_AM
    with medoffice_practice.operation("admin") as ctx:
        practice_service.add_location(ctx, "Main")
        base = "123456701"
        adams = staff.add(ctx, {"name": "Dr Adams", "role": "physician", "is_provider": True,
                                "npi": base + str(luhn_check_digit("80840" + base))}).id
        catalogue.add_type(ctx, "Check-up", 30)
        catalogue.add_template(ctx, adams, "mon", "08:00", "17:00", "Main")
        mrn = {name: patients.register(ctx, {"first_name": name, "last_name": "Lee", "date_of_birth": "1970-01-02",
                                             "sex": "f"}).patient.mrn for name in ("Ann", "Bo", "Cy")}
        mrn["Bo again"] = patients.register(ctx, {"first_name": "Bo", "last_name": "Lee",
                                                  "date_of_birth": "1970-01-02", "sex": "f"}).patient.mrn
    return SimpleNamespace(adams=adams, mrn=mrn)


@pytest.fixture
def other_terminal(medoffice_practice):
    """Desk B: the same database opened again, as another computer opens it."""
    with medoffice_practice.another_terminal(clock=lambda: NINE_AM) as runtime:
        yield runtime


@asynccontextmanager
async def two_desks(medoffice_practice, other_terminal, size=(80, 24)) -> AsyncIterator[tuple[MedofficeApp, MedofficeApp]]:
    user = medoffice_practice.user("frontdesk")
    a, b = MedofficeApp(medoffice_practice.runtime, user=user), MedofficeApp(other_terminal, user=user)
    async with a.run_test(size=size) as pilot_a, b.run_test(size=size) as pilot_b:
        a.pilot, b.pilot = pilot_a, pilot_b
        for app in (a, b):
            await wait_for(app.pilot, lambda app=app: isinstance(app.screen, DayBoardScreen)
                           and app.screen.data is not None)
        yield a, b


async def settled(app: MedofficeApp) -> None:
    """Until the desk's feed has connected and handed out its first "anything may have changed"."""
    await wait_for(app.pilot, lambda: app.host.changes is not None and app.host.changes.feed is not None
                   and app.host.changes.feed.connected)
    await asyncio.sleep(3 * TICK_SECONDS)
    await app.pilot.pause()


async def shows(condition, what: str) -> None:
    """Let the desks run, without a key, until ``condition()``; at most :data:`WITHIN` seconds."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < WITHIN, f"desk B did not show {what} within {WITHIN} s"
        await asyncio.sleep(0.02)


async def card_of(app: MedofficeApp, mrn: str) -> PatientCardScreen:
    """Desk ``app`` finds ``mrn`` (F2, the MRN, Enter): its card, with the Appointments panel loaded."""
    await burst(app.pilot, "f2", *mrn, "enter")
    await wait_for(app.pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.screen.patient is not None
                   and app.screen.patient.mrn == mrn and bool(app.screen.query(AppointmentsPanel))
                   and app.screen.query_one(AppointmentsPanel).visits is not None)
    return app.screen


def demographics(card: PatientCardScreen) -> str:
    return str(card.query_one("#demographics", Static).render())


def visits(card: PatientCardScreen) -> list[tuple[int, str]]:
    panels = card.query(AppointmentsPanel)
    found = panels.first().visits if panels else None
    return [] if found is None else [(v.id, v.status) for v in (*found.upcoming, *found.past)]


class TestThePatientCard:
    async def test_an_edit_and_a_deactivation_at_desk_a_show_on_desk_b_s_card(
            self, medoffice_practice, office, other_terminal):
        """B has Ann's card open. A gives her a phone number: B's card shows it. A deactivates
        her (moved to Ohio): B's card says INACTIVE and why."""
        async with two_desks(medoffice_practice, other_terminal) as (a, b):
            card = await card_of(b, office.mrn["Ann"])
            await settled(b)
            a.host.call(patients.update, office.mrn["Ann"], {"phone": "555-010-4433"})
            await shows(lambda: "555-010-4433" in demographics(card), "Ann's new phone")
            a.host.call(patient_merge.deactivate, office.mrn["Ann"], "moved to Ohio")
            await shows(lambda: "INACTIVE (moved to Ohio)" in demographics(card), "Ann deactivated")
            assert b.screen is card

    async def test_a_merge_at_desk_a_shows_on_the_card_of_the_absorbed_record(
            self, medoffice_practice, office, other_terminal):
        """B has the second record of Bo open; A merges it into the first: B's card says it
        was merged into the first record's MRN."""
        async with two_desks(medoffice_practice, other_terminal) as (a, b):
            card = await card_of(b, office.mrn["Bo again"])
            await settled(b)
            a.host.call(patient_merge.merge, office.mrn["Bo"], office.mrn["Bo again"])
            await shows(lambda: f"merged into {office.mrn['Bo']}" in demographics(card), "the merge")

    async def test_the_card_waits_under_a_form_and_catches_up_when_shown_again(
            self, medoffice_practice, office, other_terminal):
        """B is editing Ann (e) when A changes her e-mail: the card beneath does not change;
        B leaves the form (Escape) and the card shows the e-mail."""
        async with two_desks(medoffice_practice, other_terminal) as (a, b):
            card = await card_of(b, office.mrn["Ann"])
            await settled(b)
            await burst(b.pilot, "e")
            await wait_for(b.pilot, lambda: isinstance(b.screen, PatientFormScreen))
            a.host.call(patients.update, office.mrn["Ann"], {"email": "ann@example.org"})
            await shows(lambda: card._live.pending, "the change held for the covered card")
            await asyncio.sleep(2 * TICK_SECONDS)
            assert "ann@example.org" not in demographics(card)
            await burst(b.pilot, "escape")
            await shows(lambda: b.screen is card and "ann@example.org" in demographics(card), "the e-mail once back")


class TestTheAppointmentsPanel:
    @pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
    async def test_a_booking_and_a_cancellation_at_desk_a_show_on_desk_b_s_card(
            self, medoffice_practice, office, other_terminal, size):
        """B has Bo's card open, no appointments. A books Bo at 09:30: B's panel lists it.
        A books 11:00 too, then cancels the 09:30: B's panel shows it cancelled, its cursor
        staying on the 09:30 row it was on."""
        async with two_desks(medoffice_practice, other_terminal, size) as (a, b):
            card = await card_of(b, office.mrn["Bo"])
            assert visits(card) == []
            first = a.host.call(booking.book, office.mrn["Bo"], office.adams, "Check-up", f"{TODAY} 09:30").id
            await shows(lambda: visits(card) == [(first, "booked")], "Bo's booking")
            table = card.query_one(AppointmentsPanel).query_one(DataTable)
            assert table.row_count == 1

            second = a.host.call(booking.book, office.mrn["Bo"], office.adams, "Check-up", f"{TODAY} 11:00").id
            await shows(lambda: [v for v, _ in visits(card)] == [first, second], "Bo's second booking")
            a.host.call(booking.cancel, first, "patient called")
            await shows(lambda: (first, "cancelled") in visits(card), "the cancellation")
            assert visits(card)[0] == (second, "booked")
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            assert row_key.value == str(first), "the cursor stays on the 09:30"

    async def test_nothing_moves_under_an_open_dialog(self, medoffice_practice, office, other_terminal):
        """B is editing Bo (e) when A books him: the panel beneath keeps what it showed;
        Escape, and the booking is listed."""
        async with two_desks(medoffice_practice, other_terminal) as (a, b):
            card = await card_of(b, office.mrn["Bo"])
            await settled(b)
            await burst(b.pilot, "e")
            await wait_for(b.pilot, lambda: isinstance(b.screen, PatientFormScreen))
            panel = card.query_one(AppointmentsPanel)
            before = panel.visits
            booked = a.host.call(booking.book, office.mrn["Bo"], office.adams, "Check-up", f"{TODAY} 09:30").id
            await shows(lambda: panel._live.pending, "the booking held for the covered panel")
            await asyncio.sleep(2 * TICK_SECONDS)
            assert panel.visits is before
            await burst(b.pilot, "escape")
            await shows(lambda: visits(card) == [(booked, "booked")], "the booking once back")


class TestThePatientSearch:
    async def test_desk_b_s_results_follow_desk_a_s_registrations_and_deactivations(
            self, medoffice_practice, office, other_terminal):
        """B's search for "lee" lists Ann, both Bos and Cy; B moves to Cy. A registers Di
        Lee: B lists her too. A deactivates Ann: B no longer lists her. B's cursor stays on
        Cy throughout."""
        async with two_desks(medoffice_practice, other_terminal) as (a, b):
            await burst(b.pilot, "f2", *"lee")
            await wait_for(b.pilot, lambda: isinstance(b.screen, PatientSearchScreen)
                           and b.screen.shown_query == "lee")
            search = b.screen
            table = search.query_one("#results", DataTable)

            def listed() -> list[str]:
                return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]

            def under_cursor() -> str:
                return str(table.get_row_at(table.cursor_row)[1])

            assert sorted(listed()) == ["Lee, Ann", "Lee, Bo", "Lee, Bo", "Lee, Cy"]
            await settled(b)
            await burst(b.pilot, "down", *["down"] * listed().index("Lee, Cy"))
            await wait_for(b.pilot, lambda: under_cursor() == "Lee, Cy")

            a.host.call(patients.register, {"first_name": "Di", "last_name": "Lee", "date_of_birth": "1990-05-06",
                                            "sex": "f"})
            await shows(lambda: "Lee, Di" in listed(), "Di's registration")
            assert under_cursor() == "Lee, Cy"
            a.host.call(patient_merge.deactivate, office.mrn["Ann"], "moved to Ohio")
            await shows(lambda: "Lee, Ann" not in listed(), "Ann's deactivation")
            assert under_cursor() == "Lee, Cy"
