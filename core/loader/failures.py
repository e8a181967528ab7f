"""The last failures of each plugin's hooks, kept where ``medoffice plugins list`` finds them.

A hook that raises (anything but a ``MedofficeError``, which is meant for the user) rolls its
operation back, so the record cannot live in that transaction. Each failure is appended as
one JSON line to ``plugins/hook-failures-<digest of the database URL>.jsonl`` in the data
folder, readable and writable by its owner only (an error's text may quote a patient's
data). Any later process on this computer that opens the same practice reads it; other
computers keep their own. Recording never raises: a full disk must not turn a plugin's
failure into another one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import attrs

from ..files import private_folder
from ..text import one_line

KEEP = 5
"""Failures kept (and shown) per plugin, newest first."""

_COMPACT_AT = 64 * 1024
"""The file is rewritten with only the kept failures once it grows past this many bytes."""


@attrs.frozen
class HookFailure:
    """One failure of one plugin's hook: when (UTC), which hook, and the error in one line."""

    at: dt.datetime
    hook: str
    error: str


class FailureLog:
    """The hook-failure file of one practice (``path`` None: nothing is kept)."""

    def __init__(self, path: Path | None, clock: Callable[[], dt.datetime]) -> None:
        self.path = path
        self._clock = clock

    def record(self, plugin_id: str, hook: str, exc: BaseException) -> None:
        """Append a failure of ``plugin_id``'s ``hook``."""
        if self.path is None:
            return
        error = one_line(f"{type(exc).__name__}: {exc}")[:500]
        line = json.dumps({"plugin": plugin_id, "at": self._clock().astimezone(dt.UTC).isoformat(),
                           "hook": hook, "error": error}, ensure_ascii=False) + "\n"
        try:
            private_folder(self.path.parent)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as handle:
                handle.write(line)
            if self.path.stat().st_size > _COMPACT_AT:
                self._compact()
        except OSError:
            pass

    def last(self) -> dict[str, list[HookFailure]]:
        """Each plugin's last :data:`KEEP` failures, newest first (unreadable lines are skipped)."""
        found: dict[str, list[HookFailure]] = {}
        for plugin_id, failure in self._read():
            found.setdefault(plugin_id, []).append(failure)
        return {pid: sorted(items, key=lambda f: f.at, reverse=True)[:KEEP] for pid, items in found.items()}

    def _read(self) -> list[tuple[str, HookFailure]]:
        if self.path is None:
            return []
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        rows = []
        for line in text.splitlines():
            try:
                data = json.loads(line)
                at = dt.datetime.fromisoformat(data["at"])
                if at.tzinfo is None:
                    continue
                rows.append((str(data["plugin"]), HookFailure(at.astimezone(dt.UTC), str(data["hook"]),
                                                              str(data["error"]))))
            except (ValueError, KeyError, TypeError):
                continue
        return rows

    def _compact(self) -> None:
        assert self.path is not None
        kept = [(pid, f) for pid, items in self.last().items() for f in items]
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".partial")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp: 0600, a new random name
                for pid, f in sorted(kept, key=lambda pair: pair[1].at):
                    handle.write(json.dumps({"plugin": pid, "at": f.at.isoformat(), "hook": f.hook,
                                             "error": f.error}, ensure_ascii=False) + "\n")
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def failure_log_path(data_dir: Path, database_url: str) -> Path:
    """Where one practice's hook failures are kept, in the data folder."""
    from ..config import database_digest

    return data_dir / "plugins" / f"hook-failures-{database_digest(database_url)}.jsonl"
