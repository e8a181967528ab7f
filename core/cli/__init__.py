"""The ``medoffice`` command.

The root group loads its subcommands lazily: the core's from their modules when named, the
plugins' from the enabled plugins' ``medoffice_cli_commands`` hooks. ``medoffice --help``
prints the listing remembered from the last time it was built (:mod:`.listing`), so it
imports click and the stdlib's sqlite3 (to read the practice's plugin choices), no plugin,
never SQLAlchemy or Textual.

Exit codes: 0 success, 1 a domain error (bad input, not found, no permission), 2 a usage
error, 3 an internal error (a bug; ``--debug`` shows the traceback).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from .. import __version__
from .._lazy import lazy_names
from .lazy import lazy_module

if TYPE_CHECKING:
    from ._app import DomainError

# The helpers commands share (``from medoffice.core.cli import operation, emit``) load on
# first use: ``medoffice --help`` prints its remembered listing without them (.listing).
__getattr__ = lazy_names(__name__, dict.fromkeys((
    "EXIT_DOMAIN", "EXIT_INTERNAL", "AppState", "DomainError", "InternalError", "OutputFile", "OutputFiles", "emit",
    "export_operation", "files_operation", "json_option", "one_line_message", "operation", "parse_assignments",
    "say", "state", "table"), "_app"), globals())

CORE_COMMANDS: dict[str, str] = {
    "init": "setup_cmds:init_command",
    "demo": "setup_cmds:demo_command",
    "plugins": "plugin_cmds:plugins",
    "db": "plugin_cmds:db",
    "patients": "patient_cmds:patients",
    "users": "user_cmds:users",
    "roles": "user_cmds:roles",
    "practice": "practice_cmds:practice",
    "staff": "practice_cmds:staff",
    "audit": "audit_cmds:audit",
    "backup": "audit_cmds:backup_command",
    "restore": "audit_cmds:restore_command",
    "reports": "report_cmds:reports",
    "dashboard": "dashboard_cmds:dashboard_command",
    "tui": "tui_cmd:tui_command",
}


def _load_core(name: str) -> click.Command:
    module, attr = CORE_COMMANDS[name].split(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), attr)


def _database_url(ctx: click.Context) -> str:
    from ..locations import database_url

    root = ctx.find_root()
    obj = root.obj
    given = root.params.get("database_url") or getattr(obj, "database_url", None)
    return database_url(given)


class PluginCommands(dict[str, tuple[str, click.Command]]):
    """The enabled plugins' command groups by name, with the id of the plugin of each."""

    complete: bool = True
    """False when a plugin failed to import or its hook raised: the listing is not remembered."""


def plugin_commands(database_url: str, candidates: list[Any] | None = None) -> PluginCommands:
    """The enabled plugins' command groups by name, with the id of the plugin of each."""
    from ..loader import build_plugin_set, discover
    from ..loader.state import read_choices
    from ._app import say

    failures: list[Any] = []
    if candidates is None:
        candidates, failures = discover()
    plugins = build_plugin_set(candidates, failures, read_choices(database_url))
    commands = PluginCommands()
    errors: list[Any] = []
    contributed = plugins.hooks.cli_commands(errors)
    for error in errors:
        say(f"warning: {error} (its commands are unavailable)", err=True)
    commands.complete = not errors and not failures
    for plugin_id, command in contributed:
        if command.name in CORE_COMMANDS or command.name in commands:
            continue  # never shadow the core; the conformance check reports the clash
        commands[command.name] = (plugin_id, command)
    return commands


class MedofficeGroup(click.Group):
    """The root group: lazy core commands, enabled plugins' groups, domain errors as one line."""

    def _plugins(self, ctx: click.Context) -> dict[str, tuple[str, click.Command]]:
        """Loaded once per invocation (kept in the root context's ``meta``)."""
        meta = ctx.find_root().meta
        if "medoffice.plugin_commands" not in meta:
            try:
                meta["medoffice.plugin_commands"] = plugin_commands(_database_url(ctx), self._given_plugins(ctx))
            except Exception as exc:  # a broken plugin must not take the whole CLI down
                from ._app import say

                say(f"warning: plugin commands unavailable: {exc}", err=True)
                failed = meta["medoffice.plugin_commands"] = PluginCommands()
                failed.complete = False
        return meta["medoffice.plugin_commands"]

    @staticmethod
    def _given_plugins(ctx: click.Context) -> list[Any] | None:
        """The plugins a caller gave instead of the installed ones (the test kit's)."""
        return getattr(ctx.find_root().obj, "candidates", None)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands from the remembered listing when nothing it was built from
        changed, else build it (importing every command's module) and remember it."""
        if self._given_plugins(ctx) is not None:
            super().format_commands(ctx, formatter)
            return
        from ..loader.state import read_choice_rows
        from . import listing

        expected = listing.key(read_choice_rows(_database_url(ctx)))
        commands = listing.recall(expected)
        if commands is None:
            built = [(name, command) for name in self.list_commands(ctx)
                     if (command := self.get_command(ctx, name)) is not None]
            if getattr(self._plugins(ctx), "complete", True):
                listing.remember(expected, built)
            commands = [command for _, command in built]
        _write_commands(formatter, [(command.name or "", command) for command in commands if not command.hidden])

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(CORE_COMMANDS) + sorted(self._plugins(ctx))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in CORE_COMMANDS:
            return _load_core(name)
        found = self._plugins(ctx).get(name)
        return found[1] if found else None

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as error:  # a bad global option: its message quotes what was typed
            from ._app import one_line_message

            one_line_message(error)
            raise

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from .params import check_text_arguments

        check_text_arguments(args)  # every command's arguments, before any of them is used
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; every error leaves as a :class:`click.ClickException` whose
        message is one line (see :class:`DomainError`), a bug as an :class:`InternalError`
        (exit 3) unless ``--debug`` wants its traceback."""
        from ..errors import MedofficeError
        from ._app import DomainError, InternalError, one_line_message

        try:
            return super().invoke(ctx)
        except click.ClickException as error:  # usage errors quote what was typed, newlines and all
            one_line_message(error)
            raise
        except (click.exceptions.Exit, click.Abort):
            raise
        except MedofficeError as exc:
            raise DomainError(exc.message) from exc
        except BrokenPipeError:  # `medoffice … | head`: the reader left; not an error of ours
            _silence_stdout()
            raise click.exceptions.Exit(0) from None
        except Exception as exc:
            if ctx.obj is not None and ctx.obj.debug:
                raise
            described = _describe(exc)
            owner = self._owner(ctx)
            if owner is not None and type(described) is InternalError:  # a plugin's bug: name whom to call
                plugin_id, command = owner
                described = InternalError(f"plugin {plugin_id!r}: {command!r} raised {type(exc).__name__}: {exc} "
                                          "(run with --debug for details)")
            raise described from exc

    def _owner(self, ctx: click.Context) -> tuple[str, str] | None:
        """The plugin whose command this invocation ran, with the command's name; None for the core's."""
        name = ctx.invoked_subcommand
        if not name or name in CORE_COMMANDS:
            return None
        found = ctx.find_root().meta.get("medoffice.plugin_commands", {}).get(name)
        return (found[0], name) if found else None


def _write_commands(formatter: click.HelpFormatter, commands: list[tuple[str, click.Command]]) -> None:
    """The "Commands" section, as :meth:`click.Group.format_commands` writes it."""
    if not commands:
        return
    limit = formatter.width - 6 - max(len(name) for name, _ in commands)
    with formatter.section("Commands"):
        formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test runner's capture)
        pass


def _describe(exc: Exception) -> DomainError:
    """Database and file trouble is the user's to fix (one line, exit 1); anything else is a bug (3)."""
    import sqlite3

    from ._app import DomainError, InternalError

    if isinstance(exc, OSError) and exc.filename is not None:  # a file the command reads or writes
        name = os.fsdecode(exc.filename) if isinstance(exc.filename, str | bytes) else str(exc.filename)
        name = name.encode("utf-8", "backslashreplace").decode("utf-8")
        return DomainError(f"{name}: {exc.strerror or exc}")
    if isinstance(exc, sqlite3.Error):  # the sqlite3 module's own (a backup's, a restore's file)
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return DomainError(f"the SQLite file was refused: {reason}")
    try:
        from sqlalchemy.exc import DBAPIError, OperationalError
    except ImportError:  # pragma: no cover - SQLAlchemy is a dependency
        DBAPIError = OperationalError = ()  # type: ignore[assignment,misc]
    from ..storage import refusals

    found = refusals.refusal(exc)
    if isinstance(exc, OperationalError) and found is not None and found.kind == refusals.LOCK_TIMEOUT:
        from ..storage.engine import POSTGRESQL_LOCK_TIMEOUT_MS

        return DomainError(f"the database is busy: another terminal has held what this needs for "
                           f"{POSTGRESQL_LOCK_TIMEOUT_MS / 1000:g} s; try again")
    if isinstance(exc, OperationalError):
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return DomainError(f"the database is not available: {reason}")
    if isinstance(exc, DBAPIError):
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return DomainError(f"the database refused the change: {reason}")
    return InternalError(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")


@click.group(cls=MedofficeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "database_url", metavar="URL", is_eager=True, help="Database URL (else MEDOFFICE_DB, the config file, or the default SQLite file).")
@click.option("--user", "username", metavar="NAME", help="Act as this user (else MEDOFFICE_USER).")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(version=__version__, message="medoffice %(version)s")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, username: str | None, debug: bool) -> None:
    """medoffice: practice management for medical offices.

    Every command acts as a user: --user NAME (or MEDOFFICE_USER), with the password from a
    prompt or MEDOFFICE_PASSWORD. Commands that print data take --json.
    """
    from ._app import AppState

    debug = debug or os.environ.get("MEDOFFICE_DEBUG", "").lower() in ("1", "true", "yes")
    if isinstance(ctx.obj, AppState):  # given by a caller, e.g. the test kit with in-memory plugins
        ctx.obj.database_url = database_url or ctx.obj.database_url
        ctx.obj.username = username or ctx.obj.username
        ctx.obj.debug = debug or ctx.obj.debug
    else:
        ctx.obj = AppState(database_url=database_url, username=username, debug=debug)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: exit codes 0, 1 (domain), 2 (usage), 3 (internal), 130 (Ctrl-C)."""
    try:
        code = cli.main(args=argv, prog_name="medoffice", standalone_mode=False)
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.ClickException as error:
        error.show()
        code = error.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("interrupted", err=True)
        code = 130
    except Exception:  # only reaches here with --debug: show the traceback, still exit 3
        import traceback

        from ._app import EXIT_INTERNAL

        traceback.print_exc()
        code = EXIT_INTERNAL
    sys.exit(code if isinstance(code, int) else 0)


__all__ = [
    "EXIT_DOMAIN",
    "EXIT_INTERNAL",
    "AppState",
    "DomainError",
    "cli",
    "OutputFile",
    "OutputFiles",
    "emit",
    "export_operation",
    "files_operation",
    "json_option",
    "lazy_module",
    "main",
    "operation",
    "parse_assignments",
    "say",
    "state",
    "table",
]
