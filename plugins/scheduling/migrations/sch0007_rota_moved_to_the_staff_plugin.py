"""scheduling: the rota's tables are the staff plugin's now

The rota (shifts, time off, staffing needs) moved to the staff plugin, whose migration
sta0004 copies a practice's ``scheduling_shift``, ``scheduling_time_off`` and
``scheduling_staffing_need`` rows into its own ``staff_*`` tables and drops these. The two
branches are migrated in either order, so this revision only tidies what sch0002 makes again
on a database where the staff plugin already holds the rota (the staff branch ran first, on
a fresh install): the old tables are dropped when the staff ones exist and the old ones are
empty. Tables with rows are never dropped here; sta0004 is what moves rows.

The downgrade leaves everything as it is: the staff plugin's downgrade brings the old
tables back, with their rows, when it is taken down.

Revision ID: sch0007
Revises: sch0006
"""

import sqlalchemy as sa
from alembic import op

revision = "sch0007"
down_revision = "sch0006"
branch_labels = None
depends_on = None

OLD = ("scheduling_staffing_need", "scheduling_time_off", "scheduling_shift")


def upgrade() -> None:
    bind = op.get_bind()
    names = set(sa.inspect(bind).get_table_names())
    if "staff_shift" not in names or not all(table in names for table in OLD):
        return
    if any(bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() for table in OLD):
        return
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS scheduling_shift_no_overlap_update")
        op.execute("DROP TRIGGER IF EXISTS scheduling_shift_no_overlap_insert")
    for table in OLD:
        op.drop_table(table)


def downgrade() -> None:
    """Nothing: the rota's rows are the staff plugin's to give back (its sta0004 downgrade)."""
