"""Running ``medoffice …`` inside a test, against one practice, as one user."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs


@attrs.frozen
class CliResult:
    """What a command did.

    Attributes:
        exit_code: 0 success, 1 a domain error, 2 a usage error, 3 an internal error.
        stdout: what it printed for the user (or the script reading ``--json``).
        stderr: its warnings and its one-line ``error: …``.
        output: both, interleaved as a terminal would show them.
        exception: the exception behind a non-zero exit (usually ``SystemExit``), if any.
    """

    exit_code: int
    stdout: str
    stderr: str
    output: str = ""
    exception: BaseException | None = attrs.field(default=None, eq=False, repr=False)

    def json(self) -> Any:
        """``stdout`` parsed as JSON (run the command with ``--json``).

        Raises:
            AssertionError: stdout is not JSON; the message shows both streams.
        """
        try:
            return json.loads(self.stdout)
        except ValueError:
            raise AssertionError(
                f"stdout is not JSON (exit code {self.exit_code}).\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}"
            ) from None


def run_cli(
    database_url: str,
    args: Sequence[str],
    *,
    user: str | None,
    password: str | None,
    candidates: Sequence[Any] | None = None,
    input: str | bytes | None = None,
    env: Mapping[str, str | None] | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> CliResult:
    """Run the ``medoffice`` command through click's ``CliRunner``.

    Args:
        database_url: passed as ``--db``.
        args: the rest of the command line.
        user: ``MEDOFFICE_USER``; None leaves it unset.
        password: ``MEDOFFICE_PASSWORD``; None leaves it unset.
        candidates: the plugins the command sees (in-memory ones included); None discovers
            the installed ones as the real command does.
        input: what the user types on stdin.
        env: more environment variables (None as a value unsets one).
        clock: the practice's clock for this command (aware UTC datetimes); None is the real one.

    Exceptions that escape the command (bugs the CLI did not turn into an exit code) are
    raised in the test rather than hidden in the result.
    """
    from click.testing import CliRunner

    from medoffice.core.cli import AppState, cli

    environment: dict[str, str | None] = {"MEDOFFICE_USER": user, "MEDOFFICE_PASSWORD": password, "MEDOFFICE_DB": None}
    environment.update(env or {})
    # The URL goes in the state too, where the root group looks for it when listing commands.
    state = AppState(database_url=database_url, candidates=list(candidates) if candidates is not None else None,
                     clock=clock)
    result = CliRunner().invoke(cli, ["--db", database_url, *args], input=input, env=environment,
                                catch_exceptions=False, obj=state)
    return CliResult(result.exit_code, result.stdout, result.stderr, result.output, result.exception)
