"""The A/R aging: what is owed at the end of today in 0-30, 31-60, 61-90 and 90+ days, by
payer and by patient. Both tables are the report ``billing.ar_aging`` (the same numbers as
``medoffice reports run billing.ar_aging``); ``t`` shows another day, ``r`` reads again."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import attrs
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from medoffice.core import Context
from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, message_of, run_call



@attrs.frozen
class Aging:
    """The report by payer and by patient, on one day."""

    on: dt.date
    by_payer: Any
    by_patient: Any


def aging(ctx: Context, on: dt.date | None) -> Aging:
    """Both A/R aging reports at the end of ``on`` (None: today)."""
    from ..reports import ar_aging

    day = on or ctx.local(ctx.now()).date()
    return Aging(day, ar_aging(ctx, {"by": "payer", "on": day.isoformat()}),
                 ar_aging(ctx, {"by": "patient", "on": day.isoformat()}))


class ArAgingScreen(Screen[None]):
    """The A/R aging buckets by payer, then by patient.

    Args:
        host: the billing plugin's host.
    """

    CSS_PATH = "ar_aging.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", "Reload", id="billing.aging.reload"),
        Binding("left_square_bracket", "month(-1)", "Month earlier", key_display="[", id="billing.aging.earlier"),
        Binding("right_square_bracket", "month(1)", "Month later", key_display="]", id="billing.aging.later"),
    ]

    def __init__(self, host: ScreenHost) -> None:
        super().__init__()
        self.host = host
        self.on: dt.date | None = None
        self.data: Aging | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the A/R aging…", id="aging-title", markup=False)
        with VerticalScroll(id="aging"):
            yield Static("By payer", classes="heading", markup=False)
            yield DataTable(id="by-payer", cursor_type="row", zebra_stripes=True)
            yield Static("By patient", classes="heading", markup=False)
            yield DataTable(id="by-patient", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "A/R aging"
        self.load()

    def load(self) -> None:
        run_call(self, self.host, aging, self.on, write=False, done=self.show,
                 failed=lambda error: self.query_one("#aging-title", Static).update(message_of(error)))

    def show(self, data: Aging) -> None:
        """Fill both tables."""
        if not self.is_attached:
            return
        self.data = data
        self.on = data.on
        for table_id, report in (("#by-payer", data.by_payer), ("#by-patient", data.by_patient)):
            table = self.query_one(table_id, DataTable)
            table.clear(columns=True)
            for index, column in enumerate(report.columns):
                table.add_column(column.capitalize() if index == 0 else column, width=22 if index == 0 else 8)
            for row in report.rows:
                cells = [Text(str(row[0])[:22])] + [Text(str(v), justify="right") for v in row[1:]]
                if row[0] == "total":
                    for cell in cells:
                        cell.stylize("bold")
                table.add_row(*cells)
        total = data.by_payer.rows[-1][-1] if data.by_payer.rows else "0.00"
        self.query_one("#aging-title", Static).update(
            f"A/R aging at the end of {data.on}  ·  owed ${total}  ·  days since the date of service")

    def action_reload(self) -> None:
        self.load()

    def action_month(self, months: int) -> None:
        """The aging thirty days earlier or later."""
        if self.on is None:
            return
        self.on = self.on + dt.timedelta(days=30 * months)
        self.load()


__all__ = ["Aging", "ArAgingScreen", "aging"]
