"""medoffice beside GNU Health 5.0 (trytond 7.0), the open-source peer, on the same workloads.

One run, side by side, each program on its own new SQLite file (WAL for medoffice, trytond's
own settings for GNU Health), each through its own Python API, as a clinic's script would
call it:

1. **register 1,000 patients in one transaction**: medoffice's ``patients.register`` in
   one unit of work; GNU Health's ``party.party`` (a person) and ``gnuhealth.patient``
   created one patient per call, one commit at the end;
2. **book 10,000 appointments over 10 providers and 60 days, one per call and transaction**:
   medoffice's ``booking.book`` (availability, conflicts, audit); GNU Health's
   ``gnuhealth.appointment`` create (a start time only: it keeps no end and checks no overlap
   at all), each committed;
3. **one provider's day**: medoffice's ``appointment_lists.day`` for one provider; GNU Health's
   ``search`` of that provider's appointments in the day and ``read`` of the fields a day
   list shows (the patient's name, the times, the state), median of ``--repeat``.

GNU Health is slow to install and set up (its database takes minutes to create), so it lives
in a venv of its own and this script never runs in CI or the tests (the smoke test runs the
medoffice side alone, tiny). Make the venv once:

    python3 -m venv /tmp/gnuhealth && /tmp/gnuhealth/bin/pip install gnuhealth==5.0.6

then, with medoffice's venv:

    .venv/bin/python bench/peer_gnuhealth.py --gnuhealth-python /tmp/gnuhealth/bin/python

The GNU Health side runs as a child process of that Python (``--child gnuhealth``); its
database is created with ``trytond-admin`` (``--all``, the ``health`` module activated with
its dependencies) in the work folder, and reused by later runs with ``--keep``.
Without ``--gnuhealth-python`` only medoffice's side is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PATIENTS = 1000
PROVIDERS = 10
DAYS = 60
APPOINTMENTS = 10_000
SLOT_MINUTES = 15
FIRST_DAY = dt.date(2025, 6, 2)  # a Monday
HOURS = (("08:00", "12:00"), ("13:00", "18:00"))  # every provider, Monday to Friday
TIMEZONE = "America/New_York"


def plan(appointments: int, providers: int, days: int, patients: int) -> list[tuple[int, int, str]]:
    """The appointments both programs book, as (provider index, patient index, local start
    "YYYY-MM-DD HH:MM"): spread evenly over every provider's working days, 15 minutes each, no
    patient twice in a day (so every booking is valid for medoffice's checks)."""
    working = [FIRST_DAY + dt.timedelta(days=n) for n in range(days)
               if (FIRST_DAY + dt.timedelta(days=n)).weekday() < 5]
    slots: list[str] = []
    for start, end in HOURS:
        moment = dt.datetime.combine(FIRST_DAY, dt.time.fromisoformat(start))
        close = dt.datetime.combine(FIRST_DAY, dt.time.fromisoformat(end))
        while moment < close:
            slots.append(moment.strftime("%H:%M"))
            moment += dt.timedelta(minutes=SLOT_MINUTES)
    per_day = -(-appointments // (len(working) * providers))
    if per_day > len(slots) or per_day * providers > patients:
        raise SystemExit("too many appointments for the days, providers and patients given")
    step = len(slots) / per_day
    booked: list[tuple[int, int, str]] = []
    for day_index, day in enumerate(working):
        for number in range(per_day):
            for provider in range(providers):
                if len(booked) == appointments:
                    return booked
                patient = (day_index * per_day * providers + number * providers + provider) % patients
                booked.append((provider, patient, f"{day.isoformat()} {slots[int(number * step)]}"))
    return booked


def person(index: int) -> dict[str, Any]:
    """The same made-up patient on both sides."""
    return {"first_name": f"Pat{index:04d}", "last_name": f"Peer{index % 97:02d}",
            "date_of_birth": dt.date(1940 + index % 60, 1 + index % 12, 1 + index % 28).isoformat(),
            "sex": "f" if index % 2 else "m"}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


# -- medoffice ------------------------------------------------------------------------------------


def run_medoffice(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from scheduling_data import BENCH_PASSWORD, FRONT_DESK, audit_key_file, open_practice  # noqa: F401

    from medoffice.core.demo import fake_npi
    from medoffice.core.services import patients, practice, staff
    from medoffice.core.services.users import add_user, load_user
    from medoffice.core.setup import init_practice
    from medoffice.plugins.scheduling import appointment_lists, booking, catalogue
    from zoneinfo import ZoneInfo
    import random

    path = work / "medoffice.sqlite"
    for stale in (path, audit_key_file(path)):
        stale.unlink(missing_ok=True)
    zone = ZoneInfo(TIMEZONE)
    now = dt.datetime.combine(FIRST_DAY, dt.time(6), zone).astimezone(dt.timezone.utc)
    runtime = open_practice(path, clock=lambda: now)
    providers: list[int] = []

    def set_up(ctx: Any) -> None:
        rng = random.Random(7)
        add_user(ctx, FRONT_DESK, "Frankie Frontdesk", BENCH_PASSWORD, ["front_desk"])
        practice.add_location(ctx, "Main Street")
        for index in range(args.providers):
            who = staff.add(ctx, {"name": f"Provider {index}, MD", "role": "provider", "is_provider": True,
                                  "npi": fake_npi(rng)})
            providers.append(who.id)
            for weekday in range(5):
                for start, end in HOURS:
                    catalogue.add_template(ctx, who.id, weekday, start, end, "Main Street")
        catalogue.add_type(ctx, "Follow-up", SLOT_MINUTES, colour="blue", patient_kind="any")

    try:
        init_practice(runtime, {"name": "Peer Benchmark Practice", "timezone": TIMEZONE}, admin_username="admin",
                      admin_password=BENCH_PASSWORD, populate=set_up)
        user = load_user(runtime, FRONT_DESK)
        started = time.perf_counter()
        with runtime.operation(user) as ctx:
            mrns = [patients.register(ctx, person(index)).patient.mrn for index in range(args.patients)]
        register = time.perf_counter() - started

        booked = plan(args.appointments, args.providers, args.days, args.patients)
        started = time.perf_counter()
        for provider, patient, start in booked:
            with runtime.operation(user) as ctx:
                booking.book(ctx, mrns[patient], providers[provider], "Follow-up",
                             dt.datetime.fromisoformat(start).replace(tzinfo=zone))
        book = time.perf_counter() - started

        day = dt.date.fromisoformat(booked[0][2][:10])
        samples, rows = [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            with runtime.operation(user, write=False) as ctx:
                rows = len(appointment_lists.day(ctx, day, provider_id=providers[0]))
            samples.append(time.perf_counter() - started)
    finally:
        runtime.close()
    return {"register": register, "patients": args.patients, "book": book, "appointments": len(booked),
            "day": median_ms(samples), "day_rows": rows}


# -- GNU Health (run by its own Python) ---------------------------------------------------------------


TRYTOND_CONF = """[database]
uri = sqlite://
path = {path}
"""


def gnuhealth_database(work: Path, python: str, keep: bool) -> tuple[Path, str]:
    """A GNU Health database in ``work`` (created with trytond-admin the first time)."""
    conf = work / "trytond.conf"
    conf.write_text(TRYTOND_CONF.format(path=work))
    name = "gnuhealth"
    database = work / f"{name}.sqlite"
    ready = work / "gnuhealth.ready"
    if keep and ready.exists():
        return conf, name
    database.unlink(missing_ok=True)
    ready.unlink(missing_ok=True)
    database.touch()
    password = work / "admin-password"
    password.write_text("peer-bench\n")
    admin = str(Path(python).with_name("trytond-admin"))
    env = {**os.environ, "TRYTONPASSFILE": str(password)}
    for argv in ([admin, "-c", str(conf), "-d", name, "--all", "--email", "admin@example.org"],
                 [admin, "-c", str(conf), "-d", name, "-u", "health", "--activate-dependencies"]):
        print(f"setting up GNU Health: {' '.join(argv[1:])}", file=sys.stderr, flush=True)
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"trytond-admin failed ({done.returncode}):\n{done.stderr[-3000:]}")
    ready.touch()
    return conf, name


def run_gnuhealth(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    conf, name = gnuhealth_database(work, args.gnuhealth_python, args.keep)
    out = work / "gnuhealth-result.json"
    out.unlink(missing_ok=True)
    argv = [args.gnuhealth_python, __file__, "--child", "gnuhealth", "--work", str(work), "--conf", str(conf),
            "--database", name, "--result", str(out), "--patients", str(args.patients), "--providers",
            str(args.providers), "--days", str(args.days), "--appointments", str(args.appointments),
            "--repeat", str(args.repeat)]
    subprocess.run(argv, check=True)
    return json.loads(out.read_text())


def child_gnuhealth(args: argparse.Namespace) -> None:
    """Runs in GNU Health's venv: the three workloads through trytond's model API."""
    from trytond.config import config

    config.update_etc(args.conf)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    database = args.database
    with Transaction().start(database, 0, readonly=True):
        Pool(database).init()
    pool = Pool(database)
    context = {"company": None}

    def model(name: str) -> Any:
        return pool.get(name)

    with Transaction().start(database, 0, context=context):  # the providers: parties that are health professionals
        Party, HealthProf = model("party.party"), model("gnuhealth.healthprofessional")
        providers = []
        for n in range(args.providers):  # one per call: GNU Health makes one PUID per call
            party, = Party.create([{"name": f"Provider {n}", "lastname": "MD", "is_person": True,
                                    "is_healthprof": True, "gender": "f", "fed_country": None}])
            healthprof, = HealthProf.create([{"party": party.id, "active": True}])
            providers.append(healthprof.id)
        Transaction().commit()

    started = time.perf_counter()
    with Transaction().start(database, 0, context=context):
        Party, Patient = model("party.party"), model("gnuhealth.patient")
        patient_ids = []
        for index in range(args.patients):
            p = person(index)
            party, = Party.create([{"name": p["first_name"], "lastname": p["last_name"], "is_person": True,
                                    "is_patient": True, "gender": p["sex"], "fed_country": None,
                                    "dob": dt.date.fromisoformat(p["date_of_birth"])}])
            patient, = Patient.create([{"party": party.id}])
            patient_ids.append(patient.id)
        Transaction().commit()
    register = time.perf_counter() - started

    booked = plan(args.appointments, args.providers, args.days, args.patients)
    started = time.perf_counter()
    for provider, patient, start in booked:
        begins = dt.datetime.fromisoformat(start)  # trytond keeps naive datetimes (UTC by convention)
        with Transaction().start(database, 0, context=context):
            model("gnuhealth.appointment").create([{
                "patient": patient_ids[patient], "healthprof": providers[provider], "state": "confirmed",
                "appointment_date": begins}])
            Transaction().commit()
    book = time.perf_counter() - started

    day = dt.datetime.fromisoformat(booked[0][2][:10])
    samples, rows = [], 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        with Transaction().start(database, 0, readonly=True, context=context):
            Appointment = model("gnuhealth.appointment")
            found = Appointment.search([("healthprof", "=", providers[0]), ("appointment_date", ">=", day),
                                        ("appointment_date", "<", day + dt.timedelta(days=1))],
                                       order=[("appointment_date", "ASC")])
            rows = len(Appointment.read([a.id for a in found], ["appointment_date", "patient.rec_name", "state",
                                                                 "name"]))
        samples.append(time.perf_counter() - started)
    Path(args.result).write_text(json.dumps({
        "register": register, "patients": args.patients, "book": book, "appointments": len(booked),
        "day": median_ms(samples), "day_rows": rows}))


# -- the table -------------------------------------------------------------------------------------


def table(medoffice: dict[str, Any], peer: dict[str, Any] | None) -> str:
    def each(result: dict[str, Any], total: str, count: str) -> float:
        return result[total] / result[count] * 1000

    lines = ["| workload | GNU Health 5.0.6 | medoffice | GNU Health / medoffice |", "|---|---:|---:|---:|"]
    rows = [
        (f"register {medoffice['patients']:,} patients, one transaction (ms each)",
         each(medoffice, "register", "patients"), peer and each(peer, "register", "patients")),
        (f"book {medoffice['appointments']:,} appointments, one per call and transaction (ms each)",
         each(medoffice, "book", "appointments"), peer and each(peer, "book", "appointments")),
        (f"one provider's day, {medoffice['day_rows']} appointments (ms, median)", medoffice["day"],
         peer and peer["day"]),
    ]
    for name, ours, theirs in rows:
        if theirs is None:
            lines.append(f"| {name} | not measured | {ours:.2f} | |")
        else:
            lines.append(f"| {name} | {theirs:.2f} | {ours:.2f} | {theirs / ours:.1f}x |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gnuhealth-python", help="the Python of a venv with gnuhealth==5.0.6 installed")
    parser.add_argument("--work", type=Path, help="the folder of both databases (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="reuse the GNU Health database a run left in --work")
    parser.add_argument("--patients", type=int, default=PATIENTS)
    parser.add_argument("--providers", type=int, default=PROVIDERS)
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--appointments", type=int, default=APPOINTMENTS)
    parser.add_argument("--repeat", type=int, default=21, help="runs of the day's list")
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--child", choices=("gnuhealth",), help=argparse.SUPPRESS)
    parser.add_argument("--conf", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_gnuhealth(args)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="peer-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        peer = run_gnuhealth(work, args) if args.gnuhealth_python else None
        ours = run_medoffice(work, args)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()
    print(f"{args.patients:,} patients, {args.appointments:,} appointments over {args.providers} providers and "
          f"{args.days} days, the day's list median of {args.repeat}; load {load[0]:.2f}\n")
    print(table(ours, peer))
    if args.json_out:
        args.json_out.write_text(json.dumps({"medoffice": ours, "gnuhealth": peer, "load": load}, indent=2))


if __name__ == "__main__":
    main()
