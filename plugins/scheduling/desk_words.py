"""What the booking flow tells the front desk, in the desk's words.

The services' refusals already name whose visit holds a time and when (``slot taken: Dr
Adams is booked 09:00-09:30 for Ann Lee's Check-up``), never an appointment id. When the
booking flow is refused because another desk booked the slot meanwhile, these read functions
say it as the desk would (``was just booked … for another patient``) from the data, not by
taking the service's message apart, and say whether a type suits the patient before the desk
chooses it.
"""

from __future__ import annotations

import datetime as dt

import attrs

from medoffice.core import Context

from . import appointment_lists
from .vocabulary import ACTIVE_STATUSES

STATUS_WORDS = {"booked": "booked", "arrived": "checked in", "in_room": "in a room", "completed": "done",
                "cancelled": "cancelled", "no_show": "a no-show"}


@attrs.frozen
class Standing:
    """Whether a patient is new or established, as the appointment types ask it.

    Attributes:
        seen: True when an appointment of theirs has started (they are established); False
            when they have no appointment at all (new); None when their first one is still to
            come (new before it, established after it: the day decides).
    """

    seen: bool | None

    def refusal(self, type_name: str, patient_kind: str, patient: str) -> str | None:
        """Why a type with ``patient_kind`` does not suit this patient, or None when it may."""
        if patient_kind == "new" and self.seen is True:
            return f"{type_name} is for new patients; {patient} has been seen before"
        if patient_kind == "established" and self.seen is False:
            return f"{type_name} is for patients seen before; {patient} is new"
        return None


def standing(ctx: Context, mrn: str) -> Standing:
    """The patient's :class:`Standing` now (the rule :func:`.booking.book` applies to each day)."""
    now = ctx.now()
    active = [v for v in appointment_lists.list_for_patient(ctx, mrn) if v.status in ACTIVE_STATUSES]
    if any(v.start < now for v in active):
        return Standing(True)
    return Standing(None if active else False)


def why_taken(ctx: Context, mrn: str, provider_id: int, start: dt.datetime, end: dt.datetime, *,
              moving: int | None = None) -> str | None:
    """What holds the provider or the patient during [start, end), in words: ``Lee, Ann already
    has a Check-up with Dr Baker 08:00-08:30``; None when nothing does (any more).

    Args:
        moving: the appointment being moved, which does not hold its own time.
    """
    local = ctx.local(start)
    for view in appointment_lists.day(ctx, local.date()):
        if view.id == moving or view.status not in ACTIVE_STATUSES or not (view.start < end and start < view.end):
            continue
        span = f"{view.start:%H:%M}-{view.end:%H:%M}"
        if view.mrn == mrn:
            return f"{view.patient} already has a {view.appointment_type} with {view.provider} {span}"
        if view.provider_id == provider_id:
            return f"{view.provider} was just booked {span} for another patient"
    return None


def why_not_movable(ctx: Context, appointment_id: int) -> str | None:
    """Why an appointment can no longer be moved, in words, or None when it still can."""
    view = appointment_lists.view(ctx, appointment_id)
    if view.status == "booked":
        return None
    return (f"{view.patient}'s {view.appointment_type} of {view.start:%a %Y-%m-%d %H:%M} is now "
            f"{STATUS_WORDS.get(view.status, view.status)}: only a booked appointment can be moved")


__all__ = ["Standing", "standing", "why_not_movable", "why_taken"]
