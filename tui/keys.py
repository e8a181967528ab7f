"""The keys of the shell, and which keys a plugin screen may claim.

Front-desk terminals are reached over SSH, through tmux, from odd terminal emulators; only
F-keys, plain ctrl+letter, Escape and single letters survive all of them. The shell keeps
F1-F4 and F9 for itself; a plugin's ``ScreenContribution.key`` may take one of the others,
and a practice may move a plugin screen to another of them in its config file
(``[keys] "scheduling.book" = "f7"``), as it moves any binding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from medoffice.core.config import keymap_option
from medoffice.core.errors import ConfigurationError
from medoffice.core.records import ScreenContribution

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
    """How a key is printed in hints and the help screen (``F6``, ``Ctrl+L``, ``c``).

    A single character stays as it is typed: ``c`` checks in, and ``C`` would say Shift+C.
    """
    if len(key) == 1:
        return key
    if key.startswith("f") and key[1:].isdigit():
        return key.upper()
    return "+".join(part.capitalize() for part in key.split("+"))


CORE_BINDING_IDS = frozenset({
    "app.back", "app.help", "app.find_patient", "app.register_patient", "app.screens", "app.lock",
    "app.sign_out", "lock.sign_out", "patient_search.clear", "patient_card.edit", "patient_form.save",
    # the UI kit's dialogs (medoffice.ui), whichever plugin asks them
    "ui.dialog.cancel", "ui.form.cancel", "ui.form.save", "ui.notice.close", "ui.picker.cancel",
})
"""The shell's own bindings, and the UI kit's, a practice may put on other keys (``[keys]`` in
the config file)."""


def check_keymap(options: Mapping[str, Any], plugin_ids: Iterable[str]) -> dict[str, str]:
    """The practice's ``[keys]`` table, checked, ready for ``App.set_keymap``.

    An id is one of :data:`CORE_BINDING_IDS`, or a plugin binding's id, which starts with its
    enabled plugin's id and a dot (``scheduling.board.check_in``); a plugin's screens are not
    imported to check the rest of the id.

    Args:
        options: the config file's settings.
        plugin_ids: the enabled plugins.

    Raises:
        ConfigurationError: naming the unknown id or the key that does not survive SSH.
    """
    keymap = keymap_option(options)
    prefixes = tuple(f"{plugin_id}." for plugin_id in plugin_ids)
    for binding_id in keymap:
        if binding_id not in CORE_BINDING_IDS and not binding_id.startswith(prefixes):
            raise ConfigurationError(
                f"[keys] {binding_id}: no such key binding; the shell's are {', '.join(sorted(CORE_BINDING_IDS))}, "
                "and a plugin's start with its id (F1 lists the keys of each screen)")
    return keymap


def screen_keys(screens: Sequence[tuple[str, ScreenContribution]], keymap: Mapping[str, str]) -> dict[str, str]:
    """The F-key of each plugin screen that has one: the practice's choice, else the plugin's.

    A key belongs to one screen. The practice's ``[keys]`` entries are served first, then the
    plugins' own keys in load order: a plugin asking for a key the practice or an earlier
    plugin already gave away gets none (it stays under F4 and in the palette).

    Args:
        screens: every plugin screen, ``(plugin id, contribution)``, in load order.
        keymap: the practice's checked ``[keys]`` table; entries naming a screen id count here.

    Returns:
        Screen id -> normalised key (``"f6"``).

    Raises:
        ConfigurationError: the practice gives a screen a key that is not one of F5-F8, F11,
            F12, or gives one key to two screens.
    """
    keys: dict[str, str] = {}
    taken: dict[str, str] = {}
    for _plugin_id, screen in screens:
        if screen.id not in keymap:
            continue
        key = plugin_key(keymap[screen.id])
        if key is None:
            raise ConfigurationError(
                f"[keys] {screen.id} = {keymap[screen.id]!r}: a screen's key must be one of "
                f"{', '.join(key_label(k) for k in sorted(PLUGIN_KEYS, key=_f_number))} (the others are the shell's)")
        if key in taken:
            raise ConfigurationError(f"[keys] {screen.id} = {keymap[screen.id]!r}: {key_label(key)} is already "
                                     f"given to {taken[key]}")
        keys[screen.id] = key
        taken[key] = screen.id
    for _plugin_id, screen in screens:
        key = plugin_key(screen.key)
        if screen.id in keys or key is None or key in taken:
            continue
        keys[screen.id] = key
        taken[key] = screen.id
    return keys


def _f_number(key: str) -> int:
    return int(key[1:])
