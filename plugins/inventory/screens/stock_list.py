"""The stock list: every item's usable stock with LOW, EXPIRED and expiring-soon flags.

The same numbers as ``medoffice inventory stock list`` (and ``lots expiring``): one read of
the services, filtered on the screen, read again when any terminal changes stock (the
``inventory.stock`` topic). ``/`` searches by SKU or name (Escape goes back to the list),
``l`` shows only what is low, ``r`` reads again.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from medoffice.core import Context
from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, message_of, run_call

SOON_DAYS = 30


@attrs.frozen
class StockView:
    rows: tuple[Any, ...]
    expiring: frozenset[str]
    """SKUs with a lot in stock expiring within :data:`SOON_DAYS` days."""


def stock_view(ctx: Context) -> StockView:
    """What the screen shows, in one read."""
    from .. import lots, stock

    rows = tuple(stock.stock_levels(ctx))
    soon = frozenset(r.sku for r in lots.expiring(ctx, SOON_DAYS).rows)
    return StockView(rows, soon)


def flags(row: Any, expiring: frozenset[str]) -> Text:
    """``LOW``, ``EXPIRED`` and ``SOON`` as coloured words."""
    out = Text()
    for shown, style, on in (("LOW", "bold yellow", row.low), ("EXPIRED", "bold red", row.expired > 0),
                             ("SOON", "magenta", row.sku in expiring)):
        if on:
            out.append(("" if not out.plain else " ") + shown, style=style)
    return out


class StockListScreen(Screen[None]):
    """The stock list.

    Args:
        host: the inventory plugin's host.
    """

    CSS_PATH = "stock_list.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", key_display="/", id="inventory.stock.search"),
        Binding("l", "toggle_low", "Low only", id="inventory.stock.low"),
        Binding("r", "reload", "Reload", id="inventory.stock.reload"),
    ]

    def __init__(self, host: ScreenHost) -> None:
        super().__init__()
        self.host = host
        self.view: StockView | None = None
        self.low_only = False
        self.shown: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search by SKU or name (/)", id="stock-search")
        yield Static("Loading the stock…", id="stock-title", markup=False)
        yield DataTable(id="stock", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Stock"
        table = self.query_one("#stock", DataTable)
        for label, width in (("SKU", 9), ("Item", 23), ("On hand", 7), ("Unit", 5), ("Reorder", 7),
                             ("Flags", 14)):
            table.add_column(label, width=width)
        table.focus()
        self._live = self.host.watch(self, ["inventory.stock", "inventory.orders"], self.load)
        self.load()

    def on_unmount(self) -> None:
        live = getattr(self, "_live", None)
        if live is not None:
            live.stop()

    def load(self) -> None:
        run_call(self, self.host, stock_view, write=False, done=self.show,
                 failed=lambda error: self.query_one("#stock-title", Static).update(message_of(error)))

    def show(self, view: StockView) -> None:
        if not self.is_attached:
            return
        self.view = view
        self.refill()

    def refill(self) -> None:
        """The rows the search and the low-only switch let through."""
        if self.view is None:
            return
        needle = self.query_one("#stock-search", Input).value.strip().lower()
        self.shown = [r for r in self.view.rows
                      if (not self.low_only or r.low) and (not needle or needle in r.sku.lower()
                                                            or needle in r.name.lower())]
        table = self.query_one("#stock", DataTable)
        table.clear()
        for row in self.shown:
            table.add_row(row.sku, row.name, Text(str(row.on_hand), justify="right"), row.unit,
                          Text(str(row.reorder_point), justify="right"), flags(row, self.view.expiring), key=row.sku)
        low = sum(1 for r in self.view.rows if r.low)
        expired = sum(1 for r in self.view.rows if r.expired)
        parts = [f"{len(self.shown)} of {len(self.view.rows)} items", f"{low} low", f"{expired} with expired stock",
                 f"{len(self.view.expiring)} expiring within {SOON_DAYS} days"]
        if self.low_only:
            parts.append("low only (l)")
        self.query_one("#stock-title", Static).update("  ·  ".join(parts))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#stock", DataTable).focus()

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and self.focused is self.query_one("#stock-search", Input):
            event.stop()
            self.query_one("#stock", DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#stock-search", Input).focus()

    def action_toggle_low(self) -> None:
        self.low_only = not self.low_only
        self.refill()

    def action_reload(self) -> None:
        self.load()


__all__ = ["StockListScreen", "StockView", "stock_view"]
