"""The core's tables: the practice, patients, staff identities, users and roles, plugin
choices and the audit log. Plugins never touch these directly; they go through the core's
services and receive records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import CoreBase
from .types import UTCDateTime


class AddressColumns:
    address_line1: Mapped[str | None] = mapped_column(String(120))
    address_line2: Mapped[str | None] = mapped_column(String(120))
    city: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str | None] = mapped_column(String(40))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2), default="US")


class Practice(AddressColumns, CoreBase):
    """The one practice this database belongs to (a single row, id 1)."""

    __tablename__ = "core_practice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    npi: Mapped[str | None] = mapped_column(String(10))
    tax_id: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(40))
    timezone: Mapped[str] = mapped_column(String(64))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    mrn_prefix: Mapped[str] = mapped_column(String(10), default="")
    next_mrn: Mapped[int] = mapped_column(BigInteger, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Location(AddressColumns, CoreBase):
    __tablename__ = "core_location"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    rooms: Mapped[list[Room]] = relationship(back_populates="location", order_by="Room.name")


class Room(CoreBase):
    __tablename__ = "core_room"
    __table_args__ = (UniqueConstraint("location_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("core_location.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    location: Mapped[Location] = relationship(back_populates="rooms")


class Patient(AddressColumns, CoreBase):
    """A patient. ``search_*`` columns hold names as search keys (lower-cased, without
    accents or punctuation) and bare phone digits, and ``search_terms`` the starts of later
    words of the names and the phone's digits reversed (c0003), so that search as you type
    stays index range scans on 50,000 patients (``services/patient_search.py``).
    ``reminders`` is the patient's consent to appointment reminders (c0002): true until they
    refuse."""

    __tablename__ = "core_patient"
    __table_args__ = (
        # On PostgreSQL the search columns compare in the "C" collation (c0003), byte by
        # byte as SQLite's BINARY does, so that one index range serves both "starts with"
        # and the order results are shown in. The collation is not repeated here: naming it
        # makes SQLAlchemy import its PostgreSQL dialect to check it, 60-90 ms of every
        # start on SQLite (docs/performance.md, "Terminal UI"), and SQLite has no "C".
        Index("ix_core_patient_search_name", "search_last", "search_first"),
        Index("ix_core_patient_search_first", "search_first"),
        Index("ix_core_patient_date_of_birth", "date_of_birth"),
        Index("ix_core_patient_phone_digits", "phone_digits"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mrn: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    middle_name: Mapped[str | None] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    preferred_language: Mapped[str | None] = mapped_column(String(40))
    emergency_name: Mapped[str | None] = mapped_column(String(160))
    emergency_phone: Mapped[str | None] = mapped_column(String(40))
    emergency_relationship: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    inactive_reason: Mapped[str | None] = mapped_column(String(200))
    search_last: Mapped[str] = mapped_column(String(80))
    search_first: Mapped[str] = mapped_column(String(80))
    phone_digits: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    search_terms: Mapped[list[PatientSearchTerm]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class PatientSearchTerm(CoreBase):
    """A patient's name from one of its later words on (``last`` / ``first``: "reyes" of
    Okonkwo-Reyes, "lacruz" and "cruz" of De la Cruz), or the patient's phone digits reversed
    (``phone``), so that a name's later word and a phone's ending are index range scans
    (c0003). Written only by ``patient_search.index_patient``."""

    __tablename__ = "core_patient_search_term"
    __table_args__ = (Index("ix_core_patient_search_term_term", "kind", "term", "patient_id"),)

    patient_id: Mapped[int] = mapped_column(ForeignKey("core_patient.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    term: Mapped[str] = mapped_column(String(80), primary_key=True)


class PatientMergeRow(CoreBase):
    """One merge of two records of a person (c0004): ``absorbed_id`` was merged into
    ``kept_id``. The absorbed patient stays, inactive; a patient is absorbed at most once.
    ``moved`` is what each plugin said it moved (JSON, for people); the rows themselves are
    in :class:`MergedRow`."""

    __tablename__ = "core_patient_merge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("core_patient.id"), index=True)
    absorbed_id: Mapped[int] = mapped_column(ForeignKey("core_patient.id"), unique=True)
    merged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    merged_by: Mapped[str] = mapped_column(String(60))
    moved: Mapped[str] = mapped_column(Text)


class MergedRow(CoreBase):
    """A row a plugin moved in a merge: the plugin, its table and the row's key (c0004)."""

    __tablename__ = "core_patient_merge_row"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merge_id: Mapped[int] = mapped_column(ForeignKey("core_patient_merge.id"), index=True)
    plugin_id: Mapped[str] = mapped_column(String(60))
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[int] = mapped_column(BigInteger)


class Staff(CoreBase):
    """A staff identity: who works here, in which role, and the NPI of providers."""

    __tablename__ = "core_staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    role: Mapped[str] = mapped_column(String(60))
    is_provider: Mapped[bool] = mapped_column(Boolean, default=False)
    npi: Mapped[str | None] = mapped_column(String(10), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"), index=True)


class User(CoreBase):
    __tablename__ = "core_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(160))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    roles: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", order_by="UserRole.role")


class Role(CoreBase):
    __tablename__ = "core_role"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    description: Mapped[str] = mapped_column(String(200), default="")


class UserRole(CoreBase):
    __tablename__ = "core_user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), primary_key=True)
    role: Mapped[str] = mapped_column(ForeignKey("core_role.name"), primary_key=True)


class RolePermission(CoreBase):
    """The role to permission map: the practice's data, seeded from plugins' defaults."""

    __tablename__ = "core_role_permission"

    role: Mapped[str] = mapped_column(ForeignKey("core_role.name"), primary_key=True)
    permission: Mapped[str] = mapped_column(String(80), primary_key=True)


class KnownPermission(CoreBase):
    """Every permission ever declared, so defaults are granted once and never re-granted
    after a manager revoked them."""

    __tablename__ = "core_permission"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    plugin_id: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(200))


class PluginState(CoreBase):
    """The practice's choice for each plugin, shared by every terminal."""

    __tablename__ = "core_plugin_state"

    plugin_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    migrated: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AuditRow(CoreBase):
    """One audit entry. Append-only (triggers refuse UPDATE and DELETE) and hash-chained."""

    __tablename__ = "core_audit"
    __table_args__ = (
        Index("ix_core_audit_patient_id", "patient_id"),
        Index("ix_core_audit_username", "username"),
        Index("ix_core_audit_at", "at"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str | None] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    patient_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class DatabaseIdentity(CoreBase):
    """This database's own identity (one row, id 1): a random id made when the schema is
    (core migration c0005). It names the file of the audit checkpoints outside the database,
    so that however the database's URL is spelled, and wherever the file is moved, ``audit
    verify`` finds the checkpoints of this database. A copy of the database shares it."""

    __tablename__ = "core_database"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32))


class AuditHead(CoreBase):
    """The chain's head (one row). Writers lock it, which orders appends across terminals."""

    __tablename__ = "core_audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class SetupGeneration(CoreBase):
    """The practice's set-up generation (one row, id 1; core migration c0006): a counter the
    database's own triggers raise in every transaction that changes the set-up (locations,
    rooms, staff, the role to permission map, the practice's details, and the plugins' set-up
    tables), so that a terminal reads one number per unit of work to know whether what it
    keeps of the set-up is still true (:mod:`medoffice.core.setup_cache`)."""

    __tablename__ = "core_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
