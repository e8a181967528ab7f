"""scheduling: overlap triggers look at one day of history, not all of it

The SQLite triggers of sch0001 (appointments) and sch0002 (equipment reservations) looked
for an overlapping row with ``starts_at < NEW.ends_at`` and no lower bound, so every
booking read the provider's whole history: 29 ms a check on one year of a 20-provider
practice, 105 ms on five (``bench/scheduling.py``). An appointment lasts at most a day (an
appointment type is at most 1440 minutes), so a row that starts a day or more before the
new one cannot reach it; the triggers now say so, which turns each check into a short
index range, and refuse a row that lasts longer than a day so the bound stays true.

PostgreSQL's exclusion constraints use a GiST index and need no change.

Revision ID: sch0003
Revises: sch0002
"""

from alembic import op

revision = "sch0003"
down_revision = "sch0002"
branch_labels = None
depends_on = None

AT_MOST_A_DAY = "SELECT RAISE(ABORT, 'an appointment lasts at most a day') WHERE NEW.ends_at > {limit};\n"

APPOINTMENT_OVERLAP = """
SELECT RAISE(ABORT, 'slot taken')
WHERE EXISTS (
    SELECT 1 FROM scheduling_appointment AS a
    WHERE a.status NOT IN ('cancelled', 'no_show') AND NOT a.overbooked
      AND a.starts_at < NEW.ends_at AND NEW.starts_at < a.ends_at
      {bound}
      AND (a.provider_id = NEW.provider_id OR a.patient_id = NEW.patient_id
           OR (NEW.room_id IS NOT NULL AND a.room_id = NEW.room_id))
      {same_row}
);
"""

RESERVATION_OVERLAP = """
SELECT RAISE(ABORT, 'slot taken')
WHERE EXISTS (
    SELECT 1 FROM scheduling_reservation AS r
    WHERE r.holds AND r.resource_id = NEW.resource_id
      AND r.starts_at < NEW.ends_at AND NEW.starts_at < r.ends_at
      {bound}
      {same_row}
);
"""

# Stored as 'YYYY-MM-DD HH:MM:SS.ffffff'; datetime() writes 'YYYY-MM-DD HH:MM:SS', which
# sorts at or before every stored value of the same second, so the bounds are inclusive.
DAY_BEFORE = "datetime(NEW.starts_at, '-1 day')"
DAY_AFTER = "datetime(NEW.starts_at, '+1 day')"

TRIGGERS = {
    # name: (table, timing, holds-slot condition, body template, alias)
    "scheduling_appointment_no_overlap_insert": (
        "scheduling_appointment", "INSERT", "NEW.status NOT IN ('cancelled', 'no_show') AND NOT NEW.overbooked",
        APPOINTMENT_OVERLAP, "a", ""),
    "scheduling_appointment_no_overlap_update": (
        "scheduling_appointment", "UPDATE", "NEW.status NOT IN ('cancelled', 'no_show') AND NOT NEW.overbooked",
        APPOINTMENT_OVERLAP, "a", "AND a.id <> NEW.id"),
    "scheduling_reservation_no_overlap_insert": (
        "scheduling_reservation", "INSERT", "NEW.holds", RESERVATION_OVERLAP, "r", ""),
    "scheduling_reservation_no_overlap_update": (
        "scheduling_reservation", "UPDATE", "NEW.holds", RESERVATION_OVERLAP, "r", "AND r.id <> NEW.id"),
}


def _create(name: str, *, bounded: bool) -> None:
    table, timing, holds, body, alias, same_row = TRIGGERS[name]
    bound = f"AND {alias}.starts_at >= {DAY_BEFORE}" if bounded else ""
    limit = AT_MOST_A_DAY.format(limit=DAY_AFTER) if bounded else ""
    op.execute(f"CREATE TRIGGER {name} BEFORE {timing} ON {table} WHEN {holds} BEGIN\n"
               + limit + body.format(bound=bound, same_row=same_row) + "END")


def _replace(*, bounded: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        _create(name, bounded=bounded)


def upgrade() -> None:
    _replace(bounded=True)


def downgrade() -> None:
    _replace(bounded=False)
