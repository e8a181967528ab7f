"""Claims: built from closed encounters, scrubbed, exported as 837P batches, followed to payment.

A claim bills one payer for one encounter under one of the patient's policies: the primary
policy first; a secondary claim once the primary's claim is paid or denied. Its lines are
the encounter's charge lines (not voided) and its total is exactly their sum.

Its status moves::

    draft --scrub, nothing found--> ready --export--> submitted --> paid | denied
      ^                               |
      +------ scrub finds a problem, or held back

Every step is a row of ``billing_claim_status`` (from, to, when, who, why) and an audit
entry. A claim the payer wants corrected is **replaced**: :func:`resubmit` builds a new
claim with frequency code ``7`` and the payer's number of the claim it replaces (REF*F8);
the old claim keeps its history and its batch.

The export (``ready`` to ``submitted``, as an 837P batch) lives beside the 837P writer, in
:mod:`.x12.batches`; it reads the claims through :func:`claim_data` and moves them with
:func:`change_status`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import bindparam, insert, select, update

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.progress import SILENT, Progress
from medoffice.core.records import Address
from medoffice.core.services import patients, staff
from medoffice.core.storage.models import Patient
from medoffice.core.validation import optional_text

from . import drugs
from .codes import load_code_set
from .common import parse_id
from .models import (
    MAX_TEXT,
    Charge,
    Claim,
    ClaimLine,
    ClaimStatusChange,
    Encounter,
    EncounterDiagnosis,
    Payer,
    Policy,
)
from .permissions import CLAIMS
from .policies import subscriber_of
from .scrubber import notes, scrub_claim, scrub_practice
from .settings import read as read_settings
from .x12.p837 import (
    BillingProvider,
    ClaimData,
    FacilityData,
    LineData,
    PayerData,
    Person,
    ProviderData,
    SubscriberData,
)
from .x12.writer import text_problem

CHUNK = 500
"""Rows fetched per ``IN (…)`` query when many claims are read at once."""
SEQUENCES = ("primary", "secondary")
MANUAL_STEPS = {"submitted": ("paid", "denied"), "denied": ("paid",), "ready": ("draft",)}
"""The status changes a person makes by hand (``ready`` comes from the scrubber, ``submitted``
from an export)."""


@attrs.frozen
class ClaimLineView:
    line_number: int
    charge_id: int
    code: str
    modifiers: tuple[str, ...]
    units: int
    amount: Decimal
    pointers: tuple[int, ...]


@attrs.frozen
class StatusChange:
    from_status: str | None
    status: str
    changed_at: dt.datetime
    changed_by: str
    note: str | None


@attrs.frozen
class ClaimRecord:
    """A claim as people read it; ``lines`` and ``history`` are filled for one claim shown."""

    id: int
    claim_number: str
    encounter_id: int
    mrn: str
    patient: str
    payer: str
    sequence: str
    status: str
    total: Decimal
    date_of_service: dt.date
    frequency_code: str
    payer_claim_number: str | None
    batch_id: int | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    lines: tuple[ClaimLineView, ...] = ()
    history: tuple[StatusChange, ...] = ()


@attrs.frozen
class BuildResult:
    """The claims built, and why each encounter left aside was (an uninsured patient…)."""

    built: tuple[ClaimRecord, ...]
    skipped: tuple[str, ...]


@attrs.frozen
class ScrubResult:
    """One claim's problems (none: it is ready) and its status after scrubbing; ``notes``
    are what a payer may want that does not stop the claim (a practice without its
    taxonomy code, a visit at a location without an address of its own)."""

    claim_id: int
    claim_number: str
    status: str
    problems: tuple[str, ...]
    notes: tuple[str, ...] = ()


# -- small helpers ---------------------------------------------------------------------------

_CLAIM, _LINE, _HISTORY = Claim.__table__, ClaimLine.__table__, ClaimStatusChange.__table__
_ENCOUNTER, _CHARGE, _POLICY, _PATIENT = Encounter.__table__, Charge.__table__, Policy.__table__, Patient.__table__
CLAIM_COLUMNS = tuple(_CLAIM.c[name] for name in (
    "id", "claim_number", "encounter_id", "policy_id", "payer_id", "patient_id", "sequence", "status", "total",
    "frequency_code", "payer_claim_number", "batch_id", "created_at", "submitted_at"))
"""A claim as plain rows read it (attributes named as :class:`~.models.Claim`'s)."""


def _chunks(values: Sequence[Any]) -> Iterable[list[Any]]:
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def fetch_rows(ctx: Context, query_for: Any, ids: Iterable[int]) -> list[Any]:
    """``query_for(chunk)`` run for each chunk of :data:`CHUNK` ``ids``, the rows put together."""
    found: list[Any] = []
    for chunk in _chunks(sorted(set(ids))):
        found.extend(ctx.session.execute(query_for(chunk)))
    return found


def rows_named(ctx: Context, model: Any, values: Iterable[Any], *, what: str, field: str,
               columns: Sequence[Any] | None = None) -> list[Any]:
    """The rows of ``model`` whose ids the user named, each once, in the order first named:
    ORM objects, or plain rows of ``columns`` (the id first) when given.

    Raises:
        ValidationError: a value that is not an id, or none named.
        NotFound: naming every id that does not exist (``no claim with id 7, 9``).
    """
    wanted = [parse_id(value, what=f"{'an' if what[0] in 'aeiou' else 'a'} {what}", field=field) for value in values]
    if not wanted:
        raise ValidationError(f"name at least one {what}", field=field)
    if columns is None:
        found = {row.id: row for (row,) in fetch_rows(ctx, lambda chunk: select(model).where(model.id.in_(chunk)),
                                                       wanted)}
    else:
        found = {row.id: row for row in fetch_rows(ctx, lambda chunk: select(*columns).where(columns[0].in_(chunk)),
                                                   wanted)}
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise NotFound(f"no {what} with id {', '.join(missing)}")
    return [found[i] for i in dict.fromkeys(wanted)]


@attrs.frozen
class _Patient:
    """What a claim reads of its patient (the subscriber when the policy is their own)."""

    mrn: str
    first_name: str
    middle_name: str | None
    last_name: str
    date_of_birth: dt.date
    sex: str
    address: Address

    @property
    def display_name(self) -> str:
        """As :attr:`~medoffice.core.records.PatientRecord.display_name` (``Last, First M.``)."""
        middle = f" {self.middle_name[0]}." if self.middle_name else ""
        return f"{self.last_name}, {self.first_name}{middle}"


def _person(patient: _Patient) -> Person:
    return Person(patient.last_name, patient.first_name, patient.middle_name, patient.date_of_birth, patient.sex,
                  patient.address)


def _patients(ctx: Context, ids: Iterable[int]) -> dict[int, _Patient]:
    p = _PATIENT.c
    rows = fetch_rows(ctx, lambda chunk: select(p.id, p.mrn, p.first_name, p.middle_name, p.last_name,
                                                p.date_of_birth, p.sex, p.address_line1, p.address_line2, p.city,
                                                p.state, p.postal_code, p.country).where(p.id.in_(chunk)), ids)
    return {row[0]: _Patient(*row[1:7], Address(*row[7:])) for row in rows}


def _claim_row(ctx: Context, claim_id: Any) -> Claim:
    number = parse_id(claim_id, what="a claim", field="claim")
    row = ctx.session.get(Claim, number)
    if row is None:
        raise NotFound(f"no claim with id {number}")
    return row


def change_status(ctx: Context, row: Claim, status: str, note: str | None = None, *, action: str) -> None:
    """Move ``row`` to ``status``: the history row and the audit entry."""
    move_claims(ctx, [(row, status, note)], action=action)


def move_claims(ctx: Context, moves: Sequence[tuple[Any, str, str | None]], *, action: str | None = None,
                actions: Sequence[str] | None = None, **values: Any) -> None:
    """Move each claim ``(row, status, note)`` to its status, with ``values`` set on every
    one (``batch_id``…): one ``UPDATE`` executed for all of them, their history rows in one
    insert and an audit entry each (``action``, or ``actions`` one per move), written with
    the unit of work's other entries at commit. ``row`` is the claim as it was (an ORM
    object or a plain row); an ORM object of a claim moved is refreshed on its next use."""
    if not moves:
        return
    now, user = ctx.now(), ctx.user.username
    ctx.session.flush()  # what the ORM holds goes first, so these statements see it
    ctx.session.execute(update(_CLAIM).where(_CLAIM.c.id == bindparam("claim")).values(
        status=bindparam("to"), status_changed_at=now, **values),
        [{"claim": row.id, "to": status} for row, status, _note in moves])
    ctx.session.execute(insert(_HISTORY), [
        {"claim_id": row.id, "from_status": row.status, "status": status, "changed_at": now, "changed_by": user,
         "note": note} for row, status, note in moves])
    ctx.audit_many({"action": actions[n] if actions else action, "entity": "billing_claim", "entity_id": row.id,
                    "patient_id": row.patient_id,
                    "summary": {"claim_number": row.claim_number, "from": row.status, "to": status,
                                **({"note": note} if note else {})}}
                   for n, (row, status, note) in enumerate(moves))
    moved = {row.id for row, _status, _note in moves}
    for obj in list(ctx.session.identity_map.values()):
        if isinstance(obj, Claim) and obj.id in moved:
            ctx.session.expire(obj)


def billing_provider(ctx: Context) -> BillingProvider:
    """The practice as the 837P's billing provider, with its taxonomy code when set."""
    practice = ctx.practice
    return BillingProvider(practice.name, practice.npi, practice.tax_id, practice.address, practice.phone,
                           read_settings(ctx).taxonomy)


# -- reading ---------------------------------------------------------------------------------


def _records(ctx: Context, rows: Sequence[Any]) -> list[ClaimRecord]:
    """``rows`` (claims as ORM objects or plain rows of :data:`CLAIM_COLUMNS`) as records."""
    payers = dict(ctx.session.execute(select(Payer.__table__.c.id, Payer.__table__.c.name)).all())
    people = _patients(ctx, {r.patient_id for r in rows})
    days = dict(fetch_rows(ctx, lambda chunk: select(_ENCOUNTER.c.id, _ENCOUNTER.c.date_of_service)
                           .where(_ENCOUNTER.c.id.in_(chunk)), {r.encounter_id for r in rows}))
    return [ClaimRecord(r.id, r.claim_number, r.encounter_id, people[r.patient_id].mrn,
                        people[r.patient_id].display_name, payers.get(r.payer_id, "?"), r.sequence, r.status, r.total,
                        days[r.encounter_id], r.frequency_code, r.payer_claim_number, r.batch_id, r.created_at,
                        r.submitted_at) for r in rows]


def get_claim(ctx: Context, claim_id: int) -> ClaimRecord:
    """One claim with its lines and its history."""
    ctx.require(CLAIMS)
    row = _claim_row(ctx, claim_id)
    record = _records(ctx, [row])[0]
    lines = tuple(
        ClaimLineView(line.line_number, charge.id, charge.code,
                      tuple(m for m in (charge.modifier1, charge.modifier2, charge.modifier3, charge.modifier4) if m),
                      charge.units, line.amount,
                      tuple(p for p in (charge.pointer1, charge.pointer2, charge.pointer3, charge.pointer4) if p))
        for line, charge in ctx.session.execute(
            select(ClaimLine, Charge).join(Charge, Charge.id == ClaimLine.charge_id)
            .where(ClaimLine.claim_id == row.id).order_by(ClaimLine.line_number)))
    history = tuple(StatusChange(h.from_status, h.status, h.changed_at, h.changed_by, h.note)
                    for h in ctx.session.execute(select(ClaimStatusChange).where(ClaimStatusChange.claim_id == row.id)
                                                 .order_by(ClaimStatusChange.changed_at, ClaimStatusChange.id))
                    .scalars())
    return attrs.evolve(record, lines=lines, history=history)


def list_claims(ctx: Context, *, status: str | None = None, mrn: str | None = None,
                batch_id: int | None = None) -> list[ClaimRecord]:
    """Claims, newest first: of one status, one patient, one batch."""
    ctx.require(CLAIMS)
    query = select(*CLAIM_COLUMNS)
    if status is not None:
        if status not in ("draft", "ready", "submitted", "paid", "denied"):
            raise ValidationError(f"status must be draft, ready, submitted, paid or denied, got {status!r}",
                                  field="status")
        query = query.where(_CLAIM.c.status == status)
    if mrn is not None:
        query = query.where(_CLAIM.c.patient_id == patients.get(ctx, mrn).id)
    if batch_id is not None:
        query = query.where(_CLAIM.c.batch_id == parse_id(batch_id, what="a batch", field="batch"))
    return _records(ctx, ctx.session.execute(query.order_by(_CLAIM.c.id.desc())).all())


# -- gathering what the 837P needs -----------------------------------------------------------


def claim_data(ctx: Context, rows: Sequence[Any]) -> list[ClaimData]:
    """What the scrubber and the 837P need of each claim (ORM objects or plain rows of
    :data:`CLAIM_COLUMNS`), in the order of ``rows``."""
    return [data for chunk in claim_data_chunks(ctx, rows) for _row, data in chunk]


def claim_data_chunks(ctx: Context, rows: Sequence[Any]) -> Iterator[list[tuple[Any, ClaimData]]]:
    """:func:`claim_data` a chunk of :data:`CHUNK` claims at a time, each with its row: a few
    plain queries per chunk, so that a caller done with a chunk lets its records go (an
    export of thousands of claims holds one chunk's records at a time)."""
    if not rows:
        return
    ndcs = drugs.read(ctx)
    payer = Payer.__table__.c
    payers = {row[0]: PayerData(row[1], row[2], row[3], Address(*row[4:]))
              for row in ctx.session.execute(select(payer.id, payer.name, payer.payer_code, payer.claim_filing_code,
                                                    payer.address_line1, payer.address_line2, payer.city,
                                                    payer.state, payer.postal_code))}
    providers = {s.id: ProviderData(s.name, s.npi) for s in staff.list_staff(ctx, include_inactive=True)}
    unknown = ProviderData("?", None)
    places = {loc.id: FacilityData(loc.name, loc.address) for loc in ctx.practice.locations}
    e, d, c, line, policy = _ENCOUNTER.c, EncounterDiagnosis.__table__.c, _CHARGE.c, _LINE.c, _POLICY.c
    for chunk in _chunks(rows):
        claim_ids = [r.id for r in chunk]
        lines: dict[int, list[LineData]] = defaultdict(list)
        for (claim_id, number, amount, code, m1, m2, m3, m4, units, p1, p2, p3, p4, day) in ctx.session.execute(
                select(line.claim_id, line.line_number, line.amount, c.code, c.modifier1, c.modifier2, c.modifier3,
                       c.modifier4, c.units, c.pointer1, c.pointer2, c.pointer3, c.pointer4, c.date_of_service)
                .join(_CHARGE, c.id == line.charge_id).where(line.claim_id.in_(claim_ids))
                .order_by(line.claim_id, line.line_number)):
            drug = ndcs.get(code)
            lines[claim_id].append(LineData(
                number, code, tuple(m for m in (m1, m2, m3, m4) if m), units, amount,
                tuple(p for p in (p1, p2, p3, p4) if p), day,
                *((drug.ndc, drug.quantity * units, drug.unit) if drug else ())))
        encounter_ids = sorted({r.encounter_id for r in chunk})
        encounters = {row.id: row for row in ctx.session.execute(
            select(e.id, e.date_of_service, e.place_of_service, e.prior_authorization, e.provider_id, e.location_id,
                   e.referring_name, e.referring_npi).where(e.id.in_(encounter_ids)))}
        diagnoses: dict[int, list[str]] = defaultdict(list)
        for encounter_id, code in ctx.session.execute(select(d.encounter_id, d.code)
                                                      .where(d.encounter_id.in_(encounter_ids))
                                                      .order_by(d.encounter_id, d.position)):
            diagnoses[encounter_id].append(code)
        policies = {row.id: row for row in ctx.session.execute(
            select(policy.id, policy.relationship, policy.member_id, policy.group_number, policy.group_name,
                   policy.subscriber_first_name, policy.subscriber_middle_name, policy.subscriber_last_name,
                   policy.subscriber_date_of_birth, policy.subscriber_sex, policy.address_line1,
                   policy.address_line2, policy.city, policy.state, policy.postal_code)
            .where(policy.id.in_(sorted({r.policy_id for r in chunk}))))}
        people = _patients(ctx, {r.patient_id for r in chunk})
        found = []
        for row in chunk:
            encounter, policy_row, patient = (encounters[row.encounter_id], policies[row.policy_id],
                                              people[row.patient_id])
            subscriber = subscriber_of(policy_row, patient)
            found.append((row, ClaimData(
                row.id, row.claim_number, row.status, row.sequence, row.frequency_code, row.payer_claim_number,
                row.total, encounter.date_of_service, encounter.place_of_service or "11",
                encounter.prior_authorization, _person(patient),
                SubscriberData(Person(subscriber.last_name, subscriber.first_name, subscriber.middle_name,
                                      subscriber.date_of_birth, subscriber.sex, subscriber.address),
                               policy_row.member_id, policy_row.relationship, policy_row.group_number,
                               policy_row.group_name),
                payers[row.payer_id], providers.get(encounter.provider_id, unknown),
                tuple(diagnoses.get(encounter.id, ())), tuple(lines.get(row.id, ())), patient.mrn,
                places.get(encounter.location_id),
                ProviderData(encounter.referring_name or "", encounter.referring_npi)
                if encounter.referring_name or encounter.referring_npi else None)))
        yield found


# -- building --------------------------------------------------------------------------------


def _claim_number(encounter_id: int, sequence: str, replacement: int = 0) -> str:
    base = f"{encounter_id}-{'P' if sequence == 'primary' else 'S'}"
    return f"{base}-R{replacement}" if replacement else base


def _in_effect(policy: Any, day: dt.date) -> bool:
    return (policy.active and (policy.effective_from is None or policy.effective_from <= day)
            and (policy.effective_to is None or day <= policy.effective_to))


@attrs.frozen
class _Plan:
    """A claim to write: its encounter and policy (ORM objects or plain rows), its charges."""

    encounter: Any
    policy: Any
    charges: Sequence[Any]
    claim_number: str
    frequency_code: str = "1"
    payer_claim_number: str | None = None
    note: str | None = None


def _write_claims(ctx: Context, plans: Sequence[_Plan], sequence: str,
                  progress: Progress = SILENT) -> list[tuple[int, Decimal]]:
    """Write the claims of ``plans``, a chunk of :data:`CHUNK` at a time: the claims in one
    multi-row ``INSERT … RETURNING`` (ids matched by claim number: a backend may return the
    rows in any order), their lines and their history in one insert each, an audit entry per
    claim; returns their ids and totals in the order of ``plans``."""
    now, user = ctx.now(), ctx.user.username
    ctx.session.flush()  # what the ORM holds goes first, so these statements see it
    ids: list[tuple[int, Decimal]] = []
    for chunk in _chunks(plans):
        totals = [sum((c.amount for c in plan.charges), Decimal("0.00")) for plan in chunk]
        numbered = dict(ctx.session.execute(insert(_CLAIM).returning(_CLAIM.c.claim_number, _CLAIM.c.id), [
            {"claim_number": plan.claim_number, "encounter_id": plan.encounter.id, "policy_id": plan.policy.id,
             "payer_id": plan.policy.payer_id, "patient_id": plan.encounter.patient_id, "sequence": sequence,
             "status": "draft", "total": total, "frequency_code": plan.frequency_code,
             "payer_claim_number": plan.payer_claim_number, "created_at": now, "created_by": user,
             "status_changed_at": now} for plan, total in zip(chunk, totals, strict=True)]).all())
        made = [numbered[plan.claim_number] for plan in chunk]  # claim numbers are unique; rows come in any order
        lines = [{"claim_id": claim_id, "charge_id": c.id, "line_number": n, "amount": c.amount}
                 for claim_id, plan in zip(made, chunk, strict=True) for n, c in enumerate(plan.charges, start=1)]
        if lines:  # an encounter closed without lines is claimed all the same (and never ready)
            ctx.session.execute(insert(_LINE), lines)
        ctx.session.execute(insert(_HISTORY), [
            {"claim_id": claim_id, "from_status": None, "status": "draft", "changed_at": now, "changed_by": user,
             "note": plan.note} for claim_id, plan in zip(made, chunk, strict=True)])
        ctx.audit_many({"action": "billing.claim.built", "entity": "billing_claim", "entity_id": claim_id,
                        "patient_id": plan.encounter.patient_id,
                        "summary": {"claim_number": plan.claim_number, "encounter_id": plan.encounter.id,
                                    "sequence": sequence, "payer_id": plan.policy.payer_id, "total": str(total),
                                    "lines": len(plan.charges), "frequency_code": plan.frequency_code}}
                       for claim_id, plan, total in zip(made, chunk, totals, strict=True))
        ids.extend(zip(made, totals, strict=True))
        progress.advance(len(chunk))
    return ids


def build_claims(ctx: Context, encounter_ids: Sequence[int] | None = None, *,
                 sequence: str = "primary", progress: Progress = SILENT) -> BuildResult:
    """Build the ``sequence`` claim of each encounter named, or of every closed encounter
    that has none yet.

    An encounter is claimed under the patient's policy of that rank in effect on its date
    of service; a secondary claim waits until the primary's is paid or denied. When
    encounters are named, every one that cannot be claimed is named in one error and
    nothing is built; when none are named, those that cannot are left aside and said why
    (a self-pay patient is no error). ``progress`` hears of the claims as they are written.

    Raises:
        PermissionDenied: without ``billing.claims``.
        ValidationError: a bad sequence or id.
        Conflict: a named encounter that is open, already claimed, or not insured.
        NotFound: a named encounter that does not exist.

    .. versionchanged:: 1 ``progress``; many claims are written in a few multi-row statements.
    """
    ctx.require(CLAIMS)
    if sequence not in SEQUENCES:
        raise ValidationError(f"sequence must be primary or secondary, got {sequence!r}", field="sequence")
    e, claim, policy, charge = _ENCOUNTER.c, _CLAIM.c, _POLICY.c, _CHARGE.c
    columns = (e.id, e.patient_id, e.status, e.date_of_service)
    named = encounter_ids is not None
    if named:
        candidates = rows_named(ctx, Encounter, encounter_ids, what="encounter", field="encounter", columns=columns)
    else:
        claimed = select(claim.id).where(claim.encounter_id == e.id, claim.sequence == sequence).exists()
        candidates = ctx.session.execute(select(*columns).where(e.status == "closed", ~claimed)
                                         .order_by(e.id)).all()
    encounter_ids_ = [row.id for row in candidates]
    existing: dict[int, list[Any]] = defaultdict(list)
    for row in fetch_rows(ctx, lambda chunk: select(claim.encounter_id, claim.sequence, claim.status)
                          .where(claim.encounter_id.in_(chunk)), encounter_ids_):
        existing[row.encounter_id].append(row)
    policies: dict[int, list[Any]] = defaultdict(list)
    primaries: dict[int, list[Any]] = defaultdict(list)
    ranks = ("primary", sequence)
    for row in fetch_rows(ctx, lambda chunk: select(policy.id, policy.patient_id, policy.payer_id, policy.rank,
                                                    policy.active, policy.effective_from, policy.effective_to)
                          .where(policy.patient_id.in_(chunk), policy.rank.in_(ranks)),
                          {row.patient_id for row in candidates}):
        if row.rank == sequence:
            policies[row.patient_id].append(row)
        if row.rank == "primary":
            primaries[row.patient_id].append(row)
    charges: dict[int, list[Any]] = defaultdict(list)
    for row in fetch_rows(ctx, lambda chunk: select(charge.id, charge.encounter_id, charge.amount)
                          .where(charge.encounter_id.in_(chunk), charge.voided_at.is_(None))
                          .order_by(charge.encounter_id, charge.line_number), encounter_ids_):
        charges[row.encounter_id].append(row)

    plans: list[_Plan] = []
    refusals: list[str] = []
    for encounter in candidates:
        at = f"encounter {encounter.id}"
        if encounter.status != "closed":
            refusals.append(f"{at} is still open (close it when charge entry is done)")
            continue
        if any(c.sequence == sequence for c in existing[encounter.id]):
            refusals.append(f"{at} already has a {sequence} claim")
            continue
        if sequence == "secondary" and not any(c.sequence == "primary" for c in existing[encounter.id]) and \
                not any(_in_effect(p, encounter.date_of_service) for p in primaries[encounter.patient_id]):
            refusals.append(f"{at} has no primary claim: the patient had no primary policy in effect on "
                            f"{encounter.date_of_service} (self-pay), so no secondary payer can be billed")
            continue
        if sequence == "secondary" and not any(c.sequence == "primary" and c.status in ("paid", "denied")
                                               for c in existing[encounter.id]):
            refusals.append(f"{at}: the primary claim is not paid or denied yet")
            continue
        chosen = next((p for p in sorted(policies[encounter.patient_id], key=lambda p: p.id, reverse=True)
                       if _in_effect(p, encounter.date_of_service)), None)
        if chosen is None:
            refusals.append(f"{at}: the patient has no {sequence} policy in effect on {encounter.date_of_service}")
            continue
        plans.append(_Plan(encounter, chosen, charges[encounter.id], _claim_number(encounter.id, sequence)))
    if named and refusals:
        raise Conflict("no claim built; " + "; ".join(refusals))
    progress.step("building claims", len(plans))
    written = _write_claims(ctx, plans, sequence, progress)
    payers = dict(ctx.session.execute(select(Payer.__table__.c.id, Payer.__table__.c.name)).all())
    people = _patients(ctx, {plan.encounter.patient_id for plan in plans})
    now = ctx.now()
    return BuildResult(tuple(
        ClaimRecord(claim_id, plan.claim_number, plan.encounter.id, people[plan.encounter.patient_id].mrn,
                    people[plan.encounter.patient_id].display_name, payers.get(plan.policy.payer_id, "?"), sequence,
                    "draft", total, plan.encounter.date_of_service, plan.frequency_code, None, None, now, None)
        for (claim_id, total), plan in zip(written, plans, strict=True)), tuple(refusals))


def resubmit(ctx: Context, claim_id: int, payer_claim_number: str, *, note: str | None = None) -> ClaimRecord:
    """Replace a submitted, denied or paid claim: a new draft claim (frequency code 7) for
    the same encounter and policy, with the encounter's lines as they are and
    ``payer_claim_number``, the payer's number of the claim it replaces (REF*F8).

    Raises:
        PermissionDenied: without ``billing.claims``.
        ValidationError: no payer's claim number, or one that cannot go into an X12 file.
        Conflict: the claim was never sent (fix it and scrub again instead), or it has
            already been replaced.
    """
    ctx.require(CLAIMS)
    number = (payer_claim_number or "").strip()
    if not number:
        raise ValidationError("the payer's claim number of the claim replaced is required", field="payer_claim_number")
    if len(number) > 50 or text_problem(number):
        raise ValidationError(f"payer's claim number {number!r} "
                              f"{text_problem(number) or 'is longer than 50 characters'}", field="payer_claim_number")
    text = optional_text(note, field="note", max_length=MAX_TEXT)
    row = _claim_row(ctx, claim_id)
    if row.status in ("draft", "ready"):
        raise Conflict(f"claim {row.claim_number} was never sent ({row.status}); correct it and scrub it again")
    siblings = list(ctx.session.execute(select(Claim).where(Claim.encounter_id == row.encounter_id,
                                                            Claim.sequence == row.sequence)).scalars())
    if any(s.id > row.id for s in siblings):
        raise Conflict(f"claim {row.claim_number} has already been replaced")
    encounter = ctx.session.get(Encounter, row.encounter_id)
    policy = ctx.session.get(Policy, row.policy_id)
    charges = list(ctx.session.execute(select(Charge).where(Charge.encounter_id == encounter.id,
                                                            Charge.voided_at.is_(None))
                                       .order_by(Charge.line_number)).scalars())
    ((replacement, _total),) = _write_claims(ctx, [_Plan(encounter, policy, charges,
                                               _claim_number(encounter.id, row.sequence, len(siblings)),
                                               "7", number, text or f"replaces claim {row.claim_number}")],
                                   row.sequence)
    return get_claim(ctx, replacement)


# -- scrubbing and status --------------------------------------------------------------------


def scrub_claims(ctx: Context, claim_ids: Sequence[int] | None = None, *,
                 progress: Progress = SILENT) -> list[ScrubResult]:
    """Scrub the claims named (or every draft): a claim with no problem becomes ``ready``; a
    ready one found with a problem goes back to ``draft``. Submitted claims are only checked.
    ``progress`` hears of the claims as they are checked.

    Raises:
        PermissionDenied: without ``billing.claims``.
        NotFound: a named claim that does not exist.

    .. versionchanged:: 1 ``progress``; claims are read and moved in a few statements per chunk.
    """
    ctx.require(CLAIMS)
    if claim_ids is None:
        rows = ctx.session.execute(select(*CLAIM_COLUMNS).where(_CLAIM.c.status == "draft")
                                   .order_by(_CLAIM.c.id)).all()
    else:
        rows = rows_named(ctx, Claim, claim_ids, what="claim", field="claim", columns=CLAIM_COLUMNS)
    billing = billing_provider(ctx)
    practice = scrub_practice(billing)
    several = len(ctx.practice.locations) > 1
    if rows:
        load_code_set(progress)
    progress.step("scrubbing claims", len(rows))
    results, moves, actions = [], [], []
    for chunk in claim_data_chunks(ctx, rows):
        for row, data in chunk:
            found_problems = practice + scrub_claim(data, billing)
            status = row.status
            if status == "draft" and not found_problems:
                status = "ready"
                moves.append((row, status, None))
                actions.append("billing.claim.ready")
            elif status == "ready" and found_problems:
                status = "draft"
                moves.append((row, status, f"scrubber: {found_problems[0]}"))
                actions.append("billing.claim.held")
            results.append(ScrubResult(row.id, row.claim_number, status, tuple(str(p) for p in found_problems),
                                       tuple(str(n) for n in notes(data, billing, several_locations=several))))
        progress.advance(len(chunk))
    move_claims(ctx, moves, actions=actions)
    return results


def set_status(ctx: Context, claim_id: int, status: str, *, note: str | None = None) -> ClaimRecord:
    """Record what became of a claim: ``paid`` or ``denied`` once submitted (a denial needs
    a note saying why), ``paid`` after a denial overturned, ``draft`` to hold a ready claim back.

    Raises:
        PermissionDenied: without ``billing.claims``.
        ValidationError: an unknown status, a denial without a note.
        Conflict: a change the workflow does not allow from the claim's status.
    """
    ctx.require(CLAIMS)
    wanted = (status or "").strip().lower()
    if wanted not in ("paid", "denied", "draft"):
        raise ValidationError(f"a claim is set by hand to paid, denied or draft, got {status!r} (ready comes "
                              "from 'claims scrub', submitted from 'claims export')", field="status")
    text = optional_text(note, field="note", max_length=MAX_TEXT)
    if wanted == "denied" and not text:
        raise ValidationError("say why the claim was denied (--note)", field="note")
    row = _claim_row(ctx, claim_id)
    if wanted not in MANUAL_STEPS.get(row.status, ()):
        allowed = ", ".join(MANUAL_STEPS.get(row.status, ())) or "nothing (by hand)"
        raise Conflict(f"claim {row.claim_number} is {row.status}; it can go to {allowed}, not {wanted}")
    change_status(ctx, row, wanted, text, action=f"billing.claim.{wanted}")
    return get_claim(ctx, row.id)


__all__ = ["CLAIM_COLUMNS", "BuildResult", "ClaimLineView", "ClaimRecord", "ScrubResult", "StatusChange",
           "build_claims", "change_status", "claim_data", "claim_data_chunks", "fetch_rows", "get_claim",
           "list_claims", "move_claims", "resubmit", "rows_named", "scrub_claims", "set_status"]
