"""``medoffice waitlist add|list|remove|book|offers``.

Patients waiting for an earlier slot. A cancellation or a move away offers the freed time to
the entries that fit (see docs/scheduling.md#waitlist); ``offers`` lists them with the slot
offered, and ``book`` books the patient from their entry.
"""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, table
from medoffice.core.cli.params import RECORD_ID

from ._lazy import on_first_use

waitlist_service = on_first_use("waitlist")

STATUSES = ("open", "waiting", "offered", "booked", "removed", "all")


def _window(entry) -> str:
    return f"{entry.earliest_day} to {entry.latest_day}" if entry.latest_day else f"from {entry.earliest_day}"


def _show(verb: str):
    def human(entry) -> None:
        click.echo(f"{verb} waitlist entry {entry.id}: {entry.patient} ({entry.mrn}) for {entry.appointment_type}"
                   + (f" with {entry.provider}" if entry.provider_id is not None else "")
                   + (f" at {entry.location}" if entry.location else "")
                   + (f", {_window(entry)} ({entry.status})" if entry.status in ("waiting", "offered")
                      else f" ({entry.closed_reason or entry.status})"))
    return human


@click.group()
def waitlist() -> None:
    """Patients waiting for an earlier slot; offers when a cancellation frees one."""


@waitlist.command("add")
@click.argument("mrn")
@click.option("--type", "type_name", required=True, help="The appointment type's name.")
@click.option("--provider", "provider_id", type=RECORD_ID, help="Only this provider (staff id); default any.")
@click.option("--location", help="Only this location; default any.")
@click.option("--from", "earliest", help="First local day the patient can come, YYYY-MM-DD (default today).")
@click.option("--to", "latest", help="Last local day worth offering, YYYY-MM-DD (default: no end).")
@click.option("--note", help="For the front desk (\"mornings only\").")
@json_option
def add(mrn, type_name, provider_id, location, earliest, latest, note, as_json) -> None:
    """Put the patient with MRN on the waitlist."""
    with operation() as ctx:
        entry = waitlist_service.add(ctx, mrn, type_name, provider_id=provider_id, location=location,
                                     earliest=earliest, latest=latest, note=note)
    emit(entry, as_json=as_json, human=_show("added"))


@waitlist.command("list")
@click.option("--status", type=click.Choice(STATUSES), default="open", show_default=True,
              help="open is waiting and offered.")
@click.option("--type", "type_name", help="Only entries for this appointment type.")
@click.option("--provider", "provider_id", type=RECORD_ID, help="Only entries for this provider or any provider.")
@json_option
def list_(status, type_name, provider_id, as_json) -> None:
    """The waitlist, oldest entry first."""
    with operation(write=False) as ctx:
        found = waitlist_service.list_entries(ctx, status=status, appointment_type=type_name,
                                              provider_id=provider_id)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(e.id, e.patient, e.mrn, e.appointment_type, e.provider, e.location or "any", e.earliest_day,
          e.latest_day or "", e.status, e.offers, e.note) for e in rows],
        ("id", "patient", "mrn", "type", "provider", "location", "from", "to", "status", "offers", "note")))


@waitlist.command("offers")
@json_option
def offers(as_json) -> None:
    """Entries offered a freed slot, not yet booked or removed, with the slot offered."""
    with operation(write=False) as ctx:
        found = waitlist_service.offers(ctx)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(o.entry.id, o.entry.patient, o.entry.mrn, o.entry.appointment_type,
          f"{o.start:%a %Y-%m-%d %H:%M}-{o.end:%H:%M}" if o.start else "?", o.provider, o.location,
          f"{o.entry.offered_at:%Y-%m-%d %H:%M}", o.entry.offers) for o in rows],
        ("entry", "patient", "mrn", "type", "slot offered", "provider", "location", "offered at", "offers")))


@waitlist.command("remove")
@click.argument("entry_id", type=RECORD_ID)
@click.option("--reason", required=True, help="Why (kept with the entry and audited).")
@json_option
def remove(entry_id, reason, as_json) -> None:
    """Take the entry ENTRY_ID off the waitlist."""
    with operation() as ctx:
        entry = waitlist_service.remove(ctx, entry_id, reason)
    emit(entry, as_json=as_json, human=_show("removed"))


@waitlist.command("book")
@click.argument("entry_id", type=RECORD_ID)
@click.option("--at", "start", required=True, help="Local date and time, YYYY-MM-DD HH:MM.")
@click.option("--provider", "provider_id", type=RECORD_ID, help="The provider (staff id); default the entry's.")
@click.option("--room", help="A room at the location where the provider is available then.")
@click.option("--note", help="Why the patient comes (default the entry's note).")
@json_option
def book(entry_id, start, provider_id, room, note, as_json) -> None:
    """Book the patient of the entry ENTRY_ID and close the entry."""
    from .booking import _one

    with operation() as ctx:
        entry, record = waitlist_service.book(ctx, entry_id, start, provider_id=provider_id, room=room, note=note)
        view = _one(ctx, record)
    emit({"entry": entry, "appointment": view}, as_json=as_json, human=lambda _: click.echo(
        f"booked appointment {view.id} from waitlist entry {entry.id}: {view.patient} ({view.mrn}) with "
        f"{view.provider}, {view.start:%a %Y-%m-%d %H:%M}-{view.end:%H:%M} {view.appointment_type}"))
