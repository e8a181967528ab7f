"""Small modal questions: a reason, a choice from a list. Each answers Enter and gives up
with Escape (dismissing with None), and refuses an empty answer in place rather than sending
it to the service."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from .footer import Footer

DIALOG_CSS = Path(__file__).with_name("dialogs.tcss")
"""The dialogs' styles (a box in the middle of the screen, ``classes="dialog"``): a plugin's
own dialog in that style lists it first in its ``CSS_PATH``."""


class ReasonDialog(ModalScreen[str | None]):
    """Asks for one line of text, such as why an appointment is cancelled.

    Args:
        question: the prompt (``Why is Lee, Ann's 09:00 cancelled?``).
        placeholder: a hint in the empty field.
    """

    CSS_PATH = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", "Back", id="ui.dialog.cancel")]

    def __init__(self, question: str, placeholder: str = "reason") -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="question", markup=False)
            yield Input(id="answer", placeholder=self.placeholder, max_length=500)
            yield Static("Enter: OK   Escape: back", id="dialog-message", markup=False)
        yield Footer()  # over the screen beneath's footer, whose keys wait until this closes

    @on(Input.Submitted, "#answer")
    def _answered(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one("#dialog-message", Static).update("A reason is required (Escape: back).")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceDialog(ModalScreen[str | None]):
    """Asks to pick one of a few names, such as a room.

    Args:
        question: the prompt.
        choices: the names offered, in order.
        current: the name to highlight first, if among them.
    """

    CSS_PATH = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", "Back", id="ui.dialog.cancel")]

    def __init__(self, question: str, choices: Sequence[str], current: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="question", markup=False)
            yield OptionList(*(Option(name, id=str(index)) for index, name in enumerate(self.choices)),
                             id="choices")
            yield Static("Enter: choose   Escape: back", id="dialog-message", markup=False)
        yield Footer()  # over the screen beneath's footer, whose keys wait until this closes

    def on_mount(self) -> None:
        if self.current in self.choices:
            self.query_one("#choices", OptionList).highlighted = self.choices.index(self.current)

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
