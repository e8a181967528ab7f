"""The purchase orders still open: the step after the reorder list drafts them. ``a`` approves
the selected draft (``inventory.approve``), ``s`` marks an approved order sent
(``inventory.order``), Enter opens receiving for a sent or partly received order
(``inventory.receive``), ``r`` reads again. The list follows other terminals (the
``inventory.orders`` and ``inventory.catalogue`` topics: a :class:`~medoffice.ui.LiveListScreen`),
the cursor staying on its order. The same services as ``medoffice inventory po approve|send``
and ``receive``."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, Static

from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, LiveListScreen, may, message_of, run_call

from ..permissions import APPROVE, ORDER, RECEIVE
from ..topics import CATALOGUE_TOPIC, ORDERS_TOPIC


def _open_orders(ctx) -> list[Any]:
    from ..orders import list_orders

    return list(reversed(list_orders(ctx, open_only=True)))


def _approve(ctx, order_id: int) -> Any:
    from ..orders import approve

    return approve(ctx, order_id)


def _send(ctx, order_id: int) -> Any:
    from ..orders import mark_sent

    return mark_sent(ctx, order_id)


def to_come(order: Any) -> str:
    """What is still to come, shortest first: ``2 SYR-3, 1 FLU``."""
    return ", ".join(f"{line.backordered} {line.sku}" for line in order.lines if line.backordered)


class PurchaseOrdersScreen(LiveListScreen):
    """The open purchase orders, oldest first (:attr:`rows`).

    Args:
        host: the inventory plugin's host.
    """

    CSS_PATH = "work_lists.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "receive", "Receive", id="inventory.orders.receive"),
        Binding("a", "approve", "Approve", id="inventory.orders.approve"),
        Binding("s", "send", "Mark sent", id="inventory.orders.send"),
        Binding("r", "reload", "Reload", id="inventory.orders.reload"),
    ]

    TOPICS = (ORDERS_TOPIC, CATALOGUE_TOPIC)
    LIST = "#orders"
    STATUS = "#orders-status"

    def __init__(self, host: ScreenHost) -> None:
        super().__init__(host)
        self.busy = False
        """A change is being made: a key typed again meanwhile does nothing (one press, one change)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the open orders…", id="orders-title", markup=False)
        yield DataTable(id="orders", cursor_type="row", zebra_stripes=True)
        yield Static("", id="orders-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Purchase orders"
        table = self.query_one("#orders", DataTable)
        for label, width in (("PO", 4), ("Vendor", 18), ("Status", 12), ("Total", 10), ("Lines", 5),
                             ("Still to come", 15)):
            table.add_column(label, width=width)

    def list_call(self) -> tuple[Any, ...]:
        return (_open_orders,)

    def loaded(self, orders: list[Any]) -> None:
        if not self.is_attached:
            return
        keep = self.highlighted()
        self.rows = orders
        table = self.query_one("#orders", DataTable)
        table.clear()
        for order in orders:
            table.add_row(str(order.id), order.vendor, order.status.replace("_", " "),
                          Text(f"{order.total:.2f}", justify="right"), Text(str(len(order.lines)), justify="right"),
                          to_come(order) if order.status != "draft" else "-", key=str(order.id))
        if keep is not None and any(o.id == keep.id for o in orders):
            table.move_cursor(row=table.get_row_index(str(keep.id)))
        drafts = sum(1 for o in orders if o.status == "draft")
        self.query_one("#orders-title", Static).update(
            f"{len(orders)} open order(s), {drafts} draft(s)  ·  a approve  s sent  Enter receive")

    def say(self, text: str) -> None:
        if self.is_attached:
            self.query_one("#orders-status", Static).update(text)

    def _change(self, permission: str, wanted: str, fn, verb: str) -> None:
        order = self.highlighted()
        if order is None or self.busy:
            return
        if not may(self.host, permission):
            self.say(f"{verb} an order needs {permission}")
            return
        if order.status != wanted:
            self.say(f"PO {order.id} is {order.status.replace('_', ' ')}, not {wanted}")
            return
        self.busy = True
        run_call(self, self.host, fn, order.id, done=self._changed, failed=self._failed)

    def _changed(self, order: Any) -> None:
        self.busy = False
        self.say(f"PO {order.id} to {order.vendor} is {order.status.replace('_', ' ')}")
        self.load()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self.say(message_of(error))

    def action_approve(self) -> None:
        self._change(APPROVE, "draft", _approve, "Approving")

    def action_send(self) -> None:
        self._change(ORDER, "approved", _send, "Marking sent")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_receive()

    def action_receive(self) -> None:
        from .receiving import ReceivingScreen

        order = self.highlighted()
        if order is None:
            return
        if not may(self.host, RECEIVE):
            self.say(f"receiving needs {RECEIVE}")
            return
        if order.status not in ("sent", "partially_received"):
            self.say(f"PO {order.id} is {order.status.replace('_', ' ')}: only a sent order is received")
            return
        self.host.push_screen(ReceivingScreen(self.host, order.id), lambda _: self.load())

    def action_reload(self) -> None:
        self.load()


__all__ = ["PurchaseOrdersScreen"]
