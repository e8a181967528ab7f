"""The practice's billing settings: what claims say of the practice beyond the core's
details (name, NPI, tax id, address).

- ``taxonomy``: the practice's provider taxonomy code (NUCC, ten characters such as
  ``207Q00000X``, family medicine), written in every 837P as the billing provider's
  specialty (2000A ``PRV*BI*PXC``). Many payers route and price claims by it; the scrubber
  notes a practice without one.

Changing a setting is audited (``billing.setting.changed``, with the old and new values).
"""

from __future__ import annotations

import re

import attrs
from sqlalchemy import select

from medoffice.core import Context, ValidationError

from .models import Setting
from .permissions import MANAGE, READ

TAXONOMY = "taxonomy"
TAXONOMY_CODE = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")
"""A NUCC Health Care Provider Taxonomy code: ten characters, the last an ``X``."""


@attrs.frozen
class BillingSettings:
    taxonomy: str | None = None


def parse_taxonomy(value: str | None) -> str | None:
    """A taxonomy code in upper case, or None for an empty value.

    Raises:
        ValidationError: anything that is not ten characters ending in ``X``.
    """
    text = (value or "").strip().upper()
    if not text:
        return None
    if not TAXONOMY_CODE.match(text):
        raise ValidationError(f"{value.strip()!r} is not a provider taxonomy code (ten characters such as "
                              "207Q00000X, from the NUCC code set)", field=TAXONOMY)
    return text


def read(ctx: Context) -> BillingSettings:
    """The settings as they are (None for one never set); no permission needed beyond a
    signed-in user, since claims and screens read them."""
    values = dict(ctx.session.execute(select(Setting.name, Setting.value)).all())
    return BillingSettings(taxonomy=values.get(TAXONOMY))


def get(ctx: Context) -> BillingSettings:
    """The settings, for a person looking at them."""
    ctx.require(READ)
    return read(ctx)


def set_taxonomy(ctx: Context, code: str | None) -> BillingSettings:
    """Set the practice's taxonomy code (an empty value clears it).

    Raises:
        PermissionDenied: without ``billing.manage``.
        ValidationError: a value that is not a taxonomy code.
    """
    ctx.require(MANAGE)
    value = parse_taxonomy(code)
    row = ctx.session.get(Setting, TAXONOMY)
    old = row.value if row is not None else None
    if value is None and row is not None:
        ctx.session.delete(row)
    elif value is not None and row is None:
        ctx.session.add(Setting(name=TAXONOMY, value=value, updated_at=ctx.now(), updated_by=ctx.user.username))
    elif value is not None:
        row.value, row.updated_at, row.updated_by = value, ctx.now(), ctx.user.username
    if old != value:
        ctx.audit("billing.setting.changed", "billing_setting", TAXONOMY, summary={"from": old, "to": value})
    ctx.session.flush()
    return read(ctx)


__all__ = ["TAXONOMY", "BillingSettings", "get", "parse_taxonomy", "read", "set_taxonomy"]
