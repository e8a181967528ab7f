"""Registering and editing a patient: the service validates, the form shows each message."""

from __future__ import annotations

from textual.widgets import Input, Static

from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.patient_form import PatientFormScreen


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
