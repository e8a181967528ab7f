"""Where the practice's database, audit key and settings come from.

The database URL is the first of: ``--db URL``; ``MEDOFFICE_DB``; ``database`` in the config
file (``MEDOFFICE_CONFIG``, else ``config.toml`` in the user's config folder); a SQLite file in
the user's data folder. ``MEDOFFICE_HOME`` puts the config and data folders under one path
(handy for tests and portable installs).

The audit key signs the audit log's hash chain. It is never stored in the database, so
somebody who can edit the database cannot re-sign a row they changed. It is the first of:
``MEDOFFICE_AUDIT_KEY`` (the secret itself); ``MEDOFFICE_AUDIT_KEY_FILE``; ``audit_key_file``
in the config file; a key file per database in the user's config folder, created by
``medoffice init`` or ``demo``. Every terminal of a PostgreSQL practice needs the same key.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .errors import ConfigurationError
from .locations import APP_NAME, default_database_url, demo_database_url, home_dirs, read_config_file

__all__ = [
    "APP_NAME",
    "Settings",
    "database_digest",
    "default_database_url",
    "demo_database_url",
    "home_dirs",
    "keymap_option",
    "read_config_file",
]


def database_digest(url: str) -> str:
    """A short name for a database, the same whatever password the URL carries."""
    from sqlalchemy.engine import make_url  # only resolved when settings are, never for --help

    try:
        canonical = make_url(url).set(password=None).render_as_string(hide_password=False)
    except Exception:  # an unparseable URL: the real error comes when it is opened
        canonical = url
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@attrs.frozen
class Settings:
    """Everything resolved from flags, environment and the config file, once per process."""

    database_url: str
    config_dir: Path
    audit_key_file_given: Path | None = None
    audit_key_env: bytes | None = attrs.field(default=None, repr=False)
    config_file: Path | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict)
    data_dir: Path | None = None
    """The user's data folder (None: ``data`` beside the config folder, as under ``MEDOFFICE_HOME``)."""

    @classmethod
    def resolve(cls, database_url: str | None = None, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        config_path, options = read_config_file(env)
        url = database_url or env.get("MEDOFFICE_DB") or options.get("database") or default_database_url(env)
        key_env = env.get("MEDOFFICE_AUDIT_KEY")
        key_file = env.get("MEDOFFICE_AUDIT_KEY_FILE") or options.get("audit_key_file")
        return cls(
            database_url=url,
            config_dir=home_dirs(env)[0],
            audit_key_file_given=Path(key_file) if key_file else None,
            audit_key_env=key_env.encode() if key_env else None,
            config_file=config_path,
            options=options,
            data_dir=home_dirs(env)[1],
        )

    @property
    def audit_key_file(self) -> Path:
        """The key file: as configured, else one per database in the config folder."""
        if self.audit_key_file_given is not None:
            return self.audit_key_file_given
        return self.config_dir / "keys" / f"audit-{database_digest(self.database_url)}.key"

    @property
    def checkpoint_dir(self) -> Path:
        """The folder of the audit checkpoints, outside the database: ``audit`` in the data
        folder. Each database's are in ``checkpoints-<its identity>.jsonl`` there
        (:func:`medoffice.core.audit.checkpoint_path`), whatever its URL's spelling."""
        return (self.data_dir if self.data_dir is not None else self.config_dir.parent / "data") / "audit"

    @property
    def checkpoint_file(self) -> Path:
        """What to hand :func:`medoffice.core.audit.write_checkpoint`: a name in
        :attr:`checkpoint_dir`, which it replaces with the database's own checkpoint file.

        .. versionchanged:: 1 in the data folder, named by the database's identity (was beside
           the key, named by the URL's spelling: :attr:`legacy_checkpoint_file`).
        """
        return self.checkpoint_dir / "checkpoints.jsonl"

    @property
    def legacy_checkpoint_file(self) -> Path:
        """Where checkpoints were kept before the database had an identity: beside the key,
        named by the URL. ``audit verify`` still reads it."""
        return self.audit_key_file.parent / f"checkpoints-{database_digest(self.database_url)}.jsonl"

    @property
    def audit_key_source(self) -> str:
        """Where the audit key comes from, for messages: the variable or the file."""
        return "in MEDOFFICE_AUDIT_KEY" if self.audit_key_env else str(self.audit_key_file)

    def audit_key(self, *, create: bool = False) -> bytes:
        """The audit key; ``create`` makes a new random one if there is none yet."""
        if self.audit_key_env:
            return self.audit_key_env
        path = self.audit_key_file
        if path.exists():
            return path.read_bytes().strip()
        if not create:
            raise ConfigurationError(
                f"the audit key {path} is missing; restore it, or set MEDOFFICE_AUDIT_KEY_FILE to where it is"
            )
        from .files import private_folder

        private_folder(path.parent, tighten=self.audit_key_file_given is None)
        key = secrets.token_hex(32).encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key


_SAFE_NAMED_KEYS = frozenset({
    "escape", "enter", "tab", "space", "backspace", "delete", "insert", "home", "end", "pageup",
    "pagedown", "up", "down", "left", "right",
})


def _safe_key(key: str) -> bool:
    """Whether ``key`` reaches the app through every terminal, tmux and SSH session: an F-key,
    plain ctrl+letter, a named key or a single character; never alt/meta chords, ctrl+shift
    or ctrl with anything but a letter (ctrl+enter arrives as plain enter, or not at all)."""
    if len(key) == 1 and key.isprintable() and not key.isspace():
        return True
    if key in _SAFE_NAMED_KEYS:
        return True
    if key[0] == "f" and key[1:].isdigit() and 1 <= int(key[1:]) <= 12:
        return True
    modifier, plus, rest = key.partition("+")
    return modifier == "ctrl" and bool(plus) and len(rest) == 1 and rest.isalpha() and rest.isascii()


def keymap_option(options: Mapping[str, Any]) -> dict[str, str]:
    """The ``[keys]`` table of the config file: binding ids mapped to the keys that replace theirs.

    Each value is a key or several separated by commas (``"f2,ctrl+f"``), written the way
    Textual names keys (``f6``, ``ctrl+b``, ``escape``, ``x``). Which ids exist is the terminal
    UI's to check; this checks the table's shape and that every key survives SSH.

    Raises:
        ConfigurationError: the table is not a table of strings, or a key is one that some
            terminals mangle (alt or ctrl+shift chords, ctrl+enter…), naming it.
    """
    table = options.get("keys", {})
    if not isinstance(table, Mapping):
        raise ConfigurationError("[keys] in the config file must be a table of binding id = \"key\"")
    keymap: dict[str, str] = {}
    for binding_id, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigurationError(f"[keys] {binding_id}: give the key as a string, like \"f6\" or \"ctrl+b\"")
        keys = [k.strip().lower() for k in value.split(",")]
        bad = [k for k in keys if not k or not _safe_key(k)]
        if bad:
            raise ConfigurationError(
                f"[keys] {binding_id} = {value!r}: {bad[0] or 'an empty key'!s} does not survive every terminal and "
                "SSH session; use an F-key (f1-f12), ctrl+letter, a named key or a single character")
        keymap[str(binding_id)] = ",".join(keys)
    return keymap
