"""staff: delegated tasks, their comments and recurring tasks

Written by hand after 'medoffice plugins revision staff'. The partial unique index keeps one
open task per key (a plugin's task, a recurring task's occurrence) on both databases.

Revision ID: sta0003
Revises: sta0002
Create Date: 2026-12-04 03:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = 'sta0003'
down_revision = 'sta0002'
branch_labels = None
depends_on = None

ONE_ASSIGNEE = "(assignee_staff_id IS NULL) <> (assignee_role IS NULL)"
PRIORITIES = "priority IN ('low', 'normal', 'high', 'urgent')"
OPEN_KEY = "key IS NOT NULL AND status IN ('open', 'in_progress')"


def upgrade() -> None:
    op.create_table('staff_recurring_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('assignee_staff_id', sa.Integer(), nullable=True),
    sa.Column('assignee_role', sa.String(length=60), nullable=True),
    sa.Column('priority', sa.String(length=8), nullable=False),
    sa.Column('every', sa.String(length=8), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=60), nullable=False),
    sa.CheckConstraint(ONE_ASSIGNEE, name=op.f('ck_staff_recurring_task_one_assignee')),
    sa.CheckConstraint("every IN ('day', 'weekday', 'week', 'month')", name=op.f('ck_staff_recurring_task_every')),
    sa.CheckConstraint(PRIORITIES, name=op.f('ck_staff_recurring_task_priority')),
    sa.ForeignKeyConstraint(['assignee_staff_id'], ['core_staff.id'],
                            name=op.f('fk_staff_recurring_task_assignee_staff_id_core_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_recurring_task'))
    )
    op.create_table('staff_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('assignee_staff_id', sa.Integer(), nullable=True),
    sa.Column('assignee_role', sa.String(length=60), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('priority', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=True),
    sa.Column('key', sa.String(length=120), nullable=True),
    sa.Column('recurring_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=60), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_by', sa.String(length=60), nullable=True),
    sa.CheckConstraint(ONE_ASSIGNEE, name=op.f('ck_staff_task_one_assignee')),
    sa.CheckConstraint("status IN ('open', 'in_progress', 'done', 'cancelled')", name=op.f('ck_staff_task_status')),
    sa.CheckConstraint(PRIORITIES, name=op.f('ck_staff_task_priority')),
    sa.ForeignKeyConstraint(['assignee_staff_id'], ['core_staff.id'],
                            name=op.f('fk_staff_task_assignee_staff_id_core_staff')),
    sa.ForeignKeyConstraint(['recurring_id'], ['staff_recurring_task.id'],
                            name=op.f('fk_staff_task_recurring_id_staff_recurring_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_task'))
    )
    op.create_index(op.f('ix_staff_task_assignee_staff_id'), 'staff_task', ['assignee_staff_id'], unique=False)
    op.create_index(op.f('ix_staff_task_recurring_id'), 'staff_task', ['recurring_id'], unique=False)
    op.create_index('ix_staff_task_status_due', 'staff_task', ['status', 'due_on'], unique=False)
    op.create_index('ix_staff_task_open_key', 'staff_task', ['key'], unique=True,
                    sqlite_where=sa.text(OPEN_KEY), postgresql_where=sa.text(OPEN_KEY))
    op.create_table('staff_task_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author', sa.String(length=60), nullable=False),
    sa.Column('body', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['staff_task.id'], name=op.f('fk_staff_task_comment_task_id_staff_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_task_comment'))
    )
    op.create_index(op.f('ix_staff_task_comment_task_id'), 'staff_task_comment', ['task_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_staff_task_comment_task_id'), table_name='staff_task_comment')
    op.drop_table('staff_task_comment')
    op.drop_index('ix_staff_task_open_key', table_name='staff_task')
    op.drop_index('ix_staff_task_status_due', table_name='staff_task')
    op.drop_index(op.f('ix_staff_task_recurring_id'), table_name='staff_task')
    op.drop_index(op.f('ix_staff_task_assignee_staff_id'), table_name='staff_task')
    op.drop_table('staff_task')
    op.drop_table('staff_recurring_task')
