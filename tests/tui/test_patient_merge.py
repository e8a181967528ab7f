"""The desk merges two records of one patient from the card, or deactivates one.

Keys are typed in whole bursts, without pauses, from a cold start. A stand-in plugin ("Notes")
says what it would move, and refuses when a test tells it to.
"""

from __future__ import annotations

import time

import pytest
from textual.css.query import NoMatches
from textual.widgets import Input, Static

from medoffice.core import PluginInfo, audit, hookimpl
from medoffice.core.records import MergePreview
from medoffice.core.services import patients
from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.patient_merge import READING_SECONDS, DeactivateDialog, PatientMergeScreen

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = pytest.mark.medoffice_backends("sqlite")

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


class Notes:
    """A plugin with notes on patients: "2 notes" move, unless it is told to refuse."""

    plugin_info = PluginInfo(id="notes", title="Notes", api_version=1)
    refusal: str | None = None
    slow = 0.0
    """Seconds the preview takes (a busy database), so that keys can be typed ahead of it."""

    @hookimpl
    def medoffice_patient_merge_preview(self, ctx, merge):
        time.sleep(self.slow)
        return MergePreview(["2 notes"], self.refusal)

    @hookimpl
    def medoffice_patient_merge(self, ctx, merge):
        return []


@pytest.fixture
def notes():
    return Notes()


@pytest.fixture
def twins(make_runtime, kit, notes):
    """Ann Smith registered twice: 000001 with a phone, 000002 with an e-mail."""
    rt = make_runtime(notes)
    kit.register(rt, phone="555-123-4567")
    kit.register(rt, email="ann@example.org")
    return rt


def state(rt, mrn):
    with rt.operation(write=False) as ctx:
        return patients.get(ctx, mrn)


async def open_card(app, pilot, kit, mrn="000001"):
    await kit.wait_for(pilot, lambda: app.screen is app.home)
    app.push_patient_card(mrn)
    await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.screen.patient is not None)
    return app.screen


def shown(app) -> str:
    """The card's demographics (or what it says instead), "" while it is being built."""
    try:
        return str(app.screen.query_one("#demographics", Static).render())
    except NoMatches:
        return ""


async def read_the_preview(pilot, app, kit):
    """Wait for the preview, then take the moment a person needs to read it."""
    await kit.wait_for(pilot, lambda: app.screen.plan is not None)
    await pilot.pause(READING_SECONDS + 0.1)


def plan_text(app) -> str:
    return str(app.screen.query_one("#plan", Static).render())


async def test_m_finds_the_other_record_and_ctrl_y_typed_ahead_of_the_preview_merges_nothing(twins, kit, notes):
    notes.slow = 0.5
    app = MedofficeApp(twins, user=kit.admin(twins))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(app, pilot, kit)
        await pilot.press("M", *"000002", "enter", "ctrl+y")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientMergeScreen) and app.screen.plan is not None)
        await pilot.pause()
        assert state(twins, "000002").active is True  # the Ctrl+Y came before anyone saw the preview
        assert any("typed before the preview showed" in m for m in kit.messages(app))
        assert "Notes: 2 notes" in plan_text(app) and "Ctrl+Y merges 000002 into 000001" in plan_text(app)
        assert "Absorb" in str(app.screen.query_one("#absorb-side", Static).render())
        await read_the_preview(pilot, app, kit)
        await pilot.press("ctrl+y")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen)
                           and app.screen.patient is not None and app.screen.mrn == "000001")
        assert "Merged 000002 into 000001; 000002 is now inactive." in kit.messages(app)
    gone = state(twins, "000002")
    assert (gone.active, gone.inactive_reason) == (False, "merged into 000001")


async def test_ctrl_t_keeps_the_other_record_ctrl_f_fills_its_blanks_and_the_card_then_shows_it(twins, kit):
    app = MedofficeApp(twins, user=kit.admin(twins))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(app, pilot, kit)
        await pilot.press("M", *"smith", "enter")
        await kit.wait_for(pilot, lambda: app.screen.plan is not None)
        await pilot.press("ctrl+t")
        await kit.wait_for(pilot, lambda: app.screen.plan is not None and app.screen.plan.keep.mrn == "000002")
        assert "Blank on the kept record: phone (Ctrl+F copies them)" in plan_text(app)
        await pilot.press("ctrl+f")
        assert "Copied to the kept record: phone" in plan_text(app)
        await read_the_preview(pilot, app, kit)
        await pilot.press("ctrl+y")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.screen.mrn == "000002"
                           and app.screen.patient is not None and app.screen.patient.mrn == "000002")
    assert state(twins, "000001").inactive_reason == "merged into 000002"
    assert state(twins, "000002").phone == "555-123-4567"  # taken from the absorbed record, as asked
    with twins.operation(write=False) as ctx:
        opened = [e.entity_id for e in audit.iter_entries(ctx.session, action="patient.opened")]
    assert "000002" in opened  # the kept card was opened, and that opening audited


async def test_a_refusal_is_shown_and_ctrl_y_does_nothing(twins, kit, notes):
    notes.refusal = "both patients are booked at 09:00 on 2026-01-06"
    app = MedofficeApp(twins, user=kit.admin(twins))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(app, pilot, kit)
        await pilot.press("M", *"000002", "enter")
        await read_the_preview(pilot, app, kit)
        await pilot.press("ctrl+y", "ctrl+y")
        assert "Cannot merge: Notes: both patients are booked at 09:00 on 2026-01-06" in plan_text(app)
        assert isinstance(app.screen, PatientMergeScreen)
    assert state(twins, "000002").active is True


async def test_hostile_text_in_the_search_finds_nothing_and_merges_nothing(twins, kit):
    app = MedofficeApp(twins, user=kit.admin(twins))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(app, pilot, kit)
        await pilot.press("M", *"'; drop table core_patient; --[b]", "enter", "ctrl+y")
        await kit.wait_for(pilot, lambda: "No other patient matches" in plan_text(app))
        assert app.screen.plan is None
    assert kit.patient_count(twins) == 2


async def test_the_registrations_duplicates_are_offered_before_anything_is_typed(twins, kit):
    app = MedofficeApp(twins, user=kit.admin(twins))
    async with app.run_test(size=(80, 24)) as pilot:
        await kit.wait_for(pilot, lambda: app.screen is app.home)
        app.push_patient_card("000002", duplicates=(state(twins, "000001"),))
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen) and app.screen.patient is not None)
        assert "merge if they are the same person (M)" in str(app.screen.query_one("#duplicates", Static).render())
        await pilot.press("M", "enter")
        await kit.wait_for(pilot, lambda: app.screen.plan is not None)
        assert (app.screen.plan.keep.mrn, app.screen.plan.absorb.mrn) == ("000002", "000001")


async def test_opening_a_merged_record_says_where_it_went(twins, kit):
    with twins.operation() as ctx:
        from medoffice.core.services import patient_merge

        patient_merge.merge(ctx, "000001", "000002")
    app = MedofficeApp(twins, user=kit.admin(twins))
    async with app.run_test(size=(80, 24)) as pilot:
        await kit.wait_for(pilot, lambda: app.screen is app.home)
        app.push_patient_card("000002")
        await kit.wait_for(pilot, lambda: "merged into 000001" in shown(app))
        assert shown(app) == "patient 000002 was merged into 000001: open 000001"


async def test_x_deactivates_with_a_reason_and_x_again_reactivates(twins, kit):
    app = MedofficeApp(twins, user=kit.admin(twins))
    async with app.run_test(size=(80, 24)) as pilot:
        card = await open_card(app, pilot, kit)
        await pilot.press("x", "enter")  # no reason: refused, the dialog stays
        await kit.wait_for(pilot, lambda: isinstance(app.screen, DeactivateDialog)
                           and "reason" in str(app.screen.query_one("#deactivate-error", Static).render()))
        await pilot.press(*"moved to Ohio", "enter")
        await kit.wait_for(pilot, lambda: app.screen is card and card.patient is not None and not card.patient.active)
        assert "INACTIVE (moved to Ohio)" in str(card.query_one("#demographics", Static).render())
        await pilot.press("x", "enter")
        await kit.wait_for(pilot, lambda: app.screen is card and card.patient.active)
    assert state(twins, "000001").active is True


async def test_the_front_desk_may_merge_and_billing_may_not(twins, kit):
    for roles, allowed in ((["front_desk"], True), (["billing"], False)):
        user = kit.add_user(twins, roles[0].replace("_", ""), roles)
        app = MedofficeApp(twins, user=user)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_card(app, pilot, kit)
            await pilot.press("M")
            await pilot.pause()
            assert isinstance(app.screen, PatientMergeScreen) is allowed, roles


@pytest.mark.parametrize("size", SIZES)
def test_merge_screen_snapshot(snap_compare, twins, kit, size):
    """The pair side by side, the plugin's line, the Ctrl+Y hint."""
    app = MedofficeApp(twins, user=kit.admin(twins))

    async def preview(pilot):
        await open_card(app, pilot, kit)
        await pilot.press("M", *"000002", "enter")
        await kit.wait_for(pilot, lambda: app.screen.plan is not None)
        app.screen.query_one("#other", Input).cursor_blink = False  # a blinking cursor is not the look
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=preview)


async def test_from_a_cold_start_search_card_merge_screen_in_one_burst(twins, kit):
    """Typed at once as the app starts: find 000001, open the card, M, find 000002, pick it."""
    app = MedofficeApp(twins, user=kit.admin(twins))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"000001", "enter", "M", *"000002", "enter")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientMergeScreen) and app.screen.plan is not None)
        assert (app.screen.plan.keep.mrn, app.screen.plan.absorb.mrn) == ("000001", "000002")
    assert state(twins, "000002").active is True
