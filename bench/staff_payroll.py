"""How fast is the payroll register through the service, against raw ``sqlite3`` computing
the same figures in the same run?

Makes a practice (only the staff plugin loaded) of ``--staff`` people (200), each hourly at
their own rate, with a punch every weekday for ``--years`` years (3: about 150,000 punches;
one day in eight is 10 hours, so there is overtime) and some paid time off, then measures:

- the register of the last bi-weekly period that ended (``payroll.register``: permission,
  settings, the whole workweeks' punches, the federal rule, rates by day, gross per line)
  against raw ``sqlite3`` on the same file running the equivalent queries and the same
  arithmetic in plain Python (minutes split at local midnight, 40 hours a week, each pay line
  rounded half up to the cent). The figures must be equal, person by person, or the run
  fails. Target: within 5x;
- the peak memory (``tracemalloc``, an untimed pass) of the register for a period near the
  start of the history and for the last one: flat in the history length when they are
  alike (the register reads one period's workweeks, not the history);
- the process's peak resident size.

Run (a few minutes for the full size; see docs/performance.md):

    .venv/bin/python bench/staff_payroll.py /tmp/medoffice-bench/payroll.sqlite --repeat 5

``--staff 5 --years 0.1`` makes the tiny practice the smoke test uses.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

TIMEZONE = "America/New_York"
TODAY = dt.date(2026, 11, 20)
ANCHOR = dt.date(2026, 1, 4)  # the default settings: bi-weekly from a Sunday, Sunday workweeks, federal rule
PASSWORD = "bench-password"
CENT = Decimal("0.01")


def open_practice(path: Path, clock: Callable[[], dt.datetime]):
    from medoffice.core.config import Settings
    from medoffice.core.loader import discover
    from medoffice.core.runtime import open_runtime

    candidates, _failures = discover()
    url = f"sqlite:///{path}"
    settings = Settings(database_url=url, config_dir=path.parent / "config",
                        audit_key_file_given=path.with_name(path.name + ".audit-key"))
    return open_runtime(url, settings=settings, candidates=[c for c in candidates if c.info.id == "staff"],
                        clock=clock)


def generate(path: Path, *, staff: int, years: float, seed: int) -> dict[str, Any]:
    """The practice: people, rates, punches and paid time off, bulk inserted after a set-up
    through the services."""
    from sqlalchemy import insert

    from medoffice.core.setup import init_practice
    from medoffice.core.storage.models import Staff
    from medoffice.plugins.staff.models import PaidLeave, PayRate, Punch

    rng = random.Random(seed)
    zone = ZoneInfo(TIMEZONE)
    now = dt.datetime.combine(TODAY, dt.time(7), zone).astimezone(dt.timezone.utc)
    runtime = open_practice(path, lambda: now)
    init_practice(runtime, {"name": "Payroll benchmark practice", "timezone": TIMEZONE},
                  admin_username="admin", admin_password=PASSWORD)
    first = TODAY - dt.timedelta(days=round(years * 365.25))
    people = [{"id": i, "name": f"Staff {i:04d}", "role": "medical_assistant", "is_provider": False, "active": True}
              for i in range(1, staff + 1)]
    rates = [{"staff_id": i, "kind": "hourly", "amount": Decimal(rng.randrange(1500, 4500)) / 100,
              "effective_from": first, "set_by": "admin", "set_at": now} for i in range(1, staff + 1)]
    punches, leave = [], []
    day = first
    while day < TODAY:
        if day.weekday() < 5:
            for person in range(1, staff + 1):
                if rng.random() < 0.04:
                    leave.append({"staff_id": person, "day": day, "minutes": 480, "entered_by": "admin",
                                  "entered_at": now})
                    continue
                start = dt.datetime.combine(day, dt.time(8, rng.choice((0, 0, 5, 10))), zone)
                hours = 10 if rng.random() < 0.125 else 8
                end = start + dt.timedelta(hours=hours, minutes=rng.choice((0, 7, 15, 30)))
                punches.append({"staff_id": person, "clock_in": start.astimezone(dt.timezone.utc),
                                "clock_out": end.astimezone(dt.timezone.utc), "ended_for": "out",
                                "entered_by": "bench"})
        day += dt.timedelta(days=1)
    with runtime.engine.begin() as conn:
        conn.execute(insert(Staff.__table__), people)
        conn.execute(insert(PayRate.__table__), rates)
        for chunk in range(0, len(punches), 20_000):
            conn.execute(insert(Punch.__table__), punches[chunk:chunk + 20_000])
        if leave:
            conn.execute(insert(PaidLeave.__table__), leave)
    runtime.close()
    return {"staff": staff, "years": years, "punches": len(punches), "pto_days": len(leave),
            "first_day": first.isoformat()}


# -- raw sqlite3: the same figures by hand ----------------------------------------------------


def period_of(day: dt.date) -> tuple[dt.date, dt.date]:
    start = ANCHOR + dt.timedelta(days=((day - ANCHOR).days // 14) * 14)
    return start, start + dt.timedelta(days=13)


def midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.timezone.utc)


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def raw_register(conn: sqlite3.Connection, start: dt.date, end: dt.date) -> dict[int, tuple[int, int, int, Decimal]]:
    """Per person: (regular, overtime, pto minutes, gross), as the service computes them."""
    zone = ZoneInfo(TIMEZONE)
    first = start - dt.timedelta(days=(start.weekday() + 1) % 7)  # Sunday workweeks
    last = end + dt.timedelta(days=6 - (end.weekday() + 1) % 7)
    rows = conn.execute(
        "SELECT staff_id, clock_in, clock_out FROM staff_punch WHERE voided_at IS NULL AND clock_out IS NOT NULL"
        " AND clock_in >= ? AND clock_in < ? AND clock_out > ? ORDER BY staff_id, clock_in",
        (stamp(midnight(first, zone) - dt.timedelta(hours=36)), stamp(midnight(last + dt.timedelta(days=1), zone)),
         stamp(midnight(first, zone)))).fetchall()
    days: dict[int, dict[dt.date, int]] = {}
    utc = dt.timezone.utc
    for staff_id, clock_in, clock_out in rows:
        here = dt.datetime.fromisoformat(clock_in).replace(tzinfo=utc)
        until = dt.datetime.fromisoformat(clock_out).replace(tzinfo=utc)
        day = here.astimezone(zone).date()
        mine = days.setdefault(staff_id, {})
        while here < until:
            cut = min(until, midnight(day + dt.timedelta(days=1), zone))
            mine[day] = mine.get(day, 0) + int((cut - here).total_seconds()) // 60
            here, day = cut, day + dt.timedelta(days=1)
    leave: dict[int, int] = {}
    for staff_id, minutes in conn.execute("SELECT staff_id, minutes FROM staff_paid_leave WHERE voided_at IS NULL"
                                          " AND day BETWEEN ? AND ?", (start.isoformat(), end.isoformat())):
        leave[staff_id] = leave.get(staff_id, 0) + minutes
    rates = {staff_id: Decimal(cents) / 100 for staff_id, cents in conn.execute(
        "SELECT staff_id, amount FROM staff_pay_rate r WHERE effective_from = (SELECT max(effective_from) FROM"
        " staff_pay_rate WHERE staff_id = r.staff_id AND effective_from <= ?)", (end.isoformat(),))}
    found = {}
    for staff_id in set(days) | set(leave):
        regular = overtime = 0
        mine = days.get(staff_id, {})
        week = first
        while week <= last:
            done = 0
            for offset in range(7):
                on = week + dt.timedelta(days=offset)
                minutes = mine.get(on, 0)
                plain = max(0, min(minutes, 2400 - done))
                done += minutes
                if start <= on <= end:
                    regular, overtime = regular + plain, overtime + minutes - plain
            week += dt.timedelta(days=7)
        pto = leave.get(staff_id, 0)
        if not (regular or overtime or pto):
            continue
        rate = rates[staff_id]
        gross = sum((((rate * factor * minutes) / 60).quantize(CENT, rounding=ROUND_HALF_UP)
                     for factor, minutes in ((1, regular), (Decimal("1.5"), overtime), (1, pto)) if minutes),
                    Decimal("0.00"))
        found[staff_id] = (regular, overtime, pto, gross)
    return found


# -- measuring -------------------------------------------------------------------------------


def timed(action: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def peak_kib(action: Callable[[], Any]) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


def measure(path: Path, described: dict[str, Any], repeat: int) -> dict[str, Any]:
    from medoffice.core.services.users import sign_in
    from medoffice.plugins.staff import payroll

    zone = ZoneInfo(TIMEZONE)
    now = dt.datetime.combine(TODAY, dt.time(7), zone).astimezone(dt.timezone.utc)
    runtime = open_practice(path, lambda: now)
    user = sign_in(runtime, "admin", PASSWORD)
    last_start, last_end = period_of(TODAY - dt.timedelta(days=14))
    early_day = dt.date.fromisoformat(described["first_day"]) + dt.timedelta(days=21)
    early_start = min(period_of(early_day)[0], last_start)

    def service(day: dt.date) -> Any:
        with runtime.operation(user, write=False) as ctx:
            return payroll.register(ctx, period=day)

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    try:
        service(last_start)  # warm: imports, the plugin's first use
        service_seconds, found = timed(lambda: service(last_start), repeat)
        raw_seconds, expected = timed(lambda: raw_register(conn, last_start, last_end), repeat)
        mine = {line.staff_id: (line.regular_minutes, line.overtime_minutes, line.pto_minutes, line.gross)
                for line in found.lines}
        if mine != expected:
            differ = sorted(k for k in set(mine) | set(expected) if mine.get(k) != expected.get(k))[:5]
            raise SystemExit(f"the service and raw sqlite3 disagree for staff {differ}: "
                             f"{[(mine.get(k), expected.get(k)) for k in differ]}")
        memory_early = peak_kib(lambda: service(early_start))
        memory_last = peak_kib(lambda: service(last_start))
        raw_memory = peak_kib(lambda: raw_register(conn, last_start, last_end))
    finally:
        conn.close()
        runtime.close()
    return {
        "period": [last_start.isoformat(), last_end.isoformat()], "people": len(found.lines),
        "gross": str(found.gross), "overtime_minutes": found.overtime_minutes,
        "service_ms": round(service_seconds * 1000, 1), "raw_ms": round(raw_seconds * 1000, 1),
        "ratio": round(service_seconds / raw_seconds, 2) if raw_seconds else None,
        "peak_kib_early_period": round(memory_early), "peak_kib_last_period": round(memory_last),
        "raw_peak_kib": round(raw_memory),
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def arguments(description: str, argv: list[str] | None) -> argparse.Namespace:
    """The staff benchmarks' arguments: the practice file, its size, the repeats, --json."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("path", type=Path, nargs="?", help="the practice file to make (a temporary one if not given)")
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    return parser.parse_args(argv)


@contextmanager
def practice_file(path: Path | None, name: str) -> Iterator[Path]:
    """``path``, which must not exist yet, or a temporary ``name`` removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="medoffice-staff-") as scratch:
        chosen = path or Path(scratch) / name
        if chosen.exists():
            raise SystemExit(f"{chosen} exists; remove it first")
        chosen.parent.mkdir(parents=True, exist_ok=True)
        yield chosen


def main(argv: list[str] | None = None) -> None:
    args = arguments(__doc__.splitlines()[0], argv)
    with practice_file(args.path, "payroll.sqlite") as path:
        began = time.perf_counter()
        described = generate(path, staff=args.staff, years=args.years, seed=args.seed)
        described["generate_s"] = round(time.perf_counter() - began, 1)
        results = described | measure(path, described, args.repeat)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{results['staff']} staff, {results['punches']:,} punches over {results['years']} years "
          f"(made in {results['generate_s']} s)")
    print(f"register {results['period'][0]} to {results['period'][1]}: {results['people']} people, gross "
          f"{results['gross']}, {results['overtime_minutes']} overtime minutes")
    print(f"service {results['service_ms']} ms, raw sqlite3 {results['raw_ms']} ms: ratio {results['ratio']}x "
          "(target 5x)")
    print(f"peak memory: early period {results['peak_kib_early_period']} KiB, last period "
          f"{results['peak_kib_last_period']} KiB (raw {results['raw_peak_kib']} KiB); max RSS "
          f"{results['max_rss_mib']} MiB")


if __name__ == "__main__":
    main()
