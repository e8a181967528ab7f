"""The command palette (Ctrl+P): what the current screen can do, every core action, and the
plugins' screens and actions.

Textual asks the providers in ``App.COMMANDS`` for hits; :class:`MedofficeCommands` is ours.
The list is rebuilt on every search from the signed-in user and the screen the palette was
opened on, so it never offers what the user may not do: a screen or action with a permission
the user lacks is simply not there, and of the screen's keys only those enabled now are
(:func:`~medoffice.tui.working_keys.working_keys`: "Check in" on the day board, "Book" and
"Take payment" from the card's panels), so anything on the screen can be found by name.

Each thing is listed once: a plugin's palette action that opens one of its own screens
("Day board", "Book appointment") is the same entry as "Open Day board" / "Open Book an
appointment", and a title seen before (a screen's key named like a core action) is left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

import attrs
from textual.command import CommandList, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen

from medoffice.ui._textual_private import PaletteSearchHook

from .contributions import may_see
from .keys import key_label
from .working_keys import WorkingKey, working_keys

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


def same_thing(title: str) -> str:
    """``title`` reduced to what it names, to tell two entries for one thing: "Open Book an
    appointment" and "Book appointment" are both ``"book appointment"``."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    if words[:1] == ["open"]:
        words = words[1:]
    return " ".join(word for word in words if word not in {"a", "an", "the"})


def once_each(entries: Iterable[PaletteEntry]) -> list[PaletteEntry]:
    """``entries`` without any that names the same thing as one before it."""
    seen: set[str] = set()
    kept: list[PaletteEntry] = []
    for entry in entries:
        name = same_thing(entry.title)
        if name not in seen:
            seen.add(name)
            kept.append(entry)
    return kept


def _where(key: WorkingKey) -> str:
    if key.tooltip:
        return key.tooltip
    title = getattr(key.namespace, "border_title", None)
    return f"on the {title} panel" if title and not isinstance(key.namespace, Screen) else "on this screen"


def screen_entries(app: MedofficeApp, screen: Screen[Any] | None) -> list[PaletteEntry]:
    """What ``screen`` (the one the palette was opened on) can do now: its enabled keys, its
    focused widget's and its panels', by their own names, with their keys."""
    if screen is None:
        return []
    return [PaletteEntry(key.description, f"{key.key_text}: {_where(key)}",
                         partial(app.run_action, key.action, key.namespace))
            for key in working_keys(screen) if not key.on_app]


def palette_entries(app: MedofficeApp, screen: Screen[Any] | None = None) -> list[PaletteEntry]:
    """Everything the signed-in user may do from the palette: ``screen``'s own actions first,
    then the core's, then the plugins' screens and actions; each thing once."""
    user = app.user
    if user is None or app.locked:
        return []
    entries = [
        PaletteEntry("Find a patient", "F2: search by name, date of birth, phone or MRN", app.action_find_patient),
        PaletteEntry("Screens", "F4: the screens plugins offer you", app.action_screens),
        PaletteEntry("Lock the screen", "Ctrl+L: hide everything until your password is typed",
                     app.action_lock),
        PaletteEntry("Sign out", "F9: let someone else use this terminal", app.action_sign_out),
        PaletteEntry("Help: keys", "F1: every key that works here and what it does", app.action_help),
        PaletteEntry("Quit", "Ctrl+Q: leave medoffice (asks first if a form holds changes)", app.action_quit),
    ]
    if may_see(user, "patients.write"):
        entries.insert(1, PaletteEntry("Register a patient", "F3: a new patient's demographics",
                                       app.action_register_patient))
    actions = app.contributions.actions_for(user)
    for plugin_id, screen_offered in app.contributions.screens_for(user):
        key = app.screen_keys.get(screen_offered.id)
        same = next((a for p, a in actions if p == plugin_id and same_thing(a.title) == same_thing(screen_offered.title)),
                    None)
        help_text = (same.help if same is not None and same.help
                     else f"{key_label(key) + ': ' if key else ''}screen from {plugin_id} ({screen_offered.section})")
        entries.append(PaletteEntry(f"Open {screen_offered.title}", help_text,
                                    partial(app.open_plugin_screen, screen_offered.id)))
    for plugin_id, action in actions:
        entries.append(PaletteEntry(action.title, action.help or f"action from {plugin_id}",
                                    partial(app.run_plugin_action, plugin_id, action)))
    return once_each([*screen_entries(app, screen), *entries])


class MedofficeCommands(Provider):
    """The palette's provider: the screen's actions, core actions, then plugin screens and
    actions."""

    def _entries(self) -> list[PaletteEntry]:
        return palette_entries(cast("MedofficeApp", self.app), self.screen)

    async def discover(self) -> Hits:
        """Everything, in order, before the user types."""
        for entry in self._entries():
            # Content, not str: Textual reads a str prompt or help as markup, and a plugin's
            # title "[link=…]" would become a link
            yield DiscoveryHit(Content(entry.title), entry.run, text=entry.title,
                               help=Content(entry.help) if entry.help else entry.help)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        """The entries whose title fuzzily matches what is typed."""
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.title), entry.run, text=entry.title,
                          help=Content(entry.help) if entry.help else entry.help)  # type: ignore[arg-type]


class DeskCommandPalette(PaletteSearchHook):
    """Textual's palette, safe to close while it is still searching.

    Each letter typed starts a search worker that fills the palette's list. Typed fast, and
    then Escape or a section key, the palette can be closed (its list removed) before the
    last search starts; Textual's search then fails to find the list, and a failed worker
    ends the app. Here a search that finds its palette closing simply stops: there is no
    list left to fill. Any other error still ends the search as loudly as before.
    """

    async def search_commands(self, search_value: str) -> None:
        """Textual's search (a worker per letter typed), unless the palette is closing."""
        if not self._still_open():
            return
        try:
            await super().search_commands(search_value)
        except NoMatches:
            if self._still_open():
                raise

    def _still_open(self) -> bool:
        return self.is_attached and bool(self.query(CommandList))
