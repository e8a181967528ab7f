"""equipment: assets, maintenance plans, the service log, out of service

Four new tables (``inventory_asset``, ``inventory_maintenance_plan``,
``inventory_service_entry``, ``inventory_asset_event``); no existing table changes, so every
row is kept, and the downgrade drops only these.

Revision ID: inv0003
Revises: inv0002
Create Date: 2026-12-04 02:51:39.301614
"""

from alembic import op
import sqlalchemy as sa


revision = 'inv0003'
down_revision = 'inv0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inventory_asset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('model', sa.String(length=120), nullable=True),
    sa.Column('serial', sa.String(length=40), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('purchased_on', sa.Date(), nullable=True),
    sa.Column('purchase_cost', sa.BigInteger(), nullable=True),
    sa.Column('warranty_ends', sa.Date(), nullable=True),
    sa.Column('resource', sa.String(length=120), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('in_service', sa.Boolean(), nullable=False),
    sa.Column('out_reason', sa.String(length=500), nullable=True),
    sa.Column('out_since', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('in_service OR out_reason IS NOT NULL', name=op.f('ck_inventory_asset_out_of_service_has_reason')),
    sa.CheckConstraint('purchase_cost IS NULL OR purchase_cost >= 0', name=op.f('ck_inventory_asset_purchase_cost_not_negative')),
    sa.ForeignKeyConstraint(['location_id'], ['inventory_location.id'], name=op.f('fk_inventory_asset_location_id_inventory_location')),
    sa.ForeignKeyConstraint(['vendor_id'], ['inventory_vendor.id'], name=op.f('fk_inventory_asset_vendor_id_inventory_vendor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_asset')),
    sa.UniqueConstraint('name', name=op.f('uq_inventory_asset_name'))
    )
    op.create_index(op.f('ix_inventory_asset_location_id'), 'inventory_asset', ['location_id'], unique=False)
    op.create_index(op.f('ix_inventory_asset_vendor_id'), 'inventory_asset', ['vendor_id'], unique=False)
    op.create_table('inventory_asset_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint("kind IN ('out_of_service', 'back_in_service')", name=op.f('ck_inventory_asset_event_kind')),
    sa.ForeignKeyConstraint(['asset_id'], ['inventory_asset.id'], name=op.f('fk_inventory_asset_event_asset_id_inventory_asset')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_asset_event'))
    )
    op.create_index(op.f('ix_inventory_asset_event_asset_id'), 'inventory_asset_event', ['asset_id'], unique=False)
    op.create_table('inventory_maintenance_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('task', sa.String(length=60), nullable=False),
    sa.Column('every_months', sa.Integer(), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=False),
    sa.CheckConstraint('every_months BETWEEN 1 AND 120', name=op.f('ck_inventory_maintenance_plan_every_months_range')),
    sa.ForeignKeyConstraint(['asset_id'], ['inventory_asset.id'], name=op.f('fk_inventory_maintenance_plan_asset_id_inventory_asset')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_maintenance_plan')),
    sa.UniqueConstraint('asset_id', 'task', name=op.f('uq_inventory_maintenance_plan_asset_id_task'))
    )
    op.create_index('ix_inventory_maintenance_plan_next_due', 'inventory_maintenance_plan', ['next_due'], unique=False)
    op.create_table('inventory_service_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('done_by', sa.String(length=120), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('work', sa.String(length=500), nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=True),
    sa.Column('next_due', sa.Date(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=60), nullable=False),
    sa.CheckConstraint('cost IS NULL OR cost >= 0', name=op.f('ck_inventory_service_entry_cost_not_negative')),
    sa.ForeignKeyConstraint(['asset_id'], ['inventory_asset.id'], name=op.f('fk_inventory_service_entry_asset_id_inventory_asset')),
    sa.ForeignKeyConstraint(['plan_id'], ['inventory_maintenance_plan.id'], name=op.f('fk_inventory_service_entry_plan_id_inventory_maintenance_plan')),
    sa.ForeignKeyConstraint(['vendor_id'], ['inventory_vendor.id'], name=op.f('fk_inventory_service_entry_vendor_id_inventory_vendor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_service_entry'))
    )
    op.create_index('ix_inventory_service_entry_asset_done', 'inventory_service_entry', ['asset_id', 'done_on'], unique=False)
    op.create_index(op.f('ix_inventory_service_entry_plan_id'), 'inventory_service_entry', ['plan_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_inventory_service_entry_plan_id'), table_name='inventory_service_entry')
    op.drop_index('ix_inventory_service_entry_asset_done', table_name='inventory_service_entry')
    op.drop_table('inventory_service_entry')
    op.drop_index('ix_inventory_maintenance_plan_next_due', table_name='inventory_maintenance_plan')
    op.drop_table('inventory_maintenance_plan')
    op.drop_index(op.f('ix_inventory_asset_event_asset_id'), table_name='inventory_asset_event')
    op.drop_table('inventory_asset_event')
    op.drop_index(op.f('ix_inventory_asset_vendor_id'), table_name='inventory_asset')
    op.drop_index(op.f('ix_inventory_asset_location_id'), table_name='inventory_asset')
    op.drop_table('inventory_asset')
