"""Adding, listing and resolving a patient's alerts.

Every function takes the operation's :class:`~medoffice.core.Context` first, checks the
permission before it reads any patient data, validates all of its input before it writes
anything, audits every change, and returns frozen records, never ORM rows. The CLI and the
TUI panel both call these; neither holds a session of its own.
"""

from __future__ import annotations

import datetime as dt

import attrs
from sqlalchemy import func, select, update

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.records import MergePreview, MovedRow, PatientMerge
from medoffice.core.services import patients
from medoffice.core.validation import require_text

from .models import MAX_TEXT, SEVERITIES, Alert

READ = "alerts.read"
WRITE = "alerts.write"


@attrs.frozen
class AlertRecord:
    """An alert as screens, commands and other code see it.

    Attributes:
        id: the alert's number (``medoffice alerts resolve ID``).
        patient_id: the patient's database key.
        mrn: the patient's MRN.
        text: what the alert says.
        severity: ``info``, ``warning`` or ``critical``.
        created_at: when it was added (aware, UTC).
        created_by: the user name of who added it.
        resolved_at: when it was resolved, or None while it is active.
        resolved_by: who resolved it, or None.
    """

    id: int
    patient_id: int
    mrn: str
    text: str
    severity: str = attrs.field(validator=attrs.validators.in_(SEVERITIES))
    created_at: dt.datetime
    created_by: str
    resolved_at: dt.datetime | None = None
    resolved_by: str | None = None

    @property
    def active(self) -> bool:
        return self.resolved_at is None


def _record(row: Alert, mrn: str) -> AlertRecord:
    return AlertRecord(row.id, row.patient_id, mrn, row.text, row.severity, row.created_at, row.created_by,
                       row.resolved_at, row.resolved_by)


def parse_alert(text: str | None, severity: str | None) -> tuple[str, str]:
    """Validate an alert's text and severity together, reporting every bad field at once.

    Returns:
        The text stripped and the severity lower-cased.

    Raises:
        ValidationError: naming each bad field.
    """
    errors: dict[str, str] = {}
    try:
        text = require_text(text, field="text", max_length=MAX_TEXT)
    except ValidationError as error:
        errors["text"] = error.message
    severity = (severity or "").strip().lower()
    if severity not in SEVERITIES:
        errors["severity"] = f"severity must be one of {', '.join(SEVERITIES)}, got {severity!r}"
    if errors:
        raise ValidationError.of_fields(errors)
    return text, severity  # type: ignore[return-value]


def add_alert(ctx: Context, mrn: str, text: str, severity: str = "warning") -> AlertRecord:
    """Add an alert to the patient with ``mrn``.

    Raises:
        PermissionDenied: without ``alerts.write``.
        ValidationError: empty or too long text, unknown severity (nothing is written).
        NotFound: no patient has that MRN.
    """
    ctx.require(WRITE)
    text, severity = parse_alert(text, severity)
    patient = patients.get(ctx, mrn)
    row = Alert(patient_id=patient.id, text=text, severity=severity, created_at=ctx.now(),
                created_by=ctx.user.username)
    ctx.session.add(row)
    ctx.session.flush()
    # The audit log names the patient and the severity; the alert's words stay in its table.
    ctx.audit("alert.added", "patient_alert", row.id, patient_id=patient.id, summary={"severity": severity})
    return _record(row, patient.mrn)


_URGENCY = {severity: rank for rank, severity in enumerate(reversed(SEVERITIES))}


def list_alerts(ctx: Context, mrn: str, *, include_resolved: bool = False) -> list[AlertRecord]:
    """The patient's alerts, most urgent first, then newest first.

    Args:
        ctx: the operation.
        mrn: the patient's MRN.
        include_resolved: also list the resolved ones (after the active ones).
    """
    ctx.require(READ)
    patient = patients.get(ctx, mrn)
    query = select(Alert).where(Alert.patient_id == patient.id)
    if not include_resolved:
        query = query.where(Alert.resolved_at.is_(None))
    rows = ctx.session.execute(query.order_by(Alert.created_at.desc(), Alert.id.desc())).scalars()
    records = [_record(row, patient.mrn) for row in rows]
    return sorted(records, key=lambda a: (not a.active, _URGENCY[a.severity]))


def resolve_alert(ctx: Context, alert_id: int) -> AlertRecord:
    """Mark an alert resolved. The row stays, with who resolved it and when.

    Raises:
        PermissionDenied: without ``alerts.write``.
        ValidationError: ``alert_id`` is not a positive whole number.
        NotFound: there is no such alert.
        Conflict: it was resolved already.
    """
    ctx.require(WRITE)
    if isinstance(alert_id, bool) or not isinstance(alert_id, int) or alert_id < 1:
        raise ValidationError(f"an alert id is a positive whole number, got {alert_id!r}", field="alert_id")
    row = ctx.session.get(Alert, alert_id)
    if row is None:
        raise NotFound(f"no alert with id {alert_id}")
    patient = patients.get_by_id(ctx, row.patient_id)
    if row.resolved_at is not None:
        when = ctx.local(row.resolved_at).strftime("%Y-%m-%d %H:%M")
        raise Conflict(f"alert {alert_id} was already resolved by {row.resolved_by} on {when}")
    row.resolved_at = ctx.now()
    row.resolved_by = ctx.user.username
    ctx.session.flush()
    ctx.audit("alert.resolved", "patient_alert", row.id, patient_id=patient.id, summary={"severity": row.severity})
    return _record(row, patient.mrn)


def merge_preview(ctx: Context, merge: PatientMerge) -> MergePreview | None:
    """What a merge would move of ours: the absorbed patient's alerts (None when there are none)."""
    count = ctx.session.execute(select(func.count(Alert.id)).where(Alert.patient_id == merge.absorb.id)).scalar_one()
    return MergePreview((f"{count} alert{'' if count == 1 else 's'}",)) if count else None


def move_alerts(ctx: Context, merge: PatientMerge) -> list[MovedRow]:
    """Move the absorbed patient's alerts to the kept one, in the merge's unit of work (the core
    audits the merge and records the rows we say we moved)."""
    ids = list(ctx.session.execute(select(Alert.id).where(Alert.patient_id == merge.absorb.id)).scalars())
    if ids:
        ctx.session.execute(update(Alert).where(Alert.id.in_(ids)).values(patient_id=merge.keep.id))
    return [MovedRow(Alert.__tablename__, alert_id) for alert_id in ids]
