"""core: the database's own identity, which names its audit checkpoints' file

``core_database`` holds one row: a random id made here, once, for this database. The audit
checkpoints kept outside the database (in the data folder) are found by this id rather than
by how the database's URL happens to be spelled.

Revision ID: c0005
Revises: c0004
"""

import secrets

from alembic import op
import sqlalchemy as sa


revision = 'c0005'
down_revision = 'c0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table('core_database',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_database'))
    )
    op.bulk_insert(table, [{'id': 1, 'uid': secrets.token_hex(16)}])


def downgrade() -> None:
    op.drop_table('core_database')
