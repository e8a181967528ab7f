"""scheduling: appointment revisions and waitlist offers kept in the plugin's own tables

The iCalendar export's ``SEQUENCE`` and ``LAST-MODIFIED`` and the waitlist's "offered what"
were read back from the audit log. The audit log is evidence, not storage: it now only
records them. ``scheduling_appointment.revision`` counts the changes a calendar must see,
``scheduling_appointment.changed_at`` is the last change of any kind, and
``scheduling_waitlist_offer`` keeps each offer a freed slot made.

Existing databases are filled from the audit log once, here: each appointment's revision is
its audited moves, cancellations and no-shows (what the export counted before, so no
calendar sees a ``SEQUENCE`` go backwards), its ``changed_at`` its newest audit entry (else
its booking time), and every ``waitlist.offered`` entry becomes an offer row, so pending
offers keep the slot they offered.

Revision ID: sch0006
Revises: sch0005
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "sch0006"
down_revision = "sch0005"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)
REVISIONS = ("appointment.rescheduled", "appointment.cancelled", "appointment.no_show")
CAUSES = ("cancelled", "rescheduled")

audit = sa.table("core_audit", sa.column("seq", sa.BigInteger()), sa.column("at", UTC),
                 sa.column("action", sa.String()), sa.column("entity", sa.String()),
                 sa.column("entity_id", sa.String()), sa.column("summary", sa.Text()))
appointment = sa.table("scheduling_appointment", sa.column("id", sa.Integer()), sa.column("revision", sa.Integer()),
                       sa.column("changed_at", UTC), sa.column("booked_at", UTC))
entry = sa.table("scheduling_waitlist", sa.column("id", sa.Integer()))
staff = sa.table("core_staff", sa.column("id", sa.Integer()))
location = sa.table("core_location", sa.column("id", sa.Integer()))
offer = sa.table("scheduling_waitlist_offer", sa.column("entry_id", sa.Integer()), sa.column("number", sa.Integer()),
                 sa.column("freed_appointment_id", sa.Integer()), sa.column("cause", sa.String()),
                 sa.column("provider_id", sa.Integer()), sa.column("location_id", sa.Integer()),
                 sa.column("starts_at", UTC), sa.column("ends_at", UTC), sa.column("offered_at", UTC))


def upgrade() -> None:
    op.create_table(
        "scheduling_waitlist_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("freed_appointment_id", sa.Integer(), nullable=True),
        sa.Column("cause", sa.String(length=12), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("offered_at", UTC, nullable=False),
        sa.CheckConstraint("cause IN ('cancelled', 'rescheduled')", name=op.f("ck_scheduling_waitlist_offer_cause")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_scheduling_waitlist_offer_ends_after_start")),
        sa.ForeignKeyConstraint(["entry_id"], ["scheduling_waitlist.id"],
                                name=op.f("fk_scheduling_waitlist_offer_entry_id_scheduling_waitlist"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["freed_appointment_id"], ["scheduling_appointment.id"],
                                name=op.f("fk_scheduling_waitlist_offer_freed_appointment_id_scheduling_appointment")),
        sa.ForeignKeyConstraint(["location_id"], ["core_location.id"],
                                name=op.f("fk_scheduling_waitlist_offer_location_id_core_location")),
        sa.ForeignKeyConstraint(["provider_id"], ["core_staff.id"],
                                name=op.f("fk_scheduling_waitlist_offer_provider_id_core_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_waitlist_offer")),
    )
    op.create_index(op.f("ix_scheduling_waitlist_offer_entry_id"), "scheduling_waitlist_offer", ["entry_id"])
    op.add_column("scheduling_appointment", sa.Column("revision", sa.Integer(), server_default="0", nullable=False))
    op.add_column("scheduling_appointment", sa.Column("changed_at", UTC, nullable=True))
    bind = op.get_bind()
    _backfill_revisions(bind)
    _backfill_offers(bind)


def _backfill_revisions(bind: sa.Connection) -> None:
    """One pass over the appointments' audit entries, grouped: not one query per appointment."""
    query = (sa.select(audit.c.entity_id, sa.func.sum(sa.case((audit.c.action.in_(REVISIONS), 1), else_=0)),
                       sa.func.max(audit.c.at))
             .where(audit.c.entity == "appointment").group_by(audit.c.entity_id))
    known = set(bind.execute(sa.select(appointment.c.id)).scalars())
    rows = [{"b_id": int(entity_id), "b_revision": int(count or 0), "b_changed_at": last}
            for entity_id, count, last in bind.execute(query)
            if entity_id and entity_id.isdigit() and int(entity_id) in known]
    if rows:
        bind.execute(appointment.update().where(appointment.c.id == sa.bindparam("b_id"))
                     .values(revision=sa.bindparam("b_revision"), changed_at=sa.bindparam("b_changed_at")), rows)
    bind.execute(appointment.update().where(appointment.c.changed_at.is_(None))
                 .values(changed_at=appointment.c.booked_at))


def _stored(bind: sa.Connection, text: str) -> dt.datetime:
    """An ISO time from an audit summary as this dialect's UTC column holds it."""
    value = dt.datetime.fromisoformat(text).astimezone(dt.timezone.utc)
    return value.replace(tzinfo=None) if bind.dialect.name == "sqlite" else value


def _backfill_offers(bind: sa.Connection) -> None:
    entries = set(bind.execute(sa.select(entry.c.id)).scalars())
    providers = set(bind.execute(sa.select(staff.c.id)).scalars())
    places = set(bind.execute(sa.select(location.c.id)).scalars())
    appointments = set(bind.execute(sa.select(appointment.c.id)).scalars())
    query = (sa.select(audit.c.entity_id, audit.c.at, audit.c.summary)
             .where(audit.c.entity == "waitlist", audit.c.action == "waitlist.offered").order_by(audit.c.seq))
    made: dict[int, int] = {}
    rows = []
    for entity_id, at, text in bind.execute(query):
        try:
            summary = json.loads(text)
            entry_id = int(entity_id)
            starts_at, ends_at = _stored(bind, summary["start"]), _stored(bind, summary["end"])
        except (TypeError, ValueError, KeyError):
            continue  # not an offer this revision can read: the audit log still has it
        if (entry_id not in entries or summary.get("provider_id") not in providers
                or summary.get("cause") not in CAUSES or ends_at <= starts_at):
            continue
        made[entry_id] = made.get(entry_id, 0) + 1
        freed = summary.get("freed_appointment_id")
        where = summary.get("location_id")
        rows.append({"entry_id": entry_id, "number": summary.get("offers") or made[entry_id],
                     "freed_appointment_id": freed if freed in appointments else None,
                     "cause": summary["cause"], "provider_id": summary["provider_id"],
                     "location_id": where if where in places else None,
                     "starts_at": starts_at, "ends_at": ends_at, "offered_at": at})
    if rows:
        bind.execute(offer.insert(), rows)


def downgrade() -> None:
    op.drop_column("scheduling_appointment", "changed_at")
    op.drop_column("scheduling_appointment", "revision")
    op.drop_index(op.f("ix_scheduling_waitlist_offer_entry_id"), table_name="scheduling_waitlist_offer")
    op.drop_table("scheduling_waitlist_offer")
