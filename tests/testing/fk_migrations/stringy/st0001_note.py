"""stringy: its first revision (a test plugin whose model names core_patient by string)

Revision ID: st0001
"""

import sqlalchemy as sa
from alembic import op

revision = "st0001"
down_revision = None
branch_labels = ("stringy",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stringy_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"],
                                name=op.f("fk_stringy_note_patient_id_core_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stringy_note")),
    )


def downgrade() -> None:
    op.drop_table("stringy_note")
