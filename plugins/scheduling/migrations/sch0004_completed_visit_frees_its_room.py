"""scheduling: a completed visit no longer holds its room

A room is held from booking until the visit is over. Until now the guards of sch0001/sch0003
kept holding it for the rest of the booked time after the visit was completed, so the next
patient could not be put in the room a finished visit had left (``slot taken``). The room
guard now leaves completed visits out, on both sides: a completed row neither blocks a
room nor is blocked. The provider and patient guards are unchanged (a completed visit
still happened, and still counts for them).

- PostgreSQL: ``scheduling_appointment_no_room_overlap`` is made again with
  ``status <> 'completed'`` in its WHERE.
- SQLite: the two appointment triggers are made again with the same condition on the room.

Revision ID: sch0004
Revises: sch0003
"""

from alembic import op

revision = "sch0004"
down_revision = "sch0003"
branch_labels = None
depends_on = None

HOLDS_SLOT = "status NOT IN ('cancelled', 'no_show') AND NOT overbooked"

ROOM_BEFORE = "(NEW.room_id IS NOT NULL AND a.room_id = NEW.room_id)"
ROOM_AFTER = ("(NEW.room_id IS NOT NULL AND a.room_id = NEW.room_id"
              " AND a.status <> 'completed' AND NEW.status <> 'completed')")

SQLITE_OVERLAP = """
SELECT RAISE(ABORT, 'an appointment lasts at most a day') WHERE NEW.ends_at > datetime(NEW.starts_at, '+1 day');
SELECT RAISE(ABORT, 'slot taken')
WHERE EXISTS (
    SELECT 1 FROM scheduling_appointment AS a
    WHERE a.status NOT IN ('cancelled', 'no_show') AND NOT a.overbooked
      AND a.starts_at < NEW.ends_at AND NEW.starts_at < a.ends_at
      AND a.starts_at >= datetime(NEW.starts_at, '-1 day')
      AND (a.provider_id = NEW.provider_id OR a.patient_id = NEW.patient_id
           OR {room})
      {same_row}
);
"""

TRIGGERS = {
    "scheduling_appointment_no_overlap_insert": ("INSERT", ""),
    "scheduling_appointment_no_overlap_update": ("UPDATE", "AND a.id <> NEW.id"),
}


def _sqlite(room: str) -> None:
    for name, (timing, same_row) in TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} BEFORE {timing} ON scheduling_appointment "
                   "WHEN NEW.status NOT IN ('cancelled', 'no_show') AND NOT NEW.overbooked BEGIN\n"
                   + SQLITE_OVERLAP.format(room=room, same_row=same_row) + "END")


def _postgresql(extra: str) -> None:
    op.execute("ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS scheduling_appointment_no_room_overlap")
    op.execute("ALTER TABLE scheduling_appointment ADD CONSTRAINT scheduling_appointment_no_room_overlap "
               "EXCLUDE USING gist (int4range(room_id, room_id, '[]') WITH &&, "
               f"tstzrange(starts_at, ends_at) WITH &&) WHERE ({HOLDS_SLOT} AND room_id IS NOT NULL{extra})")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _postgresql(" AND status <> 'completed'")
    elif dialect == "sqlite":
        _sqlite(ROOM_AFTER)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _postgresql("")
    elif dialect == "sqlite":
        _sqlite(ROOM_BEFORE)
