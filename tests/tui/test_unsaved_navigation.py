"""Section keys never throw typed work away without asking.

F2, F5 and the other section keys, F4's list, the palette's "Open …" and sign-out (F9) close
the screens a form may be on. Whenever one of them would close a screen holding something
typed (a registration, an edit, a policy, a payment), the shell first asks the same question
as Escape does, *Discard the changes? y/n*: ``n`` leaves the person on the form as it was,
``y`` goes on. A key that closes nothing (switching to another section, which keeps its
stack) or a screen with nothing typed asks nothing.

The practice of the kit with scheduling and billing; Ann Lee is registered. Keys are typed
in bursts, as a terminal delivers them.
"""

from __future__ import annotations

import pytest
from textual.css.query import NoMatches
from textual.widgets import Input, OptionList

from medoffice.core.services import patients
from medoffice.plugins.billing.screens.insurance import InsuranceScreen
from medoffice.plugins.billing.screens.take_payment import TakePaymentScreen
from medoffice.plugins.scheduling.screens.day_board import DayBoardScreen
from medoffice.testing import burst, wait_for
from medoffice.tui.screens.navigation import NavigationScreen
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.patient_form import PatientFormScreen
from medoffice.tui.screens.patients import PatientSearchScreen
from medoffice.tui.screens.signin import SignInScreen
from medoffice.tui.unsaved import DiscardChanges

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("scheduling", "billing"), pytest.mark.medoffice_backends("sqlite")]

SMALL, LARGE = (80, 24), (120, 40)


@pytest.fixture
def ann(medoffice_practice) -> str:
    with medoffice_practice.operation("admin") as ctx:
        return patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                       "sex": "f"}).patient.mrn


def typed(screen, selector: str) -> str | None:
    """What the field ``selector`` of ``screen`` holds; None while the screen is being built."""
    try:
        return screen.query_one(selector, Input).value
    except NoMatches:
        return None


def first_name(form: PatientFormScreen) -> str | None:
    return typed(form, "#field-first_name")


async def home(pilot) -> DayBoardScreen:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen) and app.screen.data is not None)
    return app.screen


async def registering(pilot, *typed: str) -> PatientFormScreen:
    """F3 and ``typed`` in one burst; the form once it holds them."""
    app = pilot.app
    await burst(pilot, "f3", *typed)
    await wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen) and first_name(app.screen) == "".join(typed))
    return app.screen


async def asked(pilot, *keys: str) -> DiscardChanges:
    """``keys`` in one burst; the question they raise."""
    await burst(pilot, *keys)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DiscardChanges))
    return pilot.app.screen


class TestTheDayBoardKey:
    @pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
    async def test_f5_on_a_half_typed_registration_asks_and_n_keeps_the_form(self, medoffice_practice, size):
        """On the day board, F3 and "Ann"; F5 would close the form: the question shows over
        it. n: the form, "Ann" and all. F5 again, y: the board, the form gone."""
        async with medoffice_practice.pilot("frontdesk", size=size) as pilot:
            app = pilot.app
            board = await home(pilot)
            form = await registering(pilot, *"Ann")
            question = await asked(pilot, "f5")
            assert question.question == "Discard the changes? y/n"
            assert app.screen_stack[-2] is form
            await burst(pilot, "n")
            await wait_for(pilot, lambda: app.screen is form)
            assert first_name(form) == "Ann" and app.focused is form.query_one("#field-first_name", Input)

            await asked(pilot, "f5")
            await burst(pilot, "y")
            await wait_for(pilot, lambda: app.screen is board)
            assert form not in app.screen_stack

    async def test_a_burst_that_types_and_leaves_stops_at_the_question(self, medoffice_practice):
        """F3, "Bo", F5 and y typed all at once, before the form shows: the name is typed,
        the question asked, and y answers it."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            board = await home(pilot)
            await burst(pilot, "f3", *"Bo", "f5", "y")
            await wait_for(pilot, lambda: app.screen is board)
            assert not any(isinstance(s, PatientFormScreen) for s in app.screen_stack)

    async def test_nothing_typed_nothing_asked(self, medoffice_practice):
        """F3 then F5 at once: nothing was typed, so the board is back without a question."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            board = await home(pilot)
            await burst(pilot, "f3")
            await wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen))
            await burst(pilot, "f5")
            await wait_for(pilot, lambda: app.screen is board)

    async def test_section_keys_wait_while_the_question_is_up(self, medoffice_practice):
        """The question is up: F2, F5 and Ctrl+P do nothing until it is answered, so no key
        closes the form behind it."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await home(pilot)
            form = await registering(pilot, *"Ann")
            question = await asked(pilot, "f5")
            await burst(pilot, "f2", "f5", "f3", "ctrl+p")
            await pilot.pause(0.3)
            assert app.screen is question and form in app.screen_stack
            await burst(pilot, "escape")
            await wait_for(pilot, lambda: app.screen is form)
            assert first_name(form) == "Ann"


class TestThePatientsSection:
    async def test_f2_from_a_registration_in_the_patients_section_asks(self, medoffice_practice):
        """F2, F3, "Ann", F2: the search would close the form, so the question shows; n keeps
        it; F2, y: the search, ready to type."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await home(pilot)
            await burst(pilot, "f2")
            await wait_for(pilot, lambda: isinstance(app.screen, PatientSearchScreen))
            form = await registering(pilot, *"Ann")
            await asked(pilot, "f2")
            await burst(pilot, "n")
            await wait_for(pilot, lambda: app.screen is form)
            assert first_name(form) == "Ann"
            await asked(pilot, "f2")
            await burst(pilot, "y")
            await wait_for(pilot, lambda: isinstance(app.screen, PatientSearchScreen))
            assert app.focused is app.screen.query_one("#query", Input)

    async def test_a_form_left_in_its_section_is_kept_and_asked_about_when_f2_would_close_it(
            self, medoffice_practice):
        """F2, F3, "Ann", then F5: the board shows at once (switching sections closes
        nothing). F2 back: the form is shown with the question over it; n keeps it."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            board = await home(pilot)
            await burst(pilot, "f2")
            await wait_for(pilot, lambda: isinstance(app.screen, PatientSearchScreen))
            form = await registering(pilot, *"Ann")
            await burst(pilot, "f5")
            await wait_for(pilot, lambda: app.screen is board)
            await asked(pilot, "f2")
            assert app.screen_stack[-2] is form
            await burst(pilot, "n")
            await wait_for(pilot, lambda: app.screen is form)
            assert first_name(form) == "Ann"

    async def test_an_edit_of_the_demographics_is_asked_about(self, medoffice_practice, ann):
        """Ann's card from the search, e, a new phone typed; F2: the question; y drops the
        edit and the phone on file is unchanged."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await home(pilot)
            await burst(pilot, "f2", *"lee", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.screen.patient is not None)
            await burst(pilot, "e", "down", "down", "down", "down", "down", *"555-010-4433")
            await wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen)
                           and typed(app.screen, "#field-phone") == "555-010-4433")
            await asked(pilot, "f2")
            await burst(pilot, "y")
            await wait_for(pilot, lambda: isinstance(app.screen, PatientSearchScreen))
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert patients.get(ctx, ann).phone is None

    async def test_a_search_typed_is_not_work_to_keep(self, medoffice_practice, ann):
        """A name typed in the search, then F9: signed out without a question."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await home(pilot)
            await burst(pilot, "f2", *"lee")
            await wait_for(pilot, lambda: isinstance(app.screen, PatientSearchScreen)
                           and app.screen.shown_query == "lee")
            await burst(pilot, "f9")
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))


class TestOtherWaysOut:
    async def test_sign_out_asks_and_n_stays_signed_in_on_the_form(self, medoffice_practice):
        """F3, "Ann", F9: "Sign out and discard the changes? y/n"; n: still signed in, on
        the form; F9, y: the sign-in screen."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await home(pilot)
            form = await registering(pilot, *"Ann")
            question = await asked(pilot, "f9")
            assert question.question == "Sign out and discard the changes? y/n"
            await burst(pilot, "n")
            await wait_for(pilot, lambda: app.screen is form)
            assert app.user is not None and first_name(form) == "Ann"
            await asked(pilot, "f9")
            await burst(pilot, "y")
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            assert app.user is None

    async def test_the_palette_s_open_day_board_asks(self, medoffice_practice):
        """F3, "Ann", Ctrl+P, "day board", Enter: the question, not the board."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await home(pilot)
            form = await registering(pilot, *"Ann")
            await burst(pilot, "ctrl+p", *"day board")
            await pilot.pause(0.3)
            await asked(pilot, "enter")
            await burst(pilot, "n")
            await wait_for(pilot, lambda: app.screen is form)
            assert first_name(form) == "Ann"

    async def test_the_screens_list_asks(self, medoffice_practice):
        """F3, "Ann", F4, the Day board chosen: the question; n keeps the form."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await home(pilot)
            form = await registering(pilot, *"Ann")
            await burst(pilot, "f4")
            await wait_for(pilot, lambda: isinstance(app.screen, NavigationScreen))
            screens = app.screen.query_one(OptionList)
            screens.highlighted = next(i for i in range(screens.option_count)
                                       if screens.get_option_at_index(i).id == "scheduling.day")
            await asked(pilot, "enter")
            await burst(pilot, "n")
            await wait_for(pilot, lambda: app.screen is form)
            assert first_name(form) == "Ann"


class TestPluginForms:
    """The billing plugin's screens say nothing about unsaved work: the shell sees what was typed."""

    async def open_card(self, pilot, practice, mrn) -> PatientCardScreen:
        app = pilot.app
        await home(pilot)
        with practice.operation("frontdesk", write=False) as ctx:
            app.open_patient(patients.get(ctx, mrn))
        await wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.screen.patient is not None)
        return app.screen

    async def test_a_payment_half_typed_is_asked_about_and_kept(self, medoffice_practice, ann):
        """Ann's card, p, a check number typed; F5 asks; n: the payment form as it was."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await self.open_card(pilot, medoffice_practice, ann)
            await burst(pilot, "p")
            await wait_for(pilot, lambda: isinstance(app.screen, TakePaymentScreen) and app.screen.account is not None)
            payment = app.screen
            await burst(pilot, *"20", "enter", *["backspace"] * 4, *"check", "enter", *"1042")
            await wait_for(pilot, lambda: typed(payment, "#reference") == "1042")
            await asked(pilot, "f5")
            await burst(pilot, "n")
            await wait_for(pilot, lambda: app.screen is payment)
            assert [payment.query_one(f"#{n}", Input).value for n in ("amount", "method", "reference")] == [
                "20", "check", "1042"]

    async def test_a_payment_form_only_looked_at_is_left_without_a_question(self, medoffice_practice, ann):
        """Ann's card, p, then F5 straight away: the board, no question."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await self.open_card(pilot, medoffice_practice, ann)
            await burst(pilot, "p")
            await wait_for(pilot, lambda: isinstance(app.screen, TakePaymentScreen) and app.screen.account is not None)
            await burst(pilot, "f5")
            await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen))

    async def test_a_policy_half_typed_is_asked_about(self, medoffice_practice, ann):
        """Ann has no insurance: i opens the form; "acm" typed; F5 asks; y: the board."""
        async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
            app = pilot.app
            await self.open_card(pilot, medoffice_practice, ann)
            await burst(pilot, "i", *"acm")
            await wait_for(pilot, lambda: isinstance(app.screen, InsuranceScreen)
                           and typed(app.screen, "#payer") == "acm")
            await asked(pilot, "f5")
            await burst(pilot, "y")
            await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen))
