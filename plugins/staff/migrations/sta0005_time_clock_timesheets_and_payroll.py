"""staff: time clock, timesheets, pay rates and payroll registers

Revision ID: sta0005
Revises: sta0004
Create Date: 2026-12-04 02:53:59.087029
"""

from alembic import op
import sqlalchemy as sa


revision = 'sta0005'
down_revision = 'sta0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_payroll_register',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('gross', sa.BigInteger(), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by', sa.String(length=60), nullable=False),
    sa.Column('expense_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_payroll_register')),
    sa.UniqueConstraint('period_start', name=op.f('uq_staff_payroll_register_period_start'))
    )
    op.create_table('staff_payroll_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=12), nullable=False),
    sa.Column('anchor', sa.Date(), nullable=False),
    sa.Column('workweek_starts', sa.Integer(), nullable=False),
    sa.Column('overtime_rule', sa.String(length=12), nullable=False),
    sa.CheckConstraint("frequency IN ('weekly', 'biweekly', 'semimonthly')", name=op.f('ck_staff_payroll_settings_frequency')),
    sa.CheckConstraint("overtime_rule IN ('federal', 'california')", name=op.f('ck_staff_payroll_settings_overtime_rule')),
    sa.CheckConstraint('id = 1', name=op.f('ck_staff_payroll_settings_one_row')),
    sa.CheckConstraint('workweek_starts BETWEEN 0 AND 6', name=op.f('ck_staff_payroll_settings_workweek_starts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_payroll_settings'))
    )
    op.create_table('staff_paid_leave',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('entered_by', sa.String(length=60), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voided_by', sa.String(length=60), nullable=True),
    sa.CheckConstraint('minutes BETWEEN 1 AND 1440', name=op.f('ck_staff_paid_leave_minutes')),
    sa.ForeignKeyConstraint(['staff_id'], ['core_staff.id'], name=op.f('fk_staff_paid_leave_staff_id_core_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_paid_leave'))
    )
    op.create_index(op.f('ix_staff_paid_leave_day'), 'staff_paid_leave', ['day'], unique=False)
    op.create_index(op.f('ix_staff_paid_leave_staff_id'), 'staff_paid_leave', ['staff_id'], unique=False)
    op.create_table('staff_pay_rate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=6), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('set_by', sa.String(length=60), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('hourly', 'salary')", name=op.f('ck_staff_pay_rate_kind')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_staff_pay_rate_amount')),
    sa.ForeignKeyConstraint(['staff_id'], ['core_staff.id'], name=op.f('fk_staff_pay_rate_staff_id_core_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_pay_rate')),
    sa.UniqueConstraint('staff_id', 'effective_from', name=op.f('uq_staff_pay_rate_staff_id_effective_from'))
    )
    op.create_table('staff_payroll_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('pay_kind', sa.String(length=6), nullable=False),
    sa.Column('regular_minutes', sa.Integer(), nullable=False),
    sa.Column('overtime_minutes', sa.Integer(), nullable=False),
    sa.Column('double_minutes', sa.Integer(), nullable=False),
    sa.Column('pto_minutes', sa.Integer(), nullable=False),
    sa.Column('gross', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['register_id'], ['staff_payroll_register.id'], name=op.f('fk_staff_payroll_line_register_id_staff_payroll_register')),
    sa.ForeignKeyConstraint(['staff_id'], ['core_staff.id'], name=op.f('fk_staff_payroll_line_staff_id_core_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_payroll_line')),
    sa.UniqueConstraint('register_id', 'staff_id', name=op.f('uq_staff_payroll_line_register_id_staff_id'))
    )
    op.create_table('staff_punch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('clock_in', sa.DateTime(timezone=True), nullable=False),
    sa.Column('clock_out', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_for', sa.String(length=5), nullable=True),
    sa.Column('entered_by', sa.String(length=60), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voided_by', sa.String(length=60), nullable=True),
    sa.Column('void_reason', sa.String(length=500), nullable=True),
    sa.CheckConstraint("ended_for IS NULL OR ended_for IN ('out', 'break')", name=op.f('ck_staff_punch_ended_for')),
    sa.CheckConstraint('clock_out IS NULL OR clock_out > clock_in', name=op.f('ck_staff_punch_out_after_in')),
    sa.ForeignKeyConstraint(['replaces_id'], ['staff_punch.id'], name=op.f('fk_staff_punch_replaces_id_staff_punch')),
    sa.ForeignKeyConstraint(['staff_id'], ['core_staff.id'], name=op.f('fk_staff_punch_staff_id_core_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_punch'))
    )
    op.create_index('ix_staff_punch_clock_in', 'staff_punch', ['clock_in'], unique=False)
    op.create_index('ix_staff_punch_staff_id_clock_in', 'staff_punch', ['staff_id', 'clock_in'], unique=False)
    op.create_index('uq_staff_punch_one_open', 'staff_punch', ['staff_id'], unique=True, sqlite_where=sa.text('clock_out IS NULL AND voided_at IS NULL'), postgresql_where=sa.text('clock_out IS NULL AND voided_at IS NULL'))
    op.create_table('staff_timesheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by', sa.String(length=60), nullable=False),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_staff_timesheet_period')),
    sa.ForeignKeyConstraint(['staff_id'], ['core_staff.id'], name=op.f('fk_staff_timesheet_staff_id_core_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_timesheet')),
    sa.UniqueConstraint('staff_id', 'period_start', name=op.f('uq_staff_timesheet_staff_id_period_start'))
    )
    op.create_index(op.f('ix_staff_timesheet_period_start'), 'staff_timesheet', ['period_start'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_staff_timesheet_period_start'), table_name='staff_timesheet')
    op.drop_table('staff_timesheet')
    op.drop_index('uq_staff_punch_one_open', table_name='staff_punch', sqlite_where=sa.text('clock_out IS NULL AND voided_at IS NULL'), postgresql_where=sa.text('clock_out IS NULL AND voided_at IS NULL'))
    op.drop_index('ix_staff_punch_staff_id_clock_in', table_name='staff_punch')
    op.drop_index('ix_staff_punch_clock_in', table_name='staff_punch')
    op.drop_table('staff_punch')
    op.drop_table('staff_payroll_line')
    op.drop_table('staff_pay_rate')
    op.drop_index(op.f('ix_staff_paid_leave_staff_id'), table_name='staff_paid_leave')
    op.drop_index(op.f('ix_staff_paid_leave_day'), table_name='staff_paid_leave')
    op.drop_table('staff_paid_leave')
    op.drop_table('staff_payroll_settings')
    op.drop_table('staff_payroll_register')
