"""The booking flow's last step: the confirm line, and writing the booking (or the move, or an
overbooking) through the service, with a refusal said in the desk's words.

Kept apart from the flow's choosing steps because it is where the flow writes: one booking at
a time (``flow.booking`` is true until the service answers), in a worker, and a slot taken
meanwhile (a :class:`SlotTaken`, told by its kind, never its words) sends the desk back to
the slots free now (:mod:`..desk_words` says who took it); any other refusal stays put.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from textual.widgets import Input, Static

from medoffice.core import Conflict, MedofficeError, SlotTaken

from ._shared import type_text, when

if TYPE_CHECKING:
    from .booking import BookingScreen


class ConfirmStep:
    """The confirm line and the write.

    Args:
        flow: the booking screen it belongs to.
    """

    def __init__(self, flow: BookingScreen) -> None:
        self.flow = flow

    def show(self) -> None:
        """Say what Enter will book (or the series' check, when the booking repeats)."""
        flow = self.flow
        if flow.repeat.series is not None:
            flow.repeat.show()
            return
        slot = flow.slot
        what = type_text(flow.type_name or "", flow.type_colour).plain
        if flow.reschedule is not None:
            text = (f"Move {flow.patient_name}'s {what} from {when(flow.reschedule.start)} "
                    f"to {when(slot.start)}-{slot.end:%H:%M} with {slot.provider} at {slot.location}?")
        else:
            text = (f"Book {flow.patient_name}: {what}, {when(slot.start)}-{slot.end:%H:%M} "
                    f"with {slot.provider} at {slot.location}?")
        flow.query_one("#confirm-text", Static).update(text + "\nEnter: yes   Escape: another slot")
        flow.query_one("#note", Input).display = flow.reschedule is None

    def submit(self, provider_id: int, start: dt.datetime | str, *, note: str | None = None,
               overbook_reason: str | None = None) -> None:
        """Book (or move) at ``start`` with ``provider_id``; the flow closes when it is done."""
        flow = self.flow
        flow.booking = True
        flow.say("Booking…")
        slot = flow.slot
        flow.run_worker(lambda: self._write(provider_id, start, note, overbook_reason, slot), thread=True,
                        exclusive=True, group="booking-write", exit_on_error=False)

    def _write(self, provider_id: int, start: dt.datetime | str, note: str | None, overbook_reason: str | None,
               slot: Any) -> None:
        """Book or move in a worker; a refusal is said in the desk's words, on the UI thread."""
        from .. import booking, desk_words

        flow = self.flow
        host, moving = flow.host, flow.reschedule
        try:
            if moving is not None:
                record = host.call(booking.move, moving.id, start, provider_id=provider_id,
                                   overbook_reason=overbook_reason)
            else:
                record = host.call(booking.book, flow.mrn, provider_id, flow.type_name, start, note=note,
                                   overbook_reason=overbook_reason)
        except MedofficeError as error:
            words: str | None = None
            gone = False
            if isinstance(error, Conflict):
                try:
                    if moving is not None:
                        words = host.call(desk_words.why_not_movable, moving.id, write=False)
                        gone = words is not None
                    if words is None and slot is not None:
                        words = host.call(desk_words.why_taken, flow.mrn, slot.provider_id, slot.start, slot.end,
                                          moving=moving.id if moving is not None else None, write=False)
                except MedofficeError:
                    words = None
            flow.app.call_from_thread(self.refused, error, words, isinstance(error, SlotTaken) and not gone)
            return
        except Exception as error:  # a bug: logged and shown by the host; the flow stays up
            host.notify_error(error)
            flow.app.call_from_thread(self.refused, error, None, False)
            return
        flow.app.call_from_thread(self.booked, record)

    def booked(self, record: Any) -> None:
        """Say what was booked and close the flow with the record."""
        flow = self.flow
        flow.booking = False
        shown = flow.slot or (flow.slots[0] if flow.slots else None)  # the overbooked time: a listed one's zone
        local = record.start.astimezone(shown.start.tzinfo) if shown is not None else record.start
        provider = next((name for pid, name in flow.providers if pid == record.provider_id), None) \
            or (shown.provider if shown is not None and shown.provider_id == record.provider_id else None)
        verb = "Moved" if flow.reschedule is not None else "Booked"
        flow.notify(f"{verb} {flow.patient_name}: {record.appointment_type}"
                    + (f" with {provider}" if provider else "") + f", {when(local)}.", markup=False)
        flow.dismiss(record)

    def refused(self, error: BaseException, words: str | None, slot_taken: bool) -> None:
        """Say why nothing was booked, in the desk's words when a slot was taken (``words``);
        a slot taken meanwhile sends the desk back to the slots free now."""
        flow = self.flow
        flow.booking = False
        verb = "Not moved" if flow.reschedule is not None else "Not booked"
        if not isinstance(error, MedofficeError):
            flow.say(f"{verb}: unexpected {type(error).__name__}.")
            return
        message = f"{verb}: {words}." if words is not None else f"{verb}: {error}"
        flow.say(message)
        if slot_taken and flow.step == "confirm":
            flow.slot_step.refusal = message + " Free now:"
            flow.go("slot")

    def overbook(self) -> None:
        """Ask when and why to book over a taken time (``scheduling.overbook``), then book."""
        from .dialogs import OverbookDialog

        flow = self.flow
        key = flow.cursor_key("#slots")
        slot = flow.slots[int(key)] if key is not None else None
        if slot is not None:
            provider_id, name, start = slot.provider_id, slot.provider, f"{slot.start:%Y-%m-%d %H:%M}"
        elif flow.provider is not None:
            provider_id, name, start = flow.provider[0], flow.provider[1], ""
        else:
            flow.say("Choose a provider first (Escape), then o to overbook.")
            return

        def answered(answer: tuple[str, str] | None) -> None:
            if answer is not None:
                self.submit(provider_id, answer[0], overbook_reason=answer[1])

        flow.host.push_screen(OverbookDialog(f"Overbook {flow.patient_name} with {name}: when, and why?", start),
                              answered)
