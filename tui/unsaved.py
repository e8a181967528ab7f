"""Asking before typed work is thrown away, and moving between a form's fields with the arrows.

A receptionist halfway through a registration who presses Escape (or Ctrl+Q) out of habit
must not lose it. Any screen says it holds unsaved work by having a method
``has_unsaved_changes() -> bool``; nothing needs importing, so a plugin's form can say so
today. Then:

- Ctrl+Q (the app's quit) asks "Quit and discard the changes? y/n" first
  (:func:`screens_with_unsaved_changes`, used by ``MedofficeApp.action_quit``);
- a form built on :class:`FormScreen` asks "Discard the changes? y/n" when Escape would close it
  with something typed (:meth:`FormScreen.close_or_ask`).

The question is a small modal, :class:`DiscardChanges`: ``y`` discards; ``n``, Escape and
Enter keep the form as it was, so a stray Enter never throws anything away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    DataTable,
    Footer,
    Input,
    ListView,
    OptionList,
    RadioSet,
    Select,
    SelectionList,
    Static,
    Switch,
    TextArea,
    Tree,
)

if TYPE_CHECKING:
    from textual.app import App

ResultType = TypeVar("ResultType")

FIELD_TYPES = (Input, TextArea, Select, Checkbox, Switch, RadioSet)
"""The widgets whose value is something the user typed or chose."""


def field_value(widget: Widget) -> object:
    """What ``widget`` holds now, comparable with what it held before."""
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, RadioSet):
        return widget.pressed_index
    return getattr(widget, "value", None)


def screens_with_unsaved_changes(app: App[Any], modes: Iterable[str]) -> list[Screen[Any]]:
    """Every screen, in every section's stack, that says it holds unsaved changes.

    Args:
        app: the running app.
        modes: the sections (Textual modes) to look in; one never shown has no stack yet.
    """
    found: list[Screen[Any]] = []
    for mode in dict.fromkeys(modes):
        try:
            stack = app.get_screen_stack(mode)
        except KeyError:
            continue
        for screen in stack:
            says = getattr(screen, "has_unsaved_changes", None)
            if callable(says) and screen not in found and says():
                found.append(screen)
    return found


class DiscardChanges(ModalScreen[bool]):
    """"Discard the changes? y/n": dismissed with True only for ``y``.

    Args:
        question: the question, ending in "y/n".
    """

    DEFAULT_CSS = """
    DiscardChanges {
        align: center middle;
    }
    DiscardChanges > #discard {
        width: auto;
        min-width: 30;
        max-width: 100%;
        height: auto;
        border: heavy $warning;
        background: $surface;
        padding: 1 2;
    }
    DiscardChanges #discard-question {
        width: auto;
        text-style: bold;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Discard"),
        Binding("n", "answer(False)", "Keep"),
        Binding("escape", "answer(False)", "Keep", show=False),
        Binding("enter", "answer(False)", "Keep", show=False),
    ]

    def __init__(self, question: str = "Discard the changes? y/n") -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="discard"):
            yield Static(self.question, id="discard-question", markup=False)
        yield Footer()

    def action_answer(self, discard: bool) -> None:
        """``y`` discards; anything bound here else keeps the work."""
        self.dismiss(discard)


class FormScreen(Screen[ResultType]):
    """A form's screen: Up and Down move between fields, and closing with changes asks first.

    A one-line field has no use for Up and Down (Textual's input scrolls with them, which on
    one line does nothing), so the screen takes them first; a field that uses them itself (a
    select's list, a text area, a table) keeps them. The form's starting values are
    remembered when it mounts; a form that fills its fields later calls
    :meth:`remember_fields` once they are filled.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "next_field", "Next field", show=False, priority=True),
        Binding("up", "previous_field", "Previous field", show=False, priority=True),
    ]
    ARROWS_OF_THEIR_OWN: ClassVar[tuple[type[Widget], ...]] = (
        TextArea, Select, OptionList, DataTable, ListView, RadioSet, Tree, SelectionList)
    """Fields (and their parts, such as a select's open list) that Up and Down belong to."""

    _starting_values: dict[int, object] | None = None

    def on_mount(self) -> None:
        self.remember_fields()

    def _fields(self) -> list[Widget]:
        return [w for w in self.query("*") if isinstance(w, FIELD_TYPES)]

    def remember_fields(self) -> None:
        """Take the fields as they are now as the form's unchanged state."""
        self._starting_values = {id(w): field_value(w) for w in self._fields()}

    def has_unsaved_changes(self) -> bool:
        """Whether any field differs from how the form started."""
        start = self._starting_values
        if start is None:
            return False
        return any(start.get(id(w), _NEVER) != field_value(w) for w in self._fields())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"next_field", "previous_field"}:
            focused = self.focused
            return focused is not None and not any(isinstance(node, self.ARROWS_OF_THEIR_OWN)
                                                   for node in focused.ancestors_with_self)
        return True

    def action_next_field(self) -> None:
        self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()

    def close_or_ask(self, close: Callable[[], object] | None = None) -> None:
        """Close the form (``close()``, by default dismissing it with None), asking first when
        something was typed."""
        close = close or (lambda: self.dismiss(None))
        if not self.has_unsaved_changes():
            close()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                close()

        self.app.push_screen(DiscardChanges(), answered)


_NEVER = object()
"""A field added after the form started: never equal to its value, so it counts as a change."""

__all__ = ["DiscardChanges", "FormScreen", "field_value", "screens_with_unsaved_changes"]
