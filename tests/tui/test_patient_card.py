"""The patient card: opening is audited, and plugin panels appear behind error boundaries."""

from __future__ import annotations

from textual.widgets import Static

from medoffice.core import audit
from medoffice.core.context import SYSTEM_USER
from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens.patient_card import PatientCardScreen
from medoffice.tui.screens.plugin_host import PluginErrorPanel


def _opened(rt) -> list:
    with rt.operation(write=False) as ctx:
        return list(audit.iter_entries(ctx.session, action="patient.opened"))


async def _open_card(app, pilot, kit, text="smith"):
    await pilot.press(*text, "enter")
    await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientCardScreen)
                       and app.screen.patient is not None)
    await pilot.pause()
    return app.screen


async def test_opening_the_card_shows_demographics_and_audits_the_opening(runtime, kit):
    """The card shows who the patient is; the audit log has a patient.opened entry by the user."""
    patient = kit.register(runtime, phone="555-123-4567")
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        assert _opened(runtime) == []
        card = await _open_card(app, pilot, kit)
        text = str(card.query_one("#demographics", Static).render())
        assert "Smith, Ann" in text and "MRN 000001" in text and "Phone 555-123-4567" in text
        entries = _opened(runtime)
        assert len(entries) == 1
        assert entries[0].username == "admin" and entries[0].patient_id == patient.id


async def test_escape_goes_back_to_the_search(runtime, kit):
    """Escape closes the card."""
    kit.register(runtime)
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_card(app, pilot, kit)
        await pilot.press("escape")
        await kit.wait_for(pilot, lambda: app.screen is app.home)


async def test_a_plugin_panel_appears_on_the_card(plugin_runtime, kit):
    """The fake plugin's notes panel is built with the host and the patient."""
    kit.register(plugin_runtime)
    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        card = await _open_card(app, pilot, kit)
        texts = [str(w.render()) for w in card.query(".plugin-panel")]
        assert "Notes for Ann (fake)" in texts
        panel = card.query(".plugin-panel").first()
        assert panel.border_title == "Fake notes"


async def test_a_panel_needing_a_permission_is_hidden_from_a_user_without_it(plugin_runtime, kit):
    """The admin sees "Fake flags"; the front desk, lacking fake.flags, does not."""
    kit.register(plugin_runtime)
    desk = kit.add_user(plugin_runtime, "desk", ["front_desk"])
    for user, expected in ((kit.admin(plugin_runtime), True), (desk, False)):
        app = MedofficeApp(plugin_runtime, user=user)
        async with app.run_test(size=(80, 24)) as pilot:
            card = await _open_card(app, pilot, kit)
            titles = [w.border_title for w in card.query(".plugin-panel")]
            assert ("Fake flags" in titles) is expected, user.username


async def test_panels_that_raise_are_replaced_by_errors_naming_the_plugin(plugin_runtime, kit):
    """Raising while composing, drawing or mounting: each becomes an error panel; the rest go on.

    Only the system user ("*") has the permission that shows the crashing panels.
    """
    kit.register(plugin_runtime)
    app = MedofficeApp(plugin_runtime, user=SYSTEM_USER)
    async with app.run_test(size=(80, 24)) as pilot:
        card = await _open_card(app, pilot, kit)
        await kit.wait_for(pilot, lambda: len(card.query(PluginErrorPanel)) == 3)
        errors = {e.border_title: (e.plugin_id, str(e.render())) for e in card.query(PluginErrorPanel)}
        assert errors["Bad panel"][0] == "fake" and "the panel fell over" in errors["Bad panel"][1]
        assert errors["Ugly panel"][0] == "fake" and "cannot draw myself" in errors["Ugly panel"][1]
        assert errors["Late panel"][0] == "fake" and "mounting went wrong" in errors["Late panel"][1]
        assert list(errors) == ["Bad panel", "Ugly panel", "Late panel"], "each error takes its panel's place"
        await kit.wait_for(pilot, lambda: len(card.query_one("#panels").children) == 5)
        kinds = [type(w).__name__ for w in card.query_one("#panels").children]
        assert kinds == ["NotesPanel", "NotesPanel", "PluginErrorPanel", "PluginErrorPanel", "PluginErrorPanel"]
        assert "Notes for Ann (fake)" in [str(w.render()) for w in card.query(".plugin-panel")]
        assert app.is_running and app.return_code is None
        await pilot.press("escape")
        await kit.wait_for(pilot, lambda: app.screen is app.home)
