"""Receiving a delivery against a sent purchase order, line by line, as the boxes are opened.

Each line shows what was ordered, what came before and what this delivery holds. Enter on a
line asks how many packs came (the packs still to come, to start with) and, for an item whose
lots are tracked, the lot number and its expiry; the answers are checked as they are given
(a new lot needs its expiry, a known lot keeps its own) and nothing is written yet. ``0``
takes a line out of the delivery. Ctrl+S receives it all at once, as
``medoffice inventory receive`` does: a short shipment leaves the rest on backorder (the
order stays open, partly received), and more than was ordered is received only once the
person confirms the over-shipment. The receipt books its one expense as any receipt does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import attrs
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static

from medoffice.core.ui import ScreenHost
from medoffice.ui import ChoiceDialog, DataTable, Field, FormDialog, Footer, message_of, run_call

ACCEPT_OVER = "Receive it all, over the order"
KEEP_TO_ORDER = "Go back and correct the count"


@attrs.frozen
class Counted:
    """One line of this delivery, as checked: packs, and the lot and its expiry if tracked."""

    sku: str
    packs: int
    lot: str | None = None
    expires: dt.date | None = None


def _order_and_lots(ctx, order_id: int) -> tuple[Any, dict[str, bool]]:
    from ..catalogue import get_item
    from ..orders import get_order

    order = get_order(ctx, order_id)
    return order, {line.sku: get_item(ctx, line.sku).tracks_lots for line in order.lines}


def check_line(ctx, sku: str, tracks_lots: bool, packs: str, lot: str = "", expires: str = "") -> Counted:
    """One line as typed, checked as receiving will check it (nothing written): whole packs,
    and for a tracked item its lot, with an expiry for a lot not seen before (a known lot keeps
    its own expiry)."""
    from sqlalchemy import select

    from medoffice.core import ValidationError
    from medoffice.core.validation import Fields, parse_date, require_text

    from ..catalogue import find_item
    from ..common import parse_quantity
    from ..models import MAX_CODE, Lot

    fields = Fields()
    count = fields.parse("packs", parse_quantity, packs, allow_zero=True)
    if not tracks_lots or count == 0:
        fields.done()
        return Counted(sku, count)
    number = fields.parse("lot", require_text, lot, max_length=MAX_CODE)
    known = None
    if number:
        item = find_item(ctx, sku)
        known = ctx.session.execute(select(Lot).where(Lot.item_id == item.id, Lot.lot_number == number)
                                    ).scalar_one_or_none()
    day = None
    if expires.strip():
        day = fields.parse("expires", parse_date, expires)
    elif known is None:
        fields.add("expires", "a new lot needs its expiry date (YYYY-MM-DD)")
    if known is not None and day is not None and known.expires_on and day != known.expires_on:
        fields.add("expires", f"lot {number} expires on {known.expires_on}, not {day}")
    fields.done()
    if day is None and known is not None:
        day = known.expires_on
    if count and number is None:
        raise ValidationError("the lot is required", field="lot")
    return Counted(sku, count, number, day)


def _receive(ctx, order_id: int, counted: list[Counted], accept_over: bool) -> Any:
    from ..receiving import receive

    return receive(ctx, order_id, {c.sku: c.packs for c in counted},
                   lots={c.sku: c.lot for c in counted if c.lot},
                   expires={c.sku: c.expires for c in counted if c.lot and c.expires}, accept_over=accept_over)


class ReceivingScreen(Screen[None]):
    """Receive one purchase order's delivery.

    Args:
        host: the inventory plugin's host.
        order_id: the sent (or partly received) order.
    """

    CSS_PATH = "work_lists.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "count_line", "Count line", id="inventory.receive.line"),
        Binding("ctrl+s", "post", "Receive", id="inventory.receive.post"),
        Binding("escape", "back", "Back", id="inventory.receive.back"),
    ]

    def __init__(self, host: ScreenHost, order_id: int) -> None:
        super().__init__()
        self.host = host
        self.order_id = order_id
        self.order: Any = None
        self.tracks: dict[str, bool] = {}
        self.counted: dict[str, Counted] = {}
        self.received: Any = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Loading purchase order {self.order_id}…", id="receive-title", markup=False)
        yield DataTable(id="receive-lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="receive-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Receive PO {self.order_id}"
        table = self.query_one("#receive-lines", DataTable)
        for label, width in (("SKU", 9), ("Item", 17), ("Ordered", 7), ("Came", 4), ("To come", 7),
                             ("Now", 4), ("Lot", 9), ("Expires", 10)):
            table.add_column(label, width=width)
        table.focus()
        self.load()

    def load(self) -> None:
        run_call(self, self.host, _order_and_lots, self.order_id, write=False, done=self.show,
                 failed=lambda error: self.say(message_of(error)))

    def show(self, loaded: tuple[Any, dict[str, bool]]) -> None:
        if not self.is_attached:
            return
        self.order, self.tracks = loaded
        self.refresh_lines()

    def refresh_lines(self) -> None:
        table = self.query_one("#receive-lines", DataTable)
        row = table.cursor_row
        table.clear()
        for line in self.order.lines:
            counted = self.counted.get(line.sku)
            table.add_row(line.sku, line.item, Text(str(line.packs), justify="right"),
                          Text(str(line.packs_received), justify="right"),
                          Text(str(line.backordered), justify="right"),
                          Text(str(counted.packs) if counted else "-", justify="right"),
                          (counted.lot or "") if counted else ("lot?" if self.tracks.get(line.sku) else ""),
                          str(counted.expires or "") if counted else "", key=line.sku)
        if 0 <= row < table.row_count:
            table.move_cursor(row=row)
        packs = sum(c.packs for c in self.counted.values())
        self.query_one("#receive-title", Static).update(
            f"PO {self.order.id} {self.order.vendor[:18]}, {self.order.status.replace('_', ' ')}: "
            f"{packs} pack(s) counted  ·  Enter: a line  ^S: receive")

    def say(self, text: str) -> None:
        if self.is_attached:
            self.query_one("#receive-status", Static).update(text)

    def selected_line(self) -> Any | None:
        if self.order is None or not self.order.lines:
            return None
        row = self.query_one("#receive-lines", DataTable).cursor_row
        return self.order.lines[row] if 0 <= row < len(self.order.lines) else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_count_line()

    def action_count_line(self) -> None:
        line = self.selected_line()
        if line is None or self.busy:
            return
        tracked = self.tracks.get(line.sku, False)
        before = self.counted.get(line.sku)
        fields = [Field("packs", f"{line.pack_unit}s", str(before.packs if before else line.backordered))]
        if tracked:
            fields += [Field("lot", "Lot", before.lot or "" if before else ""),
                       Field("expires", "Expires", str(before.expires or "") if before else "",
                             placeholder="YYYY-MM-DD")]

        def build(values: dict[str, Any]):
            return check_line, (line.sku, tracked, values["packs"], values.get("lot", ""),
                                values.get("expires", "")), {}

        self.host.push_screen(FormDialog(self.host, f"{line.sku} {line.item}: what came?", fields, build),
                              self.line_counted)

    def line_counted(self, counted: Counted | None) -> None:
        if counted is None:
            return
        if counted.packs:
            self.counted[counted.sku] = counted
        else:
            self.counted.pop(counted.sku, None)
        self.refresh_lines()
        table = self.query_one("#receive-lines", DataTable)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_post(self) -> None:
        if self.busy or self.order is None:
            return
        if not self.counted:
            self.say("nothing counted yet: Enter on each line that came")
            return
        over = [f"{c.sku} {c.packs - line.backordered} over" for line in self.order.lines
                if (c := self.counted.get(line.sku)) and c.packs > line.backordered]
        if over:
            self.host.push_screen(ChoiceDialog(f"More than ordered: {', '.join(over)}.", [ACCEPT_OVER, KEEP_TO_ORDER],
                                               current=KEEP_TO_ORDER),
                                  lambda answer: self._post(True) if answer == ACCEPT_OVER else None)
            return
        self._post(False)

    def _post(self, accept_over: bool) -> None:
        self.busy = True
        self.say("Receiving…")
        run_call(self, self.host, _receive, self.order_id, list(self.counted.values()), accept_over,
                 done=self.posted, failed=self.post_failed)

    def post_failed(self, error: BaseException) -> None:
        self.busy = False
        self.say(message_of(error))

    def posted(self, receipt: Any) -> None:
        self.busy = False
        self.received = receipt
        self.counted.clear()
        still = "" if receipt.order_status == "received" else ", the rest stays on backorder"
        booked = f", expense {receipt.expense_id}" if receipt.expense_id else ""
        self.say(f"Received {sum(line.packs for line in receipt.lines)} pack(s), {receipt.total:.2f}{booked}: "
                 f"PO {self.order_id} is {receipt.order_status.replace('_', ' ')}{still}")
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = ["ReceivingScreen"]
