"""The payroll benchmark still runs: a tiny practice, one repeat.

The numbers are not checked (they belong in docs/performance.md); what is checked is that
the benchmark makes its practice, that the service's register and raw sqlite3 agree on every
person's minutes and gross (the script fails otherwise), and that every figure is reported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_payroll_benchmark_runs_on_a_tiny_practice(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "MEDOFFICE_HOME": str(tmp_path / "home"), "MEDOFFICE_FAST_HASHING": "1"}
    done = subprocess.run([sys.executable, str(BENCH / "staff_payroll.py"), str(tmp_path / "payroll.sqlite"),
                           "--staff", "4", "--years", "0.15", "--repeat", "1", "--json"],
                          check=True, capture_output=True, text=True, env=env, timeout=180)
    found = json.loads(done.stdout)
    assert found["staff"] == 4 and found["punches"] > 100
    assert found["people"] == 4 and found["overtime_minutes"] > 0 and float(found["gross"]) > 0
    assert found["ratio"] > 0 and found["peak_kib_last_period"] > 0 and found["peak_kib_early_period"] > 0
