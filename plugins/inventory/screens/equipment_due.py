"""The equipment due: each maintenance task due within 60 days and every overdue one, most
overdue first, and the assets out of service. ``l`` logs a service of the selected task (what
was done, by whom or which vendor, when, the cost: the plan's next due date follows), ``o``
puts the selected asset out of service or back in service with a reason, ``x`` retires it
with a reason (``inventory.equipment`` for all three), ``r`` reads again. The same services
as ``medoffice inventory equipment log|out|back|retire``; what is out of service is what
``equipment list --out-of-service`` and the dashboard card say (out today, not from a day to
come: :func:`~..equipment.out_of_service_on`). The list follows other terminals (the
``inventory.assets`` topic: a :class:`~medoffice.ui.LiveListScreen`), the cursor staying on its
line."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, Static

from medoffice.ui import (DataTable, Field, FormDialog, Footer, LiveListScreen, ReasonDialog, may, message_of,
                         run_call)

from ..permissions import EQUIPMENT
from ..topics import EQUIPMENT_TOPIC

WITHIN_DAYS = 60


@attrs.frozen
class DueRow:
    """A line of the screen: a task due (``task`` set) or an asset out of service (or going
    out) with none due."""

    asset: str
    task: str | None
    due: str
    when: str
    location: str
    in_service: bool
    """Whether the asset is in service today (as ``equipment list`` says)."""
    out_reason: str | None
    out_from: str | None = None
    """``Thu 2026-12-10`` when the asset goes out of service on a day to come (it is in service
    until then, and ``in_service`` is True)."""


def _rows(ctx) -> list[DueRow]:
    from ..equipment import list_assets
    from ..equipment_maintenance import due

    assets = {a.name: a for a in list_assets(ctx)}
    later = {a.name: f"{a.out_from:%a %Y-%m-%d}" for a in assets.values() if a.out_from is not None}
    rows = [DueRow(r.asset, r.task, str(r.next_due), f"{-r.days} d late" if r.overdue else
                   ("today" if r.days == 0 else f"in {r.days} d"), r.location or "",
                   r.in_service, assets[r.asset].out_reason, later.get(r.asset))
            for r in due(ctx, WITHIN_DAYS)]
    listed = {r.asset for r in rows}
    rows += [DueRow(a.name, None, "", "", a.location or "", a.in_service, a.out_reason, later.get(a.name))
             for a in assets.values() if (not a.in_service or a.name in later) and a.name not in listed]
    return rows


def _log(ctx, asset: str, task: str | None, work: str, done_by: str, vendor: str, done_on: str, cost: str) -> Any:
    from ..equipment_maintenance import log_service

    return log_service(ctx, asset, task=task, work=work, done_by=done_by or None, vendor=vendor or None,
                       done_on=done_on or None, cost=cost or None)


def _set_in_service(ctx, asset: str, in_service: bool, reason: str) -> Any:
    from ..equipment import set_in_service

    return set_in_service(ctx, asset, in_service, reason)


def _retire(ctx, asset: str, reason: str) -> Any:
    from ..equipment import retire

    return retire(ctx, asset, reason)


class EquipmentDueScreen(LiveListScreen):
    """Maintenance due and overdue, and the assets out of service (:attr:`rows`, each a
    :class:`DueRow`).

    Args:
        host: the inventory plugin's host.
    """

    CSS_PATH = "work_lists.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "log", "Log service", id="inventory.equipment.log"),
        Binding("o", "out_or_back", "Out/back in service", id="inventory.equipment.out"),
        Binding("x", "retire", "Retire", id="inventory.equipment.retire"),
        Binding("r", "reload", "Reload", id="inventory.equipment.reload"),
    ]

    TOPICS = (EQUIPMENT_TOPIC,)
    LIST = "#due"
    STATUS = "#due-status"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the equipment due…", id="due-title", markup=False)
        yield DataTable(id="due", cursor_type="row", zebra_stripes=True)
        yield Static("", id="due-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Equipment due"
        table = self.query_one("#due", DataTable)
        for label, width in (("Due", 10), ("When", 10), ("Asset", 17), ("Task", 13), ("Location", 11),
                             ("State", 5)):
            table.add_column(label, width=width)

    def list_call(self) -> tuple[Any, ...]:
        return (_rows,)

    def loaded(self, rows: list[DueRow]) -> None:
        """Show ``rows``, the cursor on the line (asset and task) it was on while it is there,
        else on the same row."""
        if not self.is_attached:
            return
        table = self.query_one("#due", DataTable)
        row, wanted = table.cursor_row, self.highlighted()
        self.rows = rows
        table.clear()
        for index, r in enumerate(rows):
            table.add_row(r.due, r.when, r.asset, r.task or "-", r.location, "" if r.in_service else "OUT",
                          key=str(index))
        lines = [(r.asset, r.task) for r in rows]
        if wanted is not None and (wanted.asset, wanted.task) in lines:
            table.move_cursor(row=lines.index((wanted.asset, wanted.task)))
        elif 0 <= row < table.row_count:
            table.move_cursor(row=row)
        late = sum(1 for r in rows if r.when.endswith("late"))
        out = sorted({r.asset for r in rows if not r.in_service})
        going = sorted({(r.asset, r.out_from) for r in rows if r.out_from})
        self.query_one("#due-title", Static).update(
            f"{late} overdue, {sum(1 for r in rows if r.task) - late} due within {WITHIN_DAYS} days"
            + (f"  ·  out of service: {', '.join(out)}" if out else "")
            + "".join(f"  ·  {asset} out from {day}" for asset, day in going))

    def say(self, text: str) -> None:
        if self.is_attached:
            self.query_one("#due-status", Static).update(text)

    def _may_edit(self) -> bool:
        if may(self.host, EQUIPMENT):
            return True
        self.say(f"changing the equipment needs {EQUIPMENT}")
        return False

    def action_log(self) -> None:
        row = self.highlighted()
        if row is None or not self._may_edit():
            return
        fields = [Field("work", "What was done"), Field("done_by", "Done by", placeholder="a person"),
                  Field("vendor", "Vendor", placeholder="or the vendor"),
                  Field("done_on", "Done on", placeholder="today, or YYYY-MM-DD"),
                  Field("cost", "Cost", placeholder="0.00")]

        def build(values: dict[str, Any]):
            return _log, (row.asset, row.task, values["work"], values["done_by"], values["vendor"],
                          values["done_on"], values["cost"]), {}

        title = f"Log {row.task or 'a repair'} of {row.asset}"
        self.host.push_screen(FormDialog(self.host, title, fields, build), self.logged)

    def logged(self, entry: Any) -> None:
        if entry is None:
            return
        after = f", next due {entry.next_due}" if entry.next_due else ""
        self.say(f"Logged {entry.task or 'a repair'} of {entry.asset} on {entry.done_on}{after}")
        self.load()

    def action_out_or_back(self) -> None:
        row = self.highlighted()
        if row is None or not self._may_edit():
            return
        back = not row.in_service or row.out_from is not None
        question = (f"Why is {row.asset} back in service?" if back
                    else f"Why is {row.asset} out of service?")

        def answered(reason: str | None) -> None:
            if reason:
                run_call(self, self.host, _set_in_service, row.asset, back, reason, done=self.changed,
                         failed=lambda error: self.say(message_of(error)))

        self.host.push_screen(ReasonDialog(question), answered)

    def action_retire(self) -> None:
        row = self.highlighted()
        if row is None or not self._may_edit():
            return

        def answered(reason: str | None) -> None:
            if reason:
                run_call(self, self.host, _retire, row.asset, reason, done=self.retired,
                         failed=lambda error: self.say(message_of(error)))

        self.host.push_screen(ReasonDialog(f"Why is {row.asset} retired (sold, scrapped…)?"), answered)

    def retired(self, asset: Any) -> None:
        self.say(f"{asset.name} is retired: its maintenance is no longer due")
        self.load()

    def changed(self, asset: Any) -> None:
        self.say(f"{asset.name} is {'back in service' if asset.in_service else 'out of service'}")
        self.load()

    def action_reload(self) -> None:
        self.load()


__all__ = ["EquipmentDueScreen"]
