"""scheduling: availability rules, equipment, waitlist, recurring series, staff rota

Adds who may take a type and what it needs (a room, equipment), providers' exceptions and
the practice's closures, the plugin's settings (public holidays), the waitlist, the rule
behind recurring appointments, and the rota (shifts, time off, required headcount; since
sch0007 the rota is the staff plugin's, whose sta0004 moves these tables' rows to its own).

Equipment is guarded against double booking as appointments are: an exclusion constraint on
PostgreSQL, BEFORE INSERT/UPDATE triggers on SQLite that abort with ``slot taken``.

No person works two shifts at once: an exclusion constraint on ``scheduling_shift`` on
PostgreSQL (``scheduling_shift_no_overlap``), BEFORE INSERT/UPDATE triggers on SQLite that abort
with ``shift overlaps``. The rota service checks first, inside the write transaction; these
refuse what gets past it when two terminals write at once.

``scheduling_appointment.series_id`` is added with its foreign key inline on SQLite (which
cannot add a constraint to an existing table) and as a separate constraint on PostgreSQL.

Revision ID: sch0002
Revises: sch0001
"""

import sqlalchemy as sa
from alembic import op

revision = "sch0002"
down_revision = "sch0001"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)

SQLITE_RESERVATION_OVERLAP = """
SELECT RAISE(ABORT, 'slot taken')
WHERE EXISTS (
    SELECT 1 FROM scheduling_reservation AS r
    WHERE r.holds AND r.resource_id = NEW.resource_id
      AND r.starts_at < NEW.ends_at AND NEW.starts_at < r.ends_at
      {same_row}
);
"""


def _fk(table: str, column: str, target: str, *, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{table}_{column}_{referred}"),
                                   ondelete=ondelete)


def _availability_rules() -> None:
    op.add_column("scheduling_appointment_type",
                  sa.Column("needs_room", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "scheduling_type_provider",
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        _fk("scheduling_type_provider", "provider_id", "core_staff.id"),
        _fk("scheduling_type_provider", "type_id", "scheduling_appointment_type.id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("type_id", "provider_id", name=op.f("pk_scheduling_type_provider")),
    )
    op.create_table(
        "scheduling_resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        _fk("scheduling_resource", "location_id", "core_location.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_resource")),
        sa.UniqueConstraint("name", name=op.f("uq_scheduling_resource_name")),
    )
    op.create_index(op.f("ix_scheduling_resource_location_id"), "scheduling_resource", ["location_id"])
    op.create_table(
        "scheduling_type_resource",
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        _fk("scheduling_type_resource", "resource_id", "scheduling_resource.id"),
        _fk("scheduling_type_resource", "type_id", "scheduling_appointment_type.id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("type_id", "resource_id", name=op.f("pk_scheduling_type_resource")),
    )
    op.create_table(
        "scheduling_reservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("holds", sa.Boolean(), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_scheduling_reservation_ends_after_start")),
        _fk("scheduling_reservation", "appointment_id", "scheduling_appointment.id", ondelete="CASCADE"),
        _fk("scheduling_reservation", "resource_id", "scheduling_resource.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_reservation")),
    )
    op.create_index(op.f("ix_scheduling_reservation_appointment_id"), "scheduling_reservation", ["appointment_id"])
    op.create_index("ix_scheduling_reservation_resource_start", "scheduling_reservation",
                    ["resource_id", "starts_at"])
    op.create_table(
        "scheduling_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_scheduling_exception_ends_after_start")),
        _fk("scheduling_exception", "provider_id", "core_staff.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_exception")),
    )
    op.create_index("ix_scheduling_exception_provider_start", "scheduling_exception", ["provider_id", "starts_at"])
    op.create_table(
        "scheduling_closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.CheckConstraint("last_day >= first_day", name=op.f("ck_scheduling_closure_last_after_first")),
        _fk("scheduling_closure", "location_id", "core_location.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_closure")),
    )
    op.create_index(op.f("ix_scheduling_closure_first_day"), "scheduling_closure", ["first_day"])
    op.create_index(op.f("ix_scheduling_closure_location_id"), "scheduling_closure", ["location_id"])
    op.create_table(
        "scheduling_setting",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_scheduling_setting")),
    )


def _waitlist_and_series() -> None:
    op.create_table(
        "scheduling_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=12), nullable=False),
        sa.Column("every", sa.Integer(), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("first_start", UTC, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.CheckConstraint("frequency IN ('weekly', 'monthly')", name=op.f("ck_scheduling_series_frequency")),
        sa.CheckConstraint("every > 0", name=op.f("ck_scheduling_series_every_positive")),
        sa.CheckConstraint("occurrences IS NULL OR occurrences > 0",
                           name=op.f("ck_scheduling_series_occurrences_positive")),
        _fk("scheduling_series", "patient_id", "core_patient.id"),
        _fk("scheduling_series", "provider_id", "core_staff.id"),
        _fk("scheduling_series", "type_id", "scheduling_appointment_type.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_series")),
    )
    op.create_index(op.f("ix_scheduling_series_patient_id"), "scheduling_series", ["patient_id"])
    fk_name = "fk_scheduling_appointment_series_id_scheduling_series"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE scheduling_appointment ADD COLUMN series_id INTEGER "
                   f"CONSTRAINT {fk_name} REFERENCES scheduling_series (id)")
    else:
        op.add_column("scheduling_appointment", sa.Column("series_id", sa.Integer(), nullable=True))
        op.create_foreign_key(fk_name, "scheduling_appointment", "scheduling_series", ["series_id"], ["id"])
    op.create_index(op.f("ix_scheduling_appointment_series_id"), "scheduling_appointment", ["series_id"])

    op.create_table(
        "scheduling_waitlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("earliest_day", sa.Date(), nullable=False),
        sa.Column("latest_day", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("offered_at", UTC, nullable=True),
        sa.Column("offers", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("closed_reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint("status IN ('waiting', 'offered', 'booked', 'removed')",
                           name=op.f("ck_scheduling_waitlist_status")),
        sa.CheckConstraint("latest_day IS NULL OR latest_day >= earliest_day",
                           name=op.f("ck_scheduling_waitlist_latest_after_earliest")),
        _fk("scheduling_waitlist", "appointment_id", "scheduling_appointment.id"),
        _fk("scheduling_waitlist", "location_id", "core_location.id"),
        _fk("scheduling_waitlist", "patient_id", "core_patient.id"),
        _fk("scheduling_waitlist", "provider_id", "core_staff.id"),
        _fk("scheduling_waitlist", "type_id", "scheduling_appointment_type.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_waitlist")),
    )
    op.create_index(op.f("ix_scheduling_waitlist_patient_id"), "scheduling_waitlist", ["patient_id"])
    op.create_index("ix_scheduling_waitlist_status_type", "scheduling_waitlist", ["status", "type_id"])


SQLITE_SHIFT_OVERLAP = """
SELECT RAISE(ABORT, 'shift overlaps')
WHERE EXISTS (
    SELECT 1 FROM scheduling_shift AS s
    WHERE s.staff_id = NEW.staff_id
      AND s.starts_at < NEW.ends_at AND NEW.starts_at < s.ends_at
      {same_row}
);
"""


def _rota() -> None:
    op.create_table(
        "scheduling_shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_scheduling_shift_ends_after_start")),
        _fk("scheduling_shift", "location_id", "core_location.id"),
        _fk("scheduling_shift", "staff_id", "core_staff.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_shift")),
    )
    op.create_index(op.f("ix_scheduling_shift_location_id"), "scheduling_shift", ["location_id"])
    op.create_index("ix_scheduling_shift_staff_start", "scheduling_shift", ["staff_id", "starts_at"])
    op.create_index("ix_scheduling_shift_starts_at", "scheduling_shift", ["starts_at"])
    _shift_guard()
    op.create_table(
        "scheduling_time_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("requested_at", UTC, nullable=False),
        sa.Column("requested_by", sa.String(length=60), nullable=False),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("decided_by", sa.String(length=60), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.CheckConstraint("status IN ('requested', 'approved', 'declined', 'cancelled')",
                           name=op.f("ck_scheduling_time_off_status")),
        sa.CheckConstraint("last_day >= first_day", name=op.f("ck_scheduling_time_off_last_after_first")),
        _fk("scheduling_time_off", "staff_id", "core_staff.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_time_off")),
    )
    op.create_index("ix_scheduling_time_off_staff_first", "scheduling_time_off", ["staff_id", "first_day"])
    op.create_table(
        "scheduling_staffing_need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.CheckConstraint("headcount > 0", name=op.f("ck_scheduling_staffing_need_headcount_positive")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_scheduling_staffing_need_weekday")),
        _fk("scheduling_staffing_need", "location_id", "core_location.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_staffing_need")),
        sa.UniqueConstraint("role", "location_id", "weekday",
                            name=op.f("uq_scheduling_staffing_need_role_location_id_weekday")),
    )


def _shift_guard() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "ALTER TABLE scheduling_shift ADD CONSTRAINT scheduling_shift_no_overlap "
            "EXCLUDE USING gist (int4range(staff_id, staff_id, '[]') WITH &&, tstzrange(starts_at, ends_at) WITH &&)"
        )
    elif dialect == "sqlite":
        op.execute("CREATE TRIGGER scheduling_shift_no_overlap_insert BEFORE INSERT ON scheduling_shift BEGIN"
                   + SQLITE_SHIFT_OVERLAP.format(same_row="") + "END")
        op.execute("CREATE TRIGGER scheduling_shift_no_overlap_update BEFORE UPDATE ON scheduling_shift BEGIN"
                   + SQLITE_SHIFT_OVERLAP.format(same_row="AND s.id <> NEW.id") + "END")


def _equipment_guard() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "ALTER TABLE scheduling_reservation ADD CONSTRAINT scheduling_reservation_no_overlap "
            "EXCLUDE USING gist (int4range(resource_id, resource_id, '[]') WITH &&, "
            "tstzrange(starts_at, ends_at) WITH &&) WHERE (holds)"
        )
    elif dialect == "sqlite":
        op.execute("CREATE TRIGGER scheduling_reservation_no_overlap_insert BEFORE INSERT ON scheduling_reservation "
                   "WHEN NEW.holds BEGIN" + SQLITE_RESERVATION_OVERLAP.format(same_row="") + "END")
        op.execute("CREATE TRIGGER scheduling_reservation_no_overlap_update BEFORE UPDATE ON scheduling_reservation "
                   "WHEN NEW.holds BEGIN" + SQLITE_RESERVATION_OVERLAP.format(same_row="AND r.id <> NEW.id") + "END")


def upgrade() -> None:
    _availability_rules()
    _waitlist_and_series()
    _rota()
    _equipment_guard()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS scheduling_reservation_no_overlap_update")
        op.execute("DROP TRIGGER IF EXISTS scheduling_reservation_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS scheduling_shift_no_overlap_update")
        op.execute("DROP TRIGGER IF EXISTS scheduling_shift_no_overlap_insert")
    # The rota's tables may be gone already: the staff plugin (sta0004) took their rows.
    for table in ("scheduling_staffing_need", "scheduling_time_off", "scheduling_shift"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.drop_table("scheduling_waitlist")
    op.drop_index(op.f("ix_scheduling_appointment_series_id"), table_name="scheduling_appointment")
    with op.batch_alter_table("scheduling_appointment") as batch:
        if dialect != "sqlite":
            batch.drop_constraint("fk_scheduling_appointment_series_id_scheduling_series", type_="foreignkey")
        batch.drop_column("series_id")
    for table in ("scheduling_series", "scheduling_setting", "scheduling_closure", "scheduling_exception",
                  "scheduling_reservation", "scheduling_type_resource", "scheduling_resource",
                  "scheduling_type_provider"):
        op.drop_table(table)
    with op.batch_alter_table("scheduling_appointment_type") as batch:
        batch.drop_column("needs_room")
