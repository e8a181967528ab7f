"""inventory: the inventory domain's tables

Storage locations, vendors, items, lots, the stock ledger (movements) and its running
balances, stock counts and their lines, purchase orders and their lines, receipts and their
lines. Money is integer cents (BIGINT) everywhere.

Written by ``medoffice plugins revision`` from models.py and reviewed; the conformance check
compares the two.

Revision ID: inv0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "inv0001"
down_revision = None
branch_labels = ("inventory",)
depends_on = None


def upgrade() -> None:
    op.create_table('inventory_location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_location')),
    sa.UniqueConstraint('name', name=op.f('uq_inventory_location_name'))
    )
    op.create_table('inventory_vendor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('contact', sa.String(length=120), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('account_number', sa.String(length=40), nullable=True),
    sa.Column('terms', sa.String(length=60), nullable=True),
    sa.Column('ordering_method', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_vendor')),
    sa.UniqueConstraint('name', name=op.f('uq_inventory_vendor_name'))
    )
    op.create_table('inventory_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_by', sa.String(length=60), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('posted_by', sa.String(length=60), nullable=True),
    sa.CheckConstraint("status IN ('open', 'posted', 'cancelled')", name=op.f('ck_inventory_count_status')),
    sa.ForeignKeyConstraint(['location_id'], ['inventory_location.id'], name=op.f('fk_inventory_count_location_id_inventory_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_count'))
    )
    op.create_index(op.f('ix_inventory_count_location_id'), 'inventory_count', ['location_id'], unique=False)
    op.create_table('inventory_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('ndc', sa.String(length=13), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('pack_unit', sa.String(length=20), nullable=False),
    sa.Column('pack_size', sa.Integer(), nullable=False),
    sa.Column('tracks_lots', sa.Boolean(), nullable=False),
    sa.Column('par', sa.Integer(), nullable=False),
    sa.Column('reorder_point', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('vendor_item_number', sa.String(length=40), nullable=True),
    sa.Column('pack_price', sa.BigInteger(), nullable=True),
    sa.Column('lead_time_days', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("category IN ('medical', 'office', 'drug', 'lab')", name=op.f('ck_inventory_item_category')),
    sa.CheckConstraint('lead_time_days IS NULL OR lead_time_days >= 0', name=op.f('ck_inventory_item_lead_time_not_negative')),
    sa.CheckConstraint('pack_price IS NULL OR pack_price >= 0', name=op.f('ck_inventory_item_pack_price_not_negative')),
    sa.CheckConstraint('pack_size >= 1', name=op.f('ck_inventory_item_pack_size_positive')),
    sa.CheckConstraint('par >= 0 AND reorder_point >= 0 AND reorder_point <= par', name=op.f('ck_inventory_item_par_and_reorder_point')),
    sa.ForeignKeyConstraint(['location_id'], ['inventory_location.id'], name=op.f('fk_inventory_item_location_id_inventory_location')),
    sa.ForeignKeyConstraint(['vendor_id'], ['inventory_vendor.id'], name=op.f('fk_inventory_item_vendor_id_inventory_vendor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_item')),
    sa.UniqueConstraint('name', name=op.f('uq_inventory_item_name')),
    sa.UniqueConstraint('sku', name=op.f('uq_inventory_item_sku'))
    )
    op.create_index(op.f('ix_inventory_item_location_id'), 'inventory_item', ['location_id'], unique=False)
    op.create_index(op.f('ix_inventory_item_vendor_id'), 'inventory_item', ['vendor_id'], unique=False)
    op.create_table('inventory_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=60), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.String(length=60), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=500), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'approved', 'sent', 'partially_received', 'received', 'closed', 'cancelled')", name=op.f('ck_inventory_order_status')),
    sa.ForeignKeyConstraint(['location_id'], ['inventory_location.id'], name=op.f('fk_inventory_order_location_id_inventory_location')),
    sa.ForeignKeyConstraint(['vendor_id'], ['inventory_vendor.id'], name=op.f('fk_inventory_order_vendor_id_inventory_vendor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_order'))
    )
    op.create_index('ix_inventory_order_status', 'inventory_order', ['status'], unique=False)
    op.create_index(op.f('ix_inventory_order_vendor_id'), 'inventory_order', ['vendor_id'], unique=False)
    op.create_table('inventory_lot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('lot_number', sa.String(length=40), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('pack_price', sa.BigInteger(), nullable=True),
    sa.Column('pack_size', sa.Integer(), nullable=False),
    sa.CheckConstraint('pack_size >= 1', name=op.f('ck_inventory_lot_pack_size_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['inventory_item.id'], name=op.f('fk_inventory_lot_item_id_inventory_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_lot')),
    sa.UniqueConstraint('item_id', 'lot_number', name=op.f('uq_inventory_lot_item_id_lot_number'))
    )
    op.create_index('ix_inventory_lot_expires_on', 'inventory_lot', ['expires_on'], unique=False)
    op.create_table('inventory_order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('packs', sa.Integer(), nullable=False),
    sa.Column('pack_size', sa.Integer(), nullable=False),
    sa.Column('pack_price', sa.BigInteger(), nullable=False),
    sa.Column('vendor_item_number', sa.String(length=40), nullable=True),
    sa.Column('packs_received', sa.Integer(), nullable=False),
    sa.CheckConstraint('pack_price >= 0', name=op.f('ck_inventory_order_line_pack_price_not_negative')),
    sa.CheckConstraint('pack_size >= 1', name=op.f('ck_inventory_order_line_pack_size_positive')),
    sa.CheckConstraint('packs >= 1', name=op.f('ck_inventory_order_line_packs_positive')),
    sa.CheckConstraint('packs_received >= 0', name=op.f('ck_inventory_order_line_packs_received_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['inventory_item.id'], name=op.f('fk_inventory_order_line_item_id_inventory_item')),
    sa.ForeignKeyConstraint(['order_id'], ['inventory_order.id'], name=op.f('fk_inventory_order_line_order_id_inventory_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_order_line')),
    sa.UniqueConstraint('order_id', 'item_id', name=op.f('uq_inventory_order_line_order_id_item_id'))
    )
    op.create_index(op.f('ix_inventory_order_line_item_id'), 'inventory_order_line', ['item_id'], unique=False)
    op.create_table('inventory_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_by', sa.String(length=60), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('expense_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('total >= 0', name=op.f('ck_inventory_receipt_total_not_negative')),
    sa.ForeignKeyConstraint(['location_id'], ['inventory_location.id'], name=op.f('fk_inventory_receipt_location_id_inventory_location')),
    sa.ForeignKeyConstraint(['order_id'], ['inventory_order.id'], name=op.f('fk_inventory_receipt_order_id_inventory_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_receipt')),
    sa.UniqueConstraint('expense_id', name=op.f('uq_inventory_receipt_expense_id'))
    )
    op.create_index(op.f('ix_inventory_receipt_order_id'), 'inventory_receipt', ['order_id'], unique=False)
    op.create_table('inventory_balance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('lot_key', sa.Integer(), nullable=False),
    sa.Column('on_hand', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['inventory_item.id'], name=op.f('fk_inventory_balance_item_id_inventory_item')),
    sa.ForeignKeyConstraint(['location_id'], ['inventory_location.id'], name=op.f('fk_inventory_balance_location_id_inventory_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['inventory_lot.id'], name=op.f('fk_inventory_balance_lot_id_inventory_lot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_balance')),
    sa.UniqueConstraint('item_id', 'location_id', 'lot_key', name=op.f('uq_inventory_balance_item_id_location_id_lot_key'))
    )
    op.create_index(op.f('ix_inventory_balance_location_id'), 'inventory_balance', ['location_id'], unique=False)
    op.create_index(op.f('ix_inventory_balance_lot_id'), 'inventory_balance', ['lot_id'], unique=False)
    op.create_table('inventory_count_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('count_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('lot_key', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Integer(), nullable=True),
    sa.Column('variance', sa.Integer(), nullable=True),
    sa.CheckConstraint('counted IS NULL OR counted >= 0', name=op.f('ck_inventory_count_line_counted_not_negative')),
    sa.ForeignKeyConstraint(['count_id'], ['inventory_count.id'], name=op.f('fk_inventory_count_line_count_id_inventory_count')),
    sa.ForeignKeyConstraint(['item_id'], ['inventory_item.id'], name=op.f('fk_inventory_count_line_item_id_inventory_item')),
    sa.ForeignKeyConstraint(['lot_id'], ['inventory_lot.id'], name=op.f('fk_inventory_count_line_lot_id_inventory_lot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_count_line')),
    sa.UniqueConstraint('count_id', 'item_id', 'lot_key', name=op.f('uq_inventory_count_line_count_id_item_id_lot_key'))
    )
    op.create_index(op.f('ix_inventory_count_line_item_id'), 'inventory_count_line', ['item_id'], unique=False)
    op.create_table('inventory_movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('reference', sa.String(length=60), nullable=True),
    sa.Column('by', sa.String(length=60), nullable=False),
    sa.Column('below_zero', sa.Boolean(), nullable=False),
    sa.Column('receipt_id', sa.Integer(), nullable=True),
    sa.Column('count_id', sa.Integer(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('received', 'used', 'adjusted', 'transferred', 'wasted', 'expired', 'returned')", name=op.f('ck_inventory_movement_kind')),
    sa.CheckConstraint('quantity <> 0', name=op.f('ck_inventory_movement_quantity_not_zero')),
    sa.ForeignKeyConstraint(['count_id'], ['inventory_count.id'], name=op.f('fk_inventory_movement_count_id_inventory_count')),
    sa.ForeignKeyConstraint(['item_id'], ['inventory_item.id'], name=op.f('fk_inventory_movement_item_id_inventory_item')),
    sa.ForeignKeyConstraint(['location_id'], ['inventory_location.id'], name=op.f('fk_inventory_movement_location_id_inventory_location')),
    sa.ForeignKeyConstraint(['lot_id'], ['inventory_lot.id'], name=op.f('fk_inventory_movement_lot_id_inventory_lot')),
    sa.ForeignKeyConstraint(['receipt_id'], ['inventory_receipt.id'], name=op.f('fk_inventory_movement_receipt_id_inventory_receipt')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_movement'))
    )
    op.create_index(op.f('ix_inventory_movement_appointment_id'), 'inventory_movement', ['appointment_id'], unique=False)
    op.create_index(op.f('ix_inventory_movement_count_id'), 'inventory_movement', ['count_id'], unique=False)
    op.create_index('ix_inventory_movement_item_at', 'inventory_movement', ['item_id', 'at'], unique=False)
    op.create_index(op.f('ix_inventory_movement_lot_id'), 'inventory_movement', ['lot_id'], unique=False)
    op.create_index(op.f('ix_inventory_movement_receipt_id'), 'inventory_movement', ['receipt_id'], unique=False)
    op.create_table('inventory_receipt_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('packs', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('packs >= 1', name=op.f('ck_inventory_receipt_line_packs_positive')),
    sa.ForeignKeyConstraint(['lot_id'], ['inventory_lot.id'], name=op.f('fk_inventory_receipt_line_lot_id_inventory_lot')),
    sa.ForeignKeyConstraint(['order_line_id'], ['inventory_order_line.id'], name=op.f('fk_inventory_receipt_line_order_line_id_inventory_order_line')),
    sa.ForeignKeyConstraint(['receipt_id'], ['inventory_receipt.id'], name=op.f('fk_inventory_receipt_line_receipt_id_inventory_receipt')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_receipt_line'))
    )
    op.create_index(op.f('ix_inventory_receipt_line_order_line_id'), 'inventory_receipt_line', ['order_line_id'], unique=False)
    op.create_index(op.f('ix_inventory_receipt_line_receipt_id'), 'inventory_receipt_line', ['receipt_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_inventory_receipt_line_receipt_id'), table_name='inventory_receipt_line')
    op.drop_index(op.f('ix_inventory_receipt_line_order_line_id'), table_name='inventory_receipt_line')
    op.drop_table('inventory_receipt_line')
    op.drop_index(op.f('ix_inventory_movement_receipt_id'), table_name='inventory_movement')
    op.drop_index(op.f('ix_inventory_movement_lot_id'), table_name='inventory_movement')
    op.drop_index('ix_inventory_movement_item_at', table_name='inventory_movement')
    op.drop_index(op.f('ix_inventory_movement_count_id'), table_name='inventory_movement')
    op.drop_index(op.f('ix_inventory_movement_appointment_id'), table_name='inventory_movement')
    op.drop_table('inventory_movement')
    op.drop_index(op.f('ix_inventory_count_line_item_id'), table_name='inventory_count_line')
    op.drop_table('inventory_count_line')
    op.drop_index(op.f('ix_inventory_balance_lot_id'), table_name='inventory_balance')
    op.drop_index(op.f('ix_inventory_balance_location_id'), table_name='inventory_balance')
    op.drop_table('inventory_balance')
    op.drop_index(op.f('ix_inventory_receipt_order_id'), table_name='inventory_receipt')
    op.drop_table('inventory_receipt')
    op.drop_index(op.f('ix_inventory_order_line_item_id'), table_name='inventory_order_line')
    op.drop_table('inventory_order_line')
    op.drop_index('ix_inventory_lot_expires_on', table_name='inventory_lot')
    op.drop_table('inventory_lot')
    op.drop_index(op.f('ix_inventory_order_vendor_id'), table_name='inventory_order')
    op.drop_index('ix_inventory_order_status', table_name='inventory_order')
    op.drop_table('inventory_order')
    op.drop_index(op.f('ix_inventory_item_vendor_id'), table_name='inventory_item')
    op.drop_index(op.f('ix_inventory_item_location_id'), table_name='inventory_item')
    op.drop_table('inventory_item')
    op.drop_index(op.f('ix_inventory_count_location_id'), table_name='inventory_count')
    op.drop_table('inventory_count')
    op.drop_table('inventory_vendor')
    op.drop_table('inventory_location')
