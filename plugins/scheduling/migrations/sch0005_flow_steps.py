"""scheduling: the steps of an appointment's day, for undo

``scheduling_flow_step`` keeps each check-in, rooming (or move to another room), visit done
and no-show with the appointment's status, room, overbooked flag and step times just before
it. Undo takes back the newest step not undone yet and puts those back, so a patient moved
from one room to another goes back to the first room, one step at a time. Appointments whose
steps were taken before this revision have no rows here; their undo goes by their status,
as before.

Revision ID: sch0005
Revises: sch0004
"""

import sqlalchemy as sa
from alembic import op

revision = "sch0005"
down_revision = "sch0004"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "scheduling_flow_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status_before", sa.String(length=12), nullable=False),
        sa.Column("status_after", sa.String(length=12), nullable=False),
        sa.Column("room_before_id", sa.Integer(), nullable=True),
        sa.Column("overbooked_before", sa.Boolean(), nullable=False),
        sa.Column("arrived_before", UTC, nullable=True),
        sa.Column("roomed_before", UTC, nullable=True),
        sa.Column("completed_before", UTC, nullable=True),
        sa.Column("taken_at", UTC, nullable=False),
        sa.Column("taken_by", sa.String(length=60), nullable=False),
        sa.Column("undone_at", UTC, nullable=True),
        sa.Column("undone_by", sa.String(length=60), nullable=True),
        sa.CheckConstraint("kind IN ('checked_in', 'roomed', 'completed', 'no_show')",
                           name=op.f("ck_scheduling_flow_step_kind")),
        sa.ForeignKeyConstraint(["appointment_id"], ["scheduling_appointment.id"],
                                name=op.f("fk_scheduling_flow_step_appointment_id_scheduling_appointment"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["room_before_id"], ["core_room.id"],
                                name=op.f("fk_scheduling_flow_step_room_before_id_core_room")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduling_flow_step")),
    )
    op.create_index(op.f("ix_scheduling_flow_step_appointment_id"), "scheduling_flow_step", ["appointment_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_scheduling_flow_step_appointment_id"), table_name="scheduling_flow_step")
    op.drop_table("scheduling_flow_step")
