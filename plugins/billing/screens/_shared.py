"""What the billing screens share: who may do what, money as people read it, and running one
service call off the UI thread with its error shown in one line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from textual.widget import Widget
from textual.worker import get_current_worker

from medoffice.core import MedofficeError
from medoffice.core.ui import ScreenHost

from ..permissions import CHARGE, CLAIMS, POST, READ

log = logging.getLogger("medoffice.billing.screens")

__all__ = ["CHARGE", "CLAIMS", "POST", "READ", "log", "may", "message_of", "money", "run_call"]


def may(host: ScreenHost, permission: str) -> bool:
    """Whether the signed-in user has ``permission`` (False once nobody is signed in)."""
    try:
        return host.user.can(permission)
    except MedofficeError:
        return False


def money(amount: Decimal) -> str:
    """``$1,234.50``, or ``-$12.00`` for a credit."""
    from ..money import show

    return show(amount)


def message_of(error: BaseException) -> str:
    """The one line a person reads for ``error`` (a bug is named by its type only)."""
    return str(error) if isinstance(error, MedofficeError) else f"unexpected {type(error).__name__}"


def run_call(widget: Widget, host: ScreenHost, fn: Callable[..., Any], *args: Any,
             done: Callable[[Any], object], failed: Callable[[BaseException], object] | None = None,
             write: bool = True, notify: bool = True, **kwargs: Any) -> None:
    """In a worker thread: ``host.call(fn, *args, **kwargs)``; then ``done(result)`` on the UI
    thread. On an error the unit of work has rolled back (nothing half-written); the error
    goes to ``failed(error)`` on the UI thread, and is also shown by the host in one line
    unless ``notify`` is False (a screen that shows it next to the field itself).

    Args:
        widget: the screen or widget the worker belongs to (cancelled with it).
        host: the plugin's host.
        fn: a service function taking the operation's context first.
        done: gets the result, on the UI thread.
        failed: gets the error, on the UI thread.
        write: False for reads.
        notify: also show the error as the app's one-line notification.
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

    widget.run_worker(work, thread=True, exit_on_error=False, group=f"billing-{getattr(fn, '__name__', 'call')}")
