"""Hosting what plugins contribute: their screens, and the errors shown in their place.

A plugin's screen class is imported only when the user first opens it, and constructed as
``Screen(host)``. If the import, the constructor or (through the app's containment) the
mounting raises, the user gets :class:`PluginErrorScreen` naming the plugin instead, and the
rest of the app carries on: a failing plugin is the plugin's problem, not the front desk's.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Static

from medoffice.core.records import ScreenContribution
from medoffice.ui import Footer

from ..containment import tag
from ..contributions import import_object
from ..host import AppScreenHost, one_line


def error_text(plugin_id: str, title: str, message: str) -> str:
    """The words shown wherever a plugin failed: which plugin, what it offered, what broke."""
    return (f"The plugin {plugin_id!r} failed to show {title!r}.\n{message}\n"
            "The rest of medoffice works; tell whoever looks after your plugins.")


class PluginErrorScreen(Screen[None]):
    """Shown instead of a plugin screen that could not be imported, built or mounted.

    Args:
        plugin_id: the failing plugin.
        title: the title of the screen it contributed.
        message: the one-line error.
    """

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, plugin_id: str, title: str, message: str) -> None:
        super().__init__()
        self.plugin_id = plugin_id
        self.title = title
        self.message = message

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="plugin-error"):
            yield Static(error_text(self.plugin_id, self.title, self.message), markup=False)
        yield Footer()


class PluginErrorPanel(Static):
    """Shown on the patient card instead of a plugin panel that failed.

    Args:
        plugin_id: the failing plugin.
        title: the title of the panel it contributed.
        message: the one-line error.
    """

    def __init__(self, plugin_id: str, title: str, message: str) -> None:
        super().__init__(error_text(plugin_id, title, message), markup=False, classes="plugin-error-panel")
        self.plugin_id = plugin_id
        self.border_title = Content(title)  # as the plugin wrote it: a str would be read as markup


def build_plugin_screen(plugin_id: str, contribution: ScreenContribution, host: AppScreenHost) -> Screen:
    """Import and construct a plugin's screen, or the error screen that names the plugin.

    Args:
        plugin_id: the plugin offering the screen.
        contribution: what it offered.
        host: the plugin's host (``host.for_plugin(plugin_id)``).
    """
    try:
        screen_class = import_object(contribution.screen)
        screen = screen_class(host)
        if not isinstance(screen, Screen):
            raise TypeError(f"{contribution.screen} is not a textual Screen")
    except Exception as exc:
        return PluginErrorScreen(plugin_id, contribution.title, one_line(exc, plugin_id, failed=True))
    tag(screen, plugin_id, contribution.title)
    return screen


def build_plugin_widget(plugin_id: str, path: str, title: str, *args: object) -> Widget:
    """Import and construct a plugin's widget as ``Widget(*args)``, or an error panel.

    Args:
        plugin_id: the plugin offering the widget.
        path: the widget class's import path.
        title: its title, shown as the panel's border title.
        args: the constructor's arguments (the host, then e.g. the patient).
    """
    try:
        widget = import_object(path)(*args)
        if not isinstance(widget, Widget):
            raise TypeError(f"{path} is not a textual Widget")
    except Exception as exc:
        return PluginErrorPanel(plugin_id, title, one_line(exc, plugin_id, failed=True))
    tag(widget, plugin_id, title)
    widget.border_title = Content(title)  # as the plugin wrote it: a str would be read as markup
    widget.add_class("plugin-panel")
    return widget
