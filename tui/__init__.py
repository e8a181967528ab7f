"""medoffice's terminal UI: the Textual app that hosts the core's screens and the plugins'.

This package is imported by the ``medoffice`` command line, so it stays light: Textual is
imported only when :func:`run_tui` actually starts the app, and ``medoffice --help`` never
pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medoffice.core.runtime import Runtime

__all__ = ["run_tui"]


def run_tui(runtime: Runtime) -> None:
    """Run the terminal UI on ``runtime`` until the user quits.

    The app starts on the sign-in screen; the caller owns ``runtime`` and closes it after.

    Args:
        runtime: the open practice (see :func:`medoffice.core.runtime.open_runtime`).

    Raises:
        Exception: the bug that ended the app (a plugin's failures are contained and never
            end it), once the terminal is restored; its traceback was not printed.
    """
    from .app import MedofficeApp

    app = MedofficeApp(runtime)
    app.run()
    if app.crashed_with is not None:
        raise app.crashed_with
