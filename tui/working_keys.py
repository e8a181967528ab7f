"""The keys that work on a screen right now, for the help screen (F1) and the palette (Ctrl+P).

Both read the same thing the key presses themselves go through: the screen's active
bindings (Textual's ``Screen.active_bindings``: the focused widget's and each of its
ancestors', the screen's, the panels' a screen adds (:mod:`medoffice.tui.panel_keys`), and the
app's), keeping only those whose ``check_action`` says they are enabled now. So help lists
neither a key that does nothing on this step nor misses one that works, and cannot drift.

Bindings of Textual's own widgets (a table's cursor keys, a field's editing keys) are left
out: they are the terminal's ordinary keys, not the product's, and would bury the rest.
"""

from __future__ import annotations

from typing import Any

import attrs
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import key_to_character
from textual.screen import Screen

from .keys import key_label


def binding_key_label(key: str, binding: Binding) -> str:
    """How ``key`` (as bound, after the practice's keymap) is printed: ``F1``, ``?``, ``c``,
    ``Ctrl+S``, ``Escape``."""
    if binding.key_display and key == binding.key:
        return key_label(binding.key_display)
    character = key_to_character(key)
    if character is not None and len(character) == 1 and character.isprintable() and character != " ":
        return character
    return key_label(key)


@attrs.frozen
class WorkingKey:
    """One thing a key (or several keys) does on the screen now.

    Attributes:
        keys: the keys as printed (``("[", "Left")`` for the same action on two keys).
        description: what it does, the binding's own words.
        action: the binding's action, run in ``namespace``.
        namespace: the widget, screen or app the action belongs to.
        tooltip: the binding's longer explanation, if it has one.
    """

    keys: tuple[str, ...]
    description: str
    action: str
    namespace: DOMNode = attrs.field(eq=False, repr=False)
    tooltip: str = ""

    @property
    def key_text(self) -> str:
        return " or ".join(self.keys)

    @property
    def on_app(self) -> bool:
        """Whether the key is the shell's, working on every screen."""
        return self.namespace is self.namespace.app


def _textuals_own(node: DOMNode, binding: Binding) -> bool:
    """Whether ``binding`` is one Textual itself gives ``node`` (a table's cursor keys, Tab on
    every screen) rather than one of ours; the app's own (Ctrl+Q) are the product's."""
    if type(node).__module__.startswith("textual."):
        return True
    if node is node.app:
        return False
    return any((binding.action, binding.description) == (theirs.action, theirs.description)
               for cls in type(node).__mro__ if cls.__module__.startswith("textual.")
               for theirs in cls.__dict__.get("BINDINGS", ()) if isinstance(theirs, Binding))


def working_keys(screen: Screen[Any]) -> list[WorkingKey]:
    """The enabled, described keys of ``screen`` now, in the order Textual looks them up
    (the focused widget first, the app's last, quitting last of all); one entry per action,
    with all its keys."""
    found: dict[tuple[int, str], WorkingKey] = {}
    for key, active in screen.active_bindings.items():
        binding, node = active.binding, active.node
        if not active.enabled or not binding.description or _textuals_own(node, binding):
            continue
        label = binding_key_label(key, binding)
        where = (id(node), binding.action)
        if where in found:
            before = found[where]
            if label not in before.keys:
                found[where] = attrs.evolve(before, keys=(*before.keys, label))
            continue
        found[where] = WorkingKey((label,), binding.description, binding.action, node, binding.tooltip or "")
    keys = list(found.values())
    return [key for key in keys if key.action != "quit"] + [key for key in keys if key.action == "quit"]


__all__ = ["WorkingKey", "binding_key_label", "working_keys"]
