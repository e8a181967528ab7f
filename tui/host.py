"""The app's side of :class:`medoffice.core.ui.ScreenHost`: what screens may ask of the shell.

Every screen, the core's included, reaches the database only through :meth:`AppScreenHost.call`,
which opens one unit of work as the signed-in user; the TUI never holds a session or writes
SQL. Each plugin gets its own host (:meth:`AppScreenHost.for_plugin`) so that any error it
reports is shown with its plugin's name.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from medoffice.core.errors import AuthenticationError, MedofficeError, PluginError
from medoffice.core.text import printable

if TYPE_CHECKING:
    from medoffice.core.records import PatientRecord, UserRecord
    from medoffice.core.runtime import Runtime
    from medoffice.core.ui import Watch

    from .live import ChangePoller

T = TypeVar("T")
log = logging.getLogger("medoffice.tui")

MAX_MESSAGE = 240


class HostingApp(Protocol):
    """What the host needs from the app (the app itself, in practice)."""

    runtime: Runtime
    user: UserRecord | None
    ui_thread: int
    screen_keys: dict[str, str]

    def show_error(self, message: str) -> None: ...

    def open_patient(self, patient: PatientRecord) -> None: ...

    def push_screen(self, screen: Any, callback: Callable[[Any], object] | None = None) -> Any: ...

    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...


def one_line(error: BaseException, plugin_id: str | None = None, *, failed: bool = False) -> str:
    """An error as the one line the user sees.

    A :class:`MedofficeError` is the user's to act on (a slot taken, a bad date) and is shown as
    it is, whoever raised it: the desk has no use for the name of the plugin behind the screen.
    Anything else is a bug, shown by type so the practice can report it, and names the plugin
    it came from, as does a :class:`PluginError` (a plugin that failed) and any error that made
    a plugin's screen or panel fail (``failed``): the practice must know whom to call.

    Args:
        error: what was raised.
        plugin_id: the plugin the error came from, if known.
        failed: the error took a plugin's screen, panel or action down (containment), so the
            plugin is named even for a domain error.
    """
    domain = isinstance(error, MedofficeError)
    text = str(error) if domain else f"unexpected {type(error).__name__}: {error}".rstrip(": ")
    names_itself = isinstance(error, PluginError) and error.plugin_id == plugin_id
    if plugin_id and not names_itself and (failed or not domain):
        text = f"plugin {plugin_id!r}: {text}"
    text = printable(" ".join(text.split()))  # a name in a message cannot act on the terminal
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


class _Live:
    """The app's change poller, shared by the app's host and every host made from it (one
    poller per app whichever screen asks), made by the first :meth:`AppScreenHost.watch`."""

    poller: ChangePoller | None = None


class AppScreenHost:
    """A :class:`~medoffice.core.ui.ScreenHost` bound to the app, and optionally to a plugin.

    Args:
        app: the running app.
        plugin_id: the plugin this host is handed to, or None for the core's own screens.
    """

    def __init__(self, app: HostingApp, plugin_id: str | None = None, *, live: _Live | None = None) -> None:
        self._app = app
        self.plugin_id = plugin_id
        self._live = live or _Live()

    @property
    def user(self) -> UserRecord:
        """The signed-in user; read on every use, so a screen never acts as a stale user."""
        user = self._app.user
        if user is None:
            raise AuthenticationError("nobody is signed in")
        return user

    @property
    def runtime(self) -> Runtime:
        return self._app.runtime

    def for_plugin(self, plugin_id: str) -> AppScreenHost:
        """A host for ``plugin_id``'s screens, panels and actions."""
        return AppScreenHost(self._app, plugin_id, live=self._live)

    def call(self, fn: Callable[..., T], *args: Any, write: bool = True, **kwargs: Any) -> T:
        """Run ``fn(ctx, *args, **kwargs)`` in one unit of work as the signed-in user.

        Blocking: call it from a thread worker. Commits when ``fn`` returns, rolls back
        everything when it raises (and re-raises). Keys typed on the worker's screen meanwhile
        wait until the worker ends (:mod:`medoffice.tui.typeahead`).

        Args:
            fn: a service function taking a :class:`~medoffice.core.context.Context` first.
            write: False opens a read-only unit of work (searches, lists).
        """
        typeahead = getattr(self._app, "typeahead", None)
        with typeahead.loading() if typeahead is not None else nullcontext():
            with self._app.runtime.operation(self.user, write=write) as ctx:
                return fn(ctx, *args, **kwargs)

    def notify_error(self, error: BaseException) -> None:
        """Show ``error`` as one line (:func:`one_line`: a domain error as it is, a bug naming
        the plugin); safe from any thread."""
        if not isinstance(error, MedofficeError):
            log.error("unexpected error%s", f" in plugin {self.plugin_id!r}" if self.plugin_id else "",
                      exc_info=error)
        self._on_ui(self._app.show_error, one_line(error, self.plugin_id))

    def open_patient(self, patient: PatientRecord) -> None:
        """Open ``patient``'s card (which audits the opening); safe from any thread."""
        self._on_ui(self._app.open_patient, patient)

    def push_screen(self, screen: Any, callback: Callable[[Any], object] | None = None) -> None:
        """Show a screen the plugin built on top, tagged as the plugin's so that its failures
        are contained like those of its contributed screens; safe from any thread.

        Args:
            screen: a ``textual.screen.Screen`` (a modal, a step of a flow).
            callback: called with the value the screen is dismissed with.
        """
        if self.plugin_id is not None:
            from .containment import tag  # Textual: imported only once the app runs

            tag(screen, self.plugin_id, str(getattr(screen, "title", None) or type(screen).__name__))
        self._on_ui(self._app.push_screen, screen, callback)

    @property
    def changes(self) -> ChangePoller | None:
        """The app's change poller, None until a screen first watches."""
        return self._live.poller

    def watch(self, owner: Any, topics: Iterable[str], callback: Callable[[], object]) -> Watch:
        """Call ``callback()`` on the UI thread when any terminal committed a change to one of
        ``topics``, while ``owner`` is on the screen on top (later, once, if it is covered).

        One poller per app serves every host (:mod:`medoffice.tui.live`); it is made on the
        first watch, so an app whose screens watch nothing never opens the feed.

        Args:
            owner: the screen or panel that shows the data; the callback runs in its message
                queue, so its failure is contained like its other handlers'.
            topics: ``"scheduling.appointments"``…; a topic also matches those under it.
            callback: reloads the data (starts a worker; it must not block).
        """
        from .live import ChangePoller

        poller = self._live.poller
        if poller is None:
            runtime = self._app.runtime

            def open_feed() -> Any:
                from medoffice.core.storage.changes import open_feed

                return open_feed(runtime.engine)

            poller = self._live.poller = ChangePoller(self._app, open_feed)  # type: ignore[arg-type]
        return poller.watch(owner, topics, callback)

    def screen_key(self, screen_id: str) -> str | None:
        """The F-key of the plugin screen ``screen_id`` as hints print it, or None."""
        from .keys import key_label

        key = self._app.screen_keys.get(screen_id)
        return key_label(key) if key else None

    def _on_ui(self, callback: Callable[..., Any], *args: Any) -> None:
        if threading.get_ident() == self._app.ui_thread:
            callback(*args)
        else:
            self._app.call_from_thread(callback, *args)
