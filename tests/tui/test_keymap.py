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


async def test_a_practice_moves_a_plugin_screen_to_another_f_key(plugin_runtime, kit, fakes):
    """The fake board asked for F6; the practice wants it on F11: F11 opens it, F6 does not,
    and F1 and F4 show F11."""
    rt = plugin_runtime
    rt.settings = attrs.evolve(rt.settings, options={"keys": {"fake.board": "F11"}})
    app = MedofficeApp(rt, user=kit.admin(rt))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        assert not isinstance(app.screen, fakes.BoardScreen)
        await pilot.press("f11")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, fakes.BoardScreen))
        await pilot.press("f1")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert ("F11", "Open Fake board") in app.screen._rows


def test_a_screen_key_the_practice_gives_wins_over_a_plugins_own(plugin_runtime):
    """The broken board asks for nothing; given F6, it takes F6 from the fake board."""
    rt = plugin_runtime
    rt.settings = attrs.evolve(rt.settings, options={"keys": {"fake.broken": "f6"}})
    keys = MedofficeApp(rt).screen_keys
    assert keys == {"fake.broken": "f6"}, "the fake board keeps no key; F4 and the palette still open it"


@pytest.mark.parametrize(("keys", "said"), [
    ({"fake.board": "f3"}, "[keys] fake.board = 'f3': a screen's key must be one of F5, F6, F7, F8, F11, F12"),
    ({"fake.board": "x"}, "a screen's key must be one of"),
    ({"fake.board": "f7", "fake.later": "f7"}, "[keys] fake.later = 'f7': F7 is already given to fake.board"),
])
def test_a_screen_key_the_shell_owns_or_given_twice_stops_the_start(plugin_runtime, keys, said):
    rt = plugin_runtime
    rt.settings = attrs.evolve(rt.settings, options={"keys": keys})
    with pytest.raises(ConfigurationError) as caught:
        MedofficeApp(rt)
    assert said in str(caught.value)
