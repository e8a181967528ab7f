"""``medoffice inventory reorder|po|receive|receipts …``."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, export_operation, json_option, operation, parse_assignments, say, table
from medoffice.core.cli.params import RECORD_ID, FileToWrite

from ._lazy import on_first_use
from ._root import inventory

orders = on_first_use("orders")
receiving = on_first_use("receiving")
order_pdf = on_first_use("order_pdf")

STATUSES = ("draft", "approved", "sent", "partially_received", "received", "closed", "cancelled")


@inventory.group("reorder")
def reorder_group() -> None:
    """What is at or below its reorder point, and draft orders to bring it back to par."""


@reorder_group.command("list")
@json_option
def reorder_list(as_json) -> None:
    """Low items: on hand, on order, and the packs that reach par."""
    with operation(write=False) as ctx:
        rows = orders.reorder_list(ctx)
    emit(rows, as_json=as_json, human=lambda rs: table(
        [(r.sku, r.item, r.on_hand, r.reorder_point, r.par, r.on_order, f"{r.packs} {r.pack_unit}",
          r.vendor or "(no vendor)") for r in rs],
        ("SKU", "ITEM", "ON HAND", "REORDER", "PAR", "ON ORDER", "TO ORDER", "VENDOR")))


@reorder_group.command("draft")
@json_option
def reorder_draft(as_json) -> None:
    """Draft one purchase order per preferred vendor for the reorder list (manager)."""
    with operation() as ctx:
        result = orders.draft_reorder(ctx)

    def human(r) -> None:
        for order in r.orders:
            say(f"purchase order {order.id} (draft) to {order.vendor}: {len(order.lines)} line(s), "
                f"{order.total:.2f}")
        if not r.orders:
            say("nothing to order: what is low is on order already")
        if r.without_vendor:
            say("no preferred vendor or pack price, order by hand: " + ", ".join(r.without_vendor))
        if r.task_id is not None:
            say(f"staff task {r.task_id}: see the reorder through (medoffice tasks show {r.task_id})")
    emit(result, as_json=as_json, human=human)


@inventory.group("po")
def po_group() -> None:
    """Purchase orders: draft, approve, send, print, close or cancel."""


def _order(o) -> None:
    say(f"purchase order {o.id} to {o.vendor}: {o.status.replace('_', ' ')}"
        + (f" ({o.end_reason})" if o.end_reason else ""))
    table([(line.sku, line.item, line.vendor_item_number or "", f"{line.packs} {line.pack_unit}/{line.pack_size}",
            f"{line.pack_price:.2f}", f"{line.total:.2f}", line.packs_received, line.backordered or "")
           for line in o.lines], ("SKU", "ITEM", "VENDOR ITEM", "ORDERED", "PRICE", "TOTAL", "RECEIVED", "TO COME"))
    say(f"total {o.total:.2f}")


@po_group.command("new")
@click.argument("vendor")
@click.option("--location", help="Deliver to this location (default: each item to its home).")
@click.option("--note")
@json_option
def po_new(vendor, location, note, as_json) -> None:
    """Draft an empty purchase order to VENDOR."""
    with operation() as ctx:
        done = orders.create_order(ctx, vendor, location=location, note=note)
    emit(done, as_json=as_json, human=lambda o: say(f"purchase order {o.id} (draft) to {o.vendor}"))


@po_group.command("line")
@click.argument("order_id", type=RECORD_ID)
@click.argument("item")
@click.argument("packs")
@click.option("--price", help="The pack price (default the item's, from its preferred vendor).")
@json_option
def po_line(order_id, item, packs, price, as_json) -> None:
    """Order PACKS packs of ITEM on the draft ORDER_ID (replaces its line)."""
    with operation() as ctx:
        done = orders.set_line(ctx, order_id, item, packs, pack_price=price)
    emit(done, as_json=as_json, human=_order)


@po_group.command("remove-line")
@click.argument("order_id", type=RECORD_ID)
@click.argument("item")
@json_option
def po_remove_line(order_id, item, as_json) -> None:
    """Take ITEM off the draft ORDER_ID."""
    with operation() as ctx:
        done = orders.remove_line(ctx, order_id, item)
    emit(done, as_json=as_json, human=_order)


def _step(name: str, verb, help_text: str, *, reason: str | None = None):
    @po_group.command(name, help=help_text)
    @click.argument("order_id", type=RECORD_ID)
    @json_option
    def step(order_id, as_json, **options) -> None:
        with operation() as ctx:
            done = getattr(orders, verb)(ctx, order_id, **options)
        emit(done, as_json=as_json, human=lambda o: say(
            f"purchase order {o.id} to {o.vendor}: {o.status.replace('_', ' ')}"))
    if reason == "required":
        step = click.option("--reason", required=True)(step)
    elif reason == "optional":
        step = click.option("--reason", help="Why, when backorders are given up.")(step)
    return step


_step("approve", "approve", "Approve the draft ORDER_ID (manager).")
_step("send", "mark_sent", "Mark the approved ORDER_ID as sent to the vendor.")
_step("cancel", "cancel", "Cancel ORDER_ID, which nothing was received against (manager).", reason="required")
_step("close", "close", "Close the received ORDER_ID; a partly received one needs --reason (manager).",
      reason="optional")


@po_group.command("list")
@click.option("--status", type=click.Choice(STATUSES))
@click.option("--open", "open_only", is_flag=True, help="Only orders not yet received, closed or cancelled.")
@json_option
def po_list(status, open_only, as_json) -> None:
    """Purchase orders, newest first."""
    with operation(write=False) as ctx:
        rows = orders.list_orders(ctx, status=status, open_only=open_only)
        zone = ctx.timezone
    emit(rows, as_json=as_json, human=lambda rs: table(
        [(o.id, o.created_at.astimezone(zone).date(), o.vendor, o.status.replace("_", " "), len(o.lines),
          f"{o.total:.2f}") for o in rs], ("ID", "DRAFTED", "VENDOR", "STATUS", "LINES", "TOTAL")))


@po_group.command("show")
@click.argument("order_id", type=RECORD_ID)
@json_option
def po_show(order_id, as_json) -> None:
    """The purchase order ORDER_ID with its lines and what is still to come."""
    with operation(write=False) as ctx:
        done = orders.get_order(ctx, order_id)
    emit(done, as_json=as_json, human=_order)


@po_group.command("print")
@click.argument("order_id", type=RECORD_ID)
@click.option("--csv", "as_csv", is_flag=True, help="The lines as CSV, for the vendor's portal.")
@click.option("--pdf", "as_pdf", is_flag=True, help="A PDF (needs --to).")
@click.option("--to", "path", type=FileToWrite(), help="Write it to this file instead of printing it.")
def po_print(order_id, as_csv, as_pdf, path) -> None:
    """The purchase order ORDER_ID as the vendor reads it (text, --csv or --pdf)."""
    if as_csv and as_pdf:
        raise click.UsageError("give one of --csv and --pdf")
    if as_pdf and not path:
        raise click.UsageError("--pdf writes a file: give it with --to")
    with export_operation(path, write=False) as (ctx, target):
        if as_pdf:
            data = order_pdf.render_pdf(ctx, order_id)
        else:
            data = orders.document_csv(ctx, order_id) if as_csv else orders.document_text(ctx, order_id)
        if target is not None:
            target.write(data)
    if path:
        say(f"wrote purchase order {order_id} to {path}")
    else:
        click.echo(data, nl=False)


@inventory.command("receive")
@click.argument("order_id", type=RECORD_ID)
@click.option("--item", "items", multiple=True, metavar="ITEM=PACKS", required=True,
              help="Packs of an item (SKU or name) that came (repeat).")
@click.option("--lot", "lots", multiple=True, metavar="ITEM=LOT", help="The lot of a lot-tracked item.")
@click.option("--expires", multiple=True, metavar="ITEM=YYYY-MM-DD", help="A new lot's expiry.")
@click.option("--on", "received_on", help="YYYY-MM-DD (default today).")
@click.option("--location", help="Put it all here (default: each item at its home).")
@click.option("--accept-over", is_flag=True, help="Accept more packs than ordered.")
@json_option
def receive(order_id, items, lots, expires, received_on, location, accept_over, as_json) -> None:
    """Receive a delivery against the sent purchase order ORDER_ID; books its expense once."""
    packs = parse_assignments(items, "--item")
    lot_numbers = parse_assignments(lots, "--lot")
    expiry = parse_assignments(expires, "--expires")
    with operation() as ctx:
        done = receiving.receive(ctx, order_id, packs, lots=lot_numbers, expires=expiry, received_on=received_on,
                                 location=location, accept_over=accept_over)

    def human(r) -> None:
        for line in r.lines:
            lot = f" lot {line.lot} expires {line.expires_on}" if line.lot else ""
            over = f" ({line.over} over the order)" if line.over else ""
            say(f"received {line.packs} pack(s) = {line.units} of {line.item}{lot}{over}")
        expense = f"expense {r.expense_id}" if r.expense_id else "no expense booked (billing is not enabled)"
        say(f"receipt {r.id} on purchase order {r.order_id}: {r.total:.2f}, {expense}; order "
            f"{r.order_status.replace('_', ' ')}")
        if r.backordered:
            say("still to come: " + ", ".join(f"{packs} x {sku}" for sku, packs in r.backordered))
    emit(done, as_json=as_json, human=human)


@inventory.group("receipts")
def receipts_group() -> None:
    """Deliveries received, and the expenses they booked."""


@receipts_group.command("list")
@click.option("--po", "order_id", type=RECORD_ID, help="Only this purchase order's.")
@json_option
def receipts_list(order_id, as_json) -> None:
    """Receipts, newest first."""
    with operation(write=False) as ctx:
        rows = receiving.list_receipts(ctx, order_id=order_id)
    emit(rows, as_json=as_json, human=lambda rs: table(
        [(r.id, r.received_on, r.order_id, r.vendor, f"{r.total:.2f}", r.expense_id or "-", r.received_by)
         for r in rs], ("ID", "RECEIVED", "PO", "VENDOR", "TOTAL", "EXPENSE", "BY")))


@receipts_group.command("book-expenses")
@json_option
def receipts_book(as_json) -> None:
    """Book the expense of each receipt made while billing was not enabled (once each)."""
    with operation() as ctx:
        booked = receiving.book_missing_expenses(ctx)
    emit([{"receipt_id": r, "expense_id": e} for r, e in booked], as_json=as_json, human=lambda rows: say(
        "; ".join(f"receipt {b['receipt_id']}: expense {b['expense_id']}" for b in rows) if rows
        else "every receipt has its expense"))
