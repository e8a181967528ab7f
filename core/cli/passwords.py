"""Where a new password comes from: a hidden prompt, standard input, or (for scripts) a variable.

Never the command line: an argument is visible to every user of the machine in ``ps`` and
stays in the shell's history. In order:

1. ``--password-stdin``: the first line of standard input (without its line ending);
2. the command's environment variable (``MEDOFFICE_NEW_PASSWORD``, ``MEDOFFICE_ADMIN_PASSWORD``),
   meant for automation on a machine you trust;
3. a hidden prompt, asked twice, when standard input is a terminal;
4. otherwise a one-line error (exit 1): nothing waits for input that cannot come.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

STDIN_HELP = "Read the password from the first line of standard input (no prompt)."

password_stdin_option = click.option("--password-stdin", "password_stdin", is_flag=True, help=STDIN_HELP)
"""``--password-stdin`` for a command that reads its password with :func:`new_password`."""


def _read_first(ctx: click.Context, param: click.Parameter, value: bool) -> str | bool:
    return read_stdin_line() if value else False


password_stdin_first_option = click.option("--password-stdin", "password_stdin", is_flag=True, is_eager=True,
                                           expose_value=True, callback=_read_first,
                                           help=STDIN_HELP + " Read before any other prompt.")
"""``--password-stdin`` for a command that also prompts for other values (``init``): the
password is the first line, read before those prompts take the lines after it."""


def _at_a_terminal() -> bool:
    return sys.stdin.isatty()


def read_stdin_line() -> str:
    """The first line of standard input, without its line ending.

    Raises:
        ValidationError: standard input is empty.
    """
    from ..errors import ValidationError

    line = sys.stdin.readline()
    if not line:
        raise ValidationError("--password-stdin: standard input is empty", field="password")
    return line.removesuffix("\n").removesuffix("\r")


def new_password(prompt: str, *, variable: str, from_stdin: bool | str = False) -> str:
    """A new password from standard input, ``variable``, or a prompt (see the module's text).

    Args:
        prompt: what the prompt says, e.g. ``"new password for jdoe"``.
        variable: the environment variable scripts may set instead.
        from_stdin: True to read standard input now, or the line already read from it.

    Raises:
        ValidationError: no terminal to ask at and no other source, or empty standard input.
    """
    from ..errors import ValidationError

    if isinstance(from_stdin, str):
        return from_stdin
    if from_stdin:
        return read_stdin_line()
    password = os.environ.get(variable)
    if password is not None:
        return password
    if not _at_a_terminal():
        raise ValidationError(f"no terminal to ask for the {prompt} at: pass --password-stdin and write it to "
                              f"standard input (or set {variable} in a script)", field="password")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


def refuse_password_argument(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """The callback of a retired ``--…-password VALUE`` option: a usage error, whatever the value."""
    if value is not None:
        raise click.UsageError(
            f"{param.opts[0]} is gone: a password on the command line is visible to every user of this "
            "machine (ps) and stays in the shell's history; type it at the prompt, or pass --password-stdin, "
            "or set MEDOFFICE_ADMIN_PASSWORD in a script")
