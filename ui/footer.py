"""The product's footer: Textual's ``Footer``, rebuilt only when the keys it shows change, and
fitted to the terminal's width.

Textual's footer rebuilds all its key widgets (a dozen, each styled on mount) every time its
screen says its bindings *may* have changed: on every focus move, screen suspend and resume,
and every ``refresh_bindings()``. Most of those change nothing it shows, and each rebuild
costs about 30 ms; from process start to the day board there were eleven
(docs/performance.md, "Terminal UI"). This footer waits for the refresh (several signals in
one frame make one rebuild) and then rebuilds only if the keys or labels differ from what is
shown; when only which keys are enabled changed, it dims or lights them in place.

Before each rebuild the footer is fitted to the terminal (:func:`fit`): Textual's roomy style
if everything fits, else its compact style; when the screen's own keys and the app's still do
not fit together, the command palette's ``^p`` is left out, then the app's keys whose ids the
app lists in ``FOOTER_LEAVES_OUT_WHEN_CROWDED`` (the shell's F2-F4 and Ctrl+L). They still
work on every screen, and F1, which stays, lists them. So at 80x24 the patient search still
shows F3 Register, and the day board shows its own single-letter keys.

Every screen, the shell's and the plugins', yields this footer (``from medoffice.ui import
Footer``); it is still a ``Footer`` to queries, CSS and tests.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter

from ._textual_private import FooterKey, dim_key, footer_heard_bindings, key_dimmed, own_bindings


def crowded_leaves_out(app: App[Any]) -> frozenset[str]:
    """The ids of the app's keys a crowded footer leaves to the help screen (the app says)."""
    return frozenset(getattr(app, "FOOTER_LEAVES_OUT_WHEN_CROWDED", ()))


def what_it_shows(footer: TextualFooter) -> tuple[Any, ...]:
    """Everything of the screen's bindings that the footer draws, in order."""
    app = footer.app
    shown = tuple(
        (binding.key, app.get_key_display(binding), binding.description, binding.action,
         binding.group, enabled, tooltip)
        for (_node, binding, enabled, tooltip) in footer.screen.active_bindings.values()
        if binding.show or binding.key == app.COMMAND_PALETTE_BINDING)
    return (footer.compact, footer.show_command_palette, shown)


def columns_needed(app: App[Any], bindings: list[Binding], *, compact: bool, shell_keys: bool,
                   palette: bool) -> int:
    """How many columns a footer of ``bindings`` (its screen's active ones) would take, drawn
    in that style, with or without the app's leave-out keys and the command palette's key.

    Follows the pinned Textual's footer styles: a key is its label and description plus 2
    columns of padding and margin when compact, 3 otherwise; the keys of a binding group show
    their labels only (each with a margin either side), then the group's description once;
    the command palette's key is docked on the right with a border.
    """
    total, groups = 0, set()
    leave_out = crowded_leaves_out(app)
    for binding in bindings:
        label = app.get_key_display(binding)
        if binding.key == app.COMMAND_PALETTE_BINDING:
            total += len(label) + len(binding.description) + 3 if palette else 0
        elif binding.id in leave_out:
            total += len(label) + len(binding.description) + (2 if compact else 3) if shell_keys else 0
        elif not binding.show:
            continue
        elif binding.group is not None:
            total += len(label) + 2
            if binding.group not in groups:
                groups.add(binding.group)
                total += len(binding.group.description) + 1  # app.tcss keeps its margin when compact
        else:
            total += len(label) + len(binding.description) + (2 if compact else 3)
    return total


FITTINGS = (
    # (compact, the app's leave-out keys, the palette's key): the first that fits is used,
    # else the last. F2 Find and the others are worth more to the front desk than ^p, which
    # F1 names.
    (False, True, True),
    (True, True, True),
    (True, True, False),
    (True, False, True),
    (True, False, False),
)


def shell_keys_shown(app: App[Any], shown: bool) -> None:
    """Show the app's leave-out keys in footers, or leave them to the help screen (F1).

    They keep working either way; only their ``show`` flag changes. The app's own bindings
    are changed in place (Textual applies the practice's keymap to a copy on every look-up,
    so remapped keys stay remapped).
    """
    leave_out = crowded_leaves_out(app)
    if not leave_out:
        return
    table = own_bindings(app).key_to_bindings
    for key, bindings in table.items():
        if any(b.id in leave_out and b.show != shown for b in bindings):
            table[key] = [dataclasses.replace(b, show=shown) if b.id in leave_out else b for b in bindings]


def fit(footer: TextualFooter) -> None:
    """Choose the footer's style, and whether the app's leave-out keys and the palette's are
    in it, for this width (:data:`FITTINGS`, roomiest first)."""
    app, width = footer.app, footer.app.size.width
    bindings = [binding for (_node, binding, _enabled, _tooltip) in footer.screen.active_bindings.values()]
    compact, shell_keys, palette = next(
        (fitting for fitting in FITTINGS
         if columns_needed(app, bindings, compact=fitting[0], shell_keys=fitting[1], palette=fitting[2]) <= width),
        FITTINGS[-1])
    shell_keys_shown(footer.app, shell_keys)
    if footer.compact != compact:
        footer.compact = compact
    if footer.show_command_palette != palette:
        footer.show_command_palette = palette


def _without_enabled(shown: tuple[Any, ...]) -> tuple[Any, ...]:
    compact, palette, keys = shown
    return (compact, palette, tuple(key[:5] + key[6:] for key in keys))


def dim_in_place(footer: TextualFooter) -> None:
    """Dim or light the footer's keys as the screen's bindings now say, without rebuilding.

    Used when only which keys are enabled changed (the day board's cursor moving from a
    booked row to an arrived one): restyling a dozen keys in place instead of making them
    again.
    """
    active = footer.screen.active_bindings
    for key in footer.query(FooterKey):
        found = active.get(key.key)
        enabled = True if found is None else found[2]
        if key_dimmed(key) == enabled:
            dim_key(key, not enabled)


class Footer(TextualFooter):
    """Textual's footer, rebuilt only when what it shows changes (see the module doc)."""

    _medoffice_shown: tuple[Any, ...] | None = None
    _medoffice_pending = False

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """The footer's answer to its screen's "bindings updated" signal: one check after
        the refresh, however many signals came in the frame."""
        footer_heard_bindings(self)
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._medoffice_pending:
            self._medoffice_pending = True
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        self._medoffice_pending = False
        if not self.is_attached:
            return
        fit(self)
        shown = what_it_shows(self)
        before = self._medoffice_shown
        if shown == before:
            return
        self._medoffice_shown = shown
        if before is not None and self.children and _without_enabled(shown) == _without_enabled(before):
            dim_in_place(self)
            return
        await self.recompose()
