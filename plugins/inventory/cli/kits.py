"""``medoffice inventory kits …``: the supplies each appointment type uses, what a visit drew,
and the shortages visits left."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, say, table
from medoffice.core.cli.params import RECORD_ID

from ._lazy import on_first_use
from ._root import inventory

kits = on_first_use("kits")
visit_supplies = on_first_use("visit_supplies")


def _lines(pairs: tuple[str, ...]) -> list[tuple[str, str]]:
    """``ITEM=QUANTITY`` arguments, in order, duplicates kept (the service refuses them)."""
    out = []
    for pair in pairs:
        item, sep, quantity = pair.rpartition("=")
        if not sep or not item.strip():
            raise click.BadParameter(f"expected ITEM=QUANTITY, got {pair!r}", param_hint="LINES")
        out.append((item.strip(), quantity.strip()))
    return out


def _kit(k) -> None:
    where = f", drawn from {k.location}" if k.location else ", each item from its home"
    say(f"{k.appointment_type}{where}")
    table([(line.sku, line.item, line.quantity, line.unit, "" if line.active else "RETIRED") for line in k.lines],
          ("SKU", "ITEM", "PER VISIT", "UNIT", ""))


@inventory.group("kits")
def kits_group() -> None:
    """Supply kits: what a visit of each appointment type draws from stock when it completes."""


@kits_group.command("list")
@json_option
def kits_list(as_json) -> None:
    """Every kit, by appointment type."""
    with operation(write=False) as ctx:
        rows = kits.list_kits(ctx)
    emit(rows, as_json=as_json, human=lambda rs: table(
        [(k.appointment_type, k.location or "(home)", ", ".join(f"{line.quantity} {line.sku}" for line in k.lines))
         for k in rs], ("APPOINTMENT TYPE", "FROM", "ITEMS")))


@kits_group.command("show")
@click.argument("appointment_type")
@json_option
def kits_show(appointment_type, as_json) -> None:
    """The kit of APPOINTMENT_TYPE, item by item."""
    with operation(write=False) as ctx:
        done = kits.get(ctx, appointment_type)
    emit(done, as_json=as_json, human=_kit)


@kits_group.command("define")
@click.argument("appointment_type")
@click.argument("lines", nargs=-1, required=True)
@click.option("--location", help="Draw everything from here (default: each item from its home location).")
@click.option("--note")
@json_option
def kits_define(appointment_type, lines, location, note, as_json) -> None:
    """Make or replace the kit of APPOINTMENT_TYPE (its name as scheduling shows it):
    LINES are ITEM=QUANTITY, e.g. SYR-3=1 FLU-VAX=1 ALC-PAD=2 (manager)."""
    pairs = _lines(lines)
    with operation() as ctx:
        done = kits.define(ctx, appointment_type, pairs, location=location, note=note)
    emit(done, as_json=as_json, human=_kit)


@kits_group.command("set")
@click.argument("appointment_type")
@click.argument("item")
@click.argument("quantity")
@json_option
def kits_set(appointment_type, item, quantity, as_json) -> None:
    """Change one ITEM of the kit to QUANTITY per visit; 0 takes it out (manager)."""
    with operation() as ctx:
        done = kits.set_line(ctx, appointment_type, item, quantity)
    emit(done, as_json=as_json, human=lambda k: _kit(k) if k.lines else say(f"{k.appointment_type}: kit removed"))


@kits_group.command("remove")
@click.argument("appointment_type")
@json_option
def kits_remove(appointment_type, as_json) -> None:
    """Delete the kit of APPOINTMENT_TYPE; past visits keep what they drew (manager)."""
    with operation() as ctx:
        done = kits.remove(ctx, appointment_type)
    emit(done, as_json=as_json, human=lambda k: say(f"{k.appointment_type}: kit removed"))


@kits_group.command("visit")
@click.argument("appointment_id", type=RECORD_ID)
@json_option
def kits_visit(appointment_id, as_json) -> None:
    """What the visit APPOINTMENT_ID drew from stock (net of returns), and what it lacked."""
    with operation(write=False) as ctx:
        done = visit_supplies.visit_draw(ctx, appointment_id)

    def human(d) -> None:
        say(f"visit {d.appointment_id} ({d.appointment_type}): {d.status}")
        table([(sku, lot or "", units) for sku, lot, units in d.taken], ("SKU", "LOT", "UNITS"))
        for s in d.shortages:
            say(f"short {s.short} {s.unit} {s.item} ({s.status})")
    emit(done, as_json=as_json, human=human)


def _shortages(rows, zone) -> None:
    table([(s.id, s.at.astimezone(zone).strftime("%Y-%m-%d"), s.appointment_id, s.appointment_type, s.sku, s.item, s.short, s.unit,
            s.location, s.status) for s in rows],
          ("ID", "DAY", "VISIT", "TYPE", "SKU", "ITEM", "SHORT", "UNIT", "FROM", "STATUS"))


@kits_group.command("shortages")
@click.option("--all", "include_closed", is_flag=True, help="Resolved, dismissed and cancelled ones too.")
@json_option
def kits_shortages(include_closed, as_json) -> None:
    """Supplies completed visits wanted and the stock could not give (open ones, oldest first)."""
    with operation(write=False) as ctx:
        rows = visit_supplies.shortages(ctx, include_closed=include_closed)
        zone = ctx.timezone
    emit(rows, as_json=as_json, human=lambda rs: _shortages(rs, zone))


@kits_group.command("resolve")
@click.argument("shortage_id", type=RECORD_ID)
@json_option
def kits_resolve(shortage_id, as_json) -> None:
    """Draw what the shortage SHORTAGE_ID lacked, now that stock is in (first expiry first)."""
    with operation() as ctx:
        done = visit_supplies.resolve(ctx, shortage_id)
    emit(done, as_json=as_json, human=lambda s: say(f"shortage {s.id}: drew {s.short} {s.unit} {s.item} for visit "
                                                    f"{s.appointment_id}"))


@kits_group.command("dismiss")
@click.argument("shortage_id", type=RECORD_ID)
@click.option("--reason", required=True, help="Why nothing will be drawn (used something else, counted since).")
@json_option
def kits_dismiss(shortage_id, reason, as_json) -> None:
    """Close the shortage SHORTAGE_ID without drawing, with a reason (manager)."""
    with operation() as ctx:
        done = visit_supplies.dismiss(ctx, shortage_id, reason)
    emit(done, as_json=as_json, human=lambda s: say(f"shortage {s.id}: dismissed"))
