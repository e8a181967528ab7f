"""``medoffice appointments …`` and ``medoffice schedule …``.

The commands parse arguments and print; the services do the rest. Times are typed and shown
in the practice's time zone. A domain error is one line on stderr with exit code 1, and
nothing is written.
"""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, say, table
from medoffice.core.cli.params import RECORD_ID

from ..vocabulary import PATIENT_KINDS, WEEKDAYS
from ._lazy import on_first_use

appointment_lists = on_first_use("appointment_lists")
booking = on_first_use("booking")
catalogue = on_first_use("catalogue")
slots = on_first_use("slots")
resources = on_first_use("resources")

AT_HELP = "Local date and time, YYYY-MM-DD HH:MM (the practice's time zone)."


def _show(verb: str):
    def human(view: appointment_lists.AppointmentView) -> None:
        click.echo(f"{verb} appointment {view.id}: {view.patient} ({view.mrn}) with {view.provider}, "
                   f"{view.start:%a %Y-%m-%d %H:%M}-{view.end:%H:%M} {view.appointment_type}"
                   + (f" at {view.location}" if view.location else "") + (f", room {view.room}" if view.room else "")
                   + (" [overbooked]" if view.overbooked else "") + f" ({view.status.replace('_', ' ')})")
    return human


def _one(ctx, record) -> appointment_lists.AppointmentView:
    return appointment_lists.view(ctx, record.id)


def _board(found: list[appointment_lists.AppointmentView], *, with_day: bool = False) -> None:
    table([(v.id, f"{v.start:%Y-%m-%d %H:%M}" if with_day else f"{v.start:%H:%M}", f"{v.end:%H:%M}", v.patient,
            v.mrn, v.provider, v.appointment_type, v.location, v.room, v.status.replace("_", " ")
            + (" (overbooked)" if v.overbooked else ""),
            "" if v.waiting_minutes is None else f"{v.waiting_minutes} min")
           for v in found],
          ("id", "start", "end", "patient", "mrn", "provider", "type", "location", "room", "status", "waited"))


@click.group()
def appointments() -> None:
    """Book, move and cancel appointments; check patients in and through the day."""


@appointments.command("book")
@click.argument("mrn")
@click.option("--provider", "provider_id", type=RECORD_ID, required=True, help="The provider's staff id.")
@click.option("--type", "type_name", required=True, help="The appointment type's name.")
@click.option("--at", "start", required=True, help=AT_HELP)
@click.option("--room", help="A room at the location where the provider is available then.")
@click.option("--note", help="Why the patient comes.")
@click.option("--overbook", "overbook_reason", metavar="REASON",
              help="Book even over a taken slot, for this reason (needs scheduling.overbook).")
@json_option
def book(mrn, provider_id, type_name, start, room, note, overbook_reason, as_json) -> None:
    """Book the patient with MRN."""
    with operation() as ctx:
        record = booking.book(ctx, mrn, provider_id, type_name, start, room=room, note=note,
                              overbook_reason=overbook_reason)
        view = _one(ctx, record)
    emit(view, as_json=as_json, human=_show("booked"))


@appointments.command("move")
@click.argument("appointment_id", type=RECORD_ID)
@click.option("--at", "start", required=True, help=AT_HELP)
@click.option("--provider", "provider_id", type=RECORD_ID, help="Move to another provider (staff id).")
@click.option("--room", help="A room at the new location.")
@click.option("--overbook", "overbook_reason", metavar="REASON", help="Move even over a taken slot, for this reason.")
@json_option
def move(appointment_id, start, provider_id, room, overbook_reason, as_json) -> None:
    """Reschedule the appointment APPOINTMENT_ID."""
    with operation() as ctx:
        record = booking.move(ctx, appointment_id, start, provider_id=provider_id, room=room,
                              overbook_reason=overbook_reason)
        view = _one(ctx, record)
    emit(view, as_json=as_json, human=_show("moved"))


@appointments.command("cancel")
@click.argument("appointment_id", type=RECORD_ID)
@click.option("--reason", required=True, help="Why (kept with the appointment and audited).")
@json_option
def cancel(appointment_id: int, reason: str, as_json: bool) -> None:
    """Cancel the appointment APPOINTMENT_ID, with a reason."""
    with operation() as ctx:
        record = booking.cancel(ctx, appointment_id, reason)
        view = _one(ctx, record)
    emit(view, as_json=as_json, human=_show("cancelled"))


@appointments.command("list")
@click.argument("mrn")
@json_option
def list_(mrn: str, as_json: bool) -> None:
    """The appointments of the patient with MRN, oldest first."""
    with operation(write=False) as ctx:
        found = appointment_lists.list_for_patient(ctx, mrn)
    emit(found, as_json=as_json, human=lambda rows: _board(rows, with_day=True))


@appointments.command("day")
@click.argument("day", required=False)
@click.option("--provider", "provider_id", type=RECORD_ID, help="Only this provider (staff id).")
@click.option("--location", help="Only this location.")
@json_option
def day(day: str | None, provider_id: int | None, location: str | None, as_json: bool) -> None:
    """The day board: DAY's appointments (YYYY-MM-DD, default today), by start time."""
    with operation(write=False) as ctx:
        date = day or ctx.local(ctx.now()).date()
        found = appointment_lists.day(ctx, date, provider_id=provider_id, location=location)
    emit(found, as_json=as_json, human=_board)


@appointments.command("slots")
@click.option("--type", "type_name", help="The appointment type's name (with --moving: the appointment's own).")
@click.option("--provider", "provider_id", type=RECORD_ID, help="Only this provider (staff id).")
@click.option("--from", "first", help="First day: YYYY-MM-DD, or as the desk says it (2w, 'in 2 weeks', +14, "
              "12/17, tue); default today.")
@click.option("--to", "last", help="Last day, YYYY-MM-DD (default 30 days after the first).")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--step", "step_minutes", type=click.IntRange(1, 1440), help="Minutes between slot starts "
              "(default: the type's duration).")
@click.option("--patient", "mrn", metavar="MRN", help="For this patient: leave out the times they are already "
              "booked (with any provider).")
@click.option("--moving", "moving", type=RECORD_ID, metavar="ID", help="Slots to move appointment ID "
              "to: its own time, room and equipment count as free (its type and patient unless given).")
@json_option
def slots_(type_name, provider_id, first, last, limit, step_minutes, mrn, moving, as_json) -> None:
    """The earliest free slots for an appointment type (or for moving an appointment)."""
    from ..day_jump import first_day

    if type_name is None and moving is None:
        raise click.UsageError("give --type, or --moving with the appointment to move")
    with operation(write=False) as ctx:
        if moving is not None:
            moved = appointment_lists.view(ctx, moving)
            type_name, mrn = type_name or moved.appointment_type, mrn or moved.mrn
        today = ctx.local(ctx.now()).date()
        start = first_day(first, today) if first else today
        found = slots.find_slots(ctx, type_name, start, last, provider_id=provider_id, limit=limit,
                                 step_minutes=step_minutes, patient=mrn, moving=moving)
        blocked = slots.blocked_words(ctx, provider_id, start, last) if provider_id is not None and not found \
            else None
    emit(found, as_json=as_json, human=lambda rows: table(
        [(f"{s.start:%a %Y-%m-%d %H:%M}", f"{s.end:%H:%M}", s.provider, s.provider_id, s.location) for s in rows],
        ("start", "end", "provider", "provider id", "location")))
    if blocked and not as_json:
        say(blocked)


@click.group()
def schedule() -> None:
    """Set up scheduling: appointment types and providers' weekly availability."""


@schedule.group("types")
def types() -> None:
    """Appointment types: name, length, colour, which patients."""


@types.command("add")
@click.argument("name")
@click.option("--minutes", required=True, help="How long it takes (whole minutes, above zero).")
@click.option("--colour", default="blue", show_default=True)
@click.option("--patients", "patient_kind", default="any", show_default=True, help=f"One of {', '.join(PATIENT_KINDS)}.")
@click.option("--providers", "provider_ids", metavar="IDS", help="Only these providers take it (staff ids, "
              "comma-separated; default every provider).")
@click.option("--needs-room", is_flag=True, help="It needs a free room of the location.")
@json_option
def types_add(name, minutes, colour, patient_kind, provider_ids, needs_room, as_json) -> None:
    """Add the appointment type NAME."""
    from .availability import parse_ids

    wanted = parse_ids(provider_ids, "--providers")
    with operation() as ctx:
        added = catalogue.add_type(ctx, name, minutes, colour=colour, patient_kind=patient_kind)
        if wanted:
            resources.set_type_providers(ctx, added.name, wanted)
        if needs_room:
            resources.set_type_needs(ctx, added.name, needs_room=True)
    emit(added, as_json=as_json, human=lambda t: click.echo(
        f"added appointment type {t.id}: {t.name}, {t.duration_minutes} min, {t.colour}, {t.patient_kind} patients"
        + (", needs a room" if needs_room else "") + (f", only providers {provider_ids}" if wanted else "")))


@types.command("list")
@json_option
def types_list(as_json: bool) -> None:
    """The appointment types, by name."""
    with operation(write=False) as ctx:
        found = catalogue.list_types(ctx)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(t.id, t.name, t.duration_minutes, t.colour, t.patient_kind) for t in rows],
        ("id", "name", "minutes", "colour", "patients")))


@schedule.group("templates")
def templates() -> None:
    """Providers' weekly availability: weekday, hours, location."""


@templates.command("add")
@click.option("--provider", "provider_id", type=RECORD_ID, required=True, help="The provider's staff id.")
@click.option("--weekday", required=True, help=f"One of {', '.join(WEEKDAYS)}.")
@click.option("--start", required=True, help="Local time, HH:MM.")
@click.option("--end", required=True, help="Local time, HH:MM (after the start).")
@click.option("--location", required=True, help="The location's name.")
@json_option
def templates_add(provider_id, weekday, start, end, location, as_json) -> None:
    """Make a provider available every week on a weekday, from start to end, at a location."""
    with operation() as ctx:
        added = catalogue.add_template(ctx, provider_id, weekday, start, end, location)
    emit(added, as_json=as_json, human=lambda t: click.echo(
        f"added availability {t.id}: {t.provider} {t.day_name} {t.start_time:%H:%M}-{t.end_time:%H:%M} at {t.location}"))


@templates.command("list")
@click.option("--provider", "provider_id", type=RECORD_ID, help="Only this provider (staff id).")
@json_option
def templates_list(provider_id, as_json) -> None:
    """Providers' weekly availability."""
    with operation(write=False) as ctx:
        found = catalogue.list_templates(ctx, provider_id)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(t.id, t.provider, t.provider_id, t.day_name, f"{t.start_time:%H:%M}", f"{t.end_time:%H:%M}", t.location)
         for t in rows], ("id", "provider", "provider id", "weekday", "start", "end", "location")))
