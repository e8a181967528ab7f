"""inventory: supply kits per appointment type

Kits (the supplies an appointment type uses) and their lines, each completed visit's draw
(one per appointment, drawn or returned), the movements a draw wrote (so an undo returns
exactly them), and shortages (what a kit wanted and the stock could not give). New tables
only: existing rows are untouched, and the downgrade drops just these.

Written by ``medoffice plugins revision`` from kit_models.py and reviewed.

Revision ID: inv0002
Revises: inv0001
Create Date: 2026-12-04 02:52:43.515222
"""

import sqlalchemy as sa
from alembic import op


revision = 'inv0002'
down_revision = 'inv0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inventory_visit_draw',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('appointment_type', sa.String(length=120), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('drawn_by', sa.String(length=60), nullable=False),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_by', sa.String(length=60), nullable=True),
    sa.CheckConstraint("status IN ('drawn', 'returned')", name=op.f('ck_inventory_visit_draw_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_visit_draw')),
    sa.UniqueConstraint('appointment_id', name=op.f('uq_inventory_visit_draw_appointment_id'))
    )
    op.create_table('inventory_kit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_type', sa.String(length=120), nullable=False),
    sa.Column('type_key', sa.String(length=120), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['inventory_location.id'], name=op.f('fk_inventory_kit_location_id_inventory_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_kit')),
    sa.UniqueConstraint('type_key', name=op.f('uq_inventory_kit_type_key'))
    )
    op.create_table('inventory_kit_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kit_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity >= 1', name=op.f('ck_inventory_kit_line_quantity_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['inventory_item.id'], name=op.f('fk_inventory_kit_line_item_id_inventory_item')),
    sa.ForeignKeyConstraint(['kit_id'], ['inventory_kit.id'], name=op.f('fk_inventory_kit_line_kit_id_inventory_kit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_kit_line')),
    sa.UniqueConstraint('kit_id', 'item_id', name=op.f('uq_inventory_kit_line_kit_id_item_id'))
    )
    op.create_index(op.f('ix_inventory_kit_line_item_id'), 'inventory_kit_line', ['item_id'], unique=False)
    op.create_table('inventory_shortage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('wanted', sa.Integer(), nullable=False),
    sa.Column('short', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=60), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.CheckConstraint("status IN ('open', 'resolved', 'dismissed', 'cancelled')", name=op.f('ck_inventory_shortage_status')),
    sa.CheckConstraint('short >= 1 AND wanted >= short', name=op.f('ck_inventory_shortage_short_positive')),
    sa.ForeignKeyConstraint(['draw_id'], ['inventory_visit_draw.id'], name=op.f('fk_inventory_shortage_draw_id_inventory_visit_draw')),
    sa.ForeignKeyConstraint(['item_id'], ['inventory_item.id'], name=op.f('fk_inventory_shortage_item_id_inventory_item')),
    sa.ForeignKeyConstraint(['location_id'], ['inventory_location.id'], name=op.f('fk_inventory_shortage_location_id_inventory_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_shortage'))
    )
    op.create_index(op.f('ix_inventory_shortage_draw_id'), 'inventory_shortage', ['draw_id'], unique=False)
    op.create_index(op.f('ix_inventory_shortage_item_id'), 'inventory_shortage', ['item_id'], unique=False)
    op.create_index(op.f('ix_inventory_shortage_status'), 'inventory_shortage', ['status'], unique=False)
    op.create_table('inventory_draw_take',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('movement_id', sa.Integer(), nullable=False),
    sa.Column('returned', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['draw_id'], ['inventory_visit_draw.id'], name=op.f('fk_inventory_draw_take_draw_id_inventory_visit_draw')),
    sa.ForeignKeyConstraint(['movement_id'], ['inventory_movement.id'], name=op.f('fk_inventory_draw_take_movement_id_inventory_movement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_draw_take')),
    sa.UniqueConstraint('movement_id', name=op.f('uq_inventory_draw_take_movement_id'))
    )
    op.create_index(op.f('ix_inventory_draw_take_draw_id'), 'inventory_draw_take', ['draw_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_inventory_draw_take_draw_id'), table_name='inventory_draw_take')
    op.drop_table('inventory_draw_take')
    op.drop_index(op.f('ix_inventory_shortage_status'), table_name='inventory_shortage')
    op.drop_index(op.f('ix_inventory_shortage_item_id'), table_name='inventory_shortage')
    op.drop_index(op.f('ix_inventory_shortage_draw_id'), table_name='inventory_shortage')
    op.drop_table('inventory_shortage')
    op.drop_index(op.f('ix_inventory_kit_line_item_id'), table_name='inventory_kit_line')
    op.drop_table('inventory_kit_line')
    op.drop_table('inventory_kit')
    op.drop_table('inventory_visit_draw')
