"""Appointment reminders: the list of a day's reminders, and handing them to delivery plugins.

A reminder is due for every appointment that holds its slot (booked, arrived, in a room or
completed: not cancelled, not a no-show) and starts on the local day asked for, by default
the practice's next day. It carries the patient's name, phone, e-mail and preferred
language from the patient record, the provider, the type, the local start and the place.

The list goes out as CSV or JSON for an external sender, or, with :func:`send`, to every
plugin implementing ``medoffice_send_reminders`` (SMS, e-mail), each reporting which it sent.

A patient who refused reminders (``PatientRecord.reminders`` is False) is left out of the
list and of what delivery plugins receive; the list and the delivery say how many were left
out, so the office sees that nobody was simply forgotten.
"""

from __future__ import annotations

import datetime as dt

import attrs
from sqlalchemy import select

from medoffice.core import Conflict, Context, csvio
from medoffice.core.records import Reminder
from medoffice.core.services import patients, staff
from medoffice.core.validation import parse_date

from .models import ACTIVE_STATUSES, Appointment, AppointmentType
from .permissions import BOOK, READ
from .timing import day_bounds

PATIENTS_READ = "patients.read"
HOOK = "medoffice_send_reminders"

CSV_COLUMNS = ("appointment_id", "mrn", "first_name", "last_name", "phone", "email", "preferred_language",
               "provider", "appointment_type", "date", "time", "start", "location", "room")
"""The CSV's header; ``date`` and ``time`` are local, ``start`` is local ISO 8601 with its offset."""


@attrs.frozen
class ReminderList:
    """One day's reminders."""

    day: dt.date
    reminders: tuple[Reminder, ...]
    refused: int = 0
    """Appointments of the day left out because their patient refused reminders."""


@attrs.frozen
class Delivery:
    """What :func:`send` handed out and what each delivery plugin says it sent."""

    day: dt.date
    reminders: int
    sent: dict[str, int]
    """Plugin id -> how many reminders it sent."""
    refused: int = 0
    """Appointments left out because their patient refused reminders (never handed out)."""


def _day(ctx: Context, day: str | dt.date | None) -> dt.date:
    if day in (None, ""):
        return ctx.local(ctx.now()).date() + dt.timedelta(days=1)
    return parse_date(day, field="day")


def due(ctx: Context, day: str | dt.date | None = None) -> ReminderList:
    """The reminders for the appointments starting on local ``day`` (default: tomorrow),
    without those of patients who refused reminders (counted in ``refused``).

    Raises:
        PermissionDenied: without ``scheduling.read`` and ``patients.read``.
        ValidationError: a day that is not a real ``YYYY-MM-DD``.
    """
    ctx.require(READ)
    ctx.require(PATIENTS_READ)
    date = _day(ctx, day)
    start, end = day_bounds(date, ctx.timezone)
    rows = ctx.session.execute(
        select(Appointment, AppointmentType.name).join(AppointmentType, AppointmentType.id == Appointment.type_id)
        .where(Appointment.starts_at >= start, Appointment.starts_at < end, Appointment.status.in_(ACTIVE_STATUSES))
        .order_by(Appointment.starts_at, Appointment.id)).all()
    providers = {s.id: s.name for s in staff.list_staff(ctx, providers_only=True, include_inactive=True)}
    places = {loc.id: loc for loc in ctx.practice.locations}
    rooms = {room.id: room.name for loc in places.values() for room in loc.rooms}
    people = {}
    found = []
    refused = 0
    for row, type_name in rows:
        if row.patient_id not in people:
            people[row.patient_id] = patients.get_by_id(ctx, row.patient_id)
        person = people[row.patient_id]
        if not person.reminders:
            refused += 1
            continue
        found.append(Reminder(row.id, person.id, person.mrn, person.first_name, person.last_name, person.phone,
                              person.email, person.preferred_language, row.provider_id,
                              providers.get(row.provider_id, "?"), type_name, row.starts_at, row.ends_at,
                              places[row.location_id].name if row.location_id in places else None,
                              rooms.get(row.room_id)))
    return ReminderList(date, tuple(found), refused)


def rows(ctx: Context, reminders: ReminderList) -> list[dict[str, object]]:
    """One flat dict per reminder, in :data:`CSV_COLUMNS` order, times local."""
    found = []
    for r in reminders.reminders:
        local = ctx.local(r.start)
        found.append({"appointment_id": r.appointment_id, "mrn": r.mrn, "first_name": r.first_name,
                      "last_name": r.last_name, "phone": r.phone, "email": r.email,
                      "preferred_language": r.preferred_language, "provider": r.provider,
                      "appointment_type": r.appointment_type, "date": f"{local:%Y-%m-%d}", "time": f"{local:%H:%M}",
                      "start": local.isoformat(), "location": r.location, "room": r.room})
    return found


def to_csv(ctx: Context, reminders: ReminderList) -> str:
    """The reminders as CSV with a header (:data:`CSV_COLUMNS`); empty fields for no value,
    and cells a spreadsheet would evaluate escaped (:mod:`medoffice.core.csvio`: a phone
    ``+1 555 0100`` is written ``'+1 555 0100``; a program should read ``--format json``).

    .. versionchanged:: 1 cells escaped.
    """
    return csvio.text(CSV_COLUMNS, ([row[c] for c in CSV_COLUMNS] for row in rows(ctx, reminders)))


def listed(ctx: Context, day: str | dt.date | None = None, *, fmt: str = "csv") -> ReminderList:
    """:func:`due`, audited as ``reminders.listed`` (the list holds patients' contact details)."""
    found = due(ctx, day)
    ctx.audit("reminders.listed", "reminders", found.day.isoformat(),
              summary={"day": found.day.isoformat(), "count": len(found.reminders), "refused": found.refused,
                       "format": fmt})
    return found


def send(ctx: Context, day: str | dt.date | None = None) -> Delivery:
    """Hand the day's reminders to every delivery plugin (``medoffice_send_reminders``).

    Returns:
        How many reminders there were, how many each plugin sent (one that implements the
        hook and sent none counts 0) and how many were left out because the patient refused.

    Raises:
        PermissionDenied: without ``scheduling.book`` (and the rights of :func:`due`).
        Conflict: no enabled plugin delivers reminders; nothing is sent.
    """
    ctx.require(BOOK)
    found = due(ctx, day)
    plugins = ctx.hooks.implementers(HOOK)
    if not plugins:
        raise Conflict("no enabled plugin delivers reminders (none implements medoffice_send_reminders); "
                       "nothing sent: list them with --format csv or json for an external sender")
    given = {r.appointment_id for r in found.reminders}
    sent = dict.fromkeys(plugins, 0)
    if found.reminders:
        for plugin, result in ctx.hooks.collect(HOOK, ctx=ctx, reminders=found.reminders):
            ids = {item.appointment_id if isinstance(item, Reminder) else item for item in result or ()}
            sent[plugin] = len(ids & given)
    ctx.audit("reminders.sent", "reminders", found.day.isoformat(),
              summary={"day": found.day.isoformat(), "count": len(found.reminders), "refused": found.refused,
                       "sent": sent})
    return Delivery(found.day, len(found.reminders), sent, found.refused)
