"""``medoffice practice …`` (details, locations, rooms) and ``medoffice staff …``."""

from __future__ import annotations

import click

from ._app import emit, json_option, operation, parse_assignments, say, table
from .params import RECORD_ID


@click.group()
def practice() -> None:
    """The practice's details, locations and rooms."""


@practice.command("show")
@json_option
def show(as_json: bool) -> None:
    """The practice's details with its locations and rooms."""
    with operation(write=False) as ctx:
        ctx.require("practice.read")
        record = ctx.practice

    def human(p: object) -> None:
        say(f"{record.name}  NPI {record.npi or '-'}  tax id {record.tax_id or '-'}  ({record.timezone})")
        if record.address.one_line():
            say(record.address.one_line())
        for loc in record.locations:
            say(f"  {loc.name}: {', '.join(r.name for r in loc.rooms) or 'no rooms'}")

    emit(record, as_json=as_json, human=human)


@practice.command("edit")
@click.option("--set", "changes", multiple=True, required=True, metavar="FIELD=VALUE",
              help="name, npi, tax_id, phone, timezone, address_line1, address_line2, city, state, postal_code, mrn_prefix")
def edit(changes: tuple[str, ...]) -> None:
    """Change the practice's details."""
    from ..services import practice as service

    with operation() as ctx:
        record = service.update(ctx, parse_assignments(changes))
    say(f"updated {record.name}")


@practice.command("add-location")
@click.argument("name")
@click.option("--phone", default="")
def add_location(name: str, phone: str) -> None:
    """Add a location (a site where patients are seen)."""
    from ..services import practice as service

    with operation() as ctx:
        service.add_location(ctx, name, phone=phone)
    say(f"added location {name}")


@practice.command("add-room")
@click.argument("location")
@click.argument("name")
def add_room(location: str, name: str) -> None:
    """Add a room to LOCATION."""
    from ..services import practice as service

    with operation() as ctx:
        service.add_room(ctx, location, name)
    say(f"added room {name} to {location}")


@click.group()
def staff() -> None:
    """Staff identities: who works here and which of them are providers."""


@staff.command("add")
@click.argument("name")
@click.option("--role", required=True, help="provider, front_desk, medical_assistant, billing, …")
@click.option("--provider", "is_provider", is_flag=True, help="Sees patients and bills under an NPI.")
@click.option("--npi", default="", help="Required for providers.")
@json_option
def add_staff(name: str, role: str, is_provider: bool, npi: str, as_json: bool) -> None:
    """Add a staff member."""
    from ..services import staff as service

    with operation() as ctx:
        record = service.add(ctx, {"name": name, "role": role, "is_provider": is_provider, "npi": npi})
    emit(record, as_json=as_json, human=lambda r: say(f"added staff #{r.id} {r.name}"))


@staff.command("list")
@click.option("--providers", is_flag=True, help="Only providers.")
@click.option("--all", "include_inactive", is_flag=True, help="Include inactive staff.")
@json_option
def list_staff(providers: bool, include_inactive: bool, as_json: bool) -> None:
    """Staff members by name."""
    from ..services import staff as service

    with operation(write=False) as ctx:
        found = service.list_staff(ctx, providers_only=providers, include_inactive=include_inactive)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(s.id, s.name, s.role, "yes" if s.is_provider else "", s.npi, "" if s.active else "inactive") for s in rows],
        ("id", "name", "role", "provider", "npi", "")))


@staff.command("edit")
@click.argument("staff_id", type=RECORD_ID)
@click.option("--set", "changes", multiple=True, required=True, metavar="FIELD=VALUE",
              help="name, role, is_provider, npi, active, user (the user name they sign in with)")
def edit_staff(staff_id: int, changes: tuple[str, ...]) -> None:
    """Change a staff member's details."""
    from ..services import staff as service

    with operation() as ctx:
        record = service.update(ctx, staff_id, parse_assignments(changes))
    say(f"updated staff #{record.id} {record.name}")
