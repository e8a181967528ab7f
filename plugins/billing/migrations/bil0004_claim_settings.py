"""billing: what claims need beyond the core's details: the practice's taxonomy, drugs' NDCs

``billing_setting`` holds named settings of the practice's billing, first of them
``taxonomy``, the NUCC provider taxonomy code written in the 837P as the billing provider's
specialty (2000A PRV*BI*PXC). ``billing_drug_code`` gives a drug's HCPCS code (J codes) the
National Drug Code, unit and quantity its claim lines carry (loop 2410, LIN and CTP). Two new
tables: nothing existing changes.

Revision ID: bil0004
Revises: bil0003
"""

import sqlalchemy as sa
from alembic import op

revision = "bil0004"
down_revision = "bil0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "billing_setting",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_billing_setting")),
    )
    op.create_table(
        "billing_drug_code",
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("ndc", sa.String(length=11), nullable=False),
        sa.Column("unit", sa.String(length=2), nullable=False),
        sa.Column("quantity", sa.String(length=15), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
        sa.CheckConstraint("unit IN ('F2', 'GR', 'ME', 'ML', 'UN')", name=op.f("ck_billing_drug_code_unit")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_billing_drug_code")),
    )


def downgrade() -> None:
    op.drop_table("billing_drug_code")
    op.drop_table("billing_setting")
