"""The claims benchmark still runs: a tiny practice of a few claims.

The numbers are not checked (they belong in docs/performance.md); what is checked is that
every step is measured against its raw baseline, that the service and raw sqlite3 built,
scrubbed and exported the same claims, and that the raw formatting wrote the very bytes of
the service's 837P (so the baseline does the same work).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_every_claim_step_is_measured_against_raw_sqlite(tmp_path):
    results = tmp_path / "results.json"
    env = {"PATH": "/usr/bin:/bin", "MEDOFFICE_HOME": str(tmp_path / "home"), "MEDOFFICE_FAST_HASHING": "1"}
    subprocess.run([sys.executable, str(BENCH / "billing_claims.py"), "--claims", "12", "--work-dir", str(tmp_path),
                    "--json-out", str(results)], check=True, capture_output=True, text=True, env=env, timeout=180)
    found = json.loads(results.read_text())
    for step in ("build", "scrub"):
        assert found[f"{step}_result"] == found[f"{step}_raw_result"] == 12
    assert found["export_result"] == found["export_raw_result"] > 0
    assert found["raw_837p_same_bytes"] and found["reexport_unchanged"]
    assert all(found[f"{step}_ratio"] > 0 for step in ("build", "scrub", "export"))
    assert found["export_over_raw_format"] > 0 and found["reexport_tracemalloc_peak_mib"] > 0
