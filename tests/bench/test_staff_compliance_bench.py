"""The compliance benchmark still runs: a tiny practice, one repeat.

The numbers are not checked (they belong in docs/performance.md); what is checked is that
the benchmark makes its practice and its history, that the service's overview and raw
sqlite3 agree on every person's counts before and after the history is added (the script
fails otherwise), and that every figure is reported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_compliance_benchmark_runs_on_a_tiny_practice(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "MEDOFFICE_HOME": str(tmp_path / "home"), "MEDOFFICE_FAST_HASHING": "1"}
    done = subprocess.run([sys.executable, str(BENCH / "staff_compliance.py"), str(tmp_path / "compliance.sqlite"),
                           "--staff", "10", "--years", "0.5", "--repeat", "1", "--json"],
                          check=True, capture_output=True, text=True, env=env, timeout=180)
    found = json.loads(done.stdout)
    assert found["staff"] == 10 and found["present_rows"] > 0 and found["history_rows"] > 0
    for case in (found["present"], found["with_history"]):
        assert case["people"] > 0 and case["overdue"] > 0
        assert case["ratio"] > 0 and case["peak_kib"] > 0
