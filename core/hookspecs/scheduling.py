"""The scheduling domain: availability, appointments and their flow through the day."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._markers import hookspec

if TYPE_CHECKING:
    from ..context import Context
    from ..domains import SchedulingService
    from ..records import AppointmentChange, AppointmentProposal, VisitRecord


@hookspec(firstresult=True)
def medoffice_scheduling_service(ctx: Context) -> SchedulingService | None:
    """Provide the scheduling domain.

    Implemented by the one enabled plugin whose ``provides`` is ``"scheduling"``.

    Returns:
        An object satisfying :class:`~medoffice.core.domains.SchedulingService`.
    """


@hookspec
def medoffice_validate_appointment(ctx: Context, proposal: AppointmentProposal) -> str | None:
    """Veto a booking or a move before it is written.

    Called by the scheduling provider for every booking and reschedule, after its own
    conflict checks. Any plugin may refuse (the staff plugin refuses a provider on leave).

    Args:
        ctx: the booking operation's context.
        proposal: what is about to be written.

    Returns:
        None to allow it, or a one-line reason to refuse it; the booking is refused with
        every reason given.
    """


@hookspec
def medoffice_appointment_changed(ctx: Context, change: AppointmentChange) -> None:
    """An appointment was booked, moved, cancelled, checked in, roomed, completed or missed,
    or the last of those steps of the day was undone.

    An undo (``change.kind == "undone"``) takes back a check-in, a rooming, a completion or
    a no-show: ``change.reason`` names the step (``"checked_in"``, ``"roomed"``,
    ``"completed"``, ``"no_show"``) and ``change.previous`` is the appointment before the
    undo. A plugin that acted on the step and cannot take its part back (billing, once a
    completed visit's charges are posted) raises a ``Conflict`` with a one-line reason: the
    undo is refused and nothing of it is written.

    Args:
        ctx: the operation's context.
        change: the kind of change, the appointment after it and, for a move or an undo,
            before it.
    """


@hookspec
def medoffice_visit_completed(ctx: Context, visit: VisitRecord) -> None:
    """A visit completed: billing opens an encounter, inventory draws the visit's supplies.

    Called in the operation that completes the appointment, after
    ``medoffice_appointment_changed``.

    Args:
        ctx: the operation's context.
        visit: the completed visit.
    """
