"""swap scheduling (test plugin): the visit table

Revision ID: ss0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from medoffice.core.storage import UTCDateTime

revision = "ss0001"
down_revision = None
branch_labels = ("swap_scheduling",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "swap_scheduling_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("end", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"],
                                name=op.f("fk_swap_scheduling_visit_patient_id_core_patient")),
        sa.ForeignKeyConstraint(["provider_id"], ["core_staff.id"],
                                name=op.f("fk_swap_scheduling_visit_provider_id_core_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_swap_scheduling_visit")),
    )
    op.create_index(op.f("ix_swap_scheduling_visit_patient_id"), "swap_scheduling_visit", ["patient_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_swap_scheduling_visit_patient_id"), table_name="swap_scheduling_visit")
    op.drop_table("swap_scheduling_visit")
