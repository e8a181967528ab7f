"""Two records of one person: merge them, or take a record out of use (deactivate).

A patient registered twice has two MRNs, two ledgers, appointments under each. A merge keeps
one record (its MRN and demographics win) and absorbs the other: every plugin moves its own
rows (appointments, waitlist entries, ledgers, policies, claims) from the absorbed patient to
the kept one through ``medoffice_patient_merge``, the absorbed record is made inactive and
marked merged into the kept one, never deleted (its history and audit trail stay), and the
whole of it is one unit of work: a plugin that refuses or fails leaves nothing moved.

Before anything moves every plugin is asked (``medoffice_patient_merge_preview``) what it
would move and whether the merge is safe; the preview is what a person confirms.

A merge is **not undone** by the software: rows posted after it (a payment on the moved
charges, a visit of a moved appointment) tie the two histories together, and half an undo
would leave a ledger that no longer adds up. What moved is kept with the merge
(``core_patient_merge``, ``core_patient_merge_row``), so that a person can see exactly what
moved; reactivating an absorbed record is refused with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import attrs
from sqlalchemy import select

from ..context import Context
from ..errors import Conflict, NotFound, PluginError, ValidationError
from ..records import MovedRow, PatientMerge, PatientRecord
from ..storage.models import MergedRow, Patient, PatientMergeRow
from ..validation import require_text
from . import patients

MERGE = "patients.merge"
"""Merging two records: front desk, managers and admins by default (core/permissions.py)."""

WRITE = "patients.write"

MAX_REASON = 200
FILLABLE = ("middle_name", "phone", "email", "address_line1", "address_line2", "city", "state", "postal_code",
            "preferred_language", "emergency_name", "emergency_phone", "emergency_relationship")
"""Fields the kept record may take from the absorbed one when it has none (``fill_blanks``).
Names, birth date and sex are never taken: they are what says the two are one person."""


class PatientMerged(NotFound):
    """The record asked for was merged into another; ``kept_mrn`` is where it went."""

    def __init__(self, mrn: str, kept_mrn: str) -> None:
        super().__init__(f"patient {mrn} was merged into {kept_mrn}: open {kept_mrn}")
        self.mrn = mrn
        self.kept_mrn = kept_mrn


@attrs.frozen
class PluginPart:
    """What one plugin said about a merge: what it would move (or moved) and any refusal."""

    plugin_id: str
    title: str
    moves: tuple[str, ...] = ()
    refusal: str | None = None


@attrs.frozen
class MergePlan:
    """A merge as it would happen: the two patients, each plugin's part, the kept record's
    blank fields the absorbed one could fill."""

    keep: PatientRecord
    absorb: PatientRecord
    parts: tuple[PluginPart, ...] = ()
    fillable: tuple[str, ...] = ()

    @property
    def refusals(self) -> tuple[str, ...]:
        """Every refusal, each prefixed with the plugin's title."""
        return tuple(f"{p.title}: {p.refusal}" for p in self.parts if p.refusal)

    @property
    def allowed(self) -> bool:
        return not self.refusals


@attrs.frozen
class MergeResult:
    """A merge done: its number, the kept patient (after any filled field), the absorbed one
    (now inactive), each plugin's part, how many rows moved and the fields filled."""

    merge_id: int
    keep: PatientRecord
    absorb: PatientRecord
    parts: tuple[PluginPart, ...]
    rows_moved: int
    filled: tuple[str, ...] = ()


# -- where a merged record went ----------------------------------------------------------------


def merged_into(session: Any, patient_id: int) -> Patient | None:
    """The patient a merged record ended in (following a chain: A into B, then B into C gives
    C), or None when ``patient_id`` was never merged."""
    found = None
    seen = {patient_id}
    current = patient_id
    while True:
        kept_id = session.execute(select(PatientMergeRow.kept_id)
                                  .where(PatientMergeRow.absorbed_id == current)).scalar_one_or_none()
        if kept_id is None or kept_id in seen:
            return found
        seen.add(kept_id)
        found = session.get(Patient, kept_id)
        current = kept_id


def refuse_merged(session: Any, row: Patient) -> None:
    """Raise :class:`PatientMerged` when ``row`` was merged into another patient (opening it,
    booking it, reactivating it are all refused with where it went). Asks nothing of an
    active patient: only inactive ones can have been merged."""
    if row.active:
        return
    kept = merged_into(session, row.id)
    if kept is not None:
        raise PatientMerged(row.mrn, kept.mrn)


def require_active(ctx: Context, patient_id: int, *, doing: str = "book") -> PatientRecord:
    """The patient, refused when merged or inactive: for services that start something new
    for a patient (a booking, a waitlist entry).

    Raises:
        NotFound: no such patient, or :class:`PatientMerged` saying where the record went.
        Conflict: the patient is inactive (with the reason they were deactivated).
    """
    row = ctx.session.get(Patient, patient_id)
    if row is None:
        raise NotFound(f"no patient with id {patient_id}")
    refuse_merged(ctx.session, row)
    if not row.active:
        why = f" ({row.inactive_reason})" if row.inactive_reason else ""
        raise Conflict(f"patient {row.mrn} is inactive{why}: reactivate them before you {doing}")
    return patients.to_record(row)


# -- merging -----------------------------------------------------------------------------------


def _pair(ctx: Context, keep_mrn: str, absorb_mrn: str, *, lock: bool = False) -> tuple[Patient, Patient]:
    """The two patients' rows, checked; ``lock`` takes them ``FOR UPDATE`` (in id order, so two
    desks merging the same pair either way queue instead of deadlocking)."""
    keep_key = patients._parse_mrn(keep_mrn, field="keep")
    absorb_key = patients._parse_mrn(absorb_mrn, field="absorb")
    if keep_key == absorb_key:
        raise ValidationError(f"{keep_key} cannot be merged into itself: name two different patients", field="absorb")
    query = select(Patient).where(Patient.mrn.in_((keep_key, absorb_key))).order_by(Patient.id)
    rows = {row.mrn: row for row in ctx.session.execute(query.with_for_update() if lock else query).scalars()}
    for mrn in (keep_key, absorb_key):
        if mrn not in rows:
            raise NotFound(f"no patient with MRN {mrn!r}")
    keep, absorb = rows[keep_key], rows[absorb_key]
    for row in (absorb, keep):
        refuse_merged(ctx.session, row)
        if not row.active:
            raise Conflict(f"patient {row.mrn} is inactive: reactivate them before merging")
    return keep, absorb


def _fillable(keep: PatientRecord, absorb: PatientRecord) -> tuple[str, ...]:
    mine, theirs = patients.record_fields(keep), patients.record_fields(absorb)
    return tuple(name for name in FILLABLE if not mine.get(name) and theirs.get(name))


def _titles(ctx: Context) -> dict[str, str]:
    return {s.id: s.title for s in ctx.runtime.plugins.statuses}


def _plan(ctx: Context, keep: Patient, absorb: Patient) -> MergePlan:
    proposal = PatientMerge(patients.to_record(keep), patients.to_record(absorb))
    titles = _titles(ctx)
    parts = []
    for plugin_id, answer in ctx.hooks.patient_merge_preview(ctx, proposal):
        if not hasattr(answer, "moves") or not hasattr(answer, "refusal"):
            raise PluginError(plugin_id, f"medoffice_patient_merge_preview returned {type(answer).__name__}, "
                                         "not a MergePreview")
        if answer.moves or answer.refusal:
            parts.append(PluginPart(plugin_id, titles.get(plugin_id, plugin_id), tuple(answer.moves), answer.refusal))
    return MergePlan(proposal.keep, proposal.absorb, tuple(parts), _fillable(proposal.keep, proposal.absorb))


def preview(ctx: Context, keep: str, absorb: str) -> MergePlan:
    """What merging ``absorb`` into ``keep`` would do, writing nothing.

    Raises:
        PermissionDenied: without ``patients.merge``.
        ValidationError: a malformed MRN, or the same MRN twice.
        NotFound: an unknown MRN, or one already merged (saying where it went).
        Conflict: either patient is inactive.
    """
    ctx.require(MERGE)
    kept, absorbed = _pair(ctx, keep, absorb)
    return _plan(ctx, kept, absorbed)


def _moved_rows(plugin_id: str, rows: Iterable[Any]) -> list[MovedRow]:
    moved = list(rows)
    if not all(isinstance(row, MovedRow) for row in moved):
        raise PluginError(plugin_id, "medoffice_patient_merge returned something other than MovedRow records")
    return moved


def merge(ctx: Context, keep: str, absorb: str, *, fill_blanks: bool = False) -> MergeResult:
    """Merge the patient ``absorb`` into ``keep``, all or nothing.

    The plugins are asked again (the preview a person saw may be minutes old); any refusal
    stops the merge. Then each plugin moves its rows, the kept record takes the absorbed
    one's values for its blank fields when ``fill_blanks`` says so (as an audited edit), and
    the absorbed record becomes inactive, "merged into" the kept one. Audited on both
    patients (``patient.merged``, ``patient.absorbed``) and announced as an update of the
    absorbed patient (``medoffice_patient_updated``).

    Raises:
        the errors of :func:`preview`, and Conflict naming every plugin's refusal.
    """
    ctx.require(MERGE)
    kept, absorbed = _pair(ctx, keep, absorb, lock=True)
    plan = _plan(ctx, kept, absorbed)
    if not plan.allowed:
        raise Conflict(f"cannot merge {absorbed.mrn} into {kept.mrn}: " + "; ".join(plan.refusals))
    now = ctx.now()
    summary = {p.plugin_id: list(p.moves) for p in plan.parts}
    record = PatientMergeRow(kept_id=kept.id, absorbed_id=absorbed.id, merged_at=now,
                             merged_by=ctx.user.username, moved=json.dumps(summary, sort_keys=True))
    ctx.session.add(record)
    ctx.session.flush()
    announced = PatientMerge(plan.keep, plan.absorb, record.id)
    moved = 0
    for plugin_id, rows in ctx.hooks.patient_merge(ctx, announced):
        for row in _moved_rows(plugin_id, rows):
            ctx.session.add(MergedRow(merge_id=record.id, plugin_id=plugin_id, table_name=row.table,
                                      row_id=row.row_id))
            moved += 1
    filled = plan.fillable if fill_blanks else ()
    theirs = patients.record_fields(plan.absorb)
    keep_after = patients.update(ctx, kept.mrn, {name: theirs[name] for name in filled}) if filled else plan.keep
    absorbed.active = False
    absorbed.inactive_reason = f"merged into {kept.mrn}"
    absorbed.updated_at = now
    ctx.session.flush()
    absorb_after = patients.to_record(absorbed)
    details = {"kept": kept.mrn, "absorbed": absorbed.mrn, "merge": record.id, "moved": summary,
               "rows_moved": moved, "filled": list(filled)}
    ctx.audit("patient.merged", "patient", kept.mrn, patient_id=kept.id, summary=details)
    ctx.audit("patient.absorbed", "patient", absorbed.mrn, patient_id=absorbed.id, summary=details)
    ctx.changed(patients.CHANGED)
    ctx.hooks.patient_updated(ctx, plan.absorb, absorb_after)
    return MergeResult(record.id, keep_after, absorb_after, plan.parts, moved, filled)


# -- deactivating ------------------------------------------------------------------------------


def deactivate(ctx: Context, mrn: str, reason: str) -> PatientRecord:
    """Take a patient's record out of use (moved away, registered by mistake), with a reason.

    The record stays, with its history; it is left out of searches (unless inactive ones are
    asked for) and cannot be booked until reactivated. Deactivating an inactive patient
    changes nothing.

    Raises:
        PermissionDenied: without ``patients.write``.
        ValidationError: no reason, or one longer than 200 characters.
        NotFound: an unknown MRN.
    """
    ctx.require(WRITE)
    why = require_text(reason, field="reason", max_length=MAX_REASON)
    row = patients._row_by_mrn(ctx.session, mrn)
    before = patients.to_record(row)
    if not row.active:
        return before
    row.active, row.inactive_reason, row.updated_at = False, why, ctx.now()
    ctx.session.flush()
    after = patients.to_record(row)
    ctx.audit("patient.deactivated", "patient", after.mrn, patient_id=after.id, summary={"reason": why})
    ctx.changed(patients.CHANGED)
    ctx.hooks.patient_updated(ctx, before, after)
    return after


def upcoming_bookings(ctx: Context, patient: PatientRecord) -> int:
    """How many of the patient's appointments are booked and still to come (through the
    scheduling domain; 0 without one, or for a user who may not read appointments). A
    deactivation leaves them booked: the desk is told, and cancels those the patient will not
    keep."""
    scheduling = ctx.role_service("scheduling")
    if scheduling is None or not ctx.can("scheduling.read"):
        return 0
    now = ctx.now()
    return sum(1 for a in scheduling.patient_appointments(ctx, patient.id) if a.status == "booked" and a.start >= now)


def reactivate(ctx: Context, mrn: str) -> PatientRecord:
    """Bring a deactivated patient back into use. A merged record cannot come back: its rows
    now belong to the patient it was merged into.

    Raises:
        PermissionDenied: without ``patients.write``.
        NotFound: an unknown MRN, or :class:`PatientMerged` for a merged one.
    """
    ctx.require(WRITE)
    row = patients._row_by_mrn(ctx.session, mrn)
    refuse_merged(ctx.session, row)
    before = patients.to_record(row)
    if row.active:
        return before
    row.active, row.inactive_reason, row.updated_at = True, None, ctx.now()
    ctx.session.flush()
    after = patients.to_record(row)
    ctx.audit("patient.activated", "patient", after.mrn, patient_id=after.id,
              summary={"was_inactive_because": before.inactive_reason})
    ctx.changed(patients.CHANGED)
    ctx.hooks.patient_updated(ctx, before, after)
    return after


__all__ = [
    "FILLABLE", "MERGE", "MergePlan", "MergeResult", "PatientMerged", "PluginPart", "deactivate", "merge",
    "merged_into", "preview", "reactivate", "refuse_merged", "require_active", "upcoming_bookings",
]
