"""latelabel: its first revision, which forgot the branch label

Revision ID: ll0001
"""

import sqlalchemy as sa
from alembic import op

revision = "ll0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("latelabel_thing", sa.Column("id", sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint("id", name=op.f("pk_latelabel_thing")))


def downgrade() -> None:
    op.drop_table("latelabel_thing")
