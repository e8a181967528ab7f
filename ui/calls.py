"""Running a service call from a screen, and asking what the signed-in user may do.

Every plugin screen does the same three things around its host (:class:`ScreenHost`): check a
permission to decide what to offer, run a service function off the UI thread, and show a
failure in one line. They were written once per plugin, with different signatures; these are
the one version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widget import Widget
from textual.worker import get_current_worker

from medoffice.core import MedofficeError
from medoffice.core.ui import ScreenHost


def may(host: ScreenHost, permission: str) -> bool:
    """Whether the signed-in user has ``permission`` (False once nobody is signed in)."""
    try:
        return host.user.can(permission)
    except MedofficeError:
        return False


def message_of(error: BaseException) -> str:
    """The one line a person reads for ``error``: a domain error as it is, a bug by its type
    only (the host has logged it, naming the plugin)."""
    return str(error) if isinstance(error, MedofficeError) else f"unexpected {type(error).__name__}"


def run_call(widget: Widget, host: ScreenHost, fn: Callable[..., Any], *args: Any,
             done: Callable[[Any], object], failed: Callable[[BaseException], object] | None = None,
             write: bool = True, notify: bool = True, **kwargs: Any) -> None:
    """In a worker thread: ``host.call(fn, *args, **kwargs)``; then ``done(result)`` on the UI
    thread. On an error the unit of work has rolled back (nothing half-written); the error
    goes to ``failed(error)`` on the UI thread (:func:`message_of` gives its line), and is
    also shown by the host in one line unless ``notify`` is False (a screen that shows a
    domain error next to the field itself; a bug is always shown). Nothing is called back
    once ``widget`` has gone.

    Args:
        widget: the screen or widget the worker belongs to (cancelled with it).
        host: the plugin's host.
        fn: a service function taking the operation's context first.
        done: gets the result, on the UI thread.
        failed: gets the error, on the UI thread.
        write: False for reads.
        notify: also show a domain error as the app's one-line notification.
    """

    def work() -> None:
        worker = get_current_worker()
        try:
            result = host.call(fn, *args, write=write, **kwargs)
        except Exception as exc:  # a domain error is the user's to read; a bug is logged by the host
            if notify or not isinstance(exc, MedofficeError):
                host.notify_error(exc)
            if failed is not None and not worker.is_cancelled:
                widget.app.call_from_thread(failed, exc)
            return
        if not worker.is_cancelled:  # the screen has gone: nothing left to show it on
            widget.app.call_from_thread(done, result)

    module = getattr(fn, "__module__", "") or ""
    widget.run_worker(work, thread=True, exit_on_error=False,
                      group=f"{module.rsplit('.', 1)[-1]}-{getattr(fn, '__name__', 'call')}")
