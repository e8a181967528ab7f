"""Textual's footer, made to rebuild only when the keys it shows change, and to fit 80 columns.

Textual's :class:`~textual.widgets.Footer` rebuilds all its key widgets (a dozen, each
styled on mount) every time its screen says its bindings *may* have changed: on every focus
move, screen suspend and resume, and every ``refresh_bindings()``. Most of those change
nothing it shows, and each rebuild costs about 30 ms; from process start to the day board
there were eleven (docs/performance.md, "Terminal UI"). Plugin screens yield the stock
``Footer``, so rather than a subclass they would all have to know about, the shell swaps in
a ``bindings_changed`` that waits for the refresh (several signals in one frame make one
rebuild) and then rebuilds only if the keys or labels differ from what is shown; when only
which keys are enabled changed, it dims or lights them in place.

Before each rebuild the footer is fitted to the terminal (:func:`fit`): Textual's roomy style
if everything fits, else its compact style; when the screen's own keys and the shell's still
do not fit together, the command palette's ``^p`` is left out, then the shell's navigation
keys (F2-F4, Ctrl+L). They still work on every screen, and F1, which stays,
lists them. So at 80x24 the patient search still shows F3 Register, and the day board shows
its own single-letter keys.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

SHELL_KEYS_LEFT_OUT_WHEN_CROWDED = frozenset({"app.find_patient", "app.register_patient", "app.screens", "app.lock"})
"""The shell's keys a crowded footer leaves to the help screen (F1, "Help", stays)."""

_SHOWN = "_medoffice_shown"
_PENDING = "_medoffice_pending"


def what_it_shows(footer: Footer) -> tuple[Any, ...]:
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
    in that style, with or without the shell's navigation keys and the command palette's key.

    Follows the pinned Textual's footer styles: a key is its label and description plus 2
    columns of padding and margin when compact, 3 otherwise; the keys of a binding group show
    their labels only (each with a margin either side), then the group's description once;
    the command palette's key is docked on the right with a border.
    """
    total, groups = 0, set()
    for binding in bindings:
        label = app.get_key_display(binding)
        if binding.key == app.COMMAND_PALETTE_BINDING:
            total += len(label) + len(binding.description) + 3 if palette else 0
        elif binding.id in SHELL_KEYS_LEFT_OUT_WHEN_CROWDED:
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
    # (compact, the shell's keys, the palette's key): the first that fits is used, else the
    # last. F2 Find and the others are worth more to the front desk than ^p, which F1 names.
    (False, True, True),
    (True, True, True),
    (True, True, False),
    (True, False, True),
    (True, False, False),
)


def shell_keys_shown(app: App[Any], shown: bool) -> None:
    """Show the shell's navigation keys in footers, or leave them to the help screen (F1).

    They keep working either way; only their ``show`` flag changes. The app's own bindings
    are changed in place (Textual applies the practice's keymap to a copy on every look-up,
    so remapped keys stay remapped).
    """
    table = app._bindings.key_to_bindings
    for key, bindings in table.items():
        if any(b.id in SHELL_KEYS_LEFT_OUT_WHEN_CROWDED and b.show != shown for b in bindings):
            table[key] = [dataclasses.replace(b, show=shown) if b.id in SHELL_KEYS_LEFT_OUT_WHEN_CROWDED else b
                          for b in bindings]


def fit(footer: Footer) -> None:
    """Choose the footer's style, and whether the shell's keys and the palette's are in it,
    for this width (:data:`FITTINGS`, roomiest first)."""
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


def dim_in_place(footer: Footer) -> None:
    """Dim or light the footer's keys as the screen's bindings now say, without rebuilding.

    Used when only which keys are enabled changed (the day board's cursor moving from a
    booked row to an arrived one): restyling a dozen keys in place instead of making them
    again.
    """
    active = footer.screen.active_bindings
    for key in footer.query(FooterKey):
        found = active.get(key.key)
        enabled = True if found is None else found[2]
        if key._disabled == enabled:
            key._disabled = not enabled
            key.set_class(not enabled, "-disabled")
            key.refresh()


async def _rebuild_if_changed(footer: Footer) -> None:
    setattr(footer, _PENDING, False)
    if not footer.is_attached:
        return
    fit(footer)
    shown = what_it_shows(footer)
    before = getattr(footer, _SHOWN, None)
    if shown == before:
        return
    setattr(footer, _SHOWN, shown)
    if before is not None and footer.children and _without_enabled(shown) == _without_enabled(before):
        dim_in_place(footer)
        return
    await footer.recompose()


def bindings_changed(self: Footer, screen: Screen) -> None:
    """The footer's answer to its screen's "bindings updated" signal (see the module doc)."""
    self._bindings_ready = True
    if not screen.app.app_focus:
        return
    if self.is_attached and screen is self.screen and not getattr(self, _PENDING, False):
        setattr(self, _PENDING, True)
        self.call_after_refresh(_rebuild_if_changed, self)


def install() -> None:
    """Make every ``Footer`` rebuild only on a change, fitted to the terminal; safe to call
    more than once."""
    Footer.bindings_changed = bindings_changed  # type: ignore[method-assign]
