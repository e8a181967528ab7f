"""Appointments as the rest of the product sees them: from whichever plugin provides scheduling.

The patient card's appointments (when the provider shows none of its own), the dashboard's
day figures and the core's ``core.appointments`` report all read through the scheduling
role's service (:class:`~medoffice.core.domains.SchedulingService`), never through a
provider's tables, so they work unchanged when a practice swaps its scheduling plugin
(docs/architecture.md#roles). ``scheduling.read`` is the role's permission: every provider
declares it (the conformance check makes sure).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from ..errors import ValidationError
from ..records import APPOINTMENT_STATUSES, AppointmentRecord, DashboardCard, ReportResult

if TYPE_CHECKING:
    from ..context import Context
    from ..domains import SchedulingService

READ = "scheduling.read"
"""The scheduling role's permission: who may see appointments, whoever provides them."""

REPORT_DAYS = 92
"""The longest range the ``core.appointments`` report covers (a quarter)."""


@attrs.frozen
class AppointmentLine:
    """An appointment with its provider's name (the core's staff identity), for display."""

    appointment: AppointmentRecord
    provider: str


def scheduling(ctx: Context) -> SchedulingService:
    """The scheduling role's service, or a one-line refusal naming the way out."""
    service = ctx.role_service("scheduling")
    if service is None:
        raise ValidationError("no scheduling provider is enabled (see 'medoffice plugins list')")
    return service


def _lines(ctx: Context, found: list[AppointmentRecord]) -> list[AppointmentLine]:
    from ..storage.models import Staff

    ids = {a.provider_id for a in found}
    names = {}
    if ids:
        from sqlalchemy import select

        names = dict(ctx.session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(ids))).all())
    return [AppointmentLine(a, names.get(a.provider_id, f"staff {a.provider_id}")) for a in found]


def for_patient(ctx: Context, mrn: str) -> list[AppointmentLine]:
    """The patient's appointments, past and future, oldest first, with providers' names."""
    from . import patients

    ctx.require(READ)
    patient = patients.get(ctx, mrn)
    found = scheduling(ctx).patient_appointments(ctx, patient.id)
    return _lines(ctx, sorted(found, key=lambda a: (a.start, a.id)))


def for_day(ctx: Context, day: dt.date) -> list[AppointmentLine]:
    """One local day's appointments, by start time, with providers' names."""
    ctx.require(READ)
    return _lines(ctx, sorted(scheduling(ctx).day_appointments(ctx, day), key=lambda a: (a.start, a.id)))


# -- the core's report and dashboard card, both through the role --------------------------------


def _day(ctx: Context, text: str | None, default: dt.date, name: str) -> dt.date:
    if text is None or not text.strip():
        return default
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"--param {name}: {text!r} is not a date like 2026-03-01") from None


def report(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """``core.appointments``: each day's appointments by status, from the scheduling provider."""
    today = ctx.local(ctx.now()).date()
    first = _day(ctx, params.get("from"), today, "from")
    last = _day(ctx, params.get("to"), first, "to")
    if last < first:
        raise ValidationError(f"--param to={last} is before from={first}")
    if (last - first).days >= REPORT_DAYS:
        raise ValidationError(f"the report covers at most {REPORT_DAYS} days; {first} to {last} is longer")
    service = scheduling(ctx)
    rows = []
    day = first
    while day <= last:
        counts = Counter(a.status for a in service.day_appointments(ctx, day))
        rows.append((day.isoformat(), *(counts.get(s, 0) for s in APPOINTMENT_STATUSES), sum(counts.values())))
        day += dt.timedelta(days=1)
    provider = ctx.hooks.role_provider("scheduling") or "none"
    return ReportResult(f"Appointments {first} to {last}", ("day", *APPOINTMENT_STATUSES, "total"), rows,
                        notes=f"from the scheduling provider {provider!r}")


def dashboard_card(ctx: Context) -> DashboardCard | None:
    """Today's appointments and how many are done, for a user who may see appointments."""
    if not ctx.can(READ) or ctx.role_service("scheduling") is None:
        return None
    today = ctx.local(ctx.now()).date()
    found = scheduling(ctx).day_appointments(ctx, today)
    counts = Counter(a.status for a in found)
    held = len(found) - counts["cancelled"]
    detail = f"{counts['completed']} completed, {counts['no_show']} no-show, {counts['cancelled']} cancelled"
    return DashboardCard("Appointments today", str(held), detail,
                         severity="warning" if counts["no_show"] else "info")

