"""`medoffice --help` and `--version` stay light: no SQLAlchemy, no Textual, whatever plugins
are installed (their command modules must import their services lazily); and once the
listing is remembered, `--help` imports no plugin at all, yet lists what a fresh build lists."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from click.testing import CliRunner
from medoffice.core.cli import cli
result = CliRunner().invoke(cli, sys.argv[1:])
assert result.exit_code == 0, result.output
heavy = sorted({name.split('.')[0] for name in sys.modules if name.split('.')[0] in ('sqlalchemy', 'textual', 'alembic')})
print(' '.join(heavy) or 'none')
"""

LISTED = """
import sys
from click.testing import CliRunner
from medoffice.core.cli import cli
result = CliRunner().invoke(cli, sys.argv[1:])
assert result.exit_code == 0, result.output
loaded = sorted(name for name in sys.modules
                if name.startswith(('medoffice.plugins', 'medoffice_patient_alerts', 'pluggy', 'attr', 'importlib.metadata')))
print(result.output)
print('LOADED:', ' '.join(loaded) or 'none')
"""


def help_run(env: dict[str, str], *args: str) -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-c", LISTED, *args, "--help"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    output, _, loaded = done.stdout.rpartition("LOADED: ")
    return output, loaded.strip()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"MEDOFFICE_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_help_and_version_import_no_heavy_library(tmp_path, args):
    env = {"MEDOFFICE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"


class TestRememberedListing:
    def test_the_second_help_lists_the_same_commands_without_importing_a_plugin(self, env):
        """The first --help builds the listing (plugins' groups with their short help), the
        next prints it from the cache folder with none of the plugins' modules."""
        first, loaded_first = help_run(env)
        second, loaded_second = help_run(env)
        assert second == first
        assert "appointments  Book, move and cancel appointments" in second  # a plugin's group, its help
        assert "medoffice.plugins.scheduling" in loaded_first
        assert loaded_second == "none"
        assert list((Path(env["MEDOFFICE_HOME"]) / "cache").glob("cli-commands-*.json"))

    def test_a_plugin_enabled_or_disabled_elsewhere_changes_the_listing_at_once(self, env, medoffice_demo_file):
        """The practice's plugin choices are read on every --help, and key the listing."""
        env = {**env, "MEDOFFICE_DB": f"sqlite:///{medoffice_demo_file}"}
        listed, _ = help_run(env)
        assert "billing " in listed
        with sqlite3.connect(medoffice_demo_file) as conn:
            conn.execute("UPDATE core_plugin_state SET enabled = 0 WHERE plugin_id = 'billing'")
        unlisted, _ = help_run(env)
        assert "billing " not in unlisted and "appointments " in unlisted

    def test_an_edited_module_or_a_new_install_rebuilds_it(self, env):
        """A module file the listing came from, or a sys.path folder, that changed makes the
        next --help build it again (an editable plugin's new help text shows at once)."""
        help_run(env)
        from medoffice.core.cli import listing

        cache = next((Path(env["MEDOFFICE_HOME"]) / "cache").glob("cli-commands-*.json"))
        stored = json.loads(cache.read_text())
        stored["files"][next(iter(stored["files"]))][0] -= 1  # as if the file changed since
        cache.write_text(json.dumps(stored))
        _, loaded = help_run(env)
        assert "medoffice.plugins.scheduling" in loaded
        assert listing.FORMAT == stored["key"]["format"]

    def test_a_group_help_still_loads_the_plugin(self, env):
        """`medoffice <plugin group> --help` shows the group's own commands (never the cache)."""
        help_run(env)
        output, loaded = help_run(env, "appointments")
        assert "appointments [OPTIONS] COMMAND" in output and "book" in output
        assert "medoffice.plugins.scheduling" in loaded


@pytest.fixture
def medoffice_demo_file(tmp_path: Path) -> Path:
    """A practice file with every bundled plugin enabled: the stored choices, nothing else."""
    path = tmp_path / "practice.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE core_plugin_state (plugin_id TEXT PRIMARY KEY, enabled BOOLEAN, migrated BOOLEAN)")
        conn.executemany("INSERT INTO core_plugin_state VALUES (?, 1, 1)",
                         [(pid,) for pid in ("scheduling", "billing", "staff", "inventory", "patient-alerts")])
    os.utime(path)
    return path
