"""Staff identities: who works here, in which role, and providers' NPIs.

HR details (hiring, training, pay) belong to the staff plugin, which hears about every change
through ``medoffice_staff_changed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from ..context import Context
from ..errors import Conflict, NotFound, ValidationError
from ..records import StaffRecord
from ..storage.models import Staff, User
from ..validation import parse_npi, require_text
from .forms import FieldCollector

STAFF_FIELDS = ("name", "role", "is_provider", "npi", "active", "user")
"""``user`` links the staff member to the user name they sign in with (empty to unlink)."""


def _parse_bool(value: Any, *, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise ValidationError(f"{field.replace('_', ' ')} must be yes or no, got {value!r}", field=field)


def to_record(row: Staff) -> StaffRecord:
    return StaffRecord(row.id, row.name, row.role, row.is_provider, row.npi, row.active, row.user_id)


def _link_user(ctx: Context, values: dict[str, Any]) -> None:
    if "user" not in values:
        return
    username = values.pop("user")
    if not username:
        values["user_id"] = None
        return
    user_id = ctx.session.execute(select(User.id).where(User.username == username.strip().lower())).scalar_one_or_none()
    if user_id is None:
        raise NotFound(f"no user named {username!r}")
    values["user_id"] = user_id


def _validate(ctx: Context, values: dict[str, Any], row: Staff | None) -> None:
    is_provider = values.get("is_provider", row.is_provider if row else False)
    npi = values.get("npi", row.npi if row else None)
    if is_provider and not npi:
        raise ValidationError("a provider needs an NPI", field="npi")
    if npi:
        clash = ctx.session.execute(select(Staff.id).where(Staff.npi == npi)).scalar_one_or_none()
        if clash is not None and (row is None or clash != row.id):
            raise Conflict(f"NPI {npi} already belongs to another staff member")


def _parse(data: Mapping[str, Any], *, new: bool) -> dict[str, Any]:
    unknown = sorted(set(data) - set(STAFF_FIELDS))
    if unknown:
        raise ValidationError(f"unknown staff field(s): {', '.join(unknown)}")
    form = FieldCollector({k: v for k, v in data.items() if not (k == "npi" and not v)})
    if new:
        form.require("name", "role")
    form.field("name", require_text, max_length=160)
    form.field("role", require_text, max_length=60)
    form.field("is_provider", _parse_bool)
    form.field("active", _parse_bool)
    form.field("npi", parse_npi)
    values = form.done()
    if "user" in data:
        values["user"] = (data["user"] or "").strip()
    if "npi" in data and not data["npi"]:
        values["npi"] = None
    return values


def add(ctx: Context, data: Mapping[str, Any]) -> StaffRecord:
    ctx.require("staff.write")
    values = _parse(data, new=True)
    _link_user(ctx, values)
    _validate(ctx, values, None)
    row = Staff(**({"active": True, "is_provider": False} | values))
    ctx.session.add(row)
    ctx.session.flush()
    record = to_record(row)
    ctx.audit("staff.added", "staff", row.id, summary={"name": row.name, "role": row.role, "provider": row.is_provider})
    ctx.hooks.staff_changed(ctx, None, record)
    return record


def update(ctx: Context, staff_id: int, changes: Mapping[str, Any]) -> StaffRecord:
    ctx.require("staff.write")
    if not changes:
        raise ValidationError("nothing to change: give at least one field")
    values = _parse(changes, new=False)
    row = ctx.session.get(Staff, staff_id)
    if row is None:
        raise NotFound(f"no staff member with id {staff_id}")
    _link_user(ctx, values)
    _validate(ctx, values, row)
    before = to_record(row)
    diff = {k: [getattr(row, k), v] for k, v in values.items() if getattr(row, k) != v}
    for name, value in values.items():
        setattr(row, name, value)
    ctx.session.flush()
    after = to_record(row)
    ctx.audit("staff.updated", "staff", row.id, summary={"changed": diff})
    ctx.hooks.staff_changed(ctx, before, after)
    return after


def _everyone(ctx: Context) -> tuple[StaffRecord, ...]:
    """Every staff member, by name: set-up kept in memory between units of work (``ctx.cached``)."""
    return tuple(to_record(r) for r in ctx.session.execute(select(Staff).order_by(Staff.name, Staff.id)).scalars())


def get(ctx: Context, staff_id: int) -> StaffRecord:
    ctx.require("staff.read")
    for record in ctx.cached("core.staff", _everyone):
        if record.id == staff_id:
            return record
    raise NotFound(f"no staff member with id {staff_id}")


def list_staff(ctx: Context, *, providers_only: bool = False, include_inactive: bool = False) -> list[StaffRecord]:
    ctx.require("staff.read")
    return [r for r in ctx.cached("core.staff", _everyone)
            if (r.is_provider or not providers_only) and (r.active or include_inactive)]
