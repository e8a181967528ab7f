"""What a plugin's TUI screen or panel may ask of the application hosting it.

Plugins cannot import the TUI app (layers run core <- plugins <- tui), so the app hands each
contributed screen, panel and palette action a :class:`ScreenHost`. Database work goes through
:meth:`ScreenHost.call`, which runs a service function in a unit of work as the signed-in user,
off the UI thread when awaited from a worker. Nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from .records import PatientRecord, UserRecord

T = TypeVar("T")


class Watch(Protocol):
    """What :meth:`ScreenHost.watch` returns: a subscription to stop when the screen goes."""

    def stop(self) -> None:
        """Stop calling back (idempotent; the app stops it too when its owner is removed)."""

    def caught_up(self) -> None:
        """Say that the owner has just read its data again by itself (in ``on_screen_resume``,
        after its own step): a change held for it while it was covered is dropped instead of
        calling back once more when it is shown.

        .. versionadded:: 1 (hook API version 1)
        """


@runtime_checkable
class ScreenHost(Protocol):
    """The TUI's side of the contract with plugin screens.

    Attributes:
        user: the signed-in user (check ``user.can(...)`` to hide what they may not do).
    """

    user: UserRecord

    def call(self, fn: Callable[..., T], *args: Any, write: bool = True, **kwargs: Any) -> T:
        """Run ``fn(ctx, *args, **kwargs)`` in one unit of work as the signed-in user and
        return its result. Blocking: call it from a Textual worker (``@work(thread=True)``)."""

    def notify_error(self, error: BaseException) -> None:
        """Show an error the way the app shows every error: one line; a domain error
        (:class:`~medoffice.core.errors.MedofficeError`) as it is, a bug naming the plugin."""

    def open_patient(self, patient: PatientRecord) -> None:
        """Open the patient card for ``patient``."""

    def push_screen(self, screen: Any, callback: Callable[[Any], object] | None = None) -> None:
        """Show ``screen`` (a ``textual.screen.Screen`` the plugin built: a modal, the next
        step of a flow) on top, as the plugin's: a failure in it is contained like one in the
        plugin's contributed screens. ``callback`` gets what the screen dismisses with.
        Safe from any thread."""

    def watch(self, owner: Any, topics: Iterable[str], callback: Callable[[], object]) -> Watch:
        """Call ``callback()`` on the UI thread soon (about a second) after any terminal
        committed a change to one of ``topics`` (``"scheduling.appointments"``; a topic also
        matches those under it), so that ``owner`` (the screen or panel showing the data) can
        reload without a key press.

        Services announce their topics with ``ctx.changed(...)``. On SQLite every commit wakes
        every watcher (the database cannot say what changed): reloading must be cheap. The
        callback runs at most once per poll, and only while ``owner`` is on the screen on top:
        a change while a dialog or another screen covers it is delivered once when it is
        shown again, so a reload never happens under the user's typing. Subscribe in
        ``on_mount``; stop the watch in ``on_unmount``."""

    def screen_key(self, screen_id: str) -> str | None:
        """The key that opens the plugin screen ``screen_id`` from anywhere (``"F6"``, as
        hints print it), or None if it has none: the practice may have moved it from the key
        the plugin asked for, so hints should ask rather than hard-code it."""
