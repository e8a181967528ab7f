"""The staff plugin's tables, in its own ``MetaData`` (its own Alembic branch ``staff``).

The HR side of the people in ``core_staff`` (the core keeps who they are, their role and
NPI; everything here points at ``core_staff.id``):

- **Hiring**: job openings (``staff_opening``), the practice's own hiring stages
  (``staff_hiring_stage``; three of them are outcomes: hired, rejected, withdrawn),
  applicants (``staff_applicant``), their dated notes (``staff_applicant_note``, the stage
  moves among them) and interviews (``staff_interview``). A hired applicant points at the
  staff identity the hire made.
- **The staff member's HR record** (``staff_member``): the day they started, and the
  applicant they were. Pay rates, evaluations and time punches (later slices) hang off
  ``core_staff.id`` the same way.
- **Onboarding**: documents each role requires (``staff_onboarding_document``) and each new
  hire's to-do list (``staff_onboarding_item``: trainings and documents now, policies to
  acknowledge later, told apart by ``kind``).
- **Training**: requirements (``staff_training``) with the roles they apply to
  (``staff_training_role``; ``*`` for every role) and a recurrence, and completions
  (``staff_training_completion``).
- **Credentials**: licences and certificates (``staff_credential``), and the manager's
  overrides of an expired required one (``staff_credential_override``).

Money (an opening's pay range) is :class:`~medoffice.core.storage.Cents`; moments are
:class:`~medoffice.core.storage.UTCDateTime`; calendar days (expiry, due) are plain dates in
the practice's zone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from medoffice.core.storage import Cents, UTCDateTime, new_metadata
from medoffice.core.storage.models import Location, Staff

MAX_NAME = 160
MAX_TITLE = 120
MAX_ROLE = 60
MAX_TEXT = 500
MAX_NOTE = 2000
MAX_USERNAME = 60

OPENING_STATUSES = ("open", "on_hold", "filled", "closed")
OUTCOMES = ("hired", "rejected", "withdrawn")
NOTE_KINDS = ("note", "stage", "interview")
ITEM_KINDS = ("training", "document", "policy")
EVERY_ROLE = "*"


class Base(DeclarativeBase):
    """The plugin's declarative base: its own ``MetaData`` with the house naming convention."""

    metadata = new_metadata()


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# -- hiring ----------------------------------------------------------------------------------


class Opening(Base):
    """A job the practice is hiring for."""

    __tablename__ = "staff_opening"
    __table_args__ = (
        CheckConstraint(_in("status", OPENING_STATUSES), name="status"),
        CheckConstraint("pay_min IS NULL OR pay_max IS NULL OR pay_min <= pay_max", name="pay_range"),
        CheckConstraint("pay_per IS NULL OR pay_per IN ('hour', 'year')", name="pay_per"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    role: Mapped[str] = mapped_column(String(MAX_ROLE))
    """The staff role a hire gets (``core_staff.role``)."""
    location_id: Mapped[int | None] = mapped_column(ForeignKey(Location.__table__.c.id))
    hours: Mapped[str | None] = mapped_column(String(MAX_TITLE))
    pay_min: Mapped[Decimal | None] = mapped_column(Cents())
    pay_max: Mapped[Decimal | None] = mapped_column(Cents())
    pay_per: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(10), default="open")
    opened_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))


class HiringStage(Base):
    """A step of the practice's hiring pipeline, in ``position`` order. ``outcome`` marks the
    three ends (hired, rejected, withdrawn): they can be renamed, never removed."""

    __tablename__ = "staff_hiring_stage"
    __table_args__ = (CheckConstraint("outcome IS NULL OR " + _in("outcome", OUTCOMES), name="outcome"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(10), unique=True)


class Applicant(Base):
    """Someone who applied for an opening: personal data, seen only with ``hr.applicants``."""

    __tablename__ = "staff_applicant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey(Opening.__table__.c.id), index=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    stage_id: Mapped[int] = mapped_column(ForeignKey(HiringStage.__table__.c.id), index=True)
    applied_on: Mapped[dt.date] = mapped_column(Date)
    rejection_reason: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey(Staff.__table__.c.id), unique=True)
    """The staff identity the hire made."""
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ApplicantNote(Base):
    """A dated line in an applicant's file: a note typed, a stage move, an interview booked."""

    __tablename__ = "staff_applicant_note"
    __table_args__ = (CheckConstraint(_in("kind", NOTE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey(Applicant.__table__.c.id), index=True)
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    author: Mapped[str] = mapped_column(String(MAX_USERNAME))
    kind: Mapped[str] = mapped_column(String(10), default="note")
    body: Mapped[str] = mapped_column(String(MAX_NOTE))


class Interview(Base):
    """An interview with an applicant."""

    __tablename__ = "staff_interview"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey(Applicant.__table__.c.id), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    interviewer: Mapped[str | None] = mapped_column(String(MAX_NAME))
    place: Mapped[str | None] = mapped_column(String(MAX_TITLE))


# -- the staff member's HR record and onboarding ---------------------------------------------


class Member(Base):
    """HR facts of a staff identity the core does not keep: the day they started."""

    __tablename__ = "staff_member"

    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), primary_key=True)
    hired_on: Mapped[dt.date] = mapped_column(Date)
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey(Applicant.__table__.c.id))


class OnboardingDocument(Base):
    """A document a new hire in ``role`` must hand in (I-9, W-4, a copy of their licence)."""

    __tablename__ = "staff_onboarding_document"
    __table_args__ = (UniqueConstraint("role", "title"),
                      CheckConstraint("within_days BETWEEN 0 AND 365", name="within_days"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(MAX_ROLE))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    within_days: Mapped[int] = mapped_column(Integer, default=7)


class OnboardingItem(Base):
    """One line of a new hire's to-do list, made when they were hired."""

    __tablename__ = "staff_onboarding_item"
    __table_args__ = (UniqueConstraint("staff_id", "kind", "title"),
                      CheckConstraint(_in("kind", ITEM_KINDS), name="kind"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    training_id: Mapped[int | None] = mapped_column(ForeignKey("staff_training.id"))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    done_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))


# -- training --------------------------------------------------------------------------------


class Training(Base):
    """A training requirement: once (``every_months`` None) or every N months, first due
    ``first_within_days`` after the later of the hire and the requirement's creation."""

    __tablename__ = "staff_training"
    __table_args__ = (CheckConstraint("every_months IS NULL OR every_months BETWEEN 1 AND 120", name="every_months"),
                      CheckConstraint("first_within_days BETWEEN 0 AND 3650", name="first_within_days"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_TITLE), unique=True)
    description: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    every_months: Mapped[int | None] = mapped_column(Integer)
    first_within_days: Mapped[int] = mapped_column(Integer, default=30)
    created_on: Mapped[dt.date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TrainingRole(Base):
    """A staff role a training applies to (``*``: every role)."""

    __tablename__ = "staff_training_role"

    training_id: Mapped[int] = mapped_column(ForeignKey(Training.__table__.c.id), primary_key=True)
    role: Mapped[str] = mapped_column(String(MAX_ROLE), primary_key=True)


class TrainingCompletion(Base):
    """A staff member completed a training on a day; it counts until ``expires_on``."""

    __tablename__ = "staff_training_completion"
    __table_args__ = (CheckConstraint("expires_on IS NULL OR expires_on >= completed_on", name="expiry_after"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey(Training.__table__.c.id), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), index=True)
    completed_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    certificate: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


# -- credentials -----------------------------------------------------------------------------


class Credential(Base):
    """A licence or certificate a staff member holds (state licence, DEA, RN, BLS card).

    ``required_for_work``: once expired it blocks booking the provider (and, later, a rota
    shift), unless a manager overrode it."""

    __tablename__ = "staff_credential"
    __table_args__ = (CheckConstraint("issued_on IS NULL OR expires_on IS NULL OR issued_on <= expires_on",
                                      name="issued_before_expiry"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), index=True)
    kind: Mapped[str] = mapped_column(String(MAX_ROLE))
    number: Mapped[str | None] = mapped_column(String(60))
    issuer: Mapped[str | None] = mapped_column(String(80))
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    required_for_work: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CredentialOverride(Base):
    """A manager let the holder of an expired required credential work until ``until``."""

    __tablename__ = "staff_credential_override"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credential_id: Mapped[int] = mapped_column(ForeignKey(Credential.__table__.c.id), index=True)
    reason: Mapped[str] = mapped_column(String(MAX_TEXT))
    until: Mapped[dt.date] = mapped_column(Date)
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    granted_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))
