"""How fast are claims built, scrubbed and exported as 837P, against a raw formatting loop?

Generates a practice in a new SQLite file (schema from the real migrations; the practice,
a provider, the fee schedule and a payer through the services; then ``--claims`` patients,
each insured, with one closed encounter of two diagnoses and three charge lines, inserted
in bulk), then measures, each as one service operation over every claim:

- **build**: ``claims.build_claims`` (claims, lines, history rows, an audit entry per claim);
- **scrub**: ``claims.scrub_claims`` (every claim gathered and checked; each becomes ready,
  with its history row and audit entry);
- **export**: ``x12.batches.export_batch`` (scrubbed again, control numbers, the 837P text, each
  claim submitted with its history row and audit entry);
- **re-export**: ``x12.batches.batch_file`` (read-only: gather and format the batch again);
- the ICD-10-CM code set's first load (once per process; timed apart from the scrub);
- **raw format**: a loop that only formats the same segments with f-strings from rows
  already in memory (no database, no checks): the floor the export is compared with.

Peak memory: the process's peak resident size after each step, and the ``tracemalloc``
peak of a separate re-export pass.

Run:

    .venv/bin/python bench/billing_claims.py --claims 10000 [--json-out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import resource
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import report  # noqa: E402
from scheduling_data import audit_key_file, plugin_candidates  # noqa: E402

TODAY = dt.date(2026, 1, 5)
NOW = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.timezone.utc)
FEES = "code,fee\n99213,95.00\n36415,12.50\n81002,8.25\n"
LINES = (("99213", 1, Decimal("95.00"), 1, 2), ("36415", 2, Decimal("25.00"), 1, None),
         ("81002", 1, Decimal("8.25"), 2, None))
DIAGNOSES = ("J069", "R059")


def npi(seed: int) -> str:
    from medoffice.core.validation import luhn_check_digit

    base = f"{123456700 + seed:09d}"
    return base + str(luhn_check_digit("80840" + base))


def open_practice(path: Path):
    from medoffice.core.config import Settings
    from medoffice.core.runtime import open_runtime

    url = f"sqlite:///{path}"
    settings = Settings(database_url=url, config_dir=path.parent / "config", audit_key_file_given=audit_key_file(path))
    return open_runtime(url, settings=settings, candidates=plugin_candidates(("billing",)), clock=lambda: NOW)


def generate(path: Path, count: int):
    """The practice with ``count`` closed, insured encounters of three lines; (runtime, admin)."""
    from sqlalchemy import insert, update

    from medoffice.core.services import practice, staff
    from medoffice.core.services.patients import search_key
    from medoffice.core.setup import init_practice
    from medoffice.core.storage.models import Patient, Practice
    from medoffice.plugins.billing import fees, payers
    from medoffice.plugins.billing.models import Charge, Encounter, EncounterDiagnosis, Policy

    provider: dict[str, int] = {}

    def set_up(ctx) -> None:
        practice.update(ctx, {"npi": npi(90), "tax_id": "12-3456789", "phone": "212-555-0100",
                              "address_line1": "1 Clinic Way", "city": "New York", "state": "NY",
                              "postal_code": "10001-1234"})
        provider["id"] = staff.add(ctx, {"name": "Dr Ada Adams", "role": "physician", "is_provider": True,
                                         "npi": npi(1)}).id
        fees.import_csv(ctx, io.StringIO(FEES))
        payers.add_payer(ctx, {"name": "Acme Health", "payer_code": "ACME1"})

    runtime = open_practice(path)
    _practice, admin = init_practice(runtime, {"name": "Benchmark Billing Practice", "timezone": "America/New_York"},
                                     admin_username="admin", admin_password="bench-password", populate=set_up)
    patients, policies, encounters, diagnoses, charges = [], [], [], [], []
    for n in range(1, count + 1):
        first, last = f"Pat{n}", f"Lee{n % 997}"
        patients.append({
            "id": n, "mrn": f"{n:06d}", "first_name": first, "middle_name": None, "last_name": last,
            "date_of_birth": dt.date(1950, 1, 1) + dt.timedelta(days=n % 20000), "sex": "female" if n % 2 else "male",
            "phone": None, "email": None, "preferred_language": None, "emergency_name": None,
            "emergency_phone": None, "emergency_relationship": None, "active": True, "search_last": search_key(last),
            "search_first": search_key(first), "phone_digits": None, "address_line1": f"{n} Oak St",
            "address_line2": None, "city": "New York", "state": "NY", "postal_code": "10002", "country": "US",
            "created_at": NOW, "updated_at": NOW})
        policies.append({"id": n, "patient_id": n, "payer_id": 1, "rank": "primary", "relationship": "self",
                         "member_id": f"M{n:08d}", "group_number": "G1", "copay": Decimal("0"), "active": True,
                         "created_at": NOW})
        day = TODAY - dt.timedelta(days=n % 60)
        encounters.append({"id": n, "patient_id": n, "provider_id": provider["id"], "date_of_service": day,
                           "source": "manual", "status": "closed", "place_of_service": "11", "opened_at": NOW,
                           "opened_by": "admin", "closed_at": NOW, "closed_by": "admin"})
        diagnoses.extend({"encounter_id": n, "position": i, "code": c} for i, c in enumerate(DIAGNOSES, start=1))
        for line, (code, units, amount, p1, p2) in enumerate(LINES, start=1):
            charges.append({"encounter_id": n, "patient_id": n, "line_number": line, "code": code, "units": units,
                            "fee": amount / units, "amount": amount, "pointer1": p1, "pointer2": p2,
                            "date_of_service": day, "source": "billing", "posted_at": NOW, "posted_by": "admin"})
    with runtime.engine.begin() as conn:
        for table, rows in ((Patient, patients), (Policy, policies), (Encounter, encounters),
                            (EncounterDiagnosis, diagnoses), (Charge, charges)):
            for start in range(0, len(rows), 5000):
                conn.execute(insert(table.__table__), rows[start:start + 5000])
        conn.execute(update(Practice.__table__).where(Practice.__table__.c.id == 1).values(next_mrn=count + 1))
    return runtime, admin


def raw_format(data, practice) -> str:
    """The same segments as the 837P body, formatted with f-strings from records in memory."""
    out = [f"NM1*85*2*{practice.name}*****XX*{practice.npi}~N3*{practice.address.line1}~"
           f"N4*{practice.address.city}*{practice.address.state}*100011234~REF*EI*123456789~"]
    hl = 2
    for c in data:
        s, p = c.subscriber, c.subscriber.person
        out.append(f"HL*{hl}*1*22*0~SBR*P*18*{s.group_number}******CI~NM1*IL*1*{p.last_name}*{p.first_name}****MI*"
                   f"{s.member_id}~N3*{p.address.line1}~N4*{p.address.city}*{p.address.state}*{p.address.postal_code}~"
                   f"DMG*D8*{p.date_of_birth:%Y%m%d}*F~NM1*PR*2*{c.payer.name}*****PI*{c.payer.payer_code}~"
                   f"CLM*{c.claim_number}*{c.total}***11:B:1*Y*A*Y*Y~HI*ABK:{c.diagnoses[0]}*ABF:{c.diagnoses[1]}~"
                   f"NM1*82*1*Adams*Ada****XX*{c.rendering.npi}~")
        for line in c.lines:
            out.append(f"LX*{line.line_number}~SV1*HC:{line.code}*{line.amount}*UN*{line.units}***"
                       f"{':'.join(map(str, line.pointers))}~DTP*472*D8*{line.date_of_service:%Y%m%d}~")
        hl += 1
    return "".join(out)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(count: int, folder: Path) -> dict[str, Any]:
    from sqlalchemy import select

    from medoffice.plugins.billing import claims
    from medoffice.plugins.billing.x12 import batches
    from medoffice.plugins.billing.models import Claim

    results: dict[str, Any] = {"claims": count, "lines_per_claim": len(LINES)}
    started = time.perf_counter()
    runtime, admin = generate(folder / "billing-bench.sqlite", count)
    results["generate_s"] = round(time.perf_counter() - started, 2)
    from medoffice.plugins.billing.codes import parse_diagnosis

    mark = time.perf_counter()
    parse_diagnosis("J069")  # the ICD-10-CM code set loads on first use, once per process
    results["icd10cm_load_s"] = round(time.perf_counter() - mark, 2)
    steps = (("build", lambda ctx: len(claims.build_claims(ctx).built)),
             ("scrub", lambda ctx: sum(1 for r in claims.scrub_claims(ctx) if r.status == "ready")),
             ("export", lambda ctx: len(batches.export_batch(ctx).text)))
    for name, action in steps:
        mark = time.perf_counter()
        with runtime.operation(admin) as ctx:
            outcome = action(ctx)
        results[f"{name}_s"] = round(time.perf_counter() - mark, 2)
        results[f"{name}_result"] = outcome
        results[f"{name}_peak_rss_mib"] = round(peak_rss_mib(), 1)
    mark = time.perf_counter()
    with runtime.operation(admin, write=False) as ctx:
        again = batches.batch_file(ctx, 1)
    results["reexport_s"] = round(time.perf_counter() - mark, 2)
    results["reexport_unchanged"] = again.unchanged
    with runtime.operation(admin, write=False) as ctx:
        data = claims.claim_data(ctx, list(ctx.session.execute(select(Claim).order_by(Claim.id)).scalars()))
        practice = ctx.practice
    mark = time.perf_counter()
    text = raw_format(data, practice)
    results["raw_format_s"] = round(time.perf_counter() - mark, 3)
    results["raw_format_chars"] = len(text)
    results["export_over_raw_format"] = round(results["export_s"] / max(results["raw_format_s"], 1e-6), 1)
    tracemalloc.start()
    with runtime.operation(admin, write=False) as ctx:
        batches.batch_file(ctx, 1)
    results["reexport_tracemalloc_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    tracemalloc.stop()
    runtime.close()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--work-dir", type=Path, help="where the practice file goes (default: a temporary folder)")
    parser.add_argument("--json-out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.work_dir or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        results = run(args.claims, folder)
    report(results, args.json_out)


if __name__ == "__main__":
    main()
