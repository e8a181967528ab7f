"""Records the four domains exchange through hooks.

Only what crosses a plugin boundary lives here: the appointment that billing charges for, the
visit that inventory draws supplies for, the expense that inventory records in billing's books.
Each domain plugin keeps its richer internal models to itself. New fields are added with
defaults, so a plugin built against an older core keeps working.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

APPOINTMENT_STATUSES = ("booked", "arrived", "in_room", "completed", "cancelled", "no_show")
APPOINTMENT_CHANGES = ("booked", "rescheduled", "cancelled", "checked_in", "roomed", "completed", "no_show",
                       "undone")
"""``undone``: the day's last step was taken back (``reason`` names it, ``previous`` is before)."""


def _aware(instance: object, attribute: attrs.Attribute, value: dt.datetime) -> None:
    if value.tzinfo is None:
        raise ValueError(f"{attribute.name} must be time-zone aware (UTC)")


@attrs.frozen
class AppointmentProposal:
    """A booking about to be written, offered to ``medoffice_validate_appointment``.

    ``appointment_id`` is set when an existing appointment is being moved. ``equipment`` names
    the equipment the appointment's type reserves for its whole length (scheduling's resource
    names, by name), so that a plugin keeping the equipment can refuse a booking of a machine
    out of service.

    .. versionchanged:: 1
        ``equipment`` added (empty when the type needs none).
    """

    patient_id: int
    provider_id: int
    appointment_type: str
    start: dt.datetime = attrs.field(validator=_aware)
    end: dt.datetime = attrs.field(validator=_aware)
    location_id: int | None = None
    room_id: int | None = None
    appointment_id: int | None = None
    equipment: tuple[str, ...] = attrs.field(default=(), converter=tuple)


@attrs.frozen
class AppointmentRecord:
    id: int
    patient_id: int
    provider_id: int
    appointment_type: str
    start: dt.datetime = attrs.field(validator=_aware)
    end: dt.datetime = attrs.field(validator=_aware)
    status: str = attrs.field(default="booked", validator=attrs.validators.in_(APPOINTMENT_STATUSES))
    location_id: int | None = None
    room_id: int | None = None
    reason: str | None = None


@attrs.frozen
class AppointmentChange:
    """What happened to an appointment: ``kind`` is one of :data:`APPOINTMENT_CHANGES`."""

    kind: str = attrs.field(validator=attrs.validators.in_(APPOINTMENT_CHANGES))
    appointment: AppointmentRecord
    previous: AppointmentRecord | None = None
    reason: str | None = None


@attrs.frozen
class VisitRecord:
    """A completed visit: the appointment, when it completed, and who saw the patient."""

    appointment: AppointmentRecord
    completed_at: dt.datetime = attrs.field(validator=_aware)

    @property
    def patient_id(self) -> int:
        return self.appointment.patient_id

    @property
    def provider_id(self) -> int:
        return self.appointment.provider_id


def _money(value: Decimal) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must be a Decimal, never a float")
    return Decimal(value)


@attrs.frozen
class ExpenseDraft:
    """An expense another plugin asks the billing domain to record (a received order, say)."""

    category: str
    amount: Decimal = attrs.field(converter=_money)
    spent_on: dt.date
    vendor: str | None = None
    reference: str | None = None
    source: str | None = None


@attrs.frozen
class ExpenseRecord(ExpenseDraft):
    """An expense as booked: the draft's fields and the billing domain's ``id`` for it."""

    id: int = attrs.field(kw_only=True)


@attrs.frozen
class ReceivedOrderLine:
    item: str
    quantity: int
    unit_cost: Decimal = attrs.field(converter=_money)


@attrs.frozen
class ReceivedOrder:
    """A purchase order that arrived; inventory books its expense through the billing role
    and announces it (``medoffice_order_received``)."""

    order_id: int
    vendor: str
    received_on: dt.date
    total: Decimal = attrs.field(converter=_money)
    lines: tuple[ReceivedOrderLine, ...] = attrs.field(default=(), converter=tuple)
