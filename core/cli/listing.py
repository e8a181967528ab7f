"""The command listing ``medoffice --help`` prints, remembered between runs.

Listing every command group with its short help means importing each command's module and
every enabled plugin's (through entry points, pluggy and the ``medoffice_cli_commands``
hooks), which costs several times the start of click itself. So the first ``--help`` builds
the listing the usual way and writes the names and help texts to a small JSON file in the
user's cache folder (:func:`medoffice.core.locations.cache_dir`); the next ones print it
after checking, with the standard library alone, that nothing it was built from changed:

- the medoffice version and the interpreter's ``sys.path`` (one file per environment);
- each ``sys.path`` folder's modification time (installing, upgrading or removing a
  distribution, a plugin included, adds or removes a folder there);
- the modification time and size of every module file the listing was built from (the
  core's, the plugins', click's…: an edited plugin in an editable install counts);
- the practice's plugin choices (``core_plugin_state``, read with stdlib ``sqlite3``), so a
  plugin enabled on another terminal is listed at once.

A listing whose building printed a warning (a plugin's hook that raised) or met a plugin
that failed to import is not remembered, so the warning is printed every time and a fixed
plugin is listed at once. The file is only ever a copy: deleting it costs one slower
``--help``. Running a command, or ``medoffice <group> --help``, never reads it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

FORMAT = 1
"""The file's layout; a file of another format is rebuilt."""


def cache_file() -> Path:
    """This interpreter's listing file (one per environment: each has its own plugins)."""
    from zlib import crc32

    from ..locations import cache_dir

    return cache_dir() / f"cli-commands-{crc32(sys.prefix.encode()):08x}.json"


def _stamp(path: str) -> list[int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return [found.st_mtime_ns, found.st_size]


def key(choices: list[tuple[str, bool, bool]] | None) -> dict[str, Any]:
    """What the listing depends on besides module files, as JSON values."""
    from .. import __version__

    return {
        "format": FORMAT,
        "version": __version__,
        "path": [[entry, _stamp(entry or ".")] for entry in sys.path],
        "choices": [list(row) for row in choices] if choices is not None else None,
    }


def recall(expected: dict[str, Any]) -> list[click.Command] | None:
    """The remembered listing as stand-in commands (name, help, nothing to run), or None
    when there is none, or anything it depends on changed."""
    try:
        stored = json.loads(cache_file().read_text(encoding="utf-8"))
        if stored["key"] != expected:
            return None
        if any(_stamp(path) != stamp for path, stamp in stored["files"].items()):
            return None
        return [_stand_in(entry) for entry in stored["commands"]]
    except Exception:  # noqa: BLE001 - missing, unreadable or from another version: build it again
        return None


def remember(expected: dict[str, Any], commands: Iterable[tuple[str, click.Command]]) -> None:
    """Write the listing of ``commands`` for :func:`recall`; a folder that cannot be written
    only means the next ``--help`` builds it again."""
    entries = [{"name": name, "help": command.help, "short_help": command.short_help,
                "hidden": command.hidden, "deprecated": command.deprecated} for name, command in commands]
    stdlib = sys.stdlib_module_names
    files = {}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and name.partition(".")[0] not in stdlib and (stamp := _stamp(path)) is not None:
            files[path] = stamp
    target = cache_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps({"key": expected, "files": files, "commands": entries}), encoding="utf-8")
        os.replace(partial, target)
    except OSError:
        pass


def _stand_in(entry: dict[str, Any]) -> click.Command:
    return click.Command(entry["name"], help=entry["help"], short_help=entry["short_help"],
                         hidden=entry["hidden"], deprecated=entry["deprecated"])
