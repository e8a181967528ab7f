"""Reading the audit log back in tests (evidence that an action was recorded)."""

from __future__ import annotations

from sqlalchemy import select

from medoffice.core.storage.models import AuditRow


def actions(practice, prefix: str = "hr.") -> list[tuple[str, str | None, str | None]]:
    with practice.operation("admin", write=False) as ctx:
        rows = ctx.session.execute(select(AuditRow.action, AuditRow.entity_id, AuditRow.username)
                                   .where(AuditRow.action.startswith(prefix)).order_by(AuditRow.seq)).all()
    return [tuple(r) for r in rows]
