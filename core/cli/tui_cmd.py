"""``medoffice tui``: open the terminal UI.

The core sits left of the TUI in the layers (core <- plugins <- tui), so it does not import
it: the TUI registers itself under the entry-point group ``medoffice.ui`` and the core looks
it up by name, the same way it finds plugins.

If the UI ends on a bug (a plugin's failures are contained and never end it), the desk sees
one line naming a log file, and the command exits 3; the traceback is in that file, under the
practice's data folder, never on the screen (it may hold patient data, and a receptionist has
no use for it).
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ._app import InternalError, state

if TYPE_CHECKING:
    from ..runtime import Runtime

UI_GROUP = "medoffice.ui"
CRASH_FOLDER = "logs"
"""The folder, in the data folder, that keeps the logs of the UI's crashes."""


def load_ui(name: str = "tui") -> Callable[[Any], None]:
    from ..errors import ConfigurationError

    for ep in entry_points(group=UI_GROUP):
        if ep.name == name:
            return ep.load()
    raise ConfigurationError(f"no user interface {name!r} is installed (entry-point group {UI_GROUP})")


def crash_log_folder() -> Path:
    """Where crash logs go: ``logs`` in the data folder (``MEDOFFICE_HOME/data`` when set,
    else the platform's user data folder; see :func:`medoffice.core.config.home_dirs`)."""
    from ..config import home_dirs

    return home_dirs()[1] / CRASH_FOLDER


def write_crash_log(error: BaseException, *, now: dt.datetime | None = None) -> Path:
    """Write ``error``'s traceback to a new file in :func:`crash_log_folder` and return its path.

    Args:
        error: what ended the UI.
        now: the time in the file's name (default: now, UTC).
    """
    from .. import __version__
    from ..files import private_folder, write_private_new

    moment = now or dt.datetime.now(dt.timezone.utc)
    folder = private_folder(crash_log_folder())  # a traceback may quote a patient's data: 0700, files 0600
    text = "".join(traceback.format_exception(error))
    body = f"medoffice {__version__}, terminal UI, {moment.isoformat()}\n\n{text}"
    for extra in range(100):
        path = folder / f"tui-crash-{moment:%Y%m%d-%H%M%S-%f}{f'-{extra}' if extra else ''}.log"
        try:
            return write_private_new(path, body)
        except FileExistsError:
            continue
    raise FileExistsError(17, "File exists", str(path))


def run_ui(practice: Runtime | Callable[[], Runtime]) -> None:
    """Run the terminal UI on ``practice``; a crash becomes one line naming its log file.

    ``practice`` is the open practice, or a function that opens it: the UI then shows its
    sign-in screen first and calls it in a thread while the user types (the ``medoffice.ui``
    entry point takes either, see :func:`medoffice.tui.run_tui`).

    Raises:
        InternalError: the UI ended on a bug (exit code 3).
        MedofficeError: the UI could not start (a bad ``[keys]`` table, no practice…): one
            line, exit 1.
        Exception: why the practice could not be opened, as any command reports it (a
            database that is not there: one line, exit 1).
    """
    from ..errors import MedofficeError

    opening: list[BaseException] = []
    if callable(practice):
        practice = _noting_failure(practice, opening)
    ui = load_ui()
    try:
        ui(practice)
    except MedofficeError:
        raise
    except Exception as exc:
        if any(exc is failed for failed in opening):
            raise  # not the UI's bug: the command says it in one line, as any command would

        path = write_crash_log(exc)
        raise InternalError(f"the terminal UI stopped on an unexpected {type(exc).__name__}; "
                            f"the details are in {path}") from exc


def _noting_failure(open_practice: Callable[[], Runtime], failures: list[BaseException]) -> Callable[[], Runtime]:
    def opening() -> Runtime:
        try:
            return open_practice()
        except BaseException as exc:
            failures.append(exc)
            raise

    return opening


@click.command("tui")
@click.pass_context
def tui_command(ctx: click.Context) -> None:
    """Open the reception terminal UI (sign in on its first screen)."""
    app = state()
    ctx.call_on_close(app.close)
    run_ui(app.runtime)  # opened in a thread while the sign-in screen is up
