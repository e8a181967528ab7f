"""The scheduling benchmark and its data generator still run: a tiny practice, one repeat.

The numbers themselves are not checked (they belong in docs/performance.md, not in tests);
what is checked is that the generator makes the practice it describes, reproducibly and
without a double booking, and that the benchmark measures every case and reports it.
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

OVERLAPS = """
SELECT count(*) FROM (
    SELECT starts_at, lag(ends_at) OVER (PARTITION BY {who} ORDER BY starts_at) AS previous_end
    FROM scheduling_appointment WHERE status NOT IN ('cancelled', 'no_show') AND NOT overbooked
) WHERE previous_end > starts_at
"""


def run(script: str, *args: str, home: Path) -> str:
    env = {"PATH": "/usr/bin:/bin", "MEDOFFICE_HOME": str(home), "MEDOFFICE_FAST_HASHING": "1"}
    done = subprocess.run([sys.executable, str(BENCH / script), *args], check=True, capture_output=True,
                          text=True, env=env, timeout=120)
    return done.stdout


def generate(path: Path, home: Path) -> dict:
    return json.loads(run("scheduling_data.py", str(path), "--scale", "tiny", "--seed", "7", "--json", home=home))


def dump(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT * FROM scheduling_appointment ORDER BY id").fetchall()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("bench")
    path = folder / "tiny.sqlite"
    return path, generate(path, folder / "home")


class TestGenerator:
    def test_the_practice_holds_what_its_description_says(self, tiny):
        """The rows in the file are the counts the generator reports beside it."""
        path, description = tiny
        assert json.loads(Path(f"{path}.json").read_text()) == description
        with sqlite3.connect(path) as conn:
            (appointments,) = conn.execute("SELECT count(*) FROM scheduling_appointment").fetchone()
            (patients,) = conn.execute("SELECT count(*) FROM core_patient").fetchone()
            (providers,) = conn.execute("SELECT count(*) FROM core_staff WHERE is_provider").fetchone()
            (templates,) = conn.execute("SELECT count(*) FROM scheduling_template").fetchone()
            statuses = dict(conn.execute("SELECT status, count(*) FROM scheduling_appointment GROUP BY status"))
        assert 300 <= appointments == description["appointments"] <= 2000
        assert (patients, providers, templates) == (300, 2, 2 * 11)
        assert statuses == description["by_status"]
        assert set(statuses) == {"completed", "no_show", "cancelled", "booked"}

    def test_the_past_is_done_and_the_future_is_booked(self, tiny):
        """Visits before 'today' were completed, missed or cancelled; from today on they are booked."""
        path, description = tiny
        with sqlite3.connect(path) as conn:
            past = {s for (s,) in conn.execute("SELECT DISTINCT status FROM scheduling_appointment "
                                               "WHERE starts_at < ?", (description["today"],))}
            future = {s for (s,) in conn.execute("SELECT DISTINCT status FROM scheduling_appointment "
                                                 "WHERE starts_at > ?", (description["today"],))}
        assert past == {"completed", "no_show", "cancelled"}
        assert future == {"booked", "cancelled"}

    def test_nobody_is_double_booked(self, tiny):
        """No provider and no patient has two visits that hold the same time."""
        path, _ = tiny
        with sqlite3.connect(path) as conn:
            for who in ("provider_id", "patient_id"):
                assert conn.execute(OVERLAPS.format(who=who)).fetchone() == (0,)

    def test_the_same_seed_makes_the_same_practice(self, tiny, tmp_path):
        path, description = tiny
        again = tmp_path / "again.sqlite"
        assert generate(again, tmp_path / "home") | {"seconds": None, "bytes": None} \
            == description | {"seconds": None, "bytes": None}
        assert dump(again) == dump(path)


class TestBenchmark:
    def test_every_case_is_measured_and_reported(self, tiny, tmp_path):
        """One repeat of every case: the table (of CPU times) has every row, each ratio a positive number."""
        path, _ = tiny
        results_file = tmp_path / "results.json"
        table = run("scheduling.py", str(path), "--repeat", "1", "--booking-repeat", "1", "--bookings", "20",
                    "--batch", "10", "--work-dir", str(tmp_path / "work"), "--json-out", str(results_file), "--clock", "cpu",
                    home=tmp_path / "home")
        (result,) = json.loads(results_file.read_text())
        cases = result["cases"]
        assert set(cases) == {
            "day: service", "day: raw sqlite3", "slots, next 20: service", "slots, all in 30 days: service",
            "book one per transaction: service", "book one per transaction: raw sqlite3",
            "book 10 per transaction: service", "book 10 per transaction: raw sqlite3",
        }
        assert cases["day: service"]["rows"] == cases["day: raw sqlite3"]["rows"] > 0
        assert cases["slots, next 20: service"]["rows"] == 20
        assert cases["slots, all in 30 days: service"]["rows"] > 20
        assert all(case["median"] > 0 and case["cpu_median"] >= 0 and case["peak_kib"] > 0 for case in cases.values())
        assert all(case["rows"] == 20 for name, case in cases.items() if name.startswith("book"))

        rows = [line for line in table.splitlines() if line.startswith("| ")]
        ratios = {line.split(" | ")[0][2:]: line for line in rows if "x |" in line}
        assert list(ratios) == [
            "one provider's day", "slot search, next 20 free, every provider, 30 days",
            "slot search, every free slot, every provider, 30 days", "book 20, one per transaction",
            "book 20, 10 per transaction",
        ]
        for line in ratios.values():
            ratio = re.search(r"\| ([0-9.]+)x(?: ✗)? \|$", line)
            assert ratio is not None and float(ratio.group(1)) > 0, line
        assert sum(1 for line in rows if line.split(" | ")[0][2:] in cases) == len(cases)
        assert not list((tmp_path / "work").glob("*.sqlite")), "the copies booked into are removed"
