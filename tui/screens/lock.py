"""The lock screen: covers everything until the same user types their password again.

A front-desk terminal is left unattended many times a day; patient data must not stay on
it. The lock is a full screen (not a transparent modal), so nothing behind it shows. The
password is checked with ``users.sign_in``, so failures are audited and count towards the
account's lock-out like any other. Another person wanting the terminal signs out instead.
"""

from __future__ import annotations

import logging

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from medoffice.core.errors import MedofficeError
from medoffice.core.records import UserRecord
from medoffice.core.runtime import Runtime
from medoffice.core.services import users
from medoffice.ui import Footer

from ..host import one_line
from ..keys import key_label

log = logging.getLogger("medoffice.tui")


class LockScreen(Screen[UserRecord | None]):
    """Ask ``user`` for their password.

    Dismisses with the user's fresh record once the password is right (their roles may have
    changed meanwhile), or None when they choose to sign out instead.

    Args:
        runtime: the practice.
        user: the user who was signed in when the screen locked.
    """

    AUTO_FOCUS = "#unlock-password"
    BINDINGS = [Binding("f9", "sign_out", "Sign out", key_display="F9", id="lock.sign_out")]

    def __init__(self, runtime: Runtime, user: UserRecord) -> None:
        super().__init__()
        self._runtime = runtime
        self.user = user

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-form"):
            yield Static("Locked", id="lock-title")
            yield Static(f"{self.user.full_name} ({self.user.username}) locked this terminal.", id="lock-who",
                         markup=False)
            yield Static(self.hint("F9"), id="lock-hint", markup=False)
            yield Input(id="unlock-password", password=True, placeholder="password")
            yield Static("", id="unlock-error", markup=False)
        yield Footer()

    @staticmethod
    def hint(sign_out_key: str) -> str:
        """What to do, in words short enough for the box at 80 columns (the name above wraps)."""
        return f"Type your password to unlock, or {sign_out_key} to sign out."

    def on_mount(self) -> None:
        """Name the sign-out key as the practice's keymap has it."""
        for active in self.active_bindings.values():
            if active.binding.id == "lock.sign_out":
                self.query_one("#lock-hint", Static).update(self.hint(key_label(active.binding.key)))

    @on(Input.Submitted, "#unlock-password")
    def submit(self) -> None:
        """Check the password typed."""
        field = self.query_one("#unlock-password", Input)
        password = field.value
        field.value = ""
        self.query_one("#unlock-error", Static).update("Checking…")
        self._unlock(password)

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False)
    def _unlock(self, password: str) -> None:
        try:
            user = users.sign_in(self._runtime, self.user.username, password)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("unlocking failed")
            self.app.call_from_thread(self.query_one("#unlock-error", Static).update, one_line(exc))
        else:
            self.app.call_from_thread(self.dismiss, user)

    def action_sign_out(self) -> None:
        """Give the terminal to someone else: sign out rather than unlock."""
        self.dismiss(None)
