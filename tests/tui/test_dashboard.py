"""The dashboard: a manager signs in and sees every plugin's figures; a broken plugin is named,
the others' figures stay; the front desk never sees it. ``medoffice dashboard`` prints the same.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from medoffice.core import DashboardCard, PluginInfo, hookimpl
from medoffice.testing import burst, password_of, wait_for
from medoffice.tui.screens.dashboard import DashboardScreen
from medoffice.tui.screens.navigation import NavigationScreen


class Claims:
    """Two figures, one a warning; the front desk may see neither (no billing.claims)."""

    plugin_info = PluginInfo(id="claims-figures", title="Claims figures", api_version=1)
    shown = 0

    @hookimpl
    def medoffice_dashboard_cards(self, ctx):
        if not ctx.can("billing.claims"):
            return []
        Claims.shown += 1
        return [DashboardCard("Claims denied", "2", "since Monday", severity="warning"),
                DashboardCard("Claims to send", str(Claims.shown), "\x1b[2Jcleared")]


class Broken:
    plugin_info = PluginInfo(id="broken-figures", title="Broken figures", api_version=1)

    @hookimpl
    def medoffice_dashboard_cards(self, ctx):
        raise KeyError("missing")


class NotACard:
    plugin_info = PluginInfo(id="odd-figures", title="Odd figures", api_version=1)

    @hookimpl
    def medoffice_dashboard_cards(self, ctx):
        return ["3 claims", DashboardCard("Claims", 3)]


@pytest.fixture
def medoffice_extra_plugins():
    Claims.shown = 0
    return [Claims(), Broken(), NotACard()]


def rows(screen) -> list[list[str]]:
    table = screen.query_one("#cards", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_a_manager_signs_in_to_every_plugins_figures(medoffice_practice):
    """Typed ahead from the sign-in screen: the manager's home is the dashboard, the broken
    plugins named above the figures of the others, and ``r`` reads them again."""
    async with medoffice_practice.pilot(None, size=(80, 24)) as pilot:
        app = pilot.app
        await burst(pilot, *"manager", "enter", *password_of("manager"), "enter", "r")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.shown is not None
                       and Claims.shown == 2)
        screen = app.screen
        await wait_for(pilot, lambda: ["Claims to send", "2", "\\x1b[2Jcleared", "claims-figures"] in rows(screen))
        found = rows(screen)
        assert ["Claims denied", "2", "since Monday", "claims-figures"] in found
        assert any(r[0] == "Appointments today" and r[3] == "core" for r in found)
        problems = str(screen.query_one("#dashboard-problems", Static).render())
        assert "plugin 'broken-figures'" in problems and "KeyError" in problems
        assert "plugin 'odd-figures'" in problems and "not a DashboardCard" in problems
        assert "a card whose value is not text" in problems
        assert any(b.binding.description == "Refresh" for b in screen.active_bindings.values())


async def test_the_front_desk_neither_lands_on_it_nor_lists_it(medoffice_practice):
    async with medoffice_practice.pilot("frontdesk", size=(80, 24)) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: app.screen is not None and app.home is not None)
        assert not isinstance(app.screen, DashboardScreen)
        await burst(pilot, "f4")
        await wait_for(pilot, lambda: isinstance(app.screen, NavigationScreen))
        assert "Dashboard" not in " ".join(str(line) for line in app.screen.query("OptionList").first().options)


def test_the_command_prints_the_same_figures(medoffice_practice):
    result = medoffice_practice.cli("dashboard", "--json", user="manager")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert {"plugin": "claims-figures", "title": "Claims denied", "value": "2", "detail": "since Monday",
            "severity": "warning"} in data["cards"]
    assert any(c["title"] == "Appointments today" and c["plugin"] == "core" for c in data["cards"])
    assert len(data["problems"]) == 3
    assert "plugin 'broken-figures'" in result.stderr and "Traceback" not in result.stderr
    text = medoffice_practice.cli("dashboard", user="manager")
    assert text.exit_code == 0 and "\x1b" not in text.stdout and "Claims denied" in text.stdout


def test_the_front_desk_is_refused_in_one_line(medoffice_practice):
    result = medoffice_practice.cli("dashboard", user="frontdesk")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "dashboard.read" in result.stderr


class Stock:
    """Figures any manager may see, one a warning and one an error."""

    plugin_info = PluginInfo(id="stock-figures", title="Stock figures", api_version=1)

    @hookimpl
    def medoffice_dashboard_cards(self, ctx):
        return [DashboardCard("Items to reorder", "3", "gloves, gauze, swabs", severity="warning"),
                DashboardCard("Expired vaccines", "1", "flu, lot 4411", severity="error"),
                DashboardCard("Orders due", "0")]


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")])
def test_dashboard_screen(snap_compare, make_runtime, kit, size):
    """A manager's home: three figures (a warning, an error) under the broken plugin's red line."""
    from medoffice.tui.app import MedofficeApp

    rt = make_runtime(Stock(), Broken())
    manager = kit.add_user(rt, "mgr", ["manager"])
    app = MedofficeApp(rt, user=manager)

    async def shown(pilot):
        await kit.wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.shown is not None)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=shown)
