"""patient alerts: the alert table

Written by hand to match models.py exactly; the conformance check compares the two.

Revision ID: pa0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "pa0001"
down_revision = None
branch_labels = ("patient_alerts",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patient_alerts_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=60), nullable=True),
        sa.CheckConstraint("severity IN ('info', 'warning', 'critical')",
                           name=op.f("ck_patient_alerts_alert_severity")),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"],
                                name=op.f("fk_patient_alerts_alert_patient_id_core_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_alerts_alert")),
    )
    op.create_index(op.f("ix_patient_alerts_alert_patient_id"), "patient_alerts_alert", ["patient_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_patient_alerts_alert_patient_id"), table_name="patient_alerts_alert")
    op.drop_table("patient_alerts_alert")
