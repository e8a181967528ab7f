"""The list of plugin screens a user may open, grouped by section.

Plugins add screens for scheduling, billing, stock and staff; this list (F4) is where the
front desk finds them without remembering keys. Only screens the user has the permission
for are listed, the same rule the command palette uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from medoffice.core.records import ScreenContribution
from medoffice.ui import Footer

from ..keys import key_label


class NavigationScreen(Screen[str | None]):
    """Pick a plugin screen; dismisses with its id (or None on Escape).

    Args:
        screens: the plugin screens the user may see, ``(plugin id, contribution)``, grouped.
        keys: screen id -> the F-key that opens it, shown beside its title.
    """

    BINDINGS = [Binding("escape", "dismiss_none", "Back")]

    def __init__(self, screens: Sequence[tuple[str, ScreenContribution]],
                 keys: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self._screens = list(screens)
        self._keys = dict(keys or {})

    def compose(self) -> ComposeResult:
        yield Header()
        if not self._screens:
            yield Static("No plugin offers you a screen yet.", id="no-screens")
        options: list[Option] = []
        section = None
        for plugin_id, screen in self._screens:
            if screen.section != section:
                section = screen.section
                options.append(Option(Text(section.capitalize(), style="bold"), disabled=True))
            key = self._keys.get(screen.id)
            prompt = Text(f"  {screen.title}")
            if key:
                prompt.append(f"  {key_label(key)}", style="dim")
            prompt.append(f"  ({plugin_id})", style="dim")
            options.append(Option(prompt, id=screen.id))
        yield OptionList(*options, id="screen-list")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Screens"
        options = self.query_one(OptionList)
        first = next((i for i in range(options.option_count) if not options.get_option_at_index(i).disabled), None)
        options.highlighted = first

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        """Close the list without opening anything."""
        self.dismiss(None)
