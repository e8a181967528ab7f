"""core: merging two records of one patient, and why a patient was deactivated

``core_patient.inactive_reason`` says why an inactive patient was deactivated ("moved
away", "merged into 000123"). ``core_patient_merge`` records each merge (the kept and the
absorbed patient, who and when, what each plugin moved) and ``core_patient_merge_row`` every
row a plugin moved: what moved is data of its own, not something read back from the audit log.

Revision ID: c0004
Revises: c0003
"""

from alembic import op
import sqlalchemy as sa


revision = 'c0004'
down_revision = 'c0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: on SQLite batch mode copies the table and drops the
    # old one, which the foreign keys of every table that refers to patients refuse (c0002).
    op.add_column('core_patient', sa.Column('inactive_reason', sa.String(length=200), nullable=True))
    op.create_table('core_patient_merge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('absorbed_id', sa.Integer(), nullable=False),
    sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('merged_by', sa.String(length=60), nullable=False),
    sa.Column('moved', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['absorbed_id'], ['core_patient.id'],
                            name=op.f('fk_core_patient_merge_absorbed_id_core_patient')),
    sa.ForeignKeyConstraint(['kept_id'], ['core_patient.id'], name=op.f('fk_core_patient_merge_kept_id_core_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_patient_merge')),
    sa.UniqueConstraint('absorbed_id', name=op.f('uq_core_patient_merge_absorbed_id'))
    )
    op.create_index(op.f('ix_core_patient_merge_kept_id'), 'core_patient_merge', ['kept_id'], unique=False)
    op.create_table('core_patient_merge_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merge_id', sa.Integer(), nullable=False),
    sa.Column('plugin_id', sa.String(length=60), nullable=False),
    sa.Column('table_name', sa.String(length=60), nullable=False),
    sa.Column('row_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['merge_id'], ['core_patient_merge.id'],
                            name=op.f('fk_core_patient_merge_row_merge_id_core_patient_merge')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_patient_merge_row'))
    )
    op.create_index(op.f('ix_core_patient_merge_row_merge_id'), 'core_patient_merge_row', ['merge_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_core_patient_merge_row_merge_id'), table_name='core_patient_merge_row')
    op.drop_table('core_patient_merge_row')
    op.drop_index(op.f('ix_core_patient_merge_kept_id'), table_name='core_patient_merge')
    op.drop_table('core_patient_merge')
    op.drop_column('core_patient', 'inactive_reason')  # SQLite 3.35+ drops a column in place
