"""Records the scheduling domain hands to delivery plugins: waitlist offers and reminders.

A delivery plugin (SMS, e-mail, a patient portal) or the TUI receives them through
``medoffice_waitlist_offer`` and ``medoffice_send_reminders``. They carry what a message to
the patient needs, so that a delivery plugin never reads the scheduling plugin's tables.
Times are aware datetimes in UTC; show them with ``ctx.local``.

.. versionadded:: 1 (hook API version 1)
"""

from __future__ import annotations

import datetime as dt

import attrs

WAITLIST_OFFER_CAUSES = ("cancelled", "rescheduled")
"""What freed the slot offered: a cancellation, or an appointment moved away."""


def _aware(instance: object, attribute: attrs.Attribute, value: dt.datetime | None) -> None:
    if value is not None and value.tzinfo is None:
        raise ValueError(f"{attribute.name} must be time-zone aware (UTC)")


def _after_start(instance: WaitlistOffer, attribute: attrs.Attribute, value: dt.datetime) -> None:
    if value <= instance.start:
        raise ValueError(f"{attribute.name} must be after start")


@attrs.frozen
class WaitlistOffer:
    """A freed slot offered to one waiting patient.

    ``start``…``end`` is the free span the waitlist entry fits in (at least the type's length);
    the patient is offered an appointment of ``appointment_type`` that starts in it.
    ``offers`` counts the offers made to this entry so far, this one included.
    """

    entry_id: int
    patient_id: int
    mrn: str
    appointment_type: str
    duration_minutes: int
    provider_id: int
    start: dt.datetime = attrs.field(validator=_aware)
    end: dt.datetime = attrs.field(validator=[_aware, _after_start])
    location_id: int | None
    freed_appointment_id: int
    cause: str = attrs.field(validator=attrs.validators.in_(WAITLIST_OFFER_CAUSES))
    offers: int = 1
    note: str | None = None


@attrs.frozen
class Reminder:
    """An appointment to remind a patient of, with the contact details from their record.

    ``phone`` and ``email`` are the patient's as registered (either may be None); a delivery
    plugin sends through the channel it serves and skips a reminder it cannot deliver.
    """

    appointment_id: int
    patient_id: int
    mrn: str
    first_name: str
    last_name: str
    phone: str | None
    email: str | None
    preferred_language: str | None
    provider_id: int
    provider: str
    appointment_type: str
    start: dt.datetime = attrs.field(validator=_aware)
    end: dt.datetime = attrs.field(validator=_aware)
    location: str | None = None
    room: str | None = None

    @property
    def patient(self) -> str:
        """``First Last``, as a message to the patient addresses them."""
        return f"{self.first_name} {self.last_name}"
