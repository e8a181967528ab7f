"""A practice that ran the rota in the scheduling plugin upgrades: its shifts, time off and
staffing needs end in the staff plugin's tables with the same ids, whichever plugin's branch
migrates first, and the roles keep the rota rights the practice gave them. The downgrade
gives everything back.

"Made at the previous release" is built for real: both branches are taken down and brought
up again to the revisions that release had (scheduling sch0006, staff sta0003), which makes
the old ``scheduling_*`` rota tables through scheduling's own sch0002, and the rows and
grants are written as that release wrote them.
"""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text

from medoffice.core.services import practice, staff
from medoffice.core.storage import migrate
from medoffice.plugins.staff import rota, time_off

pytestmark = pytest.mark.medoffice_plugins("scheduling", "staff")

OLD = ("scheduling_shift", "scheduling_time_off", "scheduling_staffing_need")
NEW = ("staff_shift", "staff_time_off", "staff_staffing_need")


def schemas(runtime):
    return {pid: s for pid, s in runtime.plugins.hooks.schemas().items() if pid != "core"}


def move(conn, runtime, owner: str, revision: str, *, down: bool) -> None:
    path, metadata = schemas(runtime)[owner].versions_dir, schemas(runtime)[owner].metadata
    config = migrate.alembic_config(conn, owner, path, metadata)
    (command.downgrade if down else command.upgrade)(config, revision)


def grants(conn, *names) -> set[tuple[str, str]]:
    rows = conn.execute(text("SELECT role, permission FROM core_role_permission"))
    return {(role, name) for role, name in rows if name in names}


def rows(conn, table) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]


@pytest.fixture
def old_practice(medoffice_practice):
    """The practice as the previous release left it: the rota in scheduling's tables with two
    shifts, a time-off request approved and one pending, a staffing need; the manager's
    rota right taken away and given to the front desk instead."""
    with medoffice_practice.operation("admin") as ctx:
        place = practice.add_location(ctx, "Main").id
        clerk = staff.add(ctx, {"name": "Cleo Clerk", "role": "receptionist"}).id
    runtime = medoffice_practice.runtime
    with runtime.engine.begin() as conn:
        move(conn, runtime, "staff", "base", down=True)
        move(conn, runtime, "scheduling", "sch0001", down=True)
        move(conn, runtime, "scheduling", "sch0006", down=False)
        move(conn, runtime, "staff", "sta0003", down=False)
        assert set(OLD) <= set(inspect(conn).get_table_names())
        names = "('hr.rota', 'hr.rota_read', 'hr.time_off', 'scheduling.rota', 'scheduling.time_off')"
        conn.execute(text(f"DELETE FROM core_role_permission WHERE permission IN {names}"))
        conn.execute(text(f"DELETE FROM core_permission WHERE name IN {names}"))
        for name in ("scheduling.rota", "scheduling.time_off"):
            conn.execute(text("INSERT INTO core_permission (name, plugin_id, description) "
                              "VALUES (:n, 'scheduling', 'as the old release had it')"), {"n": name})
        conn.execute(text("INSERT INTO core_role_permission (role, permission) VALUES ('admin', 'scheduling.rota'), "
                          "('front_desk', 'scheduling.rota'), ('front_desk', 'scheduling.time_off'), "
                          "('manager', 'scheduling.time_off')"))
        conn.execute(text(
            "INSERT INTO scheduling_shift (id, staff_id, role, location_id, starts_at, ends_at, note, created_by) "
            "VALUES (7, :s, 'receptionist', :l, :a, :b, 'opening', 'manager'), "
            "(9, :s, 'receptionist', :l, :c, :d, NULL, 'manager')"),
            {"s": clerk, "l": place, "a": "2026-01-05 13:00:00+00:00", "b": "2026-01-05 21:30:00+00:00",
             "c": "2026-01-06 13:00:00+00:00", "d": "2026-01-06 17:00:00+00:00"})
        conn.execute(text(
            "INSERT INTO scheduling_time_off (id, staff_id, first_day, last_day, reason, status, requested_at, "
            "requested_by, decided_at, decided_by, decision_note) VALUES "
            "(3, :s, '2026-01-08', '2026-01-09', 'wedding', 'approved', :t, 'frontdesk', :t, 'manager', 'enjoy'), "
            "(4, :s, '2026-02-02', '2026-02-02', NULL, 'requested', :t, 'frontdesk', NULL, NULL, NULL)"),
            {"s": clerk, "t": "2026-01-02 15:00:00+00:00"})
        conn.execute(text("INSERT INTO scheduling_staffing_need (id, role, location_id, weekday, headcount) "
                          "VALUES (5, 'receptionist', :l, 0, 2)"), {"l": place})
        before = {table: rows(conn, table) for table in OLD}
    return medoffice_practice, clerk, before


@pytest.mark.parametrize("order", [("scheduling", "staff"), ("staff", "scheduling")])
def test_the_rota_rows_and_rights_move_to_the_staff_plugin(old_practice, order):
    practice_, clerk, before = old_practice
    runtime = practice_.runtime
    with runtime.engine.begin() as conn:
        assert migrate.upgrade(conn, schemas(runtime), list(order)) == list(order)
        tables = set(inspect(conn).get_table_names())
        after = {old: rows(conn, new) for old, new in zip(OLD, NEW)}
        moved = grants(conn, "hr.rota", "hr.time_off", "hr.rota_read", "scheduling.rota", "scheduling.time_off")
    assert not tables & set(OLD)
    assert after == before
    assert moved == {("admin", "hr.rota"), ("front_desk", "hr.rota"), ("front_desk", "hr.time_off"),
                     ("manager", "hr.time_off")} | {(r, "hr.rota_read") for r in
                                                   ("front_desk", "billing", "manager", "admin")}
    with practice_.operation("frontdesk") as ctx:  # her right, kept; the manager's, still gone
        added = rota.add_shift(ctx, clerk, "Main", "2026-01-07", "08:00", "12:00")
        assert [t.id for t in time_off.list_time_off(ctx, staff_id=clerk, status="approved")] == [3]
    assert added.id == 10, "the id sequence goes on after the rows copied"
    assert not practice_.record("manager").can("hr.rota")


def test_the_downgrade_gives_the_rows_and_rights_back(old_practice):
    practice_, _clerk, before = old_practice
    runtime = practice_.runtime
    with runtime.engine.begin() as conn:
        migrate.upgrade(conn, schemas(runtime), ["scheduling", "staff"])
        move(conn, runtime, "staff", "sta0003", down=True)
        tables = set(inspect(conn).get_table_names())
        back = {table: rows(conn, table) for table in OLD}
        rights = grants(conn, "hr.rota", "hr.time_off", "hr.rota_read", "scheduling.rota", "scheduling.time_off")
    assert not tables & set(NEW)
    assert back == before
    assert rights == {("admin", "scheduling.rota"), ("front_desk", "scheduling.rota"),
                      ("front_desk", "scheduling.time_off"), ("manager", "scheduling.time_off")}


def test_a_fresh_scheduling_branch_after_the_staff_one_leaves_no_old_tables(medoffice_practice):
    """Staff migrated first (scheduling enabled later): scheduling's sch0002 makes the old
    tables again, empty, and its sch0007 drops them."""
    runtime = medoffice_practice.runtime
    with runtime.engine.begin() as conn:
        move(conn, runtime, "scheduling", "base", down=True)
        move(conn, runtime, "scheduling", "heads", down=False)
        tables = set(inspect(conn).get_table_names())
    assert set(NEW) <= tables and not tables & set(OLD)


@pytest.mark.medoffice_plugins("staff")
def test_without_scheduling_the_staff_plugin_makes_its_own_tables(medoffice_practice):
    with medoffice_practice.runtime.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    assert set(NEW) <= tables and not tables & set(OLD)
