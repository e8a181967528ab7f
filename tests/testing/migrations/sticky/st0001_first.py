"""sticky: its first revision (a test plugin of the kit's own tests)

Revision ID: st0001
"""

import sqlalchemy as sa
from alembic import op

revision = "st0001"
down_revision = None
branch_labels = ("sticky",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sticky_thing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sticky_thing")),
    )


def downgrade() -> None:
    pass  # forgets to drop sticky_thing
