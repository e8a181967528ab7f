"""`medoffice --help` and `--version` stay light: no SQLAlchemy, no Textual, whatever plugins
are installed (their command modules must import their services lazily)."""

from __future__ import annotations

import subprocess
import sys

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


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_help_and_version_import_no_heavy_library(tmp_path, args):
    env = {"MEDOFFICE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"
