"""The staff rota: one week of shifts at one location, and its coverage against the needs.

The upper list is the week's shifts by day and start; the lower one the coverage of the
week (per day and role: required, scheduled, gap), gaps in bold red. ``[`` and ``]`` (or
Left and Right) move a week, ``t`` comes back to this week and ``l`` goes to the next
location. ``a`` adds a shift (a form; the service's complaints show under the fields), ``x``
removes the highlighted one, ``c`` copies the week to the next (all or nothing; the conflicts
are named). Everything goes through :mod:`..rota` and :mod:`..coverage`, as
``medoffice rota …`` does; the screen is for ``hr.rota``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import attrs
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from medoffice.core import Context, MedofficeError
from medoffice.core.ui import ScreenHost
from medoffice.ui import ChoiceDialog, DataTable, Field, Footer, FormDialog, fit, may, message_of, run_call

from ..permissions import ROTA
from . import log

GAP_STYLE = "bold red"
"""How a coverage gap stands out."""


@attrs.frozen
class RotaWeek:
    """One load of the screen, read in one unit of work.

    Attributes:
        monday: the week's first day.
        today: the practice's today.
        location: the location shown (None: the practice has none).
        locations: every location's name, by name.
        shifts: the week's shifts there (``rota.ShiftRecord``), by start.
        coverage: the week's coverage there (``coverage.CoverageRow``), by day and role.
        staff: (id, name, role) of the active staff who can have shifts, by name.
    """

    monday: dt.date
    today: dt.date
    location: str | None
    locations: tuple[str, ...]
    shifts: tuple[Any, ...]
    coverage: tuple[Any, ...]
    staff: tuple[tuple[int, str, str], ...] = attrs.field(eq=False)

    @property
    def gaps(self) -> int:
        """People missing over the week (the sum of the gaps)."""
        return sum(row.gap for row in self.coverage)


def rota_week(ctx: Context, day: dt.date | None, location: str | None) -> RotaWeek:
    """The week holding local ``day`` (None: this week) at ``location`` (None: the first by name)."""
    from medoffice.core.services import staff

    from .. import coverage, rota

    today = ctx.local(ctx.now()).date()
    monday, sunday = rota.week_of(day or today)
    locations = tuple(sorted(loc.name for loc in ctx.practice.locations))
    place = location if location in locations else (locations[0] if locations else None)
    shifts: tuple[Any, ...] = ()
    rows: tuple[Any, ...] = ()
    if place is not None:
        shifts = tuple(rota.list_shifts(ctx, monday, sunday, location=place))
        rows = tuple(coverage.coverage(ctx, monday, sunday, locations=[place]))
    people = tuple((p.id, p.name, p.role) for p in staff.list_staff(ctx) if not p.is_provider)
    return RotaWeek(monday, today, place, locations, shifts, rows, people)


WEEKS = Binding.Group("Week")
"""``[`` and ``]`` share one label in the footer, so that the rota's keys fit 80 columns."""


class StaffRotaScreen(Screen[None]):
    """A week of the staff rota at one location, with its coverage.

    Args:
        host: the staff plugin's host.
        day: a day of the week to show first (default: this week).
    """

    CSS_PATH = "staff_rota.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add shift", id="scheduling.rota.add"),
        Binding("x", "remove", "Remove", id="scheduling.rota.remove"),
        Binding("c", "copy", "Copy week", id="scheduling.rota.copy"),
        Binding("l", "location", "Location", id="scheduling.rota.location"),
        Binding("left_square_bracket", "previous_week", "Previous week", key_display="[",
                id="scheduling.rota.previous_week", group=WEEKS),
        Binding("right_square_bracket", "next_week", "Next week", key_display="]", id="scheduling.rota.next_week",
                group=WEEKS),
        Binding("left", "previous_week", "Previous week", show=False, priority=True),
        Binding("right", "next_week", "Next week", show=False, priority=True),
        Binding("t", "this_week", "This week", show=False, id="scheduling.rota.this_week"),
    ]

    def __init__(self, host: ScreenHost, day: dt.date | None = None) -> None:
        super().__init__()
        self.host = host
        self.day = day
        self.location: str | None = None
        self.data: RotaWeek | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the rota…", id="rota-title", markup=False)
        yield DataTable(id="shifts", cursor_type="row", zebra_stripes=True)
        yield Static("Coverage", id="coverage-title", markup=False)
        yield DataTable(id="coverage", cursor_type="row", zebra_stripes=True)
        yield Static("", id="rota-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Staff rota"
        shifts = self.query_one("#shifts", DataTable)
        for label, width in (("Day", 10), ("Time", 11), ("Staff", 18), ("Role", 14), ("Note", 12)):
            shifts.add_column(label, width=width)
        cover = self.query_one("#coverage", DataTable)
        for label, width in (("Day", 10), ("Role", 14), ("Need", 4), ("On", 3), ("Gap", 3), ("Who", 30)):
            cover.add_column(label, width=width)
        self.load()

    # -- loading -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="scheduling-rota", exit_on_error=False)
    def load(self) -> None:
        """Read the week again, off the UI thread."""
        worker = get_current_worker()
        try:
            data = self.host.call(rota_week, self.day, self.location, write=False)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("loading the rota failed")
            self.host.notify_error(exc)
            message = str(exc) if isinstance(exc, MedofficeError) else "The rota could not load."
            self.app.call_from_thread(self.say, message)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show, data)

    def show(self, data: RotaWeek) -> None:
        """Show a week: its shifts, its coverage, and a title counting the gaps."""
        if not self.is_attached:
            return
        self.data, self.day, self.location = data, data.monday, data.location
        sunday = data.monday + dt.timedelta(days=6)
        this = " (this week)" if data.monday <= data.today <= sunday else ""
        gaps = data.gaps
        where = data.location or "no location yet"
        self.query_one("#rota-title", Static).update(
            f"Week of {data.monday:%a %Y-%m-%d}{this}  ·  {where}  ·  {len(data.shifts)} shift"
            f"{'s' * (len(data.shifts) != 1)}  ·  " + (f"{gaps} gap{'s' * (gaps != 1)}" if gaps else "covered"))
        table = self.query_one("#shifts", DataTable)
        row = table.cursor_row
        table.clear()
        for shift in data.shifts:
            over = "+" if shift.end.date() != shift.start.date() else ""
            table.add_row(f"{shift.start:%a %m-%d}", f"{shift.start:%H:%M}-{shift.end:%H:%M}{over}",
                          fit(shift.staff, 18), fit(shift.role, 14), fit(shift.note or "", 12), key=str(shift.id))
        if data.shifts:
            table.move_cursor(row=min(max(row, 0), len(data.shifts) - 1), animate=False)
        cover = self.query_one("#coverage", DataTable)
        cover.clear()
        for index, line in enumerate(data.coverage):
            style = GAP_STYLE if line.gap else ""
            who = ", ".join(line.names) + (f" (away: {', '.join(line.on_leave)})" if line.on_leave else "")
            cover.add_row(Text(f"{line.day:%a %m-%d}", style=style), Text(fit(line.role, 14), style=style),
                          str(line.required), str(line.scheduled), Text(str(line.gap) if line.gap else "", style=style),
                          fit(who, 30), key=str(index))
        if not data.coverage:
            self.query_one("#coverage-title", Static).update(
                "Coverage: no staffing needs and no shifts this week (medoffice rota needs set)")
        else:
            self.query_one("#coverage-title", Static).update("Coverage: need, on the rota, gap")

    def say(self, message: str) -> None:
        """One line under the lists: the last action's outcome."""
        if self.is_attached:
            self.query_one("#rota-message", Static).update(message)

    def selected(self) -> Any | None:
        """The shift under the cursor, or None."""
        table = self.query_one("#shifts", DataTable)
        if self.data is None or not self.data.shifts or table.row_count == 0:
            return None
        row = table.cursor_row
        return self.data.shifts[row] if 0 <= row < len(self.data.shifts) else None

    # -- keys --------------------------------------------------------------------------------

    def _go(self, day: dt.date | None) -> None:
        self.day = day
        self.query_one("#rota-title", Static).update("Loading the rota…")
        self.load()

    def action_previous_week(self) -> None:
        """The week before."""
        if self.day is not None:
            self._go(self.day - dt.timedelta(weeks=1))

    def action_next_week(self) -> None:
        """The week after."""
        if self.day is not None:
            self._go(self.day + dt.timedelta(weeks=1))

    def action_this_week(self) -> None:
        """Back to this week."""
        self._go(None)

    def action_location(self) -> None:
        """The next location (by name), then the first again."""
        if self.data is None or not self.data.locations:
            return
        names = list(self.data.locations)
        index = names.index(self.data.location) if self.data.location in names else -1
        self.location = names[(index + 1) % len(names)]
        self.load()

    def action_add(self) -> None:
        """Add a shift: staff, role, location, day, start, end."""
        from .. import rota

        data = self.data
        if data is None:
            return
        if not data.staff:
            self.say("There are no staff to put on the rota (providers' hours are their availability).")
            return
        current = self.selected()
        day = current.day if current is not None else max(data.monday, data.today)
        fields = [
            Field("staff", "Staff", options=tuple((f"{name} ({role})", pid) for pid, name, role in data.staff)),
            Field("role", "Role", placeholder="blank: the person's own role"),
            Field("location", "Location", value=data.location or "",
                  options=tuple((name, name) for name in data.locations)),
            Field("day", "Day", value=day.isoformat(), placeholder="YYYY-MM-DD"),
            Field("start", "Start", value="08:00", placeholder="HH:MM"),
            Field("end", "End", value="16:30", placeholder="HH:MM (a night shift: end next day with +)"),
        ]

        def build(values: dict[str, Any]) -> Any:
            end = values["end"]
            overnight = end.endswith("+")
            return (rota.add_shift, (values["staff"], values["location"], values["day"], values["start"],
                                     end.rstrip("+").strip()),
                    {"role": values["role"] or None, "overnight": overnight})

        def added(record: Any) -> None:
            if record is not None:
                self.say(f"Added {record.staff}, {record.role}: {record.span} at {record.location}.")
                self.day, self.location = record.day, record.location
                self.load()

        self.host.push_screen(FormDialog(self.host, "Add a shift", fields, build), added)

    def action_remove(self) -> None:
        """Remove the highlighted shift (asks first)."""
        from .. import rota

        shift = self.selected()
        if shift is None:
            self.say("No shift selected.")
            return

        def chosen(answer: str | None) -> None:
            if answer != "Remove it":
                return

            def done(record: Any) -> None:
                self.say(f"Removed {record.staff}'s {record.span}.")
                self.load()

            run_call(self, self.host, rota.remove_shift, shift.id, done=done,
                     failed=lambda error: self.say(f"Not removed: {message_of(error)}"))

        self.host.push_screen(ChoiceDialog(f"Remove {shift.staff}'s shift {shift.span}?", ["Remove it", "Keep it"],
                                           current="Keep it"), chosen)

    def action_copy(self) -> None:
        """Copy this week's shifts here to the next week (nothing is copied if one conflicts)."""
        from .. import rota

        data = self.data
        if data is None or data.location is None:
            return
        monday = data.monday

        def done(result: Any) -> None:
            already = f", {result.already_there} already there" if result.already_there else ""
            self.say(f"Copied {len(result.copied)} shift{'s' * (len(result.copied) != 1)} to the week of "
                     f"{monday + dt.timedelta(weeks=1)}{already}. ] shows it.")

        self.say("Copying the week…")
        run_call(self, self.host, rota.copy_week, monday, location=data.location, done=done,
                 failed=lambda error: self.say(f"Not copied: {message_of(error)}"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:

        if action in ("add", "remove", "copy"):
            return may(self.host, ROTA)
        return True

    @on(DataTable.RowSelected, "#shifts")
    def _row_chosen(self) -> None:
        shift = self.selected()
        if shift is not None:
            self.say(f"{shift.staff}, {shift.role}: {shift.span} at {shift.location}"
                     + (f" ({shift.note})" if shift.note else ""))


__all__ = ["RotaWeek", "StaffRotaScreen", "rota_week"]
