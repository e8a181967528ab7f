"""The waitlist: patients waiting for an earlier slot, oldest first, and booking them.

The list shows the open entries (waiting or offered), who has waited longest first; an
offered entry is marked and shows the slot a cancellation freed for it. ``a`` adds a patient
(search as you type, then a form: type, provider or any, location or any, the window, a
note), ``x`` removes the highlighted entry with a reason, and ``b`` (or Enter) books it: the
offered slot when there is one (asking first), otherwise one of the slot finder's earliest
slots for the entry's type, provider and window. Booking closes the entry. Everything goes
through :mod:`..waitlist` and :mod:`..slots`, as ``medoffice waitlist …`` does. What other
terminals add, remove, book or offer shows within about a second (``host.watch`` on
``scheduling.waitlist``), the cursor staying on the same entry.
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
from medoffice.core.records import PatientRecord
from medoffice.core.ui import ScreenHost
from medoffice.ui import ChoiceDialog, DataTable, Field, Footer, FormDialog, PatientPicker, ReasonDialog, fit, may, message_of, run_call

from ..permissions import BOOK
from ._shared import log, when

LEAST_WIDTHS = {"#": 3, "Patient": 13, "Type": 9, "With": 9, "From": 5, "To": 5, "Status": 20}
"""The waitlist's columns at their narrowest: 78 columns with the cells' padding."""

SLOTS_OFFERED = 10
"""How many of the slot finder's slots ``b`` offers for an entry without an offer."""


@attrs.frozen
class WaitlistData:
    """One load of the screen.

    Attributes:
        entries: the open entries (``waitlist.WaitlistView``), oldest first.
        offers: entry id -> its last offer (``waitlist.OfferView``).
        today: the practice's today.
        types: the appointment types' names.
        providers: (id, name) of the providers with office hours.
        locations: the locations' names.
    """

    entries: tuple[Any, ...]
    offers: dict[int, Any] = attrs.field(eq=False)
    today: dt.date
    types: tuple[str, ...] = attrs.field(eq=False)
    providers: tuple[tuple[int, str], ...] = attrs.field(eq=False)
    locations: tuple[str, ...] = attrs.field(eq=False)


def waitlist_data(ctx: Context) -> WaitlistData:
    """The open waitlist with its offers, and the choices the add form offers."""
    from .. import catalogue, waitlist

    entries = tuple(waitlist.list_entries(ctx))
    offers = {o.entry.id: o for o in waitlist.offers(ctx)} if any(e.status == "offered" for e in entries) else {}
    types = tuple(t.name for t in catalogue.list_types(ctx))
    providers = tuple(sorted({(t.provider_id, t.provider) for t in catalogue.list_templates(ctx)},
                             key=lambda p: p[1]))
    locations = tuple(sorted(loc.name for loc in ctx.practice.locations))
    return WaitlistData(entries, offers, ctx.local(ctx.now()).date(), types, providers, locations)


def entry_slots(ctx: Context, type_name: str, first: dt.date, last: dt.date | None,
                provider_id: int | None) -> list[Any]:
    """The earliest free slots for an entry: its type, provider (or any), from its earliest
    day (or today) to its latest (or 30 days on)."""
    from ..slots import find_slots

    today = ctx.local(ctx.now()).date()
    start = max(first, today)
    return find_slots(ctx, type_name, start, last if last is not None and last >= start else None,
                      provider_id=provider_id, limit=SLOTS_OFFERED)


class WaitlistScreen(Screen[None]):
    """The open waitlist, oldest first: add, remove, book.

    Args:
        host: the scheduling plugin's host.
    """

    CSS_PATH = "waiting_list.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add", id="scheduling.waitlist.add"),
        Binding("x", "remove", "Remove", id="scheduling.waitlist.remove"),
        Binding("b", "book", "Book", id="scheduling.waitlist.book"),
    ]
    ACTING = frozenset({"add", "remove", "book"})
    """Actions that need ``scheduling.book``."""

    def __init__(self, host: ScreenHost) -> None:
        super().__init__()
        self.host = host
        self.data: WaitlistData | None = None
        self._widths: dict[str, int] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the waitlist…", id="waitlist-title", markup=False)
        yield DataTable(id="entries", cursor_type="row", zebra_stripes=True)
        yield Static("", id="waitlist-message", markup=False)
        yield Footer()

    def column_widths(self, entries: Any) -> dict[str, int]:
        """The least widths (78 columns with the cells' padding: 80 fit), then the patient,
        type and provider columns grow, in that order, to their longest text while the
        terminal has room, so names are cut only on a narrow terminal."""
        widths = dict(LEAST_WIDTHS)
        spare = self.size.width - 2 - sum(w + 2 for w in widths.values())  # 2: the scrollbar
        for label, text in (("Patient", lambda e: e.patient), ("Type", lambda e: e.appointment_type),
                            ("With", lambda e: e.provider or "")):
            longest = max((len(text(e) or "") for e in entries), default=0)
            extra = max(0, min(longest - widths[label], spare))
            widths[label] += extra
            spare -= extra
        return widths

    def _set_columns(self, widths: dict[str, int]) -> None:
        if widths == self._widths:
            return
        table = self.query_one("#entries", DataTable)
        table.clear(columns=True)
        for label, width in widths.items():
            table.add_column(label, width=width)
        self._widths = widths

    def on_resize(self) -> None:
        """A wider or narrower terminal: the columns take the new width."""
        if self.data is not None and self.column_widths(self.data.entries) != self._widths:
            self.show(self.data)

    def on_mount(self) -> None:
        self.sub_title = "Waitlist"
        self._set_columns(dict(LEAST_WIDTHS))
        self._live = self.host.watch(self, ["scheduling.waitlist"], self.load)
        self.load()

    def on_unmount(self) -> None:
        live = getattr(self, "_live", None)
        if live is not None:
            live.stop()

    @work(thread=True, exclusive=True, group="scheduling-waitlist", exit_on_error=False)
    def load(self) -> None:
        """Read the waitlist again, off the UI thread."""
        worker = get_current_worker()
        try:
            data = self.host.call(waitlist_data, write=False)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("loading the waitlist failed")
            self.host.notify_error(exc)
            message = str(exc) if isinstance(exc, MedofficeError) else "The waitlist could not load."
            self.app.call_from_thread(self.say, message)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show, data)

    def show(self, data: WaitlistData) -> None:
        """Show the open entries, the offered ones marked with their slot."""
        if not self.is_attached:
            return
        before = self.selected()
        self.data = data
        table = self.query_one("#entries", DataTable)
        row = table.cursor_row
        if before is not None:  # the same entry, wherever other terminals' changes moved it
            row = next((i for i, e in enumerate(data.entries) if e.id == before.id), row)
        widths = self.column_widths(data.entries)
        self._set_columns(widths)
        table.clear()
        for entry in data.entries:
            offer = data.offers.get(entry.id)
            if entry.status == "offered":
                slot = f" {offer.start:%m-%d %H:%M}" if offer is not None and offer.start else ""
                status = Text(f"offered{slot}", style="bold yellow")
            else:
                status = Text(f"waiting {(data.today - entry.created_at.date()).days}d")
            table.add_row(str(entry.id), fit(entry.patient, widths["Patient"]),
                          fit(entry.appointment_type, widths["Type"]), fit(entry.provider, widths["With"]),
                          f"{entry.earliest_day:%m-%d}",
                          f"{entry.latest_day:%m-%d}" if entry.latest_day else "", status, key=str(entry.id))
        if data.entries:
            table.move_cursor(row=min(max(row, 0), len(data.entries) - 1), animate=False)
        offered = sum(e.status == "offered" for e in data.entries)
        self.query_one("#waitlist-title", Static).update(
            f"Waitlist, oldest first  ·  {len(data.entries)} open" + (f", {offered} offered a slot" if offered else ""))

    def say(self, message: str) -> None:
        """One line under the list."""
        if self.is_attached:
            self.query_one("#waitlist-message", Static).update(message)

    def _failed(self, message: str) -> None:
        """Say why an action was refused, and read the list again: the refusal usually means
        it changed (the entry booked or removed elsewhere, the offered slot taken)."""
        self.say(message)
        self.load()

    def on_screen_resume(self) -> None:
        """Shown again (back from the booking flow, a card, another screen): read the list
        again, so an entry offered, booked or removed meanwhile does not show its old status."""
        if self.data is not None:
            self.load()
            live = getattr(self, "_live", None)
            if live is not None:  # this read covers a change the feed still holds for us
                live.caught_up()

    def selected(self) -> Any | None:
        """The entry under the cursor, or None."""
        table = self.query_one("#entries", DataTable)
        if self.data is None or not self.data.entries or table.row_count == 0:
            return None
        row = table.cursor_row
        return self.data.entries[row] if 0 <= row < len(self.data.entries) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.ACTING:
            return may(self.host, BOOK)
        return True

    # -- keys --------------------------------------------------------------------------------

    def action_add(self) -> None:
        """Put a patient on the waitlist: who, then type, provider, location and window."""
        data = self.data
        if data is None:
            return
        if not data.types:
            self.say("There are no appointment types yet.")
            return
        self.host.push_screen(PatientPicker(self.host, "Who waits for an earlier slot?"), self._add_for)

    def _add_for(self, patient: PatientRecord | None) -> None:
        from .. import waitlist

        data = self.data
        if patient is None or data is None:
            return
        fields = [
            Field("appointment_type", "Type", options=tuple((name, name) for name in data.types)),
            Field("provider", "Provider", options=(("any provider", 0),) + tuple(
                (name, pid) for pid, name in data.providers), aliases=("provider_id",)),
            Field("location", "Location", options=(("any location", ""),) + tuple(
                (name, name) for name in data.locations)),
            Field("earliest", "Earliest", value=data.today.isoformat(), placeholder="YYYY-MM-DD"),
            Field("latest", "Latest", placeholder="YYYY-MM-DD (blank: any later day)"),
            Field("note", "Note", placeholder="mornings only…"),
        ]

        def build(values: dict[str, Any]) -> Any:
            return (waitlist.add, (patient.mrn, values["appointment_type"]),
                    {"provider_id": values["provider"] or None, "location": values["location"] or None,
                     "earliest": values["earliest"] or None, "latest": values["latest"] or None,
                     "note": values["note"] or None})

        def added(view: Any) -> None:
            if view is not None:
                self.say(f"{view.patient} waits for {view.appointment_type} with {view.provider}.")
                self.load()

        self.host.push_screen(FormDialog(self.host, f"Waitlist {patient.display_name} ({patient.mrn})", fields,
                                         build), added)

    def action_remove(self) -> None:
        """Take the highlighted entry off the list, with a reason."""
        from .. import waitlist

        entry = self.selected()
        if entry is None:
            self.say("No entry selected.")
            return

        def answered(reason: str | None) -> None:
            if reason is None:
                return

            def done(view: Any) -> None:
                self.say(f"Removed {view.patient} ({view.appointment_type}) from the waitlist.")
                self.load()

            run_call(self, self.host, waitlist.remove, entry.id, reason, done=done,
                     failed=lambda error: self._failed(f"Not removed: {message_of(error)}"))

        self.host.push_screen(ReasonDialog(f"Why does {entry.patient} leave the waitlist?",
                                           "booked elsewhere, no longer needed…"), answered)

    def action_book(self) -> None:
        """Book the highlighted entry: the offered slot, or one of the earliest free slots."""

        entry, data = self.selected(), self.data
        if entry is None or data is None:
            self.say("No entry selected.")
            return
        offer = data.offers.get(entry.id)
        if offer is not None and offer.start is not None and offer.provider_id is not None:
            label = f"{when(offer.start)} with {offer.provider}"

            def answered(choice: str | None) -> None:
                if choice == "Book the offered slot":
                    self._book(entry, offer.start, offer.provider_id)
                elif choice == "Other slots":
                    self._offer_slots(entry)

            self.host.push_screen(ChoiceDialog(f"Book {entry.patient}: {entry.appointment_type}, {label}?",
                                               ["Book the offered slot", "Other slots"]), answered)
            return
        self._offer_slots(entry)

    def _offer_slots(self, entry: Any) -> None:

        self.say(f"Looking for free slots for {entry.patient}…")

        def found(slots: list[Any]) -> None:
            if not slots:
                self.say(f"No free {entry.appointment_type} slot in the entry's window yet; it stays on the list.")
                return
            self.say("")
            labels = [f"{when(s.start)}  {fit(s.provider, 12)}  {fit(s.location, 10)}" for s in slots]

            def chosen(label: str | None) -> None:
                if label is not None:
                    slot = slots[labels.index(label)]
                    self._book(entry, slot.start, slot.provider_id)

            self.host.push_screen(ChoiceDialog(f"Book {entry.patient}: {entry.appointment_type}, when?", labels),
                                  chosen)

        run_call(self, self.host, entry_slots, entry.appointment_type, entry.earliest_day, entry.latest_day,
                 entry.provider_id, write=False, done=found, failed=lambda error: self.say(message_of(error)))

    def _book(self, entry: Any, start: dt.datetime, provider_id: int) -> None:
        from .. import waitlist

        def done(result: Any) -> None:
            view, record = result
            self.say(f"Booked {view.patient}: {record.appointment_type}, {when(start)}; off the waitlist.")
            self.load()

        run_call(self, self.host, waitlist.book, entry.id, start, provider_id=provider_id, done=done,
                 failed=lambda error: self._failed(f"Not booked: {message_of(error)}"))

    @on(DataTable.RowSelected, "#entries")
    def _row_chosen(self) -> None:
        if may(self.host, BOOK):
            self.action_book()


__all__ = ["PatientPicker", "WaitlistData", "WaitlistScreen", "entry_slots", "waitlist_data"]
