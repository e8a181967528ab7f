"""What a plugin's TUI screen or panel may ask of the application hosting it.

Plugins cannot import the TUI app (layers run core <- plugins <- tui), so the app hands each
contributed screen, panel and palette action a :class:`ScreenHost`. Database work goes through
:meth:`ScreenHost.call`, which runs a service function in a unit of work as the signed-in user,
off the UI thread when awaited from a worker. Nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from .records import PatientRecord, UserRecord

T = TypeVar("T")


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
        """Show an error the way the app shows every error (one line; the plugin named)."""

    def open_patient(self, patient: PatientRecord) -> None:
        """Open the patient card for ``patient``."""

    def push_screen(self, screen: Any, callback: Callable[[Any], object] | None = None) -> None:
        """Show ``screen`` (a ``textual.screen.Screen`` the plugin built: a modal, the next
        step of a flow) on top, as the plugin's: a failure in it is contained like one in the
        plugin's contributed screens. ``callback`` gets what the screen dismisses with.
        Safe from any thread."""

    def screen_key(self, screen_id: str) -> str | None:
        """The key that opens the plugin screen ``screen_id`` from anywhere (``"F6"``, as
        hints print it), or None if it has none: the practice may have moved it from the key
        the plugin asked for, so hints should ask rather than hard-code it."""
