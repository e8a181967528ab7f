"""Typing ahead: keys typed while a screen or a step loads wait for it, in order.

Each story types its whole sequence without a pause, from a cold start, three ways:
``pilot.press`` with every key in one call (the app goes idle between two keys), a fast
typist (a key every 25 ms whatever the app is doing, as a terminal delivers them), and a
burst (:func:`medoffice.testing.burst`: every key queued before the app reads the first).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from textual.widgets import Input, Static

from medoffice.testing import burst, password_of, wait_for
from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens.patients import PatientSearchScreen
from medoffice.tui.screens.signin import SignInScreen

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = pytest.mark.medoffice_backends("sqlite")


async def pressed(pilot, *keys: str) -> None:
    """``pilot.press``: the app goes idle between two keys."""
    await pilot.press(*keys)


async def typist(pilot, *keys: str) -> None:
    """A fast typist: a key every 25 ms, whatever the app is doing."""
    await burst(pilot, *keys, every=0.025)


SPEEDS = pytest.mark.parametrize("type_keys", [pressed, typist, burst], ids=["pressed", "typist", "burst"])


@SPEEDS
async def test_signing_in_without_a_pause_fills_both_fields(medoffice_practice, type_keys):
    """``frontdesk`` Enter, the password, Enter, typed at once on the sign-in screen: the user
    name reads ``frontdesk`` (not the password run into it) and the desk is signed in."""
    async with medoffice_practice.pilot(None, size=(80, 24)) as pilot:
        app = pilot.app
        await type_keys(pilot, *"frontdesk", "enter", *password_of("frontdesk"), "enter")
        await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
        assert app.user is not None and app.user.username == "frontdesk"
        await pilot.pause()


@SPEEDS
async def test_keys_typed_after_signing_in_land_on_the_home_screen(medoffice_practice, type_keys):
    """Sign in, F2 and a name, all at once: the search field reads the name, nothing of it
    landed in the sign-in form while the password was being checked."""
    async with medoffice_practice.pilot(None, size=(80, 24)) as pilot:
        app = pilot.app
        await type_keys(pilot, *"admin", "enter", *password_of("admin"), "enter", "f2", *"Lee")
        await wait_for(pilot, lambda: isinstance(app.screen, PatientSearchScreen)
                       and app.screen.query_one("#query", Input).value == "Lee")
        assert app.user is not None and app.user.username == "admin"


async def test_a_password_typed_before_the_practice_is_open_signs_in_and_keeps_every_key(medoffice_practice):
    """``medoffice tui`` shows the sign-in screen before the practice is open and opens it
    while the person types. Name, Enter, password, Enter, F2 and a name, all typed before it
    is open: once it is, the desk is signed in and the search field reads the name."""
    released = threading.Event()

    def open_practice():
        released.wait(60)  # the practice opens only when the test says so
        return medoffice_practice.runtime

    app = MedofficeApp(open_practice=open_practice)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        await burst(pilot, *"admin", "enter", *password_of("admin"), "enter", "f2", *"Lee")
        status = app.screen.query_one("#signin-error", Static)
        await wait_for(pilot, lambda: str(status.render()) == "Signing in…")  # the form took the Enter
        assert not app.practice.loaded and app.user is None
        assert app.screen.query_one("#username", Input).value == "admin"
        released.set()
        await wait_for(pilot, lambda: isinstance(app.screen, PatientSearchScreen)
                       and app.screen.query_one("#query", Input).value == "Lee")
        assert app.user is not None and app.user.username == "admin"


async def test_quitting_while_the_practice_opens_ends_the_app_cleanly(medoffice_practice):
    """Ctrl+Q on the sign-in screen before the practice is open quits at once; the practice
    opening meanwhile is not an error."""
    released = threading.Event()

    def open_practice():
        released.wait(60)
        return medoffice_practice.runtime

    app = MedofficeApp(open_practice=open_practice)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running)
        released.set()
    assert app.start_error is None and app.user is None


# -- search, card, book ----------------------------------------------------------------------

NOW = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.timezone.utc)
"""Monday 07:00 in the practice's New York: the whole working day is ahead."""


def scheduling_world(practice) -> str:
    """Dr Adams works weekdays 09:00-17:00 at Main; the demo's four types; Bo Lee, whose MRN
    is returned. The clock stands at :data:`NOW`."""
    from medoffice.core.services import patients, practice as practice_service, staff
    from medoffice.core.validation import luhn_check_digit
    from medoffice.plugins.scheduling import catalogue
    from medoffice.plugins.scheduling.demo import TYPES

    practice.runtime.clock = lambda: NOW
    with practice.operation("admin") as ctx:
        practice_service.add_location(ctx, "Main")
        base = "123456701"
        adams = staff.add(ctx, {"name": "Dr Adams", "role": "physician", "is_provider": True,
                                "npi": base + str(luhn_check_digit("80840" + base))}).id
        for name, minutes, colour, kind in TYPES:
            catalogue.add_type(ctx, name, minutes, colour=colour, patient_kind=kind)
        for weekday in ("mon", "tue", "wed", "thu", "fri"):
            catalogue.add_template(ctx, adams, weekday, "09:00", "17:00", "Main")
        return patients.register(ctx, {"first_name": "Bo", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                       "sex": "m"}).patient.mrn


def booked_types(practice, mrn: str) -> list[str]:
    from medoffice.plugins.scheduling import appointment_lists

    with practice.operation("admin", write=False) as ctx:
        return [v.appointment_type for v in appointment_lists.list_for_patient(ctx, mrn) if v.status == "booked"]


@SPEEDS
@pytest.mark.medoffice_plugins("scheduling")
async def test_b_s_i_and_four_enters_on_a_card_book_a_sick_visit(medoffice_practice, type_keys):
    """From a cold start on the day board: F2, ``Lee``, Enter opens Bo's card; ``b`` opens the
    booking flow, ``si`` filters the types to *Sick visit*, and four Enters take it, any
    provider, the earliest slot, and confirm. All typed at once: a Sick visit is booked, not
    the first type of the unfiltered list (*Annual physical*)."""
    from medoffice.tui.screens.patient_card import PatientCardScreen

    mrn = scheduling_world(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=(80, 24)) as pilot:
        app = pilot.app
        await type_keys(pilot, "f2", *"Lee", "enter", "b", *"si", "enter", "enter", "enter", "enter")
        await wait_for(pilot, lambda: booked_types(medoffice_practice, mrn) != [])
        await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.typeahead.waiting == 0)
    assert booked_types(medoffice_practice, mrn) == ["Sick visit"]


# -- charge entry while the ICD-10-CM code set loads ------------------------------------------

LOADING_SECONDS = 1.0
"""How long the code set takes to load here (seconds on a real first check)."""


@pytest.fixture
def slow_code_set(monkeypatch):
    """The ICD-10-CM code set is not loaded yet in this process, and loading it takes
    :data:`LOADING_SECONDS` (whichever thread asks first waits; the others wait for it).

    The real set is read once first, outside the story: on a busy test machine its first
    load takes tens of seconds, which is not the story's.
    """
    import threading
    import time

    from medoffice.plugins.billing import codes

    codes._code_set()
    monkeypatch.setattr(codes, "_LOADED", [])
    load = codes._code_set
    lock = threading.Lock()

    def slowly() -> object:
        with lock:
            if not codes._LOADED:
                time.sleep(LOADING_SECONDS)
            return load()

    monkeypatch.setattr(codes, "_code_set", slowly)


def billing_world(practice) -> int:
    """Dr Adams saw Ann today; her visit waits for its charges: the open encounter's id."""
    import io

    from medoffice.core.services import patients, practice as practice_service, staff
    from medoffice.core.validation import luhn_check_digit
    from medoffice.plugins.billing import encounters, fees

    practice.runtime.clock = lambda: NOW
    with practice.operation("admin") as ctx:
        practice_service.add_location(ctx, "Main")
        base = "123456701"
        adams = staff.add(ctx, {"name": "Dr Adams", "role": "physician", "is_provider": True,
                                "npi": base + str(luhn_check_digit("80840" + base))}).id
        ann = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                      "sex": "f"}).patient.mrn
    with practice.operation("billing") as ctx:
        fees.import_csv(ctx, io.StringIO("code,fee\n99213,95.00\n"))
        return encounters.open_encounter(ctx, ann, adams, date_of_service="2026-01-05").encounter.id


def diagnoses_of(practice, number: int) -> tuple[str, ...]:
    from medoffice.plugins.billing import encounters

    with practice.operation("billing", write=False) as ctx:
        return encounters.get_encounter(ctx, number).diagnoses


@SPEEDS
@pytest.mark.medoffice_plugins("billing")
async def test_codes_typed_while_the_code_set_loads_are_added_as_typed(medoffice_practice, slow_code_set,
                                                                       type_keys):
    """F7 from a cold start, ``E11.9`` Enter ``J06.9`` Enter, typed at once while the first
    check loads the ICD-10-CM code set: the first Enter adds E11.9 (what the field read when
    it was pressed), the keys typed after it wait for that to be done, and the second Enter
    adds J06.9: both, in order, and the field is empty again."""
    from medoffice.plugins.billing.screens.charge_entry import ChargeEntryScreen

    number = billing_world(medoffice_practice)
    async with medoffice_practice.pilot("billing", size=(80, 24)) as pilot:
        app = pilot.app
        await type_keys(pilot, "f7", *"E11.9", "enter", *"J06.9", "enter")
        await wait_for(pilot, lambda: len(diagnoses_of(medoffice_practice, number)) == 2)
        await wait_for(pilot, lambda: isinstance(app.screen, ChargeEntryScreen) and app.typeahead.waiting == 0
                       and app.screen.query_one("#diagnosis", Input).value == "")
    assert diagnoses_of(medoffice_practice, number) == ("E11.9", "J06.9")


@SPEEDS
@pytest.mark.medoffice_plugins("billing")
async def test_a_code_typed_while_the_code_set_loads_reads_as_typed(medoffice_practice, slow_code_set,
                                                                    type_keys):
    """``E11``, and while its check loads the code set, ``.9 J06.9``: the field reads exactly
    what was typed, in order, and nothing is added before Enter."""
    from medoffice.plugins.billing.screens.charge_entry import ChargeEntryScreen

    number = billing_world(medoffice_practice)
    async with medoffice_practice.pilot("billing", size=(80, 24)) as pilot:
        app = pilot.app
        await type_keys(pilot, "f7", *"E11")
        await wait_for(pilot, lambda: isinstance(app.screen, ChargeEntryScreen) and "loads the ICD-10-CM" in str(
            app.screen.query_one("#diagnosis-error").render()))
        await type_keys(pilot, *".9 J06.9")
        await wait_for(pilot, lambda: isinstance(app.screen, ChargeEntryScreen) and app.typeahead.waiting == 0
                       and app.screen.query_one("#diagnosis", Input).value == "E11.9 J06.9")
    assert diagnoses_of(medoffice_practice, number) == ()
