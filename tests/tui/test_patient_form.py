"""Registering and editing a patient: the service validates, the form shows each message."""

from __future__ import annotations

import pytest
from rich.color import Color as RichColor
from rich.color import ColorSystem
from textual.widgets import Input, Static

from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.patient_form import PatientFormScreen
from medoffice.tui.unsaved import DiscardChanges

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = pytest.mark.medoffice_backends("sqlite")


async def _fill(pilot, form: PatientFormScreen, **values: str) -> None:
    for name, value in values.items():
        form.query_one(f"#field-{name}", Input).value = value
    await pilot.pause()


def _error(form: PatientFormScreen, name: str) -> str:
    label = form.query_one(f"#error-{name}", Static)
    return str(label.render()) if label.display else ""


async def _open_form(app, pilot, kit) -> PatientFormScreen:
    await pilot.press("f3")
    await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen))
    return app.screen


async def test_a_bad_date_of_birth_is_shown_beside_the_field_and_nothing_is_saved(runtime, kit):
    """1980-13-03 is refused by the service; the message sits under Date of birth."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(app, pilot, kit)
        await _fill(pilot, form, first_name="Ann", last_name="Smith", date_of_birth="1980-13-03", sex="f")
        await pilot.press("ctrl+s")
        await kit.wait_for(pilot, lambda: _error(form, "date_of_birth"))
        assert "1980-13-03" in _error(form, "date_of_birth")
        assert _error(form, "first_name") == "" and _error(form, "sex") == ""
        assert app.screen is form
        assert kit.patient_count(runtime) == 0


async def test_missing_required_fields_are_each_marked(runtime, kit):
    """An empty form marks first name, last name, date of birth and sex."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(app, pilot, kit)
        await pilot.press("ctrl+s")
        await kit.wait_for(pilot, lambda: _error(form, "last_name"))
        for name in ("first_name", "last_name", "date_of_birth", "sex"):
            assert _error(form, name), name
        assert kit.patient_count(runtime) == 0


async def test_a_valid_registration_saves_and_opens_the_card(runtime, kit):
    """Saving registers the patient (MRN assigned by the core) and opens their card."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(app, pilot, kit)
        await _fill(pilot, form, first_name="Ann", last_name="O'Brien", date_of_birth="1980-02-03", sex="f",
                    phone="555-123-4567")
        form.query_one("#save").focus()  # below the fold at 80x24: focusing scrolls to it
        await pilot.press("enter")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen)
                           and app.screen.patient is not None)
        assert kit.patient_count(runtime) == 1
        assert app.screen.patient.last_name == "O'Brien"
        assert not app.screen.query_one("#duplicates", Static).display


async def test_a_likely_duplicate_is_saved_and_flagged_on_the_card(runtime, kit):
    """Same name and birth date as an existing patient: saved (twins exist) but flagged."""
    kit.register(runtime)
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(app, pilot, kit)
        await _fill(pilot, form, first_name="Ann", last_name="Smith", date_of_birth="1980-02-03", sex="female")
        await pilot.press("ctrl+s")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen))
        warning = app.screen.query_one("#duplicates", Static)
        assert warning.display
        assert "Possible duplicate of: 000001 Smith, Ann" in str(warning.render())
        assert kit.patient_count(runtime) == 2


async def test_editing_from_the_card_saves_only_the_changes(runtime, kit):
    """E on the card opens the form filled in; the MRN cannot change; the card shows the result."""
    kit.register(runtime)
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"smith", "enter")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen)
                           and app.screen.patient is not None)
        card = app.screen
        await pilot.press("e")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen))
        form = app.screen
        assert form.query_one("#field-mrn", Input).disabled
        assert form.query_one("#field-last_name", Input).value == "Smith"
        await _fill(pilot, form, phone="555-987-6543")
        await pilot.press("ctrl+s")
        await kit.wait_for(pilot, lambda: app.screen is card)
        await kit.wait_for(pilot, lambda: card.patient.phone is not None)
        assert "555-987-6543" in str(card.query_one("#demographics", Static).render())


async def test_a_patient_who_refuses_reminders_says_no_and_the_card_shows_it(runtime, kit):
    """Reminders reads yes until the patient refuses; then the card says so (and only then)."""
    kit.register(runtime)
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"smith", "enter")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen)
                           and app.screen.patient is not None)
        card = app.screen
        assert "reminders" not in str(card.query_one("#demographics", Static).render())
        await pilot.press("e")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen))
        form = app.screen
        assert form.query_one("#field-reminders", Input).value == "yes"
        await _fill(pilot, form, reminders="no")
        await pilot.press("ctrl+s")
        await kit.wait_for(pilot, lambda: app.screen is card)
        await kit.wait_for(pilot, lambda: not card.patient.reminders)
        assert "No appointment reminders" in str(card.query_one("#demographics", Static).render())


async def test_an_edit_the_service_refuses_shows_the_message_by_the_field(runtime, kit):
    """Clearing a required field is refused beside it, and the record keeps its value."""
    kit.register(runtime)
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"smith", "enter")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen)
                           and app.screen.patient is not None)
        await pilot.press("e")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen))
        form = app.screen
        await _fill(pilot, form, first_name="")
        await pilot.press("ctrl+s")
        await kit.wait_for(pilot, lambda: _error(form, "first_name"))
        assert "first name" in _error(form, "first_name")


async def test_a_user_without_patients_write_cannot_register(runtime, kit):
    """Billing may read patients but not register them: F3 does nothing, E is not offered."""
    kit.register(runtime)
    biller = kit.add_user(runtime, "biller", ["billing"])
    app = MedofficeApp(runtime, user=biller)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen is app.home
        await pilot.press(*"smith", "enter")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen)
                           and app.screen.patient is not None)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PatientCardScreen)


def _value(form: PatientFormScreen, name: str) -> str:
    return form.query_one(f"#field-{name}", Input).value


async def test_the_form_starts_on_the_first_name_and_the_mrn_comes_last(runtime, kit):
    """A walk-in has no MRN: F3 and typing fills the first name; Down, Down reaches the last
    name; the MRN is the last field, and left blank it takes the next number."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", *"Ann", "down", "down", *"Okonkwo-Reyes", "down", *"1980-02-03", "down", "f",
                          "ctrl+s")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.screen.patient)
        patient = app.screen.patient
        assert (patient.first_name, patient.last_name, patient.mrn) == ("Ann", "Okonkwo-Reyes", "000001")
        form = PatientFormScreen(app.host)
        inputs = [i.id for i in (await _mounted(app, pilot, form)).query(Input)]
        assert inputs[0] == "field-first_name" and inputs[-1] == "field-mrn"


async def _mounted(app, pilot, form):
    app.push_screen(form)
    await pilot.pause()
    return form


async def test_up_and_down_move_between_fields_both_ways(runtime, kit):
    """Down, Down, Up lands on the middle name; Up from there on the first name."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "down", "down", "up", *"Lee", "up", *"Bo")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen))
        form = app.screen
        await kit.wait_for(pilot, lambda: _value(form, "first_name") == "Bo")
        assert _value(form, "middle_name") == "Lee" and _value(form, "last_name") == ""


async def test_escape_on_a_filled_form_asks_and_n_keeps_every_letter(runtime, kit):
    """Escape, n: the form stays as typed. Escape, Enter: still kept (Enter never discards).
    Escape, y: gone, and nobody was registered."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", *"Ann", "down", "down", *"Smith", "escape", "n")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen)
                           and _value(app.screen, "last_name") == "Smith")
        form = app.screen
        await pilot.press("escape")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, DiscardChanges))
        assert "Discard the changes? y/n" in str(app.screen.query_one("#discard-question", Static).render())
        await pilot.press("enter", *"x")
        await kit.wait_for(pilot, lambda: app.screen is form)
        assert (_value(form, "first_name"), _value(form, "last_name")) == ("Ann", "Smithx"), \
            "Enter kept the form, and typing goes on where it was"
        await pilot.press("escape", "y")
        await kit.wait_for(pilot, lambda: app.screen is app.home)
        assert kit.patient_count(runtime) == 0


async def test_escape_on_an_untouched_form_closes_it_at_once(runtime, kit):
    """Nothing typed (or an edit changed back): nothing to lose, nothing asked."""
    kit.register(runtime)
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "escape")
        await kit.wait_for(pilot, lambda: app.screen is app.home)
        await pilot.press(*"smith", "enter")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.screen.patient)
        card = app.screen
        await pilot.press("e", "down", "x", "backspace", "escape")  # the middle name typed and rubbed out
        await kit.wait_for(pilot, lambda: app.screen is card)


async def test_ctrl_q_on_a_filled_form_asks_before_quitting(plugin_runtime, kit):
    """Ctrl+Q, n: still running, the form as typed. From another section (the fake board,
    F6), Ctrl+Q asks again; y: the app ends."""
    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", *"Ann", "ctrl+q", "n")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen)
                           and _value(app.screen, "first_name") == "Ann")
        assert app.is_running
        await pilot.press("f6", "ctrl+q")  # the form waits in its section while another is shown
        await kit.wait_for(pilot, lambda: isinstance(app.screen, DiscardChanges))
        assert "Quit and discard the changes? y/n" in str(app.screen.query_one("#discard-question", Static).render())
        await pilot.press("y")
        await kit.wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == 0


async def test_ctrl_q_with_nothing_typed_quits_at_once(runtime, kit):
    """No question when there is nothing to lose."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "ctrl+q")
        await kit.wait_for(pilot, lambda: not app.is_running)


def _standard(color) -> int:
    """The colour a 16-colour terminal shows for ``color``."""
    return RichColor.parse(color.hex).downgrade(ColorSystem.STANDARD).number


async def test_the_focused_field_stands_out_also_in_16_colours(runtime, kit):
    """The form's one-line fields: the focused one's background is another colour than the
    others', even after a 16-colour terminal rounds them; a boxed field (sign-in) changes its
    border's colour the same way."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen))
        form = app.screen
        focused, other = form.query_one("#field-first_name", Input), form.query_one("#field-last_name", Input)
        await kit.wait_for(pilot, lambda: focused.has_focus)
        assert _standard(focused.styles.background) != _standard(other.styles.background)
        assert _standard(focused.styles.background) != _standard(form.styles.background)
    app = MedofficeApp(runtime)
    async with app.run_test(size=(80, 24)) as pilot:
        await kit.wait_for(pilot, lambda: app.screen.query("#username"))
        user, password = app.screen.query_one("#username", Input), app.screen.query_one("#password", Input)
        await kit.wait_for(pilot, lambda: user.has_focus)
        assert _standard(user.styles.border_top[1]) != _standard(password.styles.border_top[1])
        assert _standard(user.styles.border_top[1]) != _standard(app.screen.styles.background)
