"""When each step of the day's flow may be taken: the front desk's rules, in one place.

A step needs the right status (you room a patient who has arrived, not one who is only
booked) and the right moment, judged by the practice's clock in its own time zone:

- **check in** and **room**: only on the appointment's own local day. A patient who comes
  tomorrow cannot have arrived today, and one left unroomed yesterday is not in a room today.
- **no-show**: not before the appointment's start time; a late patient is not missing yet.
  Later days are fine (the desk may tidy up yesterday's board).
- **complete**: not before the appointment's day has started; later days are fine (a visit
  documented after closing time).
- **cancel**: any time, for a booked or an arrived appointment.

The services refuse a step that breaks them (:func:`booking._advance` calls :func:`refusal`),
and the day board asks the same functions which keys to offer.
"""

from __future__ import annotations

import datetime as dt
from typing import Final
from zoneinfo import ZoneInfo

import attrs


@attrs.frozen
class Step:
    """One step of the day's flow.

    Attributes:
        allowed_from: the statuses it may start from.
        status: the status it leaves.
        stamp: the appointment's column that records when it was taken, if any.
        action: the audit log's action.
        verb: how a refusal names it (``cannot be …``).
        when: its time rule: ``"any time"``, ``"on the day"``, ``"from the start"`` or
            ``"from the day"``.
    """

    allowed_from: tuple[str, ...]
    status: str
    stamp: str | None
    action: str
    verb: str
    when: str


STEPS: Final[dict[str, Step]] = {
    "cancelled": Step(("booked", "arrived"), "cancelled", "cancelled_at", "appointment.cancelled", "cancelled",
                      "any time"),
    "no_show": Step(("booked",), "no_show", None, "appointment.no_show", "marked as a no-show", "from the start"),
    "checked_in": Step(("booked",), "arrived", "arrived_at", "appointment.checked_in", "checked in", "on the day"),
    "roomed": Step(("arrived",), "in_room", "roomed_at", "appointment.roomed", "roomed", "on the day"),
    "completed": Step(("arrived", "in_room"), "completed", "completed_at", "appointment.completed", "completed",
                      "from the day"),
}
"""Change kind (as ``medoffice_appointment_changed`` names it) -> its step."""


def refusal(kind: str, appointment_id: int, starts_at: dt.datetime, now: dt.datetime, zone: ZoneInfo) -> str | None:
    """Why step ``kind`` may not be taken now on the appointment starting at ``starts_at``, in
    one line, or None when it may (the status is checked apart, see :func:`status_refusal`).

    Args:
        kind: a key of :data:`STEPS`.
        appointment_id: named in the message.
        starts_at: the appointment's start (aware).
        now: the practice's clock (aware).
        zone: the practice's time zone, where days begin and end.
    """
    step = STEPS[kind]
    start = starts_at.astimezone(zone)
    today = now.astimezone(zone).date()
    if step.when == "on the day" and start.date() != today:
        return (f"appointment {appointment_id} is on {start:%a %Y-%m-%d}, not today ({today:%a %Y-%m-%d}): "
                f"a patient is {step.verb} only on the day of the appointment")
    if step.when == "from the start" and now < starts_at:
        return (f"appointment {appointment_id} starts {start:%a %Y-%m-%d %H:%M}: it cannot be {step.verb} "
                "before it starts")
    if step.when == "from the day" and today < start.date():
        return (f"appointment {appointment_id} is on {start:%a %Y-%m-%d}: it cannot be {step.verb} "
                "before its day")
    return None


def status_refusal(kind: str, appointment_id: int, status: str) -> str | None:
    """Why step ``kind`` may not follow ``status``, in one line, or None when it may."""
    step = STEPS[kind]
    if status in step.allowed_from:
        return None
    return f"appointment {appointment_id} is {status.replace('_', ' ')} and cannot be {step.verb}"


def allowed(kind: str, status: str, starts_at: dt.datetime, now: dt.datetime, zone: ZoneInfo) -> bool:
    """Whether step ``kind`` may be taken now (status and time): what the day board offers."""
    return status_refusal(kind, 0, status) is None and refusal(kind, 0, starts_at, now, zone) is None
