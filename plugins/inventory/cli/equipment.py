"""``medoffice inventory equipment …``: assets, maintenance plans, the service log, what is due,
out of service and back, and the FHIR export."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, export_operation, json_option, operation, parse_assignments, say, table
from medoffice.core.cli.params import FileToWrite

from ._lazy import money, on_first_use
from ._root import inventory

equipment = on_first_use("equipment")
maintenance = on_first_use("equipment_maintenance")
equipment_fhir = on_first_use("equipment_fhir")


@inventory.group("equipment")
def equipment_group() -> None:
    """Equipment: assets, maintenance plans, the service log, what is due, out of service."""


def _given(**values):
    return {k: v for k, v in values.items() if v is not None}


def _asset_line(r) -> str:
    state = "in service" if r.in_service else f"OUT OF SERVICE ({r.out_reason})"
    if r.out_from is not None:
        state = f"in service until it goes OUT OF SERVICE on {r.out_from:%a %Y-%m-%d} ({r.out_reason})"
    if r.retired_at is not None:
        state = f"RETIRED ({r.retire_reason})"
    return f"asset {r.id}: {r.name}, {state}" + (f", next due {r.next_due}" if r.next_due else "")


@equipment_group.command("add")
@click.argument("name")
@click.option("--model")
@click.option("--serial")
@click.option("--location", help="Where it stands (an inventory location).")
@click.option("--vendor", help="The vendor it came from.")
@click.option("--bought", "purchased_on", metavar="YYYY-MM-DD", help="The purchase date.")
@click.option("--cost", "purchase_cost", help="What it cost, such as 4200.00.")
@click.option("--warranty-ends", metavar="YYYY-MM-DD")
@click.option("--resource", help="The name scheduling books it under, if appointments reserve it.")
@click.option("--note")
@json_option
def asset_add(name, as_json, **values) -> None:
    """Add the asset NAME (in service)."""
    with operation() as ctx:
        done = equipment.add_asset(ctx, {"name": name, **_given(**values)})
    emit(done, as_json=as_json, human=lambda r: say(_asset_line(r)))


@equipment_group.command("edit")
@click.argument("asset")
@click.option("--set", "pairs", multiple=True, metavar="FIELD=VALUE", required=True,
              help="A field to change (repeat): name, model, serial, location, vendor, purchased_on, "
                   "purchase_cost, warranty_ends, resource, note (an empty value clears it).")
@json_option
def asset_edit(asset, pairs, as_json) -> None:
    """Change the asset ASSET (its name or serial number)."""
    values = parse_assignments(pairs)
    with operation() as ctx:
        done = equipment.update_asset(ctx, asset, values)
    emit(done, as_json=as_json, human=lambda r: say(f"asset {r.id}: {r.name} changed"))


@equipment_group.command("list")
@click.option("--out-of-service", is_flag=True,
              help="Only the assets out of service today (not those going out on a day to come).")
@click.option("--retired", is_flag=True, help="Only the retired assets.")
@json_option
def asset_list(out_of_service, retired, as_json) -> None:
    """The assets the office keeps, by name, with their state and next maintenance (or the
    retired ones)."""
    with operation(write=False) as ctx:
        rows = equipment.list_assets(ctx, out_of_service=out_of_service, retired=retired)
    emit(rows, as_json=as_json, human=lambda rs: table(
        [(r.name, r.model or "", r.serial or "", r.location or "", _in_service(r), r.next_due or "",
          r.warranty_ends or "") for r in rs],
        ("NAME", "MODEL", "SERIAL", "LOCATION", "IN SERVICE", "NEXT DUE", "WARRANTY ENDS")))


def _in_service(r) -> str:
    """The list's IN SERVICE cell: ``yes``, ``out from 2026-01-08`` (a day to come), ``OUT``, ``RETIRED``."""
    if r.retired_at is not None:
        return "RETIRED"
    if r.out_from is not None:
        return f"out from {r.out_from:%Y-%m-%d}"
    return "yes" if r.in_service else "OUT"


@equipment_group.command("show")
@click.argument("asset")
@json_option
def asset_show(asset, as_json) -> None:
    """One asset: its details, maintenance plans, service log and history."""
    with operation(write=False) as ctx:
        found = {"asset": equipment.get_asset(ctx, asset), "plans": maintenance.plans(ctx, asset),
                 "log": maintenance.service_log(ctx, asset), "history": equipment.history(ctx, asset)}
        zone = ctx.timezone

    def human(data) -> None:
        r = data["asset"]
        table([(k, "" if v is None else v) for k, v in (
            ("name", r.name), ("model", r.model), ("serial", r.serial), ("location", r.location),
            ("vendor", r.vendor), ("bought", r.purchased_on), ("cost", money(r.purchase_cost)),
            ("warranty ends", r.warranty_ends), ("booked as", r.resource), ("note", r.note),
            ("in service", _service_state(r)))], ("FIELD", "VALUE"))
        click.echo("\nMaintenance plans:")
        table([(p.task, f"every {p.every_months} months", p.next_due, p.last_done or "never")
               for p in data["plans"]], ("TASK", "EVERY", "NEXT DUE", "LAST DONE"))
        click.echo("\nService log:")
        table([(s.done_on, s.task or "(repair)", s.done_by, s.work, money(s.cost)) for s in data["log"]],
              ("DONE ON", "TASK", "BY", "WORK", "COST"))
        if data["history"]:
            click.echo("\nHistory:")
            table([(e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), e.kind.replace("_", " "), e.by, e.reason)
                   for e in data["history"]], ("WHEN", "WHAT", "BY", "REASON"))
    emit(found, as_json=as_json, human=human)


def _service_state(r) -> str:
    """``show``'s in service line: ``yes``, ``no: REASON``, or ``yes, out of service from DAY (REASON)``."""
    if r.out_from is not None:
        return f"yes, out of service from {r.out_from:%a %Y-%m-%d} ({r.out_reason})"
    return "yes" if r.in_service else f"no: {r.out_reason}"


@equipment_group.group("plan")
def plan_group() -> None:
    """Maintenance plans: a task every so many months (calibration every 12, service every 6)."""


@plan_group.command("add")
@click.argument("asset")
@click.argument("task")
@click.option("--every", "every_months", required=True, metavar="MONTHS", help="How often, in months.")
@click.option("--due", metavar="YYYY-MM-DD", help="When it is first due (default today).")
@json_option
def plan_add(asset, task, every_months, due, as_json) -> None:
    """Plan TASK on ASSET every --every months."""
    with operation() as ctx:
        done = maintenance.add_plan(ctx, asset, task, every_months, due=due)
    emit(done, as_json=as_json, human=lambda r: say(
        f"{r.asset}: {r.task} every {r.every_months} months, next due {r.next_due}"))


@plan_group.command("change")
@click.argument("asset")
@click.argument("task")
@click.option("--every", "every_months", metavar="MONTHS", help="How often, in months.")
@click.option("--due", metavar="YYYY-MM-DD", help="Set the next due date.")
@json_option
def plan_change(asset, task, every_months, due, as_json) -> None:
    """Change how often TASK is done on ASSET, or when it is next due."""
    if every_months is None and due is None:
        raise click.UsageError("give --every or --due")
    with operation() as ctx:
        done = maintenance.change_plan(ctx, asset, task, every_months=every_months, due=due)
    emit(done, as_json=as_json, human=lambda r: say(
        f"{r.asset}: {r.task} every {r.every_months} months, next due {r.next_due}"))


@equipment_group.command("log")
@click.argument("asset")
@click.option("--work", required=True, help="What was done.")
@click.option("--task", help="The maintenance plan it fulfils (calibration, service…); none for a repair.")
@click.option("--by", "done_by", help="Who did it (default: the vendor).")
@click.option("--vendor", help="The vendor who did it.")
@click.option("--on", "done_on", metavar="YYYY-MM-DD", help="When (default today).")
@click.option("--cost", help="What it cost.")
@json_option
def service_log(asset, work, task, done_by, vendor, done_on, cost, as_json) -> None:
    """Log a service done on ASSET; for a plan's task, the next due date follows."""
    with operation() as ctx:
        done = maintenance.log_service(ctx, asset, work=work, task=task, done_by=done_by, vendor=vendor,
                                       done_on=done_on, cost=cost)
    emit(done, as_json=as_json, human=lambda r: say(
        f"logged {r.task or 'a repair'} on {r.asset} done {r.done_on} by {r.done_by}"
        + (f", next due {r.next_due}" if r.next_due else "")))


def _due_table(rows) -> None:
    table([(r.next_due, f"{-r.days} days overdue" if r.overdue else f"in {r.days} days", r.asset, r.task,
            r.location or "", r.last_done or "never", "" if r.in_service else "OUT OF SERVICE") for r in rows],
          ("DUE", "WHEN", "ASSET", "TASK", "LOCATION", "LAST DONE", ""))


@equipment_group.command("due")
@click.option("--days", default="30", show_default=True, help="Due within this many days.")
@json_option
def due_list(days, as_json) -> None:
    """Maintenance due within --days, and every overdue task, most overdue first."""
    with operation(write=False) as ctx:
        rows = maintenance.due(ctx, days)
    emit(rows, as_json=as_json, human=_due_table)


@equipment_group.command("overdue")
@json_option
def overdue_list(as_json) -> None:
    """Maintenance past its due date, most overdue first."""
    with operation(write=False) as ctx:
        rows = maintenance.overdue(ctx)
    emit(rows, as_json=as_json, human=_due_table)


@equipment_group.command("out")
@click.argument("asset")
@click.option("--reason", required=True, help="Why it cannot be used.")
@click.option("--from", "from_day", metavar="YYYY-MM-DD",
              help="Out of service from this day (default today): bookings before it stand.")
@json_option
def asset_out(asset, reason, from_day, as_json) -> None:
    """Put ASSET out of service: appointments needing it, from that day on, cannot be booked
    until it is back."""
    with operation() as ctx:
        done = equipment.set_in_service(ctx, asset, False, reason, from_day=from_day)
    emit(done, as_json=as_json, human=lambda r: say(_asset_line(r)))


@equipment_group.command("back")
@click.argument("asset")
@click.option("--reason", required=True, help="Why it can be used again (repaired, calibrated…).")
@json_option
def asset_back(asset, reason, as_json) -> None:
    """Put ASSET back in service."""
    with operation() as ctx:
        done = equipment.set_in_service(ctx, asset, True, reason)
    emit(done, as_json=as_json, human=lambda r: say(_asset_line(r)))


@equipment_group.command("retire")
@click.argument("asset")
@click.option("--reason", required=True, help="Why the office no longer keeps it (sold, scrapped, replaced).")
@json_option
def asset_retire(asset, reason, as_json) -> None:
    """Retire ASSET: it leaves the lists and what is due; its history stays."""
    with operation() as ctx:
        done = equipment.retire(ctx, asset, reason)
    emit(done, as_json=as_json, human=lambda r: say(_asset_line(r)))


@equipment_group.command("restore")
@click.argument("asset")
@json_option
def asset_restore(asset, as_json) -> None:
    """Keep the retired ASSET again."""
    with operation() as ctx:
        done = equipment.restore(ctx, asset)
    emit(done, as_json=as_json, human=lambda r: say(_asset_line(r)))


@equipment_group.command("export-fhir")
@click.option("--to", "path", type=FileToWrite(), help="Write the bundle to this file instead of printing it.")
def export_fhir(path) -> None:
    """The equipment as a FHIR R4 Bundle of Device resources."""
    import json

    with export_operation(path) as (ctx, target):
        document = json.dumps(equipment_fhir.export_bundle(ctx), indent=2) + "\n"
        if target is not None:
            target.write(document)
    if path:
        say(f"wrote the equipment to {path}")
    else:
        click.echo(document, nl=False)
