"""The app shell: who is signed in, which screen is up, and the keys that work everywhere.

The shell owns the session state (the signed-in user, the lock) and the navigation between
the core's screens and the plugins'; :class:`~medoffice.tui.plugin_boundary.PluginBoundary`
keeps a failing plugin from taking it down. The screens live one per module in
:mod:`medoffice.tui.screens`, and all data work goes through
:class:`~medoffice.tui.host.AppScreenHost`.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType

from medoffice.core.records import ActionContribution, PatientRecord, UserRecord
from medoffice.core.runtime import Runtime
from medoffice.core.services.patients import Registration

from .commands import MedofficeCommands
from .contributions import Contributions, import_object, may_see
from .host import AppScreenHost
from .idle import CHECK_EVERY_SECONDS, IdleTimer, idle_lock_minutes
from .keys import key_label, plugin_key
from .screens.help import HelpScreen, binding_rows
from .screens.lock import LockScreen
from .screens.navigation import NavigationScreen
from .screens.patient_card import PatientCardScreen
from .screens.patient_form import PatientFormScreen
from .screens.patients import PatientSearchScreen
from .plugin_boundary import PluginBoundary
from .screens.plugin_host import build_plugin_screen
from .screens.signin import SignInScreen

SIGNED_IN_ACTIONS = frozenset({
    "find_patient", "register_patient", "screens", "lock", "sign_out", "back", "command_palette",
})
"""Actions that need a signed-in user and an unlocked screen."""


class MedofficeApp(PluginBoundary, App[None]):
    """The medoffice terminal UI.

    Args:
        runtime: the open practice.
        user: start signed in as this user (the test kit does); None shows the sign-in screen.
    """

    TITLE = "medoffice"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = {MedofficeCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("f1", "help", "Help", key_display="F1"),
        Binding("question_mark", "help", "Help", key_display="?", show=False),
        Binding("f2", "find_patient", "Find", key_display="F2"),
        Binding("f3", "register_patient", "Register", key_display="F3"),
        Binding("f4", "screens", "Screens", key_display="F4"),
        Binding("ctrl+l", "lock", "Lock"),
        Binding("f9", "sign_out", "Sign out", key_display="F9", show=False),  # F1 and Ctrl+P list it
    ]

    def __init__(self, runtime: Runtime, *, user: UserRecord | None = None) -> None:
        super().__init__()
        self.runtime = runtime
        self.user = user
        self.locked = False
        self.ui_thread = threading.get_ident()
        self.host = AppScreenHost(self)
        self.contributions = Contributions.gather(runtime.plugins.hooks)
        self.idle = IdleTimer(idle_lock_minutes(runtime.settings.options))
        self.home: PatientSearchScreen | None = None

    # -- start, sign in, sign out ------------------------------------------------------------

    def on_mount(self) -> None:
        self.ui_thread = threading.get_ident()
        for problem in self.contributions.problems:
            self.show_error(problem)
        self.set_interval(CHECK_EVERY_SECONDS, self.lock_if_idle)
        if self.user is not None:
            self._signed_in(self.user)
        else:
            self._show_sign_in()

    def _show_sign_in(self) -> None:
        self.push_screen(SignInScreen(self.runtime, self.title), self._signed_in)

    def _signed_in(self, user: UserRecord | None) -> None:
        if user is None:
            return
        self.user = user
        self.locked = False
        self.sub_title = user.full_name
        self.idle.touch()
        self.home = PatientSearchScreen(self.host)
        self.push_screen(self.home)
        self.refresh_bindings()

    async def action_sign_out(self) -> None:
        """Forget the user and every screen they had open; back to the sign-in screen."""
        self.user = None
        self.locked = False
        self.home = None
        self.sub_title = ""
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        self._show_sign_in()

    # -- locking -----------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self.idle.touch()
        await super().on_event(event)

    def lock_if_idle(self) -> None:
        """Lock the screen if the user has been away longer than the practice allows."""
        if self.user is not None and not self.locked and self.idle.expired():
            self.action_lock()

    def action_lock(self) -> None:
        """Cover the screen until the same user types their password again."""
        if self.user is None or self.locked:
            return
        self.locked = True
        self.push_screen(LockScreen(self.runtime, self.user), self._unlocked)
        self.refresh_bindings()

    async def _unlocked(self, user: UserRecord | None) -> None:
        self.locked = False
        if user is None:
            await self.action_sign_out()
            return
        self.user = user
        self.idle.touch()
        self.refresh_bindings()

    # -- navigation --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SIGNED_IN_ACTIONS:
            if self.user is None or self.locked:
                return False
            if action == "register_patient":
                return may_see(self.user, "patients.write")
            if action == "back":
                return len(self.screen_stack) > 2 and self.screen is not self.home
        return True

    async def action_find_patient(self) -> None:
        """Back to the patient search, ready to type."""
        if self.home is None:
            return
        while self.screen is not self.home and self.home in self.screen_stack:
            await self.pop_screen()
        self.home.focus_query()

    def action_register_patient(self) -> None:
        """Open an empty registration form."""
        if may_see(self.user, "patients.write"):
            self.push_screen(PatientFormScreen(self.host), self._registered)

    def _registered(self, registration: PatientRecord | Registration | None) -> None:
        if not isinstance(registration, Registration):
            return
        patient = registration.patient
        self.notify(f"Registered {patient.display_name}, MRN {patient.mrn}.", markup=False)
        if registration.possible_duplicates:
            self.notify("This patient may already be registered: see the card.", severity="warning",
                        markup=False)
        self.push_patient_card(patient.mrn, duplicates=registration.possible_duplicates)

    def open_patient(self, patient: PatientRecord) -> None:
        """Open ``patient``'s card (the :class:`~medoffice.core.ui.ScreenHost` contract)."""
        self.push_patient_card(patient.mrn)

    def push_patient_card(self, mrn: str, *, duplicates: tuple[PatientRecord, ...] = ()) -> None:
        """Open the card of the patient with ``mrn``, with the panels the user may see."""
        self.push_screen(PatientCardScreen(self.host, self.contributions.panels_for(self.user), mrn,
                                           duplicates=duplicates))

    def action_back(self) -> None:
        """Close the current screen (screens with their own Escape handle it first)."""
        if self.check_action("back", ()):
            self.pop_screen()

    def action_screens(self) -> None:
        """List the plugin screens the user may open."""
        self.push_screen(NavigationScreen(self.contributions.screens_for(self.user)), self._screen_chosen)

    def _screen_chosen(self, screen_id: str | None) -> None:
        if screen_id:
            self.open_plugin_screen(screen_id)

    def open_plugin_screen(self, screen_id: str) -> None:
        """Open a plugin's screen by id, or an error screen naming the plugin if it fails."""
        found = self.contributions.screen(screen_id)
        if found is None or not may_see(self.user, found[1].permission):
            self.show_error(f"no screen {screen_id!r} for you")
            return
        plugin_id, contribution = found
        self.push_screen(build_plugin_screen(plugin_id, contribution, self.host.for_plugin(plugin_id)))

    def run_plugin_action(self, plugin_id: str, action: ActionContribution) -> None:
        """Run a plugin's palette action as ``fn(host)``; an error names the plugin."""
        host = self.host.for_plugin(plugin_id)
        if not may_see(self.user, action.permission):
            return
        try:
            import_object(action.action)(host)
        except Exception as exc:
            host.notify_error(exc)

    def on_key(self, event: events.Key) -> None:
        """Plugin screens' own keys (F5-F8, F11, F12), for the screens the user may see."""
        if self.user is None or self.locked:
            return
        for _, screen in self.contributions.screens_for(self.user):
            if plugin_key(screen.key) == event.key:
                event.stop()
                self.open_plugin_screen(screen.id)
                return

    def action_help(self) -> None:
        """Show every key that works here."""
        if isinstance(self.screen, HelpScreen):
            return
        enabled = [b for b in self.BINDINGS if isinstance(b, Binding) and self.check_action(b.action, ()) is True]
        rows = binding_rows(self.screen.BINDINGS) + binding_rows(enabled)
        if self.user is not None and not self.locked:
            rows.append(("Ctrl+P", "Command palette: every action and screen"))
            rows += [(key_label(k), f"Open {s.title}") for _, s in self.contributions.screens_for(self.user)
                     if (k := plugin_key(s.key))]
        rows.append(("Ctrl+Q", "Quit"))
        self.push_screen(HelpScreen(rows))

    # -- errors ------------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        """Show a one-line error the way every error is shown."""
        self.notify(message, severity="error", markup=False, timeout=10)
