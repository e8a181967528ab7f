"""``medoffice training …``: requirements per role, completions, and who is due."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, say, table
from medoffice.core.cli.params import RECORD_ID

from ._lazy import day_text, on_first_use

service = on_first_use("training")


@click.group()
def training() -> None:
    """Training requirements per role, completions, and who is overdue or due."""


def _roles(roles) -> str:
    return ", ".join("all" if r == "*" else r for r in roles)


def _requirement_line(r) -> None:
    say(f"training {r.id}: {r.name}, {r.recurrence}, for {_roles(r.roles)}"
        + ("" if r.active else " (retired)"))


@training.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, help="A staff role it applies to (repeat; all: everyone).")
@click.option("--every", "every_months", help="Months between completions (12 yearly); once if not given.")
@click.option("--within", "first_within_days", default="30", show_default=True,
              help="Days after the start (or after today, for staff already here) it is first due.")
@click.option("--description")
@json_option
def add(name: str, roles, every_months, first_within_days: str, description, as_json: bool) -> None:
    """Require the training NAME of the staff in the roles given."""
    with operation() as ctx:
        record = service.add_requirement(ctx, name, roles, every_months=every_months,
                                         first_within_days=first_within_days, description=description)
    emit(record, as_json=as_json, human=_requirement_line)


@training.command("list")
@click.option("--all", "include_retired", is_flag=True, help="Retired requirements too.")
@json_option
def list_(include_retired: bool, as_json: bool) -> None:
    """The training requirements."""
    with operation(write=False) as ctx:
        found = service.list_requirements(ctx, include_retired=include_retired)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(r.id, r.name, _roles(r.roles), r.recurrence, r.first_within_days, "" if r.active else "retired")
         for r in rows], ("id", "training", "roles", "recurrence", "first within days", "")))


@training.command("roles")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, help="A staff role (repeat; all: everyone).")
@json_option
def roles(name: str, roles, as_json: bool) -> None:
    """Set the roles the training NAME applies to."""
    with operation() as ctx:
        record = service.set_roles(ctx, name, roles)
    emit(record, as_json=as_json, human=_requirement_line)


@training.command("retire")
@click.argument("name")
@json_option
def retire(name: str, as_json: bool) -> None:
    """Stop requiring the training NAME (completions stay on file)."""
    with operation() as ctx:
        record = service.retire_requirement(ctx, name)
    emit(record, as_json=as_json, human=_requirement_line)


@training.command("complete")
@click.argument("staff_id", type=RECORD_ID)
@click.argument("name")
@click.option("--on", "on", help="The day completed (YYYY-MM-DD; today if not given).")
@click.option("--expires", help="When it expires (else the completion day plus the recurrence).")
@click.option("--certificate", help="The certificate's reference.")
@json_option
def complete(staff_id: int, name: str, on, expires, certificate, as_json: bool) -> None:
    """Record that STAFF_ID completed the training NAME."""
    with operation() as ctx:
        record = service.complete(ctx, staff_id, name, on=on, expires=expires, certificate=certificate)
    emit(record, as_json=as_json, human=lambda c: say(
        f"{c.staff} completed {c.requirement} on {c.completed_on}"
        + (f", expires {c.expires_on}" if c.expires_on else "")))


@training.command("completions")
@click.option("--staff", "staff_id", type=RECORD_ID, help="One staff member's.")
@click.option("--training", "requirement", help="One training's.")
@click.option("--mine", is_flag=True, help="Your own.")
@json_option
def completions(staff_id, requirement, mine: bool, as_json: bool) -> None:
    """Completions on file, latest first."""
    if mine and staff_id is not None:
        raise click.UsageError("give --staff or --mine, not both")
    with operation(write=False) as ctx:
        found = service.completions(ctx, staff_id=staff_id, requirement=requirement, mine=mine)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(c.id, c.staff, c.requirement, str(c.completed_on), day_text(c.expires_on), c.certificate or "")
         for c in rows], ("id", "staff", "training", "completed", "expires", "certificate")))


@training.command("due")
@click.option("--within", default="30", show_default=True, help="Days ahead that count as due.")
@click.option("--staff", "staff_id", type=RECORD_ID, help="One staff member.")
@click.option("--training", "requirement", help="One training.")
@click.option("--mine", is_flag=True, help="Your own.")
@click.option("--all", "include_ok", is_flag=True, help="Everyone's standing, those in order too.")
@json_option
def due(within: str, staff_id, requirement, mine: bool, include_ok: bool, as_json: bool) -> None:
    """Who is overdue or due within N days, per person and training, most overdue first."""
    if mine and staff_id is not None:
        raise click.UsageError("give --staff or --mine, not both")
    with operation(write=False) as ctx:
        found = service.standing(ctx, within=within, staff_id=staff_id, requirement=requirement, mine=mine,
                                 include_ok=include_ok)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(d.staff, d.requirement, day_text(d.last_completed), day_text(d.due_on), d.status,
          "" if d.days is None else (f"{-d.days} days ago" if d.days < 0 else f"in {d.days} days"))
         for d in rows], ("staff", "training", "last done", "due", "status", "when")))
