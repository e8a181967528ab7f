"""Where the practice's settings, data and caches live, with the standard library alone.

``medoffice --help`` needs the database's URL (to read which plugins the practice enabled)
and the folder of its command listing, and must not pay for attrs or platformdirs to find
them: on Linux the folders follow the XDG variables, as ``platformdirs`` does; elsewhere
``platformdirs`` is imported when first needed. :mod:`medoffice.core.config` builds the full
:class:`~medoffice.core.config.Settings` on these.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigurationError

APP_NAME = "medoffice"


def _platform_dir(kind: str, env: Mapping[str, str]) -> Path:
    """The user's ``kind`` folder (``config``, ``data`` or ``cache``) for medoffice."""
    if sys.platform.startswith("linux"):
        variable, fallback = {"config": ("XDG_CONFIG_HOME", ".config"), "data": ("XDG_DATA_HOME", ".local/share"),
                              "cache": ("XDG_CACHE_HOME", ".cache")}[kind]
        base = env.get(variable, "").strip()
        return Path(base if base else os.path.expanduser(f"~/{fallback}")) / APP_NAME
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP_NAME))


def home_dirs(env: Mapping[str, str] | None = None) -> tuple[Path, Path]:
    """The (config folder, data folder) for this user."""
    env = os.environ if env is None else env
    if env.get("MEDOFFICE_HOME"):
        home = Path(env["MEDOFFICE_HOME"])
        return home / "config", home / "data"
    return _platform_dir("config", env), _platform_dir("data", env)


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder of things medoffice may forget and make again (``cache`` under
    ``MEDOFFICE_HOME`` when it is set)."""
    env = os.environ if env is None else env
    if env.get("MEDOFFICE_HOME"):
        return Path(env["MEDOFFICE_HOME"]) / "cache"
    return _platform_dir("cache", env)


def default_database_url(env: Mapping[str, str] | None = None) -> str:
    return f"sqlite:///{home_dirs(env)[1] / 'practice.sqlite'}"


def demo_database_url(env: Mapping[str, str] | None = None) -> str:
    return f"sqlite:///{home_dirs(env)[1] / 'demo.sqlite'}"


def read_config_file(env: Mapping[str, str] | None = None) -> tuple[Path | None, dict[str, Any]]:
    env = os.environ if env is None else env
    path = Path(env["MEDOFFICE_CONFIG"]) if env.get("MEDOFFICE_CONFIG") else home_dirs(env)[0] / "config.toml"
    if not path.exists():
        return None, {}
    import tomllib

    try:
        return path, tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read the config file {path}: {exc}") from None


def database_url(given: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The database's URL: ``given`` (``--db``), else ``MEDOFFICE_DB``, else ``database`` in the
    config file, else the default SQLite file. The config file is read only when needed."""
    env = os.environ if env is None else env
    if given or env.get("MEDOFFICE_DB"):
        return given or env["MEDOFFICE_DB"]
    return read_config_file(env)[1].get("database") or default_database_url(env)
