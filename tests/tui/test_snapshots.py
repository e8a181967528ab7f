"""The look of the shell's screens (sign-in, search, card, form, lock, help, palette), locked by
SVG snapshots.

Regenerate after an intended change with ``pytest tests/tui --snapshot-update`` and review
the SVGs under ``__snapshots__`` like any other diff.
"""

from __future__ import annotations

import datetime as dt

import pytest

from textual.widgets import Input

from medoffice.core.services import patients, users
from medoffice.plugins.billing.screens.billing_panel import BillingPanel
from medoffice.plugins.scheduling.screens.appointments_panel import AppointmentsPanel
from medoffice.tui.app import MedofficeApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def steady_cursors(app) -> None:
    """Stop the fields' cursors blinking, so a snapshot does not depend on the half-second
    it is taken in (the cursor stays shown)."""
    for screen in app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_screen(snap_compare, runtime, size):
    """The sign-in form, centred, with a masked password and an error line."""

    async def type_credentials(pilot):
        await pilot.press(*"admin", "enter", *"secret")
        steady_cursors(pilot.app)
        await pilot.pause()

    assert snap_compare(MedofficeApp(runtime), terminal_size=size, run_before=type_credentials)


@pytest.mark.parametrize("size", SIZES)
def test_patient_search_screen(snap_compare, runtime, kit, size):
    """Patient search with three hits for "smi", the first row highlighted."""
    kit.register(runtime, phone="555-123-4567")
    kit.register(runtime, first_name="Bob", middle_name="Lee", date_of_birth="1975-11-30")
    kit.register(runtime, first_name="Smita", last_name="Patel", date_of_birth="2001-07-14", phone="555-000-1111")
    app = MedofficeApp(runtime, user=kit.admin(runtime))

    async def search(pilot):
        await pilot.press(*"smi")
        await kit.wait_for(pilot, lambda: app.screen.shown_query == "smi")
        steady_cursors(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=search)


@pytest.mark.parametrize("size", SIZES)
def test_patient_card_screen(snap_compare, runtime, kit, size):
    """Ann Smith's card on a fixed day (2026-03-10), so her age on it never changes: 46."""
    runtime.clock = lambda: dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.timezone.utc)
    patient = kit.register(runtime, phone="555-123-4567", preferred_language="Spanish")
    app = MedofficeApp(runtime, user=kit.admin(runtime))

    async def open_card(pilot):
        await kit.wait_for(pilot, lambda: app.screen is app.home)
        app.push_patient_card(patient.mrn)
        shown = lambda: [str(d.render()) for d in app.screen.query("#demographics")]  # noqa: E731
        await kit.wait_for(pilot, lambda: any("age 46" in text for text in shown()))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_card)


@pytest.mark.parametrize("size", SIZES)
def test_registration_form_screen(snap_compare, runtime, kit, size):
    """F3, then a walk-in's first name typed straight away: the form starts on First name, the
    focused field blue and its label lit; the MRN is the last field."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))

    async def type_a_name(pilot):
        await pilot.press("f3", *"Ann", "down", "down", *"Okonkwo-Reyes")
        await kit.wait_for(pilot, lambda: app.screen.query("#field-last_name")
                           and app.screen.query_one("#field-last_name").value == "Okonkwo-Reyes")
        steady_cursors(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=type_a_name)


@pytest.mark.parametrize("size", SIZES)
def test_discard_question_screen(snap_compare, runtime, kit, size):
    """Escape on a filled form: "Discard the changes? y/n" over it."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))

    async def escape_a_filled_form(pilot):
        await pilot.press("f3", *"Ann", "escape")
        await kit.wait_for(pilot, lambda: app.screen.query("#discard-question"))
        steady_cursors(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=escape_a_filled_form)


@pytest.mark.parametrize("size", SIZES)
def test_lock_screen(snap_compare, runtime, kit, size):
    """Locked by a user with a long name: every word on the screen, the name wrapping."""
    with runtime.operation() as ctx:
        user = users.add_user(ctx, "mfokonkwo", "Maria-Fernanda Okonkwo-Reyes de la Cruz", "password1", ["front_desk"])
    app = MedofficeApp(runtime, user=user)

    async def lock(pilot):
        await pilot.press("ctrl+l")
        await kit.wait_for(pilot, lambda: app.screen.query("#lock-hint"))
        steady_cursors(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=lock)


def _card_with_panels(practice, kit):
    """Ann Lee's card with the Appointments and Billing panels, on a fixed day."""
    practice.runtime.clock = lambda: dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.timezone.utc)
    with practice.operation("admin") as ctx:
        mrn = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1980-02-03",
                                      "sex": "f", "phone": "555-123-4567"}).patient.mrn
    app = MedofficeApp(practice.runtime, user=practice.user("frontdesk"))

    async def open_card(pilot):
        await kit.wait_for(pilot, lambda: app.screen is app.home)
        app.push_patient_card(mrn)
        await kit.wait_for(pilot, lambda: len(app.screen.query(".plugin-panel")) == 2
                           and app.screen.query_one(BillingPanel).ledger is not None
                           and app.screen.query_one(AppointmentsPanel).visits is not None)
        await pilot.pause()

    return app, open_card


@pytest.mark.medoffice_backends("sqlite")
@pytest.mark.medoffice_plugins("scheduling", "billing")
@pytest.mark.parametrize("size", SIZES)
def test_patient_card_with_panels_screen(snap_compare, medoffice_practice, kit, size):
    """The card with the plugins' panels: the footer offers b, p and e wherever the focus is."""
    app, open_card = _card_with_panels(medoffice_practice, kit)
    assert snap_compare(app, terminal_size=size, run_before=open_card)


@pytest.mark.medoffice_backends("sqlite")
@pytest.mark.medoffice_plugins("scheduling", "billing")
@pytest.mark.parametrize("size", SIZES)
def test_help_on_the_card_screen(snap_compare, medoffice_practice, kit, size):
    """F1 on the card: its panels' keys and its own first, then the shell's."""
    app, open_card = _card_with_panels(medoffice_practice, kit)

    async def open_help(pilot):
        await open_card(pilot)
        await pilot.press("f1")
        await kit.wait_for(pilot, lambda: app.screen.query("#help-keys"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_help)


@pytest.mark.medoffice_backends("sqlite")
@pytest.mark.medoffice_plugins("scheduling", "billing")
@pytest.mark.parametrize("size", SIZES)
def test_palette_on_the_card_screen(snap_compare, medoffice_practice, kit, size):
    """Ctrl+P on the card: the card's own actions on top, each thing once."""
    app, open_card = _card_with_panels(medoffice_practice, kit)

    async def open_palette(pilot):
        await open_card(pilot)
        await pilot.press("ctrl+p")
        await kit.wait_for(pilot, lambda: app.screen.query("CommandList"))
        await pilot.pause(0.5)
        steady_cursors(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_palette)
