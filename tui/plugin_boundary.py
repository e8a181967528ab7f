"""The app's side of containing plugin failures: where Textual reports them, and the swap.

:mod:`medoffice.tui.containment` decides whose failure an exception is; this mixin hooks it
into the app. It answers :meth:`~medoffice.ui._textual_private.ExceptionHook.exception_reported`,
which Textual's private ``App._handle_exception`` calls (the one place every unhandled
exception passes; the shell's own bugs end the app there, and the traceback Textual would
print is dropped: it goes to a log file instead), and overrides ``App.run_action`` (bindings
run actions in the app's own message loop, which must never stop for a plugin's bug), then
swaps the failed screen or panel for an error that names the plugin.
"""

from __future__ import annotations

from types import FrameType
from typing import TYPE_CHECKING, Any

from textual.actions import ActionParseResult
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from medoffice.ui._textual_private import ExceptionHook, failed_before_starting, forget_result_callback, stopped_pump

from . import containment
from .host import one_line
from .screens.plugin_host import PluginErrorPanel, PluginErrorScreen

if TYPE_CHECKING:
    _Base = ExceptionHook
else:
    _Base = object


class PluginBoundary(_Base):
    """Mixed into the app before :class:`~medoffice.ui._textual_private.ExceptionHook` (an
    ``App``); uses the app's ``show_error(message)``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._contained: set[int] = set()
        self.crashed_with: BaseException | None = None
        """The shell's own bug that ended the app, if one did. Textual would print its
        traceback on the terminal when the app ends; :func:`medoffice.tui.run_tui` raises it
        instead, and ``medoffice tui`` writes it to a log file and says one line."""

    if TYPE_CHECKING:
        def show_error(self, message: str) -> None: ...

    def replaced_first_screen(self, failed: Screen, error: Screen) -> None:
        """``error`` now stands where ``failed`` was, first in its section; the app may care."""

    def exception_reported(self, error: Exception, caller: FrameType) -> None:
        """Contain a plugin's failure; let the shell's own bugs end the app as usual (without
        the traceback on the desk's screen: see ``crashed_with``).

        ``caller`` is the frame that reported it: the node whose message loop it stopped, if
        any, must go with the plugin's screen or panel.
        """
        owner = containment.plugin_owner(error)
        stopped = stopped_pump(caller)
        if owner is None or not containment.survivable(owner, stopped):
            if self.crashed_with is None:
                self.crashed_with = error
            super().exception_reported(error, caller)
            return
        self._contain(owner, error, never_started=stopped is owner.node and failed_before_starting(caller))

    async def run_action(self, action: str | ActionParseResult, default_namespace: DOMNode | None = None) -> bool:
        """Run an action; one of a plugin's screen or panel that raises is contained.

        Bindings run their actions in the app's own message loop, which must never stop for a
        plugin's bug.
        """
        try:
            return await super().run_action(action, default_namespace)
        except Exception as exc:
            owner = containment.plugin_owner(exc)
            if owner is None:
                raise
            self._contain(owner, exc)
            return True

    def _contain(self, owner: containment.PluginOwner, error: BaseException, *, never_started: bool = False) -> None:
        if id(owner.node) in self._contained:
            return  # a widget that fails to draw fails on every refresh: report it once
        self._contained.add(id(owner.node))
        message = one_line(containment.root_error(error), owner.plugin_id, failed=True)
        self.show_error(message)
        parent, index = containment.place_of(owner.node)
        if not isinstance(owner.node, Screen):
            owner.node.display = False  # a widget failing to draw must not be drawn again
        self.call_later(self._replace_failed, owner, message, parent, index, never_started)

    async def _replace_failed(self, owner: containment.PluginOwner, message: str, parent: DOMNode | None,
                              index: int | None, never_started: bool) -> None:
        node = owner.node
        if isinstance(node, Screen):
            if node is self.screen:
                error = PluginErrorScreen(owner.plugin_id, owner.title, message)
                if len(self.screen_stack) > 1:
                    await self.pop_screen()
                    await self.push_screen(error)
                else:  # the first screen of a section: the error takes its place in the section
                    forget_result_callback(node, self)  # Textual pops one on a switch
                    await self.switch_screen(error)
                    self.replaced_first_screen(node, error)
            return
        if isinstance(node, Widget) and isinstance(parent, Widget):
            panel = PluginErrorPanel(owner.plugin_id, owner.title, message)
            await containment.replace_widget(node, parent, index, panel, never_started=never_started)
