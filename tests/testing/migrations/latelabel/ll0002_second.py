"""latelabel: its second revision, which carries the label the first should have

Revision ID: ll0002
Revises: ll0001
"""

revision = "ll0002"
down_revision = "ll0001"
branch_labels = ("latelabel",)
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
