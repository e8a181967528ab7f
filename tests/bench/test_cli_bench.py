"""bench/cli_startup.py still runs: one round of each command, the listing's file found.

The numbers are not checked (they belong in docs/performance.md); what is checked is that
each case ran and that the rebuilt-listing case is measured."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_every_command_is_timed_against_the_baseline(tmp_path):
    results = tmp_path / "cli.json"
    env = {"PATH": "/usr/bin:/bin", "MEDOFFICE_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, str(BENCH / "cli_startup.py"), "--repeat", "1", "--json-out", str(results)],
                          check=True, capture_output=True, text=True, env=env, timeout=120)
    medians = json.loads(results.read_text())["medians"]
    assert set(medians) == {"python -c 'import click' (baseline)", "medoffice --help", "medoffice --version",
                            "medoffice --help, listing rebuilt"}
    assert all(value > 0 for value in medians.values())
    assert "| medoffice --help | " in done.stdout
    assert list((tmp_path / "home" / "cache").glob("cli-commands-*.json"))  # left behind, as a user has it
