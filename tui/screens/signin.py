"""The sign-in screen: nobody sees or does anything before it.

The password check (argon2) is slow by design, so it runs in a thread worker and the screen
stays responsive. The screen shows before the practice is open (:mod:`medoffice.tui.practice`):
this module imports neither SQLAlchemy nor a service, and the check waits, in its worker, for
the practice to be open; keys typed after Enter wait for the home screen meanwhile. A failure shows the one-line message of the
:class:`~medoffice.core.errors.AuthenticationError` under the form, which deliberately never
says whether the user name or the password was wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from medoffice.core.errors import MedofficeError
from medoffice.ui import Footer

from ..host import one_line
from ..practice import Abandoned

if TYPE_CHECKING:
    from medoffice.core.records import UserRecord

    from ..practice import PracticeLoader

log = logging.getLogger("medoffice.tui")


class SignInScreen(Screen["UserRecord"]):
    """Ask for a user name and password; dismiss with the signed-in user.

    Args:
        practice: the practice to sign in to (open, or being opened).
        title: the heading (the practice or product name).
        while_checking: called once, on the UI thread, the first time a password check has
            started: the shell readies the home screen while argon2 keeps the thread busy.
    """

    AUTO_FOCUS = "#username"

    def __init__(self, practice: PracticeLoader, title: str = "medoffice", *,
                 while_checking: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._practice = practice
        self._title = title
        self._while_checking = while_checking

    def compose(self) -> ComposeResult:
        with Center():
            with Vertical(id="signin-form"):
                yield Static(self._title, id="signin-title")
                yield Label("User name")
                yield Input(id="username", placeholder="user name")
                yield Label("Password")
                yield Input(id="password", password=True, placeholder="password")
                yield Button("Sign in", id="signin-button", variant="primary")
                yield Static("", id="signin-error", classes="error", markup=False)
                yield Static("", id="signin-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._show_demo_hint()

    @work(thread=True, exit_on_error=False)
    def _show_demo_hint(self) -> None:
        """On the demo practice only, say how to sign in: its passwords are public anyway."""
        try:
            from medoffice.core.services import practice

            with self._practice.wait().operation(write=False) as ctx:
                is_demo = practice.load(ctx).is_demo
        except Exception:  # no practice yet, or the database is away: the form says the rest
            return
        if is_demo:
            from medoffice.core.demo_accounts import DEMO_PASSWORD, DEMO_USERS

            users_ = ", ".join(username for username, _name, _roles in DEMO_USERS)
            self.app.call_from_thread(self._hint, f"Demo practice: sign in as {users_}; password '{DEMO_PASSWORD}'.")

    def _hint(self, text: str) -> None:
        hint = self.query_one("#signin-hint", Static)
        hint.update(text)
        hint.display = True

    @on(Input.Submitted, "#username")
    def _next_field(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#signin-button")
    def submit(self) -> None:
        """Check the credentials typed, unless a check is already running."""
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username:
            self._failed("type your user name")
            self.query_one("#username", Input).focus()
            return
        self._busy(True)
        self._sign_in(username, password)
        if self._while_checking is not None:
            ready, self._while_checking = self._while_checking, None
            ready()

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def _sign_in(self, username: str, password: str) -> None:
        """Check the password; keys typed meanwhile wait for the home screen (or are dropped
        if the check fails: they were not meant for this form)."""
        typeahead = getattr(self.app, "typeahead", None)
        try:
            with typeahead.loading() if typeahead is not None else nullcontext():
                runtime = self._practice.wait()  # opened while the name and password were typed
                from medoffice.core.services import users

                user = users.sign_in(runtime, username, password)
        except Abandoned:  # the app is ending
            return
        except MedofficeError as exc:
            self.app.call_from_thread(self._failed, one_line(exc))
        except Exception as exc:  # a bug or a lost database: one line, never a traceback
            log.exception("sign-in failed")
            self.app.call_from_thread(self._failed, one_line(exc))
        else:
            self.app.call_from_thread(self._succeeded, user)

    def _busy(self, busy: bool) -> None:
        self.query_one("#signin-button", Button).disabled = busy
        if busy:
            self.query_one("#signin-error", Static).update("Signing in…")

    def _failed(self, message: str) -> None:
        self._busy(False)
        self.query_one("#signin-error", Static).update(message)
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def _succeeded(self, user: UserRecord) -> None:
        self.query_one("#password", Input).value = ""
        self.dismiss(user)
