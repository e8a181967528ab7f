"""scheduling: appointment types, availability templates, appointments, no double booking

Written by hand to match models.py exactly; the conformance check compares the two. The
guards against double booking are dialect-specific and live only here:

- PostgreSQL: three exclusion constraints (provider, room, patient) over
  ``tstzrange(starts_at, ends_at)``, using ``int4range(id, id, '[]')`` for equality so that
  no extension (btree_gist) is needed.
- SQLite: BEFORE INSERT and BEFORE UPDATE triggers that abort with ``slot taken``.

Only appointments that hold their slot (not cancelled, not a no-show) and were not
deliberately overbooked take part.

Revision ID: sch0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "sch0001"
down_revision = None
branch_labels = ("scheduling",)
depends_on = None

HOLDS_SLOT = "status NOT IN ('cancelled', 'no_show') AND NOT overbooked"

PG_EXCLUSIONS = {
    "provider": ("provider_id", ""),
    "room": ("room_id", " AND room_id IS NOT NULL"),
    "patient": ("patient_id", ""),
}

SQLITE_OVERLAP = """
SELECT RAISE(ABORT, 'slot taken')
WHERE EXISTS (
    SELECT 1 FROM scheduling_appointment AS a
    WHERE a.status NOT IN ('cancelled', 'no_show') AND NOT a.overbooked
      AND a.starts_at < NEW.ends_at AND NEW.starts_at < a.ends_at
      AND (a.provider_id = NEW.provider_id OR a.patient_id = NEW.patient_id
           OR (NEW.room_id IS NOT NULL AND a.room_id = NEW.room_id))
      {same_row}
);
"""


def upgrade() -> None:
    op.create_table(
        "scheduling_appointment_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("colour", sa.String(length=20), nullable=False),
        sa.Column("patient_kind", sa.String(length=12), nullable=False),
        sa.CheckConstraint("duration_minutes > 0", name=op.f("ck_scheduling_appointment_type_duration_positive")),
        sa.CheckConstraint("patient_kind IN ('new', 'established', 'any')",
                           name=op.f("ck_scheduling_appointment_type_patient_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_appointment_type")),
        sa.UniqueConstraint("name", name=op.f("uq_scheduling_appointment_type_name")),
    )
    op.create_table(
        "scheduling_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_scheduling_template_weekday")),
        sa.CheckConstraint("end_time > start_time", name=op.f("ck_scheduling_template_end_after_start")),
        sa.ForeignKeyConstraint(["provider_id"], ["core_staff.id"],
                                name=op.f("fk_scheduling_template_provider_id_core_staff")),
        sa.ForeignKeyConstraint(["location_id"], ["core_location.id"],
                                name=op.f("fk_scheduling_template_location_id_core_location")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_template")),
    )
    op.create_index(op.f("ix_scheduling_template_provider_id"), "scheduling_template", ["provider_id"], unique=False)
    op.create_index(op.f("ix_scheduling_template_location_id"), "scheduling_template", ["location_id"], unique=False)
    op.create_table(
        "scheduling_appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("overbooked", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("cancel_reason", sa.String(length=500), nullable=True),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("booked_by", sa.String(length=60), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("roomed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_scheduling_appointment_ends_after_start")),
        sa.CheckConstraint("status IN ('booked', 'arrived', 'in_room', 'completed', 'cancelled', 'no_show')",
                           name=op.f("ck_scheduling_appointment_status")),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"],
                                name=op.f("fk_scheduling_appointment_patient_id_core_patient")),
        sa.ForeignKeyConstraint(["provider_id"], ["core_staff.id"],
                                name=op.f("fk_scheduling_appointment_provider_id_core_staff")),
        sa.ForeignKeyConstraint(["type_id"], ["scheduling_appointment_type.id"],
                                name=op.f("fk_scheduling_appointment_type_id_scheduling_appointment_type")),
        sa.ForeignKeyConstraint(["location_id"], ["core_location.id"],
                                name=op.f("fk_scheduling_appointment_location_id_core_location")),
        sa.ForeignKeyConstraint(["room_id"], ["core_room.id"],
                                name=op.f("fk_scheduling_appointment_room_id_core_room")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_appointment")),
    )
    op.create_index(op.f("ix_scheduling_appointment_type_id"), "scheduling_appointment", ["type_id"], unique=False)
    op.create_index(op.f("ix_scheduling_appointment_location_id"), "scheduling_appointment", ["location_id"],
                    unique=False)
    op.create_index("ix_scheduling_appointment_provider_start", "scheduling_appointment",
                    ["provider_id", "starts_at"], unique=False)
    op.create_index("ix_scheduling_appointment_patient_start", "scheduling_appointment",
                    ["patient_id", "starts_at"], unique=False)
    op.create_index("ix_scheduling_appointment_room_start", "scheduling_appointment", ["room_id", "starts_at"],
                    unique=False)
    op.create_index("ix_scheduling_appointment_starts_at", "scheduling_appointment", ["starts_at"], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for what, (column, extra) in PG_EXCLUSIONS.items():
            op.execute(
                f"ALTER TABLE scheduling_appointment ADD CONSTRAINT scheduling_appointment_no_{what}_overlap "
                f"EXCLUDE USING gist (int4range({column}, {column}, '[]') WITH &&, "
                f"tstzrange(starts_at, ends_at) WITH &&) WHERE ({HOLDS_SLOT}{extra})"
            )
    elif dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER scheduling_appointment_no_overlap_insert BEFORE INSERT ON scheduling_appointment "
            "WHEN NEW.status NOT IN ('cancelled', 'no_show') AND NOT NEW.overbooked BEGIN"
            + SQLITE_OVERLAP.format(same_row="") + "END"
        )
        op.execute(
            "CREATE TRIGGER scheduling_appointment_no_overlap_update BEFORE UPDATE ON scheduling_appointment "
            "WHEN NEW.status NOT IN ('cancelled', 'no_show') AND NOT NEW.overbooked BEGIN"
            + SQLITE_OVERLAP.format(same_row="AND a.id <> NEW.id") + "END"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS scheduling_appointment_no_overlap_update")
        op.execute("DROP TRIGGER IF EXISTS scheduling_appointment_no_overlap_insert")
    op.drop_table("scheduling_appointment")
    op.drop_table("scheduling_template")
    op.drop_table("scheduling_appointment_type")
