"""Patient search in the service, on 50,000 patients, on SQLite or PostgreSQL: one timing per
kind of text a caller gives (a name's start, part of a hyphenated name, last and first, the
last 4 or 7 digits of a phone, a short or full birth date, an MRN).

The practice is the core alone (no plugin), made once per database by this script: the real
migrations and set-up (``init_practice``), then 50,000 patients inserted in bulk, drawn as
``bench/scheduling_data.py`` draws them (seed 1) except that every 20th patient has a
double-barrelled last name (``Miles-Hart``), as 5 % of a practice's patients might. When
the schema has the search-term table (c0003), its rows are written with the service's own
``patient_search.search_terms``. An existing practice is reused as it is; after a core
upgrade, run ``medoffice --db URL db upgrade`` on it (c0003 fills the table for every patient).

The texts are chosen from the data by patient (patient 12345's phone, birth date and MRN;
the most common five-letter last name; the second half of patient 20's name), so every run
on the same data times the same texts. Each text is searched once to warm up, then
``--repeat`` times as the screens call it: ``patients.find(ctx, text, limit=50)`` in a
read-only unit of work as the administrator. The table gives the median and the 90th
percentile in milliseconds, the median CPU time of this process (the search's own work,
including SQLite's, less sensitive to a loaded machine than the wall clock), the rows found
and why the first one matched.

    .venv/bin/python bench/patient_search.py sqlite:////tmp/medoffice-bench/search-core-50k.sqlite
    .venv/bin/python bench/patient_search.py postgresql+psycopg://postgres@127.0.0.1:5432/medoffice_search_bench

A PostgreSQL database is created when missing (the server must let the user do so). The
audit key and config go in ``--home`` (default ``/tmp/medoffice-bench/search-home``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

PATIENTS = 50_000
SAMPLE = 12_345
LIMIT = 50
PASSWORD = "bench-password"


def _settings(url: str, home: Path):
    from medoffice.core.config import Settings

    home.mkdir(parents=True, exist_ok=True)
    name = url.rsplit("/", 1)[-1].replace(".", "-")
    return Settings(database_url=url, config_dir=home / "config", audit_key_file_given=home / f"{name}.audit-key")


def _create_database(url: str) -> None:
    """Create a PostgreSQL database named by ``url`` when it does not exist."""
    if not url.startswith("postgresql"):
        return
    import psycopg

    from medoffice.testing._backends import libpq_url

    server, _, name = libpq_url(url).rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def _rows(now: dt.datetime) -> list[dict[str, Any]]:
    """scheduling_data's patients, every 20th with a double-barrelled last name."""
    from faker.providers.person.en_US import Provider as Names
    from scheduling_data import _patients

    from medoffice.core.services.patients import search_key

    rows = _patients(random.Random(1), PATIENTS, now)
    surnames = list(Names.last_names)
    for row in rows[19::20]:
        row["last_name"] = f"{row['last_name']}-{surnames[(row['id'] * 7) % len(surnames)]}"
        row["search_last"] = search_key(row["last_name"])
    return rows


def _term_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    try:
        from medoffice.core.services.patient_search import search_terms
    except ImportError:  # a medoffice from before the search-term table
        return None
    return [{"patient_id": row["id"], "kind": kind, "term": term}
            for row in rows for kind, term in search_terms(row["last_name"], row["first_name"], row["phone"])]


def make(url: str, home: Path) -> Any:
    """Open the practice at ``url``, making it (schema, set-up, patients) when it has none."""
    from sqlalchemy import insert, update

    from medoffice.core.runtime import open_runtime
    from medoffice.core.setup import init_practice
    from medoffice.core.storage import models

    _create_database(url)
    now = dt.datetime(2025, 6, 2, 11, tzinfo=dt.timezone.utc)
    runtime = open_runtime(url, settings=_settings(url, home), candidates=[])
    if runtime.has_practice:
        return runtime
    started = time.perf_counter()
    init_practice(runtime, {"name": "Search Benchmark Practice", "timezone": "America/New_York"},
                  admin_username="admin", admin_password=PASSWORD)
    rows = _rows(now)
    terms = _term_rows(rows)
    with runtime.engine.begin() as conn:
        for chunk in range(0, len(rows), 5_000):
            conn.execute(insert(models.Patient.__table__), rows[chunk:chunk + 5_000])
        if terms is not None:
            table = models.PatientSearchTerm.__table__
            for chunk in range(0, len(terms), 5_000):
                conn.execute(insert(table), terms[chunk:chunk + 5_000])
        conn.execute(update(models.Practice.__table__).values(next_mrn=PATIENTS + 1))
        if runtime.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('core_patient', 'id'), %s)" % PATIENTS)
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    print(f"made {PATIENTS:,} patients in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return runtime


def cases(runtime: Any) -> list[tuple[str, str]]:
    """(what the text is, the text), chosen from the data."""
    from sqlalchemy import func, select

    from medoffice.core.storage.models import Patient

    with runtime.engine.connect() as conn:
        common = conn.execute(select(Patient.search_last, func.count()).where(func.length(Patient.search_last) == 5)
                              .group_by(Patient.search_last).order_by(func.count().desc(), Patient.search_last)
                              .limit(1)).scalar_one()
        first = conn.execute(select(Patient.first_name).where(Patient.search_last == common)
                             .order_by(Patient.id).limit(1)).scalar_one()
        sample = conn.execute(select(Patient).where(Patient.id == SAMPLE)).one()
        double = conn.execute(select(Patient.last_name).where(Patient.id == 20)).scalar_one()
    digits = "".join(c for c in sample.phone if c.isdigit())
    born = sample.date_of_birth
    part = double.split("-")[-1].lower()
    return [
        ("name, 1 letter", common[:1]), ("name, 3 letters", common[:3]), ("name, whole", common),
        ("last, first", f"{common}, {first[:1].lower()}"), ("first last", f"{first.lower()} {common}"),
        ("part of a name, 3 letters", part[:3]), ("part of a name, whole", part),
        ("phone, last 4", digits[-4:]), ("phone, last 7", f"{digits[-7:-4]}-{digits[-4:]}"),
        ("phone, whole as stored", sample.phone), ("phone, whole spaced", f"{digits[:3]} {digits[3:]}"),
        ("birth date, short", f"{born.month}/{born.day}/{born.year % 100:02d}"),
        ("birth date, ISO", born.isoformat()), ("MRN", sample.mrn),
        ("hostile: 0000", "0000"), ("hostile: %", "%"),
    ]


def measure(runtime: Any, texts: list[tuple[str, str]], repeat: int) -> list[dict[str, Any]]:
    from medoffice.core.services import patients
    from medoffice.core.services.users import load_user

    user = load_user(runtime, "admin")

    def find(text: str) -> list:
        with runtime.operation(user, write=False) as ctx:
            try:
                return patients.find(ctx, text, limit=LIMIT)
            except Exception as exc:  # a refused text is a result too
                return [exc]

    results = []
    for label, text in texts:
        find(text)
        times, cpu = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            found = find(text)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        first = found[0] if found else None
        why = getattr(first, "reason", None) or (type(first).__name__ if first is not None else "")
        results.append({"case": label, "text": text, "median_ms": statistics.median(times),
                        "p90_ms": statistics.quantiles(times, n=10, method="inclusive")[-1],
                        "cpu_median_ms": statistics.median(cpu),
                        "rows": sum(1 for f in found if hasattr(f, "patient")), "first_matched": why})
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="sqlite:////path/file.sqlite or postgresql+psycopg://user@host/db")
    parser.add_argument("--home", type=Path, default=Path("/tmp/medoffice-bench/search-home"))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    runtime = make(args.url, args.home)
    try:
        results = measure(runtime, cases(runtime), args.repeat)
        dialect = runtime.engine.dialect.name
    finally:
        runtime.close()
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2))
    print(f"patients.find on {PATIENTS:,} patients, {dialect}, {args.repeat} calls each; "
          f"load {os.getloadavg()[0]:.1f}\n")
    print("| text | typed | median (ms) | p90 (ms) | CPU median (ms) | rows | first matched as |\n"
          "|---|---|---:|---:|---:|---:|---|")
    for r in results:
        print(f"| {r['case']} | `{r['text']}` | {r['median_ms']:.1f} | {r['p90_ms']:.1f} | {r['cpu_median_ms']:.1f} | "
              f"{r['rows']} | {r['first_matched']} |")


if __name__ == "__main__":
    main()
