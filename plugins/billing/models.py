"""The billing plugin's tables, in its own ``MetaData`` (its own Alembic branch ``billing``).

The whole billing domain is here, designed for the X12 837P (005010X222A1) professional
claim:

- **Fee schedule** (``billing_fee``): a CPT or HCPCS code and the practice's fee; optional
  allowed amounts per payer (``billing_allowed_amount``). No CPT descriptions are shipped (they
  are the AMA's); the practice may type its own.
- **Payers** (``billing_payer``, 2010BB) and **patients' policies** (``billing_policy``,
  2000B/2010BA): rank, subscriber and relationship, member and group numbers, copay.
- **Encounters** (``billing_encounter``, one per completed visit or entered by hand), their
  ordered **diagnoses** (``billing_encounter_diagnosis``, HI, up to twelve ICD-10-CM codes
  stored without the dot, as X12 writes them) and **charge lines** (``billing_charge``, LX/SV1:
  code, up to four modifiers, units, fee, up to four diagnosis pointers).
- **Claims** (``billing_claim``, CLM) per encounter and policy with their lines
  (``billing_claim_line``), status history (``billing_claim_status``) and export batches
  (``billing_claim_batch``, ISA/GS/ST control numbers drawn from ``billing_sequence``, a
  counter that never hands out a number twice).
- **Money in and out**: payments (``billing_payment``; one row per patient, an insurance
  check covering several patients is posted as one row per patient with the same
  reference), their allocations to charge lines (``billing_payment_allocation``), adjustments
  (``billing_adjustment``), refunds (``billing_refund``), statements (``billing_statement``).
- **The office's books**: budget lines per category and month (``billing_budget_line``) and
  expenses (``billing_expense``).

Every amount is a :class:`~medoffice.core.storage.Cents` column (integer cents in the
database, ``Decimal`` in Python); every moment a :class:`~medoffice.core.storage.UTCDateTime`.
A patient's balance is always ``charges (not voided) - payments - adjustments + refunds``,
all summed over rows carrying the patient's id.

The scheduling plugin may be absent, so ``billing_encounter.appointment_id`` is a plain
integer (unique: a visit opens at most one encounter), not a foreign key.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from medoffice.core.storage import Cents, UTCDateTime, new_metadata
from medoffice.core.storage.models import Location, Patient, Staff

MAX_CODE = 5
"""CPT (``99213``, ``0001F``) and HCPCS Level II (``J3420``) codes are five characters."""
MAX_DIAGNOSIS = 7
"""An ICD-10-CM code without its dot: three to seven characters (``J069``, ``S72001A``)."""
MAX_NAME = 120
MAX_TEXT = 500
MAX_REFERENCE = 80
MAX_USERNAME = 60
MAX_CATEGORY = 60


class Base(DeclarativeBase):
    """The plugin's declarative base: its own ``MetaData`` with the house naming convention."""

    metadata = new_metadata()


class AddressColumns:
    """A postal address as the 837P's N3/N4 segments carry it."""

    address_line1: Mapped[str | None] = mapped_column(String(55))
    address_line2: Mapped[str | None] = mapped_column(String(55))
    city: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str | None] = mapped_column(String(2))
    postal_code: Mapped[str | None] = mapped_column(String(15))


# -- fee schedule and payers -----------------------------------------------------------------


class Fee(Base):
    """One code of the practice's fee schedule: a CPT or HCPCS code and its fee per unit."""

    __tablename__ = "billing_fee"
    __table_args__ = (CheckConstraint("fee >= 0", name="fee_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(MAX_CODE), unique=True)
    description: Mapped[str | None] = mapped_column(String(200))
    """The practice's own wording; medoffice ships none (CPT descriptions are the AMA's)."""
    fee: Mapped[Decimal] = mapped_column(Cents())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Payer(Base):
    """An insurance company the practice bills (837P loop 2010BB)."""

    __tablename__ = "billing_payer"
    __table_args__ = (CheckConstraint("length(claim_filing_code) = 2", name="claim_filing_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    payer_code: Mapped[str] = mapped_column(String(80))
    """The payer identifier the clearinghouse knows the payer by (NM109 of 2010BB)."""
    claim_filing_code: Mapped[str] = mapped_column(String(2), default="CI")
    """SBR09: ``CI`` commercial, ``MB`` Medicare Part B, ``MC`` Medicaid… (see vocabulary)."""
    address_line1: Mapped[str | None] = mapped_column(String(55))
    address_line2: Mapped[str | None] = mapped_column(String(55))
    city: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str | None] = mapped_column(String(2))
    postal_code: Mapped[str | None] = mapped_column(String(15))
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AllowedAmount(Base):
    """What one payer allows for one code (its contracted rate), when the practice knows it."""

    __tablename__ = "billing_allowed_amount"
    __table_args__ = (
        UniqueConstraint("fee_id", "payer_id"),
        CheckConstraint("allowed >= 0", name="allowed_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fee_id: Mapped[int] = mapped_column(ForeignKey(Fee.__table__.c.id))
    payer_id: Mapped[int] = mapped_column(ForeignKey(Payer.__table__.c.id), index=True)
    allowed: Mapped[Decimal] = mapped_column(Cents())


class Policy(AddressColumns, Base):
    """A patient's insurance with a payer (837P loops 2000B/2010BA, and 2000C when the patient
    is not the subscriber).

    When ``relationship`` is ``self`` the subscriber is the patient, and the subscriber
    columns may be left empty: the patient's own demographics are used. The address columns
    are the subscriber's address.
    """

    __tablename__ = "billing_policy"
    __table_args__ = (
        CheckConstraint("rank IN ('primary', 'secondary')", name="rank"),
        CheckConstraint("relationship IN ('self', 'spouse', 'child', 'other')", name="relationship"),
        CheckConstraint("subscriber_sex IS NULL OR subscriber_sex IN ('female', 'male', 'unknown')",
                        name="subscriber_sex"),
        CheckConstraint("copay >= 0", name="copay_not_negative"),
        Index("ix_billing_policy_patient_rank", "patient_id", "rank"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id))
    payer_id: Mapped[int] = mapped_column(ForeignKey(Payer.__table__.c.id), index=True)
    rank: Mapped[str] = mapped_column(String(10))
    relationship: Mapped[str] = mapped_column(String(10))
    member_id: Mapped[str] = mapped_column(String(80))
    group_number: Mapped[str | None] = mapped_column(String(50))
    group_name: Mapped[str | None] = mapped_column(String(60))
    subscriber_first_name: Mapped[str | None] = mapped_column(String(35))
    subscriber_middle_name: Mapped[str | None] = mapped_column(String(25))
    subscriber_last_name: Mapped[str | None] = mapped_column(String(60))
    subscriber_date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    subscriber_sex: Mapped[str | None] = mapped_column(String(10))
    copay: Mapped[Decimal] = mapped_column(Cents(), default=Decimal("0"))
    effective_from: Mapped[dt.date | None] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


# -- encounters and charges ------------------------------------------------------------------


class Encounter(Base):
    """What was done for a patient on one date of service: the superbill (837P claim level).

    ``provider_id`` is the rendering provider (2310B), ``location_id`` the service facility
    (2310C), ``place_of_service`` CLM05-1 (``11`` office).
    """

    __tablename__ = "billing_encounter"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("source IN ('visit', 'manual')", name="source"),
        Index("ix_billing_encounter_patient_date", "patient_id", "date_of_service"),
        Index("ix_billing_encounter_date_of_service", "date_of_service"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id))
    provider_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey(Location.__table__.c.id))
    date_of_service: Mapped[dt.date] = mapped_column(Date)
    appointment_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    """The scheduling plugin's appointment, when a completed visit opened the encounter."""
    appointment_type: Mapped[str | None] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    place_of_service: Mapped[str] = mapped_column(String(2), default="11")
    prior_authorization: Mapped[str | None] = mapped_column(String(50))
    referring_name: Mapped[str | None] = mapped_column(String(60))
    referring_npi: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    opened_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))


class EncounterDiagnosis(Base):
    """One ICD-10-CM diagnosis of an encounter, at its position 1–12 (the pointer number)."""

    __tablename__ = "billing_encounter_diagnosis"
    __table_args__ = (
        UniqueConstraint("encounter_id", "position"),
        UniqueConstraint("encounter_id", "code"),
        CheckConstraint("position BETWEEN 1 AND 12", name="position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey(Encounter.__table__.c.id))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(MAX_DIAGNOSIS))
    """Upper case, without the dot (``J069``), as the 837P HI segment writes it."""


class Charge(Base):
    """One service line of an encounter (837P loop 2400: LX, SV1, DTP*472).

    ``amount`` is ``fee * units`` (SV102). ``pointer1``–``pointer4`` are positions of the
    encounter's diagnoses (SV107). ``source`` names who entered the line: ``billing`` for a
    person, or the id of the plugin that added it through ``medoffice_encounter_charges``.
    A voided line stays in the ledger's history but no longer counts.
    """

    __tablename__ = "billing_charge"
    __table_args__ = (
        UniqueConstraint("encounter_id", "line_number"),
        CheckConstraint("units > 0", name="units_positive"),
        CheckConstraint("fee >= 0", name="fee_not_negative"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("line_number BETWEEN 1 AND 50", name="line_number"),
        *(CheckConstraint(f"pointer{n} IS NULL OR pointer{n} BETWEEN 1 AND 12", name=f"pointer{n}")
          for n in range(1, 5)),
        Index("ix_billing_charge_patient_service", "patient_id", "date_of_service"),
        Index("ix_billing_charge_date_of_service", "date_of_service"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey(Encounter.__table__.c.id))
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id))
    line_number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(MAX_CODE))
    modifier1: Mapped[str | None] = mapped_column(String(2))
    modifier2: Mapped[str | None] = mapped_column(String(2))
    modifier3: Mapped[str | None] = mapped_column(String(2))
    modifier4: Mapped[str | None] = mapped_column(String(2))
    units: Mapped[int] = mapped_column(Integer)
    fee: Mapped[Decimal] = mapped_column(Cents())
    amount: Mapped[Decimal] = mapped_column(Cents())
    pointer1: Mapped[int | None] = mapped_column(Integer)
    pointer2: Mapped[int | None] = mapped_column(Integer)
    pointer3: Mapped[int | None] = mapped_column(Integer)
    pointer4: Mapped[int | None] = mapped_column(Integer)
    date_of_service: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(60))
    posted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    posted_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    voided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    voided_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))
    void_reason: Mapped[str | None] = mapped_column(String(MAX_TEXT))


# -- claims ----------------------------------------------------------------------------------


class ClaimBatch(Base):
    """One exported 837P file: its envelope's control numbers, drawn from
    :class:`Sequence` so that no number is ever used twice (ISA13, GS06, ST02)."""

    __tablename__ = "billing_claim_batch"
    __table_args__ = (
        UniqueConstraint("interchange_control_number"),
        UniqueConstraint("group_control_number"),
        CheckConstraint("interchange_control_number BETWEEN 1 AND 999999999", name="interchange_control_number"),
        CheckConstraint("group_control_number BETWEEN 1 AND 999999999", name="group_control_number"),
        CheckConstraint("claim_count >= 0", name="claim_count"),
        CheckConstraint("total >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interchange_control_number: Mapped[int] = mapped_column(BigInteger)
    group_control_number: Mapped[int] = mapped_column(BigInteger)
    transaction_control_number: Mapped[str] = mapped_column(String(9))
    claim_count: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(Cents())
    file_name: Mapped[str | None] = mapped_column(String(255))
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    submitter_id: Mapped[str | None] = mapped_column(String(15))
    """ISA06, GS02 and 1000A's id: the practice's id at the clearinghouse (bil0002)."""
    receiver_id: Mapped[str | None] = mapped_column(String(15))
    """ISA08, GS03 and 1000B's id: the clearinghouse or payer the file goes to (bil0002)."""
    receiver_name: Mapped[str | None] = mapped_column(String(60))
    usage_indicator: Mapped[str | None] = mapped_column(String(1))
    """ISA15: ``P`` production or ``T`` test (bil0002)."""


class Claim(Base):
    """A bill to one payer for one encounter (837P CLM), under one of the patient's policies.

    ``claim_number`` is the patient control number (CLM01, up to 38 characters).
    ``sequence`` is the payer's place (SBR01: ``primary``, ``secondary``) when the claim was
    built. ``frequency_code`` is CLM05-3 (``1`` original, ``7`` replacement, ``8`` void),
    with ``payer_claim_number`` the payer's number of the claim replaced (REF*F8).
    ``total`` equals the sum of its lines.
    """

    __tablename__ = "billing_claim"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'ready', 'submitted', 'paid', 'denied')", name="status"),
        CheckConstraint("sequence IN ('primary', 'secondary')", name="sequence"),
        CheckConstraint("frequency_code IN ('1', '7', '8')", name="frequency_code"),
        CheckConstraint("total >= 0", name="total_not_negative"),
        Index("ix_billing_claim_status_payer", "status", "payer_id"),
        Index("ix_billing_claim_patient_id", "patient_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_number: Mapped[str] = mapped_column(String(38), unique=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey(Encounter.__table__.c.id), index=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey(Policy.__table__.c.id), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey(Payer.__table__.c.id))
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id))
    sequence: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    total: Mapped[Decimal] = mapped_column(Cents())
    frequency_code: Mapped[str] = mapped_column(String(1), default="1")
    payer_claim_number: Mapped[str | None] = mapped_column(String(50))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey(ClaimBatch.__table__.c.id), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    status_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ClaimLine(Base):
    """A charge line as billed on a claim (its LX number and the amount billed then)."""

    __tablename__ = "billing_claim_line"
    __table_args__ = (
        UniqueConstraint("claim_id", "line_number"),
        UniqueConstraint("claim_id", "charge_id"),
        CheckConstraint("line_number BETWEEN 1 AND 50", name="line_number"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey(Claim.__table__.c.id))
    charge_id: Mapped[int] = mapped_column(ForeignKey(Charge.__table__.c.id), index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Cents())


class ClaimStatusChange(Base):
    """One step of a claim's history: from which status to which, when, by whom, why."""

    __tablename__ = "billing_claim_status"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'ready', 'submitted', 'paid', 'denied')", name="status"),
        Index("ix_billing_claim_status_claim_at", "claim_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey(Claim.__table__.c.id))
    from_status: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    changed_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))


class Sequence(Base):
    """A named counter that never hands out a number twice (``interchange``, ``group``…).

    Taken under ``SELECT … FOR UPDATE`` (PostgreSQL) or the write lock (SQLite), in the
    operation that uses the number; see :mod:`medoffice.plugins.billing.numbers`.
    """

    __tablename__ = "billing_sequence"
    __table_args__ = (CheckConstraint("next_value > 0", name="next_value_positive"),)

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_value: Mapped[int] = mapped_column(BigInteger)


# -- money in and out ------------------------------------------------------------------------


class Payment(Base):
    """Money received for one patient's account.

    ``kind`` is ``patient`` (cash, card or check at the desk; ``payer_id`` empty) or
    ``insurance`` (a payer's check or EFT; ``payer_id`` set, ``reference`` the check or trace
    number, shared by every row of one remittance). ``amount`` is the whole payment; the part
    not allocated to charge lines is a credit on the account. A ``prepayment`` (a copay taken
    at check-in) may exceed the balance: it waits as a credit for the visit's charges.
    """

    __tablename__ = "billing_payment"
    __table_args__ = (
        CheckConstraint("kind IN ('patient', 'insurance')", name="kind"),
        CheckConstraint("method IN ('cash', 'card', 'check', 'eft')", name="method"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("(kind = 'insurance') = (payer_id IS NOT NULL)", name="payer_for_insurance"),
        Index("ix_billing_payment_patient_received", "patient_id", "received_on"),
        Index("ix_billing_payment_received_on", "received_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id))
    kind: Mapped[str] = mapped_column(String(10))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey(Payer.__table__.c.id), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey(Claim.__table__.c.id), index=True)
    method: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str | None] = mapped_column(String(MAX_REFERENCE))
    amount: Mapped[Decimal] = mapped_column(Cents())
    received_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    posted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    posted_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    prepayment: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Paid before the visit's charges posted (a copay at check-in): held on the account as a
    credit, applied to the charges when the encounter closes (bil0003)."""


class PaymentAllocation(Base):
    """The part of a payment applied to one charge line."""

    __tablename__ = "billing_payment_allocation"
    __table_args__ = (
        UniqueConstraint("payment_id", "charge_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey(Payment.__table__.c.id))
    charge_id: Mapped[int] = mapped_column(ForeignKey(Charge.__table__.c.id), index=True)
    amount: Mapped[Decimal] = mapped_column(Cents())


class Adjustment(Base):
    """A write-off from a patient's balance: ``contractual`` (the payer's contract),
    ``courtesy`` or ``bad_debt``; optionally against one charge line, with the payer's
    claim adjustment reason code (``CO-45``) when a remittance gave one."""

    __tablename__ = "billing_adjustment"
    __table_args__ = (
        CheckConstraint("reason IN ('contractual', 'courtesy', 'bad_debt')", name="reason"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_billing_adjustment_patient_adjusted", "patient_id", "adjusted_on"),
        Index("ix_billing_adjustment_adjusted_on", "adjusted_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id))
    charge_id: Mapped[int | None] = mapped_column(ForeignKey(Charge.__table__.c.id), index=True)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey(Payer.__table__.c.id))
    reason: Mapped[str] = mapped_column(String(12))
    reason_code: Mapped[str | None] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Cents())
    adjusted_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    posted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    posted_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


class Refund(Base):
    """Money paid back to a patient (an overpayment, a credit), optionally of one payment."""

    __tablename__ = "billing_refund"
    __table_args__ = (
        CheckConstraint("method IN ('cash', 'card', 'check', 'eft')", name="method"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_billing_refund_patient_refunded", "patient_id", "refunded_on"),
        Index("ix_billing_refund_refunded_on", "refunded_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey(Payment.__table__.c.id), index=True)
    method: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str | None] = mapped_column(String(MAX_REFERENCE))
    amount: Mapped[Decimal] = mapped_column(Cents())
    refunded_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(MAX_TEXT))
    posted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    posted_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


class Statement(Base):
    """A statement sent to a patient: the balance due on the day it was made."""

    __tablename__ = "billing_statement"
    __table_args__ = (Index("ix_billing_statement_patient_issued", "patient_id", "issued_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    balance: Mapped[Decimal] = mapped_column(Cents())
    file_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


# -- the office's books ----------------------------------------------------------------------


class BudgetLine(Base):
    """What the practice plans to spend on a category in one month."""

    __tablename__ = "billing_budget_line"
    __table_args__ = (
        UniqueConstraint("category", "year", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("year BETWEEN 2000 AND 2999", name="year"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(MAX_CATEGORY))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Cents())
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))


class Expense(Base):
    """Money the practice spent: by hand, or booked by another plugin (a received purchase
    order) through the billing domain's ``record_expense``; ``source`` says which."""

    __tablename__ = "billing_expense"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_billing_expense_category_spent", "category", "spent_on"),
        Index("ix_billing_expense_spent_on", "spent_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(MAX_CATEGORY))
    vendor: Mapped[str | None] = mapped_column(String(MAX_NAME))
    spent_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Cents())
    reference: Mapped[str | None] = mapped_column(String(MAX_REFERENCE))
    source: Mapped[str | None] = mapped_column(String(MAX_CATEGORY))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


# -- settings --------------------------------------------------------------------------------


class Setting(Base):
    """One of the practice's billing settings, by name (``taxonomy``: the practice's NUCC
    provider taxonomy code, 837P 2000A PRV*BI). Read and written by :mod:`..settings`."""

    __tablename__ = "billing_setting"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


class DrugCode(Base):
    """The National Drug Code the practice bills with a drug's HCPCS code (837P loop 2410:
    LIN*N4 and CTP): the NDC in its eleven-digit 5-4-2 form, the unit of measure (``F2``
    international unit, ``GR`` gram, ``ME`` milligram, ``ML`` millilitre, ``UN`` unit) and
    the quantity of it in one unit of the HCPCS code (an X12 decimal as text, ``1``, ``0.5``).
    Read and written by :mod:`..drugs`."""

    __tablename__ = "billing_drug_code"
    __table_args__ = (CheckConstraint("unit IN ('F2', 'GR', 'ME', 'ML', 'UN')", name="unit"),)

    code: Mapped[str] = mapped_column(String(MAX_CODE), primary_key=True)
    ndc: Mapped[str] = mapped_column(String(11))
    unit: Mapped[str] = mapped_column(String(2))
    quantity: Mapped[str] = mapped_column(String(15))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
