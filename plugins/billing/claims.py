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
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.records import Address, PatientRecord
from medoffice.core.services import patients, staff
from medoffice.core.storage.models import Patient
from medoffice.core.validation import optional_text

from . import drugs
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
from .scrubber import Problem, notes, scrub_claim, scrub_practice
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


def _chunks(values: Sequence[int]) -> Iterable[list[int]]:
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def fetch_rows(ctx: Context, query_for: Any, ids: Iterable[int]) -> list[Any]:
    """``query_for(chunk)`` run for each chunk of :data:`CHUNK` ``ids``, the rows put together."""
    found: list[Any] = []
    for chunk in _chunks(sorted(set(ids))):
        found.extend(ctx.session.execute(query_for(chunk)))
    return found


def rows_named(ctx: Context, model: Any, values: Iterable[Any], *, what: str, field: str) -> list[Any]:
    """The rows of ``model`` whose ids the user named, each once, in the order first named.

    Raises:
        ValidationError: a value that is not an id, or none named.
        NotFound: naming every id that does not exist (``no claim with id 7, 9``).
    """
    wanted = [parse_id(value, what=f"{'an' if what[0] in 'aeiou' else 'a'} {what}", field=field) for value in values]
    if not wanted:
        raise ValidationError(f"name at least one {what}", field=field)
    found = {row.id: row for (row,) in fetch_rows(ctx, lambda chunk: select(model).where(model.id.in_(chunk)), wanted)}
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise NotFound(f"no {what} with id {', '.join(missing)}")
    return [found[i] for i in dict.fromkeys(wanted)]


def _person(patient: PatientRecord) -> Person:
    return Person(patient.last_name, patient.first_name, patient.middle_name, patient.date_of_birth, patient.sex,
                  patient.address)


def _patients(ctx: Context, ids: Iterable[int]) -> dict[int, PatientRecord]:
    rows = fetch_rows(ctx, lambda chunk: select(Patient).where(Patient.id.in_(chunk)), ids)
    return {row.id: patients.to_record(row) for (row,) in rows}


def _claim_row(ctx: Context, claim_id: Any) -> Claim:
    number = parse_id(claim_id, what="a claim", field="claim")
    row = ctx.session.get(Claim, number)
    if row is None:
        raise NotFound(f"no claim with id {number}")
    return row


def change_status(ctx: Context, row: Claim, status: str, note: str | None = None, *, action: str) -> None:
    """Move ``row`` to ``status``: the history row and the audit entry."""
    previous = row.status
    row.status, row.status_changed_at = status, ctx.now()
    ctx.session.add(ClaimStatusChange(claim_id=row.id, from_status=previous, status=status, changed_at=ctx.now(),
                                      changed_by=ctx.user.username, note=note))
    summary: dict[str, Any] = {"claim_number": row.claim_number, "from": previous, "to": status}
    if note:
        summary["note"] = note
    ctx.audit(action, "billing_claim", row.id, patient_id=row.patient_id, summary=summary)


def billing_provider(ctx: Context) -> BillingProvider:
    """The practice as the 837P's billing provider, with its taxonomy code when set."""
    practice = ctx.practice
    return BillingProvider(practice.name, practice.npi, practice.tax_id, practice.address, practice.phone,
                           read_settings(ctx).taxonomy)


def _location(ctx: Context, location_id: int | None) -> FacilityData | None:
    """The location of a visit, with its address (the 837P decides whether it is a service
    facility of its own, 2310C)."""
    location = next((loc for loc in ctx.practice.locations if loc.id == location_id), None)
    return FacilityData(location.name, location.address) if location is not None else None


# -- reading ---------------------------------------------------------------------------------


def _records(ctx: Context, rows: Sequence[Claim]) -> list[ClaimRecord]:
    payers = {p.id: p.name for p in ctx.session.execute(select(Payer)).scalars()}
    people = _patients(ctx, {r.patient_id for r in rows})
    days = dict(fetch_rows(ctx, lambda chunk: select(Encounter.id, Encounter.date_of_service)
                           .where(Encounter.id.in_(chunk)), {r.encounter_id for r in rows}))
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
    query = select(Claim)
    if status is not None:
        if status not in ("draft", "ready", "submitted", "paid", "denied"):
            raise ValidationError(f"status must be draft, ready, submitted, paid or denied, got {status!r}",
                                  field="status")
        query = query.where(Claim.status == status)
    if mrn is not None:
        query = query.where(Claim.patient_id == patients.get(ctx, mrn).id)
    if batch_id is not None:
        query = query.where(Claim.batch_id == parse_id(batch_id, what="a batch", field="batch"))
    return _records(ctx, list(ctx.session.execute(query.order_by(Claim.id.desc())).scalars()))


# -- gathering what the 837P needs -----------------------------------------------------------


def claim_data(ctx: Context, rows: Sequence[Claim]) -> list[ClaimData]:
    """What the scrubber and the 837P need of each claim, read in a few queries per
    :data:`CHUNK` claims, in the order of ``rows``."""
    if not rows:
        return []
    claim_ids = [r.id for r in rows]
    ndcs = drugs.read(ctx)
    lines: dict[int, list[LineData]] = defaultdict(list)
    for line, charge in fetch_rows(ctx, lambda chunk: select(ClaimLine, Charge)
                                   .join(Charge, Charge.id == ClaimLine.charge_id)
                                   .where(ClaimLine.claim_id.in_(chunk)), claim_ids):
        drug = ndcs.get(charge.code)
        lines[line.claim_id].append(LineData(
            line.line_number, charge.code,
            tuple(m for m in (charge.modifier1, charge.modifier2, charge.modifier3, charge.modifier4) if m),
            charge.units, line.amount,
            tuple(p for p in (charge.pointer1, charge.pointer2, charge.pointer3, charge.pointer4) if p),
            charge.date_of_service, *((drug.ndc, drug.quantity * charge.units, drug.unit) if drug else ())))
    encounters = {e.id: e for (e,) in fetch_rows(ctx, lambda chunk: select(Encounter)
                                                 .where(Encounter.id.in_(chunk)), {r.encounter_id for r in rows})}
    diagnoses: dict[int, list[str]] = defaultdict(list)
    for encounter_id, code in fetch_rows(ctx, lambda chunk: select(EncounterDiagnosis.encounter_id,
                                                                   EncounterDiagnosis.code)
                                         .where(EncounterDiagnosis.encounter_id.in_(chunk))
                                         .order_by(EncounterDiagnosis.encounter_id, EncounterDiagnosis.position),
                                         encounters):
        diagnoses[encounter_id].append(code)
    policies = {p.id: p for (p,) in fetch_rows(ctx, lambda chunk: select(Policy).where(Policy.id.in_(chunk)),
                                              {r.policy_id for r in rows})}
    payers = {p.id: p for p in ctx.session.execute(select(Payer)).scalars()}
    people = _patients(ctx, {r.patient_id for r in rows})
    providers = {s.id: s for s in staff.list_staff(ctx, include_inactive=True)}
    found = []
    for row in rows:
        encounter, policy, payer, patient = (encounters[row.encounter_id], policies[row.policy_id],
                                             payers[row.payer_id], people[row.patient_id])
        subscriber = subscriber_of(policy, patient)
        provider = providers.get(encounter.provider_id)
        found.append(ClaimData(
            row.id, row.claim_number, row.status, row.sequence, row.frequency_code, row.payer_claim_number, row.total,
            encounter.date_of_service, encounter.place_of_service or "11", encounter.prior_authorization,
            _person(patient),
            SubscriberData(Person(subscriber.last_name, subscriber.first_name, subscriber.middle_name,
                                  subscriber.date_of_birth, subscriber.sex, subscriber.address),
                           policy.member_id, policy.relationship, policy.group_number, policy.group_name),
            PayerData(payer.name, payer.payer_code, payer.claim_filing_code,
                      Address(payer.address_line1, payer.address_line2, payer.city, payer.state, payer.postal_code)),
            ProviderData(provider.name if provider else "?", provider.npi if provider else None),
            tuple(diagnoses.get(encounter.id, ())), tuple(lines.get(row.id, ())), patient.mrn,
            _location(ctx, encounter.location_id),
            ProviderData(encounter.referring_name or "", encounter.referring_npi)
            if encounter.referring_name or encounter.referring_npi else None))
    return found


# -- building --------------------------------------------------------------------------------


def _claim_number(encounter_id: int, sequence: str, replacement: int = 0) -> str:
    base = f"{encounter_id}-{'P' if sequence == 'primary' else 'S'}"
    return f"{base}-R{replacement}" if replacement else base


def _in_effect(policy: Policy, day: dt.date) -> bool:
    return (policy.active and (policy.effective_from is None or policy.effective_from <= day)
            and (policy.effective_to is None or day <= policy.effective_to))


def _write_claim(ctx: Context, encounter: Encounter, policy: Policy, charges: Sequence[Charge], sequence: str, *,
                 claim_number: str, frequency_code: str = "1", payer_claim_number: str | None = None,
                 note: str | None = None) -> Claim:
    total = sum((c.amount for c in charges), Decimal("0.00"))
    now = ctx.now()
    row = Claim(claim_number=claim_number, encounter_id=encounter.id, policy_id=policy.id, payer_id=policy.payer_id,
                patient_id=encounter.patient_id, sequence=sequence, status="draft", total=total,
                frequency_code=frequency_code, payer_claim_number=payer_claim_number, created_at=now,
                created_by=ctx.user.username, status_changed_at=now)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.session.add_all(ClaimLine(claim_id=row.id, charge_id=c.id, line_number=n, amount=c.amount)
                        for n, c in enumerate(charges, start=1))
    ctx.session.add(ClaimStatusChange(claim_id=row.id, from_status=None, status="draft", changed_at=now,
                                      changed_by=ctx.user.username, note=note))
    ctx.audit("billing.claim.built", "billing_claim", row.id, patient_id=row.patient_id,
              summary={"claim_number": claim_number, "encounter_id": encounter.id, "sequence": sequence,
                       "payer_id": policy.payer_id, "total": str(total), "lines": len(charges),
                       "frequency_code": frequency_code})
    return row


def build_claims(ctx: Context, encounter_ids: Sequence[int] | None = None, *,
                 sequence: str = "primary") -> BuildResult:
    """Build the ``sequence`` claim of each encounter named, or of every closed encounter
    that has none yet.

    An encounter is claimed under the patient's policy of that rank in effect on its date
    of service; a secondary claim waits until the primary's is paid or denied. When
    encounters are named, every one that cannot be claimed is named in one error and
    nothing is built; when none are named, those that cannot are left aside and said why
    (a self-pay patient is no error).

    Raises:
        PermissionDenied: without ``billing.claims``.
        ValidationError: a bad sequence or id.
        Conflict: a named encounter that is open, already claimed, or not insured.
        NotFound: a named encounter that does not exist.
    """
    ctx.require(CLAIMS)
    if sequence not in SEQUENCES:
        raise ValidationError(f"sequence must be primary or secondary, got {sequence!r}", field="sequence")
    named = encounter_ids is not None
    if named:
        candidates = rows_named(ctx, Encounter, encounter_ids, what="encounter", field="encounter")
    else:
        claimed = select(Claim.id).where(Claim.encounter_id == Encounter.id, Claim.sequence == sequence).exists()
        candidates = list(ctx.session.execute(select(Encounter).where(Encounter.status == "closed", ~claimed)
                                              .order_by(Encounter.id)).scalars())
    encounter_ids_ = [e.id for e in candidates]
    existing: dict[int, list[Claim]] = defaultdict(list)
    for (claim,) in fetch_rows(ctx, lambda chunk: select(Claim).where(Claim.encounter_id.in_(chunk)),
                               encounter_ids_):
        existing[claim.encounter_id].append(claim)
    policies: dict[int, list[Policy]] = defaultdict(list)
    primaries: dict[int, list[Policy]] = defaultdict(list)
    ranks = ("primary", sequence)
    for (policy,) in fetch_rows(ctx, lambda chunk: select(Policy).where(Policy.patient_id.in_(chunk),
                                                                        Policy.rank.in_(ranks)),
                                {e.patient_id for e in candidates}):
        if policy.rank == sequence:
            policies[policy.patient_id].append(policy)
        if policy.rank == "primary":
            primaries[policy.patient_id].append(policy)
    charges: dict[int, list[Charge]] = defaultdict(list)
    for (charge,) in fetch_rows(ctx, lambda chunk: select(Charge).where(Charge.encounter_id.in_(chunk),
                                                                        Charge.voided_at.is_(None))
                                .order_by(Charge.encounter_id, Charge.line_number), encounter_ids_):
        charges[charge.encounter_id].append(charge)

    plans: list[tuple[Encounter, Policy]] = []
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
        policy = next((p for p in sorted(policies[encounter.patient_id], key=lambda p: p.id, reverse=True)
                       if _in_effect(p, encounter.date_of_service)), None)
        if policy is None:
            refusals.append(f"{at}: the patient has no {sequence} policy in effect on {encounter.date_of_service}")
            continue
        plans.append((encounter, policy))
    if named and refusals:
        raise Conflict("no claim built; " + "; ".join(refusals))
    built = [_write_claim(ctx, encounter, policy, charges[encounter.id], sequence,
                          claim_number=_claim_number(encounter.id, sequence))
             for encounter, policy in plans]
    ctx.session.flush()
    return BuildResult(tuple(_records(ctx, built)), tuple(refusals))


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
    replacement = _write_claim(ctx, encounter, policy, charges, row.sequence,
                               claim_number=_claim_number(encounter.id, row.sequence, len(siblings)),
                               frequency_code="7", payer_claim_number=number,
                               note=text or f"replaces claim {row.claim_number}")
    return get_claim(ctx, replacement.id)


# -- scrubbing and status --------------------------------------------------------------------


def _problems(ctx: Context, rows: Sequence[Claim]) -> dict[int, tuple[list[Problem], list[Problem]]]:
    """Each claim's problems and notes."""
    billing = billing_provider(ctx)
    practice = scrub_practice(billing)
    several = len(ctx.practice.locations) > 1
    return {data.id: (practice + scrub_claim(data, billing), notes(data, billing, several_locations=several))
            for data in claim_data(ctx, rows)}


def scrub_claims(ctx: Context, claim_ids: Sequence[int] | None = None) -> list[ScrubResult]:
    """Scrub the claims named (or every draft): a claim with no problem becomes ``ready``; a
    ready one found with a problem goes back to ``draft``. Submitted claims are only checked.

    Raises:
        PermissionDenied: without ``billing.claims``.
        NotFound: a named claim that does not exist.
    """
    ctx.require(CLAIMS)
    if claim_ids is None:
        rows = list(ctx.session.execute(select(Claim).where(Claim.status == "draft").order_by(Claim.id)).scalars())
    else:
        rows = rows_named(ctx, Claim, claim_ids, what="claim", field="claim")
    problems = _problems(ctx, rows)
    results = []
    for row in rows:
        found_problems, found_notes = problems[row.id]
        if row.status == "draft" and not found_problems:
            change_status(ctx, row, "ready", action="billing.claim.ready")
        elif row.status == "ready" and found_problems:
            change_status(ctx, row, "draft", f"scrubber: {found_problems[0]}", action="billing.claim.held")
        results.append(ScrubResult(row.id, row.claim_number, row.status, tuple(str(p) for p in found_problems),
                                   tuple(str(n) for n in found_notes)))
    ctx.session.flush()
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
    ctx.session.flush()
    return get_claim(ctx, row.id)


__all__ = ["BuildResult", "ClaimLineView", "ClaimRecord", "ScrubResult", "StatusChange", "build_claims",
           "change_status", "claim_data", "fetch_rows", "get_claim", "list_claims", "resubmit", "rows_named",
           "scrub_claims", "set_status"]
