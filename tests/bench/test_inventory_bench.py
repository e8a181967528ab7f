"""The inventory benchmark still runs: a tiny supply room, one repeat.

The numbers are not checked (they belong in docs/performance.md); what is checked is that
every case is measured, the service and raw sqlite3 agree on how many rows they computed,
and the report has each ratio and what a kit adds to completing a visit.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_every_case_is_measured_and_reported(tmp_path):
    results = tmp_path / "results.json"
    env = {"PATH": "/usr/bin:/bin", "MEDOFFICE_HOME": str(tmp_path / "home"), "MEDOFFICE_FAST_HASHING": "1"}
    done = subprocess.run([sys.executable, str(BENCH / "inventory.py"), "--items", "40", "--movements", "3000",
                           "--visits", "3", "--repeat", "1", "--work-dir", str(tmp_path), "--json-out", str(results)],
                          check=True, capture_output=True, text=True, env=env, timeout=180)
    (result,) = json.loads(results.read_text())
    cases, description = result["cases"], result["description"]
    assert description["items"] == 40 and description["movements"] == 3000 and description["lots"] == 30
    assert set(cases) == {"on hand: service", "on hand: raw sqlite3", "on hand: raw sqlite3 summing the ledger",
                          "lots: service", "lots: raw sqlite3", "reorder: service", "reorder: raw sqlite3",
                          "complete a visit: no kit", "complete a visit: 3-item kit"}
    assert cases["on hand: service"]["rows"] == cases["on hand: raw sqlite3"]["rows"] == 40
    assert cases["lots: service"]["rows"] == cases["lots: raw sqlite3"]["rows"] == 3
    assert cases["reorder: service"]["rows"] == cases["reorder: raw sqlite3"]["rows"]
    assert cases["complete a visit: 3-item kit"]["rows"] == cases["complete a visit: no kit"]["rows"] == 3
    assert all(case["median"] > 0 for case in cases.values())
    ratios = re.findall(r"\| ([0-9.]+)x(?: ✗)? \|", done.stdout)
    assert len(ratios) == 3 and all(float(r) > 0 for r in ratios), done.stdout
    assert re.search(r"the kit adds -?[0-9.]+ ms", done.stdout), done.stdout
    assert not list(tmp_path.glob("inventory-bench-*")), "the practice is removed unless --keep"
