"""scheduling: a generation of the providers' exceptions, raised by triggers on them

A booking checks the provider's exceptions (a span away despite the template) and a slot
search reads every provider's over its range. They change a few times a week: terminals
keep them in memory (``ctx.cached``) instead of asking for them on every booking, and read
this generation, ``scheduling_exceptions_generation`` (one row), with the others once per
unit of work. These triggers raise it in the transaction that adds, changes or removes an
exception, whoever writes. A counter of its own: a change of an exception keeps the rest of
the plugin's set-up, and a database not upgraded yet has no counter, so keeps nothing.

Revision ID: sch0009
Revises: sch0008
"""

from alembic import op

from medoffice.core.storage import generation

revision = "sch0009"
down_revision = "sch0008"
branch_labels = None
depends_on = None

OWNER = "scheduling_exceptions"
TABLE = "scheduling_exception"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in (*generation.counter_sql(dialect, OWNER), *generation.watch_sql(dialect, OWNER, TABLE)):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in (*generation.unwatch_sql(dialect, TABLE), *generation.drop_counter_sql(dialect, OWNER)):
        op.execute(statement)
