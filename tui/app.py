"""The app shell: who is signed in, which screen is up, and the keys that work everywhere.

The shell owns the session state (the signed-in user, the lock) and the navigation between
the core's screens and the plugins'. Each top-level section (the today board, patients, and
every section plugin screens declare: schedule, billing, staff…) is a Textual *mode* with its
own screen stack, so switching away and back finds the section as it was left, cursor and
all. :class:`~medoffice.tui.plugin_boundary.PluginBoundary`
keeps a failing plugin from taking it down. The screens live one per module in
:mod:`medoffice.tui.screens`, and all data work goes through
:class:`~medoffice.tui.host.AppScreenHost`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.await_complete import AwaitComplete
from textual.command import CommandPalette
from textual.screen import Screen
from textual.binding import Binding, BindingType

from medoffice.core.text import printable
from medoffice.ui._textual_private import ExceptionHook, mode_names, style_before_showing

from .commands import DeskCommandPalette, MedofficeCommands
from .contributions import Contributions, import_object, may_see
from .host import AppScreenHost
from .idle import CHECK_EVERY_SECONDS, IdleTimer, idle_lock_minutes
from .keys import check_keymap, key_label, screen_keys
from .practice import PracticeLoader
from .screens.help import HelpScreen, key_rows
from .screens.navigation import NavigationScreen
from .plugin_boundary import PluginBoundary
from .screens.plugin_host import PluginErrorScreen, build_plugin_screen
from .screens.signin import SignInScreen
from .styles import read_styles
from .typeahead import TypeAhead
from .unsaved import DiscardChanges, TypedFields, ask_before_closing, screens_with_unsaved_changes

if TYPE_CHECKING:
    from medoffice.core.records import ActionContribution, PatientRecord, UserRecord
    from medoffice.core.runtime import Runtime
    from medoffice.core.services.patients import Registration

    from .screens.patients import PatientSearchScreen

SIGNED_OUT = "signed-out"
"""The mode (screen stack) of the sign-in screen; nothing of a user's work is in it."""
PATIENTS = "patients"
"""The patient search's section; a plugin screen with ``section="patients"`` joins its stack."""
TODAY = "today"
"""The section of a home screen that declared the patients section itself."""

PASSING_SCREENS = (CommandPalette, HelpScreen, NavigationScreen)
"""Screens of the moment, not of a section: the palette, the keys (F1), the screen list (F4).

Any other screen or section the user opens closes them first, so none is ever left behind on
a section's stack (a palette left there made the next Ctrl+P end the app: two palettes).
"""

SIGNED_IN_ACTIONS = frozenset({
    "find_patient", "register_patient", "screens", "lock", "sign_out", "back", "command_palette",
})
"""Actions that need a signed-in user and an unlocked screen."""


class MedofficeApp(PluginBoundary, ExceptionHook):
    """The medoffice terminal UI.

    Args:
        runtime: the open practice; None to open it with ``open_practice`` while the
            sign-in screen is up (``medoffice tui`` does: :mod:`medoffice.tui.practice`).
        user: start signed in as this user (the test kit does); None shows the sign-in screen.
        open_practice: opens the practice, in a thread worker, when ``runtime`` is None.

    .. versionchanged:: 1 ``open_practice``: the sign-in screen shows before the practice is open.
    """

    TITLE = "medoffice"
    CSS_PATH: ClassVar = ["app.tcss", *(f"screens/{name}.tcss" for name in (
        "signin", "lock", "help", "navigation", "patients", "patient_card", "patient_form", "patient_merge",
        "plugin_host"))]
    """The shell's styles and every core screen's (each ``.tcss`` beside its screen), parsed
    once at start: a screen with a ``CSS_PATH`` of its own makes Textual re-parse the whole
    stylesheet the first time it is shown (docs/performance.md, "Terminal UI")."""
    MODES: ClassVar = {SIGNED_OUT: Screen}
    DEFAULT_MODE = SIGNED_OUT
    COMMANDS: ClassVar = {MedofficeCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="app.back"),
        Binding("f1", "help", "Help", key_display="F1", id="app.help"),
        Binding("question_mark", "help", "Help", key_display="?", show=False),
        Binding("f2", "find_patient", "Find", key_display="F2", id="app.find_patient"),
        Binding("f3", "register_patient", "Register", key_display="F3", id="app.register_patient"),
        Binding("f4", "screens", "Screens", key_display="F4", id="app.screens"),
        Binding("ctrl+l", "lock", "Lock", id="app.lock"),
        Binding("f9", "sign_out", "Sign out", key_display="F9", show=False, id="app.sign_out"),  # F1, Ctrl+P list it
    ]

    FOOTER_LEAVES_OUT_WHEN_CROWDED: ClassVar = frozenset({"app.find_patient", "app.register_patient", "app.screens",
                                                         "app.lock"})
    """The shell's keys a crowded footer leaves to the help screen (F1, "Help", stays):
    :mod:`medoffice.ui.footer`."""

    def __init__(self, runtime: Runtime | None = None, *, user: UserRecord | None = None,
                 open_practice: Callable[[], Runtime] | None = None) -> None:
        super().__init__()
        if runtime is not None:
            self.practice = PracticeLoader.opened(runtime)
        elif open_practice is not None:
            self.practice = PracticeLoader(open_practice)
        else:
            raise TypeError("MedofficeApp needs the open practice or open_practice")
        self.runtime: Runtime = runtime  # type: ignore[assignment] - set before anyone signs in
        self.user = user
        self.locked = False
        self.ui_thread = threading.get_ident()
        self.host = AppScreenHost(self)
        self.typeahead = TypeAhead(self)
        """Holds the keys typed while the screen shown is not ready for them (tui/typeahead.py)."""
        self.typed_fields = TypedFields()
        """What the user typed in the fields of screens that do not say whether they hold
        unsaved work (tui/unsaved.py): the section keys ask before closing them."""
        self.contributions = Contributions()
        self.idle = IdleTimer(idle_lock_minutes({}))
        self.practice_keymap: dict[str, str] = {}
        self.screen_keys: dict[str, str] = {}
        """Plugin screen id -> the F-key that opens it from anywhere."""
        self.start_error: BaseException | None = None
        """Why the practice could not be opened (the app then ends; :func:`~medoffice.tui.run_tui` raises it)."""
        self.home: Screen | None = None
        """The screen the user lands on: the "today" board a plugin offers, else the search."""
        self.home_mode = PATIENTS
        self.search: PatientSearchScreen | None = None
        self._passing_closed: list[AwaitComplete] = []
        """Passing screens closed and maybe still being taken out of the app."""
        if runtime is not None:
            self._take_practice(runtime, Contributions.gather(runtime.plugins.hooks))

    def _take_practice(self, runtime: Runtime, contributions: Contributions) -> None:
        """What the app keeps of the open practice: its plugins' contributions, the idle
        lock and the keys the practice configured."""
        self.runtime = runtime
        self.contributions = contributions
        self.idle = IdleTimer(idle_lock_minutes(runtime.settings.options))
        self.practice_keymap = check_keymap(runtime.settings.options, runtime.plugins.active_ids)
        self.screen_keys = screen_keys(self.contributions.screens, self.practice_keymap)

    # -- start, sign in, sign out ------------------------------------------------------------

    def on_mount(self) -> None:
        self.ui_thread = threading.get_ident()
        self.set_interval(CHECK_EVERY_SECONDS, self.lock_if_idle)
        if self.user is not None:
            self._signed_in(self.user)
        else:
            self._show_sign_in()
        if self.practice.loaded:
            self._practice_shown()
        else:  # once the sign-in screen is painted: the worker would slow its first frame
            self.call_after_refresh(self.run_worker, self._open_practice, name="open practice", group="practice",
                                    thread=True, exit_on_error=False)

    def _open_practice(self) -> None:
        """Open the practice and import the screens a signed-in user needs, in a worker,
        while the sign-in screen is up; the password check waits for it."""
        try:
            runtime = self.practice.open()
            contributions = Contributions.gather(runtime.plugins.hooks)
            _import_screens()
            homes = self._home_screens(contributions)
        except BaseException as exc:  # noqa: BLE001 - the app ends with it, the command says it in one line
            self.practice.failed(exc)
            self._on_ui_thread(self._practice_failed, exc)
            return
        self._on_ui_thread(self._practice_opened, runtime, contributions, homes)
        self.practice.ready(runtime)  # after the app took it in: the password check goes on from here

    def _on_ui_thread(self, callback: Callable[..., object], *args: Any) -> None:
        """Run ``callback`` on the UI thread and wait for it; nothing if the app ended meanwhile
        (the desk quit while the practice was being opened)."""
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:
            if self.is_running:
                raise

    def _practice_opened(self, runtime: Runtime, contributions: Contributions, homes: list[type[Screen]]) -> None:
        self._take_practice(runtime, contributions)
        self._practice_shown()
        for screen_class in homes:  # before the password is checked: showing the home re-parses nothing
            read_styles(self.stylesheet, screen_class, self)
        self._homes_ready = True

    def _practice_shown(self) -> None:
        if self.practice_keymap:
            self.set_keymap(self.practice_keymap)
        for problem in self.contributions.problems:
            self.show_error(problem)

    def _practice_failed(self, error: BaseException) -> None:
        """The practice cannot be opened (none there yet, an old schema, a bad config): end
        the app; ``medoffice tui`` prints the reason in one line."""
        self.start_error = error
        self.exit()

    def _show_sign_in(self) -> None:
        self.push_screen(SignInScreen(self.practice, self.title, while_checking=self._ready_homes), self._signed_in)

    _homes_ready = False

    @staticmethod
    def _home_screens(contributions: Contributions) -> list[type[Screen]]:
        """The screen classes that may become the home (imported here; one that fails to
        import is skipped, and reported, naming its plugin, when it is opened)."""
        found = []
        for _plugin_id, contribution in contributions.screens:
            if not contribution.home:
                continue
            try:
                screen_class = import_object(contribution.screen)
            except Exception:  # noqa: BLE001 - reported by build_plugin_screen when opened
                continue
            if isinstance(screen_class, type) and issubclass(screen_class, Screen):
                found.append(screen_class)
        return found

    def _ready_homes(self) -> None:
        """Import the screens that may become the home and read their styles, while the
        password is being checked (when the practice was opened in a worker, that worker
        did it already).

        The check (argon2) runs in a thread and leaves the interpreter free, so this costs the
        user no time; otherwise showing the home after sign-in would wait for its import and
        for Textual to re-parse the whole stylesheet with its styles in (docs/performance.md,
        "Terminal UI"). Nothing of anyone's data is read, and which home the user gets is
        still decided by their permissions once they are signed in.
        """
        if self._homes_ready or not self.practice.loaded:
            return
        self._homes_ready = True
        for screen_class in self._home_screens(self.contributions):
            read_styles(self.stylesheet, screen_class, self)

    def _signed_in(self, user: UserRecord | None) -> None:
        if user is None:
            return
        self.user = user
        self.locked = False
        self.sub_title = user.full_name
        self.idle.touch()
        self._open_sections(user)  # showing the home refreshes the keys shown

    def _open_sections(self, user: UserRecord) -> None:
        """The patients section, and the home: the "today" screen a plugin offers, if any.

        Only the home is built now; the patient search is built the first time its section
        is shown (F2), so signing in costs one screen, not two.
        """
        self.add_mode(PATIENTS, self._build_search)
        self.home_mode = PATIENTS
        offered = self.contributions.home_for(user)
        if offered is not None:
            plugin_id, contribution = offered
            board = build_plugin_screen(plugin_id, contribution, self.host.for_plugin(plugin_id))
            if isinstance(board, PluginErrorScreen):  # the patient search stays home
                self.show_error(board.message)
            else:
                board.medoffice_screen_id = contribution.id
                self.home_mode = contribution.section if contribution.section != PATIENTS else TODAY
                self.add_mode(self.home_mode, lambda: board)
                self.home = board
                self._style_before_showing(board)
        self.switch_mode(self.home_mode)

    def _style_before_showing(self, screen: Screen) -> None:
        """Read ``screen``'s own styles now, so that showing it as a new section restyles once.

        Textual restyles the whole app when a mode's first screen is made and again when the
        mode is switched to, because the new screen has not been styled yet
        (``_css_update_count``); its own nodes are styled when they mount anyway, and the only
        other screen is the sign-in screen being left.
        """
        style_before_showing(self, screen)

    def _build_search(self) -> PatientSearchScreen:
        """The patients section's first screen, made when the section is first shown."""
        from .screens.patients import PatientSearchScreen

        search = self.search = PatientSearchScreen(self.host)
        if self.home_mode == PATIENTS:
            self.home = search
        return search

    async def action_sign_out(self) -> None:
        """Forget the user and every screen they had open; back to the sign-in screen. When a
        form in any section holds typed work, ask first."""
        if self.user is not None and not self.locked:
            unsaved = screens_with_unsaved_changes(self, self._sections())
            if unsaved:
                self.push_screen(DiscardChanges("Sign out and discard the changes? y/n"), self._sign_out_if)
                return
        await self._sign_out()

    async def _sign_out_if(self, discard: bool | None) -> None:
        if discard:
            await self._sign_out()

    async def _sign_out(self) -> None:
        self.user = None
        self.locked = False
        self.home = self.search = None
        self.sub_title = ""
        await self.switch_mode(SIGNED_OUT)
        for mode in [m for m in mode_names(self) if m != SIGNED_OUT]:
            await self.remove_mode(mode)
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        self._show_sign_in()

    # -- sections ----------------------------------------------------------------------------

    def close_passing_screens(self) -> None:
        """Close the palette, the keys or the screen list if they are on top of this section."""
        while len(self.screen_stack) > 1 and isinstance(self.screen, PASSING_SCREENS):
            self._passing_closed.append(super().pop_screen())

    def push_screen(self, screen: Screen | str, callback: Callable[[Any], object] | None = None,
                    wait_for_dismiss: bool = False, *, mode: str | None = None) -> Any:
        """Show ``screen`` on top of the section, closing the passing screens first
        (:data:`PASSING_SCREENS`): help opened from the palette replaces it."""
        if mode is None or mode == self.current_mode:
            self.close_passing_screens()
        return super().push_screen(screen, callback, wait_for_dismiss, mode=mode)

    def switch_mode(self, mode: str) -> Any:
        """Show section ``mode``; a passing screen on the section left is closed, not kept."""
        if mode != self.current_mode:
            self.close_passing_screens()
        return super().switch_mode(mode)

    async def action_command_palette(self) -> None:
        """Open the palette on the screen shown (never a second one: Textual gives each the
        same id, and a duplicate id ends the app)."""
        if not self.use_command_palette or CommandPalette.is_open(self):
            return
        self.close_passing_screens()
        closing, self._passing_closed = self._passing_closed, []
        for closed in closing:
            await closed  # a palette closed just now may still be leaving the app
        self.push_screen(DeskCommandPalette(id="--command-palette"))

    def pop_screen(self) -> AwaitComplete:
        """Close the current screen; closing the first screen of a section goes home.

        A plugin section is forgotten when its first screen closes; the patients section is
        kept. The home's first screen never closes.
        """
        if len(self.screen_stack) > 1 or self.current_mode == SIGNED_OUT:
            return super().pop_screen()
        mode = self.current_mode
        if mode == self.home_mode:
            return AwaitComplete.nothing()
        self.switch_mode(self.home_mode)
        if mode == PATIENTS:
            return AwaitComplete.nothing()
        return self.remove_mode(mode)

    def replaced_first_screen(self, failed: Screen, error: Screen) -> None:
        """A home board that failed leaves its error screen as the home (F2 still works)."""
        error.medoffice_screen_id = getattr(failed, "medoffice_screen_id", None)
        if failed is self.home:
            self.home = error

    def show_section(self, section: str, screen_id: str, build: Callable[[], Screen]) -> None:
        """Show ``screen_id`` in ``section``'s own stack.

        Switching to another section finds it as it was left: the screen is shown where it
        already is in that stack, else ``build()`` makes it and it goes on top. In the
        section already shown, the screen is brought back if it is under the top and left
        alone if it is the top (its key pressed again, F5 on the day board, opens no second
        copy); otherwise a new one goes on top.

        Args:
            section: the section (the Textual mode) the screen belongs to.
            screen_id: the contribution's id.
            build: makes the screen.
        """
        if section not in mode_names(self):
            screen = build()
            screen.medoffice_screen_id = screen_id
            self.add_mode(section, lambda: screen)
            self.switch_mode(section)
            return
        try:
            stack = self.get_screen_stack(section)
        except KeyError:  # added but never shown yet
            stack = []
        mine = [s for s in stack if getattr(s, "medoffice_screen_id", None) == screen_id]
        if section != self.current_mode:
            self.switch_mode(section)
            if mine:
                return
        elif mine:
            target = mine[-1]
            if target is not self.screen:  # closes what is above it: ask if that is typed work
                above = stack[stack.index(target) + 1:]
                ask_before_closing(self, above, target.pop_until_active)
            return
        screen = build()
        screen.medoffice_screen_id = screen_id
        self.push_screen(screen)

    def on_resize(self, event: events.Resize) -> None:
        """Fit the footer to the new width (:mod:`medoffice.ui.footer`)."""
        self.screen.refresh_bindings()

    # -- locking -----------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self.idle.touch()
        if isinstance(event, events.Key) and not event.is_forwarded and not self.typeahead.admit(event):
            return  # typed ahead: handed on when the screen is ready for it
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded and self.user is not None \
                and not self.locked and len(self.screen_stack) > 0:
            self.typed_fields.key_for(self.screen)  # before the key changes a field
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
        from .screens.lock import LockScreen

        self.push_screen(LockScreen(self.runtime, self.user), self._unlocked)
        self.refresh_bindings()

    async def _unlocked(self, user: UserRecord | None) -> None:
        self.locked = False
        if user is None:  # F9 on the lock screen: someone else needs the terminal
            await self._sign_out()
            return
        self.user = user
        self.idle.touch()
        self.refresh_bindings()

    # -- navigation --------------------------------------------------------------------------

    def asking(self) -> bool:
        """Whether the discard question is up: no section key works until it is answered."""
        return bool(self.screen_stack) and isinstance(self.screen, DiscardChanges)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SIGNED_IN_ACTIONS:
            if self.user is None or self.locked or (self.asking() and action != "lock"):
                return False
            if action == "register_patient":
                return may_see(self.user, "patients.write")
            if action == "back":
                return len(self.screen_stack) > 1 or self.current_mode != self.home_mode
        return True

    async def action_find_patient(self) -> None:
        """The patients section's search, ready to type, from anywhere. A form on the
        section's stack above the search holds typed work: it is shown, and the question
        asked over it, before it is closed."""
        if self.user is None or self.asking():
            return
        await self.switch_mode(PATIENTS)
        search = self.search
        if search is None:
            return
        stack = self.screen_stack
        above = stack[stack.index(search) + 1:] if search in stack else []
        going = ask_before_closing(self, above, self._back_to_search)
        if going is not None:
            await going

    async def _back_to_search(self) -> None:
        search = self.search
        if search is None:
            return
        while self.screen is not search and search in self.screen_stack:
            await self.pop_screen()
        search.focus_query()

    def action_register_patient(self) -> None:
        """Open an empty registration form."""
        if may_see(self.user, "patients.write"):
            from .screens.patient_form import PatientFormScreen

            self.push_screen(PatientFormScreen(self.host), self._registered)

    def _registered(self, registration: PatientRecord | Registration | None) -> None:
        from medoffice.core.services.patients import Registration

        if not isinstance(registration, Registration):
            return
        patient = registration.patient
        self.notify(f"Registered {printable(patient.display_name)}, MRN {patient.mrn}.", markup=False)
        if registration.possible_duplicates:
            self.notify("This patient may already be registered: see the card.", severity="warning",
                        markup=False)
        self.push_patient_card(patient.mrn, duplicates=registration.possible_duplicates)

    def open_patient(self, patient: PatientRecord) -> None:
        """Open ``patient``'s card (the :class:`~medoffice.core.ui.ScreenHost` contract)."""
        self.push_patient_card(patient.mrn)

    def push_patient_card(self, mrn: str, *, duplicates: tuple[PatientRecord, ...] = ()) -> None:
        """Open the card of the patient with ``mrn``, with the panels the user may see."""
        from .screens.patient_card import PatientCardScreen

        self.push_screen(PatientCardScreen(self.host, self.contributions.panels_for(self.user), mrn,
                                           duplicates=duplicates))

    def action_back(self) -> None:
        """Close the current screen (screens with their own Escape handle it first)."""
        if self.check_action("back", ()):
            self.pop_screen()

    def action_screens(self) -> None:
        """List the plugin screens the user may open."""
        self.push_screen(NavigationScreen(self.contributions.screens_for(self.user), self.screen_keys),
                         self._screen_chosen)

    def _screen_chosen(self, screen_id: str | None) -> None:
        if screen_id:
            self.open_plugin_screen(screen_id)

    def open_plugin_screen(self, screen_id: str) -> None:
        """Open a plugin's screen by id, or an error screen naming the plugin if it fails.
        Nothing happens while the discard question is up."""
        if self.asking():
            return
        found = self.contributions.screen(screen_id)
        if found is None or not may_see(self.user, found[1].permission):
            self.show_error(f"no screen {screen_id!r} for you")
            return
        plugin_id, contribution = found
        section = self.home_mode if contribution.home and self.home_mode != PATIENTS else contribution.section
        self.show_section(section, screen_id,
                          lambda: build_plugin_screen(plugin_id, contribution, self.host.for_plugin(plugin_id)))

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
        if self.user is None or self.locked or self.asking():
            return
        for _, screen in self.contributions.screens_for(self.user):
            if self.screen_keys.get(screen.id) == event.key:
                event.stop()
                self.open_plugin_screen(screen.id)
                return

    def action_help(self) -> None:
        """Show every key that works here now (:func:`~.screens.help.key_rows`), and the
        plugin screens' keys."""
        if isinstance(self.screen, HelpScreen):
            return
        rows = key_rows(self.screen)
        if self.user is not None and not self.locked:
            rows += [(key_label(k), f"Open {s.title}") for _, s in self.contributions.screens_for(self.user)
                     if (k := self.screen_keys.get(s.id))]
        self.push_screen(HelpScreen(rows))

    def _sections(self) -> set[str]:
        """Every section that may have a stack."""
        return {SIGNED_OUT, PATIENTS, TODAY, self.home_mode, self.current_mode,
                *(s.section for _, s in self.contributions.screens)}

    def action_quit(self) -> None:
        """Ctrl+Q: quit; when a form holds typed work, ask first (:mod:`.unsaved`)."""
        if self.asking():
            return  # already asking
        if not screens_with_unsaved_changes(self, self._sections()):
            self.exit()
            return
        self.push_screen(DiscardChanges("Quit and discard the changes? y/n"),
                         lambda discard: self.exit() if discard else None)

    # -- errors ------------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        """Show a one-line error the way every error is shown."""
        self.notify(message, severity="error", markup=False, timeout=10)


def _import_screens() -> None:
    """Import the core's screens a signed-in user opens (and, with them, the services they
    call), so that opening the first of them imports nothing."""
    from .screens import lock, patient_card, patient_form, patients  # noqa: F401
