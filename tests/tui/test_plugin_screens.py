"""Plugin screens and actions: listed by permission, imported when opened, failures contained."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static

from medoffice.core import PluginInfo, hookimpl
from medoffice.tui.app import MedofficeApp
from medoffice.tui.commands import palette_entries
from medoffice.tui.screens.navigation import NavigationScreen
from medoffice.tui.screens.patients import PatientSearchScreen
from medoffice.tui.screens.plugin_host import PluginErrorScreen


def _option_ids(screen: NavigationScreen) -> list[str]:
    options = screen.query_one(OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)
            if options.get_option_at_index(i).id]


async def test_navigation_lists_the_plugin_screens_and_opens_one(plugin_runtime, kit, fakes):
    """F4 lists the fake board; choosing it opens the plugin's screen, which calls the host."""
    kit.register(plugin_runtime)
    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, NavigationScreen))
        assert _option_ids(app.screen) == ["fake.board", "fake.broken", "fake.missing", "fake.later",
                                           "core.dashboard"]
        await pilot.press("enter")  # the first screen is highlighted, below its section heading
        await kit.wait_for(pilot, lambda: isinstance(app.screen, fakes.BoardScreen))
        count = app.screen.query_one("#board-count", Static)
        await kit.wait_for(pilot, lambda: str(count.render()) == "1 patients")
        assert str(app.screen.query_one("#board-user", Static).render()) == "Board for admin"


async def test_a_user_without_the_permission_sees_the_screen_nowhere(plugin_runtime, kit):
    """The front desk lacks fake.view: no board in navigation, palette or its F6 key."""
    desk = kit.add_user(plugin_runtime, "desk", ["front_desk"])
    app = MedofficeApp(plugin_runtime, user=desk)
    async with app.run_test(size=(80, 24)) as pilot:
        titles = [e.title for e in palette_entries(app)]
        assert "Open Fake board" not in titles and "Secret fake action" not in titles
        assert "Open Broken board" in titles
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, PatientSearchScreen)
        await pilot.press("f4")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, NavigationScreen))
        assert "fake.board" not in _option_ids(app.screen)
        app.open_plugin_screen("fake.board")
        await pilot.pause()
        assert isinstance(app.screen, NavigationScreen)


async def test_the_system_user_sees_every_screen(plugin_runtime):
    """The system user's "*" grants every permission."""
    from medoffice.core.context import SYSTEM_USER

    app = MedofficeApp(plugin_runtime, user=SYSTEM_USER)
    titles = [s.title for _, s in app.contributions.screens_for(SYSTEM_USER)]
    assert titles == ["Fake board", "Broken board", "Missing board", "Later board", "Dashboard"]


async def test_a_plugin_key_opens_its_screen_from_anywhere(plugin_runtime, kit, fakes):
    """The fake board asked for F6."""
    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, fakes.BoardScreen))


async def test_a_screen_that_raises_on_mount_shows_an_error_naming_the_plugin(plugin_runtime, kit):
    """The app stays up; the error screen names the plugin; Escape returns and work goes on."""
    kit.register(plugin_runtime)
    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_plugin_screen("fake.broken")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PluginErrorScreen))
        assert app.screen.plugin_id == "fake"
        text = str(app.screen.query_one("#plugin-error Static", Static).render())
        assert "'fake'" in text and "the board fell over" in text and "Broken board" in text
        assert app.is_running and app.return_code is None
        await pilot.press("escape")
        await kit.wait_for(pilot, lambda: app.screen is app.home)
        await pilot.press(*"smith")
        await kit.wait_for(pilot, lambda: app.screen.query_one("#results").row_count == 1)


@pytest.mark.parametrize(("key", "error"), [("x", "KeyError: 'handler went wrong'"),
                                            ("k", "OSError: key handler went wrong"),
                                            ("w", "ZeroDivisionError: worker went wrong")])
async def test_a_screen_failing_after_mount_is_contained_too(plugin_runtime, kit, fakes, key, error):
    """An action, an event handler or a worker of the plugin's screen raises later: same error
    screen, the app up and still working."""
    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_plugin_screen("fake.later")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, fakes.LaterScreen))
        app.simulate_key(key)  # not pilot.press: it would wait on the screen that is about to die
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PluginErrorScreen))
        assert app.screen.message == f"plugin 'fake': unexpected {error}"
        assert app.is_running and app.return_code is None
        assert app.screen_stack == [app.screen], "the failed screen was replaced, not stacked under"
        assert app.current_mode == "plugins", "in the plugin's own section"
        await pilot.press("escape")
        await kit.wait_for(pilot, lambda: app.screen is app.home)
        await pilot.press("f4")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, NavigationScreen))


async def test_escape_closes_a_plugin_screen_that_does_not_bind_it(plugin_runtime, kit, fakes):
    """The shell's Escape goes back from any screen above the home screen."""
    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_plugin_screen("fake.later")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, fakes.LaterScreen))
        await pilot.press("escape")
        await kit.wait_for(pilot, lambda: app.screen is app.home)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.home, "Escape never closes the home screen"


async def test_a_screen_that_cannot_be_imported_shows_an_error_naming_the_plugin(plugin_runtime, kit):
    """An import path that leads nowhere is the plugin's error, shown as such."""
    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_plugin_screen("fake.missing")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PluginErrorScreen))
        assert "NoSuchScreen" in app.screen.message and app.screen.message.startswith("plugin 'fake'")


async def test_a_palette_action_runs_with_the_host(plugin_runtime, kit, fakes):
    """Choosing "Ping the fake" calls the plugin's function with a host for the signed-in user."""
    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"ping the fake")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await kit.wait_for(pilot, lambda: fakes.CALLS)
        assert fakes.CALLS == ["ping by admin"]


async def test_a_failing_palette_action_is_one_line_naming_the_plugin(plugin_runtime, kit):
    """The action raises; the user sees a notification naming the plugin; the app stays up."""
    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        entry = next(e for e in palette_entries(app) if e.title == "Boom the fake")
        entry.run()
        await pilot.pause()
        messages = kit.messages(app)
        assert messages == ["plugin 'fake': unexpected ValueError: boom went the action"]
        assert app.is_running


class ExplodingHooks:
    """A plugin whose contribution hook itself raises."""

    plugin_info = PluginInfo(id="exploding", title="Exploding", api_version=1)

    @hookimpl
    def medoffice_screens(self):
        raise RuntimeError("no screens today")


async def test_a_contribution_hook_that_raises_is_reported_and_the_app_starts(make_runtime, kit):
    """The error names the plugin; the core's screens all work."""
    rt = make_runtime(ExplodingHooks())
    app = MedofficeApp(rt, user=kit.admin(rt))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert kit.messages(app) == ["plugin 'exploding': medoffice_screens raised RuntimeError: no screens today"]
        assert [s.id for _, s in app.contributions.screens] == ["core.dashboard"]  # the core's own
        await pilot.press("f3")
        await kit.wait_for(pilot, lambda: type(app.screen).__name__ == "PatientFormScreen")
