"""core: a patient may refuse appointment reminders

``core_patient.reminders`` is the patient's consent to appointment reminders (and, for texts,
the TCPA-style consent a practice needs before sending them). Every existing patient keeps
receiving them (server default true) until the practice records a refusal; the reminders list
and the delivery plugins then leave the patient out.

Revision ID: c0002
Revises: c0001
"""

from alembic import op
import sqlalchemy as sa


revision = 'c0002'
down_revision = 'c0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: on SQLite batch mode copies the table and drops the
    # old one, which the foreign keys of every table that refers to patients refuse.
    op.add_column('core_patient', sa.Column('reminders', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    op.drop_column('core_patient', 'reminders')  # SQLite 3.35+ drops a column in place
