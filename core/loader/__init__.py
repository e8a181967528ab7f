"""Finding, ordering and registering plugins; the typed facade the core calls hooks through."""

from .discovery import Candidate, LoadFailure, discover
from .facade import Hooks
from .manager import PluginSet, PluginStatus, build_plugin_set

__all__ = [
    "Candidate",
    "Hooks",
    "LoadFailure",
    "PluginSet",
    "PluginStatus",
    "build_plugin_set",
    "discover",
]
