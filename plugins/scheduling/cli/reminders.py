"""``medoffice appointments reminders``: a day's reminders as CSV or JSON, or sent.

Without ``--send`` the list goes to standard output (or ``--output FILE``) for an external
sender; with ``--send`` it goes to the delivery plugins, and the command reports how many
each sent. Either way it says how many appointments were left out because the patient
refused reminders: in the JSON, or on standard error beside a CSV (whose rows stay only
reminders, for the sender's parser).
"""

from __future__ import annotations

import json

import click

from medoffice.core.cli import emit, export_operation, json_option, operation
from medoffice.core.cli.params import FileToWrite

from ._lazy import on_first_use
from .booking import appointments

reminders_service = on_first_use("reminders")


@appointments.command("reminders")
@click.option("--day", help="The local day, YYYY-MM-DD (default: tomorrow in the practice's zone).")
@click.option("--format", "fmt", type=click.Choice(("csv", "json")), default="csv", show_default=True,
              help="The list's format (--json is --format json).")
@click.option("--output", "-o", type=FileToWrite(),
              help="Write the list to FILE (default: standard output).")
@click.option("--send", is_flag=True, help="Hand the reminders to the delivery plugins instead.")
@json_option
def reminders(day, fmt, output, send, as_json) -> None:
    """The reminders of the appointments of a day (tomorrow by default)."""
    if send:
        with operation() as ctx:
            delivery = reminders_service.send(ctx, day)
        emit(delivery, as_json=as_json, human=lambda d: click.echo(
            f"{d.reminders} reminders for {d.day}; sent: "
            + ", ".join(f"{plugin} {count}" for plugin, count in d.sent.items()) + _refused_note(d.refused)))
        return
    fmt = "json" if as_json else fmt
    with export_operation(output) as (ctx, target):  # audited as listed only with the file complete
        found = reminders_service.listed(ctx, day, fmt=fmt)
        text = (reminders_service.to_csv(ctx, found) if fmt == "csv" else
                json.dumps({"day": found.day.isoformat(), "refused": found.refused,
                            "reminders": reminders_service.rows(ctx, found)}, indent=2, ensure_ascii=False) + "\n")
        if target is not None:
            target.write(text)
    if output:
        click.echo(f"wrote {len(found.reminders)} reminders for {found.day} to {output}{_refused_note(found.refused)}",
                   err=True)
    else:
        click.echo(text, nl=False)
        if found.refused and fmt == "csv":
            click.echo(f"{len(found.reminders)} reminders for {found.day}{_refused_note(found.refused)}", err=True)


def _refused_note(refused: int) -> str:
    """How many were left out, when any were: ``; 1 left out (the patient refused reminders)``."""
    if not refused:
        return ""
    who = "patient" if refused == 1 else "patients"
    return f"; {refused} left out (the {who} refused reminders)"
