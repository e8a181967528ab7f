"""How fast are claims built, scrubbed and exported as 837P, against raw sqlite3 doing the same?

Generates a practice in a new SQLite file (schema from the real migrations; the practice,
a provider, the fee schedule and a payer through the services; then ``--claims`` patients,
each insured, with one closed encounter of two diagnoses and three charge lines, inserted
in bulk) and copies it. Each step runs once through the service, as one operation over
every claim (as ``billing claims build|scrub|export`` run it), and once as raw ``sqlite3``
on the copy doing the same set-based work and writing the same rows (audit entries
included, their HMAC chain computed in memory):

- **build**: ``claims.build_claims`` against one query of the encounters with their policy
  and total, the claims in one ``executemany``, lines and history one ``INSERT … SELECT`` each;
- **scrub**: ``claims.scrub_claims`` against three queries (claims with their patient,
  policy, payer and provider; diagnoses; lines) and the checks in Python over the rows,
  then the ready claims updated and their history written;
- **export**: ``x12.batches.export_batch`` against the same gathering and checks, the
  control numbers, the batch row, the 837P formatted with f-strings (it must be the very
  bytes of the service's file: ``raw_837p_same_bytes``) and every claim submitted;
- **re-export**: ``x12.batches.batch_file`` (read-only: gather and format the batch again);
- the ICD-10-CM code set's first load (once per process, before anything is timed).

Times are the process's CPU time (``time.process_time``: SQLite runs in the process, so
its work is counted; the waits for a core on a shared machine are not); wall times are
reported beside them. Each step's ratio is the service's CPU time over the raw one's
(target: 5x). ``export_over_raw_format`` compares the export with the formatting alone.

Memory: the process's peak resident size after each step, and the ``tracemalloc`` peak of
a separate re-export pass (run at two sizes to see whether it grows with the batch).

Run:

    .venv/bin/python bench/billing_claims.py --claims 10000 [--json-out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import hmac
import io
import json
import os
import re
import resource
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
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


# -- the raw baseline: sqlite3 on a copy of the same file, writing the same rows -------------

AT = NOW.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
"""``NOW`` as SQLite holds an aware UTC time (SQLAlchemy's text form, naive UTC)."""
TEXT_PROBLEM = re.compile(r"[^ -~]|[~*:^]")
GATHER = {
    "claims": """SELECT k.id, k.claim_number, k.total, k.patient_id, e.date_of_service, e.place_of_service,
                        e.prior_authorization, p.last_name, p.first_name, p.middle_name, p.date_of_birth, p.sex,
                        p.address_line1, p.address_line2, p.city, p.state, p.postal_code, q.member_id,
                        q.relationship, q.group_number, y.name, y.payer_code, y.claim_filing_code, s.name, s.npi
                 FROM billing_claim k JOIN billing_encounter e ON e.id = k.encounter_id
                 JOIN core_patient p ON p.id = k.patient_id JOIN billing_policy q ON q.id = k.policy_id
                 JOIN billing_payer y ON y.id = k.payer_id JOIN core_staff s ON s.id = e.provider_id
                 WHERE k.status = ? ORDER BY k.id""",
    "diagnoses": """SELECT k.id, d.code FROM billing_claim k
                    JOIN billing_encounter_diagnosis d ON d.encounter_id = k.encounter_id
                    WHERE k.status = ? ORDER BY k.id, d.position""",
    "lines": """SELECT l.claim_id, l.line_number, c.code, c.units, l.amount, c.pointer1, c.pointer2, c.pointer3,
                       c.pointer4, c.date_of_service
                FROM billing_claim k JOIN billing_claim_line l ON l.claim_id = k.id
                JOIN billing_charge c ON c.id = l.charge_id WHERE k.status = ? ORDER BY l.claim_id, l.line_number""",
}


def raw_connect(path: Path) -> sqlite3.Connection:
    """A plain ``sqlite3`` connection set as the runtime sets its own (WAL, foreign keys)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def raw_audit(conn: sqlite3.Connection, key: bytes, user_id: int, entries: list[tuple]) -> None:
    """The audit rows of ``entries`` (action, entity, id, patient, summary): the chain extended
    in memory as the core does it, one ``executemany`` and the head moved."""
    seq, prev = conn.execute("SELECT seq, hash FROM core_audit_head WHERE id = 1").fetchone()
    at = NOW.isoformat(timespec="microseconds")
    rows = []
    for action, entity, entity_id, patient_id, summary in entries:
        seq += 1
        text = json.dumps(summary, sort_keys=True, separators=(",", ":"))
        canonical = json.dumps([seq, at, user_id, "admin", action, entity, str(entity_id), patient_id, text],
                               separators=(",", ":")).encode()
        digest = hmac.new(key, prev.encode() + b"\x1f" + canonical, hashlib.sha256).hexdigest()
        rows.append((seq, AT, user_id, "admin", action, entity, str(entity_id), patient_id, text, prev, digest))
        prev = digest
    conn.executemany("INSERT INTO core_audit (seq, at, user_id, username, action, entity, entity_id, patient_id, "
                     "summary, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("UPDATE core_audit_head SET seq = ?, hash = ? WHERE id = 1", (seq, prev))


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def raw_build(conn: sqlite3.Connection, key: bytes, user_id: int) -> int:
    """Every closed encounter without a primary claim, under its primary policy in effect:
    the claims in one ``executemany``, their lines and history rows each one ``INSERT …
    SELECT``, an audit entry per claim."""
    conn.execute("BEGIN IMMEDIATE")
    plans = conn.execute("""
        SELECT e.id, e.patient_id, p.id, p.payer_id, SUM(c.amount), COUNT(c.id)
        FROM billing_encounter e
        JOIN billing_policy p ON p.id = (
            SELECT MAX(q.id) FROM billing_policy q WHERE q.patient_id = e.patient_id AND q.rank = 'primary'
            AND q.active AND (q.effective_from IS NULL OR q.effective_from <= e.date_of_service)
            AND (q.effective_to IS NULL OR e.date_of_service <= q.effective_to))
        JOIN billing_charge c ON c.encounter_id = e.id AND c.voided_at IS NULL
        WHERE e.status = 'closed'
          AND NOT EXISTS (SELECT 1 FROM billing_claim k WHERE k.encounter_id = e.id AND k.sequence = 'primary')
        GROUP BY e.id ORDER BY e.id""").fetchall()
    first = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM billing_claim").fetchone()[0]
    conn.executemany(
        "INSERT INTO billing_claim (id, claim_number, encounter_id, policy_id, payer_id, patient_id, sequence, "
        "status, total, frequency_code, created_at, created_by, status_changed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 'primary', 'draft', ?, '1', ?, 'admin', ?)",
        [(first + n, f"{e}-P", e, policy, payer, patient, total, AT, AT)
         for n, (e, patient, policy, payer, total, _lines) in enumerate(plans)])
    conn.execute("""INSERT INTO billing_claim_line (claim_id, charge_id, line_number, amount)
                    SELECT k.id, c.id, ROW_NUMBER() OVER (PARTITION BY k.id ORDER BY c.line_number), c.amount
                    FROM billing_claim k JOIN billing_charge c ON c.encounter_id = k.encounter_id
                    WHERE k.id >= ? AND c.voided_at IS NULL""", (first,))
    conn.execute("INSERT INTO billing_claim_status (claim_id, status, changed_at, changed_by) "
                 "SELECT id, 'draft', ?, 'admin' FROM billing_claim WHERE id >= ?", (AT, first))
    raw_audit(conn, key, user_id, [
        ("billing.claim.built", "billing_claim", first + n, patient,
         {"claim_number": f"{e}-P", "encounter_id": e, "sequence": "primary", "payer_id": payer,
          "total": _money(total), "lines": lines, "frequency_code": "1"})
        for n, (e, patient, _policy, payer, total, lines) in enumerate(plans)])
    conn.execute("COMMIT")
    return len(plans)


def raw_gather(conn: sqlite3.Connection, status: str) -> tuple[list[tuple], dict[int, list], dict[int, list]]:
    """The claims of ``status`` with everything the checks and the 837P read: three queries."""
    claims = conn.execute(GATHER["claims"], (status,)).fetchall()
    diagnoses: dict[int, list] = defaultdict(list)
    for claim_id, code in conn.execute(GATHER["diagnoses"], (status,)):
        diagnoses[claim_id].append(code)
    lines: dict[int, list] = defaultdict(list)
    for line in conn.execute(GATHER["lines"], (status,)):
        lines[line[0]].append(line)
    return claims, diagnoses, lines


def raw_problems(row: tuple, codes: list[str], lines: list[tuple], billable) -> list[str]:
    """The scrubber's checks that apply to these claims, over raw rows: every text value
    plain ASCII without delimiters or edge spaces, the subscriber's name, birth date, sex and
    address (state code, ZIP code), the member and payer ids, the rendering NPI's check digit,
    one to twelve billable diagnoses, each line's code, units and pointers, the total."""
    from medoffice.core.validation import is_valid_npi
    from medoffice.plugins.billing.codes import PROCEDURE_CODE
    from medoffice.plugins.billing.scrubber import STATES, ZIP

    (_id, number, total, _patient, _day, _place, prior, last, first, middle, dob, sex, line1, line2, city, state,
     postal, member, _relationship, group, payer, payer_code, _filing, provider, npi) = row
    problems = [f"{value!r} cannot go in the file"
                for value in (number, prior, last, first, middle, line1, line2, city, state, postal, member, group,
                              payer, payer_code, provider)
                if value and (TEXT_PROBLEM.search(value) or value != value.strip())]
    if not (member and last and first and dob and sex and payer and payer_code):
        problems.append("missing subscriber or payer data")
    if not (line1 and city and state and postal) or state not in STATES or not ZIP.match(postal):
        problems.append("bad address")
    if not npi or not is_valid_npi(npi):
        problems.append("bad NPI")
    if not 1 <= len(codes) <= 12 or not all(map(billable, codes)):
        problems.append("bad diagnoses")
    for line in lines:
        pointers = [p for p in line[5:9] if p]
        if not PROCEDURE_CODE.match(line[2]) or line[3] < 1 or not pointers or \
                not all(1 <= p <= len(codes) for p in pointers):
            problems.append(f"bad line {line[1]}")
    if sum(line[4] for line in lines) != total:
        problems.append("total")
    return problems


def raw_scrub(conn: sqlite3.Connection, key: bytes, user_id: int, billable) -> int:
    """Every draft gathered and checked; those without a problem become ready (one
    ``executemany`` each for the claims and their history), an audit entry each."""
    conn.execute("BEGIN IMMEDIATE")
    claims, diagnoses, lines = raw_gather(conn, "draft")
    ready = [row for row in claims if not raw_problems(row, diagnoses[row[0]], lines[row[0]], billable)]
    conn.executemany("UPDATE billing_claim SET status = 'ready', status_changed_at = ? WHERE id = ?",
                     [(AT, row[0]) for row in ready])
    conn.executemany("INSERT INTO billing_claim_status (claim_id, from_status, status, changed_at, changed_by) "
                     "VALUES (?, 'draft', 'ready', ?, 'admin')", [(row[0], AT) for row in ready])
    raw_audit(conn, key, user_id, [("billing.claim.ready", "billing_claim", row[0], row[3],
                                    {"claim_number": row[1], "from": "draft", "to": "ready"}) for row in ready])
    conn.execute("COMMIT")
    return len(ready)


def _amount(cents: int) -> str:
    return _money(cents).rstrip("0").rstrip(".")


def raw_837p(practice: tuple, claims: list[tuple], diagnoses: dict[int, list], lines: dict[int, list]) -> str:
    """The same segments as the service's 837P, formatted with f-strings from raw rows."""
    name, npi, tax_id, phone, line1, city, state, postal = practice
    tax_id, phone, postal = tax_id.replace("-", ""), "".join(ch for ch in phone if ch.isdigit()), \
        postal.replace("-", "")
    body = [f"ST*837*0001*005010X222A1~BHT*0019*00*000000001*20260105*1000*CH~NM1*41*2*{name}*****46*{tax_id}~"
            f"PER*IC*{name}*TE*{phone}~NM1*40*2*Acme Health*****46*ACME1~HL*1**20*1~"
            f"NM1*85*2*{name}*****XX*{npi}~N3*{line1}~N4*{city}*{state}*{postal}~REF*EI*{tax_id}~"]
    rendering: dict[str, str] = {}
    hl = 2
    for (claim_id, number, total, _patient, _day, place, _prior, last, first, _middle, dob, sex, street, _line2,
         town, region, zip_code, member, _relationship, group, payer, payer_code, filing, provider,
         provider_npi) in claims:
        if provider not in rendering:
            parts = provider.split()
            rendering[provider] = f"{parts[-1]}*{parts[-2]}"
        codes = diagnoses[claim_id]
        body.append(f"HL*{hl}*1*22*0~SBR*P*18*{group}******{filing}~NM1*IL*1*{last}*{first}****MI*{member}~"
                    f"N3*{street}~N4*{town}*{region}*{zip_code.replace('-', '')}~"
                    f"DMG*D8*{dob.replace('-', '')}*{'F' if sex == 'female' else 'M'}~"
                    f"NM1*PR*2*{payer}*****PI*{payer_code}~CLM*{number}*{_amount(total)}***{place}:B:1*Y*A*Y*Y~"
                    f"HI*{'*'.join(('ABK:' if n == 0 else 'ABF:') + c for n, c in enumerate(codes))}~"
                    f"NM1*82*1*{rendering[provider]}****XX*{provider_npi}~")
        for (_claim, line_number, code, units, amount, p1, p2, p3, p4, day) in lines[claim_id]:
            pointers = ":".join(str(p) for p in (p1, p2, p3, p4) if p)
            body.append(f"LX*{line_number}~SV1*HC:{code}*{_amount(amount)}*UN*{units}***{pointers}~"
                        f"DTP*472*D8*{day.replace('-', '')}~")
        hl += 1
    text = "".join(body)
    return (f"ISA*00*          *00*          *ZZ*{tax_id:<15}*ZZ*{'ACME1':<15}*260105*1000*^*00501*000000001*0*P*:~"
            f"GS*HC*{tax_id}*ACME1*20260105*1000*1*X*005010X222A1~{text}SE*{text.count('~') + 1}*0001~"
            "GE*1*1~IEA*1*000000001~")


def raw_export(conn: sqlite3.Connection, key: bytes, user_id: int, billable, timing: dict[str, float]) -> int:
    """The ready claims gathered and checked again, the control numbers taken, the batch
    recorded with the file's SHA-256, the 837P formatted, each claim submitted (claims and
    history one ``executemany`` each), an audit entry per claim and one for the batch.
    ``timing["format"]`` gets the CPU time of the formatting alone."""
    conn.execute("BEGIN IMMEDIATE")
    claims, diagnoses, lines = raw_gather(conn, "ready")
    if any(raw_problems(row, diagnoses[row[0]], lines[row[0]], billable) for row in claims):
        raise AssertionError("the raw checks found a problem the service did not")
    numbers = []
    for counter in ("x12.interchange", "x12.group"):
        numbers.append(conn.execute(
            "INSERT INTO billing_sequence (name, next_value) VALUES (?, 2) ON CONFLICT (name) "
            "DO UPDATE SET next_value = next_value + 1 RETURNING next_value - 1", (counter,)).fetchone()[0])
    practice = conn.execute("SELECT name, npi, tax_id, phone, address_line1, city, state, postal_code "
                            "FROM core_practice WHERE id = 1").fetchone()
    total = sum(row[2] for row in claims)
    batch_id = conn.execute(
        "INSERT INTO billing_claim_batch (interchange_control_number, group_control_number, "
        "transaction_control_number, claim_count, total, created_at, created_by, submitter_id, receiver_id, "
        "receiver_name, usage_indicator) VALUES (?, ?, ?, ?, ?, ?, 'admin', ?, 'ACME1', 'Acme Health', 'P')",
        (numbers[0], numbers[1], f"{numbers[1]:04d}", len(claims), total, AT, practice[2])).lastrowid
    mark = time.process_time()
    text = raw_837p(practice, claims, diagnoses, lines)
    timing["format"] = time.process_time() - mark
    digest = hashlib.sha256(text.encode("ascii")).hexdigest()
    conn.execute("UPDATE billing_claim_batch SET content_sha256 = ? WHERE id = ?", (digest, batch_id))
    note = f"batch {batch_id} (ISA13 {numbers[0]:09d})"
    conn.executemany("UPDATE billing_claim SET status = 'submitted', batch_id = ?, submitted_at = ?, "
                     "status_changed_at = ? WHERE id = ?", [(batch_id, AT, AT, row[0]) for row in claims])
    conn.executemany("INSERT INTO billing_claim_status (claim_id, from_status, status, changed_at, changed_by, note) "
                     "VALUES (?, 'ready', 'submitted', ?, 'admin', ?)", [(row[0], AT, note) for row in claims])
    raw_audit(conn, key, user_id, [
        *(("billing.claim.submitted", "billing_claim", row[0], row[3],
           {"claim_number": row[1], "from": "ready", "to": "submitted", "note": note}) for row in claims),
        ("billing.batch.exported", "billing_claim_batch", batch_id, None,
         {"interchange": numbers[0], "group": numbers[1], "claims": len(claims), "total": _money(total),
          "receiver": "ACME1", "sha256": digest})])
    conn.execute("COMMIT")
    return len(text)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(action: Callable[[], Any]) -> tuple[Any, float, float]:
    """``action()``'s outcome, the process's CPU time it took and its wall time."""
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = action()
    return outcome, time.process_time() - cpu, time.perf_counter() - wall


def run(count: int, folder: Path) -> dict[str, Any]:
    from medoffice.plugins.billing import claims
    from medoffice.plugins.billing.codes import _code_set
    from medoffice.plugins.billing.x12 import batches

    results: dict[str, Any] = {"claims": count, "lines_per_claim": len(LINES),
                               "load_average": " ".join(f"{n:.1f}" for n in os.getloadavg())}
    path, raw_path = folder / "billing-bench.sqlite", folder / "billing-bench-raw.sqlite"
    (runtime, admin), cpu, _wall = timed(lambda: generate(path, count))
    results["generate_cpu_s"] = round(cpu, 2)
    source, copy = sqlite3.connect(path), sqlite3.connect(raw_path)
    source.backup(copy)  # the raw baseline works on a copy of the same practice
    source.close()
    copy.close()
    icd, cpu, _wall = timed(_code_set)  # the ICD-10-CM code set loads on first use, once per process
    results["icd10cm_load_cpu_s"] = round(cpu, 2)
    billable = functools.cache(lambda code: icd.is_valid_item(code) and icd.is_leaf(code))
    key, raw, timing = runtime.audit_key(), raw_connect(raw_path), {}
    texts: dict[str, str] = {}

    def export(ctx) -> int:
        texts["service"] = batches.export_batch(ctx).text
        return len(texts["service"])

    steps = (("build", lambda: raw_build(raw, key, admin.id), lambda ctx: len(claims.build_claims(ctx).built)),
             ("scrub", lambda: raw_scrub(raw, key, admin.id, billable),
              lambda ctx: sum(1 for r in claims.scrub_claims(ctx) if r.status == "ready")),
             ("export", lambda: raw_export(raw, key, admin.id, billable, timing), export))
    for name, raw_step, service_step in steps:
        raw_outcome, raw_cpu, raw_wall = timed(raw_step)

        def service(step=service_step):
            with runtime.operation(admin) as ctx:
                return step(ctx)

        outcome, cpu, wall = timed(service)
        results.update({f"{name}_service_cpu_s": round(cpu, 3), f"{name}_raw_cpu_s": round(raw_cpu, 3),
                        f"{name}_ratio": round(cpu / max(raw_cpu, 1e-6), 1),
                        f"{name}_service_wall_s": round(wall, 3), f"{name}_raw_wall_s": round(raw_wall, 3),
                        f"{name}_result": outcome, f"{name}_raw_result": raw_outcome,
                        f"{name}_peak_rss_mib": round(peak_rss_mib(), 1)})
    with sqlite3.connect(raw_path) as check:
        (raw_text,) = check.execute("SELECT content_sha256 FROM billing_claim_batch").fetchone()
    results["raw_837p_same_bytes"] = raw_text == hashlib.sha256(texts["service"].encode("ascii")).hexdigest()
    raw.close()
    results["raw_format_cpu_s"] = round(timing["format"], 3)
    results["export_over_raw_format"] = round(results["export_service_cpu_s"] / max(timing["format"], 1e-6), 1)

    def reexport() -> bool:
        with runtime.operation(admin, write=False) as ctx:
            return batches.batch_file(ctx, 1).unchanged

    results["reexport_unchanged"], cpu, _wall = timed(reexport)
    results["reexport_cpu_s"] = round(cpu, 3)
    tracemalloc.start()
    reexport()
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
