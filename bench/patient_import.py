"""How fast is a CSV import of patients, against reading the file and inserting its rows raw?

Makes a new practice (the real migrations and ``init_practice``, with the billing and
scheduling plugins loaded as the command line loads them) on SQLite or PostgreSQL, writes a
CSV file of ``--patients`` patients (seed 1: names drawn as ``bench/scheduling_data.py``
draws them, a phone, an e-mail and an address each; every other row carries an MRN, as a
file from another system would, the others get the practice's next MRN), then measures,
each as one service operation as the administrator:

- **import**: ``patient_io.import_csv`` of the file into the empty practice (every row created);
- **import again**: the same file once more (every row unchanged: the idempotence check);
- **export**: ``patient_io.export_csv`` of every patient;
- **import changes**: that export with every phone number changed (every row updated);
- **register**: the first 1,000 rows (``REGISTERED``) without their MRNs, one
  ``patients.register`` call each (a new MRN drawn, likely duplicates looked up), all in one
  operation, as a desk registers patients;
- **raw insert**, the floor: ``csv.DictReader`` over the same file and one multi-row
  ``INSERT`` of its patients (search keys computed, no checks, no audit, no search terms),
  rolled back; and the same for the registered rows.

With ``--profile FILE``, the registration is then run once more (warm: the same forms, new
MRNs) under ``cProfile`` with this process's CPU clock, and the functions that cost most are
written to FILE (what docs/performance.md's passes on registration are read from).

Each service step is reported in seconds and as a ratio to the raw insert measured in the
same run, on the same database: by the wall clock (``_over_raw``) and by this process's CPU
time (``_over_raw_cpu``, steadier when other work shares the machine; on PostgreSQL it
leaves out the server's work), with the load average at the end. Before each timed step,
the raw ones included, the garbage collector runs (untimed), as in ``bench/scheduling.py``:
otherwise a step pays for a full collection that what the steps before it left behind
calls for (one of 45 ms fell inside the 155 ms of registering 1,000 patients).

    .venv/bin/python bench/patient_import.py sqlite:////tmp/medoffice-bench/import.sqlite
    .venv/bin/python bench/patient_import.py postgresql+psycopg://postgres@127.0.0.1:5432/medoffice_import_bench

The database is made anew on every run: a SQLite file is deleted, a PostgreSQL database is
dropped and created (the server must let the user do so). The audit key and config go in
``--home`` (default ``/tmp/medoffice-bench/import-home``).
"""

from __future__ import annotations

import argparse
import gc
import cProfile
import csv
import datetime as dt
import io
import os
import pstats
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import report  # noqa: E402
from scheduling_data import plugin_candidates  # noqa: E402

PASSWORD = "bench-password"
NOW = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.timezone.utc)
REGISTERED = 1_000
"""Patients registered one ``patients.register`` call each, in one operation (the desk's way,
many times over), before the import."""
COLUMNS = ("mrn", "first_name", "last_name", "date_of_birth", "sex", "phone", "email", "address_line1", "city",
           "state", "postal_code", "preferred_language")


def _settings(url: str, home: Path):
    from medoffice.core.config import Settings

    home.mkdir(parents=True, exist_ok=True)
    name = url.rsplit("/", 1)[-1].replace(".", "-")
    return Settings(database_url=url, config_dir=home / "config", audit_key_file_given=home / f"{name}.audit-key")


def _fresh_database(url: str) -> None:
    """Delete the SQLite file, or drop and create the PostgreSQL database, named by ``url``."""
    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[1])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        return
    import psycopg

    from medoffice.testing._backends import libpq_url

    server, _, name = libpq_url(url).rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def patients_csv(count: int) -> str:
    """``count`` patients as the CSV an office would bring from its old system."""
    from faker.providers.person.en_US import Provider as Names

    rng = random.Random(1)
    female, male, last = list(Names.first_names_female), list(Names.first_names_male), list(Names.last_names)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for number in range(1, count + 1):
        sex = "female" if rng.random() < 0.52 else "male"
        first = rng.choice(female if sex == "female" else male)
        surname = rng.choice(last)
        phone = f"555{rng.randrange(10**7):07d}"
        born = dt.date(2025, 1, 1) - dt.timedelta(days=rng.randrange(0, 95 * 365))
        writer.writerow([f"OLD-{number:06d}" if number % 2 else "", first, surname, born.isoformat(), sex,
                         f"({phone[:3]}) {phone[3:6]}-{phone[6:]}", f"{first}.{surname}{number}@example.org".lower(),
                         f"{rng.randrange(1, 999)} Oak St", "Springfield", "IL", "62701", "English"])
    return out.getvalue()


def changed_phones(text: str) -> str:
    """An export with every patient's phone number changed."""
    rows = list(csv.reader(io.StringIO(text)))
    column = rows[0].index("phone")
    for number, row in enumerate(rows[1:], start=1):
        row[column] = f"(555) 9{number // 10000 % 10}{number // 1000 % 10}-{number % 1000:04d}"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def raw_insert(runtime: Any, text: str) -> tuple[float, float]:
    """The floor: parse the file and insert its patients in one statement, then roll back.
    Returns the wall time and this process's CPU time, in seconds."""
    from sqlalchemy import insert

    from medoffice.core.services.patients import search_key
    from medoffice.core.storage.models import Patient

    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    rows = []
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        rows.append({"mrn": f"RAW-{number:06d}", "first_name": row["first_name"],
                     "last_name": row["last_name"], "date_of_birth": dt.date.fromisoformat(row["date_of_birth"]),
                     "sex": row["sex"], "phone": row["phone"], "email": row["email"],
                     "address_line1": row["address_line1"], "city": row["city"], "state": row["state"],
                     "postal_code": row["postal_code"], "preferred_language": row["preferred_language"],
                     "country": "US", "active": True, "reminders": True, "search_last": search_key(row["last_name"]),
                     "search_first": search_key(row["first_name"]), "created_at": NOW, "updated_at": NOW})
    conn = runtime.engine.connect()
    transaction = conn.begin()
    conn.execute(insert(Patient.__table__), rows)
    elapsed = time.perf_counter() - started, time.process_time() - cpu
    transaction.rollback()
    conn.close()
    return elapsed


def profile_registering(runtime: Any, user: Any, forms: list[dict[str, str]], out: Path) -> None:
    """Register ``forms`` once more in one operation under ``cProfile`` on this process's CPU
    clock, and write the 40 functions that cost most in themselves, then by what they call."""
    from medoffice.core.services import patients

    gc.collect()
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    with runtime.operation(user) as ctx:
        for form in forms:
            patients.register(ctx, form)
    profile.disable()
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text)
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(40)
    out.write_text(text.getvalue())


def run(url: str, count: int, home: Path, profile: Path | None = None) -> dict[str, Any]:
    from medoffice.core.runtime import open_runtime
    from medoffice.core.services import patient_io, patients
    from medoffice.core.setup import init_practice

    _fresh_database(url)
    for stale in home.glob("*.audit-key"):
        stale.unlink()
    runtime = open_runtime(url, settings=_settings(url, home), candidates=plugin_candidates(("billing", "scheduling")),
                           clock=lambda: NOW)
    _practice, admin = init_practice(runtime, {"name": "Import Benchmark Practice", "timezone": "America/New_York"},
                                     admin_username="admin", admin_password=PASSWORD)
    text = patients_csv(count)
    results: dict[str, Any] = {"database": url.split(":", 1)[0], "patients": count}

    def timed(name: str, action) -> Any:
        gc.collect()
        mark, cpu = time.perf_counter(), time.process_time()
        with runtime.operation(admin) as ctx:
            outcome = action(ctx)
        results[f"{name}_s"] = round(time.perf_counter() - mark, 3)
        results[f"{name}_cpu_s"] = round(time.process_time() - cpu, 3)
        return outcome

    results["raw_insert_s"], results["raw_insert_cpu_s"] = (round(t, 3) for t in raw_insert(runtime, text))
    first = timed("import", lambda ctx: patient_io.import_csv(ctx, io.StringIO(text)))
    results["import_created"] = len(first.created)
    again = timed("import_again", lambda ctx: patient_io.import_csv(ctx, io.StringIO(text)))
    results["import_again_unchanged"] = len(again.unchanged)
    exported = io.StringIO()
    results["export_rows"] = timed("export", lambda ctx: patient_io.export_csv(ctx, exported))
    changes = timed("import_changes", lambda ctx: patient_io.import_csv(ctx, io.StringIO(changed_phones(
        exported.getvalue()))))
    results["import_changes_updated"] = len(changes.updated)
    # The desk's way: one patients.register call each, in one operation, after the import
    # (new MRNs drawn; each checked against the practice's patients for likely duplicates).
    few = "\n".join(text.splitlines()[:min(count, REGISTERED) + 1]) + "\n"
    forms = [{**row, "mrn": ""} for row in csv.DictReader(io.StringIO(few))]
    results["raw_insert_registered_s"], results["raw_insert_registered_cpu_s"] = (
        round(t, 3) for t in raw_insert(runtime, few))
    registered = timed("register", lambda ctx: [patients.register(ctx, form) for form in forms])
    results["registered"] = len(registered)
    for name, raw in (("import", "raw_insert"), ("import_again", "raw_insert"), ("export", "raw_insert"),
                      ("import_changes", "raw_insert"), ("register", "raw_insert_registered")):
        results[f"{name}_over_raw"] = round(results[f"{name}_s"] / max(results[f"{raw}_s"], 1e-6), 1)
        results[f"{name}_over_raw_cpu"] = round(results[f"{name}_cpu_s"] / max(results[f"{raw}_cpu_s"], 1e-6), 1)
    results["load_average"] = round(os.getloadavg()[0], 1)
    if profile is not None:
        profile_registering(runtime, admin, forms, profile)
    runtime.close()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="sqlite:///FILE or postgresql+psycopg://USER@HOST/DBNAME (made anew)")
    parser.add_argument("--patients", type=int, default=5_000)
    parser.add_argument("--home", type=Path, default=Path("/tmp/medoffice-bench/import-home"))
    parser.add_argument("--json-out", type=Path, help="also write the results as JSON here")
    parser.add_argument("--profile", type=Path, help="profile the registration once more and write it here")
    args = parser.parse_args(argv)
    results = run(args.url, args.patients, args.home, args.profile)
    report(results, args.json_out)


if __name__ == "__main__":
    main()
