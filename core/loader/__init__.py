"""Finding, ordering and registering plugins; the typed facade the core calls hooks through.

The names load on first use: ``medoffice --help`` reads the practice's plugin choices through
:mod:`.state` without importing ``importlib.metadata``, attrs or pluggy.
"""

from __future__ import annotations

from .._lazy import lazy_names

_LAZY = {
    "Candidate": "discovery",
    "LoadFailure": "discovery",
    "discover": "discovery",
    "Hooks": "facade",
    "PluginSet": "manager",
    "PluginStatus": "manager",
    "build_plugin_set": "manager",
}


__getattr__ = lazy_names(__name__, _LAZY, globals())

__all__ = [
    "Candidate",
    "Hooks",
    "LoadFailure",
    "PluginSet",
    "PluginStatus",
    "build_plugin_set",
    "discover",
]
