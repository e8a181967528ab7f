"""bench/peer_gnuhealth.py still runs its medoffice side: a tiny practice, every workload once.

GNU Health's side needs its own venv and minutes of set-up, so it is never run here (see the
script's docstring); the numbers are not checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_three_workloads_run_on_medoffice(tmp_path):
    results = tmp_path / "peer.json"
    env = {"PATH": "/usr/bin:/bin", "MEDOFFICE_HOME": str(tmp_path / "home"), "MEDOFFICE_FAST_HASHING": "1"}
    done = subprocess.run([sys.executable, str(BENCH / "peer_gnuhealth.py"), "--work", str(tmp_path / "work"),
                           "--patients", "20", "--providers", "2", "--days", "5", "--appointments", "40",
                           "--repeat", "1", "--json-out", str(results)],
                          check=True, capture_output=True, text=True, env=env, timeout=300)
    data = json.loads(results.read_text())
    ours = data["medoffice"]
    assert (ours["patients"], ours["appointments"]) == (20, 40)
    assert ours["day_rows"] == 4  # the first day's share of one provider
    assert data["gnuhealth"] is None
    assert "| book 40 appointments, one per call and transaction (ms each) | not measured |" in done.stdout
