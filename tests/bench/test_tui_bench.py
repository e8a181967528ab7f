"""The TUI benchmarks still run: a tiny generated practice, one round each.

The numbers themselves are not checked (they belong in docs/performance.md, not in tests);
what is checked is that each benchmark reaches what it says it times (the day board with
every appointment of the day, the search results of every prefix typed) and reports it.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
TODAY = "2025-06-02"  # the generated practice's "today" (a Monday)


def run(script: str, *args: str, home: Path) -> str:
    env = {"PATH": "/usr/bin:/bin", "MEDOFFICE_HOME": str(home), "MEDOFFICE_FAST_HASHING": "1"}
    done = subprocess.run([sys.executable, str(BENCH / script), *args], check=True, capture_output=True,
                          text=True, env=env, timeout=120)
    return done.stdout


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny practice from the scheduling generator: 300 patients, its "today" booked."""
    folder = tmp_path_factory.mktemp("bench")
    path = folder / "tiny.sqlite"
    run("scheduling_data.py", str(path), "--scale", "tiny", "--seed", "7", home=folder / "home")
    return path


class TestStartup:
    def test_the_board_and_the_bare_table_show_the_days_appointments(self, tiny, tmp_path):
        """Both programs are timed once, and both tables held every appointment of the day."""
        results = tmp_path / "startup.json"
        table = run("tui_startup.py", "--db", str(tiny), "--day", TODAY, "--user", "frontdesk",
                    "--password", "bench-password", "--repeat", "1", "--warm", "0", "--json-out", str(results),
                    home=tmp_path / "home")
        data = json.loads(results.read_text())
        summary, samples = data["summary"], data["samples"]

        with sqlite3.connect(tiny) as conn:
            (booked,) = conn.execute("SELECT count(*) FROM scheduling_appointment WHERE starts_at >= ? "
                                     "AND starts_at < ?", (f"{TODAY} 04:00", f"{TODAY} 23:59")).fetchone()
        assert summary["rows"] == booked > 0
        for program in ("bare", "floor", "medoffice"):
            (sample,) = samples[program]
            assert (sample["rows"], sample["columns"]) == (booked, 8)
        tui = samples["medoffice"][0]
        assert tui["opened_with"] in ("home", "F5")
        marks = tui["marks"]
        assert 0 < marks["imported"] < marks["sign-in shown"] < marks["signed in"] < marks["interactive"]
        assert 0 < summary["bare_interactive"] and summary["ratio"] > 0
        assert summary["floor_ratio"] > 0 and summary["ratio_to_floor"] == pytest.approx(summary["ratio"] / summary["floor_ratio"])

        assert marks["sign-in shown"] < marks["enter"] < marks["signed in"] and "practice open" in marks
        ratio = re.search(r"Start to interactive board: ([0-9.]+)x the bare app", table)
        assert ratio is not None and float(ratio.group(1)) == round(summary["ratio"], 2)
        sign_in = re.search(r"Command to sign-in screen: ([0-9.]+)x the bare app", table)
        assert sign_in is not None and float(sign_in.group(1)) == round(summary["sign_in_ratio"], 2)
        board = re.search(r"Enter to interactive board: ([0-9.]+)x the bare app", table)
        assert board is not None and float(board.group(1)) == round(summary["board_ratio"], 2)
        assert f"Day board of {TODAY} ({booked} rows x 8 columns)" in table


class TestSearch:
    def test_every_key_typed_shows_the_results_the_service_finds(self, tiny, tmp_path):
        """Each prefix's results reach the screen, as many as both baselines find."""
        with sqlite3.connect(tiny) as conn:
            (name,) = conn.execute("SELECT search_last FROM core_patient ORDER BY id LIMIT 1").fetchone()
        text = name[:3]
        results = tmp_path / "search.json"
        table = run("tui_search.py", str(tiny), "--text", text, "--repeat", "1", "--json-out", str(results),
                    home=tmp_path / "home")
        data = json.loads(results.read_text())

        cases = data["cases"]
        assert list(cases) == [text[:1], text[:2], text[:3]]
        for case in cases.values():
            assert 0 < case["tui_rows"] == case["service_rows"] == case["raw_rows"] <= 50
            assert case["raw"] > 0 and case["service"] > 0
            # the screen searches after a pause in typing: no key's results can come sooner
            assert case["tui_p90"] >= case["tui_median"] >= data["summary"]["search_delay"]
        rows = [line for line in table.splitlines() if line.startswith("| ")]
        assert [line.split(" | ")[0][2:] for line in rows[1:]] == [*cases, "every key"]
