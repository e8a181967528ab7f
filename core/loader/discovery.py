"""Discovery: the ``medoffice`` entry-point group, built-in and third-party plugins alike.

Importing a plugin module must be cheap (it declares ``plugin_info`` and hook
implementations; heavy imports wait inside the hooks). A module that fails to import, or that
has no valid ``plugin_info``, becomes a :class:`LoadFailure` with its distribution and error,
and every other plugin still loads.
"""

from __future__ import annotations

import importlib
import os
import sys
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import attrs

from .._markers import PROJECT_NAME
from ..records import PluginInfo


@attrs.frozen
class Candidate:
    """An installed plugin that imported: its declared info and the object holding its hooks."""

    info: PluginInfo
    module: Any = attrs.field(eq=False)
    distribution: str = "(local)"
    version: str = "0"


@attrs.frozen
class LoadFailure:
    """An installed plugin that could not be imported or did not describe itself."""

    id: str
    distribution: str
    version: str
    error: str


def _dist(ep: EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "(unknown)", "0"
    return dist.metadata["Name"], dist.version


def candidate_from_module(module: Any, *, distribution: str = "(local)", version: str = "0") -> Candidate:
    """Wrap an already imported module (or any object) that declares ``plugin_info``."""
    info = getattr(module, "plugin_info", None)
    if not isinstance(info, PluginInfo):
        raise TypeError("has no 'plugin_info' of type medoffice.core.PluginInfo")
    return Candidate(info=info, module=module, distribution=distribution, version=version)


_LAST_SCAN: tuple[tuple[Any, ...], list[tuple[str, str, str, str]]] | None = None
"""The last entry-point scan: its key and, per entry point, its name, value, distribution and
version. Scanning every installed distribution's metadata costs milliseconds, and a process
that opens practices again and again (the TUI's commands, a test suite) asks the same
question each time."""


def _folder_stamp(entry: str) -> int:
    try:
        return os.stat(entry or ".").st_mtime_ns
    except OSError:
        return 0


def _registered(group: str) -> list[tuple[str, str, str, str]]:
    """The group's entry points, sorted by name, scanned again only when something that decides
    them changed: ``sys.path``, a folder on it (installing, upgrading or removing a
    distribution adds or removes a folder there), or the scanning function itself."""
    global _LAST_SCAN
    key = (group, entry_points, tuple((entry, _folder_stamp(entry)) for entry in sys.path))
    if _LAST_SCAN is not None and _LAST_SCAN[0] == key:
        return _LAST_SCAN[1]
    found = [(ep.name, ep.value, *_dist(ep)) for ep in sorted(entry_points(group=group), key=lambda ep: ep.name)]
    _LAST_SCAN = (key, found)
    return found


def discover(group: str = PROJECT_NAME) -> tuple[list[Candidate], list[LoadFailure]]:
    """Import every plugin registered in the entry-point ``group``.

    Returns:
        The plugins that imported, sorted by id, and the ones that failed.
    """
    candidates: list[Candidate] = []
    failures: list[LoadFailure] = []
    for name, value, distribution, version in _registered(group):
        try:
            module = importlib.import_module(value.split(":")[0])
            candidate = candidate_from_module(module, distribution=distribution, version=version)
        except Exception as exc:  # a broken plugin must not stop the others
            failures.append(LoadFailure(name, distribution, version, f"{type(exc).__name__}: {exc}"))
            continue
        if candidate.info.id != name:
            failures.append(
                LoadFailure(name, distribution, version,
                            f"entry point is named {name!r} but plugin_info.id is {candidate.info.id!r}")
            )
            continue
        candidates.append(candidate)
    return candidates, failures
