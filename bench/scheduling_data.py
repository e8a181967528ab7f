"""Generate a large practice for the scheduling benchmarks: reproducible from ``--seed``.

The full size is 20 providers, 5 years of history and about a million appointments for
50,000 patients, in one SQLite file:

    .venv/bin/python bench/scheduling_data.py /tmp/medoffice-bench/scheduling-5y.sqlite
    .venv/bin/python bench/scheduling_data.py /tmp/medoffice-bench/scheduling-1y.sqlite --scale year
    .venv/bin/python bench/scheduling_data.py /tmp/medoffice-bench/tiny.sqlite --scale tiny

The schema comes from the real migrations (``init_practice``), and the practice's set-up goes
through the services: locations and rooms, the providers, a front-desk user, the appointment
types and every provider's weekly availability. Only the bulk (patients and appointments) is
inserted directly, with SQLAlchemy Core in large transactions, with the double-booking
triggers left on: the generator never puts a provider or a patient in two places at once
(a patient has at most one visit a day), so every row passes them.

What the history looks like: weekdays 08:00-12:00 and 13:00-18:00 and Saturday mornings,
filled with a mix of 10-, 15- and 30-minute visits (about 95 % of the time taken). In the
past most visits are completed, about 5 % were no-shows, and some slots hold a cancelled
visit as well (a slot that was cancelled and booked again). From "today" on, the next
``--future-days`` are booked, densely at first and thinning out. "Today" is fixed (``--today``),
so the same seed gives the same file on any day; it is written, with the counts and the time
the generation took, to ``<file>.json`` beside the database, where the benchmark reads it.

The audit key is a file beside the database (``<file>.audit-key``). Generated files belong
outside git (``*.sqlite`` and ``*.audit-key`` are ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_TODAY = dt.date(2025, 6, 2)  # a Monday: "today" in the generated practice
TIMEZONE = "America/New_York"
SCALES = {
    # name: (years of history, providers, patients, days booked ahead)
    "full": (5.0, 20, 50_000, 90),
    "year": (1.0, 20, 50_000, 90),
    "tiny": (0.02, 2, 300, 10),
}
TYPES = (
    # name, minutes, colour, patients, weight in the history
    ("Quick check", 10, "grey", "any", 20),
    ("Follow-up", 15, "blue", "established", 40),
    ("Sick visit", 15, "red", "any", 20),
    ("New patient", 30, "green", "new", 10),
    ("Annual physical", 30, "purple", "any", 10),
)
WEEKDAY_HOURS = (("08:00", "12:00"), ("13:00", "18:00"))
SATURDAY_HOURS = (("08:00", "12:00"),)
LOCATIONS = (("Main Street", 8), ("Northside", 4))  # name, rooms
FRONT_DESK = "frontdesk"
BENCH_PASSWORD = "bench-password"
PLUGINS = ("scheduling",)
"""The plugins the practice has (with what they require): the numbers are scheduling's own."""


def sidecar(path: Path) -> Path:
    """The JSON file describing a generated practice."""
    return path.with_name(path.name + ".json")


def audit_key_file(path: Path) -> Path:
    return path.with_name(path.name + ".audit-key")


def plugin_candidates(wanted: tuple[str, ...] = PLUGINS) -> list:
    """The installed plugins ``wanted`` and what they require, transitively."""
    from medoffice.core.loader import discover

    candidates, _failures = discover()
    by_id = {c.info.id: c for c in candidates}
    chosen: dict[str, Any] = {}
    pending = list(wanted)
    while pending:
        plugin_id = pending.pop()
        if plugin_id in chosen:
            continue
        if plugin_id not in by_id:
            raise SystemExit(f"the plugin {plugin_id!r} is not installed (or failed to import)")
        chosen[plugin_id] = by_id[plugin_id]
        pending.extend(by_id[plugin_id].info.requires)
    return list(chosen.values())


def open_practice(path: Path, *, clock: Any = None, **engine_options: Any):
    """Open the practice in ``path`` (a Runtime) with its audit key beside it and only the
    benchmarked plugins loaded, so that another plugin's state cannot change the numbers."""
    from medoffice.core.config import Settings
    from medoffice.core.runtime import open_runtime, utc_now

    url = f"sqlite:///{path}"
    settings = Settings(database_url=url, config_dir=path.parent / "config",
                        audit_key_file_given=audit_key_file(path))
    return open_runtime(url, settings=settings, candidates=plugin_candidates(), clock=clock or utc_now,
                        **engine_options)


def _clock_at(moment: dt.datetime):
    return lambda: moment


# -- set-up through the services ---------------------------------------------------------------


def _set_up(ctx, rng: random.Random, providers: int) -> None:
    from faker import Faker

    from medoffice.core.demo import fake_npi
    from medoffice.core.services import practice, staff, users
    from medoffice.plugins.scheduling import catalogue

    fake = Faker("en_US")
    fake.seed_instance(rng.randrange(1 << 30))
    users.add_user(ctx, FRONT_DESK, "Frankie Frontdesk", BENCH_PASSWORD, ["front_desk"])
    for name, rooms in LOCATIONS:
        practice.add_location(ctx, name)
        for number in range(1, rooms + 1):
            practice.add_room(ctx, name, f"Exam {number}")
    npis: set[str] = set()
    for index in range(providers):
        npi = fake_npi(rng)
        while npi in npis:
            npi = fake_npi(rng)
        npis.add(npi)
        who = staff.add(ctx, {"name": f"{fake.first_name()} {fake.last_name()}, {('MD', 'DO', 'NP')[index % 3]}",
                              "role": "provider", "is_provider": True, "npi": npi})
        location = LOCATIONS[0][0] if index % 3 else LOCATIONS[1][0]
        for weekday in range(5):
            for start, end in WEEKDAY_HOURS:
                catalogue.add_template(ctx, who.id, weekday, start, end, location)
        for start, end in SATURDAY_HOURS:
            catalogue.add_template(ctx, who.id, 5, start, end, location)
    for name, minutes, colour, kind, _weight in TYPES:
        catalogue.add_type(ctx, name, minutes, colour=colour, patient_kind=kind)


# -- bulk rows -----------------------------------------------------------------------------------


def _patients(rng: random.Random, count: int, now: dt.datetime) -> list[dict[str, Any]]:
    from faker.providers.person.en_US import Provider as Names

    from medoffice.core.services.patients import search_key

    female, male, last = list(Names.first_names_female), list(Names.first_names_male), list(Names.last_names)
    rows = []
    for number in range(1, count + 1):
        sex = "female" if rng.random() < 0.52 else "male"
        first = rng.choice(female if sex == "female" else male)
        surname = rng.choice(last)
        phone = f"555{rng.randrange(10**7):07d}"
        rows.append({
            "id": number, "mrn": f"{number:06d}", "first_name": first, "middle_name": None, "last_name": surname,
            "date_of_birth": DEFAULT_TODAY - dt.timedelta(days=rng.randrange(0, 95 * 365)), "sex": sex,
            "phone": f"({phone[:3]}) {phone[3:6]}-{phone[6:]}", "email": None, "preferred_language": "English",
            "emergency_name": None, "emergency_phone": None, "emergency_relationship": None, "active": True,
            "search_last": search_key(surname), "search_first": search_key(first), "phone_digits": phone,
            "address_line1": None, "address_line2": None, "city": None, "state": None, "postal_code": None,
            "country": "US", "created_at": now, "updated_at": now,
        })
    return rows


def _search_terms(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The search terms the service would write for these patients (a phone's digits reversed,
    the later words of a name), so that bulk-inserted patients are found as registered ones."""
    from medoffice.core.services.patient_search import search_terms

    return [{"patient_id": row["id"], "kind": kind, "term": term}
            for row in rows for kind, term in sorted(search_terms(row["last_name"], row["first_name"], row["phone"]))]


class _Day:
    """Builds one day's appointments for every provider, a patient at most once a day."""

    def __init__(self, rng: random.Random, patients: int, zone: ZoneInfo, types: dict[str, tuple[int, int]]):
        self.rng, self.patients, self.zone, self.types = rng, patients, zone, types
        names = [t[0] for t in TYPES]
        self.choices = rng.choices(names, weights=[t[4] for t in TYPES], k=100_000)
        self.pick = 0

    def _type(self) -> str:
        self.pick = (self.pick + 1) % len(self.choices)
        return self.choices[self.pick]

    def rows(self, day: dt.date, today: dt.date, future_days: int, providers: list[tuple[int, int]]) -> list[dict]:
        rng = self.rng
        hours = WEEKDAY_HOURS if day.weekday() < 5 else SATURDAY_HOURS if day.weekday() == 5 else ()
        if not hours:
            return []
        offset = self.zone.utcoffset(dt.datetime.combine(day, dt.time(12)))  # no DST change in opening hours
        ahead = (day - today).days
        if ahead < 0:
            fill, cancelled_share = 0.95, 0.10
        else:
            fill, cancelled_share = max(0.1, 0.9 - 0.8 * ahead / max(future_days, 1)), 0.05
        used: set[int] = set()

        def patient() -> int:
            while True:
                chosen = rng.randrange(1, self.patients + 1)
                if chosen not in used or len(used) >= self.patients:
                    used.add(chosen)
                    return chosen

        out = []
        for provider_id, location_id in providers:
            for start_text, end_text in hours:
                wall = dt.datetime.combine(day, dt.time.fromisoformat(start_text))
                close = dt.datetime.combine(day, dt.time.fromisoformat(end_text))
                while True:
                    name = self._type()
                    type_id, minutes = self.types[name]
                    if wall + dt.timedelta(minutes=minutes) > close:
                        name = "Quick check"
                        type_id, minutes = self.types[name]
                        if wall + dt.timedelta(minutes=minutes) > close:
                            break
                    begins = (wall - offset).replace(tzinfo=dt.timezone.utc)
                    ends = begins + dt.timedelta(minutes=minutes)
                    wall += dt.timedelta(minutes=minutes)
                    base = {"provider_id": provider_id, "type_id": type_id, "location_id": location_id,
                            "room_id": None, "starts_at": begins, "ends_at": ends, "overbooked": False,
                            "note": None, "cancel_reason": None, "booked_by": FRONT_DESK, "arrived_at": None,
                            "roomed_at": None, "completed_at": None, "cancelled_at": None}
                    booked_at = begins - dt.timedelta(days=rng.randrange(1, 60), minutes=rng.randrange(600))
                    if len(used) + 2 > self.patients:
                        continue
                    if rng.random() < cancelled_share:  # a cancelled visit, its slot maybe booked again
                        out.append(base | {"patient_id": patient(), "status": "cancelled", "booked_at": booked_at,
                                           "cancel_reason": "patient request",
                                           "cancelled_at": begins - dt.timedelta(hours=rng.randrange(2, 72))})
                    if rng.random() >= fill:
                        continue
                    row = base | {"patient_id": patient(), "booked_at": booked_at}
                    if ahead >= 0:
                        row["status"] = "booked"
                    elif rng.random() < 0.05:
                        row["status"] = "no_show"
                    else:
                        arrived = begins - dt.timedelta(minutes=rng.randrange(-5, 20))
                        roomed = max(arrived, begins) + dt.timedelta(minutes=rng.randrange(0, 25))
                        row |= {"status": "completed", "arrived_at": arrived, "roomed_at": roomed,
                                "completed_at": roomed + dt.timedelta(minutes=minutes)}
                    out.append(row)
        return out


def generate(path: Path, *, seed: int, years: float, providers: int, patients: int, future_days: int,
             today: dt.date = DEFAULT_TODAY, quiet: bool = False) -> dict[str, Any]:
    """Create the practice in ``path`` (which must not exist) and return its description."""
    from sqlalchemy import func, insert, select, update

    from medoffice.core.setup import init_practice
    from medoffice.core.storage.models import Patient, PatientSearchTerm, Practice
    from medoffice.plugins.scheduling.models import Appointment, AppointmentType, AvailabilityTemplate

    def say(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr, flush=True)

    if path.exists():
        raise SystemExit(f"{path} exists; remove it (and {path.name}.json, {path.name}.audit-key) first")
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (sidecar(path), audit_key_file(path)):
        stale.unlink(missing_ok=True)
    rng = random.Random(seed)
    zone = ZoneInfo(TIMEZONE)
    now = dt.datetime.combine(today, dt.time(7), zone).astimezone(dt.timezone.utc)
    started = time.perf_counter()
    runtime = open_practice(path, clock=_clock_at(now))
    try:
        init_practice(runtime, {"name": "Benchmark Family Practice", "timezone": TIMEZONE},
                      admin_username="admin", admin_password=BENCH_PASSWORD,
                      populate=lambda ctx: _set_up(ctx, rng, providers))
        set_up = time.perf_counter() - started
        say(f"schema and set-up through the services: {set_up:.1f} s")
        engine = runtime.engine
        with engine.connect() as conn:
            types = {name: (type_id, minutes) for type_id, name, minutes in conn.execute(
                select(AppointmentType.id, AppointmentType.name, AppointmentType.duration_minutes))}
            where = dict(conn.execute(select(AvailabilityTemplate.provider_id, AvailabilityTemplate.location_id)
                                      .distinct().order_by(AvailabilityTemplate.provider_id)).all())
        staff = sorted(where.items())

        mark = time.perf_counter()
        with engine.begin() as conn:
            rows = _patients(rng, patients, now)
            for chunk in range(0, len(rows), 10_000):
                conn.execute(insert(Patient.__table__), rows[chunk:chunk + 10_000])
            terms = _search_terms(rows)
            for chunk in range(0, len(terms), 10_000):
                conn.execute(insert(PatientSearchTerm.__table__), terms[chunk:chunk + 10_000])
            conn.execute(update(Practice.__table__).where(Practice.__table__.c.id == 1).values(next_mrn=patients + 1))
        patients_seconds = time.perf_counter() - mark
        say(f"{patients:,} patients: {patients_seconds:.1f} s")

        mark = time.perf_counter()
        first_day = today - dt.timedelta(days=round(years * 365.25))
        last_day = today + dt.timedelta(days=future_days)
        builder = _Day(rng, patients, zone, types)
        table = Appointment.__table__
        # Newest day first, latest visit first: the overlap triggers look at the provider's and
        # the patient's visits that start before the new one ends, which are then only the few
        # of the same day. Oldest first, each insert would scan the whole history before it.
        day, inserted, pending = last_day, 0, []
        while day >= first_day:
            pending.extend(reversed(builder.rows(day, today, future_days, staff)))
            day -= dt.timedelta(days=1)
            if len(pending) >= 50_000 or day < first_day:
                with engine.begin() as conn:
                    conn.execute(insert(table), pending)
                inserted += len(pending)
                pending = []
                say(f"  … {inserted:,} appointments back to {day + dt.timedelta(days=1)} "
                    f"({time.perf_counter() - mark:.0f} s)")
        appointments_seconds = time.perf_counter() - mark
        with engine.connect() as conn:
            by_status = dict(conn.execute(select(table.c.status, func.count()).group_by(table.c.status)).all())
        total = time.perf_counter() - started
        description = {
            "seed": seed, "years": years, "providers": providers, "patients": patients, "future_days": future_days,
            "today": today.isoformat(), "timezone": TIMEZONE, "first_day": first_day.isoformat(),
            "last_day": last_day.isoformat(), "appointments": sum(by_status.values()), "by_status": by_status,
            "types": {name: minutes for name, (_id, minutes) in types.items()},
            "seconds": {"set_up": round(set_up, 1), "patients": round(patients_seconds, 1),
                        "appointments": round(appointments_seconds, 1), "total": round(total, 1)},
        }
    finally:
        runtime.close()
    description["bytes"] = path.stat().st_size
    sidecar(path).write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")
    say(f"{description['appointments']:,} appointments in {appointments_seconds:.1f} s; total {total:.1f} s, "
        f"{description['bytes'] / 2**20:.0f} MiB")
    return description


def describe(path: Path) -> dict[str, Any]:
    """The description the generator wrote beside ``path``."""
    return json.loads(sidecar(path).read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the SQLite file to create (must not exist)")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full",
                        help="full: 5 years, 20 providers, 50,000 patients; year: 1 year; tiny: a smoke test")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=float, help="years of history (overrides the scale)")
    parser.add_argument("--providers", type=int, help="providers (overrides the scale)")
    parser.add_argument("--patients", type=int, help="patients (overrides the scale)")
    parser.add_argument("--future-days", type=int, help="days booked ahead of today (overrides the scale)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY,
                        help=f"the practice's 'today' (default {DEFAULT_TODAY})")
    parser.add_argument("--json", action="store_true", help="print the description as JSON")
    args = parser.parse_args(argv)
    years, providers, patients, future_days = SCALES[args.scale]
    description = generate(
        args.path.resolve(), seed=args.seed,
        years=args.years if args.years is not None else years,
        providers=args.providers or providers, patients=args.patients or patients,
        future_days=args.future_days if args.future_days is not None else future_days,
        today=args.today, quiet=args.json)
    if args.json:
        print(json.dumps(description))


if __name__ == "__main__":
    main()
