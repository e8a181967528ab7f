"""The booking flow: patient → appointment type → provider or "any" → a free slot → confirm.

One screen, one step at a time, each answered with Enter: the patient (searched as you type,
unless the flow was opened from their card), the type (type to filter; a type the patient
cannot have is listed dimmed with the reason and cannot be taken), the provider (type to
filter; "Any provider" first), the slot finder's earliest slots for this patient (times they
are booked elsewhere are left out; typing a day such as ``2w`` or ``12/17`` jumps there), and
a confirm line with an optional note. Booking an established patient from their card into
the first free slot of the first type is ``b`` and four Enters. Escape goes back one step.
``o`` on the slots overbooks (with a reason) for users with ``scheduling.overbook``. The same
flow reschedules an appointment (``m`` on the day board): it opens on the slots of the
appointment's type and provider, and its confirm step has no note and no repeat.

On the confirm step, Ctrl+R repeats the booking (see :mod:`.booking_repeat`); Enter books
through :mod:`.booking_confirm`.

Keys typed ahead are kept in order: an Enter pressed while a step's list is loading waits for
it, and what is typed after that Enter goes to the step it was meant for
(:mod:`.booking_widgets`). Refusals are said in the desk's words (:mod:`..desk_words`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Header, Input, Static
from textual.worker import get_current_worker

from medoffice.core import Context, MedofficeError
from medoffice.core.records import PatientMatch, PatientRecord
from medoffice.core.ui import ScreenHost
from medoffice.ui import DataTable, Footer, PatientSearch, may

from ..permissions import OVERBOOK
from .booking_confirm import ConfirmStep
from .booking_repeat import MAX_CONFLICTS_SHOWN, RepeatStep
from .booking_slots import SLOT_LIMIT, SlotStep
from .booking_widgets import FilterInput, JumpInput, StepInput, StepTable
from ._shared import log, type_text, when

SEARCH_DELAY = 0.15
"""Seconds of typing pause before a patient search starts."""

PATIENT_LIMIT = 20
"""The most patients a search lists."""

STEPS = ("patient", "type", "provider", "slot", "confirm")

PROMPTS = {
    "patient": "Who? Type a name, date of birth, phone or MRN; Enter picks the highlighted patient.",
    "type": "Which appointment type? Type to filter; Enter picks the highlighted one.",
    "provider": "With whom? Type to filter; Enter picks. \"Any provider\": the earliest of all.",
    "slot": "When? Enter takes the highlighted slot; type a day to jump (2w, 12/17, tue).",
    "confirm": "Enter books. A note is optional. Ctrl+R repeats it.",
}
MOVE_PROMPTS = {
    "slot": "Move to when? Enter takes the highlighted slot; type a day to jump (2w, 12/17, tue).",
    "confirm": "Enter moves it; Escape picks another slot.",
}

FIELDS = {"patient": "#patient-query", "type": "#type-filter", "provider": "#provider-filter",
          "slot": "#slot-jump", "confirm": "#note"}
"""Where each step's typing goes."""


def choices(ctx: Context, mrn: str | None = None) -> tuple[list[Any], list[tuple[int, str]], dt.date, Any]:
    """The appointment types, the providers with availability, the practice's today, and the
    patient's standing (new or established; None without a patient)."""
    from .. import catalogue, desk_words

    types = catalogue.list_types(ctx)
    providers = sorted({(t.provider_id, t.provider) for t in catalogue.list_templates(ctx)}, key=lambda p: p[1])
    standing = desk_words.standing(ctx, mrn) if mrn else None
    return types, providers, ctx.local(ctx.now()).date(), standing


def patient_standing(ctx: Context, mrn: str) -> Any:
    """The patient's standing (see :func:`..desk_words.standing`)."""
    from .. import desk_words

    return desk_words.standing(ctx, mrn)


def matches(name: str, typed: str) -> bool:
    """Whether a provider's name answers what was typed: a word of it starts with it
    (``ad`` finds Dr Adams), or the whole name does."""
    wanted = " ".join(typed.lower().split())
    lowered = name.lower()
    return not wanted or lowered.startswith(wanted) or any(w.startswith(wanted) for w in lowered.split())


class BookingScreen(Screen[Any]):
    """Book (or reschedule) an appointment, one step at a time; dismisses with the new record.

    Args:
        host: the scheduling plugin's host.
        patient: book for this patient (from their card); None asks who.
        reschedule: move this appointment (a ``appointment_lists.AppointmentView``) instead of booking.
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
        self.today: dt.date | None = None
        self.booking = False
        self.repeat = RepeatStep(self)
        self.slot_step = SlotStep(self)
        self.confirm_step = ConfirmStep(self)
        self.standing: Any = None
        """The patient's standing (``desk_words.Standing``) once known, for :attr:`standing_of`."""
        self.standing_of: str | None = None
        self._patients: dict[str, PatientRecord] = {}
        self._shown_query: str | None = None
        self._held = 0
        """Enters typed while the step's list was still loading, played back when it arrives."""
        self.patient_search = PatientSearch(self, host, "#patient-query", self._show_patients, limit=PATIENT_LIMIT,
                                            delay=SEARCH_DELAY)
        self._asked_patient = patient is None and reschedule is None
        """False when the flow opened with a patient (from their card): Escape closes there."""
        if patient is not None:
            self.mrn, self.patient_name = patient.mrn, patient.display_name
            self.step = "type"
        if reschedule is not None:
            self.mrn, self.patient_name = reschedule.mrn, reschedule.patient
            self.type_name = reschedule.appointment_type
            self.provider = (reschedule.provider_id, reschedule.provider)
            self.step = "slot"

    @property
    def slots(self) -> list[Any]:
        """The slots listed now (see :class:`.booking_slots.SlotStep`)."""
        return self.slot_step.slots

    @property
    def series(self) -> dict[str, Any] | None:
        """How the booking repeats, or None for once (see :class:`.booking_repeat.RepeatStep`)."""
        return self.repeat.series

    @property
    def series_check(self) -> Any:
        """The check of :attr:`series`: what would be booked."""
        return self.repeat.check

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="booking-summary", markup=False)
        yield Static("", id="booking-prompt", markup=False)
        with ContentSwitcher(initial=f"step-{self.step}", id="steps"):
            with Vertical(id="step-patient", classes="step"):
                yield StepInput(id="patient-query", placeholder="Find a patient: name, DOB, phone or MRN")
                yield StepTable(id="patients", cursor_type="row", zebra_stripes=True)
            with Vertical(id="step-type", classes="step"):
                yield FilterInput("types", id="type-filter", placeholder="type to filter")
                yield StepTable(id="types", cursor_type="row", zebra_stripes=True)
            with Vertical(id="step-provider", classes="step"):
                yield FilterInput("providers", id="provider-filter", placeholder="type to filter: a few letters "
                                  "of the name")
                yield StepTable(id="providers", cursor_type="row", zebra_stripes=True)
            with Vertical(id="step-slot", classes="step"):
                yield JumpInput("slots", id="slot-jump", max_length=60,
                                placeholder="jump to a day: 2w, in 3 days, +14, 12/17, 2026-12-17, tue")
                yield Static("", id="slot-jump-message", markup=False)
                yield StepTable(id="slots", cursor_type="row", zebra_stripes=True)
            with Vertical(id="step-confirm", classes="step"):
                yield Static("", id="confirm-text", markup=False)
                yield StepInput(id="note", placeholder="note (optional): why the patient comes", max_length=500)
        yield Static("", id="booking-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Reschedule" if self.reschedule is not None else "Book an appointment"
        self.query_one("#patients", DataTable).add_columns("MRN", "Name", "Born", "Phone")
        self.query_one("#types", DataTable).add_columns("Type", "Minutes", "For")
        self.query_one("#providers", DataTable).add_columns("Provider")
        self.query_one("#slots", DataTable).add_columns("Day", "Time", "Provider", "Location")
        self.query_one("#slot-jump-message", Static).display = False
        self.go(self.step)
        self._load_choices(self.mrn if self.step == "type" else None)

    # -- moving between steps ----------------------------------------------------------------

    def go(self, step: str) -> None:
        """Show ``step``, focus its field or list, and load what it needs."""
        self.step = step
        self.query_one("#steps", ContentSwitcher).current = f"step-{step}"
        prompts = MOVE_PROMPTS if self.reschedule is not None else {}
        self.query_one("#booking-prompt", Static).update(
            prompts.get(step, PROMPTS[step]) + (" o: overbook." if step == "slot" and may(self.host, OVERBOOK)
                                                else ""))
        self._update_summary()
        self.say("")
        if step == "confirm":
            self.confirm_step.show()
        if step == "slot":
            self.slot_step.read_jump()
            self.slot_step.find()
        focus = "#slots" if step == "slot" and not self.query_one("#slot-jump", Input).value else FIELDS[step]
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
        if self.step == "confirm" and self.repeat.series is not None:
            self.repeat.drop()
            self.confirm_step.show()
            self.say("Booking it once.")
            self.refresh_bindings()
            return
        order = self._order()
        index = order.index(self.step) if self.step in order else 0
        if index == 0:
            self.dismiss(None)
            return
        self.go(order[index - 1])

    def _order(self) -> list[str]:
        return [s for s in STEPS if self._offered(s)]

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
            return self.step == "confirm" and self.repeat.can_skip_conflicts()
        return True

    # -- keys typed ahead --------------------------------------------------------------------

    def route_typed_ahead(self, event: events.Key) -> bool:
        """Put a key typed after a waiting Enter into the field of the step that Enter leads
        to; and a day typed on the slot list into the jump field. True when taken."""
        if self._held:
            order = self._order()
            index = order.index(self.step) + self._held if self.step in order else len(order)
            target = order[index] if index < len(order) else None
            if target is None or not (event.is_printable or event.key == "backspace"):
                return False
            field = self.query_one(FIELDS[target], Input)
            if event.key == "backspace":
                field.action_delete_left()
            else:
                field.insert_text_at_cursor(event.character or "")
            return True
        if self.step == "slot" and isinstance(self.focused, DataTable) and event.is_printable \
                and event.key not in self.active_bindings and (event.character or "").strip():
            jump = self.query_one("#slot-jump", Input)
            jump.value = ""
            jump.focus()
            jump.insert_text_at_cursor(event.character or "")
            return True
        return False

    # -- Enter -------------------------------------------------------------------------------

    def action_enter(self) -> None:
        """Enter answers the current step. One pressed while the step's list is still loading
        is held and played back when the list arrives, so a receptionist typing ahead never
        loses a key."""
        if self._held or self._waiting():
            self._held += 1
            return
        self._answer()

    def _answer(self) -> None:
        {"patient": self._pick_patient, "type": self._pick_type, "provider": self._pick_provider,
         "slot": self._pick_slot, "confirm": self.action_confirm}[self.step]()

    def _waiting(self) -> bool:
        """Whether the current step's choices have not arrived yet."""
        if self.step == "patient":
            text = self.query_one("#patient-query", Input).value.strip()
            if text and self._shown_query != text:
                if self.patient_search.waiting_to_start:
                    self.patient_search.now(text)  # typed, then Enter at once: search now
                return True
            return False
        if self.step in ("type", "provider"):
            return self.today is None or (self.step == "type" and self.standing_of != self.mrn)
        if self.step == "slot":
            return self.slot_step.waiting()
        return False

    def play_held(self) -> None:
        """Play back the Enters held while loading, until a step needs to load again."""
        while self._held and not self._waiting():
            self._held -= 1
            self._answer()

    def drop_held(self) -> None:
        """Forget the Enters held: what they waited for failed."""
        self._held = 0

    # -- patient -----------------------------------------------------------------------------

    @on(Input.Changed, "#patient-query")
    def _typed(self) -> None:
        self._held = 0
        self.patient_search.typed()

    def _show_patients(self, text: str, matches: list[PatientMatch] | BaseException) -> None:
        if isinstance(matches, BaseException):
            self.host.notify_error(matches)
            return
        found = [match.patient for match in matches]
        table = self.query_one("#patients", DataTable)
        table.clear()
        self._patients = {p.mrn: p for p in found}
        for p in found:
            table.add_row(p.mrn, p.display_name, p.date_of_birth.isoformat(), p.phone or "", key=p.mrn)
        self._shown_query = text
        self.say("" if found else f"No patient matches {text!r}.")
        self.play_held()

    @on(DataTable.RowSelected, "#patients")
    def _patient_row(self) -> None:
        self._pick_patient()

    def _pick_patient(self) -> None:
        if self.query_one("#patient-query", Input).value.strip() != self._shown_query:
            return
        key = self.cursor_key("#patients")
        if key is None or key not in self._patients:
            return
        patient = self._patients[key]
        self.mrn, self.patient_name = patient.mrn, patient.display_name
        if self.standing_of != patient.mrn:
            self.standing = self.standing_of = None
            self._load_standing(patient.mrn)
        self.go("type")

    # -- type and provider -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="booking-choices", exit_on_error=False)
    def _load_choices(self, mrn: str | None) -> None:
        try:
            types, providers, today, standing = self.host.call(choices, mrn, write=False)
        except Exception as exc:
            if not isinstance(exc, MedofficeError):
                log.exception("loading appointment types failed")
            self.host.notify_error(exc)
            return
        self.app.call_from_thread(self._show_choices, types, providers, today, mrn, standing)

    @work(thread=True, exclusive=True, group="booking-standing", exit_on_error=False)
    def _load_standing(self, mrn: str) -> None:
        try:
            standing = self.host.call(patient_standing, mrn, write=False)
        except Exception as exc:  # said by the host; the types are then offered undimmed
            self.host.notify_error(exc)
            standing = None
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_standing, mrn, standing)

    def _show_standing(self, mrn: str, standing: Any) -> None:
        if not self.is_attached or mrn != self.mrn:
            return
        self.standing, self.standing_of = standing, mrn
        self._fill_types(self.query_one("#type-filter", Input).value)
        self.play_held()

    def _show_choices(self, types: list[Any], providers: list[tuple[int, str]], today: dt.date,
                      mrn: str | None, standing: Any) -> None:
        if not self.is_attached:
            return
        self.types, self.providers, self.today = types, providers, today
        if mrn is not None and mrn == self.mrn:
            self.standing, self.standing_of = standing, mrn
        if self.reschedule is not None:
            self.type_colour = next((t.colour for t in types if t.name == self.type_name), None)
        self._fill_types(self.query_one("#type-filter", Input).value)
        self._fill_providers(self.query_one("#provider-filter", Input).value)
        if self.provider is not None and self.step != "provider":
            table = self.query_one("#providers", DataTable)
            index = next((i + 1 for i, p in enumerate(providers) if p[0] == self.provider[0]), 0)
            table.move_cursor(row=min(index, max(table.row_count - 1, 0)), animate=False)
        if not types:
            self.say("There are no appointment types yet: a manager sets them up (medoffice schedule types add).")
        if self.step == "slot" and self.slot_step.jump_error is None and self.query_one("#slot-jump", Input).value:
            self.slot_step.jump()  # the day typed before today was known
            return
        self.play_held()

    def _type_refusal(self, kind: Any) -> str | None:
        """Why the patient cannot have ``kind`` (None: they may, or it is not known yet)."""
        if self.standing is None or self.standing_of != self.mrn:
            return None
        return self.standing.refusal(kind.name, kind.patient_kind, self.patient_name or "this patient")

    def _fill_types(self, text: str) -> None:
        wanted = text.strip().lower()
        found = [t for t in self.types if wanted in t.name.lower()]
        # Types the patient may have first, prefix matches first; the rest dimmed, with why.
        found.sort(key=lambda t: (self._type_refusal(t) is not None, not t.name.lower().startswith(wanted)))
        table = self.query_one("#types", DataTable)
        table.clear()
        for kind in found:
            refusal = self._type_refusal(kind)
            if refusal is None:
                table.add_row(type_text(kind.name, kind.colour), str(kind.duration_minutes), kind.patient_kind,
                              key=kind.name)
            else:
                table.add_row(Text(kind.name, style="dim"), Text(str(kind.duration_minutes), style="dim"),
                              Text(f"{kind.patient_kind} patients only", style="dim"), key=kind.name)

    @on(Input.Changed, "#type-filter")
    def _type_filter(self, event: Input.Changed) -> None:
        self._fill_types(event.value)

    def _fill_providers(self, text: str) -> None:
        table = self.query_one("#providers", DataTable)
        table.clear()
        if not text.strip():
            table.add_row("Any provider (earliest slot)", key="any")
        for provider_id, name in self.providers:
            if matches(name, text):
                table.add_row(name, key=str(provider_id))
        if text.strip() and self.today is not None:
            self.say("" if table.row_count else f"No provider's name has a word starting {text.strip()!r}.")

    @on(Input.Changed, "#provider-filter")
    def _provider_filter(self, event: Input.Changed) -> None:
        self._fill_providers(event.value)

    @on(DataTable.RowSelected, "#types")
    def _pick_type(self) -> None:
        name = self.cursor_key("#types")
        if name is None:
            return
        kind = next((t for t in self.types if t.name == name), None)
        refusal = self._type_refusal(kind) if kind is not None else None
        if refusal is not None:
            self._held = 0
            self.say(f"Not offered: {refusal}.")
            return
        self.type_name = name
        self.type_colour = kind.colour if kind is not None else None
        self.go("provider")

    @on(DataTable.RowSelected, "#providers")
    def _pick_provider(self) -> None:
        key = self.cursor_key("#providers")
        if key is None:
            return
        self.provider = None if key == "any" else next((p for p in self.providers if str(p[0]) == key), None)
        self.slot_step.search_from = []
        self.go("slot")

    # -- slots -------------------------------------------------------------------------------

    @on(Input.Changed, "#slot-jump")
    def _jump_typed(self) -> None:
        self.slot_step.typed(held=bool(self._held))

    @on(DataTable.RowSelected, "#slots")
    def _pick_slot(self) -> None:
        if self.slot_step.jump_error is not None:
            self._held = 0
            self.say("Nothing taken: mend the day typed above, or rub it out.")
            return
        key = self.cursor_key("#slots")
        if key is None:
            return
        self.slot = self.slot_step.slots[int(key)]
        self.repeat.drop()
        self.go("confirm")

    def action_later(self) -> None:
        """Look for slots after the last one listed (or a month on, if none)."""
        self.slot_step.later()

    def action_sooner(self) -> None:
        """Back to the slots listed before ``]``."""
        self.slot_step.sooner()

    # -- confirming (booking_confirm.py) -----------------------------------------------------

    def action_confirm(self) -> None:
        """Book (or move to) the chosen slot; or book the series, when every occurrence is free."""
        if self.step != "confirm" or self.slot is None or self.booking:
            return
        note = self.query_one("#note", Input).value.strip() or None
        if self.repeat.series is not None:
            self.repeat.submit(note)
            return
        self.confirm_step.submit(self.slot.provider_id, self.slot.start, note=note)

    def action_overbook(self) -> None:
        """Book over a taken time with a reason (``scheduling.overbook``)."""
        self.confirm_step.overbook()

    # -- repeating ---------------------------------------------------------------------------

    def action_repeat(self) -> None:
        """Repeat the booking: ask how, check every occurrence, list the conflicts."""
        if self.step != "confirm" or self.slot is None or self.reschedule is not None:
            return
        self.repeat.ask()

    def action_book_free_dates(self) -> None:
        """Book the series' free dates and skip the conflicting ones (the check listed them)."""
        if self.step != "confirm" or self.booking or not self.repeat.can_skip_conflicts():
            return
        self.repeat.submit(self.query_one("#note", Input).value.strip() or None, skip_conflicts=True)

    # -- helpers -----------------------------------------------------------------------------

    def cursor_key(self, selector: str) -> str | None:
        """The key of the row under the cursor of the table ``selector``, if it has rows."""
        table = self.query_one(selector, DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value


__all__ = ["MAX_CONFLICTS_SHOWN", "SLOT_LIMIT", "BookingScreen", "choices"]
