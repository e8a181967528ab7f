"""scheduling: changes of the plugin's set-up raise the practice's set-up generation

Appointment types, weekly templates, who may take a type, equipment and what a type needs,
the holiday setting and closures are read on every booking and slot search and change a few
times a year: terminals keep them in memory (``ctx.cached``) and read the plugin's set-up
generation, ``scheduling_generation`` (one row), once per unit of work to know whether they
still hold. These triggers raise it in the transaction that changes any of those tables,
whoever writes.

Revision ID: sch0008
Revises: sch0007
"""

from alembic import op

from medoffice.core.storage import generation

revision = "sch0008"
down_revision = "sch0007"
branch_labels = None
depends_on = None

TABLES = ("scheduling_appointment_type", "scheduling_template", "scheduling_type_provider", "scheduling_resource",
          "scheduling_type_resource", "scheduling_setting", "scheduling_closure")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in generation.counter_sql(dialect, "scheduling"):
        op.execute(statement)
    for table in TABLES:
        for statement in generation.watch_sql(dialect, "scheduling", table):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        for statement in generation.unwatch_sql(dialect, table):
            op.execute(statement)
    for statement in generation.drop_counter_sql(dialect, "scheduling"):
        op.execute(statement)
