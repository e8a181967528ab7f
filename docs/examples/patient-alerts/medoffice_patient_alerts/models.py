"""The plugin's one table, in its own ``MetaData`` (and so its own Alembic branch).

Every table name starts with the plugin's prefix, ``patient_alerts_``. The foreign key to
``core_patient`` names the core's column object, not the string ``"core_patient.id"``: the
core's tables live in the core's ``MetaData``, where a string could not find them (the ORM
needs to when it orders a flush). The core's branch is always migrated before any plugin's,
so the table is there when this plugin's migration refers to it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from medoffice.core.storage import UTCDateTime, new_metadata
from medoffice.core.storage.models import Patient

SEVERITIES = ("info", "warning", "critical")
"""From least to most urgent."""

MAX_TEXT = 500
MAX_USERNAME = 60


class Base(DeclarativeBase):
    """The plugin's declarative base: its own ``MetaData`` with the house naming convention."""

    metadata = new_metadata()


class Alert(Base):
    """One alert on one patient. Resolving keeps the row and says who resolved it, when."""

    __tablename__ = "patient_alerts_alert"
    __table_args__ = (
        CheckConstraint("severity IN ('info', 'warning', 'critical')", name="severity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey(Patient.__table__.c.id), index=True)
    text: Mapped[str] = mapped_column(String(MAX_TEXT))
    severity: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))
