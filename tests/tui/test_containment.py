"""The boundary between a plugin's failure (contained) and the shell's own bug (not)."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from medoffice.tui import containment
from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens.patients import PatientSearchScreen


def _raise_from(node):
    class Boom(Static):
        def explode(self):
            raise RuntimeError("x")

    try:
        Boom.explode(node)
    except RuntimeError as exc:
        return exc


def test_an_error_raised_for_a_tagged_node_or_its_child_is_owned_by_the_plugin():
    """The innermost tagged node of the traceback names the plugin."""
    panel, child, other = Static(), Static(), Static()
    panel._add_child(child)
    containment.tag(panel, "alerts", "Alerts")
    owner = containment.plugin_owner(_raise_from(child))
    assert owner is not None and owner.node is panel and (owner.plugin_id, owner.title) == ("alerts", "Alerts")
    assert containment.plugin_owner(_raise_from(other)) is None


def test_carrying_on_is_only_safe_when_no_core_loop_stopped():
    """A stopped loop inside the plugin's node is fine; one in a core node is not."""
    panel, child, core = Static(), Static(), Static()
    panel._add_child(child)
    containment.tag(panel, "alerts", "Alerts")
    owner = containment.PluginOwner(panel, "alerts", "Alerts")
    assert containment.survivable(owner, None)
    assert containment.survivable(owner, panel) and containment.survivable(owner, child)
    assert not containment.survivable(owner, core)


async def test_the_shells_own_bug_still_ends_the_app(runtime, kit, monkeypatch):
    """Containment is for plugins: a core screen's exception is not swallowed."""

    def broken(self):
        raise LookupError("a bug in the shell")

    monkeypatch.setattr(PatientSearchScreen, "action_clear", broken)
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    with pytest.raises(LookupError):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("escape")
            await pilot.pause()
    assert app.return_code == 1
