"""``medoffice inventory stock|use|lots|counts …``."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, say, table
from medoffice.core.cli.params import RECORD_ID

from ._lazy import money, on_first_use
from ._root import inventory

stock = on_first_use("stock")
lots = on_first_use("lots")
counts = on_first_use("counts")


def _change(as_json: bool, verb: str):
    def human(c) -> None:
        for m in c.movements:
            lot = f" lot {m.lot}" if m.lot else ""
            flag = " (below zero)" if m.below_zero else ""
            say(f"{m.kind} {m.quantity:+d} {c.unit} {c.item}{lot} at {m.location}{flag}")
        say(f"{c.item}: {c.on_hand} {c.unit} on hand after {verb}")
    return human


@inventory.command("use")
@click.argument("item")
@click.argument("quantity")
@click.option("--location", help="Where it was taken from (default the item's home).")
@click.option("--lot", help="A particular lot (default first expiry first).")
@click.option("--appointment", "appointment_id", type=RECORD_ID, help="The visit it was used in.")
@click.option("--reason")
@click.option("--below-zero", is_flag=True, help="Manager: record it though the books say there is not enough "
                                                 "(needs --reason).")
@json_option
def use(item, quantity, location, lot, appointment_id, reason, below_zero, as_json) -> None:
    """Record QUANTITY units of ITEM (its SKU or name) used; expired stock is refused."""
    with operation() as ctx:
        done = stock.use(ctx, item, quantity, location=location, lot=lot, reason=reason,
                         appointment_id=appointment_id, below_zero=below_zero)
    emit(done, as_json=as_json, human=_change(as_json, "use"))


@inventory.group("stock")
def stock_group() -> None:
    """Stock on hand, its ledger, and changing it: move, adjust, waste, return."""


@stock_group.command("list")
@click.option("--location", help="Only this location.")
@click.option("--search", help="Part of the SKU or name.")
@click.option("--low", "low_only", is_flag=True, help="Only items at or below their reorder point.")
@json_option
def stock_list(location, search, low_only, as_json) -> None:
    """Every item's usable and expired stock; LOW marks what to reorder."""
    with operation(write=False) as ctx:
        rows = stock.stock_levels(ctx, location=location, search=search, low_only=low_only)
    emit(rows, as_json=as_json, human=lambda rs: table(
        [(r.sku, r.name, r.on_hand, r.unit, r.expired or "", r.reorder_point, r.par, "LOW" if r.low else "",
          money(r.value)) for r in rs],
        ("SKU", "NAME", "ON HAND", "UNIT", "EXPIRED", "REORDER", "PAR", "", "VALUE")))


@stock_group.command("show")
@click.argument("item")
@json_option
def stock_show(item, as_json) -> None:
    """ITEM's stock per location and lot, first expiry first."""
    with operation(write=False) as ctx:
        done = stock.item_stock(ctx, item)

    def human(s) -> None:
        say(f"{s.item.sku} {s.item.name}: {s.on_hand} {s.item.unit} on hand")
        table([(r.location, r.lot or "", r.expires_on or "", r.on_hand, "EXPIRED" if r.expired else "",
                money(r.value)) for r in s.rows], ("LOCATION", "LOT", "EXPIRES", "ON HAND", "", "VALUE"))
    emit(done, as_json=as_json, human=human)


@stock_group.command("history")
@click.argument("item")
@click.option("--limit", default="50", show_default=True, help="How many movements.")
@json_option
def stock_history(item, limit, as_json) -> None:
    """ITEM's ledger: its last movements, newest first."""
    with operation(write=False) as ctx:
        rows = stock.history(ctx, item, limit=limit)
        zone = ctx.timezone
    emit(rows, as_json=as_json, human=lambda rs: table(
        [(r.id, r.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), r.kind, f"{r.quantity:+d}", r.location, r.lot or "",
          r.reference or "", r.reason or "", r.by) for r in rs],
        ("ID", "WHEN", "KIND", "QTY", "LOCATION", "LOT", "REFERENCE", "REASON", "BY")))


@stock_group.command("move")
@click.argument("item")
@click.argument("quantity")
@click.option("--to", "target", required=True, help="The location it goes to.")
@click.option("--from", "source", help="Where it comes from (default the item's home).")
@click.option("--lot")
@json_option
def stock_move(item, quantity, target, source, lot, as_json) -> None:
    """Move QUANTITY units of ITEM to another location, keeping their lots."""
    with operation() as ctx:
        done = stock.transfer(ctx, item, quantity, target, source=source, lot=lot)
    emit(done, as_json=as_json, human=_change(as_json, "the move"))


@stock_group.command("adjust")
@click.argument("item")
@click.option("--add", "added", help="Units found or brought in (opening stock).")
@click.option("--remove", "removed", help="Units missing.")
@click.option("--reason", required=True)
@click.option("--location")
@click.option("--lot", help="The lot (a new one needs --expires).")
@click.option("--expires", help="YYYY-MM-DD: a new lot's expiry.")
@click.option("--below-zero", is_flag=True, help="Let the removal take stock below zero.")
@json_option
def stock_adjust(item, added, removed, reason, location, lot, expires, below_zero, as_json) -> None:
    """Correct ITEM's stock by --add or --remove units, with a reason (manager)."""
    if (added is None) == (removed is None):
        raise click.UsageError("give exactly one of --add and --remove")
    change = added if added is not None else f"-{removed.strip()}" if removed.strip().isdigit() else removed
    with operation() as ctx:
        done = stock.adjust(ctx, item, change, reason, location=location, lot=lot, expires=expires,
                            below_zero=below_zero)
    emit(done, as_json=as_json, human=_change(as_json, "the adjustment"))


@stock_group.command("waste")
@click.argument("item")
@click.argument("quantity")
@click.option("--reason", required=True, help="Dropped, damaged, fridge out of range…")
@click.option("--location")
@click.option("--lot")
@json_option
def stock_waste(item, quantity, reason, location, lot, as_json) -> None:
    """Write off QUANTITY units of ITEM as waste (manager)."""
    with operation() as ctx:
        done = stock.waste(ctx, item, quantity, reason, location=location, lot=lot)
    emit(done, as_json=as_json, human=_change(as_json, "the write-off"))


@stock_group.command("return")
@click.argument("item")
@click.argument("quantity")
@click.option("--reason", required=True, help="A recall, a wrong item…")
@click.option("--location")
@click.option("--lot")
@json_option
def stock_return(item, quantity, reason, location, lot, as_json) -> None:
    """Send QUANTITY units of ITEM back to the vendor (manager)."""
    with operation() as ctx:
        done = stock.return_to_vendor(ctx, item, quantity, reason, location=location, lot=lot)
    emit(done, as_json=as_json, human=_change(as_json, "the return"))


@inventory.group("lots")
def lots_group() -> None:
    """Lots and expiry: what expires soon, what has expired, writing it off."""


def _lot_table(result) -> None:
    table([(r.expires_on, r.days_left, r.sku, r.item, r.lot, r.location, r.on_hand, r.unit, money(r.value))
           for r in result.rows], ("EXPIRES", "DAYS", "SKU", "ITEM", "LOT", "LOCATION", "ON HAND", "UNIT", "VALUE"))
    if result.total_value is not None and result.rows:
        say(f"value at cost: {result.total_value:.2f}")


@lots_group.command("expiring")
@click.option("--days", default="30", show_default=True, help="Within how many days: 30, 60, 90 or any up to 366.")
@json_option
def lots_expiring(days, as_json) -> None:
    """Lots in stock that expire within --days."""
    with operation(write=False) as ctx:
        result = lots.expiring(ctx, days)
    emit(result, as_json=as_json, human=_lot_table)


@lots_group.command("expired")
@json_option
def lots_expired(as_json) -> None:
    """Lots in stock past their expiry: they may not be used."""
    with operation(write=False) as ctx:
        result = lots.expired(ctx)
    emit(result, as_json=as_json, human=_lot_table)


@lots_group.command("write-off")
@json_option
def lots_write_off(as_json) -> None:
    """Take every expired lot out of stock (manager)."""
    with operation() as ctx:
        rows = lots.write_off_expired(ctx)
    emit(rows, as_json=as_json, human=lambda rs: say(
        f"wrote off {len(rs)} expired lot(s): " + ", ".join(f"{r.on_hand} {r.unit} {r.item} lot {r.lot}" for r in rs)
        if rs else "nothing has expired"))


@inventory.group("counts")
def counts_group() -> None:
    """Stock counts: count a location, post the differences as adjustments."""


def _count(c) -> None:
    say(f"count {c.id} of {c.location}: {c.status}")
    table([(r.sku, r.item, r.lot or "", r.expected, "" if r.counted is None else r.counted,
            "" if r.variance is None else f"{r.variance:+d}") for r in c.lines],
          ("SKU", "ITEM", "LOT", "BOOKS", "COUNTED", "VARIANCE"))


@counts_group.command("start")
@click.argument("location")
@json_option
def count_start(location, as_json) -> None:
    """Start counting LOCATION: lists what the books say is there."""
    with operation() as ctx:
        done = counts.start(ctx, location)
    emit(done, as_json=as_json, human=_count)


@counts_group.command("record")
@click.argument("count_id", type=RECORD_ID)
@click.argument("item")
@click.argument("counted")
@click.option("--lot")
@json_option
def count_record(count_id, item, counted, lot, as_json) -> None:
    """COUNTED units of ITEM (in --lot) were found on the count COUNT_ID."""
    with operation() as ctx:
        done = counts.record(ctx, count_id, item, counted, lot=lot)
    emit(done, as_json=as_json, human=lambda c: say(f"count {c.id}: recorded {counted} of {item}"))


@counts_group.command("show")
@click.argument("count_id", type=RECORD_ID)
@json_option
def count_show(count_id, as_json) -> None:
    """The count COUNT_ID, line by line."""
    with operation(write=False) as ctx:
        done = counts.get(ctx, count_id)
    emit(done, as_json=as_json, human=_count)


@counts_group.command("post")
@click.argument("count_id", type=RECORD_ID)
@json_option
def count_post(count_id, as_json) -> None:
    """Post the count's differences from the books as adjustments (manager)."""
    with operation() as ctx:
        done = counts.post(ctx, count_id)
    emit(done, as_json=as_json, human=_count)


@counts_group.command("cancel")
@click.argument("count_id", type=RECORD_ID)
@json_option
def count_cancel(count_id, as_json) -> None:
    """Drop an open count without posting."""
    with operation() as ctx:
        done = counts.cancel(ctx, count_id)
    emit(done, as_json=as_json, human=lambda c: say(f"count {c.id} cancelled"))
