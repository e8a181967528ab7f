"""``medoffice credentials …``: licences and certificates, expiry alerts, and overrides."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, say, table
from medoffice.core.cli.params import RECORD_ID

from ._lazy import day_text, on_first_use

service = on_first_use("credentials")


@click.group()
def credentials() -> None:
    """Staff licences and certificates: expiry alerts, and the block an expired required one puts on booking."""


def _table(rows) -> None:
    table([(c.id, c.staff, c.kind, c.issuer or "", c.number or "", day_text(c.expires_on),
            "yes" if c.required_for_work else "", c.alert, "BLOCKS" if c.blocks else
            (f"overridden to {c.override.until}" if c.override else "")) for c in rows],
          ("id", "staff", "kind", "issuer", "number", "expires", "required", "alert", ""))


def _line(c) -> None:
    say(f"credential {c.id}: {c.staff}, {c.label}" + (f", expires {c.expires_on}" if c.expires_on else "")
        + (", required for work" if c.required_for_work else "") + ("" if c.active else " (off file)")
        + (" - BLOCKS booking" if c.blocks else ""))


def _fields(function):
    for option in reversed([
        click.option("--number", help="The licence or certificate number."),
        click.option("--issuer", help="The issuing state or body (NY, DEA, AHA)."),
        click.option("--issued", "issued_on", help="Issued on (YYYY-MM-DD)."),
        click.option("--expires", "expires_on", help="Expires on (YYYY-MM-DD; valid through that day)."),
        click.option("--note"),
    ]):
        function = option(function)
    return function


@credentials.command("add")
@click.argument("staff_id", type=RECORD_ID)
@click.argument("kind")
@_fields
@click.option("--required", "required_for_work", is_flag=True,
              help="Work requires it: once expired, its holder cannot be booked.")
@json_option
def add(staff_id: int, kind: str, number, issuer, issued_on, expires_on, note, required_for_work: bool,
        as_json: bool) -> None:
    """Put a licence or certificate of KIND on file for STAFF_ID."""
    with operation() as ctx:
        record = service.add(ctx, staff_id, {"kind": kind, "number": number, "issuer": issuer,
                                             "issued_on": issued_on, "expires_on": expires_on, "note": note,
                                             "required_for_work": required_for_work})
    emit(record, as_json=as_json, human=_line)


@credentials.command("update")
@click.argument("credential_id", type=RECORD_ID)
@click.option("--kind")
@_fields
@click.option("--required", "required_for_work", type=click.Choice(["yes", "no"]), help="Whether work requires it.")
@json_option
def update(credential_id: int, kind, number, issuer, issued_on, expires_on, note, required_for_work,
           as_json: bool) -> None:
    """Change a credential (a renewal: the new --expires and --number)."""
    with operation() as ctx:
        record = service.update(ctx, credential_id, {"kind": kind, "number": number, "issuer": issuer,
                                                     "issued_on": issued_on, "expires_on": expires_on, "note": note,
                                                     "required_for_work": required_for_work})
    emit(record, as_json=as_json, human=_line)


@credentials.command("retire")
@click.argument("credential_id", type=RECORD_ID)
@json_option
def retire(credential_id: int, as_json: bool) -> None:
    """Take a credential off file (no longer held or needed)."""
    with operation() as ctx:
        record = service.retire(ctx, credential_id)
    emit(record, as_json=as_json, human=_line)


@credentials.command("list")
@click.option("--staff", "staff_id", type=RECORD_ID, help="One staff member's.")
@click.option("--mine", is_flag=True, help="Your own.")
@click.option("--all", "include_retired", is_flag=True, help="Those off file too.")
@json_option
def list_(staff_id, mine: bool, include_retired: bool, as_json: bool) -> None:
    """Credentials on file, by person and expiry, with their alert."""
    if mine and staff_id is not None:
        raise click.UsageError("give --staff or --mine, not both")
    with operation(write=False) as ctx:
        found = service.list_credentials(ctx, staff_id=staff_id, mine=mine, include_retired=include_retired)
    emit(found, as_json=as_json, human=_table)


@credentials.command("expiring")
@click.option("--within", default="90", show_default=True, help="Days ahead.")
@json_option
def expiring(within: str, as_json: bool) -> None:
    """The alerts: credentials expired or expiring within N days (steps of 90, 60, 30)."""
    with operation(write=False) as ctx:
        found = service.expiring(ctx, within=within)
    emit(found, as_json=as_json, human=_table)


@credentials.command("override")
@click.argument("credential_id", type=RECORD_ID)
@click.option("--reason", required=True, help="Why the holder may work meanwhile.")
@click.option("--until", required=True, help="The last day it holds (YYYY-MM-DD, at most 90 days ahead).")
@json_option
def override(credential_id: int, reason: str, until: str, as_json: bool) -> None:
    """Let the holder of an expired required credential be booked until a day (audited)."""
    with operation() as ctx:
        record = service.override(ctx, credential_id, reason=reason, until=until)
    emit(record, as_json=as_json, human=lambda o: say(
        f"override {o.id}: credential {o.credential_id} may be worked on until {o.until} ({o.reason})"))


@credentials.command("end-override")
@click.argument("override_id", type=RECORD_ID)
@json_option
def end_override(override_id: int, as_json: bool) -> None:
    """End an override before its day: the block is back."""
    with operation() as ctx:
        record = service.end_override(ctx, override_id)
    emit(record, as_json=as_json, human=lambda o: say(f"ended override {o.id} of credential {o.credential_id}"))


@credentials.command("overrides")
@click.option("--all", "include_past", is_flag=True, help="Ended and past ones too.")
@json_option
def overrides(include_past: bool, as_json: bool) -> None:
    """Overrides in force, latest first."""
    with operation(write=False) as ctx:
        found = service.overrides(ctx, include_past=include_past)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(o.id, o.credential_id, str(o.until), o.granted_by, o.reason, "ended" if o.ended_at else "")
         for o in rows], ("id", "credential", "until", "by", "reason", "")))
