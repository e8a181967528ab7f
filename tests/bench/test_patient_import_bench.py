"""The patient import benchmark still runs: a tiny file on SQLite.

The numbers are not checked (they belong in docs/performance.md); what is checked is that
every step did what it says (every row created, then unchanged, then updated; every form
registered) and that every figure is reported, and the registration's profile written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_import_benchmark_runs_on_a_tiny_file(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "MEDOFFICE_HOME": str(tmp_path / "home"), "MEDOFFICE_FAST_HASHING": "1"}
    out = tmp_path / "import.json"
    subprocess.run([sys.executable, str(BENCH / "patient_import.py"), f"sqlite:///{tmp_path / 'import.sqlite'}",
                    "--patients", "12", "--home", str(tmp_path / "bench-home"), "--json-out", str(out),
                    "--profile", str(tmp_path / "register.prof.txt")],
                   check=True, capture_output=True, text=True, env=env, timeout=180)
    found = json.loads(out.read_text())
    assert found["import_created"] == found["import_again_unchanged"] == found["import_changes_updated"] == 12
    assert found["export_rows"] == 12 and found["registered"] == 12
    assert all(found[f"{step}_over_raw"] > 0 for step in ("import", "import_again", "export", "import_changes",
                                                          "register"))
    assert "patients.py" in (tmp_path / "register.prof.txt").read_text()  # the registration, profiled
