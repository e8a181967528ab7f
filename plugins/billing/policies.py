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

from .common import Fields, parse_day, parse_id, today
from .models import Payer, Policy
from .money import parse_money
from .payers import optional_x12_id, parse_address, parse_x12_id, payer_row
from .permissions import INSURANCE, READ
from .vocabulary import POLICY_RANKS, RELATIONSHIPS, SUBSCRIBER_SEXES

POLICY_FIELDS = ("rank", "relationship", "member_id", "group_number", "group_name", "subscriber_first_name",
                 "subscriber_middle_name", "subscriber_last_name", "subscriber_date_of_birth", "subscriber_sex",
                 "address_line1", "address_line2", "city", "state", "postal_code", "copay", "effective_from",
                 "effective_to")
SUBSCRIBER_REQUIRED = ("subscriber_first_name", "subscriber_last_name", "subscriber_date_of_birth",
                       "subscriber_sex")


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


def add_policy(ctx: Context, mrn: str, payer: str, data: Mapping[str, Any]) -> PolicyRecord:
    """Add an insurance policy with ``payer`` (a payer's name) to the patient with ``mrn``.

    ``data`` holds :data:`POLICY_FIELDS`; ``member_id`` is required, ``rank`` defaults to
    ``primary`` and ``relationship`` to ``self``. The subscriber's name, birth date and sex
    are required unless the patient is the subscriber.

    Raises:
        PermissionDenied: without ``billing.insurance``.
        ValidationError: every bad field at once.
        NotFound: unknown patient or payer.
        Conflict: the patient already has an active policy of that rank.
    """
    ctx.require(INSURANCE)
    values = _parse(ctx, data)
    patient = patients.get(ctx, mrn)
    payer_found = payer_row(ctx, payer)
    clash = ctx.session.execute(select(Policy.id).where(
        Policy.patient_id == patient.id, Policy.rank == values["rank"], Policy.active.is_(True))).scalar()
    if clash is not None:
        raise Conflict(f"{patient.display_name} already has an active {values['rank']} policy ({clash}); "
                       "end it first")
    row = Policy(patient_id=patient.id, payer_id=payer_found.id, active=True, created_at=ctx.now(), **values)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("billing.policy.added", "billing_policy", row.id, patient_id=patient.id,
              summary={"payer": payer_found.name, "rank": row.rank, "relationship": row.relationship})
    return to_record(row, payer_found, patient)


def end_policy(ctx: Context, policy_id: int, on: str | dt.date | None = None) -> PolicyRecord:
    """The policy ends on ``on`` (default today): it is no longer billed for later visits."""
    ctx.require(INSURANCE)
    policy_id = parse_id(policy_id, what="a policy")
    ended = parse_day(on, ctx, field="on")
    row = ctx.session.get(Policy, policy_id)
    if row is None:
        raise NotFound(f"no policy with id {policy_id}")
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
