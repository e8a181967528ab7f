"""The office manager's scheduling reports: no-shows, utilisation and waiting times.

They run through the core's ``medoffice reports`` (the ``medoffice_reports`` hook), over the
appointments that start in a range of local days, per provider and for all of them. The
world's clock is Monday 2026-01-05 12:00 UTC; steps of the day's flow are stamped with the
clock, so a test moves it to say when the patient arrived, was roomed and left.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from medoffice.core.errors import NotFound, PermissionDenied, ValidationError
from medoffice.core.services import reports as report_service
from medoffice.core.services import users
from medoffice.plugins.scheduling import booking, day_flow, reports

pytestmark = pytest.mark.medoffice_plugins("scheduling")

UTC = dt.timezone.utc
WEEK = {"from": "2026-01-05", "to": "2026-01-11"}


def book(practice, mrn, provider, when, kind="Check-up"):
    with practice.operation("frontdesk") as ctx:
        return booking.book(ctx, mrn, provider, kind, when).id


def step(practice, action, appointment_id, *args, at=None):
    """One step of the day's flow, stamped ``at`` (a UTC time) when given."""
    if at is not None:
        practice.runtime.clock = lambda: at
    with practice.operation("frontdesk") as ctx:
        getattr(day_flow, action)(ctx, appointment_id, *args)


def visit(practice, appointment_id, arrived, roomed, completed):
    step(practice, "check_in", appointment_id, at=arrived)
    if roomed is not None:
        step(practice, "room", appointment_id, at=roomed)
    step(practice, "complete", appointment_id, at=completed)


def run(practice, report_id, params, user="manager"):
    with practice.operation(user, write=False) as ctx:
        return report_service.run(ctx, report_id, params)


def utc(day, hour, minute=0):
    return dt.datetime(2026, 1, day, hour, minute, tzinfo=UTC)


class TestNoShows:
    def test_the_rate_per_provider_and_overall_with_cancellations_apart(self, medoffice_practice, world):
        """Dr Adams: 3 seen, 1 no-show, 1 cancelled. Dr Baker: 1 seen, 1 no-show."""
        p, w = medoffice_practice, world
        for clock in ("09:00", "09:30", "10:00"):
            seen = book(p, w.ann, w.adams, f"2026-01-06 {clock}")
            step(p, "check_in", seen, at=utc(6, 13, 50))
            step(p, "complete", seen)
        step(p, "no_show", book(p, w.cy, w.adams, "2026-01-08 09:00"), at=utc(8, 14, 30))
        step(p, "cancel", book(p, w.cy, w.adams, "2026-01-09 09:00"), "patient called")
        seen = book(p, w.ann, w.baker, "2026-01-05 08:00")
        step(p, "check_in", seen, at=utc(5, 12, 55))
        step(p, "complete", seen)
        step(p, "no_show", book(p, w.bo, w.baker, "2026-01-05 08:30"), at=utc(5, 13, 45))
        book(p, w.cy, w.baker, "2026-01-12 08:00")  # after the range
        result = run(p, "scheduling.no_shows", WEEK)
        assert result.title == "No-shows, 2026-01-05 to 2026-01-11"
        assert result.columns == ("provider", "completed", "no-shows", "no-show rate", "cancelled")
        assert result.rows == (("Dr Adams", 3, 1, "25.0%", 1), ("Dr Baker", 1, 1, "50.0%", 0),
                               ("all providers", 4, 2, "33.3%", 1))
        assert run(p, "scheduling.no_shows", {**WEEK, "provider": str(w.baker)}).rows == (
            ("Dr Baker", 1, 1, "50.0%", 0), ("all providers", 1, 1, "50.0%", 0))

    def test_a_range_with_nothing_seen_has_no_rate(self, medoffice_practice, world):
        assert run(medoffice_practice, "scheduling.no_shows", WEEK).rows == (("all providers", 0, 0, "-", 0),)

    def test_the_database_counts(self, medoffice_practice, world):
        """One GROUP BY query, however many appointments the range holds."""
        p, w = medoffice_practice, world
        for day in range(5, 10):
            for clock in ("09:00", "10:00", "11:00"):
                book(p, w.ann, w.adams, f"2026-01-{day:02d} {clock}")
        statements = []
        engine = p.runtime.engine

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        with p.operation("manager", write=False) as ctx:
            ctx.practice  # noqa: B018  (loaded once per operation)
            event.listen(engine, "before_cursor_execute", count)
            try:
                result = reports.no_shows(ctx, WEEK)
            finally:
                event.remove(engine, "before_cursor_execute", count)
        assert result.rows[-1] == ("all providers", 0, 0, "-", 0)
        on_appointments = [s for s in statements if "scheduling_appointment" in s]
        assert len(on_appointments) == 1 and "GROUP BY" in on_appointments[0]


class TestUtilisation:
    def test_booked_minutes_over_the_weekly_templates(self, medoffice_practice, world):
        """A week of Dr Adams is 5 x 7 h plus Sunday's 6 h and 1.5 h: 2550 minutes; Dr Baker's 420."""
        p, w = medoffice_practice, world
        book(p, w.ann, w.adams, "2026-01-06 09:00", kind="Long")  # 120
        book(p, w.bo, w.adams, "2026-01-06 13:00")  # 30
        done = book(p, w.cy, w.adams, "2026-01-07 09:00")  # 30, completed still counts
        step(p, "check_in", done, at=utc(7, 13, 55))
        step(p, "complete", done)
        step(p, "cancel", book(p, w.ann, w.adams, "2026-01-08 09:00", kind="Long"), "ill")  # frees its slot
        step(p, "no_show", book(p, w.ann, w.baker, "2026-01-05 08:00"), at=utc(5, 13, 30))  # frees its slot
        book(p, w.bo, w.baker, "2026-01-06 09:00", kind="Long")  # 120 of 420
        result = run(p, "scheduling.utilisation", WEEK)
        assert result.columns == ("provider", "available min", "booked min", "utilisation")
        assert result.rows == (("Dr Adams", 2550, 180, "7.1%"), ("Dr Baker", 420, 120, "28.6%"),
                               ("all providers", 2970, 300, "10.1%"))

    def test_an_overbooking_can_take_a_provider_past_100_percent(self, medoffice_practice, world):
        p, w = medoffice_practice, world
        book(p, w.ann, w.baker, "2026-01-05 08:00", kind="Long")
        with p.operation("manager") as ctx:
            booking.book(ctx, w.bo, w.baker, "Check-up", "2026-01-05 09:00", overbook_reason="urgent")
        result = run(p, "scheduling.utilisation", {"from": "2026-01-05", "to": "2026-01-05",
                                                   "provider": str(w.baker)})
        assert result.rows[0] == ("Dr Baker", 120, 150, "125.0%")

    def test_available_minutes_are_real_minutes_on_the_nights_the_clocks_change(self, medoffice_practice, world):
        """Dr Adams's Sunday 00:00-06:00 is 5 hours in March and 7 in November (plus 22:00-23:30)."""
        with medoffice_practice.operation("manager", write=False) as ctx:
            spring = reports.available_minutes(ctx, dt.date(2026, 3, 8), dt.date(2026, 3, 8))
            autumn = reports.available_minutes(ctx, dt.date(2026, 11, 1), dt.date(2026, 11, 1), world.adams)
            ordinary = reports.available_minutes(ctx, dt.date(2026, 3, 15), dt.date(2026, 3, 15))
        assert (spring, autumn, ordinary) == ({world.adams: 390}, {world.adams: 510}, {world.adams: 450})


class TestWaitingTimes:
    def test_arrival_to_room_and_to_completion_per_provider_and_overall(self, medoffice_practice, world):
        """Dr Adams's patients wait 5, 10 and 30 minutes for a room; one goes straight to the end in 15."""
        p, w = medoffice_practice, world
        first, second, third, fourth = (book(p, mrn, w.adams, f"2026-01-06 {clock}") for mrn, clock in
                                        ((w.ann, "09:00"), (w.bo, "09:30"), (w.cy, "10:00"), (w.ann, "10:30")))
        visit(p, first, utc(6, 13, 50), utc(6, 13, 55), utc(6, 14, 10))  # room 5, end 20
        visit(p, second, utc(6, 14, 20), utc(6, 14, 30), utc(6, 15, 0))  # room 10, end 40
        visit(p, third, utc(6, 14, 50), utc(6, 15, 20), utc(6, 15, 50))  # room 30, end 60
        visit(p, fourth, utc(6, 15, 30), None, utc(6, 15, 45))  # never roomed, end 15
        baker = book(p, w.bo, w.baker, "2026-01-06 09:00")
        visit(p, baker, utc(6, 13, 55), utc(6, 14, 8), utc(6, 14, 20))  # room 13, end 25
        waiting = book(p, w.cy, w.baker, "2026-01-06 10:30")
        step(p, "check_in", waiting, at=utc(6, 14, 50))  # still waiting: in neither figure
        book(p, w.ann, w.baker, "2026-01-06 11:00")  # never arrived
        result = run(p, "scheduling.waiting_times", WEEK)
        assert result.columns == ("provider", "wait", "count", "mean", "median", "p90")
        assert result.rows == (
            ("Dr Adams", "arrival to room", 3, "15.0", "10.0", "26.0"),
            ("Dr Adams", "arrival to completion", 4, "33.8", "30.0", "54.0"),
            ("Dr Baker", "arrival to room", 1, "13.0", "13.0", "13.0"),
            ("Dr Baker", "arrival to completion", 1, "25.0", "25.0", "25.0"),
            ("all providers", "arrival to room", 4, "14.5", "11.5", "24.9"),
            ("all providers", "arrival to completion", 5, "32.0", "25.0", "52.0"),
        )

    def test_no_arrivals_no_figures(self, medoffice_practice, world):
        assert run(medoffice_practice, "scheduling.waiting_times", WEEK).rows == (
            ("all providers", "arrival to room", 0, "-", "-", "-"),
            ("all providers", "arrival to completion", 0, "-", "-", "-"))


class TestParameters:
    def test_the_range_defaults_to_the_30_days_up_to_today(self, medoffice_practice, world):
        """Today is 2026-01-05 in New York."""
        assert run(medoffice_practice, "scheduling.no_shows", {}).title == "No-shows, 2025-12-07 to 2026-01-05"
        assert run(medoffice_practice, "scheduling.utilisation", {"to": "2026-02-01"}).title == (
            "Utilisation, 2026-01-03 to 2026-02-01")

    @pytest.mark.parametrize(("params", "error", "message"), [
        ({"from": "2026-01-10", "to": "2026-01-05"}, ValidationError,
         "the last day (2026-01-05) is before the first (2026-01-10)"),
        ({"from": "2026-02-30", "to": "2026-03-05"}, ValidationError,
         "from must be a real date as YYYY-MM-DD, got '2026-02-30'"),
        ({"from": "2025-01-01", "to": "2026-01-05"}, ValidationError, "a range covers at most 366 days, got 370"),
        ({**WEEK, "provider": "99"}, NotFound, "no provider with staff id 99"),
        ({**WEEK, "provider": "Adams"}, ValidationError, "provider must be a staff id (a whole number), got 'Adams'"),
    ])
    def test_bad_parameters_are_refused(self, medoffice_practice, world, params, error, message):
        for report in ("scheduling.no_shows", "scheduling.utilisation", "scheduling.waiting_times"):
            with pytest.raises(error) as raised:
                run(medoffice_practice, report, params)
            assert str(raised.value) == message

    def test_the_reports_need_scheduling_read(self, medoffice_practice, world):
        with medoffice_practice.operation("admin") as ctx:
            users.revoke(ctx, "billing", "scheduling.read")
        with pytest.raises(PermissionDenied):
            run(medoffice_practice, "scheduling.waiting_times", WEEK, user="billing")


class TestFromTheShell:
    def test_list_and_run_with_json(self, medoffice_cli, cli_world):
        listed = medoffice_cli("reports", "list", "--json", user="frontdesk")
        assert listed.exit_code == 0, listed.stderr
        ours = {r["id"]: r for r in listed.json() if r["plugin"] == "scheduling"}
        assert {"scheduling.no_shows", "scheduling.utilisation", "scheduling.waiting_times"} <= set(ours)
        assert ours["scheduling.no_shows"]["params"] == ["from", "to", "provider"]
        result = medoffice_cli("reports", "run", "scheduling.utilisation", "--param", "from=2030-03-11",
                               "--param", "to=2030-03-11", "--param", f"provider={cli_world.adams}", "--json",
                               user="manager")
        assert result.exit_code == 0, result.stderr
        assert result.json()["rows"] == [["Dr Adams", 420, 0, "0.0%"], ["all providers", 420, 0, "0.0%"]]
        table = medoffice_cli("reports", "run", "scheduling.no_shows", "--param", "from=2030-03-11",
                              "--param", "to=2030-03-11", user="manager")
        assert table.stdout.splitlines()[0] == "No-shows, 2030-03-11 to 2030-03-11"

    @pytest.mark.parametrize(("params", "message"), [
        (["from=2030-03-12", "to=2030-03-11"], "the last day (2030-03-11) is before the first (2030-03-12)"),
        (["from=2030-02-30", "to=2030-03-11"], "from must be a real date as YYYY-MM-DD, got '2030-02-30'"),
        (["from=2030-01-01", "to=2031-01-02"], "a range covers at most 366 days, got 367"),
        (["from=2030-03-11", "to=2030-03-11", "provider=99"], "no provider with staff id 99"),
    ])
    def test_bad_input_is_one_line_and_exit_1(self, medoffice_cli, cli_world, params, message):
        args = [item for param in params for item in ("--param", param)]
        result = medoffice_cli("reports", "run", "scheduling.waiting_times", *args, user="manager")
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
