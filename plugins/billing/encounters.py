"""Encounters and their charge lines: what was done for a patient on a date of service.

A completed visit opens an encounter through ``medoffice_visit_completed`` (once per visit);
a biller may also open one by hand, so billing works without the scheduling plugin. While it
is ``open``, diagnoses (ICD-10-CM, billable codes, up to twelve, in order) and charge lines
(a code of the fee schedule, up to four modifiers, units, up to four pointers to the
encounter's diagnoses) are entered. Closing it asks every plugin, through
``medoffice_encounter_charges``, for lines to add or a reason to refuse.

A charge counts in the patient's balance from the moment it is entered. A wrong line is
voided (with a reason), never deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import func, select

from medoffice.core import Conflict, Context, NotFound, PluginError, ValidationError
from medoffice.core.records import AppointmentRecord, ChargeDraft, ChargeLineRecord, EncounterRecord, VisitRecord
from medoffice.core.services import patients, staff
from medoffice.core.validation import optional_text

from .codes import parse_diagnosis, parse_modifier, parse_procedure_code, with_dot
from medoffice.core.validation import Fields
from .common import parse_day, parse_id
from .ledger import apply_credit
from .models import MAX_TEXT, Charge, ClaimLine, Encounter, EncounterDiagnosis, Fee, PaymentAllocation
from .money import parse_money
from .permissions import CHARGE, READ
from .vocabulary import MAX_DIAGNOSES, MAX_MODIFIERS, MAX_POINTERS

MAX_UNITS = 999
MAX_LINES = 50
PERSON = "billing"
"""The ``source`` of a line a person entered."""


@attrs.frozen
class EncounterView:
    """An encounter as people read it: the record, with names, and diagnoses with their dots."""

    encounter: EncounterRecord
    mrn: str
    patient: str
    provider: str
    source: str
    diagnoses: tuple[str, ...]
    total: Decimal


# -- reading ---------------------------------------------------------------------------------


def _row(ctx: Context, encounter_id: Any) -> Encounter:
    number = parse_id(encounter_id, what="an encounter", field="encounter")
    row = ctx.session.get(Encounter, number)
    if row is None:
        raise NotFound(f"no encounter with id {number}")
    return row


def _lines(ctx: Context, encounter_id: int) -> list[Charge]:
    return list(ctx.session.execute(select(Charge).where(Charge.encounter_id == encounter_id,
                                                         Charge.voided_at.is_(None))
                                    .order_by(Charge.line_number)).scalars())


def _diagnoses(ctx: Context, encounter_id: int) -> list[str]:
    return list(ctx.session.execute(select(EncounterDiagnosis.code).where(
        EncounterDiagnosis.encounter_id == encounter_id).order_by(EncounterDiagnosis.position)).scalars())


def line_record(row: Charge) -> ChargeLineRecord:
    modifiers = tuple(m for m in (row.modifier1, row.modifier2, row.modifier3, row.modifier4) if m)
    pointers = tuple(p for p in (row.pointer1, row.pointer2, row.pointer3, row.pointer4) if p)
    return ChargeLineRecord(row.id, row.line_number, row.code, row.units, row.fee, row.amount, modifiers, pointers,
                            row.source)


def to_record(ctx: Context, row: Encounter) -> EncounterRecord:
    return EncounterRecord(row.id, row.patient_id, row.provider_id, row.date_of_service, row.status, row.location_id,
                           row.appointment_id, row.appointment_type, tuple(_diagnoses(ctx, row.id)),
                           tuple(line_record(c) for c in _lines(ctx, row.id)))


def view(ctx: Context, row: Encounter) -> EncounterView:
    record = to_record(ctx, row)
    patient = patients.get_by_id(ctx, row.patient_id)
    try:
        provider = staff.get(ctx, row.provider_id).name
    except NotFound:
        provider = "?"
    return EncounterView(record, patient.mrn, patient.display_name, provider, row.source,
                         tuple(with_dot(c) for c in record.diagnoses), record.total)


def get_encounter(ctx: Context, encounter_id: int) -> EncounterView:
    """One encounter with its diagnoses and lines."""
    ctx.require(READ)
    return view(ctx, _row(ctx, encounter_id))


def list_encounters(ctx: Context, *, mrn: str | None = None, status: str | None = None,
                    day: str | dt.date | None = None) -> list[EncounterView]:
    """Encounters, newest date of service first: of one patient, one status, one day."""
    ctx.require(READ)
    query = select(Encounter)
    if mrn is not None:
        query = query.where(Encounter.patient_id == patients.get(ctx, mrn).id)
    if status is not None:
        if status not in ("open", "closed"):
            raise ValidationError(f"status must be open or closed, got {status!r}", field="status")
        query = query.where(Encounter.status == status)
    if day is not None:
        query = query.where(Encounter.date_of_service == parse_day(day, ctx, field="day"))
    rows = ctx.session.execute(query.order_by(Encounter.date_of_service.desc(), Encounter.id.desc())).scalars()
    return [view(ctx, r) for r in rows]


# -- opening ---------------------------------------------------------------------------------


def _provider(ctx: Context, provider_id: Any):
    number = parse_id(provider_id, what="a provider's staff", field="provider")
    try:
        found = staff.get(ctx, number)
    except NotFound:
        raise NotFound(f"no provider with staff id {number}") from None
    if not found.is_provider:
        raise ValidationError(f"{found.name} (staff id {number}) is not a provider", field="provider")
    return found


def _location_id(ctx: Context, name: str | None) -> int | None:
    if name is None or not name.strip():
        return None
    for location in ctx.practice.locations:
        if location.name.lower() == name.strip().lower():
            return location.id
    known = ", ".join(loc.name for loc in ctx.practice.locations) or "none yet"
    raise NotFound(f"no location named {name.strip()!r} (known: {known})")


def open_encounter(ctx: Context, mrn: str, provider_id: int, *, date_of_service: str | dt.date | None = None,
                   location: str | None = None, note: str | None = None) -> EncounterView:
    """Open an encounter by hand (a visit without the scheduling plugin, a late entry).

    Raises:
        PermissionDenied: without ``billing.charge``.
        ValidationError: a bad date (or one in the future), staff who is not a provider.
        NotFound: unknown patient, provider or location.
    """
    ctx.require(CHARGE)
    fields = Fields()
    day = fields.parse("date_of_service", parse_day, date_of_service, ctx)
    text = fields.parse("note", optional_text, note, max_length=MAX_TEXT)
    if day is not None and day > parse_day(None, ctx):
        fields.add("date_of_service", f"the date of service {day} is in the future")
    fields.done()
    patient = patients.get(ctx, mrn)
    provider = _provider(ctx, provider_id)
    row = Encounter(patient_id=patient.id, provider_id=provider.id, location_id=_location_id(ctx, location),
                    date_of_service=day, source="manual", status="open", place_of_service="11", note=text,
                    opened_at=ctx.now(), opened_by=ctx.user.username)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("billing.encounter.opened", "billing_encounter", row.id, patient_id=patient.id,
              summary={"provider_id": provider.id, "date_of_service": day.isoformat(), "source": "manual"})
    return view(ctx, row)


def open_for_visit(ctx: Context, visit: VisitRecord) -> EncounterRecord:
    """Open the encounter of a completed visit (once: a visit completed again finds it).

    Called from ``medoffice_visit_completed`` in the operation that completed the visit, as
    the user who completed it: completing a visit is what allows it, so no billing
    permission is asked.
    """
    appointment = visit.appointment
    found = ctx.session.execute(select(Encounter).where(
        Encounter.appointment_id == appointment.id)).scalar_one_or_none()
    if found is not None:
        return to_record(ctx, found)
    day = ctx.local(appointment.start).date()
    row = Encounter(patient_id=appointment.patient_id, provider_id=appointment.provider_id,
                    location_id=appointment.location_id, date_of_service=day, appointment_id=appointment.id,
                    appointment_type=(appointment.appointment_type or "")[:80] or None, source="visit",
                    status="open", place_of_service="11", opened_at=ctx.now(), opened_by=ctx.user.username)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("billing.encounter.opened", "billing_encounter", row.id, patient_id=row.patient_id,
              summary={"provider_id": row.provider_id, "date_of_service": day.isoformat(), "source": "visit",
                       "appointment_id": appointment.id})
    return to_record(ctx, row)


def take_back_visit(ctx: Context, appointment: AppointmentRecord) -> str | None:
    """The desk took back "done" on ``appointment``: remove the encounter its completion
    opened when nothing was entered on it, keep it when only diagnoses or voided lines were,
    refuse when it has charges or is closed (see :mod:`.visit_undo`).

    Called from ``medoffice_appointment_changed`` in the undo's operation, as the user who
    undoes it: like opening it, taking it back asks no billing permission.

    Returns:
        ``"removed"``, ``"kept"``, or None when the visit had no encounter.

    Raises:
        Conflict: the encounter has charge lines not voided, or is closed; the undo is then
            rolled back.
    """
    row = ctx.session.execute(select(Encounter).where(
        Encounter.appointment_id == appointment.id)).scalar_one_or_none()
    if row is None:
        return None
    lines = list(ctx.session.execute(select(Charge).where(Charge.encounter_id == row.id)).scalars())
    live = [c for c in lines if c.voided_at is None]
    if live or row.status != "open":
        from .money import show

        patient = patients.get_by_id(ctx, row.patient_id)
        start = ctx.local(appointment.start)
        visit = f"{patient.first_name} {patient.last_name}'s {start:%H:%M} visit on {start:%a %Y-%m-%d}"
        total = show(sum((c.amount for c in live), Decimal(0)))
        if row.status != "open":
            raise Conflict(f"cannot undo done: {visit} is billed ({total}, charge entry closed); "
                           "the visit stays done")
        count = f"{len(live)} line{'s' * (len(live) != 1)}"
        raise Conflict(f"cannot undo done: {visit} has charges in billing ({total} on {count}); "
                       "a biller must void them first")
    if lines or _diagnoses(ctx, row.id):
        return "kept"
    encounter_id, patient_id = row.id, row.patient_id
    ctx.session.delete(row)
    ctx.session.flush()
    ctx.audit("billing.encounter.removed", "billing_encounter", encounter_id, patient_id=patient_id,
              summary={"appointment_id": appointment.id, "reason": "visit done taken back",
                       "date_of_service": row.date_of_service.isoformat()})
    return "removed"


def _open_row(ctx: Context, encounter_id: Any) -> Encounter:
    row = _row(ctx, encounter_id)
    if row.status != "open":
        raise Conflict(f"encounter {row.id} is closed; its charges can no longer change")
    return row


# -- diagnoses -------------------------------------------------------------------------------


def add_diagnoses(ctx: Context, encounter_id: int, codes: Sequence[str]) -> EncounterView:
    """Add ICD-10-CM diagnoses to an open encounter, after those it has, in the order given.

    Codes may be typed with or without the dot (``J06.9``, ``j069``).

    Raises:
        PermissionDenied: without ``billing.charge``.
        ValidationError: a code that is not ICD-10-CM or not billable, a code twice, more than
            twelve in all (every bad code named at once).
        Conflict: the encounter is closed.
    """
    ctx.require(CHARGE)
    row = _open_row(ctx, encounter_id)
    existing = _diagnoses(ctx, row.id)
    wanted: list[str] = []
    errors: list[str] = []
    for typed in codes:
        try:
            code = parse_diagnosis(typed)
        except ValidationError as error:
            errors.append(error.message)
            continue
        if code in existing or code in wanted:
            errors.append(f"{with_dot(code)} is already a diagnosis of encounter {row.id}")
        else:
            wanted.append(code)
    if not codes:
        errors.append("give at least one diagnosis")
    if len(existing) + len(wanted) > MAX_DIAGNOSES and not errors:
        errors.append(f"an encounter holds at most {MAX_DIAGNOSES} diagnoses; it has {len(existing)}")
    if errors:
        raise ValidationError("; ".join(errors), field="diagnosis")
    for position, code in enumerate(wanted, start=len(existing) + 1):
        ctx.session.add(EncounterDiagnosis(encounter_id=row.id, position=position, code=code))
    ctx.session.flush()
    ctx.audit("billing.diagnoses.added", "billing_encounter", row.id, patient_id=row.patient_id,
              summary={"codes": wanted})
    return view(ctx, row)


# -- charge lines ----------------------------------------------------------------------------


def _parse_units(value: Any, *, field: str) -> int:
    try:
        units = int(str(value).strip())
    except ValueError:
        raise ValidationError(f"units must be a whole number, got {value!r}", field=field) from None
    if not 1 <= units <= MAX_UNITS:
        raise ValidationError(f"units must be between 1 and {MAX_UNITS}, got {units}", field=field)
    return units


def _parse_modifiers(values: Iterable[str], *, field: str) -> tuple[str, ...]:
    found = tuple(parse_modifier(v, field=field) for v in values if str(v).strip())
    if len(found) > MAX_MODIFIERS:
        raise ValidationError(f"a line takes at most {MAX_MODIFIERS} modifiers, got {len(found)}", field=field)
    return found


def _parse_pointers(values: Iterable[Any], *, field: str, diagnoses: int) -> tuple[int, ...]:
    found = []
    for value in values:
        try:
            pointer = int(str(value).strip())
        except ValueError:
            raise ValidationError(f"a diagnosis pointer is a number from 1 to 12, got {value!r}",
                                  field=field) from None
        if not 1 <= pointer <= diagnoses:
            have = f"its diagnoses are 1-{diagnoses}" if diagnoses else "it has no diagnoses yet"
            raise ValidationError(f"pointer {pointer} points to no diagnosis of the encounter ({have})", field=field)
        if pointer in found:
            raise ValidationError(f"pointer {pointer} is given twice", field=field)
        found.append(pointer)
    if len(found) > MAX_POINTERS:
        raise ValidationError(f"a line points to at most {MAX_POINTERS} diagnoses, got {len(found)}", field=field)
    return tuple(found)


def _checked_line(ctx: Context, row: Encounter, draft: ChargeDraft, diagnoses: int) -> tuple[Fee, ChargeDraft]:
    """The fee schedule's row and the draft with parsed values; every bad field at once."""
    fields = Fields()
    code = fields.parse("code", parse_procedure_code, draft.code)
    units = fields.parse("units", _parse_units, draft.units)
    modifiers = fields.parse("modifiers", _parse_modifiers, draft.modifiers)
    pointers = fields.parse("pointers", _parse_pointers, draft.pointers, diagnoses=diagnoses)
    fee = fields.parse("fee", parse_money, draft.fee) if draft.fee is not None else None
    fee_row = None
    if code is not None:
        fee_row = ctx.session.execute(select(Fee).where(Fee.code == code)).scalar_one_or_none()
        if fee_row is None or not fee_row.active:
            fields.add("code", f"{code} is not in the fee schedule (add it with 'billing fees add')")
    fields.done()
    return fee_row, ChargeDraft(code, units, modifiers, pointers, fee if fee is not None else fee_row.fee)


def _write_line(ctx: Context, row: Encounter, draft: ChargeDraft, line_number: int, source: str) -> Charge:
    modifiers = list(draft.modifiers) + [None] * (MAX_MODIFIERS - len(draft.modifiers))
    pointers = list(draft.pointers) + [None] * (MAX_POINTERS - len(draft.pointers))
    charge = Charge(encounter_id=row.id, patient_id=row.patient_id, line_number=line_number, code=draft.code,
                    modifier1=modifiers[0], modifier2=modifiers[1], modifier3=modifiers[2], modifier4=modifiers[3],
                    units=draft.units, fee=draft.fee, amount=draft.fee * draft.units, pointer1=pointers[0],
                    pointer2=pointers[1], pointer3=pointers[2], pointer4=pointers[3],
                    date_of_service=row.date_of_service, source=source, posted_at=ctx.now(),
                    posted_by=ctx.user.username)
    ctx.session.add(charge)
    return charge


def _next_line_number(ctx: Context, encounter_id: int) -> int:
    last = ctx.session.execute(select(func.max(Charge.line_number)).where(Charge.encounter_id == encounter_id)).scalar()
    return (last or 0) + 1


def add_charge(ctx: Context, encounter_id: int, code: str, *, units: int | str = 1,
               modifiers: Sequence[str] = (), pointers: Sequence[int | str] = (),
               fee: Decimal | str | None = None) -> EncounterView:
    """Add a charge line to an open encounter: ``code`` from the fee schedule, at its fee (or
    ``fee``), times ``units``, pointing to the encounter's diagnoses by position.

    Raises:
        PermissionDenied: without ``billing.charge``.
        ValidationError: every bad field at once: a code not in the fee schedule, units not
            1-999, a malformed or fifth modifier, a pointer to no diagnosis or a fifth one, a
            negative fee.
        Conflict: the encounter is closed or full (50 lines).
    """
    ctx.require(CHARGE)
    row = _open_row(ctx, encounter_id)
    _fee_row, draft = _checked_line(ctx, row, ChargeDraft(code, units, modifiers, pointers,
                                                          None if fee is None else parse_money(fee, field="fee")),
                                    len(_diagnoses(ctx, row.id)))
    number = _next_line_number(ctx, row.id)
    if number > MAX_LINES:
        raise Conflict(f"encounter {row.id} already has {MAX_LINES} lines")
    charge = _write_line(ctx, row, draft, number, PERSON)
    ctx.session.flush()
    ctx.audit("billing.charge.added", "billing_charge", charge.id, patient_id=row.patient_id,
              summary={"encounter_id": row.id, "code": charge.code, "units": charge.units,
                       "amount": str(charge.amount)})
    return view(ctx, row)


def void_charge(ctx: Context, charge_id: int, reason: str) -> EncounterView:
    """Void a charge line entered by mistake (it stays in the history and stops counting).

    Raises:
        PermissionDenied: without ``billing.charge``.
        ValidationError: no reason.
        Conflict: the line is already void, its encounter is closed, or it is on a claim or
            has payments applied to it.
    """
    ctx.require(CHARGE)
    text = optional_text(reason, field="reason", max_length=MAX_TEXT)
    if not text:
        raise ValidationError("reason is required", field="reason")
    number = parse_id(charge_id, what="a charge", field="charge")
    charge = ctx.session.get(Charge, number)
    if charge is None:
        raise NotFound(f"no charge line with id {number}")
    if charge.voided_at is not None:
        raise Conflict(f"charge line {number} is already void")
    row = _open_row(ctx, charge.encounter_id)
    if ctx.session.execute(select(ClaimLine.id).where(ClaimLine.charge_id == number)).first():
        raise Conflict(f"charge line {number} is on a claim; it cannot be voided")
    if ctx.session.execute(select(PaymentAllocation.id).where(PaymentAllocation.charge_id == number)).first():
        raise Conflict(f"charge line {number} has payments applied to it; it cannot be voided")
    charge.voided_at, charge.voided_by, charge.void_reason = ctx.now(), ctx.user.username, text
    ctx.session.flush()
    ctx.audit("billing.charge.voided", "billing_charge", charge.id, patient_id=charge.patient_id,
              summary={"encounter_id": row.id, "amount": str(charge.amount), "reason": text})
    return view(ctx, row)


# -- closing ---------------------------------------------------------------------------------


def close_encounter(ctx: Context, encounter_id: int) -> EncounterView:
    """Charge entry is done: every plugin may add lines or refuse (``medoffice_encounter_charges``).
    Then a credit held on the patient's account (the copay prepaid at check-in) pays the
    charges, oldest first, in the same transaction (:func:`.ledger.apply_credit`).

    Raises:
        PermissionDenied: without ``billing.charge``.
        Conflict: already closed; or ``cannot close encounter N: <plugin>: <reason>; …``
            when plugins refuse (then nothing is added).
        PluginError: a plugin offered a line that is not valid (named with the plugin).
    """
    ctx.require(CHARGE)
    row = _open_row(ctx, encounter_id)
    record = to_record(ctx, row)
    offered = ctx.hooks.encounter_charges(ctx, record)
    reasons = [f"{plugin}: {answer}" for plugin, answer in offered if isinstance(answer, str) and answer.strip()]
    if reasons:
        raise Conflict(f"cannot close encounter {row.id}: " + "; ".join(reasons))
    number = _next_line_number(ctx, row.id)
    added = []
    for plugin, answer in offered:
        if isinstance(answer, str):
            continue
        for draft in answer:
            if not isinstance(draft, ChargeDraft):
                raise PluginError(plugin, f"medoffice_encounter_charges returned {draft!r}, not a ChargeDraft")
            try:
                _fee_row, checked = _checked_line(ctx, row, draft, len(record.diagnoses))
            except ValidationError as error:
                raise PluginError(plugin, f"medoffice_encounter_charges offered a bad line: {error.message}") from None
            if number > MAX_LINES:
                raise Conflict(f"encounter {row.id} would have more than {MAX_LINES} lines")
            added.append(_write_line(ctx, row, checked, number, plugin))
            number += 1
    row.status, row.closed_at, row.closed_by = "closed", ctx.now(), ctx.user.username
    ctx.session.flush()
    ctx.audit("billing.encounter.closed", "billing_encounter", row.id, patient_id=row.patient_id,
              summary={"lines_added": [(c.source, c.code) for c in added]} if added else None)
    apply_credit(ctx, row.patient_id)
    return view(ctx, row)
