"""A provider's schedule as an iCalendar file (RFC 5545), and what every export shares.

One VEVENT per appointment that holds its slot (booked, arrived, in a room, completed;
overbooked ones included, since the provider sees those patients too). Cancelled
appointments and no-shows may be added as ``STATUS:CANCELLED``, so that a calendar that
imported them earlier drops them.

Choices, for the calendar that leaves the building:

- **Minimum necessary.** An exported calendar ends up on phones and in cloud calendars,
  outside the practice's control. ``SUMMARY`` holds the appointment type and the patient's
  initials only (``Check-up A.L.``): no name, no MRN, no date of birth, no note. ``LOCATION``
  is the practice's location (and room). The export is audited (``schedule.exported``).
- **Times in UTC** (``DTSTART:20260310T140000Z``), no ``VTIMEZONE``. Each event is a single
  instant range with no recurrence rule, so wall-clock semantics buy nothing; UTC is how the
  times are stored, is exact across daylight-saving changes (the repeated autumn hour is not
  ambiguous), and every client shows it in its own zone. A ``VTIMEZONE`` would repeat zone
  rules the client already has, and be wrong the day they change.
- **Stable identities.** ``UID`` is ``appointment-<id>@<practice-slug>``: re-importing a newer
  export updates events instead of duplicating them. ``SEQUENCE`` counts the appointment's
  revisions a calendar must see (moves, a cancellation or no-show, and the way back from
  one), kept on the appointment (``revision``), so it only ever grows; ``LAST-MODIFIED`` is
  its last change of any kind (``changed_at``); ``DTSTAMP`` is the time of the export
  (``METHOD:PUBLISH``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import attrs
from icalendar import Calendar, Event
from sqlalchemy import select

from medoffice.core import Context, NotFound, ValidationError
from medoffice.core import __version__ as medoffice_version
from medoffice.core.records import StaffRecord
from medoffice.core.services import staff
from medoffice.core.storage.models import Patient

from .models import ACTIVE_STATUSES, Appointment, AppointmentType
from .permissions import READ
from .timing import UTC, day_bounds, parse_date

MAX_DAYS = 366
"""The longest range an export or a report covers, in days."""

GONE_STATUSES = ("cancelled", "no_show")
"""Statuses exported as ``STATUS:CANCELLED`` when asked for."""

_CHUNK = 500


# -- what every export and report shares -------------------------------------------------------


def date_range(first: str | dt.date | None, last: str | dt.date | None) -> tuple[dt.date, dt.date]:
    """Local days ``first``…``last`` (``YYYY-MM-DD``), at most :data:`MAX_DAYS` of them.

    Raises:
        ValidationError: a missing or unreal day (30 February), the last before the first, a
            range over a year. Both days are checked before either is refused.
    """
    errors: dict[str, str] = {}
    days: dict[str, dt.date] = {}
    for field, value in (("from", first), ("to", last)):
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[field] = f"{field} is required (YYYY-MM-DD)"
            continue
        try:
            days[field] = parse_date(value, field=field)
        except ValidationError as error:
            errors[field] = error.message
    if errors:
        raise ValidationError.of_fields(errors)
    start, end = days["from"], days["to"]
    if end < start:
        raise ValidationError(f"the last day ({end}) is before the first ({start})", field="to")
    if (end - start).days >= MAX_DAYS:
        raise ValidationError(f"a range covers at most {MAX_DAYS} days, got {(end - start).days + 1}", field="to")
    return start, end


def utc_bounds(ctx: Context, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where local day ``first`` starts and local day ``last`` ends."""
    start, _ = day_bounds(first, ctx.timezone)
    _, end = day_bounds(last, ctx.timezone)
    return start, end


def provider_record(ctx: Context, provider_id: int | str) -> StaffRecord:
    """The provider with staff id ``provider_id``, active or not (past schedules outlive them).

    Raises:
        ValidationError: not a whole number, or staff who is not a provider.
        NotFound: no such staff member.
    """
    try:
        number = int(str(provider_id).strip()) if not isinstance(provider_id, bool) else None
    except ValueError:
        number = None
    if number is None:
        raise ValidationError(f"provider must be a staff id (a whole number), got {provider_id!r}", field="provider")
    try:
        found = staff.get(ctx, number)
    except NotFound:
        raise NotFound(f"no provider with staff id {number}") from None
    if not found.is_provider:
        raise ValidationError(f"{found.name} (staff id {number}) is not a provider", field="provider")
    return found


def practice_slug(name: str) -> str:
    """The practice's name as the right-hand side of a UID: ``Test Practice`` -> ``test-practice``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "medoffice"


def initials(first_name: str, last_name: str) -> str:
    """``Ann``, ``Lee`` -> ``A.L.``: all of the patient that an exported calendar shows."""
    return "".join(f"{part.strip()[0].upper()}." for part in (first_name, last_name) if part and part.strip())


def utc_text(moment: dt.datetime) -> str:
    """An instant as FHIR and JSON readers like it: ``2026-03-10T14:00:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def range_appointments(ctx: Context, first: dt.date, last: dt.date, *, provider_id: int | None,
                       statuses: Sequence[str]) -> list[tuple[Appointment, str]]:
    """Appointments with these statuses that start on local days ``first``…``last``, by start."""
    start, end = utc_bounds(ctx, first, last)
    query = (select(Appointment, AppointmentType.name)
             .join(AppointmentType, AppointmentType.id == Appointment.type_id)
             .where(Appointment.starts_at >= start, Appointment.starts_at < end, Appointment.status.in_(statuses)))
    if provider_id is not None:
        query = query.where(Appointment.provider_id == provider_id)
    return [tuple(r) for r in ctx.session.execute(query.order_by(Appointment.starts_at, Appointment.id))]


def location_text(ctx: Context, location_id: int | None, room_id: int | None) -> str | None:
    """``Main, Exam 1, 1 Elm St, Springfield, MA 01101``: the place, the room, the address."""
    for location in ctx.practice.locations:
        if location.id == location_id:
            room = next((r.name for r in location.rooms if r.id == room_id), None)
            address = location.address.one_line() if location.address.line1 or location.address.city else ""
            return ", ".join(part for part in (location.name, room, address) if part)
    return None


# -- iCalendar ---------------------------------------------------------------------------------


@attrs.frozen
class CalendarExport:
    """An iCalendar file: its text and how many events it holds."""

    provider_id: int
    provider: str
    first: dt.date
    last: dt.date
    events: int
    ics: str


def calendar(ctx: Context, provider_id: int | str, first: str | dt.date | None, last: str | dt.date | None, *,
             include_cancelled: bool = False) -> CalendarExport:
    """A provider's appointments starting on local days ``first``…``last`` as iCalendar text.

    Args:
        ctx: the operation (a write one: the export is audited).
        provider_id: the provider's staff id.
        first: the first local day, ``YYYY-MM-DD``.
        last: the last local day.
        include_cancelled: add cancelled appointments and no-shows as ``STATUS:CANCELLED``.

    Raises:
        PermissionDenied: without ``scheduling.read`` and ``patients.read`` (the initials).
        ValidationError: bad days, the last before the first, a range over a year.
        NotFound: no such provider.
    """
    ctx.require(READ)
    ctx.require("patients.read")
    start_day, end_day = date_range(first, last)
    who = provider_record(ctx, provider_id)
    statuses = ACTIVE_STATUSES + GONE_STATUSES if include_cancelled else ACTIVE_STATUSES
    rows = range_appointments(ctx, start_day, end_day, provider_id=who.id, statuses=statuses)
    names = _patient_names(ctx, {row.patient_id for row, _ in rows})
    now = ctx.now()
    slug = practice_slug(ctx.practice.name)

    cal = Calendar()
    cal.add("prodid", f"-//medoffice//scheduling {medoffice_version}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{who.name} ({ctx.practice.name})")
    for row, type_name in rows:
        event = Event()
        event.add("uid", f"appointment-{row.id}@{slug}")
        event.add("dtstamp", now)
        event.add("dtstart", row.starts_at)
        event.add("dtend", row.ends_at)
        event.add("summary", f"{type_name} {initials(*names.get(row.patient_id, ('', '')))}".strip())
        place = location_text(ctx, row.location_id, row.room_id)
        if place:
            event.add("location", place)
        gone = row.status in GONE_STATUSES
        event.add("status", "CANCELLED" if gone else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if gone else "OPAQUE")
        event.add("sequence", row.revision or 0)
        event.add("created", row.booked_at)
        event.add("last-modified", row.changed_at or row.booked_at)
        cal.add_component(event)
    text = cal.to_ical().decode("utf-8")
    ctx.audit("schedule.exported", "provider", who.id,
              summary={"format": "ics", "from": start_day.isoformat(), "to": end_day.isoformat(),
                       "events": len(rows), "include_cancelled": include_cancelled})
    return CalendarExport(who.id, who.name, start_day, end_day, len(rows), text)


def _patient_names(ctx: Context, patient_ids: set[int]) -> dict[int, tuple[str, str]]:
    """Patient id -> (first name, last name), a chunk of ids per query."""
    ids = sorted(patient_ids)
    found: dict[int, tuple[str, str]] = {}
    for index in range(0, len(ids), _CHUNK):
        query = select(Patient.id, Patient.first_name, Patient.last_name).where(
            Patient.id.in_(ids[index:index + _CHUNK]))
        found.update({pid: (first, last) for pid, first, last in ctx.session.execute(query)})
    return found
