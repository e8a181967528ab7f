"""The booking flow's slot step: the slot finder's earliest free slots for the patient, paged
with ``]`` and ``[``, and the day typed in the jump field (``2w``, ``12/17``, ``tue``; see
:mod:`..day_jump`) that they start from. When rescheduling, the appointment being moved
holds nothing against its own move and slots start every quarter of an hour.

Kept apart from the flow's other steps because it has its own state: the days searched from,
the search on its way (an older search's answer is never shown once another day was typed),
and a typed day that cannot be read, which stops Enter from taking a slot until it is mended.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from medoffice.core import Context, MedofficeError
from medoffice.ui import DataTable

if TYPE_CHECKING:
    from .booking import BookingScreen

SLOT_LIMIT = 30
"""The most slots listed at once; ``]`` lists later ones."""

MOVE_STEP_MINUTES = 15
"""When rescheduling, slots start this often (or every type's length, when shorter), so a
visit can be moved a quarter of an hour later; a new booking's slots follow the type's
length."""

JUMP_DELAY = 0.15
"""Seconds of typing pause before the slots follow the day typed."""


class SlotStep:
    """The slots listed, and the days they are searched from.

    Args:
        flow: the booking screen it belongs to.
    """

    def __init__(self, flow: BookingScreen) -> None:
        self.flow = flow
        self.slots: list[Any] = []
        self.search_from: list[dt.date] = []
        """The first days searched, the latest last (a jump, then each ``]``)."""
        self.loading = False
        self.jump_error: str | None = None
        """Why the typed day cannot be read; no slot is taken while it stands."""
        self.refusal: str | None = None
        """Why the last booking was refused, kept on show while the slots are found again."""
        self._search = 0
        self._timer: Timer | None = None

    def first_day(self) -> dt.date | None:
        """The day the slots are searched from (None: the service's today)."""
        flow = self.flow
        if self.search_from:
            return self.search_from[-1]
        if flow.start_day is not None and (flow.today is None or flow.start_day > flow.today):
            return flow.start_day
        return None

    def waiting(self) -> bool:
        """Whether the slots are not here yet; a day typed just now is searched at once."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
            self.jump()
        return self.loading or self.flow.today is None

    # -- the jump field ----------------------------------------------------------------------

    def typed(self, held: bool) -> None:
        """The jump field changed: follow it after a pause (not while an Enter waits)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.flow.step == "slot" and not held:
            self._timer = self.flow.set_timer(JUMP_DELAY, self._after_pause)

    def _after_pause(self) -> None:
        self._timer = None
        self.jump()

    def jump(self) -> None:
        """List the slots from the day typed (or from the start, when the field is emptied)."""
        if self.flow.step != "slot":
            return
        self.read_jump()
        if self.jump_error is None:
            self.find()

    def read_jump(self) -> None:
        """Read the jump field into :attr:`search_from`; a day it cannot read is said under it."""
        from ..day_jump import parse_day

        flow = self.flow
        text = flow.query_one("#slot-jump", Input).value.strip()
        message = flow.query_one("#slot-jump-message", Static)
        self.jump_error = None
        if not text:
            self.search_from = []
            message.display = False
            return
        if flow.today is None:
            return  # read again when the choices (and today) arrive
        try:
            day = parse_day(text, flow.today, field="day")
        except MedofficeError as error:
            self.jump_error = str(error)
            message.update(f"Cannot jump: {error}.")
            message.display = True
            return
        message.display = False
        self.search_from = [day]

    # -- searching ---------------------------------------------------------------------------

    def find(self) -> None:
        """Search the slots from :meth:`first_day`; the list empties until they arrive."""
        flow = self.flow
        flow.query_one("#slots", DataTable).clear()
        self.slots = []
        flow.say("Looking for free slots…")
        self.loading = True
        self._search += 1
        search, type_name, mrn = self._search, flow.type_name or "", flow.mrn
        provider_id = flow.provider[0] if flow.provider else None
        first = self.first_day()
        moving = flow.reschedule.id if flow.reschedule is not None else None

        def work() -> None:
            from .. import catalogue
            from ..slots import blocked_words, find_slots

            def slots_for(ctx: Context) -> tuple[list[Any], str | None]:
                day = first or ctx.local(ctx.now()).date()
                step = None
                if moving is not None:  # its own time is free to it; a quarter of an hour later is offered
                    step = min(MOVE_STEP_MINUTES, catalogue.type_by_name(ctx, type_name).duration_minutes)
                found = find_slots(ctx, type_name, day, provider_id=provider_id, limit=SLOT_LIMIT, patient=mrn,
                                   step_minutes=step, moving=moving)
                blocked = blocked_words(ctx, provider_id, day) if provider_id is not None and not found else None
                return found, blocked

            worker = get_current_worker()
            try:
                found, blocked = flow.host.call(slots_for, write=False)
            except Exception as exc:
                if not isinstance(exc, MedofficeError):
                    flow.host.notify_error(exc)
                message = str(exc) if isinstance(exc, MedofficeError) else "The slot search failed."
                if not worker.is_cancelled:
                    flow.app.call_from_thread(self._failed, search, message)
                return
            if not worker.is_cancelled:  # another provider or day was chosen meanwhile
                flow.app.call_from_thread(self._show, search, found, blocked)

        flow.run_worker(work, thread=True, exclusive=True, group="booking-slots", exit_on_error=False)

    def _failed(self, search: int, message: str) -> None:
        if search != self._search:
            return
        self.loading = False
        self.flow.drop_held()
        self.flow.say(message)

    def _show(self, search: int, found: list[Any], blocked: str | None = None) -> None:
        flow = self.flow
        if not flow.is_attached or flow.step != "slot" or search != self._search:
            return  # gone, or a later search (another day typed) is on its way
        self.loading = False
        self.slots = found
        table = flow.query_one("#slots", DataTable)
        table.clear()
        for index, slot in enumerate(found):
            table.add_row(f"{slot.start:%a %Y-%m-%d}", f"{slot.start:%H:%M}", slot.provider, slot.location,
                          key=str(index))
        if self.refusal is not None:
            flow.say(self.refusal)
            self.refusal = None
        elif found:
            flow.say(f"{len(found)} free slot{'s' * (len(found) != 1)} from {found[0].start:%a %Y-%m-%d}"
                     f"{' for ' + flow.patient_name if flow.patient_name else ''}; ] later, [ sooner.")
        elif blocked:
            flow.say(f"No free slot. {blocked}")
        else:
            flow.say(f"No free slot in the 30 days from {self.first_day() or flow.today or 'today'}. "
                     "] looks later.")
        flow.play_held()

    def _settle_typing(self) -> None:
        """A day typed whose pause is not over yet is read now, so that ``]`` or ``[`` pressed
        right after it pages from that day, and the pause's end cannot undo the page. When
        it names another day than the slots listed, they no longer count for paging."""
        if self._timer is None:
            return
        self._timer.stop()
        self._timer = None
        listed_from = self.search_from[:1]
        self.read_jump()
        if self.search_from[:1] != listed_from:
            self.slots = []

    def later(self) -> None:
        """Look for slots after the last one listed (or a month on, if none)."""
        self._settle_typing()
        if self.slots:
            after = self.slots[-1].start.date() + dt.timedelta(days=1)
        else:
            after = (self.first_day() or self.flow.today or dt.date.today()) + dt.timedelta(days=31)
        self.search_from.append(after)
        self.find()

    def sooner(self) -> None:
        """Back to the slots listed before ``]`` (never before the day typed)."""
        self._settle_typing()
        if len(self.search_from) > (1 if self.flow.query_one("#slot-jump", Input).value.strip() else 0):
            self.search_from.pop()
            self.find()


__all__ = ["SLOT_LIMIT", "SlotStep"]
