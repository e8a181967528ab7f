"""A practice puts the shell's keys where its staff want them, in the config file's [keys]."""

from __future__ import annotations

import attrs
import pytest

from medoffice.core.errors import ConfigurationError
from medoffice.tui.app import MedofficeApp
from medoffice.tui.screens.help import HelpScreen
from medoffice.tui.screens.patient_form import PatientFormScreen


async def test_a_remapped_key_works_and_help_shows_it(make_runtime, kit):
    """Register moves from F3 to Ctrl+R: Ctrl+R opens the form, F3 does nothing, F1 says Ctrl+R."""
    rt = make_runtime(options={"keys": {"app.register_patient": "ctrl+r"}})
    app = MedofficeApp(rt, user=kit.admin(rt))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert not isinstance(app.screen, PatientFormScreen)
        await pilot.press("ctrl+r")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PatientFormScreen))
        await pilot.press("escape")
        await kit.wait_for(pilot, lambda: app.screen is app.home)
        await pilot.press("f1")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert ("Ctrl+R", "Register") in app.screen._rows


@pytest.mark.parametrize(("keys", "said"), [
    ({"app.no_such_thing": "f10"}, "[keys] app.no_such_thing: no such key binding"),
    ({"billing.charges.close": "f10"}, "[keys] billing.charges.close: no such key binding"),
    ({"app.lock": "alt+l"}, "alt+l does not survive every terminal and SSH session"),
    ({"app.lock": "ctrl+shift+l"}, "ctrl+shift+l does not survive"),
    ({"app.find_patient": "f2,ctrl+enter"}, "ctrl+enter does not survive"),
    ({"app.lock": 12}, "give the key as a string"),
])
def test_a_bad_keymap_stops_the_start_with_one_clear_line(make_runtime, keys, said):
    """An unknown binding id (billing is not installed here) or a key some terminals mangle."""
    rt = make_runtime(options={"keys": keys})
    with pytest.raises(ConfigurationError) as caught:
        MedofficeApp(rt)
    assert said in str(caught.value)


def test_a_plugins_binding_is_accepted_by_its_plugins_prefix(plugin_runtime):
    """The fake plugin is enabled: ids under "fake." are its to define."""
    rt = plugin_runtime
    rt.settings = attrs.evolve(rt.settings, options={"keys": {"fake.board.refresh": "f10"}})
    assert MedofficeApp(rt).practice_keymap == {"fake.board.refresh": "f10"}
