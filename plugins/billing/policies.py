"""Patients' insurance policies: which payer, primary or secondary, who the subscriber is.

When the patient is the subscriber (``relationship`` ``self``) the subscriber's name, birth
date, sex and address are the patient's own and need not be typed; otherwise they are
required. A patient has at most one active policy of each rank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.records import Address, PatientRecord
from medoffice.core.services import patients
from medoffice.core.validation import optional_text, parse_birth_date, parse_date

from medoffice.core.validation import Fields
from .common import parse_day, parse_id, today
from .models import Payer, Policy
from .money import parse_money
from .payers import optional_x12_id, parse_address, parse_x12_id
from .permissions import INSURANCE, READ
from .vocabulary import POLICY_RANKS, RELATIONSHIPS, SUBSCRIBER_SEXES

POLICY_FIELDS = ("rank", "relationship", "member_id", "group_number", "group_name", "subscriber_first_name",
                 "subscriber_middle_name", "subscriber_last_name", "subscriber_date_of_birth", "subscriber_sex",
                 "address_line1", "address_line2", "city", "state", "postal_code", "copay", "effective_from",
                 "effective_to")
SUBSCRIBER_REQUIRED = ("subscriber_first_name", "subscriber_last_name", "subscriber_date_of_birth",
                       "subscriber_sex")
SUBSCRIBER_FIELDS = (*SUBSCRIBER_REQUIRED, "subscriber_middle_name", "address_line1", "address_line2", "city",
                     "state", "postal_code")


@attrs.frozen
class Subscriber:
    """The person who holds the policy: the patient, or their spouse, parent…"""

    first_name: str
    last_name: str
    date_of_birth: dt.date
    sex: str
    middle_name: str | None = None
    address: Address = attrs.field(factory=Address)


@attrs.frozen
class PolicyRecord:
    """A patient's policy with a payer; ``subscriber`` is resolved (the patient for ``self``)."""

    id: int
    patient_id: int
    mrn: str
    payer_id: int
    payer: str
    rank: str
    relationship: str
    member_id: str
    group_number: str | None
    group_name: str | None
    subscriber: Subscriber
    copay: Decimal
    effective_from: dt.date | None
    effective_to: dt.date | None
    active: bool

    @property
    def relationship_code(self) -> str:
        """The X12 individual relationship code (SBR02/PAT01): ``18`` self, ``01`` spouse…"""
        return RELATIONSHIPS[self.relationship]


def _sex_of(patient_sex: str) -> str:
    return patient_sex if patient_sex in SUBSCRIBER_SEXES else "unknown"


def subscriber_of(row: Policy, patient: PatientRecord) -> Subscriber:
    """The policy's subscriber: the patient when ``relationship`` is ``self`` (where the
    columns are empty), else the subscriber columns."""
    if row.relationship == "self":
        address = patient.address
        if row.address_line1:
            address = Address(row.address_line1, row.address_line2, row.city, row.state, row.postal_code)
        return Subscriber(row.subscriber_first_name or patient.first_name, row.subscriber_last_name or patient.last_name,
                          row.subscriber_date_of_birth or patient.date_of_birth,
                          row.subscriber_sex or _sex_of(patient.sex),
                          row.subscriber_middle_name or patient.middle_name, address)
    return Subscriber(row.subscriber_first_name or "", row.subscriber_last_name or "", row.subscriber_date_of_birth,
                      row.subscriber_sex or "unknown", row.subscriber_middle_name,
                      Address(row.address_line1, row.address_line2, row.city, row.state, row.postal_code))


def to_record(row: Policy, payer: Payer, patient: PatientRecord) -> PolicyRecord:
    return PolicyRecord(row.id, row.patient_id, patient.mrn, payer.id, payer.name, row.rank, row.relationship,
                        row.member_id, row.group_number, row.group_name, subscriber_of(row, patient), row.copay,
                        row.effective_from, row.effective_to, row.active)


def _choice(options: tuple[str, ...] | dict[str, str], what: str):
    def parse(value: str | None, *, field: str) -> str:
        text = (value or "").strip().lower()
        if text not in options:
            raise ValidationError(f"{what} must be one of {', '.join(options)}, got {value!r}", field=field)
        return text
    return parse


def _sex(value: str | None, *, field: str) -> str | None:
    text = (value or "").strip().lower()
    if not text:
        return None
    text = {"f": "female", "m": "male", "u": "unknown"}.get(text, text)
    if text not in SUBSCRIBER_SEXES:
        raise ValidationError(f"subscriber sex must be one of {', '.join(SUBSCRIBER_SEXES)}, got {value!r}",
                              field=field)
    return text


def _optional_date(value: str | dt.date | None, *, field: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value, field=field)


def _parse(ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(POLICY_FIELDS))
    if unknown:
        raise ValidationError(f"unknown policy field(s): {', '.join(unknown)}")
    fields = Fields()
    values: dict[str, Any] = {
        "rank": fields.parse("rank", _choice(POLICY_RANKS, "rank"), data.get("rank", "primary")),
        "relationship": fields.parse("relationship", _choice(RELATIONSHIPS, "relationship"),
                                     data.get("relationship", "self")),
        "member_id": fields.parse("member_id", parse_x12_id, data.get("member_id"), max_length=80),
        "group_number": fields.parse("group_number", optional_x12_id, data.get("group_number"), max_length=50),
        "group_name": fields.parse("group_name", optional_text, data.get("group_name"), max_length=60),
        "subscriber_first_name": fields.parse("subscriber_first_name", optional_text,
                                              data.get("subscriber_first_name"), max_length=35),
        "subscriber_middle_name": fields.parse("subscriber_middle_name", optional_text,
                                               data.get("subscriber_middle_name"), max_length=25),
        "subscriber_last_name": fields.parse("subscriber_last_name", optional_text, data.get("subscriber_last_name"),
                                             max_length=60),
        "subscriber_sex": fields.parse("subscriber_sex", _sex, data.get("subscriber_sex")),
        "copay": fields.parse("copay", parse_money, data.get("copay") or "0"),
        "effective_from": fields.parse("effective_from", _optional_date, data.get("effective_from")),
        "effective_to": fields.parse("effective_to", _optional_date, data.get("effective_to")),
    }
    born = data.get("subscriber_date_of_birth")
    values["subscriber_date_of_birth"] = (
        fields.parse("subscriber_date_of_birth", parse_birth_date, born, today=today(ctx))
        if born not in (None, "") else None)
    values |= parse_address(data, fields)
    if values["relationship"] not in (None, "self"):
        for name in SUBSCRIBER_REQUIRED:
            if values.get(name) is None and name not in fields.errors:
                fields.add(name, f"{name.replace('_', ' ')} is required when the patient is not the subscriber")
    start, end = values["effective_from"], values["effective_to"]
    if start and end and end < start:
        fields.add("effective_to", f"the policy cannot end ({end}) before it starts ({start})")
    fields.done()
    return values


def find_payer(ctx: Context, text: str | None) -> Payer:
    """The active payer ``text`` names: its whole name, else the one payer whose name contains
    it (``acme`` for Acme Health), ignoring case; what the desk types from the card.

    Raises:
        ValidationError: on ``payer``: nothing typed, no payer matches, or several do (they
            are named, to type more of one).
    """
    wanted = " ".join((text or "").split()).lower()
    if not wanted:
        raise ValidationError("type the payer's name (or part of it)", field="payer")
    active = ctx.session.execute(select(Payer).where(Payer.active.is_(True)).order_by(Payer.name)).scalars().all()
    exact = [row for row in active if row.name.lower() == wanted]
    found = exact or [row for row in active if wanted in row.name.lower()]
    if not found:
        known = ", ".join(row.name for row in active) or "none yet: a biller adds them"
        raise ValidationError(f"no payer matches {text.strip()!r} (payers: {known})", field="payer")
    if len(found) > 1:
        names = ", ".join(row.name for row in found[:5]) + (", …" if len(found) > 5 else "")
        raise ValidationError(f"{text.strip()!r} matches {names}: type more of the name", field="payer")
    return found[0]


def payer_names(ctx: Context) -> list[str]:
    """The active payers' names, for the desk to pick from."""
    ctx.require(READ)
    return list(ctx.session.execute(select(Payer.name).where(Payer.active.is_(True)).order_by(Payer.name)).scalars())


def _rank_free(ctx: Context, patient: PatientRecord, rank: str, *, other_than: int | None = None) -> None:
    query = select(Policy.id).where(Policy.patient_id == patient.id, Policy.rank == rank, Policy.active.is_(True))
    if other_than is not None:
        query = query.where(Policy.id != other_than)
    if ctx.session.execute(query).scalar() is not None:
        raise ValidationError(f"{patient.display_name} already has an active {rank} policy; end it first, or "
                              f"make this one {'secondary' if rank == 'primary' else 'primary'}", field="rank")


def add_policy(ctx: Context, mrn: str, payer: str, data: Mapping[str, Any]) -> PolicyRecord:
    """Add an insurance policy with ``payer`` (a payer's name) to the patient with ``mrn``.

    ``data`` holds :data:`POLICY_FIELDS`; ``member_id`` is required, ``rank`` defaults to
    ``primary`` and ``relationship`` to ``self``. The subscriber's name, birth date and sex
    are required unless the patient is the subscriber. ``payer`` may be part of the payer's
    name when only one payer's name contains it (:func:`find_payer`).

    Raises:
        PermissionDenied: without ``billing.insurance``.
        ValidationError: every bad field at once (``payer`` among them: none or several
            match); the patient already has an active policy of that rank (on ``rank``).
        NotFound: unknown patient.

    .. versionchanged:: 1 ``payer`` may be part of a name; a second active policy of one
       rank is a ValidationError on ``rank`` (was a Conflict).
    """
    ctx.require(INSURANCE)
    values, payer_found = _parse_with_payer(ctx, data, payer)
    patient = patients.get(ctx, mrn)
    _rank_free(ctx, patient, values["rank"])
    row = Policy(patient_id=patient.id, payer_id=payer_found.id, active=True, created_at=ctx.now(), **values)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("billing.policy.added", "billing_policy", row.id, patient_id=patient.id,
              summary={"payer": payer_found.name, "rank": row.rank, "relationship": row.relationship})
    return to_record(row, payer_found, patient)


def _parse_with_payer(ctx: Context, data: Mapping[str, Any], payer: str | None) -> tuple[dict[str, Any], Payer]:
    """The fields and the payer, with every error of both at once."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    found = None
    try:
        values = _parse(ctx, data)
    except ValidationError as error:
        if not error.errors:
            raise  # not about a field (unknown field names): said as it is
        errors.update(error.errors)
    try:
        found = find_payer(ctx, payer)
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        raise ValidationError.of_fields(errors)
    return values, found


def _policy_row(ctx: Context, policy_id: Any) -> Policy:
    number = parse_id(policy_id, what="a policy")
    row = ctx.session.get(Policy, number)
    if row is None:
        raise NotFound(f"no policy with id {number}")
    return row


def update_policy(ctx: Context, policy_id: int, data: Mapping[str, Any], *, payer: str | None = None) -> PolicyRecord:
    """Change an active policy: the fields in ``data`` (:data:`POLICY_FIELDS`; the others are
    kept) and, with ``payer``, the payer (part of its name will do). The whole policy is
    checked again as :func:`add_policy` checks a new one; a relationship of ``self`` clears
    the subscriber's own fields (the patient's are used).

    Raises:
        PermissionDenied: without ``billing.insurance``.
        ValidationError: every bad field at once; a rank another active policy has.
        NotFound: no such policy.
        Conflict: the policy has ended (add a new one).

    .. versionadded:: 1
    """
    ctx.require(INSURANCE)
    row = _policy_row(ctx, policy_id)
    if not row.active:
        raise Conflict(f"this policy ended on {row.effective_to}; add a new one instead")
    merged = {name: getattr(row, name) for name in POLICY_FIELDS}
    merged = {name: (value.isoformat() if isinstance(value, dt.date) else value) for name, value in merged.items()}
    merged.update(data)
    if str(merged.get("relationship") or "").strip().lower() == "self":
        for name in SUBSCRIBER_FIELDS:
            if name not in data:
                merged[name] = None
    current = ctx.session.get(Payer, row.payer_id)
    values, payer_found = _parse_with_payer(ctx, merged, payer if payer is not None else current.name)
    patient = patients.get_by_id(ctx, row.patient_id)
    _rank_free(ctx, patient, values["rank"], other_than=row.id)
    changed = sorted(name for name, value in values.items() if getattr(row, name) != value)
    if payer_found.id != row.payer_id:
        changed.append("payer")
    for name, value in values.items():
        setattr(row, name, value)
    row.payer_id = payer_found.id
    ctx.session.flush()
    ctx.audit("billing.policy.changed", "billing_policy", row.id, patient_id=row.patient_id,
              summary={"changed": changed})
    return to_record(row, payer_found, patient)


def end_policy(ctx: Context, policy_id: int, on: str | dt.date | None = None) -> PolicyRecord:
    """The policy ends on ``on`` (default today): it is no longer billed for later visits."""
    ctx.require(INSURANCE)
    ended = parse_day(on, ctx, field="on")
    row = _policy_row(ctx, policy_id)
    if not row.active:
        raise Conflict(f"this policy already ended on {row.effective_to}")
    if row.effective_from and ended < row.effective_from:
        raise ValidationError(f"the policy cannot end ({ended}) before it starts ({row.effective_from})", field="on")
    row.active = False
    row.effective_to = ended
    ctx.session.flush()
    ctx.audit("billing.policy.ended", "billing_policy", row.id, patient_id=row.patient_id,
              summary={"on": ended.isoformat()})
    return to_record(row, ctx.session.get(Payer, row.payer_id), patients.get_by_id(ctx, row.patient_id))


def list_policies(ctx: Context, mrn: str, *, include_inactive: bool = False) -> list[PolicyRecord]:
    """The patient's policies, primary first."""
    ctx.require(READ)
    patient = patients.get(ctx, mrn)
    return policies_of(ctx, patient, include_inactive=include_inactive)


def policies_of(ctx: Context, patient: PatientRecord, *, include_inactive: bool = False,
                on: dt.date | None = None) -> list[PolicyRecord]:
    """A patient's policies (active ones, in effect ``on`` that day when given), primary first."""
    query = select(Policy, Payer).join(Payer, Payer.id == Policy.payer_id).where(Policy.patient_id == patient.id)
    if not include_inactive:
        query = query.where(Policy.active.is_(True))
    found = []
    for row, payer in ctx.session.execute(query.order_by(Policy.active.desc(), Policy.rank, Policy.id)):
        if on is not None and ((row.effective_from and on < row.effective_from)
                               or (row.effective_to and on > row.effective_to)):
            continue
        found.append(to_record(row, payer, patient))
    return found
