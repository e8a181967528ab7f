"""What every command shares: the open practice, the signed-in user, output and errors.

Commands never open their own database or check passwords: they ask for
:func:`operation`, which signs the user in (``--user``/``MEDOFFICE_USER``, the password from
``MEDOFFICE_PASSWORD`` or a hidden prompt), opens one unit of work and commits it whole.
Plugin commands use the same helpers (``from medoffice.core.cli import operation, emit``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import attrs
import click

from ..files import OutputFile, OutputFiles
from ..text import is_control, one_line, printable

if TYPE_CHECKING:
    from ..context import Context
    from ..records import UserRecord
    from ..runtime import Runtime

EXIT_OK, EXIT_DOMAIN, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class DomainError(click.ClickException):
    """A :class:`~medoffice.core.errors.MedofficeError` on its way to the terminal: one line on
    stderr, exit code 1. Whatever the message holds (a value typed with a newline, a name
    with an escape sequence), it is printed as one line, the characters of
    :mod:`medoffice.core.text` escaped (``\\n``, ``\\x1b``)."""

    exit_code = EXIT_DOMAIN

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {one_line(self.message)}", err=True)


def one_line_message(error: click.ClickException) -> click.ClickException:
    """``error`` with its message made one line (click's usage errors quote what was typed)."""
    error.message = one_line(error.message)
    return error


class InternalError(DomainError):
    """A bug. One line and exit code 3; ``--debug`` shows the traceback instead."""

    exit_code = EXIT_INTERNAL


@attrs.define
class AppState:
    """Per-invocation state on the root click context (``ctx.obj``)."""

    database_url: str | None = None
    username: str | None = None
    debug: bool = False
    candidates: list[Any] | None = None
    """Plugins to use instead of the installed ones (the test kit passes in-memory plugins)."""
    clock: Any = None
    """The practice's clock instead of the real one (the test kit fixes it for a command)."""
    _runtime: Runtime | None = None
    _user: UserRecord | None = None
    _old_schema_allowed: bool = False
    _schema_checked: bool = False

    def runtime(self, *, need_practice: bool = True, need_current_schema: bool = True) -> Runtime:
        """The practice this command works on, opened once per invocation.

        Args:
            need_practice: refuse a database with no practice yet (all but ``init``, ``demo``).
            need_current_schema: refuse a practice whose database predates this medoffice
                (all but ``db upgrade``, ``db status`` and ``demo``, which upgrades its own).
        """
        from ..errors import ConfigurationError
        from ..runtime import open_runtime
        from ..storage.schema_version import core_behind

        if self._runtime is None:
            extra = {"clock": self.clock} if self.clock is not None else {}
            self._runtime = open_runtime(self.database_url, candidates=self.candidates, **extra)
            command = click.get_current_context(silent=True)
            if command is not None:  # else opened in a thread (the TUI's): closed by :meth:`close`
                command.call_on_close(self._runtime.close)
            if self._runtime.has_practice:  # on every command until the practice chooses
                for line in self._runtime.plugins.conflict_lines(lambda p: f"'medoffice plugins disable {p}'"):
                    say(f"warning: {line} (then 'medoffice db upgrade'); until then none of them is loaded",
                        err=True)
        if need_practice and not self._runtime.has_practice:
            url = self._runtime.engine.url.render_as_string(hide_password=True)
            raise ConfigurationError(f"no practice in {url}: run 'medoffice init' (or 'medoffice demo') first")
        if not need_current_schema:
            self._old_schema_allowed = True  # for this command's later calls (signing in, its operation)
        if need_practice and not self._old_schema_allowed and not self._schema_checked:
            behind = core_behind(self._runtime.engine)
            if behind:
                raise ConfigurationError(behind)
            self._schema_checked = True
        return self._runtime

    def close(self) -> None:
        """Close the practice if this invocation opened it (closing twice is harmless)."""
        if self._runtime is not None:
            self._runtime.close()

    def user(self) -> UserRecord:
        """Sign in once per invocation."""
        from ..errors import AuthenticationError
        from ..services.users import sign_in

        if self._user is None:
            runtime = self.runtime()
            username = self.username or os.environ.get("MEDOFFICE_USER")
            password = os.environ.get("MEDOFFICE_PASSWORD")
            interactive = sys.stdin.isatty()
            if not username:
                if not interactive:
                    raise AuthenticationError("sign in with --user NAME or MEDOFFICE_USER")
                username = click.prompt("user")
            if password is None:
                if not interactive:
                    raise AuthenticationError("give the password in MEDOFFICE_PASSWORD or run in a terminal")
                password = click.prompt(f"password for {username}", hide_input=True)
            self._user = sign_in(runtime, username, password)
        return self._user


def state() -> AppState:
    return click.get_current_context().find_object(AppState) or AppState()


@contextmanager
def operation(*, write: bool = True, sign_in: bool = True) -> Iterator[Context]:
    """One unit of work for the current command, acting as the signed-in user."""
    app = state()
    user = app.user() if sign_in else None
    with app.runtime().operation(user, write=write) as ctx:
        yield ctx


@contextmanager
def files_operation(*, write: bool = True) -> Iterator[tuple[Context, OutputFiles]]:
    """:func:`operation` for a command that writes files: yields the context and an
    :class:`OutputFiles`. Write the files inside the block, after the service made the data
    and its audit entry: the entry is committed only with complete files, and the files
    appear only once the entry is committed; a failed operation leaves neither."""
    files = OutputFiles()
    try:
        with operation(write=write) as ctx:
            yield ctx, files
    except BaseException:
        files.discard()
        raise
    files.publish()


@contextmanager
def export_operation(output: str | os.PathLike[str] | None, *, write: bool = True) -> Iterator[
        tuple[Context, OutputFile | None]]:
    """:func:`operation` for a command that writes ``--output FILE``: yields the context and
    an :class:`OutputFile` (None without ``output``). Write the file inside the block, after
    the service made the data and its audit entry; the entry is committed only with a
    complete file, and the file appears only once the entry is committed."""
    target = OutputFile(output) if output else None
    try:
        with operation(write=write) as ctx:
            yield ctx, target
    except BaseException:
        if target is not None:
            target.discard()
        raise
    if target is not None:
        target.publish()


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, PurePath):
        return str(value)
    if attrs.has(type(value)):
        return attrs.asdict(value, recurse=True, value_serializer=lambda _i, _a, v: _default_or(v))
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _default_or(value: Any) -> Any:
    try:
        return _default(value)
    except TypeError:
        return value


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def to_json(data: Any) -> str:
    """``data`` as indented JSON, non-ASCII letters as they are. ``json.dumps`` escapes C0
    controls only; DEL, C1 controls, bidirectional overrides and the other characters of
    :mod:`medoffice.core.text` are written as ``\\uXXXX`` escapes too, so printing the JSON
    on a terminal cannot act on it (the decoded values are unchanged)."""
    text = json.dumps(data, default=_default, indent=2, sort_keys=False, ensure_ascii=False)
    return "\n".join(line if line.isprintable() else "".join(_json_escape(c) if is_control(c) else c for c in line)
                     for line in text.split("\n"))


def emit(data: Any, *, as_json: bool, human: Callable[[Any], None] | None = None) -> None:
    """Print ``data`` as JSON (``--json``) or through ``human`` for people."""
    if as_json or human is None:
        click.echo(to_json(data))
    else:
        human(data)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def say(text: Any, *, err: bool = False) -> None:
    """Print one line for people, the characters of :mod:`medoffice.core.text` escaped
    (a name holding a newline or ``ESC`` shows as ``\\n`` or ``\\x1b``)."""
    click.echo(one_line(text), err=err)


def table(rows: list[tuple[Any, ...]], headers: tuple[str, ...]) -> None:
    """A plain aligned table for people (scripts use --json). Each cell is one line, with
    control and invisible formatting characters escaped (``\\x1b``, ``\\n``, ``\\u202e``)."""
    if not rows:
        click.echo("(none)")
        return
    cells = [tuple(printable(c) for c in row) for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


def parse_assignments(pairs: tuple[str, ...], option: str = "--set") -> dict[str, str]:
    """``field=value`` pairs from a repeated option."""
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected FIELD=VALUE, got {pair!r}", param_hint=option)
        values[name.strip()] = value
    return values
