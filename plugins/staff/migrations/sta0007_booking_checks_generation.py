"""staff: a generation of what every booking checks, raised by triggers on its tables

Every booking and slot search asks this plugin whether the provider has approved time off
and whether a credential their work requires has expired without an override. Those rows
change a few times a week: terminals keep them in memory (``ctx.cached``) and read this
plugin's generation, ``staff_generation`` (one row), with the other owners' once per unit of
work to know whether they still hold. These triggers raise it in the transaction that
changes time off, a credential or an override, whoever writes (a service, a script, another
terminal). A counter of the plugin's own: upgrading or downgrading the staff branch never
meets another owner's triggers, and a database not upgraded yet has no counter, so keeps
nothing.

Revision ID: sta0007
Revises: sta0006
"""

from alembic import op

from medoffice.core.storage import generation

revision = "sta0007"
down_revision = "sta0006"
branch_labels = None
depends_on = None

OWNER = "staff"
TABLES = ("staff_time_off", "staff_credential", "staff_credential_override")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in generation.counter_sql(dialect, OWNER):
        op.execute(statement)
    for table in TABLES:
        for statement in generation.watch_sql(dialect, OWNER, table):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        for statement in generation.unwatch_sql(dialect, table):
            op.execute(statement)
    for statement in generation.drop_counter_sql(dialect, OWNER):
        op.execute(statement)
