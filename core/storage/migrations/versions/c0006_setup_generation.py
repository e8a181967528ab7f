"""core: the set-up generation, raised by triggers whenever the practice's set-up changes

``core_generation`` holds one number. Triggers on the core's set-up tables (locations,
rooms, staff, roles and their permissions, and the practice's details but not its next MRN)
raise it in the transaction that changes them, so a terminal that keeps the set-up in memory
reads one row per unit of work to know whether it still holds (see
``medoffice.core.storage.generation``). Plugins keep counters of their own
(``<plugin>_generation``), made with their triggers by their own migrations.

Revision ID: c0006
Revises: c0005
"""

from alembic import op

from medoffice.core.storage import generation


revision = 'c0006'
down_revision = 'c0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in generation.counter_sql(dialect, 'core'):
        op.execute(statement)
    for name in generation.CORE_TABLES:
        for statement in generation.watch_sql(dialect, 'core', name):
            op.execute(statement)
    for statement in generation.watch_sql(dialect, 'core', 'core_practice', columns=generation.PRACTICE_COLUMNS):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name in (*generation.CORE_TABLES, 'core_practice'):
        for statement in generation.unwatch_sql(dialect, name):
            op.execute(statement)
    for statement in generation.drop_counter_sql(dialect, 'core'):
        op.execute(statement)
