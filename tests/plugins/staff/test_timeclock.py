"""The time clock as the desk and the office manager use it: clocking in, breaks and out,
the refusals, a manager's corrections (the original kept), paid time off, timesheets across
midnight and DST, approval that settles a period, and two terminals clocking in at once."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.plugins.staff import timeclock
from medoffice.plugins.staff.models import Punch

from ._audit import actions

pytestmark = pytest.mark.medoffice_plugins("staff")

NEW_YORK_OFFSET = dt.timedelta(hours=5)  # EST, for the January days below


def at(practice, local: str) -> None:
    """Set the practice's clock to ``local`` (New York, winter)."""
    moment = dt.datetime.fromisoformat(local).replace(tzinfo=dt.timezone.utc) + NEW_YORK_OFFSET
    practice.runtime.clock = lambda: moment


def desk(practice, action, *args, **kwargs):
    with practice.operation("frontdesk") as ctx:
        return getattr(timeclock, action)(ctx, *args, **kwargs)


def manager(practice, action, *args, **kwargs):
    with practice.operation("manager") as ctx:
        return getattr(timeclock, action)(ctx, *args, **kwargs)


class TestClockingOneself:
    def test_the_front_desk_clocks_in_takes_a_break_and_clocks_out(self, medoffice_practice, world):
        at(medoffice_practice, "2026-01-05 08:59:41")
        punch = desk(medoffice_practice, "clock_in")
        assert (punch.staff, punch.clock_in.strftime("%H:%M:%S")) == ("Cleo Desk", "13:59:00")  # to the minute
        at(medoffice_practice, "2026-01-05 12:30")
        assert desk(medoffice_practice, "clock_out", for_break=True).ended_for == "break"
        assert desk(medoffice_practice, "status").state == "on break"
        at(medoffice_practice, "2026-01-05 13:00")
        desk(medoffice_practice, "clock_in")
        at(medoffice_practice, "2026-01-05 17:31")
        assert desk(medoffice_practice, "status").state == "in"
        assert desk(medoffice_practice, "clock_out").minutes == 4 * 60 + 31
        now = desk(medoffice_practice, "status")
        assert (now.state, now.today_minutes) == ("out", 3 * 60 + 31 + 4 * 60 + 31)
        assert [a for a, _, _ in actions(medoffice_practice, "hr.punch")] == [
            "hr.punch.in", "hr.punch.break", "hr.punch.in", "hr.punch.out"]

    def test_the_clock_refuses_what_cannot_be(self, medoffice_practice, world):
        at(medoffice_practice, "2026-01-05 09:00")
        with pytest.raises(Conflict, match="is not clocked in"):
            desk(medoffice_practice, "clock_out")
        desk(medoffice_practice, "clock_in")
        with pytest.raises(Conflict, match="clocked in already since 2026-01-05 09:00"):
            desk(medoffice_practice, "clock_in")
        at(medoffice_practice, "2026-01-05 09:00:50")
        with pytest.raises(Conflict, match="the clock-out must be after it"):
            desk(medoffice_practice, "clock_out")
        with pytest.raises(NotFound, match="not linked to a staff record"):
            manager(medoffice_practice, "clock_in")

    def test_the_database_lets_one_open_punch_per_person_whatever_the_service_checks(
            self, medoffice_practice, world, monkeypatch):
        at(medoffice_practice, "2026-01-05 09:00")
        desk(medoffice_practice, "clock_in")
        monkeypatch.setattr(timeclock, "_open_punch", lambda ctx, staff_id: None)
        monkeypatch.setattr(timeclock, "_overlap_check", lambda *a, **k: None)
        at(medoffice_practice, "2026-01-05 09:05")
        with pytest.raises(Conflict, match="another terminal clocked in first"):
            desk(medoffice_practice, "clock_in")
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert ctx.session.query(Punch).count() == 1


class TestAManagersCorrections:
    def test_a_forgotten_punch_is_entered_and_a_wrong_one_corrected_keeping_the_original(
            self, medoffice_practice, world):
        at(medoffice_practice, "2026-01-05 10:00")
        wrong = manager(medoffice_practice, "add_punch", world.max, clock_in="2026-01-02 08:00",
                        clock_out="2026-01-02 17:00", reason="forgot to clock in")
        fixed = manager(medoffice_practice, "correct", wrong.id, clock_out="2026-01-02 16:15", reason="left at 4:15")
        assert (fixed.replaces_id, fixed.minutes, fixed.reason) == (wrong.id, 8 * 60 + 15, "left at 4:15")
        with medoffice_practice.operation("manager", write=False) as ctx:
            shown = timeclock.punches(ctx, staff_id=world.max, since="2026-01-02", until="2026-01-02",
                                      include_voided=True)
            live = timeclock.punches(ctx, staff_id=world.max, since="2026-01-02", until="2026-01-02")
        assert [(p.id, p.voided_by, p.void_reason) for p in shown] == [
            (wrong.id, "manager", "corrected: left at 4:15"), (fixed.id, None, None)]
        assert [p.id for p in live] == [fixed.id]
        assert [a for a, _, _ in actions(medoffice_practice, "hr.punch")] == ["hr.punch.added", "hr.punch.corrected"]
        manager(medoffice_practice, "void", fixed.id, reason="was on leave")
        with pytest.raises(Conflict, match="was voided by manager"):
            manager(medoffice_practice, "correct", fixed.id, clock_in="2026-01-02 09:00", reason="x")

    @pytest.mark.parametrize(("clock_in", "clock_out", "reason", "error"), [
        ("2026-01-02 17:00", "2026-01-02 08:00", "r", "must be after the clock-in"),
        ("2026-01-02 08:00", "2026-01-02 08:00", "r", "must be after the clock-in"),
        ("2026-01-01 08:00", "2026-01-02 09:00", "r", "24 hours at most"),
        ("2026-01-06 08:00", "2026-01-06 09:00", "r", "cannot be in the future"),
        ("yesterday", "2026-01-02 09:00", "r", "clock in must be a day and time"),
        ("2026-02-30 08:00", None, "r", "clock in must be a day and time"),
        ("2026-01-02 08:00\x00", None, "r", "clock in must be a day and time"),
        ("2026-01-02 08:00", "2026-01-02 09:00", "  ", "reason"),
        ("2026-01-02 08:00", "2026-01-02 09:00", "x" * 501, "reason"),
    ])
    @pytest.mark.medoffice_backends("sqlite")  # parsing does not depend on the database
    def test_hostile_punches_are_refused_and_nothing_is_written(self, medoffice_practice, world, clock_in,
                                                                 clock_out, reason, error):
        at(medoffice_practice, "2026-01-05 10:00")
        with pytest.raises(ValidationError, match=error):
            manager(medoffice_practice, "add_punch", world.max, clock_in=clock_in, clock_out=clock_out, reason=reason)
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert ctx.session.query(Punch).count() == 0

    def test_overlapping_punches_are_refused(self, medoffice_practice, world):
        at(medoffice_practice, "2026-01-05 10:00")
        first = manager(medoffice_practice, "add_punch", world.max, clock_in="2026-01-02 08:00",
                        clock_out="2026-01-02 12:00", reason="r")
        with pytest.raises(Conflict, match=f"overlaps punch {first.id}"):
            manager(medoffice_practice, "add_punch", world.max, clock_in="2026-01-02 11:59",
                    clock_out="2026-01-02 13:00", reason="r")
        second = manager(medoffice_practice, "add_punch", world.max, clock_in="2026-01-02 12:00",
                         clock_out="2026-01-02 13:00", reason="back to back is fine")
        with pytest.raises(Conflict, match=f"overlaps punch {first.id}"):
            manager(medoffice_practice, "correct", second.id, clock_in="2026-01-02 11:00", reason="r")


class TestWhoSeesWhat:
    def test_the_front_desk_sees_only_their_own_punches_and_changes_none(self, medoffice_practice, world):
        at(medoffice_practice, "2026-01-05 10:00")
        other = manager(medoffice_practice, "add_punch", world.max, clock_in="2026-01-05 08:00",
                        clock_out="2026-01-05 09:00", reason="r")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert timeclock.punches(ctx) == []
            assert timeclock.timesheet(ctx).staff == "Cleo Desk"
            for call in (lambda: timeclock.punches(ctx, staff_id=world.max), lambda: timeclock.punches(ctx, staff_id=0),
                         lambda: timeclock.timesheet(ctx, staff_id=world.max), lambda: timeclock.who_is_in(ctx),
                         lambda: timeclock.status(ctx, world.max)):
                with pytest.raises(PermissionDenied):
                    call()
        for action, args, kwargs in (("add_punch", (world.cleo,), {"clock_in": "2026-01-05 07:00", "clock_out": None,
                                                                     "reason": "r"}),
                                     ("correct", (other.id,), {"clock_in": "2026-01-05 07:00", "reason": "r"}),
                                     ("void", (other.id,), {"reason": "r"}),
                                     ("add_pto", (world.cleo,), {"day": "2026-01-05", "hours": "8"}),
                                     ("approve", (world.cleo,), {})):
            with pytest.raises(PermissionDenied):
                desk(medoffice_practice, action, *args, **kwargs)


class TestTimesheets:
    def test_a_night_shift_and_paid_time_off_on_the_timesheet(self, medoffice_practice, world):
        at(medoffice_practice, "2026-01-05 10:00")
        manager(medoffice_practice, "add_punch", world.max, clock_in="2025-12-29 22:00",
                clock_out="2025-12-30 07:30", reason="night shift")
        pto = manager(medoffice_practice, "add_pto", world.max, day="2025-12-31", hours="7:30", reason="vacation")
        with medoffice_practice.operation("manager", write=False) as ctx:
            sheet = timeclock.timesheet(ctx, staff_id=world.max, period="2025-12-30")
        worked = {d.day.isoformat(): d.worked_minutes for d in sheet.days if d.worked_minutes}
        assert worked == {"2025-12-29": 120, "2025-12-30": 450}
        assert (sheet.period_start, sheet.worked_minutes, sheet.pto_minutes) == (dt.date(2025, 12, 21), 570, 450)
        with pytest.raises(Conflict, match="7.50 hours of paid time off on 2025-12-31 already"):
            manager(medoffice_practice, "add_pto", world.max, day="2025-12-31", hours="17")
        manager(medoffice_practice, "void_pto", pto.id, reason="came in after all")
        with medoffice_practice.operation("manager", write=False) as ctx:
            assert timeclock.timesheet(ctx, staff_id=world.max, period="2025-12-30").pto_minutes == 0

    @pytest.mark.medoffice_backends("sqlite")
    @pytest.mark.parametrize("hours", ["0", "-1", "25", "7.51", "abc", "nan", "Infinity", "1e3", "7:60", ":30", ""])
    def test_hostile_paid_time_off_hours_are_refused(self, medoffice_practice, world, hours):
        with pytest.raises(ValidationError, match="hours"):
            manager(medoffice_practice, "add_pto", world.max, day="2025-12-31", hours=hours)

    def test_hours_across_a_dst_change_night_are_the_real_hours(self, medoffice_practice, world):
        moment = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.timezone.utc)
        medoffice_practice.runtime.clock = lambda: moment
        manager(medoffice_practice, "add_punch", world.max, clock_in="2026-10-31 22:00",
                clock_out="2026-11-01 06:00", reason="night shift")
        with medoffice_practice.operation("manager", write=False) as ctx:
            sheet = timeclock.timesheet(ctx, staff_id=world.max, period="2026-11-01")
        assert (sheet.period_start, sheet.worked_minutes) == (dt.date(2026, 10, 25), 9 * 60)
        assert {d.day: d.worked_minutes for d in sheet.days if d.worked_minutes} == {
            dt.date(2026, 10, 31): 120, dt.date(2026, 11, 1): 7 * 60}

    def test_approval_settles_the_period(self, medoffice_practice, world):
        at(medoffice_practice, "2026-01-05 10:00")
        punch = manager(medoffice_practice, "add_punch", world.max, clock_in="2026-01-02 08:00",
                        clock_out="2026-01-02 16:00", reason="r")
        with pytest.raises(Conflict, match="has not ended yet"):
            manager(medoffice_practice, "approve", world.max, period="2026-01-05")
        sheet = manager(medoffice_practice, "approve", world.max)
        assert (sheet.period_start, sheet.approved_by, sheet.worked_minutes) == (dt.date(2025, 12, 21), "manager", 480)
        with pytest.raises(Conflict, match="approved by manager already"):
            manager(medoffice_practice, "approve", world.max)
        with pytest.raises(Conflict, match="was approved by manager; it cannot change"):
            manager(medoffice_practice, "correct", punch.id, clock_out="2026-01-02 17:00", reason="r")
        with pytest.raises(Conflict, match="cannot change"):
            manager(medoffice_practice, "add_pto", world.max, day="2026-01-01", hours="8")

    def test_an_open_punch_stops_approval(self, medoffice_practice, world):
        at(medoffice_practice, "2026-01-02 08:00")
        desk(medoffice_practice, "clock_in")
        at(medoffice_practice, "2026-01-05 10:00")
        with pytest.raises(Conflict, match="has an open punch"):
            manager(medoffice_practice, "approve", world.cleo)
        with medoffice_practice.operation("manager", write=False) as ctx:
            assert [s.staff for s in timeclock.who_is_in(ctx)] == ["Cleo Desk"]


@pytest.mark.medoffice_backends("postgresql")
def test_two_terminals_clocking_in_at_once_make_one_open_punch(medoffice_practice, world):
    """Both desks press 'clock in' for the same person together: one wins, one is refused."""
    import threading

    at(medoffice_practice, "2026-01-05 09:00")
    start, outcomes = threading.Barrier(2), []

    def press():
        start.wait(10)
        try:
            desk(medoffice_practice, "clock_in")
            outcomes.append("in")
        except Conflict as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcomes)[1] == "in" and "already" in sorted(outcomes)[0], outcomes
    with medoffice_practice.operation("admin", write=False) as ctx:
        assert ctx.session.query(Punch).count() == 1


def test_the_time_clock_migration_goes_down_and_up_keeping_the_rest_of_hr(medoffice_practice, world):
    """Down to sta0004 (no time clock or payroll tables; the staff records and the rota's tables
    untouched), then up to the head again: the clock works."""
    from alembic import command
    from sqlalchemy import inspect

    from medoffice.core.storage import migrate
    from medoffice.plugins import staff
    from medoffice.plugins.staff import models

    at(medoffice_practice, "2026-01-05 09:00")
    desk(medoffice_practice, "clock_in")
    with medoffice_practice.runtime.engine.begin() as conn:
        config = migrate.alembic_config(conn, "staff", staff.MIGRATIONS, models.Base.metadata)
        command.downgrade(config, "sta0004")
        tables = set(inspect(conn).get_table_names())
        assert not {"staff_punch", "staff_pay_rate", "staff_payroll_register", "staff_timesheet"} & tables
        assert {"staff_training", "staff_task", "staff_shift", "core_staff"} <= tables
        command.upgrade(config, "head")
    at(medoffice_practice, "2026-01-05 09:05")
    assert desk(medoffice_practice, "clock_in").staff == "Cleo Desk"
