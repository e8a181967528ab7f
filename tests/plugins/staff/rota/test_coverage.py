"""The manager sets how many people each role needs and reads the coverage: who is on the
rota against that headcount, day by day, and where the gaps are.

The world's clock stands on Monday 2026-01-05 (America/New_York); Cleo Clerk is its
receptionist. The tests add a nurse, Nina.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from medoffice.core import NotFound, PermissionDenied, ValidationError
from medoffice.core.services import reports, staff
from medoffice.plugins.staff import coverage, rota, time_off
from medoffice.plugins.staff.models import StaffingNeed

pytestmark = pytest.mark.medoffice_plugins("scheduling", "staff")

WEEK = [(dt.date(2026, 1, 5) + dt.timedelta(days=n)).isoformat() for n in range(5)]


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def a_week_with_a_gap(practice, world) -> int:
    """Needs at Main, Monday to Friday: one receptionist, one nurse. Cleo works every day,
    Nina Monday to Thursday: Friday is a nurse short."""
    with practice.operation("manager") as ctx:
        nina = staff.add(ctx, {"name": "Nina Nurse", "role": "nurse"}).id
        coverage.set_need(ctx, "receptionist", "Main", "mon-fri", 1)
        coverage.set_need(ctx, "Nurse", "Main", "mon-fri", "1")
        for day in WEEK:
            rota.add_shift(ctx, world.clerk, "Main", day, "08:00", "16:30")
        for day in WEEK[:4]:
            rota.add_shift(ctx, nina, "Main", day, "08:30", "17:00")
    return nina


def table(rows):
    return [(str(r.day), r.location, r.role, r.required, r.scheduled, r.gap, r.names) for r in rows]


class TestCoverage:
    def test_a_weeks_rota_with_a_gap_shows_up_in_coverage(self, medoffice_practice, world):
        a_week_with_a_gap(medoffice_practice, world)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            rows = coverage.coverage(ctx, "2026-01-08", "2026-01-10")
        assert table(rows) == [
            ("2026-01-08", "Main", "nurse", 1, 1, 0, ("Nina Nurse",)),
            ("2026-01-08", "Main", "receptionist", 1, 1, 0, ("Cleo Clerk",)),
            ("2026-01-09", "Main", "nurse", 1, 0, 1, ()),
            ("2026-01-09", "Main", "receptionist", 1, 1, 0, ("Cleo Clerk",)),
        ]  # Saturday: nothing needed, nobody working

    def test_someone_working_a_role_nobody_asked_for_still_shows(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            rota.add_shift(ctx, world.clerk, "North", "2026-01-10", "09:00", "13:00", role="triage")
        with medoffice_practice.operation("manager", write=False) as ctx:
            rows = coverage.coverage(ctx, "2026-01-10", "2026-01-10", locations=["North"])
        assert table(rows) == [("2026-01-10", "North", "triage", 0, 1, 0, ("Cleo Clerk",))]

    def test_approved_leave_takes_the_person_out_of_coverage(self, medoffice_practice, world):
        """Leave approved after the shifts were made: the shifts stay (to reassign), the
        coverage counts her out and names her on leave."""
        a_week_with_a_gap(medoffice_practice, world)
        with medoffice_practice.operation("manager") as ctx:
            leave = time_off.request(ctx, "2026-01-07", staff_id=world.clerk, reason="dentist")
        with medoffice_practice.operation("manager", write=False) as ctx:
            asked_only = coverage.coverage(ctx, "2026-01-07", "2026-01-07")
        with medoffice_practice.operation("manager") as ctx:
            approval = time_off.approve(ctx, leave.id)
        with medoffice_practice.operation("manager", write=False) as ctx:
            approved = coverage.coverage(ctx, "2026-01-07", "2026-01-07")
        assert [s.span for s in approval.shifts] == ["Wed 2026-01-07 08:00-16:30"]
        assert table(asked_only)[1] == ("2026-01-07", "Main", "receptionist", 1, 1, 0, ("Cleo Clerk",))
        receptionist = approved[1]
        assert (receptionist.scheduled, receptionist.gap, receptionist.names, receptionist.on_leave) == (
            0, 1, (), ("Cleo Clerk",))

    def test_a_night_shift_counts_on_the_day_it_starts(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            coverage.set_need(ctx, "receptionist", "Main", "fri,sat", 1)
            rota.add_shift(ctx, world.clerk, "Main", "2026-01-09", "22:00", "06:00", overnight=True)
        with medoffice_practice.operation("manager", write=False) as ctx:
            rows = coverage.coverage(ctx, "2026-01-09", "2026-01-10")
        assert [(str(r.day), r.scheduled, r.gap) for r in rows] == [("2026-01-09", 1, 0), ("2026-01-10", 0, 1)]

    def test_the_report_costs_the_same_few_queries_for_a_week_or_a_quarter(self, medoffice_practice, world):
        a_week_with_a_gap(medoffice_practice, world)
        with medoffice_practice.operation("manager") as ctx:
            rota.copy_week(ctx, "2026-01-05", weeks=12)
            time_off.approve(ctx, time_off.request(ctx, "2026-02-02", staff_id=world.clerk).id)
        engine = medoffice_practice.runtime.engine
        counted = {}
        for label, last in (("week", "2026-01-11"), ("quarter", "2026-04-05")):
            statements = []

            def count(*_args, statements=statements):
                statements.append(1)

            with medoffice_practice.operation("manager", write=False) as ctx:
                ctx.practice  # noqa: B018  (loaded once per operation, as every command does)
                event.listen(engine, "before_cursor_execute", count)
                try:
                    rows = coverage.coverage(ctx, "2026-01-05", last)
                finally:
                    event.remove(engine, "before_cursor_execute", count)
            counted[label] = (len(statements), len(rows))
        assert counted["week"][0] == counted["quarter"][0] <= 5
        assert counted["quarter"][1] == 13 * 5 * 2

    def test_bad_ranges_and_places(self, medoffice_practice, world):
        with medoffice_practice.operation("manager", write=False) as ctx:
            with pytest.raises(ValidationError, match=r"^the last day \(2026-01-01\) is before the first"):
                coverage.coverage(ctx, "2026-01-05", "2026-01-01")
            with pytest.raises(ValidationError, match="at most 366 days"):
                coverage.coverage(ctx, "2026-01-05", "2027-06-01")
            with pytest.raises(NotFound, match="^no location named 'South'"):
                coverage.coverage(ctx, "2026-01-05", "2026-01-06", locations=["South"])


class TestNeeds:
    def test_needs_are_set_replaced_listed_and_cleared(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            coverage.set_need(ctx, "Front desk", "Main", "mon-fri", 2)
            coverage.set_need(ctx, "front  desk", "Main", "sat", 1)
            coverage.set_need(ctx, "front desk", "Main", "mon,fri", 3)
        with medoffice_practice.operation("billing", write=False) as ctx:
            listed = [(n.role, n.location, n.day_name, n.headcount) for n in coverage.list_needs(ctx)]
        assert listed == [("front desk", "Main", d, h) for d, h in
                          (("mon", 3), ("tue", 2), ("wed", 2), ("thu", 2), ("fri", 3), ("sat", 1))]
        with medoffice_practice.operation("manager") as ctx:
            cleared = coverage.clear_need(ctx, "front desk", "Main", "sat-sun")
        assert [n.day_name for n in cleared] == ["sat"]
        with pytest.raises(NotFound, match="^no staffing need for front desk at Main on sat, sun$"):
            with medoffice_practice.operation("manager") as ctx:
                coverage.clear_need(ctx, "front desk", "Main", "sat-sun")
        with medoffice_practice.operation("manager", write=False) as ctx:
            assert len(coverage.list_needs(ctx, "Main")) == 5
            assert coverage.list_needs(ctx, "North") == []

    @pytest.mark.parametrize(("days", "headcount", "fields"), [
        ("mon-fri", "0", {"headcount"}),
        ("mon-fri", "two", {"headcount"}),
        ("fri-mon", "1", {"days"}),
        ("someday", "-1", {"days", "headcount"}),
    ])
    def test_bad_needs_are_refused_whole(self, medoffice_practice, world, days, headcount, fields):
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("manager") as ctx:
                coverage.set_need(ctx, "nurse", "Main", days, headcount)
        assert set(caught.value.errors) == fields
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert ctx.session.query(StaffingNeed).count() == 0

    def test_the_front_desk_cannot_set_needs(self, medoffice_practice, world):
        with pytest.raises(PermissionDenied, match="'hr.rota'"):
            with medoffice_practice.operation("frontdesk") as ctx:
                coverage.set_need(ctx, "nurse", "Main", "mon", 1)


class TestReport:
    def test_the_coverage_report_runs_through_the_core(self, medoffice_practice, world):
        a_week_with_a_gap(medoffice_practice, world)
        with medoffice_practice.operation("manager", write=False) as ctx:
            ids = [spec.id for _plugin, spec in ctx.hooks.reports()]
            result = reports.run(ctx, "scheduling.coverage", {"from": "2026-01-09", "to": "2026-01-09"})
            default = reports.run(ctx, "scheduling.coverage", {})
        assert "scheduling.coverage" in ids
        assert result.title == "Staff coverage, 2026-01-09 to 2026-01-09"
        assert result.rows == (("2026-01-09", "fri", "Main", "nurse", 1, 0, 1, "", ""),
                               ("2026-01-09", "fri", "Main", "receptionist", 1, 1, "", "Cleo Clerk", ""))
        assert result.notes.startswith("1 gap(s).")
        assert default.title == "Staff coverage, 2026-01-05 to 2026-01-11"  # today and the six days after
        assert len(default.rows) == 10


class TestCommandLine:
    def test_needs_and_coverage_from_the_shell(self, medoffice_cli, cli_world):
        w = cli_world
        set_ = ok(medoffice_cli("rota", "needs", "set", "receptionist", "--location", "Main", "--days", "mon-fri",
                                "--headcount", "2", user="manager"))
        assert set_.stdout == "Main needs 2 receptionist on mon, tue, wed, thu, fri\n"
        for day in ("2030-03-11", "2030-03-12"):
            ok(medoffice_cli("rota", "shifts", "add", "--staff", str(w.clerk), "--location", "Main", "--day", day,
                             "--start", "08:00", "--end", "16:00", user="manager"))
        found = ok(medoffice_cli("rota", "coverage", "--from", "2030-03-11", "--to", "2030-03-12", "--json",
                                 user="frontdesk")).json()
        assert [(r["day"], r["role"], r["required"], r["scheduled"], r["gap"], r["names"]) for r in found] == [
            ("2030-03-11", "receptionist", 2, 1, 1, ["Cleo Clerk"]),
            ("2030-03-12", "receptionist", 2, 1, 1, ["Cleo Clerk"])]
        text = ok(medoffice_cli("rota", "coverage", "--from", "2030-03-11", "--gaps-only", user="manager")).stdout
        lines = text.splitlines()
        assert lines[0].split()[:6] == ["day", "weekday", "location", "role", "required", "scheduled"]
        assert len(lines) == 1 + 5 + 1 and lines[-1] == "5 gap(s), 8 person-day(s) short"
        report = ok(medoffice_cli("reports", "run", "scheduling.coverage", "--param", "from=2030-03-11", "--param",
                                  "to=2030-03-11", "--param", "location=Main", "--json", user="manager")).json()
        assert report["rows"] == [["2030-03-11", "mon", "Main", "receptionist", 2, 1, 1, "Cleo Clerk", ""]]
        listed = ok(medoffice_cli("rota", "needs", "list", "--json")).json()
        assert len(listed) == 5
        cleared = ok(medoffice_cli("rota", "needs", "clear", "receptionist", "--location", "Main", user="manager"))
        assert cleared.stdout == "cleared receptionist at Main on mon, tue, wed, thu, fri\n"

    def test_a_headcount_of_zero_is_one_line_exit_1_and_nothing_written(self, medoffice_cli, cli_world):
        result = medoffice_cli("rota", "needs", "set", "receptionist", "--location", "Main", "--days", "mon-fri",
                               "--headcount", "0", user="manager")
        assert (result.exit_code, result.stdout, result.stderr) == (
            1, "", "error: headcount must be between 1 and 999, got 0 (to need nobody, clear the need)\n")
        assert ok(medoffice_cli("rota", "needs", "list", "--json")).json() == []


def test_the_demo_has_a_weeks_rota_with_a_gap_without_scheduling(tmp_path, medoffice_env):
    from medoffice.core.config import Settings
    from medoffice.core.demo import make_demo
    from medoffice.core.loader import discover
    from medoffice.core.runtime import open_runtime
    from medoffice.plugins.staff import demo_rota

    candidates, _failures = discover()
    runtime = open_runtime(settings=Settings.resolve(f"sqlite:///{tmp_path / 'demo.sqlite'}"),
                           candidates=[c for c in candidates if c.info.id == "staff"])
    try:
        make_demo(runtime, seed=5, patient_count=10)
        with runtime.operation(write=False) as ctx:
            today = ctx.local(ctx.now()).date()
            monday = demo_rota.rota_monday(today)
            rows = coverage.coverage(ctx, monday, monday + dt.timedelta(days=4))
            asked = time_off.list_time_off(ctx, status="requested")
    finally:
        runtime.close()
    assert {(r.role, r.required) for r in rows} == {("front_desk", 2), ("medical_assistant", 1)}
    assert [r.gap for r in rows if r.gap] == [1]
    assert len(asked) == 1
