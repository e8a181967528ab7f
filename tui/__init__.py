"""medoffice's terminal UI: the Textual app that hosts the core's screens and the plugins'.

This package is imported by the ``medoffice`` command line, so it stays light: Textual is
imported only when :func:`run_tui` actually starts the app, and ``medoffice --help`` never
pays for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medoffice.core.runtime import Runtime

__all__ = ["run_tui"]


def run_tui(practice: Runtime | Callable[[], Runtime]) -> None:
    """Run the terminal UI until the user quits.

    The app starts on the sign-in screen. Given a function that opens the practice, it shows
    the sign-in screen first and opens the practice in a thread while the user types (so the
    first screen does not wait for SQLAlchemy and the plugins); given the open practice, it
    uses it. Either way the caller owns the practice and closes it after.

    Args:
        practice: the open practice (see :func:`medoffice.core.runtime.open_runtime`), or a
            function, called once in a worker thread, that opens it.

    Raises:
        Exception: why the practice could not be opened (a ``MedofficeError``: no practice
            there, an old schema…), or the bug that ended the app (a plugin's failures are
            contained and never end it), once the terminal is restored; its traceback was
            not printed.

    .. versionchanged:: 1 takes a function that opens the practice.
    """
    from .app import MedofficeApp

    if callable(practice):
        app = MedofficeApp(open_practice=practice)
    else:
        app = MedofficeApp(practice)
    app.run()
    if app.start_error is not None:
        raise app.start_error
    if app.crashed_with is not None:
        raise app.crashed_with
