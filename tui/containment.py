"""Keeping a failing plugin's screen or panel from taking the whole app down.

Textual reports every exception raised while composing, mounting, rendering or handling an
event to ``App._handle_exception``, which ends the app. The shell tags the root of each
plugin screen and panel with its plugin id; when an exception arrives, the frames of its
traceback tell whether the code that raised was running for a tagged node (or for one of its
children, or a worker it started). If so, the app replaces that node with an error naming the
plugin and carries on; if not, it is the shell's own bug and the app ends as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType

import attrs
from textual.dom import DOMNode
from textual.worker import Worker, WorkerFailed

_TAG = "_medoffice_plugin"


@attrs.frozen
class PluginOwner:
    """The plugin behind a failure, and the screen or panel to replace."""

    node: DOMNode = attrs.field(eq=False)
    plugin_id: str
    title: str


def tag(node: DOMNode, plugin_id: str, title: str) -> None:
    """Mark ``node`` as the root of what ``plugin_id`` contributed under ``title``."""
    setattr(node, _TAG, (plugin_id, title))


def _tagged(node: DOMNode | None) -> PluginOwner | None:
    while node is not None:
        found = getattr(node, _TAG, None)
        if found is not None:
            return PluginOwner(node, *found)
        node = node.parent
    return None


def _frames(tb: TracebackType | None) -> Iterator[object]:
    while tb is not None:
        yield tb.tb_frame.f_locals.get("self")
        tb = tb.tb_next


def _errors(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        if isinstance(current, WorkerFailed) and isinstance(current.error, BaseException):
            current = current.error
        else:
            current = current.__cause__ or current.__context__


def root_error(error: BaseException) -> BaseException:
    """The exception a worker raised, rather than Textual's ``WorkerFailed`` wrapper."""
    while isinstance(error, WorkerFailed) and isinstance(error.error, BaseException):
        error = error.error
    return error


def plugin_owner(error: BaseException) -> PluginOwner | None:
    """The plugin screen or panel whose code raised ``error``, or None for the shell's own.

    The innermost frame running for a tagged node wins, so a panel failing inside a core
    screen is blamed, not the screen.
    """
    owner: PluginOwner | None = None
    for exc in _errors(error):
        for obj in _frames(exc.__traceback__):
            node = obj.node if isinstance(obj, Worker) else obj
            if isinstance(node, DOMNode):
                owner = _tagged(node) or owner
        if owner is not None:
            return owner
    return None
