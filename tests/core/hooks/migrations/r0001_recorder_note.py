"""recorder: notes

Revision ID: r0001
"""

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision = None
branch_labels = ("recorder",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recorder_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"], name=op.f("fk_recorder_note_patient_id_core_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recorder_note")),
    )


def downgrade() -> None:
    op.drop_table("recorder_note")
