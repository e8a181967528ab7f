"""The stock list: every item's usable stock with LOW, EXPIRED, expiring-soon and SHORT flags.

The same numbers as ``medoffice inventory stock list`` (and ``lots expiring``): one read of
the services, filtered on the screen, read again when any terminal changes stock or the
catalogue (the ``inventory.stock`` and ``inventory.catalogue`` topics: a
:class:`~medoffice.ui.LiveListScreen`), the cursor staying on its item. ``/`` searches by SKU
or name (Escape goes back to the list),
``l`` shows only what is low, ``r`` reads again, ``u`` records units of the chosen item used
at the desk (``stock.use``, as ``medoffice inventory use``: first expiry first, refused in
one line when there is not enough usable stock).
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, Input, Static

from medoffice.core import Context
from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, LiveListScreen, run_call

from ..topics import CATALOGUE_TOPIC, STOCK_TOPIC

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


FLAGS_WIDTH = 18
"""The Flags column at its widest: all four flags fit, ``EXPIRED`` shortened to ``EXP``."""
NAME_AND_FLAGS = 38
"""The Item and Flags columns share this width: Flags takes what the longest flags shown
need, Item the rest (80 columns with a scrollbar)."""
FLAGS = (("LOW", "LOW", "bold yellow"), ("EXPIRED", "EXP", "bold red"), ("SOON", "SOON", "magenta"),
         ("SHORT", "SHORT", "bold red"))


def flags(row: Any, expiring: frozenset[str]) -> Text:
    """``LOW``, ``EXPIRED``, ``SOON`` and ``SHORT`` (visits' kits lacked it) as coloured words,
    in at most :data:`FLAGS_WIDTH` columns (``EXP`` for ``EXPIRED`` when all four are up)."""
    on = [(word, short, style) for (word, short, style), up in zip(FLAGS, (
        row.low, row.expired > 0, row.sku in expiring, row.short > 0)) if up]
    words = [word for word, _, _ in on]
    if len(" ".join(words)) > FLAGS_WIDTH:
        words = [short for _, short, _ in on]
    out = Text()
    for word, (_, _, style) in zip(words, on):
        out.append(("" if not out.plain else " ") + word, style=style)
    return out


class StockListScreen(LiveListScreen):
    """The stock list.

    Args:
        host: the inventory plugin's host.

    Attributes:
        view: everything read (None until first read); :attr:`rows` holds the items shown
            (the search and the low-only switch let them through).
    """

    CSS_PATH = "stock_list.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", key_display="/", id="inventory.stock.search"),
        Binding("l", "toggle_low", "Low only", id="inventory.stock.low"),
        Binding("r", "reload", "Reload", id="inventory.stock.reload"),
        Binding("u", "use", "Use", id="inventory.stock.use"),
    ]

    TOPICS = (STOCK_TOPIC, CATALOGUE_TOPIC)
    LIST = "#stock"
    STATUS = "#stock-title"

    def __init__(self, host: ScreenHost) -> None:
        super().__init__(host)
        self.view: StockView | None = None
        self.low_only = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search by SKU or name (/)", id="stock-search")
        yield Static("Loading the stock…", id="stock-title", markup=False)
        yield DataTable(id="stock", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Stock"
        table = self.query_one("#stock", DataTable)
        self._columns(table, len("Flags"))

    @staticmethod
    def _columns(table: DataTable, longest_flags: int) -> None:
        """The columns, Flags as wide as ``longest_flags`` needs and Item the rest of their share."""
        wide = min(max(longest_flags, len("Flags")), FLAGS_WIDTH)
        for label, width in (("SKU", 9), ("Item", NAME_AND_FLAGS - wide), ("On hand", 7), ("Unit", 5),
                             ("Reorder", 7), ("Flags", wide)):
            table.add_column(label, width=width)

    def list_call(self) -> tuple[Any, ...]:
        return (stock_view,)

    def loaded(self, view: StockView) -> None:
        if not self.is_attached:
            return
        self.view = view
        self.refill()

    def refill(self) -> None:
        """The rows the search and the low-only switch let through, the cursor on the item it
        was on while that is still shown."""
        if self.view is None:
            return
        wanted = self.highlighted()
        needle = self.query_one("#stock-search", Input).value.strip().lower()
        shown = [r for r in self.view.rows
                 if (not self.low_only or r.low) and (not needle or needle in r.sku.lower()
                                                       or needle in r.name.lower())]
        table = self.query_one("#stock", DataTable)
        shown_flags = [flags(row, self.view.expiring) for row in shown]
        table.clear(columns=True)
        self._columns(table, max((len(f.plain) for f in shown_flags), default=0))
        for row, flagged in zip(shown, shown_flags):
            table.add_row(row.sku, row.name, Text(str(row.on_hand), justify="right"), row.unit,
                          Text(str(row.reorder_point), justify="right"), flagged, key=row.sku)
        self.rows = shown
        skus = [r.sku for r in shown]
        if wanted is not None and wanted.sku in skus:
            table.move_cursor(row=skus.index(wanted.sku))
        low = sum(1 for r in self.view.rows if r.low)
        expired = sum(1 for r in self.view.rows if r.expired)
        short = sum(1 for r in self.view.rows if r.short)
        parts = [f"{len(shown)} of {len(self.view.rows)} items", f"{low} low", f"{expired} with expired stock",
                 f"{len(self.view.expiring)} expiring within {SOON_DAYS} days"]
        if short:
            parts.append(f"{short} short")
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

    def action_use(self) -> None:
        """Ask how many units of the item under the cursor were used, and record them."""
        from medoffice.ui import ReasonDialog

        row = self.highlighted()
        if row is None:
            return

        def answered(quantity: str | None) -> None:
            if quantity:
                run_call(self, self.host, use_at_desk, row.sku, quantity, done=self.used)

        self.app.push_screen(ReasonDialog(f"How many {row.unit} of {row.name} were used?", placeholder="quantity"),
                             answered)

    def used(self, change: Any) -> None:
        self.notify(f"{change.item}: {-sum(m.quantity for m in change.movements)} {change.unit} used, "
                    f"{change.on_hand} left")
        self.load()


def use_at_desk(ctx: Context, sku: str, quantity: str) -> Any:
    """Units of the item used at the desk (``inventory.use``), first expiry first."""
    from .. import stock

    return stock.use(ctx, sku, quantity)


__all__ = ["StockListScreen", "StockView", "stock_view"]
