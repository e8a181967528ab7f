"""``medoffice alerts …``: add, list and resolve a patient's alerts from the shell.

The commands only parse arguments and print: signing in, the unit of work and the
permission checks come from :func:`medoffice.core.cli.operation` and the service. A domain
error (bad input, unknown MRN, missing permission) reaches the user as one line on stderr
with exit code 1, the same as every core command.

The service (and with it SQLAlchemy) is imported inside each command, not at the top:
``medoffice --help`` imports this module to list the group, and must stay fast.
"""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, table
from medoffice.core.cli.params import RECORD_ID


@click.group()
def alerts() -> None:
    """Patient alerts: allergies, fall risk, interpreter needed."""


@alerts.command("add")
@click.argument("mrn")
@click.argument("text")
@click.option("--severity", default="warning", show_default=True, metavar="LEVEL",
              help="info, warning or critical.")
@json_option
def add(mrn: str, text: str, severity: str, as_json: bool) -> None:
    """Add an alert with TEXT to the patient with MRN."""
    from . import service

    with operation() as ctx:
        alert = service.add_alert(ctx, mrn, text, severity)
    emit(alert, as_json=as_json,
         human=lambda a: click.echo(f"added alert {a.id} for {a.mrn} ({a.severity})"))


@alerts.command("list")
@click.argument("mrn")
@click.option("--all", "include_resolved", is_flag=True, help="Include resolved alerts.")
@json_option
def list_(mrn: str, include_resolved: bool, as_json: bool) -> None:
    """The alerts of the patient with MRN, most urgent first."""
    from . import service

    with operation(write=False) as ctx:
        found = service.list_alerts(ctx, mrn, include_resolved=include_resolved)
        rows = [(a.id, a.severity, a.text, ctx.local(a.created_at).strftime("%Y-%m-%d %H:%M"), a.created_by,
                 f"{a.resolved_by} {ctx.local(a.resolved_at):%Y-%m-%d}" if a.resolved_at else "")
                for a in found]
    emit(found, as_json=as_json, human=lambda _: table(rows, ("id", "severity", "text", "added", "by", "resolved")))


@alerts.command("resolve")
@click.argument("alert_id", type=RECORD_ID)
def resolve(alert_id: int) -> None:
    """Mark the alert ALERT_ID resolved (it stays in the patient's history)."""
    from . import service

    with operation() as ctx:
        alert = service.resolve_alert(ctx, alert_id)
    click.echo(f"resolved alert {alert.id} for {alert.mrn}")
