"""How fast is the compliance overview through the service, against raw ``sqlite3`` computing
the same figures in the same run, and does its memory stay flat as the history grows?

Makes the payroll benchmark's practice (:func:`staff_payroll.generate`: ``--staff`` people,
``--years`` of punches) and gives it an office's compliance: roles (providers, nurses,
medical assistants, front desk), start days, four training requirements with a completion
every cycle, licences and BLS cards (some expiring, one expired and required, one
overridden), five policies with a new version twice a year, an annual evaluation per person
and year, and tasks (a daily log per role, a weekly one per person), some left undone.

The rows are written in two steps:

1. *the present*: what decides today's standing (each person's latest completion per
   training, every policy version, the current version's acknowledgments, this year's
   evaluations, the open tasks, the credentials on file);
2. *the history*: what the present supersedes (earlier completions, acknowledgments of
   earlier versions, signed evaluations, finished tasks, retired credentials), years of it.

After each step it measures the overview (``compliance.overview``, 30 days, as a manager:
trainings, licences, policies, evaluations, tasks) against raw ``sqlite3`` running the
equivalent queries and the same rules in plain Python; the counts per person and section
must be equal (and equal between the steps: history changes nothing) or the run fails.
Reported: both ratios (target within 5x) and the overview's peak memory (``tracemalloc``)
with the present alone and with the history: flat in the history length when they are alike.

Run (a few minutes for the full size; see docs/performance.md):

    .venv/bin/python bench/staff_compliance.py /tmp/medoffice-bench/compliance.sqlite --repeat 5

``--staff 6 --years 0.15`` makes the tiny practice the smoke test uses.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import random
import resource
import sqlite3
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from staff_payroll import (  # noqa: E402
    PASSWORD, TIMEZONE, TODAY, arguments, generate, open_practice, peak_kib, practice_file, timed)

WITHIN = 30
ROLES = (("physician", True), ("nurse", False), ("medical_assistant", False), ("front_desk", False))
TRAININGS = (  # name, roles, every months, first within days
    ("HIPAA privacy", ("*",), 12, 30),
    ("OSHA bloodborne pathogens", ("physician", "nurse", "medical_assistant"), 12, 30),
    ("BLS", ("physician", "nurse", "medical_assistant"), 24, 60),
    ("New-hire orientation", ("*",), None, 30),
)
POLICIES = ("Privacy", "Hand hygiene", "Sharps disposal", "Dress code", "Phone etiquette")
MAX_CHUNK = 20_000


def _months_before(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 - months
    return dt.date(total // 12, total % 12 + 1, min(day.day, 28))


def _months_after(day: dt.date, months: int) -> dt.date:
    return _months_before(day, -months)


def roles_of(staff: int) -> dict[int, str]:
    """Each person's role: one in ten a physician, one a nurse, two front desk, the rest
    medical assistants."""
    return {i: ROLES[0 if i % 10 == 0 else 1 if i % 10 == 1 else 3 if i % 10 in (2, 3) else 2][0]
            for i in range(1, staff + 1)}


def compliance_rows(staff: int, years: float, seed: int) -> tuple[dict[str, list[dict[str, Any]]],
                                                                  dict[str, list[dict[str, Any]]]]:
    """The practice's compliance rows as (present, history), each a list of rows per table."""
    rng = random.Random(seed)
    now = dt.datetime.combine(TODAY, dt.time(7), ZoneInfo(TIMEZONE)).astimezone(dt.timezone.utc)
    first = TODAY - dt.timedelta(days=round(years * 365.25))
    present: dict[str, list[dict[str, Any]]] = defaultdict(list)
    history: dict[str, list[dict[str, Any]]] = defaultdict(list)
    roles = roles_of(staff)
    hired = {i: (TODAY - dt.timedelta(days=rng.randrange(5, 60)) if i % 25 == 0
                 else first - dt.timedelta(days=rng.randrange(30, 2000))) for i in range(1, staff + 1)}
    present["staff_member"] = [{"staff_id": i, "hired_on": hired[i]} for i in range(1, staff + 1)]
    for number, (name, applies, every, within) in enumerate(TRAININGS, start=1):
        present["staff_training"].append({"id": number, "name": name, "every_months": every,
                                          "first_within_days": within, "created_on": first, "active": True})
        present["staff_training_role"] += [{"training_id": number, "role": role} for role in applies]
        for person in range(1, staff + 1):
            if "*" not in applies and roles[person] not in applies:
                continue
            if every is None:  # once: done soon after the start, unless the start is recent
                if hired[person] < TODAY - dt.timedelta(days=20) or rng.random() < 0.5:
                    on = min(TODAY, max(hired[person], first) + dt.timedelta(days=rng.randrange(3, 25)))
                    present["staff_training_completion"].append(_completion(number, person, on, None, now))
                continue
            # every cycle: the last one ends between 60 days ago (overdue) and a cycle ahead
            last = TODAY - dt.timedelta(days=round(every * 30.4 * rng.uniform(0.1, 1.0) + rng.choice((0, 0, 0, 60))))
            if last < hired[person]:
                continue
            done = [last]
            while _months_before(done[-1], every) >= max(first, hired[person]):
                done.append(_months_before(done[-1], every) - dt.timedelta(days=rng.randrange(0, 20)))
            present["staff_training_completion"].append(
                _completion(number, person, last, _months_after(last, every), now))
            history["staff_training_completion"] += [_completion(number, person, on, _months_after(on, every), now)
                                                     for on in done[1:]]
    credential = 0
    for person in range(1, staff + 1):
        held = [("BLS card", "American Heart Association", 24)]
        if roles[person] == "physician":
            held += [("State medical licence", "NY", 24), ("DEA registration", "DEA", 36)]
        elif roles[person] == "nurse":
            held += [("RN licence", "NY", 24)]
        elif roles[person] == "front_desk":
            held = []
        for kind, issuer, months in held:
            expires = TODAY + dt.timedelta(days=rng.randrange(-20, months * 30))
            issued = _months_before(expires, months)
            while issued > first:  # the renewals before: retired when renewed
                credential += 1
                history["staff_credential"].append(_credential(credential, person, kind, issuer, issued,
                                                               _months_before(expires, months), False))
                expires, issued = issued, _months_before(issued, months)
            credential += 1
            present["staff_credential"].append(_credential(credential, person, kind, issuer,
                                                           _months_before(expires, months), expires, True))
    for row in present["staff_credential"]:
        if row["expires_on"] < TODAY and row["id"] % 3 == 0:
            present["staff_credential_override"].append({
                "credential_id": row["id"], "reason": "renewal in the mail", "until": TODAY + dt.timedelta(days=10),
                "granted_at": now, "granted_by": "admin"})
    version = 0
    for number, title in enumerate(POLICIES, start=1):
        present["staff_policy"].append({"id": number, "title": title, "category": "clinical" if number < 4 else "office",
                                        "ack_within_days": 14, "active": True})
        published = [TODAY - dt.timedelta(days=rng.randrange(3, 150))]
        while published[-1] - dt.timedelta(days=182) > first:
            published.append(published[-1] - dt.timedelta(days=182))
        for count, on in enumerate(reversed(published), start=1):
            version += 1
            current = count == len(published)
            present["staff_policy_version"].append({
                "id": version, "policy_id": number, "number": count, "body": f"{title}, version {count}",
                "published_on": on, "published_at": now, "published_by": "admin"})
            present["staff_policy_version_role"].append({"version_id": version, "role": "*"})
            for person in range(1, staff + 1):
                if rng.random() < (0.8 if current else 0.97):
                    (present if current else history)["staff_policy_ack"].append({
                        "version_id": version, "staff_id": person, "acknowledged_at": now, "username": "bench"})
    present["staff_eval_template"].append({"id": 1, "name": "Annual review", "scale_min": 1, "scale_max": 5,
                                           "active": True})
    present["staff_eval_item"].append({"id": 1, "template_id": 1, "position": 1, "kind": "competency",
                                       "name": "Patient care"})
    present["staff_eval_cycle"].append({"id": 1, "name": "Annual", "kind": "annual", "template_id": 1,
                                        "active": True})
    for person in range(1, staff + 1):
        due = TODAY + dt.timedelta(days=rng.randrange(-40, 300))
        year = 0
        while due > first:
            row = {"staff_id": person, "cycle_id": 1, "template_id": 1, "period": f"year to {due.isoformat()}", "due_on": due,
                   "created_at": now}
            if year:  # the years before: both signed
                history["staff_evaluation"].append(row | {"self_signed_at": now, "self_signed_by": "bench",
                                                          "manager_signed_at": now, "manager_signed_by": "admin"})
            elif rng.random() < 0.3:
                present["staff_evaluation"].append(row | {"self_signed_at": now, "self_signed_by": "bench"})
            else:
                present["staff_evaluation"].append(row)
            year += 1
            due -= dt.timedelta(days=365)
    series = 0
    for role, _provider in ROLES:
        series += 1
        present["staff_recurring_task"].append({"id": series, "title": f"Daily log ({role})", "assignee_role": role,
                                                "priority": "normal", "every": "day", "starts_on": first,
                                                "active": True, "created_at": now, "created_by": "admin"})
        day = first
        while day < TODAY:
            late = day >= TODAY - dt.timedelta(days=10) and rng.random() < 0.3
            (present if late else history)["staff_task"].append(_task(f"Daily log ({role})", None, role, day,
                                                                      "open" if late else "done", series, now))
            day += dt.timedelta(days=1)
    for person in range(1, staff + 1):
        day = first + dt.timedelta(days=person % 7)
        while day < TODAY + dt.timedelta(days=7):
            state = "done" if day < TODAY - dt.timedelta(days=21) or rng.random() < 0.85 else "open"
            (history if state == "done" else present)["staff_task"].append(
                _task("Weekly supply check", person, None, day, state, None, now))
            day += dt.timedelta(days=7)
    return present, history


def _completion(training: int, person: int, on: dt.date, expires: dt.date | None, now: dt.datetime) -> dict[str, Any]:
    return {"training_id": training, "staff_id": person, "completed_on": on, "expires_on": expires,
            "recorded_at": now, "recorded_by": "bench"}


def _credential(number: int, person: int, kind: str, issuer: str, issued: dt.date, expires: dt.date,
                active: bool) -> dict[str, Any]:
    return {"id": number, "staff_id": person, "kind": kind, "number": f"{number:06d}", "issuer": issuer,
            "issued_on": issued, "expires_on": expires, "required_for_work": kind != "DEA registration",
            "active": active}


def _task(title: str, person: int | None, role: str | None, due: dt.date, status: str, series: int | None,
          now: dt.datetime) -> dict[str, Any]:
    done = status == "done"
    return {"title": title, "assignee_staff_id": person, "assignee_role": role, "due_on": due, "priority": "normal",
            "status": status, "recurring_id": series, "created_at": now, "created_by": "admin", "updated_at": now,
            "finished_at": now if done else None, "finished_by": "bench" if done else None}


def write(path: Path, rows: dict[str, list[dict[str, Any]]], *, roles: dict[int, str] | None = None) -> int:
    """Bulk insert ``rows`` (table name: rows) in the tables' order; the staff roles first."""
    from sqlalchemy import insert, update

    from medoffice.core.storage.models import Staff
    from medoffice.plugins.staff.models import Base

    runtime = open_practice(path, lambda: dt.datetime.now(dt.timezone.utc))
    try:
        with runtime.engine.begin() as conn:
            for staff_id, role in (roles or {}).items():
                conn.execute(update(Staff.__table__).where(Staff.__table__.c.id == staff_id)
                             .values(role=role, is_provider=role == "physician"))
            for table in Base.metadata.sorted_tables:
                keys = {key for row in rows.get(table.name, ()) for key in row}
                found = [{key: row.get(key) for key in keys} for row in rows.get(table.name, ())]
                for chunk in range(0, len(found), MAX_CHUNK):
                    conn.execute(insert(table), found[chunk:chunk + MAX_CHUNK])
    finally:
        runtime.close()
    return sum(len(r) for r in rows.values())


# -- raw sqlite3: the same figures by hand ----------------------------------------------------


def _role_key(value: str | None) -> str:
    return "_".join((value or "").lower().replace("-", " ").replace("_", " ").split())


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def raw_overview(conn: sqlite3.Connection, today: dt.date, within: int) -> dict[tuple[int | None, str], tuple]:
    """Per (staff id, name): per section (overdue, due), as the overview counts them."""
    counts: dict[tuple[int | None, str], list[list[int]]] = defaultdict(lambda: [[0, 0] for _ in range(5)])
    limit = today + dt.timedelta(days=within)

    def count(who: tuple[int | None, str], section: int, due_on: dt.date) -> None:
        if due_on < today:
            counts[who][section][0] += 1
        elif due_on <= limit:
            counts[who][section][1] += 1

    people = conn.execute("SELECT s.id, s.name, s.role, m.hired_on FROM core_staff s LEFT JOIN staff_member m"
                          " ON m.staff_id = s.id WHERE s.active").fetchall()
    trainings = conn.execute("SELECT id, every_months, first_within_days, created_on FROM staff_training"
                             " WHERE active").fetchall()
    applies: dict[int, set[str]] = defaultdict(set)
    for training_id, role in conn.execute("SELECT training_id, role FROM staff_training_role"):
        applies[training_id].add(role)
    latest = {(s, t): (_date(c), _date(e)) for s, t, c, e in conn.execute(
        "SELECT staff_id, training_id, completed_on, expires_on FROM (SELECT staff_id, training_id, completed_on,"
        " expires_on, row_number() OVER (PARTITION BY staff_id, training_id ORDER BY completed_on DESC, id DESC)"
        " AS n FROM staff_training_completion) WHERE n = 1")}
    for staff_id, name, role, hired_on in people:
        key = _role_key(role)
        for training_id, every, first_within, created in trainings:
            if "*" not in applies[training_id] and key not in applies[training_id]:
                continue
            done = latest.get((staff_id, training_id))
            if done is None:
                base = max(_date(hired_on) or _date(created), _date(created))
                count((staff_id, name), 0, base + dt.timedelta(days=first_within))
            elif done[1] is not None:
                count((staff_id, name), 0, done[1])
            elif every:
                total = done[0].month - 1 + every
                year, month = done[0].year + total // 12, total % 12 + 1
                count((staff_id, name), 0, dt.date(year, month, min(done[0].day, calendar.monthrange(year, month)[1])))
    for staff_id, name, expires in conn.execute(
            "SELECT c.staff_id, s.name, c.expires_on FROM staff_credential c JOIN core_staff s ON s.id = c.staff_id"
            " WHERE c.active AND s.active AND c.expires_on IS NOT NULL AND c.expires_on <= ?", (limit.isoformat(),)):
        count((staff_id, name), 1, _date(expires))
    for staff_id, name, published, hired_on, within_days in conn.execute(
            "SELECT s.id, s.name, v.published_on, m.hired_on, p.ack_within_days FROM staff_policy p"
            " JOIN staff_policy_version v ON v.policy_id = p.id AND v.number = (SELECT max(number)"
            " FROM staff_policy_version WHERE policy_id = p.id)"
            " JOIN core_staff s ON s.active AND (EXISTS (SELECT 1 FROM staff_policy_version_role r"
            " WHERE r.version_id = v.id AND (r.role = '*' OR r.role = lower(replace(s.role, ' ', '_')))))"
            " LEFT JOIN staff_member m ON m.staff_id = s.id"
            " WHERE p.active AND NOT EXISTS (SELECT 1 FROM staff_policy_ack a WHERE a.version_id = v.id"
            " AND a.staff_id = s.id)"):
        start = max(_date(published), _date(hired_on) or _date(published))
        count((staff_id, name), 2, start + dt.timedelta(days=within_days))
    for staff_id, name, due in conn.execute(
            "SELECT e.staff_id, s.name, e.due_on FROM staff_evaluation e JOIN core_staff s ON s.id = e.staff_id"
            " WHERE e.cancelled_at IS NULL AND e.manager_signed_at IS NULL AND e.due_on <= ? AND s.active",
            (limit.isoformat(),)):
        count((staff_id, name), 3, _date(due))
    for staff_id, name, role, due in conn.execute(
            "SELECT t.assignee_staff_id, s.name, t.assignee_role, t.due_on FROM staff_task t"
            " LEFT JOIN core_staff s ON s.id = t.assignee_staff_id"
            " WHERE t.status IN ('open', 'in_progress') AND t.due_on < ?", (today.isoformat(),)):
        who = (staff_id, name) if role is None else (None, "role: " + role.replace("_", " "))
        counts[who][4][0] += 1
    return {who: tuple(tuple(c) for c in sections) for who, sections in counts.items() if any(map(any, sections))}


# -- measuring -------------------------------------------------------------------------------


def measure(path: Path, repeat: int) -> dict[str, Any]:
    from medoffice.core.services.users import sign_in
    from medoffice.plugins.staff import compliance

    now = dt.datetime.combine(TODAY, dt.time(7), ZoneInfo(TIMEZONE)).astimezone(dt.timezone.utc)
    runtime = open_practice(path, lambda: now)
    user = sign_in(runtime, "admin", PASSWORD)

    def service() -> Any:
        with runtime.operation(user, write=False) as ctx:
            return compliance.overview(ctx, within=WITHIN)

    conn = sqlite3.connect(path)
    try:
        service()  # warm: imports, the plugin's first use
        service_seconds, found = timed(service, repeat)
        raw_seconds, expected = timed(lambda: raw_overview(conn, TODAY, WITHIN), repeat)
        mine = {(p.staff_id, p.staff): p.counts for p in found.people}
        if found.sections != ("Trainings", "Licences", "Policies", "Reviews", "Tasks") or mine != expected:
            differ = sorted((str(k) for k in set(mine) | set(expected) if mine.get(k) != expected.get(k)))[:5]
            raise SystemExit(f"the service and raw sqlite3 disagree for {differ}: "
                             f"{[(mine.get(k), expected.get(k)) for k in set(mine) | set(expected) if str(k) in differ]}")
        memory = min(peak_kib(service) for _ in range(2))  # the lower of two: a collection may fall in one
        raw_memory = peak_kib(lambda: raw_overview(conn, TODAY, WITHIN))
    finally:
        conn.close()
        runtime.close()
    return {"people": len(found.people), "overdue": sum(p.overdue for p in found.people), "counts": mine,
            "service_ms": round(service_seconds * 1000, 1), "raw_ms": round(raw_seconds * 1000, 1),
            "ratio": round(service_seconds / raw_seconds, 2) if raw_seconds else None,
            "peak_kib": round(memory), "raw_peak_kib": round(raw_memory)}


def main(argv: list[str] | None = None) -> None:
    args = arguments(__doc__.splitlines()[0], argv)
    with practice_file(args.path, "compliance.sqlite") as path:
        began = time.perf_counter()
        described = generate(path, staff=args.staff, years=args.years, seed=args.seed)
        present, history = compliance_rows(args.staff, args.years, args.seed)
        described["present_rows"] = write(path, present, roles=roles_of(args.staff))
        described["generate_s"] = round(time.perf_counter() - began, 1)
        alone = measure(path, args.repeat)
        described["history_rows"] = write(path, history)
        full = measure(path, args.repeat)
    if alone.pop("counts") != full.pop("counts"):
        raise SystemExit("the history changed today's standing: the overview reads what it should not")
    results = described | {"present": alone, "with_history": full,
                           "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{results['staff']} staff, {results['punches']:,} punches over {results['years']} years; compliance: "
          f"{results['present_rows']:,} rows of the present, {results['history_rows']:,} of history "
          f"(made in {results['generate_s']} s)")
    for label, case in (("present alone", alone), ("with history", full)):
        print(f"{label}: {case['people']} people, {case['overdue']} overdue; service {case['service_ms']} ms, "
              f"raw sqlite3 {case['raw_ms']} ms: ratio {case['ratio']}x (target 5x); peak memory "
              f"{case['peak_kib']} KiB (raw {case['raw_peak_kib']} KiB)")
    print(f"max RSS {results['max_rss_mib']} MiB")


if __name__ == "__main__":
    main()
