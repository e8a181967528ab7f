"""The command palette (Ctrl+P): every core action, and the plugins' screens and actions.

Textual asks the providers in ``App.COMMANDS`` for hits; :class:`MedofficeCommands` is ours.
The list is rebuilt on every search from the signed-in user, so it never offers what the user
may not do: a screen or action with a permission the user lacks is simply not there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

import attrs
from textual.command import DiscoveryHit, Hit, Hits, Provider

from .contributions import may_see

if TYPE_CHECKING:
    from .app import MedofficeApp


@attrs.frozen
class PaletteEntry:
    """One line of the palette.

    Attributes:
        title: what the user types a few letters of.
        help: the line under it (its key, or the plugin it comes from).
        run: what choosing it does.
    """

    title: str
    help: str
    run: Callable[[], object] = attrs.field(eq=False)


def palette_entries(app: MedofficeApp) -> list[PaletteEntry]:
    """Everything the signed-in user may do from the palette, core actions first."""
    user = app.user
    if user is None or app.locked:
        return []
    entries = [
        PaletteEntry("Find a patient", "F2: search by name, date of birth, phone or MRN", app.action_find_patient),
        PaletteEntry("Screens", "F4: the screens plugins offer you", app.action_screens),
        PaletteEntry("Lock the screen", "Ctrl+L: hide everything until your password is typed",
                     app.action_lock),
        PaletteEntry("Sign out", "F9: let someone else use this terminal", app.action_sign_out),
        PaletteEntry("Help: keys", "F1: every key and what it does", app.action_help),
        PaletteEntry("Quit", "Ctrl+Q: leave medoffice", app.exit),
    ]
    if may_see(user, "patients.write"):
        entries.insert(1, PaletteEntry("Register a patient", "F3: a new patient's demographics",
                                       app.action_register_patient))
    for plugin_id, screen in app.contributions.screens_for(user):
        entries.append(PaletteEntry(f"Open {screen.title}", f"screen from {plugin_id} ({screen.section})",
                                    partial(app.open_plugin_screen, screen.id)))
    for plugin_id, action in app.contributions.actions_for(user):
        entries.append(PaletteEntry(action.title, action.help or f"action from {plugin_id}",
                                    partial(app.run_plugin_action, plugin_id, action)))
    return entries


class MedofficeCommands(Provider):
    """The palette's provider: core actions, then plugin screens and actions."""

    def _entries(self) -> list[PaletteEntry]:
        return palette_entries(cast("MedofficeApp", self.app))

    async def discover(self) -> Hits:
        """Everything, in order, before the user types."""
        for entry in self._entries():
            yield DiscoveryHit(entry.title, entry.run, help=entry.help)

    async def search(self, query: str) -> Hits:
        """The entries whose title fuzzily matches what is typed."""
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.title), entry.run, text=entry.title, help=entry.help)
