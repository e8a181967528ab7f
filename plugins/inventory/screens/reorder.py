"""The reorder list: what is at or below its reorder point, what is on order, and the packs
that bring it back to par; ``d`` drafts one purchase order per preferred vendor (as
``medoffice inventory reorder draft``), ``r`` reads again. The list follows other terminals
(the ``inventory.stock``, ``inventory.orders`` and ``inventory.catalogue`` topics: a
:class:`~medoffice.ui.LiveListScreen`), the cursor staying on its item."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, Static

from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, LiveListScreen, may, message_of, run_call

from ..permissions import ORDER
from ..topics import CATALOGUE_TOPIC, ORDERS_TOPIC, STOCK_TOPIC


def _reorder_list(ctx) -> list[Any]:
    from ..orders import reorder_list

    return reorder_list(ctx)


def _draft(ctx) -> Any:
    from ..orders import draft_reorder

    return draft_reorder(ctx)


class ReorderScreen(LiveListScreen):
    """The reorder list.

    Args:
        host: the inventory plugin's host.
    """

    CSS_PATH = "stock_list.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "draft", "Draft orders", id="inventory.reorder.draft"),
        Binding("r", "reload", "Reload", id="inventory.reorder.reload"),
    ]

    TOPICS = (STOCK_TOPIC, ORDERS_TOPIC, CATALOGUE_TOPIC)
    LIST = "#reorder"
    STATUS = "#stock-title"

    def __init__(self, host: ScreenHost) -> None:
        super().__init__(host)
        self.drafted: Any = None
        self.drafting = False
        """A draft is being made: ``d`` typed again meanwhile does nothing (one press, one draft)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the reorder list…", id="stock-title", markup=False)
        yield DataTable(id="reorder", cursor_type="row", zebra_stripes=True)
        yield Static("", id="reorder-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Reorder"
        table = self.query_one("#reorder", DataTable)
        for label, width in (("SKU", 8), ("Item", 18), ("On hand", 7), ("Par", 5), ("On order", 8),
                             ("To order", 8), ("Vendor", 10)):
            table.add_column(label, width=width)

    def list_call(self) -> tuple[Any, ...]:
        return (_reorder_list,)

    def loaded(self, rows: list[Any]) -> None:
        if not self.is_attached:
            return
        wanted = self.highlighted()
        self.rows = rows
        table = self.query_one("#reorder", DataTable)
        table.clear()
        for row in rows:
            table.add_row(row.sku, row.item, Text(str(row.on_hand), justify="right"),
                          Text(str(row.par), justify="right"), Text(str(row.on_order), justify="right"),
                          f"{row.packs} {row.pack_unit}" if row.packs else "-", row.vendor or "(none)", key=row.sku)
        skus = [r.sku for r in rows]
        if wanted is not None and wanted.sku in skus:
            table.move_cursor(row=skus.index(wanted.sku))
        waiting = sum(1 for r in rows if r.packs)
        self.query_one("#stock-title", Static).update(
            f"{len(rows)} low, {waiting} to order" + ("  ·  d drafts one order per vendor"
                                                       if waiting and may(self.host, ORDER) else ""))

    def action_draft(self) -> None:
        if not may(self.host, ORDER):
            self.query_one("#reorder-status", Static).update("drafting orders needs inventory.order")
            return
        if self.drafting:
            return
        self.drafting = True
        run_call(self, self.host, _draft, done=self.drafted_orders, failed=self.draft_failed)

    def draft_failed(self, error: BaseException) -> None:
        self.drafting = False
        self.query_one("#reorder-status", Static).update(message_of(error))

    def drafted_orders(self, result: Any) -> None:
        self.drafting = False
        if not self.is_attached:
            return
        self.drafted = result
        said = [f"PO {o.id} to {o.vendor} ({len(o.lines)} line(s), {o.total:.2f})" for o in result.orders]
        text = ("Drafted " + "; ".join(said)) if said else "Nothing to order: what is low is on order already"
        if result.without_vendor:
            text += "  ·  order by hand: " + ", ".join(result.without_vendor)
        if result.task_id is not None:
            text += f"  ·  staff task {result.task_id}"
        self.query_one("#reorder-status", Static).update(text)
        self.load()

    def action_reload(self) -> None:
        self.load()


__all__ = ["ReorderScreen"]
