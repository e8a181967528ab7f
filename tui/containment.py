"""Keeping a failing plugin's screen or panel from taking the whole app down.

Textual reports every exception raised while composing, mounting, rendering or handling an
event to its private ``App._handle_exception``, which ends the app. The shell tags the root of each
plugin screen and panel with its plugin id; when an exception arrives, the frames of its
traceback tell whether the code that raised was running for a tagged node (or for one of its
children, or a worker it started). If so, the app replaces that node with an error naming the
plugin and carries on; if not, it is the shell's own bug and the app ends as usual.

One more condition: for some failures Textual also stops the message loop of the node that
was handling the message. Carrying on is only safe when that node goes away with the plugin's
screen or panel; a dead loop in the app or a core screen would leave the app hung, which is
worse than ending it. (Plugin actions, which run in the app's loop, are caught earlier, in
``MedofficeApp.run_action``, so the app's loop never stops for them.)
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType

import attrs
from textual.dom import DOMNode
from textual.widget import Widget
from textual.worker import Worker, WorkerFailed

from medoffice.ui._textual_private import end_message_loop

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


def survivable(owner: PluginOwner, stopped: object | None) -> bool:
    """Whether the app can carry on once ``owner`` is replaced: no loop stopped, or only one
    inside the plugin's own screen or panel."""
    if stopped is None:
        return True
    return isinstance(stopped, DOMNode) and owner.node in stopped.ancestors_with_self


def place_of(node: DOMNode) -> tuple[DOMNode | None, int | None]:
    """Where ``node`` sits (its parent and index), noted before Textual takes it out.

    A widget whose handler raised removes itself from the DOM soon after; its error panel
    still belongs in its place.
    """
    parent = node.parent
    if parent is None:
        return None, None
    children = list(parent.children)
    return parent, children.index(node) if node in children else None


async def replace_widget(node: Widget, parent: Widget, index: int | None, replacement: Widget, *,
                         never_started: bool) -> None:
    """Put ``replacement`` where the failed ``node`` was and take ``node`` out of the DOM.

    Args:
        node: the plugin's widget that failed.
        parent: its parent when it failed.
        index: its index among the parent's children then.
        replacement: the error panel.
        never_started: ``node`` failed while mounting, so its message loop never ran; Textual
            would wait forever for it to handle its removal, so it is taken out directly.
    """
    if node.is_attached and node.parent is parent:
        await parent.mount(replacement, after=node)
        if never_started:
            await end_message_loop(node)  # what Textual does when a running widget exits
        else:
            await node.remove()
    elif index is not None and index < len(parent.children):
        await parent.mount(replacement, before=index)
    else:
        await parent.mount(replacement)


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
