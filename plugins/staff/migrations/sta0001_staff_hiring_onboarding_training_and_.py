"""staff: hiring, onboarding, training and credentials tables

Generated with 'medoffice plugins revision staff'; the default hiring stages added by hand
(applied, phone screen, interview, offer, and the outcomes hired, rejected, withdrawn).

Revision ID: sta0001
Revises: 
Create Date: 2026-12-03 21:15:11.131443
"""

from alembic import op
import sqlalchemy as sa


revision = 'sta0001'
down_revision = None
branch_labels = ('staff',)
depends_on = None


def upgrade() -> None:
    op.create_table('staff_hiring_stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('hired', 'rejected', 'withdrawn')", name=op.f('ck_staff_hiring_stage_outcome')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_hiring_stage')),
    sa.UniqueConstraint('name', name=op.f('uq_staff_hiring_stage_name')),
    sa.UniqueConstraint('outcome', name=op.f('uq_staff_hiring_stage_outcome'))
    )
    op.create_table('staff_onboarding_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('within_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('within_days BETWEEN 0 AND 365', name=op.f('ck_staff_onboarding_document_within_days')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_onboarding_document')),
    sa.UniqueConstraint('role', 'title', name=op.f('uq_staff_onboarding_document_role_title'))
    )
    op.create_table('staff_training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('every_months', sa.Integer(), nullable=True),
    sa.Column('first_within_days', sa.Integer(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('every_months IS NULL OR every_months BETWEEN 1 AND 120', name=op.f('ck_staff_training_every_months')),
    sa.CheckConstraint('first_within_days BETWEEN 0 AND 3650', name=op.f('ck_staff_training_first_within_days')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_training')),
    sa.UniqueConstraint('name', name=op.f('uq_staff_training_name'))
    )
    op.create_table('staff_opening',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=60), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('hours', sa.String(length=120), nullable=True),
    sa.Column('pay_min', sa.BigInteger(), nullable=True),
    sa.Column('pay_max', sa.BigInteger(), nullable=True),
    sa.Column('pay_per', sa.String(length=4), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.CheckConstraint("pay_per IS NULL OR pay_per IN ('hour', 'year')", name=op.f('ck_staff_opening_pay_per')),
    sa.CheckConstraint("status IN ('open', 'on_hold', 'filled', 'closed')", name=op.f('ck_staff_opening_status')),
    sa.CheckConstraint('pay_min IS NULL OR pay_max IS NULL OR pay_min <= pay_max', name=op.f('ck_staff_opening_pay_range')),
    sa.ForeignKeyConstraint(['location_id'], ['core_location.id'], name=op.f('fk_staff_opening_location_id_core_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_opening'))
    )
    op.create_table('staff_training_role',
    sa.Column('training_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['training_id'], ['staff_training.id'], name=op.f('fk_staff_training_role_training_id_staff_training')),
    sa.PrimaryKeyConstraint('training_id', 'role', name=op.f('pk_staff_training_role'))
    )
    op.create_table('staff_applicant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opening_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('rejection_reason', sa.String(length=500), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['opening_id'], ['staff_opening.id'], name=op.f('fk_staff_applicant_opening_id_staff_opening')),
    sa.ForeignKeyConstraint(['staff_id'], ['core_staff.id'], name=op.f('fk_staff_applicant_staff_id_core_staff')),
    sa.ForeignKeyConstraint(['stage_id'], ['staff_hiring_stage.id'], name=op.f('fk_staff_applicant_stage_id_staff_hiring_stage')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_applicant')),
    sa.UniqueConstraint('staff_id', name=op.f('uq_staff_applicant_staff_id'))
    )
    op.create_index(op.f('ix_staff_applicant_opening_id'), 'staff_applicant', ['opening_id'], unique=False)
    op.create_index(op.f('ix_staff_applicant_stage_id'), 'staff_applicant', ['stage_id'], unique=False)
    op.create_table('staff_credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=True),
    sa.Column('issuer', sa.String(length=80), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('required_for_work', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('issued_on IS NULL OR expires_on IS NULL OR issued_on <= expires_on', name=op.f('ck_staff_credential_issued_before_expiry')),
    sa.ForeignKeyConstraint(['staff_id'], ['core_staff.id'], name=op.f('fk_staff_credential_staff_id_core_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_credential'))
    )
    op.create_index(op.f('ix_staff_credential_staff_id'), 'staff_credential', ['staff_id'], unique=False)
    op.create_table('staff_onboarding_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('training_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_by', sa.String(length=60), nullable=True),
    sa.CheckConstraint("kind IN ('training', 'document', 'policy')", name=op.f('ck_staff_onboarding_item_kind')),
    sa.ForeignKeyConstraint(['staff_id'], ['core_staff.id'], name=op.f('fk_staff_onboarding_item_staff_id_core_staff')),
    sa.ForeignKeyConstraint(['training_id'], ['staff_training.id'], name=op.f('fk_staff_onboarding_item_training_id_staff_training')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_onboarding_item')),
    sa.UniqueConstraint('staff_id', 'kind', 'title', name=op.f('uq_staff_onboarding_item_staff_id_kind_title'))
    )
    op.create_index(op.f('ix_staff_onboarding_item_staff_id'), 'staff_onboarding_item', ['staff_id'], unique=False)
    op.create_table('staff_training_completion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('training_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('certificate', sa.String(length=200), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=60), nullable=False),
    sa.CheckConstraint('expires_on IS NULL OR expires_on >= completed_on', name=op.f('ck_staff_training_completion_expiry_after')),
    sa.ForeignKeyConstraint(['staff_id'], ['core_staff.id'], name=op.f('fk_staff_training_completion_staff_id_core_staff')),
    sa.ForeignKeyConstraint(['training_id'], ['staff_training.id'], name=op.f('fk_staff_training_completion_training_id_staff_training')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_training_completion'))
    )
    op.create_index(op.f('ix_staff_training_completion_staff_id'), 'staff_training_completion', ['staff_id'], unique=False)
    op.create_index(op.f('ix_staff_training_completion_training_id'), 'staff_training_completion', ['training_id'], unique=False)
    op.create_table('staff_applicant_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('body', sa.String(length=2000), nullable=False),
    sa.CheckConstraint("kind IN ('note', 'stage', 'interview')", name=op.f('ck_staff_applicant_note_kind')),
    sa.ForeignKeyConstraint(['applicant_id'], ['staff_applicant.id'], name=op.f('fk_staff_applicant_note_applicant_id_staff_applicant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_applicant_note'))
    )
    op.create_index(op.f('ix_staff_applicant_note_applicant_id'), 'staff_applicant_note', ['applicant_id'], unique=False)
    op.create_table('staff_credential_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('granted_by', sa.String(length=60), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by', sa.String(length=60), nullable=True),
    sa.ForeignKeyConstraint(['credential_id'], ['staff_credential.id'], name=op.f('fk_staff_credential_override_credential_id_staff_credential')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_credential_override'))
    )
    op.create_index(op.f('ix_staff_credential_override_credential_id'), 'staff_credential_override', ['credential_id'], unique=False)
    op.create_table('staff_interview',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('interviewer', sa.String(length=160), nullable=True),
    sa.Column('place', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['applicant_id'], ['staff_applicant.id'], name=op.f('fk_staff_interview_applicant_id_staff_applicant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_interview'))
    )
    op.create_index(op.f('ix_staff_interview_applicant_id'), 'staff_interview', ['applicant_id'], unique=False)
    op.create_table('staff_member',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('hired_on', sa.Date(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['applicant_id'], ['staff_applicant.id'], name=op.f('fk_staff_member_applicant_id_staff_applicant')),
    sa.ForeignKeyConstraint(['staff_id'], ['core_staff.id'], name=op.f('fk_staff_member_staff_id_core_staff')),
    sa.PrimaryKeyConstraint('staff_id', name=op.f('pk_staff_member'))
    )

    stages = sa.table("staff_hiring_stage", sa.column("name", sa.String),
                      sa.column("position", sa.Integer), sa.column("outcome", sa.String))
    op.bulk_insert(stages, [
        {"name": name, "position": i * 10, "outcome": outcome}
        for i, (name, outcome) in enumerate([("applied", None), ("phone screen", None), ("interview", None),
                                             ("offer", None), ("hired", "hired"), ("rejected", "rejected"),
                                             ("withdrawn", "withdrawn")], start=1)
    ])


def downgrade() -> None:
    op.drop_table('staff_member')
    op.drop_index(op.f('ix_staff_interview_applicant_id'), table_name='staff_interview')
    op.drop_table('staff_interview')
    op.drop_index(op.f('ix_staff_credential_override_credential_id'), table_name='staff_credential_override')
    op.drop_table('staff_credential_override')
    op.drop_index(op.f('ix_staff_applicant_note_applicant_id'), table_name='staff_applicant_note')
    op.drop_table('staff_applicant_note')
    op.drop_index(op.f('ix_staff_training_completion_training_id'), table_name='staff_training_completion')
    op.drop_index(op.f('ix_staff_training_completion_staff_id'), table_name='staff_training_completion')
    op.drop_table('staff_training_completion')
    op.drop_index(op.f('ix_staff_onboarding_item_staff_id'), table_name='staff_onboarding_item')
    op.drop_table('staff_onboarding_item')
    op.drop_index(op.f('ix_staff_credential_staff_id'), table_name='staff_credential')
    op.drop_table('staff_credential')
    op.drop_index(op.f('ix_staff_applicant_stage_id'), table_name='staff_applicant')
    op.drop_index(op.f('ix_staff_applicant_opening_id'), table_name='staff_applicant')
    op.drop_table('staff_applicant')
    op.drop_table('staff_training_role')
    op.drop_table('staff_opening')
    op.drop_table('staff_training')
    op.drop_table('staff_onboarding_document')
    op.drop_table('staff_hiring_stage')
