"""How fast is scheduling through the services, against raw ``sqlite3`` doing the same work?

Measured in one run on practices made by ``bench/scheduling_data.py``, each case as the
median of repeats and as a ratio against raw ``sqlite3`` on the same file, with the same
indexes and the same connection settings (WAL, ``synchronous = NORMAL``, foreign keys):

- the day schedule: ``appointment_lists.day`` for one provider on the practice's "today" against one
  SQL query returning the same rows joined with the patients', type, provider and location
  names (target: within 2x);
- slot search: ``slots.find_slots`` for one type across every provider over 30 days, for the
  next 20 free slots and for every free slot of the 30 days, against that one raw
  day-schedule query (target: within 10x);
- booking ``--bookings`` visits through ``booking.book`` (permission, validation, conflict
  check, the plugins' validation hook, audit and the ``appointment_changed`` event) against
  raw inserts with the same overlap check as ``booking.conflicts`` (target: within 5x):
  both one transaction per booking (``BEGIN IMMEDIATE`` … ``COMMIT``), and both batched,
  ``--batch`` bookings per transaction (one service operation for the whole batch). Each
  booking run works on a fresh copy of the file, so reruns are repeatable, and opens it (the
  runtime, or the raw connection) and books the plan's first visit before the clock starts,
  as a terminal opens the practice and compiles its statements once a day (that first
  booking costs 25-35 ms of CPU on the service's side, mostly SQLAlchemy compiling the
  statements for the new engine, and the set-up's first read);
- the peak memory of each case (``tracemalloc``, in a separate untimed pass) and the peak
  resident size of the process, per file: pass the 1-year and the 5-year practice to see
  whether they grow with the history.

Run (the files as made by the generator; see docs/performance.md):

    .venv/bin/python bench/scheduling.py /tmp/medoffice-bench/scheduling-1y.sqlite \\
        /tmp/medoffice-bench/scheduling-5y.sqlite --repeat 5 --booking-repeat 3

Each file is measured in a process of its own, so the resident sizes do not mix. Every case
records the wall time and the process's CPU time (the raw side's included, since it runs in
the same process); ``--clock cpu`` reports the CPU medians, steadier when other work shares
the machine, and each file's line gives the load average. Before each timed run the garbage
collector runs (untimed), so that a short case does not pay for the garbage the case before
it left (the every-slot search leaves megabytes); ``--reads-only`` skips the bookings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scheduling_data import FRONT_DESK, audit_key_file, describe, open_practice  # noqa: E402

BOOK_TYPE = "Sick visit"  # 15 minutes, for any patient
SLOT_TYPE = "Follow-up"
SEARCH_DAYS = 30
UTC = dt.timezone.utc

RAW_DAY = """
SELECT a.id, a.patient_id, p.mrn, p.last_name || ', ' || p.first_name, a.provider_id, s.name, t.name,
       a.starts_at, a.ends_at, a.status, l.name, r.name, a.overbooked, a.note, a.cancel_reason,
       a.arrived_at, a.roomed_at, a.completed_at
FROM scheduling_appointment AS a
JOIN scheduling_appointment_type AS t ON t.id = a.type_id
JOIN core_patient AS p ON p.id = a.patient_id
JOIN core_staff AS s ON s.id = a.provider_id
LEFT JOIN core_location AS l ON l.id = a.location_id
LEFT JOIN core_room AS r ON r.id = a.room_id
WHERE a.provider_id = ? AND a.starts_at >= ? AND a.starts_at < ?
ORDER BY a.starts_at, a.id
"""

# The same check as booking.conflicts: what holds the provider or the patient in [start, end).
RAW_CONFLICTS = """
SELECT id, provider_id, patient_id, room_id, starts_at, ends_at FROM scheduling_appointment
WHERE status IN ('booked', 'arrived', 'in_room', 'completed') AND overbooked IS 0
  AND starts_at < ? AND ends_at > ? AND starts_at >= datetime(?, '-1 day')
  AND (provider_id = ? OR patient_id = ?)
ORDER BY starts_at
"""

RAW_INSERT = """
INSERT INTO scheduling_appointment (patient_id, provider_id, type_id, location_id, room_id, starts_at, ends_at,
    status, overbooked, note, booked_at, booked_by)
VALUES (?, ?, ?, ?, NULL, ?, ?, 'booked', 0, NULL, ?, ?)
"""


def stamp(moment: dt.datetime) -> str:
    """A UTC time as SQLAlchemy stores it in SQLite (what the service's queries compare)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection set up as the application's engine sets up its own."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 15000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def fresh_copy(path: Path, work: Path, name: str) -> Path:
    """A copy of the practice (and its audit key) to book into."""
    work.mkdir(parents=True, exist_ok=True)
    target = work / name
    for suffix in ("", "-wal", "-shm", ".audit-key"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(path, target)
    shutil.copyfile(audit_key_file(path), audit_key_file(target))
    return target


def drop_copy(target: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".audit-key"):
        Path(str(target) + suffix).unlink(missing_ok=True)


def timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    """The wall time and this process's CPU time of ``action``, in seconds, and its result."""
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - start, time.process_time() - cpu, result


def peak_kib(action: Callable[[], Any]) -> float:
    """The peak of Python allocations while ``action`` runs, in KiB."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


# -- the plan of bookings ------------------------------------------------------------------------


def booking_plan(path: Path, description: dict[str, Any], count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` free 15-minute slots after the generated bookings, each with a patient who has
    no other visit that day: every booking must succeed, for the service and for raw SQL."""
    zone = ZoneInfo(description["timezone"])
    conn = sqlite3.connect(path)
    try:
        templates = conn.execute("SELECT provider_id, location_id, weekday, start_time, end_time "
                                 "FROM scheduling_template ORDER BY provider_id, weekday, start_time").fetchall()
        type_id, minutes = conn.execute("SELECT id, duration_minutes FROM scheduling_appointment_type "
                                        "WHERE name = ?", (BOOK_TYPE,)).fetchone()
        mrns = dict(conn.execute("SELECT id, mrn FROM core_patient").fetchall())
    finally:
        conn.close()
    rng = random.Random(seed)
    patient_ids = sorted(mrns)
    length = dt.timedelta(minutes=minutes)
    day = dt.date.fromisoformat(description["last_day"]) + dt.timedelta(days=14)
    plan: list[dict[str, Any]] = []
    while len(plan) < count:
        blocks = [t for t in templates if t[2] == day.weekday()]
        wanted = sum(int((dt.datetime.combine(day, dt.time.fromisoformat(end))
                          - dt.datetime.combine(day, dt.time.fromisoformat(start))) / length)
                     for _p, _l, _w, start, end in blocks)
        people = iter(rng.sample(patient_ids, min(wanted, len(patient_ids))))
        for provider_id, location_id, _weekday, start, end in blocks:
            wall = dt.datetime.combine(day, dt.time.fromisoformat(start))
            close = dt.datetime.combine(day, dt.time.fromisoformat(end))
            while wall + length <= close and len(plan) < count:
                patient_id = next(people, None)
                if patient_id is None:
                    break
                begins = wall.replace(tzinfo=zone)
                plan.append({"mrn": mrns[patient_id], "patient_id": patient_id, "provider_id": provider_id,
                             "location_id": location_id, "type_id": type_id, "start": begins,
                             "starts_at": stamp(begins), "ends_at": stamp(begins + length)})
                wall += length
        day += dt.timedelta(days=1)
    return plan


# -- the cases -----------------------------------------------------------------------------------


class Cases:
    """Every measured action on one practice, service side and raw side."""

    def __init__(self, path: Path, work: Path, args: argparse.Namespace) -> None:
        self.path, self.work, self.args = path, work, args
        self.description = describe(path)
        self.zone = ZoneInfo(self.description["timezone"])
        self.today = dt.date.fromisoformat(self.description["today"])
        self.now = dt.datetime.combine(self.today, dt.time(7), self.zone).astimezone(UTC)
        self.runtime = open_practice(path, clock=lambda: self.now)
        from medoffice.core.services.users import load_user

        self.user = load_user(self.runtime, FRONT_DESK)
        self.raw = raw_connection(path)
        self.provider_id = self.raw.execute("SELECT min(provider_id) FROM scheduling_template").fetchone()[0]
        start = dt.datetime.combine(self.today, dt.time(), self.zone)
        self.day_bounds = (stamp(start), stamp(start + dt.timedelta(days=1)))
        self.plan = booking_plan(path, self.description, args.bookings, args.seed)

    def close(self) -> None:
        self.raw.close()
        self.runtime.close()

    # reading

    def service_day(self) -> list:
        from medoffice.plugins.scheduling import appointment_lists

        with self.runtime.operation(self.user, write=False) as ctx:
            return appointment_lists.day(ctx, self.today, provider_id=self.provider_id)

    def raw_day(self) -> list:
        self.raw.execute("BEGIN")
        rows = self.raw.execute(RAW_DAY, (self.provider_id, *self.day_bounds)).fetchall()
        self.raw.execute("COMMIT")
        return rows

    def slots(self, limit: int) -> Callable[[], list]:
        def search() -> list:
            from medoffice.plugins.scheduling import slots

            with self.runtime.operation(self.user, write=False) as ctx:
                return slots.find_slots(ctx, SLOT_TYPE, self.today,
                                        self.today + dt.timedelta(days=SEARCH_DAYS - 1), limit=limit)
        return search

    # booking

    def service_booking(self, target: Path, plan: list[dict[str, Any]],
                        batch: int | None) -> tuple[Callable[[], int], Callable[[], None]]:
        """The bookings of ``plan`` through ``booking.book`` on a runtime opened (and closed) outside
        the clock, as a terminal opens the practice once a day: what to time, and what to close."""
        from medoffice.plugins.scheduling import booking

        runtime = open_practice(target, clock=lambda: self.now)
        first, plan = plan[0], plan[1:]
        with runtime.operation(self.user) as ctx:  # the terminal's first booking: compiles, reads the set-up
            booking.book(ctx, first["mrn"], first["provider_id"], BOOK_TYPE, first["start"])

        def run() -> int:
            if batch is None:
                for item in plan:
                    with runtime.operation(self.user) as ctx:
                        booking.book(ctx, item["mrn"], item["provider_id"], BOOK_TYPE, item["start"])
            else:
                for first in range(0, len(plan), batch):
                    with runtime.operation(self.user) as ctx:
                        for item in plan[first:first + batch]:
                            booking.book(ctx, item["mrn"], item["provider_id"], BOOK_TYPE, item["start"])
            return len(plan) + 1
        return run, runtime.close

    def raw_booking(self, target: Path, plan: list[dict[str, Any]],
                    batch: int | None) -> tuple[Callable[[], int], Callable[[], None]]:
        """The same bookings as raw overlap checks and inserts on a connection opened outside the clock."""
        conn = raw_connection(target)
        booked_at = stamp(self.now)

        def one(item: dict[str, Any]) -> None:
            taken = conn.execute(RAW_CONFLICTS, (item["ends_at"], item["starts_at"], item["starts_at"],
                                                 item["provider_id"], item["patient_id"])).fetchall()
            if taken:
                raise RuntimeError(f"slot taken: {taken}")
            conn.execute(RAW_INSERT, (item["patient_id"], item["provider_id"], item["type_id"], item["location_id"],
                                      item["starts_at"], item["ends_at"], booked_at, FRONT_DESK))

        def transaction(items: list[dict[str, Any]]) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for item in items:
                    one(item)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

        transaction(plan[:1])  # the first booking, as on the service's side
        rest = plan[1:]

        def run() -> int:
            step = batch or 1
            for first in range(0, len(rest), step):
                transaction(rest[first:first + step])
            return len(plan)
        return run, conn.close

    def booked_in(self, target: Path) -> int:
        conn = sqlite3.connect(target)
        try:
            return conn.execute("SELECT count(*) FROM scheduling_appointment WHERE starts_at >= ?",
                                (self.plan[0]["starts_at"],)).fetchone()[0]
        finally:
            conn.close()


def measure(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Every case on one practice: medians (seconds), peaks (KiB) and sanity counts."""
    work = args.work_dir or path.parent / "work"
    cases = Cases(path, work, args)
    results: dict[str, Any] = {"file": str(path), "description": cases.description, "cases": {}}
    try:
        service_rows, raw_rows = cases.service_day(), cases.raw_day()  # warm up, and compare
        if len(service_rows) != len(raw_rows) or [v.id for v in service_rows] != [r[0] for r in raw_rows]:
            raise SystemExit(f"the service's day ({len(service_rows)} rows) differs from raw SQL ({len(raw_rows)})")
        reading = {
            "day: service": cases.service_day,
            "day: raw sqlite3": cases.raw_day,
            "slots, next 20: service": cases.slots(20),
            "slots, all in 30 days: service": cases.slots(1_000_000),
        }
        samples: dict[str, list[float]] = {name: [] for name in reading}
        cpu: dict[str, list[float]] = {name: [] for name in reading}
        counts: dict[str, int] = {}
        for action in reading.values():
            action()  # warm the caches
        for _ in range(args.repeat):
            for name, action in reading.items():
                gc.collect()  # each case pays for its own garbage, not for the previous case's
                seconds, used, found = timed(action)
                samples[name].append(seconds)
                cpu[name].append(used)
                counts[name] = len(found)
        for name, action in reading.items():
            results["cases"][name] = {"median": statistics.median(samples[name]),
                                      "cpu_median": statistics.median(cpu[name]), "rows": counts[name],
                                      "peak_kib": peak_kib(action)}

        if args.reads_only:
            return results
        batch = args.batch
        booking_cases = {
            "book one per transaction: service": (cases.service_booking, None),
            "book one per transaction: raw sqlite3": (cases.raw_booking, None),
            f"book {batch} per transaction: service": (cases.service_booking, batch),
            f"book {batch} per transaction: raw sqlite3": (cases.raw_booking, batch),
        }
        before = cases.booked_in(path)
        for name, (action, size) in booking_cases.items():
            seconds_each, cpu_each = [], []
            for repeat in range(args.booking_repeat):
                target = fresh_copy(path, work, f"booking-{path.stem}.sqlite")
                run, close = action(target, cases.plan, size)
                try:
                    seconds, used, booked = timed(run)
                finally:
                    close()
                after = cases.booked_in(target)
                if after - before != booked:
                    raise SystemExit(f"{name}: {after - before} new appointments, expected {booked}")
                seconds_each.append(seconds)
                cpu_each.append(used)
                drop_copy(target)
            target = fresh_copy(path, work, f"booking-{path.stem}.sqlite")
            sample = cases.plan[:min(len(cases.plan), batch)]
            run, close = action(target, sample, size)
            try:
                peak = peak_kib(run)
            finally:
                close()
            drop_copy(target)
            results["cases"][name] = {"median": statistics.median(seconds_each),
                                      "cpu_median": statistics.median(cpu_each), "rows": len(cases.plan),
                                      "peak_kib": peak, "peak_sample": len(sample)}
    finally:
        cases.close()
        results["max_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        results["load_average"] = os.getloadavg()[0]
    return results


# -- the report ----------------------------------------------------------------------------------

COMPARISONS = (
    # label, case, baseline, target ratio
    ("one provider's day", "day: service", "day: raw sqlite3", 2),
    ("slot search, next 20 free, every provider, 30 days", "slots, next 20: service", "day: raw sqlite3", 10),
    ("slot search, every free slot, every provider, 30 days", "slots, all in 30 days: service", "day: raw sqlite3", 10),
    ("book {n}, one per transaction", "book one per transaction: service",
     "book one per transaction: raw sqlite3", 5),
    ("book {n}, {batch} per transaction", "book {batch} per transaction: service",
     "book {batch} per transaction: raw sqlite3", 5),
)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}" if seconds < 10 else f"{seconds * 1000:,.0f}"


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = []
    for result in results:
        d = result["description"]
        lines.append(f"- `{Path(result['file']).name}`: {d['years']:g} years, {d['providers']} providers, "
                     f"{d['patients']:,} patients, {d['appointments']:,} appointments, "
                     f"{d['bytes'] / 2**20:,.0f} MiB; process peak RSS {result['max_rss_kib'] / 1024:,.0f} MiB; "
                     f"load average {result.get('load_average', 0):.1f} at the end")
    lines.append("")
    names = [f"{r['description']['years']:g}y" for r in results]
    clock = "CPU " if args.clock == "cpu" else ""
    header = "| case | target |" + "".join(f" {n}: service ({clock}ms) | {n}: raw ({clock}ms) | {n}: ratio |"
                                           for n in names)
    lines += [header, "|---|---:|" + "---:|---:|---:|" * len(results)]
    fill = {"n": f"{args.bookings:,}", "batch": args.batch}
    for label, case, base, target in COMPARISONS:
        case, base = case.format(**fill), base.format(**fill)
        if case not in results[0]["cases"]:
            continue
        cells = ""
        for result in results:
            key = "cpu_median" if args.clock == "cpu" else "median"
            mine, theirs = result["cases"][case][key], result["cases"][base][key]
            ratio = mine / max(theirs, 1e-9)
            cells += f" {_ms(mine)} | {_ms(theirs)} | {ratio:.1f}x{'' if ratio <= target else ' ✗'} |"
        lines.append(f"| {label.format(**fill)} | ≤ {target}x |{cells}")
    lines += ["", "| case | rows |" + "".join(f" {n}: peak KiB |" for n in names),
              "|---|---:|" + "---:|" * len(results)]
    for case in results[0]["cases"]:
        first = results[0]["cases"][case]
        rows = f"{first['rows']:,}" + (f" (peak over {first['peak_sample']:,})" if "peak_sample" in first else "")
        lines.append(f"| {case} | {rows} |" + "".join(f" {r['cases'][case]['peak_kib']:,.0f} |" for r in results))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", type=Path, nargs="+", help="practices made by bench/scheduling_data.py")
    parser.add_argument("--repeat", type=int, default=5, help="repeats of the reading cases")
    parser.add_argument("--booking-repeat", type=int, default=3, help="repeats of each booking case")
    parser.add_argument("--bookings", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1_000, help="bookings per transaction when batched")
    parser.add_argument("--seed", type=int, default=1, help="chooses the booked patients")
    parser.add_argument("--work-dir", type=Path, help="where the copies to book into go (default: beside each file)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="report wall time, or this process's CPU time (steadier on a shared machine)")
    parser.add_argument("--reads-only", action="store_true", help="measure the day and the slot searches alone")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of Markdown")
    parser.add_argument("--json-out", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(measure(args.paths[0].resolve(), args)))
        return
    results = []
    passed = ["--repeat", str(args.repeat), "--booking-repeat", str(args.booking_repeat), "--bookings",
              str(args.bookings), "--batch", str(args.batch), "--seed", str(args.seed)]
    if args.work_dir is not None:
        passed += ["--work-dir", str(args.work_dir)]
    if args.reads_only:
        passed.append("--reads-only")
    for path in args.paths:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, __file__, "--worker", str(path), *passed],
                              check=True, stdout=subprocess.PIPE, text=True)
        results.append(json.loads(done.stdout))
        print(f"{path}: measured in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    if args.json_out is not None:
        args.json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2) if args.json else report(results, args))


if __name__ == "__main__":
    main()
