"""prefixless: its first revision (a test plugin of the kit's own tests)

Revision ID: px0001
"""

import sqlalchemy as sa
from alembic import op

revision = "px0001"
down_revision = None
branch_labels = ("prefixless",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )


def downgrade() -> None:
    op.drop_table("notes")
