"""The scheduling screens' own modal question: an overbooking's time and reason. It answers
Enter and gives up with Escape (dismissing with None), and refuses an empty answer in place.
The reason and choice dialogs are the kit's (:mod:`medoffice.ui.dialogs`), imported here for
the screens that ask them."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from medoffice.ui import ChoiceDialog, Footer, ReasonDialog
from medoffice.ui.dialogs import DIALOG_CSS

__all__ = ["ChoiceDialog", "OverbookDialog", "ReasonDialog"]


class OverbookDialog(ModalScreen[tuple[str, str] | None]):
    """Asks when to overbook and why: dismisses with ``(start, reason)``.

    Args:
        question: the prompt, naming the provider.
        start: the time offered first (``YYYY-MM-DD HH:MM``), editable.
    """

    CSS_PATH = [DIALOG_CSS, "dialogs.tcss"]
    BINDINGS = [Binding("escape", "cancel", "Back", id="scheduling.dialog.cancel")]

    def __init__(self, question: str, start: str) -> None:
        super().__init__()
        self.question = question
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="question", markup=False)
            yield Input(self.start, id="start", placeholder="YYYY-MM-DD HH:MM")
            yield Input(id="reason", placeholder="why overbook (required)", max_length=500)
            yield Static("Enter: next / book   Escape: back", id="dialog-message", markup=False)
        yield Footer()  # over the screen beneath's footer, whose keys wait until this closes

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#start")
    def _start_given(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _reason_given(self) -> None:
        start = self.query_one("#start", Input).value.strip()
        reason = self.query_one("#reason", Input).value.strip()
        if not start or not reason:
            self.query_one("#dialog-message", Static).update(
                "Both a time and a reason are required (Escape: back).")
            self.query_one("#start" if not start else "#reason", Input).focus()
            return
        self.dismiss((start, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)
