"""drifty: its first revision (a test plugin of the kit's own tests)

Revision ID: dr0001
"""

import sqlalchemy as sa
from alembic import op

revision = "dr0001"
down_revision = None
branch_labels = ("drifty",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drifty_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drifty_item")),
    )


def downgrade() -> None:
    op.drop_table("drifty_item")
