"""core tables: practice, patients, staff, users and roles, plugin state, audit log

The audit log is append-only: triggers refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE).

Revision ID: c0001
Revises: 
"""

from alembic import op
import sqlalchemy as sa


revision = 'c0001'
down_revision = None
branch_labels = ('core',)
depends_on = None


def upgrade() -> None:
    op.create_table('core_audit',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=60), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.String(length=60), nullable=True),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_core_audit'))
    )
    with op.batch_alter_table('core_audit', schema=None) as batch_op:
        batch_op.create_index('ix_core_audit_at', ['at'], unique=False)
        batch_op.create_index('ix_core_audit_patient_id', ['patient_id'], unique=False)
        batch_op.create_index('ix_core_audit_username', ['username'], unique=False)

    op.create_table('core_audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_audit_head'))
    )
    op.create_table('core_location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('address_line1', sa.String(length=120), nullable=True),
    sa.Column('address_line2', sa.String(length=120), nullable=True),
    sa.Column('city', sa.String(length=80), nullable=True),
    sa.Column('state', sa.String(length=40), nullable=True),
    sa.Column('postal_code', sa.String(length=20), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_location')),
    sa.UniqueConstraint('name', name=op.f('uq_core_location_name'))
    )
    op.create_table('core_patient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mrn', sa.String(length=20), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('middle_name', sa.String(length=80), nullable=True),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=10), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('preferred_language', sa.String(length=40), nullable=True),
    sa.Column('emergency_name', sa.String(length=160), nullable=True),
    sa.Column('emergency_phone', sa.String(length=40), nullable=True),
    sa.Column('emergency_relationship', sa.String(length=40), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('search_last', sa.String(length=80), nullable=False),
    sa.Column('search_first', sa.String(length=80), nullable=False),
    sa.Column('phone_digits', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('address_line1', sa.String(length=120), nullable=True),
    sa.Column('address_line2', sa.String(length=120), nullable=True),
    sa.Column('city', sa.String(length=80), nullable=True),
    sa.Column('state', sa.String(length=40), nullable=True),
    sa.Column('postal_code', sa.String(length=20), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_patient')),
    sa.UniqueConstraint('mrn', name=op.f('uq_core_patient_mrn'))
    )
    with op.batch_alter_table('core_patient', schema=None) as batch_op:
        batch_op.create_index('ix_core_patient_date_of_birth', ['date_of_birth'], unique=False)
        batch_op.create_index('ix_core_patient_phone_digits', ['phone_digits'], unique=False,
                              postgresql_ops={'phone_digits': 'text_pattern_ops'})
        batch_op.create_index('ix_core_patient_search_first', ['search_first'], unique=False,
                              postgresql_ops={'search_first': 'text_pattern_ops'})
        batch_op.create_index('ix_core_patient_search_name', ['search_last', 'search_first'], unique=False,
                              postgresql_ops={'search_last': 'text_pattern_ops', 'search_first': 'text_pattern_ops'})

    op.create_table('core_permission',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('plugin_id', sa.String(length=60), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_core_permission'))
    )
    op.create_table('core_plugin_state',
    sa.Column('plugin_id', sa.String(length=60), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('migrated', sa.Boolean(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('plugin_id', name=op.f('pk_core_plugin_state'))
    )
    op.create_table('core_practice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=True),
    sa.Column('tax_id', sa.String(length=10), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('mrn_prefix', sa.String(length=10), nullable=False),
    sa.Column('next_mrn', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('address_line1', sa.String(length=120), nullable=True),
    sa.Column('address_line2', sa.String(length=120), nullable=True),
    sa.Column('city', sa.String(length=80), nullable=True),
    sa.Column('state', sa.String(length=40), nullable=True),
    sa.Column('postal_code', sa.String(length=20), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_practice'))
    )
    op.create_table('core_role',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_core_role'))
    )
    op.create_table('core_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('full_name', sa.String(length=160), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_user')),
    sa.UniqueConstraint('username', name=op.f('uq_core_user_username'))
    )
    op.create_table('core_role_permission',
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('permission', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['role'], ['core_role.name'], name=op.f('fk_core_role_permission_role_core_role')),
    sa.PrimaryKeyConstraint('role', 'permission', name=op.f('pk_core_role_permission'))
    )
    op.create_table('core_room',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['core_location.id'], name=op.f('fk_core_room_location_id_core_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_room')),
    sa.UniqueConstraint('location_id', 'name', name=op.f('uq_core_room_location_id_name'))
    )
    with op.batch_alter_table('core_room', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_room_location_id'), ['location_id'], unique=False)

    op.create_table('core_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('role', sa.String(length=60), nullable=False),
    sa.Column('is_provider', sa.Boolean(), nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_staff_user_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_staff')),
    sa.UniqueConstraint('npi', name=op.f('uq_core_staff_npi'))
    )
    with op.batch_alter_table('core_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_staff_user_id'), ['user_id'], unique=False)

    op.create_table('core_user_role',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['role'], ['core_role.name'], name=op.f('fk_core_user_role_role_core_role')),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_user_role_user_id_core_user')),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_core_user_role'))
    )

    _append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_table('core_user_role')
    with op.batch_alter_table('core_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_staff_user_id'))

    op.drop_table('core_staff')
    with op.batch_alter_table('core_room', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_room_location_id'))

    op.drop_table('core_room')
    op.drop_table('core_role_permission')
    op.drop_table('core_user')
    op.drop_table('core_role')
    op.drop_table('core_practice')
    op.drop_table('core_plugin_state')
    op.drop_table('core_permission')
    with op.batch_alter_table('core_patient', schema=None) as batch_op:
        batch_op.drop_index('ix_core_patient_search_name')
        batch_op.drop_index('ix_core_patient_search_first')
        batch_op.drop_index('ix_core_patient_phone_digits')
        batch_op.drop_index('ix_core_patient_date_of_birth')

    op.drop_table('core_patient')
    op.drop_table('core_location')
    op.drop_table('core_audit_head')
    with op.batch_alter_table('core_audit', schema=None) as batch_op:
        batch_op.drop_index('ix_core_audit_username')
        batch_op.drop_index('ix_core_audit_patient_id')
        batch_op.drop_index('ix_core_audit_at')

    op.drop_table('core_audit')


APPEND_ONLY = "the audit log is append-only"


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER core_audit_no_{verb.lower()} BEFORE {verb} ON core_audit "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION core_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER core_audit_no_change BEFORE UPDATE OR DELETE ON core_audit "
            "FOR EACH ROW EXECUTE FUNCTION core_audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER core_audit_no_truncate BEFORE TRUNCATE ON core_audit "
            "FOR EACH STATEMENT EXECUTE FUNCTION core_audit_append_only()"
        )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS core_audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS core_audit_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS core_audit_no_change ON core_audit")
        op.execute("DROP TRIGGER IF EXISTS core_audit_no_truncate ON core_audit")
        op.execute("DROP FUNCTION IF EXISTS core_audit_append_only()")
