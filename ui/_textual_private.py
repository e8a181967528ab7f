"""Every private Textual name medoffice relies on, in one place, checked against the pinned Textual.

Textual (pinned 8.2.x) has no public way to do a few things the product needs: contain a
plugin's crash instead of ending the app, let a card's panels' keys work from anywhere on it,
style a section's screen before it is shown, keep the palette's search from failing when it
is closed mid-search, make a footer rebuild only when its keys change and a table redraw the
rows it drew before measuring them. Each of those reads or overrides a private name. They are
all here, and only here: the rest of the product (the kit, the shell) calls the functions and
subclasses the hook classes below, whose names are public and ours.

:data:`PRIVATE_NAMES` lists each name with what it must look like;
``tests/ui/test_textual_private.py`` checks every entry against the installed Textual, so an
upgrade that renames or reshapes one fails there, not at the front desk. The test also scans
the source tree for any other private Textual name used outside this module.

Names that have a public replacement are not here: ``App.screen_stack``,
``App.get_screen_stack(mode)``, ``Screen.pop_until_active()``.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Iterable
from types import FrameType
from typing import TYPE_CHECKING, Any, NamedTuple

from textual import work
from textual.app import App
from textual.binding import BindingsMap
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import DataTable, Footer
from textual.widgets.data_table import CellType
from textual.widgets._footer import FooterKey  # noqa: F401 (re-exported: the footer's key widget)

if TYPE_CHECKING:
    from textual.widgets.data_table import RowKey


class PrivateName(NamedTuple):
    """One private Textual name and what medoffice expects of it.

    Attributes:
        owner: where it lives (a class or module, as ``module:qualname``).
        name: the private name.
        kind: ``"method"`` (checked by signature), ``"property"``, ``"attribute"`` (set on
            each instance when it is made: checked in ``__init__``'s code), ``"class"``,
            ``"constant"`` (a class attribute), or ``"frame"`` (a method whose frame is recognised by its name).
        signature: the expected ``str(inspect.signature(...))`` of a method, else "".
        why: what breaks without it.
    """

    owner: str
    name: str
    kind: str
    signature: str
    why: str


PRIVATE_NAMES: tuple[PrivateName, ...] = (
    PrivateName("textual.app:App", "_handle_exception", "method", "(self, error: 'Exception') -> 'None'",
                "every unhandled exception passes here; overridden to contain a plugin's failure"),
    PrivateName("textual.app:App", "_exit_renderables", "attribute", "",
                "the traceback Textual prints when the app ends; emptied (it goes to a log file)"),
    PrivateName("textual.message_pump:MessagePump", "_pre_process", "frame", "(self) -> 'bool'",
                "a failure reported from this frame stopped its node's loop before it ever ran"),
    PrivateName("textual.message_pump:MessagePump", "_process_messages_loop", "frame", "(self) -> 'None'",
                "a failure reported from this frame stopped its node's loop"),
    PrivateName("textual.widget:Widget", "_message_loop_exit", "method", "(self) -> 'None'",
                "what Textual does when a widget exits; a plugin widget that failed mounting is taken out with it"),
    PrivateName("textual.screen:Screen", "_push_result_callback", "method",
                "(self, requester: 'MessagePump', callback: 'ScreenResultCallbackType[ScreenResultType] | None', "
                "future: 'asyncio.Future[ScreenResultType | None] | None' = None) -> 'None'",
                "a section's failed first screen is switched for its error; Textual pops one callback on a switch"),
    PrivateName("textual.app:App", "_load_screen_css", "method", "(self, screen: 'Screen')",
                "a section's first screen is styled before it is shown, so the app restyles once"),
    PrivateName("textual.app:App", "_css_update_count", "attribute", "",
                "marks such a screen as styled already"),
    PrivateName("textual.screen:Screen", "_css_update_count", "attribute", "",
                "a screen's own count, compared with the app's"),
    PrivateName("textual.dom:DOMNode", "_css_type_name", "constant", "",
                "the scope of a screen class's CSS, read before the screen is made"),
    PrivateName("textual.app:App", "_modes", "attribute", "",
                "the sections added so far (Textual has no public list of them)"),
    PrivateName("textual.screen:Screen", "_binding_chain", "property", "",
                "overridden so a card's panels' keys work from anywhere on it"),
    PrivateName("textual.dom:DOMNode", "_bindings", "attribute", "",
                "each node's own bindings (a panel's, the app's)"),
    PrivateName("textual.app:App", "_keymap", "attribute", "", "the practice's remapped keys"),
    PrivateName("textual.command:CommandPalette", "_gather_commands", "method",
                "(self, search_value: 'str') -> 'None'",
                "the palette's search worker; overridden to stop quietly when the palette is closing"),
    PrivateName("textual.command:CommandPalette", "_GATHER_COMMANDS_GROUP", "constant", "",
                "the worker group of that search"),
    PrivateName("textual.widgets._footer", "FooterKey", "class", "", "the footer's key widget, dimmed in place"),
    PrivateName("textual.widgets._footer:FooterKey", "_disabled", "attribute", "",
                "whether a footer key is drawn dimmed"),
    PrivateName("textual.widgets._footer:Footer", "_bindings_ready", "constant", "",
                "set when the footer first hears of its screen's bindings"),
    PrivateName("textual.widgets._data_table:DataTable", "_update_dimensions", "method",
                "(self, new_rows: 'Iterable[RowKey]') -> 'None'",
                "where a table measures new rows; extended to redraw rows drawn before the measuring"),
    PrivateName("textual.widgets._data_table:DataTable", "_update_count", "attribute", "",
                "the key of the table's row caches; moved on to redraw them"),
    PrivateName("textual._time", "get_time", "constant", "",
                "the clock that stamps every message's ``time``, which type-ahead compares a failure with"),
)


def message_clock() -> float:
    """Now, on the clock Textual stamps each message's ``time`` with (``Message.time``)."""
    from textual._time import get_time

    return get_time()


# -- the app: containing failures -------------------------------------------------------------


class ExceptionHook(App[Any]):
    """Textual's private ``_handle_exception``, as :meth:`exception_reported` (ours)."""

    def _handle_exception(self, error: Exception) -> None:
        self.exception_reported(error, sys._getframe(1))

    def exception_reported(self, error: Exception, caller: FrameType) -> None:
        """An exception nothing handled; ``caller`` is the frame that reported it. Textual
        ends the app (see :func:`end_app_for`); override to do otherwise."""
        end_app_for(self, error)


def end_app_for(app: App[Any], error: Exception) -> None:
    """What Textual does with an unhandled exception: end the app. The traceback it would
    print on the terminal as the app ends is dropped (the shell logs it itself)."""
    App._handle_exception(app, error)
    app._exit_renderables.clear()


LOOP_ENDING_CALLERS = frozenset({"_pre_process", "_process_messages_loop"})
"""Textual's methods that stop their node's message loop after reporting an exception."""


def stopped_pump(caller: FrameType) -> object | None:
    """The node whose message loop stops with the exception ``caller`` is reporting, if any."""
    if caller.f_code.co_name in LOOP_ENDING_CALLERS:
        return caller.f_locals.get("self")
    return None


def failed_before_starting(caller: FrameType) -> bool:
    """Whether ``caller`` reported a failure of a node mounting (its loop never ran)."""
    return caller.f_code.co_name == "_pre_process"


def end_message_loop(node: DOMNode) -> Awaitable[None]:
    """Take ``node`` out as Textual does when a running widget exits (one that never ran
    would wait forever to handle its removal)."""
    return node._message_loop_exit()


def forget_result_callback(screen: Screen[Any], app: App[Any]) -> None:
    """Give ``screen`` the empty result callback Textual pops when it is switched away."""
    screen._push_result_callback(app, None)


# -- the app: sections and styles --------------------------------------------------------------


def mode_names(app: App[Any]) -> list[str]:
    """The modes (sections) added to ``app`` so far."""
    return list(app._modes)


def style_before_showing(app: App[Any], screen: Screen[Any]) -> None:
    """Read ``screen``'s own styles now and mark it styled, so that showing it restyles once."""
    app._load_screen_css(screen)
    screen._css_update_count = app._css_update_count


def css_scope(screen_class: type[Screen[Any]]) -> str:
    """The scope Textual gives a screen class's own ``CSS``."""
    return screen_class._css_type_name


# -- keys ---------------------------------------------------------------------------------------


def own_bindings(node: DOMNode) -> BindingsMap:
    """``node``'s own bindings (the app's: the shell's keys), as Textual keeps them."""
    return node._bindings


def keymap(app: App[Any]) -> dict[str, str]:
    """The practice's remapped keys, as the app applies them."""
    return getattr(app, "_keymap", None) or {}


class BindingChainHook(Screen[Any]):
    """Textual's private ``Screen._binding_chain`` (the nodes and bindings a key is looked up
    in, in order), as :meth:`binding_chain` (ours)."""

    @property
    def _binding_chain(self) -> list[tuple[DOMNode, BindingsMap]]:
        return self.binding_chain(super()._binding_chain)

    def binding_chain(self, chain: list[tuple[DOMNode, BindingsMap]]) -> list[tuple[DOMNode, BindingsMap]]:
        """The chain Textual made; override to add to it."""
        return chain


_TEXTUAL_GATHER = CommandPalette._gather_commands.__wrapped__  # type: ignore[attr-defined]


class PaletteSearchHook(CommandPalette):
    """Textual's private search worker of the command palette, as :meth:`search_commands`."""

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP)
    async def _gather_commands(self, search_value: str) -> None:
        await self.search_commands(search_value)

    async def search_commands(self, search_value: str) -> None:
        """Search and fill the list (Textual's own search, without its worker decorator)."""
        await _TEXTUAL_GATHER(self, search_value)


# -- the footer and the data table --------------------------------------------------------------


def footer_heard_bindings(footer: Footer) -> None:
    """What Textual's footer notes first when its screen's bindings change."""
    footer._bindings_ready = True


def key_dimmed(key: FooterKey) -> bool:
    """Whether a footer key is drawn dimmed."""
    return key._disabled


def dim_key(key: FooterKey, dimmed: bool) -> None:
    """Draw a footer key dimmed or lit, in place."""
    key._disabled = dimmed
    key.set_class(dimmed, "-disabled")
    key.refresh()


class MeasuringHook(DataTable[CellType]):
    """Textual's private measuring of a table's new rows, followed by :meth:`measured` (ours)."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        before = self.column_widths()
        super()._update_dimensions(new_rows)
        self.measured(before)

    def column_widths(self) -> list[int]:
        """Each column's width as drawn."""
        return [column.get_render_width(self) for column in self.ordered_columns]

    def measured(self, widths_before: list[int]) -> None:
        """New rows were measured; ``widths_before`` were the columns' widths before."""

    def redraw_rows(self) -> None:
        """Forget the rows drawn so far and draw them again (as adding a column does)."""
        self._update_count += 1
        self.refresh()
