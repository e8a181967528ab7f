"""``medoffice schedule export-ics`` and ``medoffice schedule export-fhir``.

The document goes to standard output, or to ``--output FILE`` with a one-line note on
stderr; ``--json`` then prints what was written as JSON. Each export is one audited unit
of work: the file is written (mode 0600) before its ``schedule.exported`` entry commits and
put in place after, so an export that could not be written is not audited as done.
"""

from __future__ import annotations

import click

from medoffice.core.cli import emit, export_operation, json_option
from medoffice.core.cli.params import RECORD_ID, FileToWrite

from ._lazy import on_first_use
from .booking import schedule

exports = on_first_use("exports")
fhir = on_first_use("fhir")

_output = click.option("--output", "-o", type=FileToWrite(),
                       help="Write to FILE (default: standard output).")
_first = click.option("--from", "first", required=True, help="First local day, YYYY-MM-DD.")
_last = click.option("--to", "last", required=True, help="Last local day, YYYY-MM-DD (at most a year after --from).")


def _deliver(text: str, output: str | None, summary: dict, *, as_json: bool, what: str,
             text_is_json: bool = False) -> None:
    if output:
        summary = {**summary, "output": output}
        if as_json:
            emit(summary, as_json=True)
        else:
            click.echo(f"exported {what} to {output}", err=True)
    elif as_json and not text_is_json:
        emit({**summary, "document": text}, as_json=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


@schedule.command("export-ics")
@click.option("--provider", "provider_id", type=RECORD_ID, required=True, help="The provider's staff id.")
@_first
@_last
@click.option("--include-cancelled", is_flag=True,
              help="Add cancelled appointments and no-shows, as STATUS:CANCELLED.")
@_output
@json_option
def export_ics(provider_id, first, last, include_cancelled, output, as_json) -> None:
    """A provider's appointments as an iCalendar file (RFC 5545)."""
    with export_operation(output) as (ctx, target):
        result = exports.calendar(ctx, provider_id, first, last, include_cancelled=include_cancelled)
        if target is not None:
            target.write(result.ics)
    summary = {"format": "ics", "provider_id": result.provider_id, "from": result.first.isoformat(),
               "to": result.last.isoformat(), "events": result.events}
    _deliver(result.ics, output, summary, as_json=as_json, what=f"{result.events} appointments of {result.provider}")


@schedule.command("export-fhir")
@click.option("--provider", "provider_id", type=RECORD_ID, help="Only this provider (staff id); default every provider.")
@_first
@_last
@click.option("--slot-type", help="The appointment type whose free slots are listed (default: the shortest).")
@_output
@json_option
def export_fhir(provider_id, first, last, slot_type, output, as_json) -> None:
    """The schedule as a FHIR R4 Bundle of Schedule, Slot and Appointment resources."""
    import json

    with export_operation(output) as (ctx, target):
        bundle = fhir.export_bundle(ctx, first, last, provider_id=provider_id, slot_type=slot_type)
        document = json.dumps(bundle, indent=2) + "\n"
        if target is not None:
            target.write(document)
    kinds: dict[str, int] = {}
    for entry in bundle.get("entry", []):
        kind = entry["resource"]["resourceType"]
        kinds[kind] = kinds.get(kind, 0) + 1
    summary = {"format": "fhir", "from": first, "to": last, "resources": kinds}
    _deliver(document, output, summary, as_json=as_json,
             what=f"{sum(kinds.values())} resources", text_is_json=True)
