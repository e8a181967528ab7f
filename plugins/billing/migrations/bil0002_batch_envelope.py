"""billing: who an 837P batch was sent by and to

A batch records the envelope's parties beside its control numbers, so that exporting it
again writes the same file: the submitter's id (ISA06, GS02, 1000A), the receiver's id and
name (ISA08, GS03, 1000B) and the usage indicator (ISA15: P production, T test).

Revision ID: bil0002
Revises: bil0001
"""

import sqlalchemy as sa
from alembic import op

revision = "bil0002"
down_revision = "bil0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("billing_claim_batch", sa.Column("submitter_id", sa.String(length=15), nullable=True))
    op.add_column("billing_claim_batch", sa.Column("receiver_id", sa.String(length=15), nullable=True))
    op.add_column("billing_claim_batch", sa.Column("receiver_name", sa.String(length=60), nullable=True))
    op.add_column("billing_claim_batch", sa.Column("usage_indicator", sa.String(length=1), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("billing_claim_batch") as batch:
        batch.drop_column("usage_indicator")
        batch.drop_column("receiver_name")
        batch.drop_column("receiver_id")
        batch.drop_column("submitter_id")
