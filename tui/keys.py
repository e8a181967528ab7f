"""The keys of the shell, and which keys a plugin screen may claim.

Front-desk terminals are reached over SSH, through tmux, from odd terminal emulators; only
F-keys, plain ctrl+letter, Escape and single letters survive all of them. The shell keeps
F1-F4 and F9 for itself; a plugin's ``ScreenContribution.key`` may take one of the others.
"""

from __future__ import annotations

PLUGIN_KEYS = frozenset({"f5", "f6", "f7", "f8", "f11", "f12"})
"""The F-keys left for plugin screens (the first plugin to claim one gets it)."""


def plugin_key(key: str | None) -> str | None:
    """The normalised key a plugin screen may use from anywhere, or None if it may not.

    Args:
        key: what the plugin asked for (``"F6"``, ``"f6"``).

    Returns:
        ``"f6"`` for a free F-key; None for no key, a core key, or anything that would be
        typed into a field (a letter) or mangled by a terminal (alt chords).
    """
    if not key:
        return None
    normal = key.strip().lower()
    return normal if normal in PLUGIN_KEYS else None


def key_label(key: str) -> str:
    """How a key is printed in hints and the help screen (``F6``, ``Ctrl+L``)."""
    if key.startswith("f") and key[1:].isdigit():
        return key.upper()
    return "+".join(part.capitalize() for part in key.split("+"))
