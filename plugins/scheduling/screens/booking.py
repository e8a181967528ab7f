"""The booking flow: patient → appointment type → provider or "any" → a free slot → confirm.

One screen, one step at a time, each answered with Enter: the patient (searched as you type,
unless the flow was opened from their card), the type (type to filter), the provider ("Any
provider" first), the slot finder's earliest slots, and a confirm line with an optional
note. Booking an established patient from their card into the first free slot of the first
type is ``b`` and four Enters. Escape goes back one step. ``o`` on the slots overbooks (with
a reason) for users with ``scheduling.overbook``. The same flow reschedules an appointment
(``m`` on the day board): it opens on the slots of the appointment's type and provider.

On the confirm step, Ctrl+R repeats the booking (weekly, every N weeks or monthly; a count
or a last day): every occurrence is checked first (:func:`..recurring.book_series` with
``dry_run``) and the conflicts are listed; Enter then books the whole series, which is only
offered when every occurrence is free. With conflicts, Ctrl+O books the free dates and skips
the conflicting ones (``skip_conflicts``), and Escape goes back to booking once. Nothing is
written before that Enter or Ctrl+O.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, DataTable, Footer, Header, Input, Static
from textual.worker import get_current_worker

from medoffice.core import Context, MedofficeError
from medoffice.core.records import PatientRecord
from medoffice.core.ui import ScreenHost

from ._shared import OVERBOOK, log, may, run_call, type_text, when

SEARCH_DELAY = 0.15
"""Seconds of typing pause before a patient search starts."""

PATIENT_LIMIT = 20
"""The most patients a search lists."""

SLOT_LIMIT = 30
"""The most slots listed at once; ``]`` lists later ones."""

STEPS = ("patient", "type", "provider", "slot", "confirm")

PROMPTS = {
    "patient": "Who? Type a name, date of birth, phone or MRN; Enter picks the highlighted patient.",
    "type": "Which appointment type? Type to filter; Enter picks the highlighted one.",
    "provider": "With whom? Enter picks; \"Any provider\" finds the earliest slot of all.",
    "slot": "When? The earliest free slots; Enter takes one.",
    "confirm": "Enter books. A note is optional. Ctrl+R repeats it.",
}

MAX_CONFLICTS_SHOWN = 6
"""Conflicting occurrences listed on the confirm step; the rest are counted."""


def choices(ctx: Context) -> tuple[list[Any], list[tuple[int, str]], dt.date]:
    """The appointment types, the providers with availability, and the practice's today."""
    from .. import catalogue

    types = catalogue.list_types(ctx)
    providers = sorted({(t.provider_id, t.provider) for t in catalogue.list_templates(ctx)}, key=lambda p: p[1])
    return types, providers, ctx.local(ctx.now()).date()


class FilterInput(Input):
    """A text field that moves the cursor of the list below it with Up and Down."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, table_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.table_id = table_id

    def action_move(self, delta: int) -> None:
        table = self.screen.query_one(f"#{self.table_id}", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))


class BookingScreen(Screen[Any]):
    """Book (or reschedule) an appointment, one step at a time; dismisses with the new record.

    Args:
        host: the scheduling plugin's host.
        patient: book for this patient (from their card); None asks who.
        reschedule: move this appointment (a ``booking.AppointmentView``) instead of booking.
        start_day: look for slots from this day on (default, and never before: today).
    """

    CSS_PATH = "booking.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="scheduling.booking.back"),
        Binding("o", "overbook", "Overbook", id="scheduling.booking.overbook"),
        Binding("right_square_bracket", "later", "Later", key_display="]", id="scheduling.booking.later"),
        Binding("left_square_bracket", "sooner", "Sooner", key_display="[", id="scheduling.booking.sooner"),
        Binding("ctrl+r", "repeat", "Repeat", key_display="^r", id="scheduling.booking.repeat"),
        Binding("ctrl+o", "book_free_dates", "Book the free dates", key_display="^o",
                id="scheduling.booking.book_free_dates"),
        Binding("enter", "enter", "Choose", show=False, priority=True),
    ]

    def __init__(self, host: ScreenHost, *, patient: PatientRecord | None = None, reschedule: Any = None,
                 start_day: dt.date | None = None) -> None:
        super().__init__()
        self.host = host
        self.reschedule = reschedule
        self.start_day = start_day
        self.mrn: str | None = None
        self.patient_name: str | None = None
        self.type_name: str | None = None
        self.type_colour: str | None = None
        self.provider: tuple[int, str] | None = None
        """The chosen provider (id, name); None is "any"."""
        self.slot: Any = None
        self.step = "patient"
        self.types: list[Any] = []
        self.providers: list[tuple[int, str]] = []
        self.slots: list[Any] = []
        self.today: dt.date | None = None
        self.search_from: list[dt.date] = []
        self.booking = False
        self._patients: dict[str, PatientRecord] = {}
        self._shown_query: str | None = None
        self._held = 0
        """Enters typed while the step's list was still loading, played back when it arrives."""
        self._slots_loading = False
        self._search_timer: Timer | None = None
        self._refusal: str | None = None
        """Why the last booking was refused, kept on show while the slots are found again."""
        self._asked_patient = patient is None and reschedule is None
        self.series: dict[str, Any] | None = None
        """How the booking repeats (``recurring.book_series``'s keywords), or None for once."""
        self.series_check: Any = None
        """The dry run of :attr:`series` (a ``recurring.SeriesResult``): what would be booked."""
        """False when the flow opened with a patient (from their card): Escape closes there."""
        if patient is not None:
            self.mrn, self.patient_name = patient.mrn, patient.display_name
            self.step = "type"
        if reschedule is not None:
            self.mrn, self.patient_name = reschedule.mrn, reschedule.patient
            self.type_name = reschedule.appointment_type
            self.provider = (reschedule.provider_id, reschedule.provider)
            self.step = "slot"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="booking-summary", markup=False)
        yield Static("", id="booking-prompt", markup=False)
        with ContentSwitcher(initial=f"step-{self.step}", id="steps"):
            with Vertical(id="step-patient", classes="step"):
                yield Input(id="patient-query", placeholder="Find a patient: name, DOB, phone or MRN")
                yield DataTable(id="patients", cursor_type="row", zebra_stripes=True)
            with Vertical(id="step-type", classes="step"):
                yield FilterInput("types", id="type-filter", placeholder="type to filter")
                yield DataTable(id="types", cursor_type="row", zebra_stripes=True)
            with Vertical(id="step-provider", classes="step"):
                yield DataTable(id="providers", cursor_type="row", zebra_stripes=True)
            with Vertical(id="step-slot", classes="step"):
                yield DataTable(id="slots", cursor_type="row", zebra_stripes=True)
            with Vertical(id="step-confirm", classes="step"):
                yield Static("", id="confirm-text", markup=False)
                yield Input(id="note", placeholder="note (optional): why the patient comes", max_length=500)
        yield Static("", id="booking-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Reschedule" if self.reschedule is not None else "Book an appointment"
        self.query_one("#patients", DataTable).add_columns("MRN", "Name", "Born", "Phone")
        self.query_one("#types", DataTable).add_columns("Type", "Minutes", "For")
        self.query_one("#providers", DataTable).add_columns("Provider")
        self.query_one("#slots", DataTable).add_columns("Day", "Time", "Provider", "Location")
        self.go(self.step)
        self._load_choices()

    # -- moving between steps ----------------------------------------------------------------

    def go(self, step: str) -> None:
        """Show ``step``, focus its field or list, and load what it needs."""
        self.step = step
        self.query_one("#steps", ContentSwitcher).current = f"step-{step}"
        self.query_one("#booking-prompt", Static).update(
            PROMPTS[step] + (" o: overbook." if step == "slot" and may(self.host, OVERBOOK) else ""))
        self._update_summary()
        self.say("")
        focus = {"patient": "#patient-query", "type": "#type-filter", "provider": "#providers",
                 "slot": "#slots", "confirm": "#note"}[step]
        if step == "confirm":
            self._show_confirm()
        if step == "slot":
            self._find_slots()
        widget = self.query_one(focus)
        if widget.display:
            widget.focus()
        else:
            self.set_focus(None)
        self.refresh_bindings()

    def _update_summary(self) -> None:
        parts = [f"Patient: {self.patient_name or '?'}" + (f" ({self.mrn})" if self.mrn else "")]
        if self.type_name:
            parts.append(f"Type: {self.type_name}")
        if STEPS.index(self.step) > STEPS.index("provider") or self.reschedule is not None:
            parts.append(f"Provider: {self.provider[1] if self.provider else 'any'}")
        if self.reschedule is not None:
            parts.insert(0, f"Moving {when(self.reschedule.start)}")
        self.query_one("#booking-summary", Static).update("  ›  ".join(parts))

    def say(self, message: str) -> None:
        """One line under the step: what went wrong, or what is happening."""
        if self.is_attached:
            self.query_one("#booking-message", Static).update(message)

    def action_back(self) -> None:
        """Back one step; from the first step, close the flow. On the confirm step of a
        repeated booking, back to booking it once."""
        self._held = 0
        if self.step == "confirm" and self.series is not None:
            self.series = self.series_check = None
            self._show_confirm()
            self.say("Booking it once.")
            self.refresh_bindings()
            return
        order = [s for s in STEPS if self._offered(s)]
        index = order.index(self.step) if self.step in order else 0
        if index == 0:
            self.dismiss(None)
            return
        self.go(order[index - 1])

    def _offered(self, step: str) -> bool:
        """Whether the user may come back to ``step`` (not when the flow was given it)."""
        if self.reschedule is not None:
            return step not in ("patient", "type")
        if step == "patient":
            return self._asked_patient
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "overbook":
            return self.step == "slot" and may(self.host, OVERBOOK)
        if action in ("later", "sooner"):
            return self.step == "slot"
        if action == "repeat":
            return self.step == "confirm" and self.reschedule is None
        if action == "book_free_dates":
            return self.step == "confirm" and self._free_dates_to_skip_to()
        return True

    def _free_dates_to_skip_to(self) -> bool:
        """Whether the checked series has conflicts and free dates both: Ctrl+O's case."""
        check = self.series_check
        return self.series is not None and check is not None and bool(check.refused) and bool(check.booked)

    # -- Enter -------------------------------------------------------------------------------

    def action_enter(self) -> None:
        """Enter answers the current step. One pressed while the step's list is still loading
        is held and played back when the list arrives, so a receptionist typing ahead never
        loses a key."""
        if self._waiting():
            self._held += 1
            return
        {"patient": self._pick_patient, "type": self._pick_type, "provider": self._pick_provider,
         "slot": self._pick_slot, "confirm": self.action_confirm}[self.step]()

    def _waiting(self) -> bool:
        """Whether the current step's choices have not arrived yet."""
        if self.step == "patient":
            text = self.query_one("#patient-query", Input).value.strip()
            if text and self._shown_query != text:
                if self._search_timer is not None:
                    self._search_timer.stop()
                    self._search_timer = None
                    self._search(text)  # typed, then Enter at once: search now
                return True
            return False
        if self.step in ("type", "provider"):
            return self.today is None
        if self.step == "slot":
            return self._slots_loading
        return False

    def _play_held(self) -> None:
        """Play back the Enters held while loading, until a step needs to load again."""
        while self._held and not self._waiting():
            self._held -= 1
            self.action_enter()

    # -- patient -----------------------------------------------------------------------------

    @on(Input.Changed, "#patient-query")
    def _typed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._held = 0
        text = event.value.strip()
        if text:
            self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self._search(text))

    @work(thread=True, exclusive=True, group="booking-patients", exit_on_error=False)
    def _search(self, text: str) -> None:
        from medoffice.core.services import patients

        worker = get_current_worker()
        try:
            found = self.host.call(patients.find, text, limit=PATIENT_LIMIT, write=False)
        except Exception as exc:
            self.host.notify_error(exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_patients, text, [m.patient for m in found])

    def _show_patients(self, text: str, found: list[PatientRecord]) -> None:
        if not self.is_attached or text != self.query_one("#patient-query", Input).value.strip():
            return
        table = self.query_one("#patients", DataTable)
        table.clear()
        self._patients = {p.mrn: p for p in found}
        for p in found:
            table.add_row(p.mrn, p.display_name, p.date_of_birth.isoformat(), p.phone or "", key=p.mrn)
        self._shown_query = text
        self.say("" if found else f"No patient matches {text!r}.")
        self._play_held()

    @on(DataTable.RowSelected, "#patients")
    def _patient_row(self) -> None:
        self._pick_patient()

    def _pick_patient(self) -> None:
        if self.query_one("#patient-query", Input).value.strip() != self._shown_query:
            return
        key = self._cursor_key("#patients")
        if key is None or key not in self._patients:
            return
        patient = self._patients[key]
        self.mrn, self.patient_name = patient.mrn, patient.display_name
        self.go("type")

    # -- type and provider -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="booking-choices", exit_on_error=False)
    def _load_choices(self) -> None:
        try:
            types, providers, today = self.host.call(choices, write=False)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("loading appointment types failed")
            self.host.notify_error(exc)
            return
        self.app.call_from_thread(self._show_choices, types, providers, today)

    def _show_choices(self, types: list[Any], providers: list[tuple[int, str]], today: dt.date) -> None:
        if not self.is_attached:
            return
        self.types, self.providers, self.today = types, providers, today
        if self.reschedule is not None:
            self.type_colour = next((t.colour for t in types if t.name == self.type_name), None)
        self._fill_types(self.query_one("#type-filter", Input).value)
        table = self.query_one("#providers", DataTable)
        table.clear()
        table.add_row("Any provider (earliest slot)", key="any")
        for provider_id, name in providers:
            table.add_row(name, key=str(provider_id))
        if self.provider is not None and self.step != "provider":
            index = next((i + 1 for i, p in enumerate(providers) if p[0] == self.provider[0]), 0)
            table.move_cursor(row=index, animate=False)
        if not types:
            self.say("There are no appointment types yet: a manager sets them up (medoffice schedule types add).")
        self._play_held()

    def _fill_types(self, text: str) -> None:
        wanted = text.strip().lower()
        found = [t for t in self.types if wanted in t.name.lower()]
        found.sort(key=lambda t: not t.name.lower().startswith(wanted))  # prefix matches first, stable
        table = self.query_one("#types", DataTable)
        table.clear()
        for kind in found:
            table.add_row(type_text(kind.name, kind.colour), str(kind.duration_minutes), kind.patient_kind,
                          key=kind.name)

    @on(Input.Changed, "#type-filter")
    def _type_filter(self, event: Input.Changed) -> None:
        self._fill_types(event.value)

    @on(DataTable.RowSelected, "#types")
    def _pick_type(self) -> None:
        name = self._cursor_key("#types")
        if name is None:
            return
        self.type_name = name
        self.type_colour = next((t.colour for t in self.types if t.name == name), None)
        self.go("provider")

    @on(DataTable.RowSelected, "#providers")
    def _pick_provider(self) -> None:
        key = self._cursor_key("#providers")
        if key is None:
            return
        self.provider = None if key == "any" else next((p for p in self.providers if str(p[0]) == key), None)
        self.search_from = []
        self.go("slot")

    # -- slots -------------------------------------------------------------------------------

    def _first_day(self) -> dt.date | None:
        if self.search_from:
            return self.search_from[-1]
        if self.start_day is not None and (self.today is None or self.start_day > self.today):
            return self.start_day
        return None  # the service's today

    def _find_slots(self) -> None:
        table = self.query_one("#slots", DataTable)
        table.clear()
        self.slots = []
        self.say("Looking for free slots…")
        self._slots_loading = True
        self._search_slots(self.type_name, self.provider[0] if self.provider else None, self._first_day())

    @work(thread=True, exclusive=True, group="booking-slots", exit_on_error=False)
    def _search_slots(self, type_name: str | None, provider_id: int | None, first: dt.date | None) -> None:
        from ..slots import find_slots

        def search(ctx: Context) -> list[Any]:
            day = first or ctx.local(ctx.now()).date()
            return find_slots(ctx, type_name or "", day, provider_id=provider_id, limit=SLOT_LIMIT)

        worker = get_current_worker()
        try:
            found = self.host.call(search, write=False)
        except Exception as exc:
            self.host.notify_error(exc)
            message = str(exc) if isinstance(exc, MedofficeError) else "The slot search failed."
            self.app.call_from_thread(self._slots_failed, message)
            return
        if not worker.is_cancelled:  # another provider or range was chosen meanwhile
            self.app.call_from_thread(self._show_slots, found)

    def _slots_failed(self, message: str) -> None:
        self._slots_loading = False
        self._held = 0
        self.say(message)

    def _show_slots(self, found: list[Any]) -> None:
        if not self.is_attached or self.step != "slot":
            return
        self._slots_loading = False
        self.slots = found
        table = self.query_one("#slots", DataTable)
        table.clear()
        for index, slot in enumerate(found):
            table.add_row(f"{slot.start:%a %Y-%m-%d}", f"{slot.start:%H:%M}", slot.provider, slot.location,
                          key=str(index))
        if self._refusal is not None:
            self.say(self._refusal)
            self._refusal = None
        elif found:
            self.say(f"{len(found)} free slot{'s' * (len(found) != 1)} from {found[0].start:%a %Y-%m-%d}; "
                     "] later, [ sooner.")
        else:
            self.say("No free slot in the next 30 days. ] looks later.")
        self._play_held()

    @on(DataTable.RowSelected, "#slots")
    def _pick_slot(self) -> None:
        key = self._cursor_key("#slots")
        if key is None:
            return
        self.slot = self.slots[int(key)]
        self.series = self.series_check = None
        self.go("confirm")

    def action_later(self) -> None:
        """Look for slots after the last one listed (or a month on, if none)."""
        if self.slots:
            after = self.slots[-1].start.date() + dt.timedelta(days=1)
        else:
            after = (self._first_day() or self.today or dt.date.today()) + dt.timedelta(days=31)
        self.search_from.append(after)
        self._find_slots()

    def action_sooner(self) -> None:
        """Back to the slots listed before ``]``."""
        if self.search_from:
            self.search_from.pop()
            self._find_slots()

    # -- confirming --------------------------------------------------------------------------

    def _show_confirm(self) -> None:
        if self.series is not None:
            self._show_series()
            return
        slot = self.slot
        what = type_text(self.type_name or "", self.type_colour).plain
        if self.reschedule is not None:
            text = (f"Move {self.patient_name}'s {what} from {when(self.reschedule.start)} "
                    f"to {when(slot.start)}-{slot.end:%H:%M} with {slot.provider} at {slot.location}?")
        else:
            text = (f"Book {self.patient_name}: {what}, {when(slot.start)}-{slot.end:%H:%M} "
                    f"with {slot.provider} at {slot.location}?")
        self.query_one("#confirm-text", Static).update(text + "\nEnter: yes   Escape: another slot")
        self.query_one("#note", Input).display = self.reschedule is None

    def action_confirm(self) -> None:
        """Book (or move to) the chosen slot; or book the series, when every occurrence is free."""
        if self.step != "confirm" or self.slot is None or self.booking:
            return
        note = self.query_one("#note", Input).value.strip() or None
        if self.series is not None:
            self._submit_series(note)
            return
        self._submit(self.slot.provider_id, self.slot.start, note=note)

    def _submit(self, provider_id: int, start: dt.datetime | str, *, note: str | None = None,
                overbook_reason: str | None = None) -> None:
        from .. import booking

        self.booking = True
        self.say("Booking…")
        if self.reschedule is not None:
            run_call(self, self.host, booking.move, self.reschedule.id, start, provider_id=provider_id,
                     overbook_reason=overbook_reason, done=self._booked, failed=self._refused)
        else:
            run_call(self, self.host, booking.book, self.mrn, provider_id, self.type_name, start, note=note,
                     overbook_reason=overbook_reason, done=self._booked, failed=self._refused)

    def _booked(self, record: Any) -> None:
        self.booking = False
        shown = self.slot or (self.slots[0] if self.slots else None)
        local = record.start.astimezone(shown.start.tzinfo) if shown is not None else record.start
        verb = "Moved" if self.reschedule is not None else "Booked"
        self.notify(f"{verb} {self.patient_name}: {record.appointment_type}, {when(local)}.", markup=False)
        self.dismiss(record)

    def _refused(self, message: str) -> None:
        self.booking = False
        self.say(f"Not booked: {message}")
        if "slot taken" in message and self.step == "confirm":
            self._refusal = f"Not booked: {message}"
            self.go("slot")  # someone else took it: show what is free now

    def action_overbook(self) -> None:
        """Book over a taken time with a reason (``scheduling.overbook``)."""
        from .dialogs import OverbookDialog

        key = self._cursor_key("#slots")
        slot = self.slots[int(key)] if key is not None else None
        if slot is not None:
            provider_id, name, start = slot.provider_id, slot.provider, f"{slot.start:%Y-%m-%d %H:%M}"
        elif self.provider is not None:
            provider_id, name, start = self.provider[0], self.provider[1], ""
        else:
            self.say("Choose a provider first (Escape), then o to overbook.")
            return

        def answered(answer: tuple[str, str] | None) -> None:
            if answer is not None:
                self._submit(provider_id, answer[0], overbook_reason=answer[1])

        self.host.push_screen(OverbookDialog(f"Overbook {self.patient_name} with {name}: when, and why?", start),
                              answered)

    # -- repeating ---------------------------------------------------------------------------

    def action_repeat(self) -> None:
        """Repeat the booking: ask how, check every occurrence, list the conflicts."""
        from .. import recurring
        from .forms import Field, FormDialog, field_error

        if self.step != "confirm" or self.slot is None or self.reschedule is not None:
            return
        slot, mrn, type_name = self.slot, self.mrn, self.type_name
        note = self.query_one("#note", Input).value.strip() or None
        last = self.series or {}
        fields = [
            Field("frequency", "Repeat", value=last.get("frequency", "weekly"),
                  options=(("weekly", "weekly"), ("monthly", "monthly"))),
            Field("every", "Every", value=str(last.get("every", 1)), placeholder="1: every week (or month)"),
            Field("count", "Times", value=str(last.get("count") or ("" if last else 4)),
                  placeholder="how many in all, or blank and a last day"),
            Field("until", "Until", value=str(last.get("until") or ""), placeholder="YYYY-MM-DD (or a count)"),
        ]
        chosen: dict[str, Any] = {}

        def build(values: dict[str, Any]) -> Any:
            if not values["count"] and not values["until"]:
                raise field_error("count", "give how many times, or a last day")
            chosen.update(frequency=values["frequency"], every=values["every"] or "1",
                          count=values["count"] or None, until=values["until"] or None)
            return (recurring.book_series, (mrn, slot.provider_id, type_name, slot.start),
                    {**chosen, "note": note, "dry_run": True})

        def checked(result: Any) -> None:
            if result is None:
                return
            self.series, self.series_check = dict(chosen), result
            self._show_series()

        self.host.push_screen(FormDialog(self.host, f"Repeat {self.patient_name}'s {type_name} from "
                                         f"{when(slot.start)}", fields, build), checked)

    def _series_words(self) -> str:
        series = self.series or {}
        every = int(series.get("every") or 1)
        unit = "week" if series.get("frequency") == "weekly" else "month"
        how = f"every {every} {unit}s" if every > 1 else ("weekly" if unit == "week" else "monthly")
        return how + (f", {series['count']} times" if series.get("count") else f", until {series.get('until')}")

    def _show_series(self) -> None:
        """The series on the confirm step: how many are free, and every conflict."""
        result, slot = self.series_check, self.slot
        what = type_text(self.type_name or "", self.type_colour).plain
        refused = result.refused
        lines = [f"Book {self.patient_name}: {what} with {slot.provider}, {self._series_words()}, "
                 f"from {when(slot.start)}: {len(result.occurrences)} occurrences, "
                 f"{len(result.occurrences) - len(refused)} free."]
        lines += [f"  {o.label}: {o.problem}" for o in refused[:MAX_CONFLICTS_SHOWN]]
        if len(refused) > MAX_CONFLICTS_SHOWN:
            lines.append(f"  and {len(refused) - MAX_CONFLICTS_SHOWN} more")
        lines += [f"  {o.label}: {o.adjusted}" for o in result.occurrences if o.adjusted and not o.problem][:2]
        free = len(result.occurrences) - len(refused)
        conflicts = f"{len(refused)} conflict{'s' * (len(refused) != 1)}"
        if refused and free:
            lines.append(f"Nothing is booked yet: {conflicts}. Ctrl+O: book the {free} free date{'s' * (free != 1)} "
                         "and skip the rest   Ctrl+R: change   Escape: book it once")
        elif refused:
            lines.append(f"Nothing is booked: {conflicts}, no date free. Ctrl+R: change the repeat   "
                         "Escape: book it once")
        else:
            lines.append("Enter: book them all   Ctrl+R: change   Escape: book it once")
        self.query_one("#confirm-text", Static).update("\n".join(lines))
        self.say(f"Checked {len(result.occurrences)} dates; nothing written yet.")
        self.refresh_bindings()

    def action_book_free_dates(self) -> None:
        """Book the series' free dates and skip the conflicting ones (the dry run listed them)."""
        if self.step != "confirm" or self.booking or not self._free_dates_to_skip_to():
            return
        self._submit_series(self.query_one("#note", Input).value.strip() or None, skip_conflicts=True)

    def _submit_series(self, note: str | None, *, skip_conflicts: bool = False) -> None:
        from .. import recurring

        result, slot = self.series_check, self.slot
        if result is None or (result.refused and not skip_conflicts):
            count = len(result.refused) if result is not None else 0
            self.say(f"Not booked: {count} occurrence{'s' * (count != 1)} conflict"
                     + (" (Ctrl+O books the free dates, " if result is not None and result.booked else " (")
                     + "Ctrl+R changes the repeat, Escape books once).")
            return
        self.booking = True
        self.say("Booking the free dates…" if skip_conflicts else "Booking the series…")

        def done(series: Any) -> None:
            self.booking = False
            first = series.booked[0].start
            skipped = series.refused
            self.notify(f"Booked {series.patient}: {series.appointment_type}, {len(series.booked)} occurrences "
                        f"from {when(first)}" + (f"; skipped {', '.join(o.label for o in skipped)}" if skipped
                                                 else "") + ".", markup=False)
            self.dismiss(series)

        def failed(message: str) -> None:
            self.booking = False
            self.say(f"Not booked: {message}")

        run_call(self, self.host, recurring.book_series, self.mrn, slot.provider_id, self.type_name, slot.start,
                 **self.series, note=note, skip_conflicts=skip_conflicts, done=done, failed=failed)

    # -- helpers -----------------------------------------------------------------------------

    def _cursor_key(self, selector: str) -> str | None:
        table = self.query_one(selector, DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value


__all__ = ["BookingScreen", "choices"]
