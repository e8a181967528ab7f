"""Textual's footer, made to rebuild only when the keys it shows change.

Textual's :class:`~textual.widgets.Footer` rebuilds all its key widgets (a dozen, each
styled on mount) every time its screen says its bindings *may* have changed: on every focus
move, screen suspend and resume, and every ``refresh_bindings()``. Most of those change
nothing it shows, and each rebuild costs about 30 ms; from process start to the day board
there were eleven (docs/performance.md, "Terminal UI"). Plugin screens yield the stock
``Footer``, so rather than a subclass they would all have to know about, the shell swaps in
a ``bindings_changed`` that waits for the refresh (several signals in one frame make one
rebuild) and then rebuilds only if the keys, labels or enabled states differ from what is
shown.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer

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


async def _rebuild_if_changed(footer: Footer) -> None:
    setattr(footer, _PENDING, False)
    if not footer.is_attached:
        return
    shown = what_it_shows(footer)
    if shown == getattr(footer, _SHOWN, None):
        return
    setattr(footer, _SHOWN, shown)
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
    """Make every ``Footer`` rebuild only on a change; safe to call more than once."""
    Footer.bindings_changed = bindings_changed  # type: ignore[method-assign]
