"""Credentials: licences and certificates per staff member, alerts at 90, 60 and 30 days
before they expire, and the block an expired required one puts on booking the holder.

A credential counts through its expiry day. One marked *required for work* that has expired
by an appointment's day makes ``medoffice_validate_appointment`` refuse booking its holder
(the reason names the credential and the way out), and by a shift's day makes the rota
refuse the shift (:mod:`.rota`). A manager with ``hr.override`` may let
the holder work until a day, with a reason (audited); each booking and shift the override
lets through is audited too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from sqlalchemy import select

from medoffice.core.context import Context
from medoffice.core.errors import Conflict, NotFound, ValidationError
from medoffice.core.services.forms import FieldCollector
from medoffice.core.storage.models import Staff
from medoffice.core.validation import optional_text, require_text

from .booking_checks import OpenOverride, RequiredCredential, required_credentials
from .common import day, optional_day, own_staff_id, staff_row, today, whole
from .models import MAX_TEXT, Credential, CredentialOverride
from .permissions import COMPLIANCE, CREDENTIALS, OVERRIDE, SELF

ALERT_DAYS = (30, 60, 90)
"""The alert steps: a credential is in the smallest step its days left fit."""
MAX_OVERRIDE_DAYS = 90
"""How far ahead an override may reach: long enough for a renewal to come through."""

TOPIC = "staff.credentials"
"""What the screens watching this (the compliance overview) reload on."""


@attrs.frozen
class OverrideRecord:
    id: int
    credential_id: int
    reason: str
    until: dt.date
    granted_by: str
    granted_at: dt.datetime
    ended_at: dt.datetime | None = None
    ended_by: str | None = None


@attrs.frozen
class CredentialRecord:
    id: int
    staff_id: int
    staff: str
    kind: str
    number: str | None
    issuer: str | None
    issued_on: dt.date | None
    expires_on: dt.date | None
    required_for_work: bool
    note: str | None
    active: bool
    days_left: int | None
    """Days until expiry on the day asked (negative: expired so many days ago)."""
    override: OverrideRecord | None = None
    """The override in force, if any."""

    alert: str = attrs.field(init=False, default=attrs.Factory(lambda self: _alert(self.days_left), takes_self=True))
    """``expired``, ``30``, ``60``, ``90`` (days), or empty."""
    blocks: bool = attrs.field(init=False, default=attrs.Factory(
        lambda self: self.alert == "expired" and self.required_for_work and self.override is None and self.active,
        takes_self=True))
    """Expired, required for work, and not overridden: its holder cannot be booked."""
    label: str = attrs.field(init=False, default=attrs.Factory(
        lambda self: _label(self.issuer, self.kind, self.number), takes_self=True))


def _alert(days_left: int | None) -> str:
    if days_left is None:
        return ""
    if days_left < 0:
        return "expired"
    return next((str(step) for step in ALERT_DAYS if days_left <= step), "")


def _label(issuer: str | None, kind: str, number: str | None) -> str:
    shown = issuer if issuer and not kind.lower().startswith(issuer.lower()) else None
    return " ".join(p for p in (shown, kind, number and f"#{number}") if p)


FIELDS = ("kind", "number", "issuer", "issued_on", "expires_on", "required_for_work", "note")


def _yes_no(value: Any, *, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise ValidationError(f"{field.replace('_', ' ')} must be yes or no, got {str(value)[:40]!r}", field=field)


def _values(data: Mapping[str, Any], *, new: bool) -> dict[str, Any]:
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValidationError(f"unknown credential field(s): {', '.join(unknown)} (known: {', '.join(FIELDS)})")
    form = FieldCollector({k: v for k, v in data.items() if v is not None})
    if new:
        form.require("kind")
    form.field("kind", require_text, max_length=60)
    form.field("number", optional_text, max_length=60)
    form.field("issuer", optional_text, max_length=80)
    form.field("issued_on", optional_day)
    form.field("expires_on", optional_day)
    form.field("required_for_work", _yes_no)
    form.field("note", optional_text, max_length=MAX_TEXT)
    return form.done()


def _active_overrides(ctx: Context, on: dt.date, credential_ids: list[int]) -> dict[int, CredentialOverride]:
    if not credential_ids:
        return {}
    rows = ctx.session.execute(select(CredentialOverride).where(
        CredentialOverride.credential_id.in_(credential_ids), CredentialOverride.ended_at.is_(None),
        CredentialOverride.until >= on).order_by(CredentialOverride.until)).scalars()
    return {row.credential_id: row for row in rows}


def _override(row: CredentialOverride) -> OverrideRecord:
    return OverrideRecord(row.id, row.credential_id, row.reason, row.until, row.granted_by, row.granted_at,
                          row.ended_at, row.ended_by)


def _records(ctx: Context, rows: list[tuple[Any, str]], on: dt.date) -> list[CredentialRecord]:
    overrides = _active_overrides(ctx, on, [c.id for c, _ in rows])
    return [CredentialRecord(c.id, c.staff_id, name, c.kind, c.number, c.issuer, c.issued_on, c.expires_on,
                             c.required_for_work, c.note, c.active,
                             (c.expires_on - on).days if c.expires_on else None,
                             _override(overrides[c.id]) if c.id in overrides and c.expires_on
                             and c.expires_on < on else None)
            for c, name in rows]


def _one(ctx: Context, row: Credential) -> CredentialRecord:
    return _records(ctx, [(row, staff_row(ctx, row.staff_id).name)], today(ctx))[0]


def _credential(ctx: Context, credential_id: int) -> Credential:
    row = ctx.session.get(Credential, credential_id)
    if row is None:
        raise NotFound(f"no credential with id {credential_id}")
    return row


def _check(values: Mapping[str, Any], row: Credential | None) -> None:
    issued = values.get("issued_on", row.issued_on if row else None)
    expires = values.get("expires_on", row.expires_on if row else None)
    if issued and expires and issued > expires:
        raise ValidationError(f"issued on {issued} is after it expires on {expires}", field="issued_on")


def add(ctx: Context, staff_id: int, data: Mapping[str, Any]) -> CredentialRecord:
    """Put a licence or certificate on file for a staff member."""
    ctx.require(CREDENTIALS)
    values = _values(data, new=True)
    person = staff_row(ctx, staff_id)
    _check(values, None)
    row = Credential(staff_id=person.id, **({"required_for_work": False, "active": True} | values))
    ctx.session.add(row)
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.credential.added", "staff_credential", row.id,
              summary={"staff_id": person.id, "kind": row.kind,
                       "expires": row.expires_on.isoformat() if row.expires_on else None,
                       "required": row.required_for_work})
    return _one(ctx, row)


def update(ctx: Context, credential_id: int, changes: Mapping[str, Any]) -> CredentialRecord:
    """Change a credential: a renewal's new expiry and number, or whether work requires it."""
    ctx.require(CREDENTIALS)
    if not any(v is not None for v in changes.values()):
        raise ValidationError("nothing to change: give at least one field")
    values = _values(changes, new=False)
    row = _credential(ctx, credential_id)
    _check(values, row)
    diff = {k: [str(getattr(row, k)), str(v)] for k, v in values.items() if getattr(row, k) != v}
    for name, value in values.items():
        setattr(row, name, value)
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.credential.updated", "staff_credential", row.id, summary={"changed": diff})
    return _one(ctx, row)


def retire(ctx: Context, credential_id: int) -> CredentialRecord:
    """Take a credential off file (no longer held or needed); it stops alerting and blocking."""
    ctx.require(CREDENTIALS)
    row = _credential(ctx, credential_id)
    if not row.active:
        raise Conflict(f"credential {row.id} is off file already")
    row.active = False
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.credential.retired", "staff_credential", row.id, summary={"staff_id": row.staff_id,
                                                                           "kind": row.kind})
    return _one(ctx, row)


def _query():
    return (select(Credential, Staff.name).join(Staff, Staff.id == Credential.staff_id)
            .order_by(Staff.name, Credential.expires_on, Credential.id))


def list_credentials(ctx: Context, *, staff_id: int | None = None, mine: bool = False,
                     include_retired: bool = False) -> list[CredentialRecord]:
    """Credentials on file, by person then expiry: everyone's, one person's or one's own."""
    if mine:
        ctx.require(SELF)
        staff_id = own_staff_id(ctx)
    else:
        ctx.require(COMPLIANCE)
        if staff_id is not None:
            staff_row(ctx, staff_id)
    query = _query()
    if staff_id is not None:
        query = query.where(Credential.staff_id == staff_id)
    if not include_retired:
        query = query.where(Credential.active.is_(True))
    return _records(ctx, list(ctx.session.execute(query).all()), today(ctx))


def expiring(ctx: Context, *, within: Any = 90) -> list[CredentialRecord]:
    """The alerts: active credentials of active staff expired or expiring within ``within``
    days (90 by default: the 90/60/30-day steps), soonest first."""
    ctx.require(COMPLIANCE)
    days = whole(within, field="within", low=0, high=3650)
    now = today(ctx)
    query = (select(*(getattr(Credential, column) for column in _COLUMNS), Staff.name.label("holder"))
             .join(Staff, Staff.id == Credential.staff_id)
             .where(Credential.active.is_(True), Staff.active.is_(True), Credential.expires_on.is_not(None),
                    Credential.expires_on <= now + dt.timedelta(days=days))
             .order_by(Credential.expires_on, Staff.name, Credential.id))
    return _records(ctx, [(row, row.holder) for row in ctx.session.execute(query)], now)


_COLUMNS = ("id", "staff_id", "kind", "number", "issuer", "issued_on", "expires_on", "required_for_work", "note",
            "active")
"""What a :class:`CredentialRecord` is made of, read as plain rows where many are listed."""


# -- the booking block and its override ------------------------------------------------------


def blocking(ctx: Context, staff_id: int, on: dt.date) -> tuple[list[RequiredCredential], list[OpenOverride]]:
    """The staff member's required credentials expired by ``on`` and not overridden, and
    the overrides in force for the others. Asks no permission: every booking checks it.
    Read from the copy kept in memory (:mod:`.booking_checks`): no statement while it holds."""
    return work_blocks(ctx, [staff_id], on, on).on(staff_id, on)


def block_message(name: str, blocked: list[RequiredCredential]) -> str:
    """Why ``name`` may not work: each expired required credential, and the way out."""
    words = "; ".join(f"{name}'s {' '.join(p for p in (c.issuer, c.kind) if p)} (credential {c.id}) expired on "
                      f"{c.expires_on} and is required for work" for c in blocked)
    return f"{words} (renew it, or a manager may override: medoffice credentials override {blocked[0].id})"


@attrs.frozen
class WorkBlocks:
    """The required credentials of some people that expired before the last day of a range,
    with the overrides in force over it: taken once from the kept copy for a whole rota, then
    asked per person and day (:meth:`on`)."""

    expired: dict[int, list[RequiredCredential]]
    overrides: dict[int, list[OpenOverride]]

    def on(self, staff_id: int, day: dt.date) -> tuple[list[RequiredCredential], list[OpenOverride]]:
        """What blocks ``staff_id`` on ``day``, and the overrides that let them work then."""
        blocked: list[RequiredCredential] = []
        used: list[OpenOverride] = []
        for credential in self.expired.get(staff_id, ()):
            if credential.expires_on >= day:
                continue
            lifted = next((o for o in self.overrides.get(credential.id, ()) if o.until >= day), None)
            if lifted is None:
                blocked.append(credential)
            else:
                used.append(lifted)
        return blocked, used


def work_blocks(ctx: Context, staff_ids: Iterable[int], first: dt.date, last: dt.date) -> WorkBlocks:
    """:class:`WorkBlocks` of ``staff_ids`` over local days ``first``…``last``, from the
    required credentials kept in memory (:mod:`.booking_checks`; no statement while they
    hold). Asks no permission: every shift and booking checks it."""
    kept = required_credentials(ctx)
    expired: dict[int, list[RequiredCredential]] = {}
    overrides: dict[int, list[OpenOverride]] = {}
    for staff_id in sorted(set(staff_ids)):
        found = [c for c in kept.by_staff.get(staff_id, ()) if c.expires_on < last]
        if not found:
            continue
        expired[staff_id] = found
        for credential in found:
            lifting = [o for o in kept.overrides.get(credential.id, ()) if o.until >= first]
            if lifting:
                overrides[credential.id] = lifting
    return WorkBlocks(expired, overrides)


def audit_override_used(ctx: Context, used: Iterable[OpenOverride], staff_id: int, **what: str) -> None:
    """Each override that let ``staff_id`` be booked or put on a shift, in the audit log."""
    for row in used:
        ctx.audit("hr.credential.override_used", "staff_credential", row.credential_id,
                  summary={"override": row.id, "staff_id": staff_id, **what})


def booking_refusal(ctx: Context, proposal: Any) -> str | None:
    """The reason a booking of ``proposal.provider_id`` is refused, or None."""
    on = ctx.local(proposal.start).date()
    blocked, overridden = blocking(ctx, proposal.provider_id, on)
    if blocked:
        who = ctx.session.get(Staff, proposal.provider_id)
        name = who.name if who is not None else f"staff #{proposal.provider_id}"
        return block_message(name, blocked)
    if overridden and ctx.write:
        audit_override_used(ctx, overridden, proposal.provider_id, appointment_start=proposal.start.isoformat())
    return None


def override(ctx: Context, credential_id: int, *, reason: Any, until: Any) -> OverrideRecord:
    """Let the holder of an expired required credential be booked until ``until`` (at most
    :data:`MAX_OVERRIDE_DAYS` ahead), for a reason; audited."""
    ctx.require(OVERRIDE)
    form = FieldCollector({"reason": reason, "until": until})
    form.require("reason", "until")
    form.field("reason", require_text, max_length=MAX_TEXT)
    form.field("until", day)
    values = form.done()
    row = _credential(ctx, credential_id)
    now = today(ctx)
    if not row.required_for_work:
        raise Conflict(f"credential {row.id} is not required for work; nothing to override")
    if not row.active:
        raise Conflict(f"credential {row.id} is off file")
    if values["until"] < now:
        raise ValidationError(f"until {values['until']} is in the past", field="until")
    if (values["until"] - now).days > MAX_OVERRIDE_DAYS:
        raise ValidationError(f"an override reaches at most {MAX_OVERRIDE_DAYS} days ahead "
                              f"(to {now + dt.timedelta(days=MAX_OVERRIDE_DAYS)})", field="until")
    for old in ctx.session.execute(select(CredentialOverride).where(
            CredentialOverride.credential_id == row.id, CredentialOverride.ended_at.is_(None))).scalars():
        old.ended_at, old.ended_by = ctx.now(), ctx.user.username
    granted = CredentialOverride(credential_id=row.id, reason=values["reason"], until=values["until"],
                                 granted_at=ctx.now(), granted_by=ctx.user.username)
    ctx.session.add(granted)
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.credential.overridden", "staff_credential", row.id,
              summary={"override": granted.id, "staff_id": row.staff_id, "reason": values["reason"],
                       "until": values["until"].isoformat()})
    return _override(granted)


def end_override(ctx: Context, override_id: int) -> OverrideRecord:
    """End an override before its day: the block is back."""
    ctx.require(OVERRIDE)
    row = ctx.session.get(CredentialOverride, override_id)
    if row is None:
        raise NotFound(f"no credential override with id {override_id}")
    if row.ended_at is not None:
        raise Conflict(f"override {row.id} ended on {ctx.local(row.ended_at):%Y-%m-%d}")
    row.ended_at, row.ended_by = ctx.now(), ctx.user.username
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.credential.override_ended", "staff_credential", row.credential_id, summary={"override": row.id})
    return _override(row)


def overrides(ctx: Context, *, include_past: bool = False) -> list[OverrideRecord]:
    """Overrides in force (with ``include_past``, every one ever granted), latest first."""
    ctx.require(COMPLIANCE)
    query = select(CredentialOverride).order_by(CredentialOverride.granted_at.desc(), CredentialOverride.id.desc())
    if not include_past:
        query = query.where(CredentialOverride.ended_at.is_(None), CredentialOverride.until >= today(ctx))
    return [_override(r) for r in ctx.session.execute(query).scalars()]
