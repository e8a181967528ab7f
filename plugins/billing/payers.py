"""Payers: the insurance companies the practice bills, as the 837P names them (loop 2010BB)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs
from sqlalchemy import func, select

from medoffice.core import Conflict, Context, NotFound, ValidationError
from medoffice.core.records import Address
from medoffice.core.validation import optional_text, parse_phone, require_text

from medoffice.core.validation import Fields
from .models import Payer
from .permissions import MANAGE, READ
from .vocabulary import CLAIM_FILING_CODES

PAYER_FIELDS = ("name", "payer_code", "claim_filing_code", "address_line1", "address_line2", "city", "state",
                "postal_code", "phone")
X12_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]*$")


@attrs.frozen
class PayerRecord:
    """A payer: ``payer_code`` is the id the clearinghouse knows it by, ``claim_filing_code``
    the 837P SBR09 code (``CI`` commercial, ``MB`` Medicare Part B…)."""

    id: int
    name: str
    payer_code: str
    claim_filing_code: str
    address: Address
    phone: str | None
    active: bool


def to_record(row: Payer) -> PayerRecord:
    return PayerRecord(row.id, row.name, row.payer_code, row.claim_filing_code,
                       Address(row.address_line1, row.address_line2, row.city, row.state, row.postal_code),
                       row.phone, row.active)


# -- shared parsers (policies use them for the subscriber's address) -------------------------


def parse_x12_id(value: str | None, *, field: str, max_length: int = 80) -> str:
    """An identifier that goes into an X12 file: ASCII letters, digits, spaces and hyphens."""
    text = require_text(value, field=field, max_length=max_length)
    if not X12_ID.match(text):
        raise ValidationError(f"{field.replace('_', ' ')} may hold only letters, digits, spaces and hyphens "
                              f"(A-Z, 0-9), got {text!r}", field=field)
    return text


def optional_x12_id(value: str | None, *, field: str, max_length: int = 50) -> str | None:
    text = (value or "").strip()
    return parse_x12_id(text, field=field, max_length=max_length) if text else None


def parse_state(value: str | None, *, field: str = "state") -> str | None:
    text = (value or "").strip().upper()
    if not text:
        return None
    if not re.match(r"^[A-Z]{2}$", text):
        raise ValidationError(f"state must be a two-letter code such as NY, got {value!r}", field=field)
    return text


def parse_postal_code(value: str | None, *, field: str = "postal_code") -> str | None:
    text = (value or "").strip().replace("-", "")
    if not text:
        return None
    if not re.match(r"^\d{5}(\d{4})?$", text):
        raise ValidationError(f"ZIP code must be 5 or 9 digits, got {value!r}", field=field)
    return text


def parse_address(data: Mapping[str, Any], fields: Fields) -> dict[str, Any]:
    """The address fields of ``data`` that are present, parsed (errors go to ``fields``)."""
    values: dict[str, Any] = {}
    for name, parse, options in (("address_line1", optional_text, {"max_length": 55}),
                                 ("address_line2", optional_text, {"max_length": 55}),
                                 ("city", optional_text, {"max_length": 30}),
                                 ("state", parse_state, {}), ("postal_code", parse_postal_code, {})):
        if name in data:
            values[name] = fields.parse(name, parse, data[name], **options)
    return values


def _filing_code(value: str | None, *, field: str) -> str:
    text = (value or "CI").strip().upper()
    if text not in CLAIM_FILING_CODES:
        raise ValidationError(f"claim filing code must be one of {', '.join(CLAIM_FILING_CODES)}, got {value!r}",
                              field=field)
    return text


# -- services --------------------------------------------------------------------------------


def add_payer(ctx: Context, data: Mapping[str, Any]) -> PayerRecord:
    """Add a payer from ``data`` (:data:`PAYER_FIELDS`; ``name`` and ``payer_code`` required).

    Raises:
        PermissionDenied: without ``billing.manage``.
        ValidationError: every bad field at once.
        Conflict: a payer with that name exists.
    """
    ctx.require(MANAGE)
    unknown = sorted(set(data) - set(PAYER_FIELDS))
    if unknown:
        raise ValidationError(f"unknown payer field(s): {', '.join(unknown)}")
    fields = Fields()
    name = fields.parse("name", require_text, data.get("name"), max_length=60)
    code = fields.parse("payer_code", parse_x12_id, data.get("payer_code"), max_length=80)
    filing = fields.parse("claim_filing_code", _filing_code, data.get("claim_filing_code"))
    address = parse_address(data, fields)
    phone = fields.parse("phone", parse_phone, data.get("phone"))
    fields.done()
    clash = ctx.session.execute(select(Payer.id).where(func.lower(Payer.name) == name.lower())).first()
    if clash is not None:
        raise Conflict(f"there is already a payer named {name!r}")
    row = Payer(name=name, payer_code=code, claim_filing_code=filing, phone=phone, active=True, **address)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("billing.payer.added", "billing_payer", row.id, summary={"name": name, "payer_code": code})
    return to_record(row)


def list_payers(ctx: Context, *, include_inactive: bool = False) -> list[PayerRecord]:
    """The payers, by name."""
    ctx.require(READ)
    query = select(Payer).order_by(Payer.name)
    if not include_inactive:
        query = query.where(Payer.active.is_(True))
    return [to_record(r) for r in ctx.session.execute(query).scalars()]


def payer_row(ctx: Context, name: str) -> Payer:
    """The payer named ``name`` (case-insensitive)."""
    wanted = (name or "").strip()
    row = ctx.session.execute(select(Payer).where(func.lower(Payer.name) == wanted.lower())).scalar_one_or_none()
    if row is None:
        known = ", ".join(ctx.session.execute(select(Payer.name).order_by(Payer.name)).scalars()) or "none yet"
        raise NotFound(f"no payer named {wanted!r} (known: {known})")
    return row
