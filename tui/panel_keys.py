"""A screen's panels' keys work from anywhere on the screen, not only while the panel has focus.

The patient card shows panels from several plugins (Appointments with ``b`` to book, Billing
with ``p`` to take a payment); each binds its own keys. Textual looks a key up only along the
focused widget and its ancestors, so ``p`` did nothing while the Appointments list had the
focus, and the footer and help did not show it. A screen built on :class:`PanelKeys` adds
the bindings of its panels that are not already on that path, after the screen's own and
before the app's: the focused panel still wins a key two panels share, the screen's own keys
win over any panel's, and a key the focused field types (a letter in an input) stays the
field's. The footer, the help screen and the palette read the same chain, so they show
exactly these keys.

Textual has no public hook for this: the override is of ``Screen._binding_chain`` and reads
each panel's ``_bindings`` and ``App._keymap``, all private, kept here alone
(``tests/tui/test_patient_card.py`` checks that the names still exist).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.keys import key_to_character
from textual.screen import Screen
from textual.widget import Widget

if TYPE_CHECKING:
    _Base = Screen[Any]
else:
    _Base = object

class PanelKeys(_Base):
    """Mixed into a screen before ``Screen``; :meth:`key_panels` says which widgets are panels."""

    def key_panels(self) -> list[Widget]:
        """The panels whose keys work from anywhere on the screen, in the order they are shown."""
        return []

    @property
    def _binding_chain(self) -> list[tuple[DOMNode, BindingsMap]]:
        chain: list[tuple[DOMNode, BindingsMap]] = super()._binding_chain  # type: ignore[misc]
        on_path = {id(node) for node, _ in chain}
        typing_into = [node for node, _ in chain if node is not self and node is not self.app]
        keymap = getattr(self.app, "_keymap", None)
        added: list[tuple[DOMNode, BindingsMap]] = []
        for panel in self.key_panels():
            if id(panel) in on_path or not panel.is_attached or not panel.display:
                continue
            bindings = panel._bindings.copy()
            for key in list(bindings.key_to_bindings):
                if any(node.check_consume_key(key, key_to_character(key)) for node in typing_into):
                    del bindings.key_to_bindings[key]
            if keymap:
                bindings.apply_keymap(keymap)
            added.append((panel, bindings))
        if not added:
            return chain
        app_at = next((i for i, (node, _) in enumerate(chain) if node is self.app), len(chain))
        return [*chain[:app_at], *added, *chain[app_at:]]


__all__ = ["PanelKeys"]
