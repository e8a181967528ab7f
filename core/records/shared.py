"""Records of the data every plugin shares: the practice, patients, staff and users.

They are frozen attrs classes: what a hook receives cannot be changed under another plugin's
feet, and two records with the same values compare equal. Services build them from the
database rows; hooks and screens only ever see these.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ..validation import SEXES


@attrs.frozen
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str = "US"

    def one_line(self) -> str:
        parts = [self.line1, self.line2, self.city, " ".join(p for p in (self.state, self.postal_code) if p)]
        return ", ".join(p for p in parts if p)


@attrs.frozen
class RoomRecord:
    id: int
    location_id: int
    name: str


@attrs.frozen
class LocationRecord:
    id: int
    name: str
    address: Address = attrs.field(factory=Address)
    phone: str | None = None
    rooms: tuple[RoomRecord, ...] = ()


@attrs.frozen
class PracticeRecord:
    name: str
    npi: str | None
    tax_id: str | None
    timezone: str
    address: Address = attrs.field(factory=Address)
    phone: str | None = None
    is_demo: bool = False
    locations: tuple[LocationRecord, ...] = ()


@attrs.frozen
class EmergencyContact:
    name: str | None = None
    phone: str | None = None
    relationship: str | None = None


@attrs.frozen
class PatientRecord:
    """A patient as every plugin sees them. ``id`` is the database key, ``mrn`` the practice's number.

    ``reminders`` is whether the patient agrees to appointment reminders; a patient who
    refused is never in the reminders the scheduling plugin lists or hands to delivery plugins.

    .. versionchanged:: 1 ``reminders`` (core migration c0002; default True: code that
       builds records without it keeps working).

    ``inactive_reason`` says why an inactive patient was deactivated ("moved away", "merged
    into 000123"); None for an active one.

    .. versionchanged:: 1 ``inactive_reason`` (core migration c0004, default None).
    """

    id: int
    mrn: str
    first_name: str
    last_name: str
    date_of_birth: dt.date
    sex: str = attrs.field(validator=attrs.validators.in_(SEXES))
    middle_name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: Address = attrs.field(factory=Address)
    preferred_language: str | None = None
    emergency_contact: EmergencyContact = attrs.field(factory=EmergencyContact)
    active: bool = True
    reminders: bool = True
    inactive_reason: str | None = None

    @property
    def display_name(self) -> str:
        """``Last, First M.`` as charts and lists show it."""
        middle = f" {self.middle_name[0]}." if self.middle_name else ""
        return f"{self.last_name}, {self.first_name}{middle}"

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@attrs.frozen
class PatientMatch:
    """One search hit: the patient, how well they matched (higher is better) and why."""

    patient: PatientRecord
    score: int
    reason: str


@attrs.frozen
class StaffRecord:
    """A staff identity. HR details (hiring, training, pay) belong to the staff plugin."""

    id: int
    name: str
    role: str
    is_provider: bool = False
    npi: str | None = None
    active: bool = True
    user_id: int | None = None


@attrs.frozen
class UserRecord:
    """A signed-in (or listed) user with the permissions their roles grant."""

    id: int
    username: str
    full_name: str
    roles: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()
    active: bool = True

    def can(self, permission: str) -> bool:
        """True when one of the user's roles grants ``permission`` (``*`` grants all: the
        system user that runs set-up work)."""
        return permission in self.permissions or "*" in self.permissions


@attrs.frozen
class AuditEntry:
    seq: int
    at: dt.datetime
    username: str | None
    action: str
    entity: str
    entity_id: str | None
    patient_id: int | None
    summary: dict
