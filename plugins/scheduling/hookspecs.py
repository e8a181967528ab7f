"""Hooks the scheduling plugin publishes (``PluginInfo.hookspecs``): what patient-messaging
plugins (SMS, e-mail, a portal) implement to tell patients about their appointments, a
family that belongs to scheduling rather than to the core.

Other plugins implement them with ``@hookimpl`` like any core hook. The specifications are
known to the plugin manager whenever the scheduling plugin is installed, enabled or not, so
an implementation is checked against them; an implementer that may run without the
scheduling plugin installed marks its implementation ``@hookimpl(optionalhook=True)``.

``medoffice_send_reminders`` and ``medoffice_waitlist_offer`` kept their names when they
moved here from ``medoffice.core.hookspecs.scheduling``: delivery plugins written before
need no change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from medoffice.core import hookspec

if TYPE_CHECKING:
    from medoffice.core.context import Context
    from medoffice.core.records import Reminder, WaitlistOffer


@hookspec
def medoffice_send_reminders(ctx: Context, reminders: tuple[Reminder, ...]) -> list[int] | None:
    """Deliver appointment reminders (SMS, e-mail, a phone robot).

    Called by the scheduling plugin's ``medoffice appointments reminders --send`` with the
    reminders of one local day (tomorrow by default). Every implementation receives every
    reminder and sends those it can deliver through its own channel (an SMS plugin the ones
    with a phone).

    Args:
        ctx: the operation sending them.
        reminders: one :class:`~medoffice.core.records.Reminder` per appointment that holds
            its slot that day, by start time.

    Returns:
        The reminders it sent, as the records themselves or their ``appointment_id``; None
        or an empty list when it sent none. The caller reports how many each plugin sent.
        A plugin that fails to deliver some reminders leaves them out rather than raising;
        raising rolls back the operation's audit entry and names the plugin.
    """


@hookspec
def medoffice_waitlist_offer(ctx: Context, offer: WaitlistOffer) -> None:
    """A freed slot is offered to a patient on the waitlist.

    Called by the scheduling plugin once per fitting waitlist entry, oldest entry first,
    in the operation that cancels an appointment or moves it away, after the entry was
    marked ``offered``. A delivery plugin (SMS, e-mail) tells the patient. The offer is not
    a booking: the front desk books from the entry when the patient
    says yes (``medoffice waitlist book``).

    Args:
        ctx: the operation that freed the slot (its user is the one who cancelled or moved).
        offer: the entry, the patient, the appointment type and the free span
            (``start``…``end``, UTC) with its provider and location.

    Returns:
        Nothing. Raising rolls back the cancellation or the move with the offer.
    """
