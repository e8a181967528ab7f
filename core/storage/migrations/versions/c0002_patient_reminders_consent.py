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
    with op.batch_alter_table('core_patient', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminders', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('core_patient', schema=None) as batch_op:
        batch_op.drop_column('reminders')
