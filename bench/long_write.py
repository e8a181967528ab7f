"""How long does another desk's read wait while a long patient import runs?

Makes a new practice (the real migrations and ``init_practice``, with the billing and
scheduling plugins loaded as the command line loads them) on SQLite or PostgreSQL, writes a
CSV file of ``--patients`` patients (``bench/patient_import.py``'s), then:

- **read idle**: ``medoffice patients find smith`` and ``medoffice appointments day``, each a
  process of its own signed in as another user (sign-in appends to the audit log), on the
  idle practice: the median of three rounds. The baseline.
- **import**: the administrator's ``patient_io.import_csv`` of the file, in a thread with its
  own runtime.
- **reads during**: the same two commands, one after the other, for as long as the import
  runs; each one's time, and how many failed (``database is locked`` after the busy timeout).

Each read's time is reported in seconds and as a ratio to the idle read of the same command
in the same run: the longest (``max_over_idle``: the worst wait of a desk) and the median.
A read that waits for the import's whole write lock shows a ratio near the import's length
over a read's; one that does not wait stays near 1 (the machine is busier: 1 to 3).

    .venv/bin/python bench/long_write.py sqlite:////tmp/medoffice-bench/long-write.sqlite
    .venv/bin/python bench/long_write.py postgresql+psycopg://postgres@127.0.0.1:5432/medoffice_long_write_bench

The database is made anew on every run (see ``bench/patient_import.py``). The audit key and
config go in ``--home`` (default ``/tmp/medoffice-bench/long-write-home``).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import report  # noqa: E402
from patient_import import NOW, PASSWORD, _fresh_database, _settings, patients_csv  # noqa: E402
from scheduling_data import plugin_candidates  # noqa: E402

READS = (("patients", "find", "smith"), ("appointments", "day"))


def _desk_env(url: str, home: Path) -> dict[str, str]:
    settings = _settings(url, home)
    env = {**os.environ, "MEDOFFICE_HOME": str(home), "MEDOFFICE_AUDIT_KEY_FILE": str(settings.audit_key_file_given),
           "MEDOFFICE_USER": "desk", "MEDOFFICE_PASSWORD": PASSWORD}
    env.pop("MEDOFFICE_DB", None)
    env.pop("MEDOFFICE_AUDIT_KEY", None)
    return env


def read_once(url: str, env: dict[str, str], args: tuple[str, ...]) -> tuple[float, bool]:
    """One command as another desk: its seconds, and whether it succeeded."""
    command = [str(Path(sys.executable).with_name("medoffice")), "--db", url, *args]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=300)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, False
    return time.perf_counter() - started, done.returncode == 0


def run(url: str, count: int, home: Path) -> dict[str, Any]:
    from medoffice.core.runtime import open_runtime
    from medoffice.core.services import patient_io
    from medoffice.core.services.users import add_user
    from medoffice.core.setup import init_practice

    _fresh_database(url)
    for stale in home.glob("*.audit-key"):
        stale.unlink()
    runtime = open_runtime(url, settings=_settings(url, home), candidates=plugin_candidates(("billing", "scheduling")),
                           clock=lambda: NOW)
    _practice, admin = init_practice(runtime, {"name": "Long Write Benchmark Practice", "timezone": "America/New_York"},
                                     admin_username="admin", admin_password=PASSWORD)
    with runtime.operation(admin) as ctx:
        add_user(ctx, "desk", "Front Desk", PASSWORD, ["front_desk"])
    text = patients_csv(count)
    env = _desk_env(url, home)
    results: dict[str, Any] = {"database": url.split(":", 1)[0], "patients": count}

    idle = {args: statistics.median(read_once(url, env, args)[0] for _round in range(3)) for args in READS}
    results["read_idle_s"] = round(statistics.mean(idle.values()), 2)

    finished = threading.Event()
    span: dict[str, float] = {}

    def work() -> None:
        span["start"] = time.perf_counter()
        try:
            with runtime.operation(admin) as ctx:
                patient_io.import_csv(ctx, io.StringIO(text))
        finally:
            span["end"] = time.perf_counter()
            finished.set()

    thread = threading.Thread(target=work)
    thread.start()
    ratios: list[float] = []
    waits: list[float] = []
    failed = 0
    while not finished.is_set():
        for args in READS:
            seconds, ok = read_once(url, env, args)
            waits.append(seconds)
            ratios.append(seconds / idle[args])
            failed += not ok
            if finished.is_set():
                break
    thread.join()
    runtime.close()
    results["import_s"] = round(span["end"] - span["start"], 2)
    results["reads_during"] = len(waits)
    results["reads_failed"] = failed
    results["read_during_max_s"] = round(max(waits), 2)
    results["read_during_median_s"] = round(statistics.median(waits), 2)
    results["max_over_idle"] = round(max(ratios), 1)
    results["median_over_idle"] = round(statistics.median(ratios), 1)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="sqlite:///FILE or postgresql+psycopg://USER@HOST/DBNAME (made anew)")
    parser.add_argument("--patients", type=int, default=12_000)
    parser.add_argument("--home", type=Path, default=Path("/tmp/medoffice-bench/long-write-home"))
    parser.add_argument("--json-out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    results = run(args.url, args.patients, args.home)
    report(results, args.json_out)


if __name__ == "__main__":
    main()
