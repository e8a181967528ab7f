"""The booking flow's fields and lists, which know that keys typed ahead belong to a later step.

A receptionist types a whole booking without waiting: ``b o Enter f Enter a Enter 2 w Enter``.
While an Enter waits for its step's list (the patients found, the slots), the letters typed
after it are meant for the next step, not for the field still on show: each of these widgets
asks the flow (:meth:`TypedAheadRouter.route_typed_ahead`) before it takes a key, and the
flow puts the key where it belongs, in order.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import Input

from medoffice.ui import DataTable


class TypedAheadRouter(Protocol):
    """The screen the widgets belong to."""

    def route_typed_ahead(self, event: events.Key) -> bool:
        """Take ``event`` for a later step (True), or leave it to the focused widget (False)."""


def _routed(widget: Any, event: events.Key) -> None:
    router = widget.screen
    if hasattr(router, "route_typed_ahead") and router.route_typed_ahead(event):
        event.prevent_default()
        event.stop()


class StepInput(Input):
    """A text field of the flow (the patient search, the note). Focusing it does not select
    its text: letters typed ahead into it must not be replaced by the next one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)

    def on_key(self, event: events.Key) -> None:
        _routed(self, event)


class FilterInput(StepInput):
    """A text field that moves the cursor of the list below it with Up and Down."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, table_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.table_id = table_id

    def action_move(self, delta: int) -> None:
        table = self.screen.query_one(f"#{self.table_id}", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))


class JumpInput(FilterInput):
    """The slot step's "jump to a day" field: ``[`` and ``]`` still page the slots (no day
    is written with them)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right_square_bracket", "screen.later", "Later", key_display="]", priority=True),
        Binding("left_square_bracket", "screen.sooner", "Sooner", key_display="[", priority=True),
    ]


class StepTable(DataTable[Any]):
    """A list of the flow (patients, types, providers, slots)."""

    def on_key(self, event: events.Key) -> None:
        _routed(self, event)


__all__ = ["FilterInput", "JumpInput", "StepInput", "StepTable", "TypedAheadRouter"]
