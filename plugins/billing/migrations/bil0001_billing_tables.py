"""billing: the whole billing domain's tables

Fee schedule and allowed amounts, payers, patients' policies, encounters with their
diagnoses and charge lines, claims with their lines, status history and export batches, the
control-number sequence, payments and their allocations, adjustments, refunds, statements,
budget lines and expenses. Money is integer cents (BIGINT) everywhere.

Written by hand to match models.py exactly; the conformance check compares the two.

Revision ID: bil0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "bil0001"
down_revision = None
branch_labels = ("billing",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "billing_budget_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_billing_budget_line_amount_not_negative")),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_billing_budget_line_month")),
        sa.CheckConstraint("year BETWEEN 2000 AND 2999", name=op.f("ck_billing_budget_line_year")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_budget_line")),
        sa.UniqueConstraint("category", "year", "month", name=op.f("uq_billing_budget_line_category_year_month")),
    )
    op.create_table(
        "billing_claim_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interchange_control_number", sa.BigInteger(), nullable=False),
        sa.Column("group_control_number", sa.BigInteger(), nullable=False),
        sa.Column("transaction_control_number", sa.String(length=9), nullable=False),
        sa.Column("claim_count", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.CheckConstraint("claim_count >= 0", name=op.f("ck_billing_claim_batch_claim_count")),
        sa.CheckConstraint("group_control_number BETWEEN 1 AND 999999999",
                           name=op.f("ck_billing_claim_batch_group_control_number")),
        sa.CheckConstraint("interchange_control_number BETWEEN 1 AND 999999999",
                           name=op.f("ck_billing_claim_batch_interchange_control_number")),
        sa.CheckConstraint("total >= 0", name=op.f("ck_billing_claim_batch_total_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_claim_batch")),
        sa.UniqueConstraint("group_control_number", name=op.f("uq_billing_claim_batch_group_control_number")),
        sa.UniqueConstraint("interchange_control_number",
                            name=op.f("uq_billing_claim_batch_interchange_control_number")),
    )
    op.create_table(
        "billing_expense",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("vendor", sa.String(length=120), nullable=True),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("source", sa.String(length=60), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_billing_expense_amount_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_expense")),
    )
    op.create_index("ix_billing_expense_category_spent", "billing_expense", ["category", "spent_on"], unique=False)
    op.create_index("ix_billing_expense_spent_on", "billing_expense", ["spent_on"], unique=False)
    op.create_table(
        "billing_fee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("fee >= 0", name=op.f("ck_billing_fee_fee_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_fee")),
        sa.UniqueConstraint("code", name=op.f("uq_billing_fee_code")),
    )
    op.create_table(
        "billing_payer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("payer_code", sa.String(length=80), nullable=False),
        sa.Column("claim_filing_code", sa.String(length=2), nullable=False),
        sa.Column("address_line1", sa.String(length=55), nullable=True),
        sa.Column("address_line2", sa.String(length=55), nullable=True),
        sa.Column("city", sa.String(length=30), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("postal_code", sa.String(length=15), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("length(claim_filing_code) = 2", name=op.f("ck_billing_payer_claim_filing_code")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_payer")),
        sa.UniqueConstraint("name", name=op.f("uq_billing_payer_name")),
    )
    op.create_table(
        "billing_sequence",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("next_value", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("next_value > 0", name=op.f("ck_billing_sequence_next_value_positive")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_billing_sequence")),
    )
    op.create_table(
        "billing_allowed_amount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fee_id", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("allowed", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("allowed >= 0", name=op.f("ck_billing_allowed_amount_allowed_not_negative")),
        sa.ForeignKeyConstraint(["fee_id"], ["billing_fee.id"],
                                name=op.f("fk_billing_allowed_amount_fee_id_billing_fee")),
        sa.ForeignKeyConstraint(["payer_id"], ["billing_payer.id"],
                                name=op.f("fk_billing_allowed_amount_payer_id_billing_payer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_allowed_amount")),
        sa.UniqueConstraint("fee_id", "payer_id", name=op.f("uq_billing_allowed_amount_fee_id_payer_id")),
    )
    op.create_index(op.f("ix_billing_allowed_amount_payer_id"), "billing_allowed_amount", ["payer_id"], unique=False)
    op.create_table(
        "billing_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.String(length=10), nullable=False),
        sa.Column("relationship", sa.String(length=10), nullable=False),
        sa.Column("member_id", sa.String(length=80), nullable=False),
        sa.Column("group_number", sa.String(length=50), nullable=True),
        sa.Column("group_name", sa.String(length=60), nullable=True),
        sa.Column("subscriber_first_name", sa.String(length=35), nullable=True),
        sa.Column("subscriber_middle_name", sa.String(length=25), nullable=True),
        sa.Column("subscriber_last_name", sa.String(length=60), nullable=True),
        sa.Column("subscriber_date_of_birth", sa.Date(), nullable=True),
        sa.Column("subscriber_sex", sa.String(length=10), nullable=True),
        sa.Column("copay", sa.BigInteger(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address_line1", sa.String(length=55), nullable=True),
        sa.Column("address_line2", sa.String(length=55), nullable=True),
        sa.Column("city", sa.String(length=30), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("postal_code", sa.String(length=15), nullable=True),
        sa.CheckConstraint("rank IN ('primary', 'secondary')", name=op.f("ck_billing_policy_rank")),
        sa.CheckConstraint("relationship IN ('self', 'spouse', 'child', 'other')",
                           name=op.f("ck_billing_policy_relationship")),
        sa.CheckConstraint("subscriber_sex IS NULL OR subscriber_sex IN ('female', 'male', 'unknown')",
                           name=op.f("ck_billing_policy_subscriber_sex")),
        sa.CheckConstraint("copay >= 0", name=op.f("ck_billing_policy_copay_not_negative")),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"],
                                name=op.f("fk_billing_policy_patient_id_core_patient")),
        sa.ForeignKeyConstraint(["payer_id"], ["billing_payer.id"],
                                name=op.f("fk_billing_policy_payer_id_billing_payer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_policy")),
    )
    op.create_index("ix_billing_policy_patient_rank", "billing_policy", ["patient_id", "rank"], unique=False)
    op.create_index(op.f("ix_billing_policy_payer_id"), "billing_policy", ["payer_id"], unique=False)
    op.create_table(
        "billing_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"],
                                name=op.f("fk_billing_statement_patient_id_core_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_statement")),
    )
    op.create_index("ix_billing_statement_patient_issued", "billing_statement",
                    ["patient_id", "issued_on"], unique=False)
    op.create_table(
        "billing_encounter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("date_of_service", sa.Date(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("appointment_type", sa.String(length=80), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("place_of_service", sa.String(length=2), nullable=False),
        sa.Column("prior_authorization", sa.String(length=50), nullable=True),
        sa.Column("referring_name", sa.String(length=60), nullable=True),
        sa.Column("referring_npi", sa.String(length=10), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(length=60), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=60), nullable=True),
        sa.CheckConstraint("source IN ('visit', 'manual')", name=op.f("ck_billing_encounter_source")),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_billing_encounter_status")),
        sa.ForeignKeyConstraint(["location_id"], ["core_location.id"],
                                name=op.f("fk_billing_encounter_location_id_core_location")),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"],
                                name=op.f("fk_billing_encounter_patient_id_core_patient")),
        sa.ForeignKeyConstraint(["provider_id"], ["core_staff.id"],
                                name=op.f("fk_billing_encounter_provider_id_core_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_encounter")),
        sa.UniqueConstraint("appointment_id", name=op.f("uq_billing_encounter_appointment_id")),
    )
    op.create_index("ix_billing_encounter_date_of_service", "billing_encounter", ["date_of_service"], unique=False)
    op.create_index("ix_billing_encounter_patient_date", "billing_encounter",
                    ["patient_id", "date_of_service"], unique=False)
    op.create_index(op.f("ix_billing_encounter_provider_id"), "billing_encounter", ["provider_id"], unique=False)
    op.create_table(
        "billing_charge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("encounter_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("modifier1", sa.String(length=2), nullable=True),
        sa.Column("modifier2", sa.String(length=2), nullable=True),
        sa.Column("modifier3", sa.String(length=2), nullable=True),
        sa.Column("modifier4", sa.String(length=2), nullable=True),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("pointer1", sa.Integer(), nullable=True),
        sa.Column("pointer2", sa.Integer(), nullable=True),
        sa.Column("pointer3", sa.Integer(), nullable=True),
        sa.Column("pointer4", sa.Integer(), nullable=True),
        sa.Column("date_of_service", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_by", sa.String(length=60), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(length=60), nullable=True),
        sa.Column("void_reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_billing_charge_amount_not_negative")),
        sa.CheckConstraint("fee >= 0", name=op.f("ck_billing_charge_fee_not_negative")),
        sa.CheckConstraint("line_number BETWEEN 1 AND 50", name=op.f("ck_billing_charge_line_number")),
        sa.CheckConstraint("pointer1 IS NULL OR pointer1 BETWEEN 1 AND 12", name=op.f("ck_billing_charge_pointer1")),
        sa.CheckConstraint("pointer2 IS NULL OR pointer2 BETWEEN 1 AND 12", name=op.f("ck_billing_charge_pointer2")),
        sa.CheckConstraint("pointer3 IS NULL OR pointer3 BETWEEN 1 AND 12", name=op.f("ck_billing_charge_pointer3")),
        sa.CheckConstraint("pointer4 IS NULL OR pointer4 BETWEEN 1 AND 12", name=op.f("ck_billing_charge_pointer4")),
        sa.CheckConstraint("units > 0", name=op.f("ck_billing_charge_units_positive")),
        sa.ForeignKeyConstraint(["encounter_id"], ["billing_encounter.id"],
                                name=op.f("fk_billing_charge_encounter_id_billing_encounter")),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"],
                                name=op.f("fk_billing_charge_patient_id_core_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_charge")),
        sa.UniqueConstraint("encounter_id", "line_number", name=op.f("uq_billing_charge_encounter_id_line_number")),
    )
    op.create_index("ix_billing_charge_date_of_service", "billing_charge", ["date_of_service"], unique=False)
    op.create_index("ix_billing_charge_patient_service", "billing_charge",
                    ["patient_id", "date_of_service"], unique=False)
    op.create_table(
        "billing_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_number", sa.String(length=38), nullable=False),
        sa.Column("encounter_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("frequency_code", sa.String(length=1), nullable=False),
        sa.Column("payer_claim_number", sa.String(length=50), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("frequency_code IN ('1', '7', '8')", name=op.f("ck_billing_claim_frequency_code")),
        sa.CheckConstraint("sequence IN ('primary', 'secondary')", name=op.f("ck_billing_claim_sequence")),
        sa.CheckConstraint("status IN ('draft', 'ready', 'submitted', 'paid', 'denied')",
                           name=op.f("ck_billing_claim_status")),
        sa.CheckConstraint("total >= 0", name=op.f("ck_billing_claim_total_not_negative")),
        sa.ForeignKeyConstraint(["batch_id"], ["billing_claim_batch.id"],
                                name=op.f("fk_billing_claim_batch_id_billing_claim_batch")),
        sa.ForeignKeyConstraint(["encounter_id"], ["billing_encounter.id"],
                                name=op.f("fk_billing_claim_encounter_id_billing_encounter")),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"],
                                name=op.f("fk_billing_claim_patient_id_core_patient")),
        sa.ForeignKeyConstraint(["payer_id"], ["billing_payer.id"],
                                name=op.f("fk_billing_claim_payer_id_billing_payer")),
        sa.ForeignKeyConstraint(["policy_id"], ["billing_policy.id"],
                                name=op.f("fk_billing_claim_policy_id_billing_policy")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_claim")),
        sa.UniqueConstraint("claim_number", name=op.f("uq_billing_claim_claim_number")),
    )
    op.create_index(op.f("ix_billing_claim_batch_id"), "billing_claim", ["batch_id"], unique=False)
    op.create_index(op.f("ix_billing_claim_encounter_id"), "billing_claim", ["encounter_id"], unique=False)
    op.create_index("ix_billing_claim_patient_id", "billing_claim", ["patient_id"], unique=False)
    op.create_index(op.f("ix_billing_claim_policy_id"), "billing_claim", ["policy_id"], unique=False)
    op.create_index("ix_billing_claim_status_payer", "billing_claim", ["status", "payer_id"], unique=False)
    op.create_table(
        "billing_encounter_diagnosis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("encounter_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=7), nullable=False),
        sa.CheckConstraint("position BETWEEN 1 AND 12", name=op.f("ck_billing_encounter_diagnosis_position")),
        sa.ForeignKeyConstraint(["encounter_id"], ["billing_encounter.id"],
                                name=op.f("fk_billing_encounter_diagnosis_encounter_id_billing_encounter")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_encounter_diagnosis")),
        sa.UniqueConstraint("encounter_id", "code", name=op.f("uq_billing_encounter_diagnosis_encounter_id_code")),
        sa.UniqueConstraint("encounter_id", "position",
                            name=op.f("uq_billing_encounter_diagnosis_encounter_id_position")),
    )
    op.create_table(
        "billing_adjustment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=True),
        sa.Column("payer_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("reason_code", sa.String(length=10), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("adjusted_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_by", sa.String(length=60), nullable=False),
        sa.CheckConstraint("reason IN ('contractual', 'courtesy', 'bad_debt')",
                           name=op.f("ck_billing_adjustment_reason")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_billing_adjustment_amount_positive")),
        sa.ForeignKeyConstraint(["charge_id"], ["billing_charge.id"],
                                name=op.f("fk_billing_adjustment_charge_id_billing_charge")),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"],
                                name=op.f("fk_billing_adjustment_patient_id_core_patient")),
        sa.ForeignKeyConstraint(["payer_id"], ["billing_payer.id"],
                                name=op.f("fk_billing_adjustment_payer_id_billing_payer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_adjustment")),
    )
    op.create_index("ix_billing_adjustment_adjusted_on", "billing_adjustment", ["adjusted_on"], unique=False)
    op.create_index(op.f("ix_billing_adjustment_charge_id"), "billing_adjustment", ["charge_id"], unique=False)
    op.create_index("ix_billing_adjustment_patient_adjusted", "billing_adjustment",
                    ["patient_id", "adjusted_on"], unique=False)
    op.create_table(
        "billing_claim_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_billing_claim_line_amount_not_negative")),
        sa.CheckConstraint("line_number BETWEEN 1 AND 50", name=op.f("ck_billing_claim_line_line_number")),
        sa.ForeignKeyConstraint(["charge_id"], ["billing_charge.id"],
                                name=op.f("fk_billing_claim_line_charge_id_billing_charge")),
        sa.ForeignKeyConstraint(["claim_id"], ["billing_claim.id"],
                                name=op.f("fk_billing_claim_line_claim_id_billing_claim")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_claim_line")),
        sa.UniqueConstraint("claim_id", "charge_id", name=op.f("uq_billing_claim_line_claim_id_charge_id")),
        sa.UniqueConstraint("claim_id", "line_number", name=op.f("uq_billing_claim_line_claim_id_line_number")),
    )
    op.create_index(op.f("ix_billing_claim_line_charge_id"), "billing_claim_line", ["charge_id"], unique=False)
    op.create_table(
        "billing_claim_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=10), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=60), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'ready', 'submitted', 'paid', 'denied')",
                           name=op.f("ck_billing_claim_status_status")),
        sa.ForeignKeyConstraint(["claim_id"], ["billing_claim.id"],
                                name=op.f("fk_billing_claim_status_claim_id_billing_claim")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_claim_status")),
    )
    op.create_index("ix_billing_claim_status_claim_at", "billing_claim_status",
                    ["claim_id", "changed_at"], unique=False)
    op.create_table(
        "billing_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_by", sa.String(length=60), nullable=False),
        sa.CheckConstraint("(kind = 'insurance') = (payer_id IS NOT NULL)",
                           name=op.f("ck_billing_payment_payer_for_insurance")),
        sa.CheckConstraint("kind IN ('patient', 'insurance')", name=op.f("ck_billing_payment_kind")),
        sa.CheckConstraint("method IN ('cash', 'card', 'check', 'eft')", name=op.f("ck_billing_payment_method")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_billing_payment_amount_positive")),
        sa.ForeignKeyConstraint(["claim_id"], ["billing_claim.id"],
                                name=op.f("fk_billing_payment_claim_id_billing_claim")),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"],
                                name=op.f("fk_billing_payment_patient_id_core_patient")),
        sa.ForeignKeyConstraint(["payer_id"], ["billing_payer.id"],
                                name=op.f("fk_billing_payment_payer_id_billing_payer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_payment")),
    )
    op.create_index(op.f("ix_billing_payment_claim_id"), "billing_payment", ["claim_id"], unique=False)
    op.create_index("ix_billing_payment_patient_received", "billing_payment",
                    ["patient_id", "received_on"], unique=False)
    op.create_index(op.f("ix_billing_payment_payer_id"), "billing_payment", ["payer_id"], unique=False)
    op.create_index("ix_billing_payment_received_on", "billing_payment", ["received_on"], unique=False)
    op.create_table(
        "billing_payment_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_billing_payment_allocation_amount_positive")),
        sa.ForeignKeyConstraint(["charge_id"], ["billing_charge.id"],
                                name=op.f("fk_billing_payment_allocation_charge_id_billing_charge")),
        sa.ForeignKeyConstraint(["payment_id"], ["billing_payment.id"],
                                name=op.f("fk_billing_payment_allocation_payment_id_billing_payment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_payment_allocation")),
        sa.UniqueConstraint("payment_id", "charge_id",
                            name=op.f("uq_billing_payment_allocation_payment_id_charge_id")),
    )
    op.create_index(op.f("ix_billing_payment_allocation_charge_id"), "billing_payment_allocation",
                    ["charge_id"], unique=False)
    op.create_table(
        "billing_refund",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("refunded_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_by", sa.String(length=60), nullable=False),
        sa.CheckConstraint("method IN ('cash', 'card', 'check', 'eft')", name=op.f("ck_billing_refund_method")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_billing_refund_amount_positive")),
        sa.ForeignKeyConstraint(["patient_id"], ["core_patient.id"],
                                name=op.f("fk_billing_refund_patient_id_core_patient")),
        sa.ForeignKeyConstraint(["payment_id"], ["billing_payment.id"],
                                name=op.f("fk_billing_refund_payment_id_billing_payment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_refund")),
    )
    op.create_index("ix_billing_refund_patient_refunded", "billing_refund",
                    ["patient_id", "refunded_on"], unique=False)
    op.create_index(op.f("ix_billing_refund_payment_id"), "billing_refund", ["payment_id"], unique=False)
    op.create_index("ix_billing_refund_refunded_on", "billing_refund", ["refunded_on"], unique=False)


def downgrade() -> None:
    op.drop_table("billing_refund")
    op.drop_table("billing_payment_allocation")
    op.drop_table("billing_payment")
    op.drop_table("billing_claim_status")
    op.drop_table("billing_claim_line")
    op.drop_table("billing_adjustment")
    op.drop_table("billing_encounter_diagnosis")
    op.drop_table("billing_claim")
    op.drop_table("billing_charge")
    op.drop_table("billing_encounter")
    op.drop_table("billing_statement")
    op.drop_table("billing_policy")
    op.drop_table("billing_allowed_amount")
    op.drop_table("billing_sequence")
    op.drop_table("billing_payer")
    op.drop_table("billing_fee")
    op.drop_table("billing_expense")
    op.drop_table("billing_claim_batch")
    op.drop_table("billing_budget_line")
