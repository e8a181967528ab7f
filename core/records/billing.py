"""Records of the billing domain that cross a plugin boundary: the encounter offered to
``medoffice_encounter_charges``, its charge lines, and the lines another plugin adds.

Amounts are ``Decimal`` (a ``float`` is refused). New fields are added with defaults, so a
plugin built against an older core keeps working.

.. versionadded:: 0.1 (hook API 1)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs


def _money(value: Decimal | None) -> Decimal | None:
    if isinstance(value, float):
        raise TypeError("money must be a Decimal, never a float")
    return None if value is None else Decimal(value)


@attrs.frozen
class ChargeDraft:
    """A charge line a plugin asks billing to add to an encounter.

    Attributes:
        code: a CPT or HCPCS code in the practice's fee schedule (``36415``).
        units: how many (at least 1).
        modifiers: up to four two-character modifiers (``("25",)``).
        pointers: up to four positions (1–12) of the encounter's diagnoses this line is for.
        fee: the fee per unit; None for the fee schedule's.
    """

    code: str
    units: int = 1
    modifiers: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    pointers: tuple[int, ...] = attrs.field(default=(), converter=tuple)
    fee: Decimal | None = attrs.field(default=None, converter=_money)


@attrs.frozen
class ChargeLineRecord:
    """A charge line as saved: ``amount`` is ``fee * units``; ``source`` is ``billing`` for a
    line a person entered, or the id of the plugin that added it."""

    id: int
    line_number: int
    code: str
    units: int
    fee: Decimal = attrs.field(converter=_money)
    amount: Decimal = attrs.field(converter=_money)
    modifiers: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    pointers: tuple[int, ...] = attrs.field(default=(), converter=tuple)
    source: str = "billing"


ENCOUNTER_STATUSES = ("open", "closed")


@attrs.frozen
class EncounterRecord:
    """What was done for a patient on one date of service, with its diagnoses (ICD-10-CM,
    without the dot, in pointer order) and its charge lines (voided lines left out).

    ``appointment_id`` is set when a completed visit opened the encounter.
    """

    id: int
    patient_id: int
    provider_id: int
    date_of_service: dt.date
    status: str = attrs.field(validator=attrs.validators.in_(ENCOUNTER_STATUSES))
    location_id: int | None = None
    appointment_id: int | None = None
    appointment_type: str | None = None
    diagnoses: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    lines: tuple[ChargeLineRecord, ...] = attrs.field(default=(), converter=tuple)

    @property
    def total(self) -> Decimal:
        """The sum of the lines' amounts."""
        return sum((line.amount for line in self.lines), Decimal("0.00"))
