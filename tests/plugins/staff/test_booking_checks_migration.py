"""Migration sta0007 gives the staff plugin a generation of its own, ``staff_generation``,
raised by triggers whenever time off, a credential or an override changes, whoever writes
(here: plain SQL, as a script would), and by nothing else; taking the staff branch down to
sta0006 removes the counter and its triggers and leaves the other owners' alone, and going up
again brings them back."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text

from medoffice.core.services import practice, staff
from medoffice.core.storage import migrate

pytestmark = pytest.mark.medoffice_plugins("scheduling", "staff")

def move_staff_branch(runtime, revision: str, *, down: bool) -> None:
    schema = runtime.plugins.hooks.schemas()["staff"]
    with runtime.engine.begin() as conn:
        config = migrate.alembic_config(conn, "staff", schema.versions_dir, schema.metadata)
        (command.downgrade if down else command.upgrade)(config, revision)


def generations(conn) -> dict[str, int]:
    return {owner: conn.execute(text(f"SELECT value FROM {owner}_generation WHERE id = 1")).scalar_one()
            for owner in ("core", "scheduling", "staff")}


@pytest.fixture
def world(medoffice_practice) -> dict[str, int]:
    """Cleo, a receptionist, and the location Main."""
    with medoffice_practice.operation("admin") as ctx:
        return {"place": practice.add_location(ctx, "Main").id,
                "who": staff.add(ctx, {"name": "Cleo Clerk", "role": "receptionist"}).id}


WRITES = [
    ("a time off asked for", "staff", "INSERT INTO staff_time_off (id, staff_id, first_day, last_day, status, "
     "requested_at, requested_by) VALUES (1, :who, '2026-01-07', '2026-01-07', 'requested', "
     "'2026-01-05 15:00:00+00:00', 'frontdesk')"),
    ("its approval", "staff", "UPDATE staff_time_off SET status = 'approved' WHERE id = 1"),
    ("its removal", "staff", "DELETE FROM staff_time_off WHERE id = 1"),
    ("a licence on file", "staff", "INSERT INTO staff_credential (id, staff_id, kind, expires_on, required_for_work, "
     "active) VALUES (1, :who, 'medical licence', '2026-01-01', true, true)"),
    ("its override", "staff", "INSERT INTO staff_credential_override (id, credential_id, reason, until, granted_at, "
     "granted_by) VALUES (1, 1, 'in the post', '2026-01-09', '2026-01-05 15:00:00+00:00', 'manager')"),
    ("the override ended", "staff", "UPDATE staff_credential_override SET ended_by = 'manager' WHERE id = 1"),
    ("the override removed", "staff", "DELETE FROM staff_credential_override WHERE id = 1"),
    ("its renewal", "staff", "UPDATE staff_credential SET expires_on = '2028-01-01' WHERE id = 1"),
    ("the licence removed", "staff", "DELETE FROM staff_credential WHERE id = 1"),
    ("a shift", None, "INSERT INTO staff_shift (id, staff_id, role, location_id, starts_at, ends_at, created_by) "
     "VALUES (1, :who, 'physician', :place, '2026-01-05 14:00:00+00:00', '2026-01-05 18:00:00+00:00', 'manager')"),
    ("a training", None, "INSERT INTO staff_training (id, name, first_within_days, created_on, active) "
     "VALUES (1, 'HIPAA', 30, '2026-01-05', true)"),
]


def test_changes_of_what_bookings_check_raise_the_staff_generation_and_nothing_else_does(medoffice_practice,
                                                                                          world):
    raised: dict[str, str | None] = {}
    with medoffice_practice.runtime.engine.begin() as conn:
        for what, _, sql in WRITES:
            before = generations(conn)
            conn.execute(text(sql), world)
            after = generations(conn)
            moved = [owner for owner in before if after[owner] != before[owner]]
            assert len(moved) <= 1, (what, moved)
            raised[what] = moved[0] if moved else None
    assert raised == {what: owner for what, owner, _ in WRITES}


def test_the_downgrade_takes_the_counter_and_its_triggers_away_and_the_upgrade_brings_them_back(
        medoffice_practice, world):
    runtime = medoffice_practice.runtime
    move_staff_branch(runtime, "sta0006", down=True)
    with runtime.engine.begin() as conn:
        tables = set(inspect(conn).get_table_names())
        conn.execute(text(WRITES[0][2]), world)  # no trigger left to point at a missing counter
        conn.execute(text(WRITES[1][2]))
    assert "staff_generation" not in tables
    assert {"core_generation", "scheduling_generation", "scheduling_exceptions_generation"} <= tables

    move_staff_branch(runtime, "heads", down=False)
    with runtime.engine.begin() as conn:
        first = generations(conn)["staff"]
        conn.execute(text("UPDATE staff_time_off SET status = 'cancelled' WHERE id = 1"))
        assert generations(conn)["staff"] == first + 1
