"""``medoffice appointments book-series`` and ``medoffice appointments cancel-series``.

A series is booked whole or not at all: every occurrence is checked first and, when any is
refused, the error names each refused occurrence with its reason and nothing is written
(``--skip-conflicts`` books the others; ``--dry-run`` only checks).
"""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, table
from medoffice.core.cli.params import RECORD_ID

from ._lazy import on_first_use
from .booking import AT_HELP, appointments

recurring = on_first_use("recurring")


def _series(result) -> None:
    if result.dry_run:
        head = f"checked a series of {len(result.occurrences)} (nothing written)"
    else:
        head = f"booked series {result.series_id}: {len(result.booked)} of {len(result.occurrences)} occurrences"
    click.echo(f"{head}: {result.patient} ({result.mrn}) with {result.provider}, {result.appointment_type}, "
               f"{'every ' + str(result.every) + ' ' if result.every > 1 else 'every '}"
               f"{('week' if result.frequency == 'weekly' else 'month') + ('s' if result.every > 1 else '')}")
    table([(o.number, f"{o.start:%a %Y-%m-%d %H:%M}", o.appointment_id or "",
            o.problem or ("free" if result.dry_run else "booked"), o.adjusted or "")
           for o in result.occurrences], ("#", "start", "appointment", "status", "note"))


@appointments.command("book-series")
@click.argument("mrn")
@click.option("--provider", "provider_id", type=RECORD_ID, required=True, help="The provider's staff id.")
@click.option("--type", "type_name", required=True, help="The appointment type's name.")
@click.option("--at", "start", required=True, help="The first occurrence. " + AT_HELP)
@click.option("--every", default="1", show_default=True, help="Every N weeks (or months).")
@click.option("--weeks/--monthly", "--weekly/--months", "weekly", default=True, show_default=True,
              help="Repeat every N weeks (default) or every N months on the same day of the month "
                   "(the month's last day when it has no such day).")
@click.option("--count", help="How many occurrences (at most 52).")
@click.option("--until", help="The last local day, YYYY-MM-DD (within two years).")
@click.option("--room", help="A room for every occurrence.")
@click.option("--note", help="Why the patient comes.")
@click.option("--skip-conflicts", is_flag=True, help="Book the free occurrences and report the others.")
@click.option("--dry-run", is_flag=True, help="Check every occurrence; write nothing.")
@json_option
def book_series(mrn, provider_id, type_name, start, every, weekly, count, until, room, note, skip_conflicts,
                dry_run, as_json) -> None:
    """Book the patient with MRN every N weeks or months, with a count or until a day."""
    with operation() as ctx:
        result = recurring.book_series(ctx, mrn, provider_id, type_name, start,
                                       frequency="weekly" if weekly else "monthly", every=every, count=count,
                                       until=until, room=room, note=note, skip_conflicts=skip_conflicts,
                                       dry_run=dry_run)
    emit(result, as_json=as_json, human=_series)


@appointments.command("cancel-series")
@click.argument("series_id", type=RECORD_ID)
@click.option("--from", "from_day", help="The first local day to cancel, YYYY-MM-DD (default today).")
@click.option("--reason", required=True, help="Why (kept with each appointment and audited).")
@json_option
def cancel_series(series_id, from_day, reason, as_json) -> None:
    """Cancel the booked appointments of the series SERIES_ID from a day on."""
    with operation() as ctx:
        result = recurring.cancel_series(ctx, series_id, reason, from_day=from_day)
    emit(result, as_json=as_json, human=lambda r: click.echo(
        f"cancelled {len(r.cancelled)} appointments of series {r.series_id} from {r.from_day}"
        + (": " + ", ".join(str(a.id) for a in r.cancelled) if r.cancelled else "")))
