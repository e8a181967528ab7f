"""Reading the log's entries back, newest first and filtered (``audit show``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..records import AuditEntry
from ..storage.models import AuditRow
from .appending import write_pending


def to_entry(row: AuditRow) -> AuditEntry:
    """The record of ``row``, its summary read back from JSON."""
    return AuditEntry(row.seq, row.at, row.username, row.action, row.entity, row.entity_id, row.patient_id,
                      json.loads(row.summary))


def iter_entries(
    session: Session,
    *,
    patient_id: int | None = None,
    username: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    action: str | None = None,
    limit: int = 200,
) -> Iterator[AuditEntry]:
    """Newest first, filtered (the unit of work's own entries included)."""
    write_pending(session)
    query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(limit)
    if patient_id is not None:
        query = query.where(AuditRow.patient_id == patient_id)
    if username is not None:
        query = query.where(AuditRow.username == username)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if until is not None:
        query = query.where(AuditRow.at < until)
    if action is not None:
        pattern = action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%")
        query = query.where(AuditRow.action.like(pattern, escape="\\"))
    for row in session.execute(query).scalars():
        yield to_entry(row)
