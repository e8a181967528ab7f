"""The look of the sign-in, patient search and patient card screens, locked by SVG snapshots.

Regenerate after an intended change with ``pytest tests/tui --snapshot-update`` and review
the SVGs under ``__snapshots__`` like any other diff.
"""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.tui.app import MedofficeApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_screen(snap_compare, runtime, size):
    """The sign-in form, centred, with a masked password and an error line."""

    async def type_credentials(pilot):
        await pilot.press(*"admin", "enter", *"secret")

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
