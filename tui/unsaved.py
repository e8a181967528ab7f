"""Asking before typed work is thrown away, and moving between a form's fields with the arrows.

A receptionist halfway through a registration who presses Escape, F5 or F9 out of habit must
not lose it. A screen holds unsaved work when

- it says so: a method ``has_unsaved_changes() -> bool`` (nothing needs importing, so a
  plugin's form can say so today; its answer is the one taken, False included: a search
  field is not work);
- or, for a screen that says nothing, the user has typed or chosen something in one of its
  fields that is shown and differs from what the field held before the user's first key in
  it (:class:`TypedFields`, fed by the app with every key it hands on). What a screen fills
  in by itself (a copay, a policy opened for correction) is not the user's work.

Then:

- Ctrl+Q (the app's quit) asks "Quit and discard the changes? y/n" first
  (:func:`screens_with_unsaved_changes`, used by ``MedofficeApp.action_quit``), and sign-out
  asks "Sign out and discard the changes? y/n";
- every key that would close such a screen on its way elsewhere (F2, the plugin screens'
  F-keys, F4's list, the palette's "Open …") asks "Discard the changes? y/n" first
  (:func:`ask_before_closing`, used by the app's navigation); switching to another section
  closes nothing (each keeps its own stack) and asks nothing;
- a form built on :class:`FormScreen` asks the same when Escape would close it with
  something typed (:meth:`FormScreen.close_or_ask`).

The question is a small modal, :class:`DiscardChanges`: ``y`` discards; ``n``, Escape and
Enter keep the form as it was, so a stray Enter never throws anything away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from weakref import WeakKeyDictionary

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    DataTable,
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

from medoffice.ui import Footer

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


def _shown(widget: Widget) -> bool:
    """Whether ``widget`` is part of what its screen shows (not in a step switched away)."""
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


def _on(widget: Widget, screen: Screen[Any]) -> bool:
    try:
        return widget.screen is screen
    except Exception:  # noqa: BLE001 - a widget removed since has no screen
        return False


class TypedFields:
    """What the user has typed or chosen in the fields of the screens that do not say for
    themselves whether they hold unsaved work.

    The app calls :meth:`key_for` with every key (and paste) it hands to a screen, before the
    key acts; type-ahead hands keys on one at a time, so the previous key's effects are done.
    The focused field's value then is its value before the user's typing. A field left in a
    step the screen no longer shows is forgotten: filled again later by the screen (another
    policy opened for correction), it starts afresh.
    """

    def __init__(self) -> None:
        self._before: WeakKeyDictionary[Widget, object] = WeakKeyDictionary()

    def key_for(self, screen: Screen[Any]) -> None:
        """A key is about to be handed to ``screen``."""
        for field in list(self._before):
            if _on(field, screen) and not _shown(field):
                del self._before[field]
        focused = screen.focused
        if focused is None:
            return
        field = next((node for node in focused.ancestors_with_self if isinstance(node, FIELD_TYPES)), None)
        if field is not None and field not in self._before:
            self._before[field] = field_value(field)

    def changed_on(self, screen: Screen[Any]) -> bool:
        """Whether a field of ``screen`` that is shown holds something the user changed."""
        return any(_on(field, screen) and _shown(field) and field_value(field) != before
                   for field, before in list(self._before.items()))


def holds_unsaved_work(screen: Screen[Any], typed: TypedFields | None = None) -> bool:
    """Whether closing ``screen`` would throw away work: its own ``has_unsaved_changes()``
    when it has one, else what ``typed`` saw typed on it."""
    says = getattr(screen, "has_unsaved_changes", None)
    if callable(says):
        return bool(says())
    return typed is not None and typed.changed_on(screen)


def screens_with_unsaved_changes(app: App[Any], modes: Iterable[str]) -> list[Screen[Any]]:
    """Every screen, in every section's stack, that holds unsaved work (:func:`holds_unsaved_work`).

    Args:
        app: the running app (its ``typed_fields``, when it has them, judge the screens
            that say nothing).
        modes: the sections (Textual modes) to look in; one never shown has no stack yet.
    """
    typed = getattr(app, "typed_fields", None)
    found: list[Screen[Any]] = []
    for mode in dict.fromkeys(modes):
        try:
            stack = app.get_screen_stack(mode)
        except KeyError:
            continue
        for screen in stack:
            if screen not in found and holds_unsaved_work(screen, typed):
                found.append(screen)
    return found


def ask_before_closing(app: App[Any], closing: Sequence[Screen[Any]], go: Callable[[], object], *,
                       question: str = "Discard the changes? y/n") -> Any:
    """Run ``go()``, which closes the screens ``closing``, at once when none holds unsaved
    work; else ask ``question`` first and run it only on ``y``. On ``n`` nothing happens: the
    person is back where they were, the form as they left it.

    Args:
        app: the running app.
        closing: the screens ``go`` would close.
        go: what the key does; it may return an awaitable (after ``y`` it is awaited as
            the question's callback).
        question: the question, ending in "y/n".

    Returns:
        What ``go()`` returned when it ran at once (the caller awaits it if it must), or None
        when it asked.
    """
    typed = getattr(app, "typed_fields", None)
    if not any(holds_unsaved_work(screen, typed) for screen in closing):
        return go()

    def answered(discard: bool | None) -> object:
        return go() if discard else None

    app.push_screen(DiscardChanges(question), answered)
    return None


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

__all__ = [
    "DiscardChanges", "FormScreen", "TypedFields", "ask_before_closing", "field_value", "holds_unsaved_work",
    "screens_with_unsaved_changes",
]
