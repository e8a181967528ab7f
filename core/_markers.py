"""The pluggy markers every plugin uses: ``@hookimpl`` to implement, ``@hookspec`` to specify."""

from __future__ import annotations

import pluggy

PROJECT_NAME = "medoffice"
"""The pluggy project name and the entry-point group plugins register under."""

HOOK_API_VERSION = 1
"""The version of the hook contract this core speaks. A plugin declares the version it was
written for in its :class:`~medoffice.core.PluginInfo`; a plugin written for a version this
core does not support is refused at load time, with a message naming it."""

SUPPORTED_API_VERSIONS = frozenset({1})

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
