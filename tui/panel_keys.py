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

Textual has no public hook for this: the chain is Textual's private ``Screen._binding_chain``,
seen through :class:`~medoffice.ui._textual_private.BindingChainHook`, and each panel's own
bindings and the practice's keymap are read through that module too (its test checks the
names against the installed Textual).
"""

from __future__ import annotations

from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.keys import key_to_character
from textual.widget import Widget

from medoffice.ui._textual_private import BindingChainHook, keymap, own_bindings


class PanelKeys(BindingChainHook):
    """A screen whose panels' keys work from anywhere on it; :meth:`key_panels` says which
    widgets are panels."""

    def key_panels(self) -> list[Widget]:
        """The panels whose keys work from anywhere on the screen, in the order they are shown."""
        return []

    def binding_chain(self, chain: list[tuple[DOMNode, BindingsMap]]) -> list[tuple[DOMNode, BindingsMap]]:
        """Textual's chain, with the panels' keys added after the screen's own."""
        on_path = {id(node) for node, _ in chain}
        typing_into = [node for node, _ in chain if node is not self and node is not self.app]
        remapped = keymap(self.app)
        added: list[tuple[DOMNode, BindingsMap]] = []
        for panel in self.key_panels():
            if id(panel) in on_path or not panel.is_attached or not panel.display:
                continue
            bindings = own_bindings(panel).copy()
            for key in list(bindings.key_to_bindings):
                if any(node.check_consume_key(key, key_to_character(key)) for node in typing_into):
                    del bindings.key_to_bindings[key]
            if remapped:
                bindings.apply_keymap(remapped)
            added.append((panel, bindings))
        if not added:
            return chain
        app_at = next((i for i, (node, _) in enumerate(chain) if node is self.app), len(chain))
        return [*chain[:app_at], *added, *chain[app_at:]]


__all__ = ["PanelKeys"]
