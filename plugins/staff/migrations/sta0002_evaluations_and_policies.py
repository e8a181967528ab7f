"""staff: performance evaluations (templates, cycles, evaluations and their lines) and
office policies (versions, the roles each applies to, acknowledgments); an onboarding line
may name the policy it asks the new hire to acknowledge.

Generated with 'medoffice plugins revision staff'; the onboarding column is added in batch
mode so that SQLite keeps the table's rows and constraints.

Revision ID: sta0002
Revises: sta0001
Create Date: 2026-12-04 02:52:15.991123
"""

from alembic import op
import sqlalchemy as sa


revision = 'sta0002'
down_revision = 'sta0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_eval_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('scale_min', sa.Integer(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=False),
    sa.Column('scale_labels', sa.String(length=500), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('scale_min >= 0 AND scale_max > scale_min AND scale_max <= 10', name=op.f('ck_staff_eval_template_scale')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_eval_template')),
    sa.UniqueConstraint('name', name=op.f('uq_staff_eval_template_name'))
    )
    op.create_table('staff_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('ack_within_days', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('ack_within_days BETWEEN 0 AND 365', name=op.f('ck_staff_policy_ack_within_days')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_policy')),
    sa.UniqueConstraint('title', name=op.f('uq_staff_policy_title'))
    )
    op.create_table('staff_eval_cycle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('days_after_hire', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('annual', 'new_hire')", name=op.f('ck_staff_eval_cycle_kind')),
    sa.CheckConstraint('days_after_hire IS NULL OR days_after_hire BETWEEN 1 AND 730', name=op.f('ck_staff_eval_cycle_days_after_hire')),
    sa.ForeignKeyConstraint(['template_id'], ['staff_eval_template.id'], name=op.f('fk_staff_eval_cycle_template_id_staff_eval_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_eval_cycle')),
    sa.UniqueConstraint('name', name=op.f('uq_staff_eval_cycle_name'))
    )
    op.create_table('staff_eval_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.CheckConstraint("kind IN ('competency', 'comment')", name=op.f('ck_staff_eval_item_kind')),
    sa.ForeignKeyConstraint(['template_id'], ['staff_eval_template.id'], name=op.f('fk_staff_eval_item_template_id_staff_eval_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_eval_item')),
    sa.UniqueConstraint('template_id', 'name', name=op.f('uq_staff_eval_item_template_id_name'))
    )
    op.create_index(op.f('ix_staff_eval_item_template_id'), 'staff_eval_item', ['template_id'], unique=False)
    op.create_table('staff_policy_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=100000), nullable=True),
    sa.Column('file_ref', sa.String(length=500), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.String(length=60), nullable=False),
    sa.CheckConstraint('(body IS NULL) <> (file_ref IS NULL)', name=op.f('ck_staff_policy_version_body_or_file')),
    sa.ForeignKeyConstraint(['policy_id'], ['staff_policy.id'], name=op.f('fk_staff_policy_version_policy_id_staff_policy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_policy_version')),
    sa.UniqueConstraint('policy_id', 'number', name=op.f('uq_staff_policy_version_policy_id_number'))
    )
    op.create_index(op.f('ix_staff_policy_version_policy_id'), 'staff_policy_version', ['policy_id'], unique=False)
    op.create_table('staff_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('self_comment', sa.String(length=2000), nullable=True),
    sa.Column('manager_comment', sa.String(length=2000), nullable=True),
    sa.Column('goals', sa.String(length=2000), nullable=True),
    sa.Column('self_signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('self_signed_by', sa.String(length=60), nullable=True),
    sa.Column('self_waived', sa.String(length=500), nullable=True),
    sa.Column('manager_signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('manager_signed_by', sa.String(length=60), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('manager_signed_at IS NULL OR self_signed_at IS NOT NULL', name=op.f('ck_staff_evaluation_sign_order')),
    sa.ForeignKeyConstraint(['cycle_id'], ['staff_eval_cycle.id'], name=op.f('fk_staff_evaluation_cycle_id_staff_eval_cycle')),
    sa.ForeignKeyConstraint(['staff_id'], ['core_staff.id'], name=op.f('fk_staff_evaluation_staff_id_core_staff')),
    sa.ForeignKeyConstraint(['template_id'], ['staff_eval_template.id'], name=op.f('fk_staff_evaluation_template_id_staff_eval_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_evaluation')),
    sa.UniqueConstraint('staff_id', 'cycle_id', 'period', name=op.f('uq_staff_evaluation_staff_id_cycle_id_period'))
    )
    op.create_index(op.f('ix_staff_evaluation_cycle_id'), 'staff_evaluation', ['cycle_id'], unique=False)
    op.create_index(op.f('ix_staff_evaluation_due_on'), 'staff_evaluation', ['due_on'], unique=False)
    op.create_index(op.f('ix_staff_evaluation_staff_id'), 'staff_evaluation', ['staff_id'], unique=False)
    op.create_table('staff_policy_ack',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['core_staff.id'], name=op.f('fk_staff_policy_ack_staff_id_core_staff')),
    sa.ForeignKeyConstraint(['version_id'], ['staff_policy_version.id'], name=op.f('fk_staff_policy_ack_version_id_staff_policy_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_policy_ack')),
    sa.UniqueConstraint('version_id', 'staff_id', name=op.f('uq_staff_policy_ack_version_id_staff_id'))
    )
    op.create_index(op.f('ix_staff_policy_ack_staff_id'), 'staff_policy_ack', ['staff_id'], unique=False)
    op.create_index(op.f('ix_staff_policy_ack_version_id'), 'staff_policy_ack', ['version_id'], unique=False)
    op.create_table('staff_policy_version_role',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['staff_policy_version.id'], name=op.f('fk_staff_policy_version_role_version_id_staff_policy_version')),
    sa.PrimaryKeyConstraint('version_id', 'role', name=op.f('pk_staff_policy_version_role'))
    )
    op.create_table('staff_eval_entry',
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('self_rating', sa.Integer(), nullable=True),
    sa.Column('manager_rating', sa.Integer(), nullable=True),
    sa.Column('self_text', sa.String(length=2000), nullable=True),
    sa.Column('manager_text', sa.String(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['evaluation_id'], ['staff_evaluation.id'], name=op.f('fk_staff_eval_entry_evaluation_id_staff_evaluation')),
    sa.ForeignKeyConstraint(['item_id'], ['staff_eval_item.id'], name=op.f('fk_staff_eval_entry_item_id_staff_eval_item')),
    sa.PrimaryKeyConstraint('evaluation_id', 'item_id', name=op.f('pk_staff_eval_entry'))
    )
    with op.batch_alter_table('staff_onboarding_item') as batch:
        batch.add_column(sa.Column('policy_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_staff_onboarding_item_policy_id_staff_policy'), 'staff_policy', ['policy_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('staff_onboarding_item') as batch:
        batch.drop_constraint(op.f('fk_staff_onboarding_item_policy_id_staff_policy'), type_='foreignkey')
        batch.drop_column('policy_id')
    op.drop_table('staff_eval_entry')
    op.drop_table('staff_policy_version_role')
    op.drop_index(op.f('ix_staff_policy_ack_version_id'), table_name='staff_policy_ack')
    op.drop_index(op.f('ix_staff_policy_ack_staff_id'), table_name='staff_policy_ack')
    op.drop_table('staff_policy_ack')
    op.drop_index(op.f('ix_staff_evaluation_staff_id'), table_name='staff_evaluation')
    op.drop_index(op.f('ix_staff_evaluation_due_on'), table_name='staff_evaluation')
    op.drop_index(op.f('ix_staff_evaluation_cycle_id'), table_name='staff_evaluation')
    op.drop_table('staff_evaluation')
    op.drop_index(op.f('ix_staff_policy_version_policy_id'), table_name='staff_policy_version')
    op.drop_table('staff_policy_version')
    op.drop_index(op.f('ix_staff_eval_item_template_id'), table_name='staff_eval_item')
    op.drop_table('staff_eval_item')
    op.drop_table('staff_eval_cycle')
    op.drop_table('staff_policy')
    op.drop_table('staff_eval_template')
