"""Staff ask for time off; the manager approves or declines; approved leave takes a person
off the rota and a provider out of the appointment book.

The world's clock stands on Monday 2026-01-05 (America/New_York). The receptionist Cleo
Clerk signs in as the user ``frontdesk`` once a test links her staff record to it.
"""

from __future__ import annotations

import pytest

from medoffice.core import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.services import staff
from medoffice.plugins.scheduling import booking
from medoffice.plugins.staff import rota, time_off
from medoffice.plugins.staff.models import TimeOff

pytestmark = pytest.mark.medoffice_plugins("scheduling", "staff")


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def link(practice, staff_id: int, username: str) -> None:
    with practice.operation("manager") as ctx:
        staff.update(ctx, staff_id, {"user": username})


def requests(practice) -> list[tuple[int, str]]:
    with practice.operation("admin", write=False) as ctx:
        return [(r.id, r.status) for r in ctx.session.query(TimeOff).order_by(TimeOff.id)]


class TestRequests:
    def test_the_receptionist_asks_for_her_own_days_and_the_manager_approves(self, medoffice_practice, world):
        """The approval lists her shifts on those days, to reassign; they stay until moved."""
        link(medoffice_practice, world.clerk, "frontdesk")
        with medoffice_practice.operation("manager") as ctx:
            rota.add_shift(ctx, world.clerk, "Main", "2026-01-13", "08:00", "16:30")
            rota.add_shift(ctx, world.clerk, "Main", "2026-01-16", "08:00", "16:30")
        with medoffice_practice.operation("frontdesk") as ctx:
            asked = time_off.request(ctx, "2026-01-12", "2026-01-14", reason="skiing")
        assert (asked.staff, asked.days, asked.status, asked.requested_by) == ("Cleo Clerk", 3, "requested",
                                                                               "frontdesk")
        with medoffice_practice.operation("manager") as ctx:
            approval = time_off.approve(ctx, asked.id, "enjoy")
        assert (approval.time_off.status, approval.time_off.decided_by, approval.time_off.decision_note) == (
            "approved", "manager", "enjoy")
        assert [s.span for s in approval.shifts] == ["Tue 2026-01-13 08:00-16:30"]
        assert approval.appointments == ()

    def test_a_user_without_a_staff_record_cannot_ask_for_themselves(self, medoffice_practice, world):
        with pytest.raises(ValidationError, match="^user 'frontdesk' is not linked to a staff record"):
            with medoffice_practice.operation("frontdesk") as ctx:
                time_off.request(ctx, "2026-01-12")
        assert requests(medoffice_practice) == []

    def test_only_a_manager_asks_on_someone_elses_behalf(self, medoffice_practice, world):
        link(medoffice_practice, world.clerk, "frontdesk")
        with pytest.raises(PermissionDenied, match="'hr.rota'"):
            with medoffice_practice.operation("frontdesk") as ctx:
                time_off.request(ctx, "2026-01-12", staff_id=world.baker)
        with medoffice_practice.operation("manager") as ctx:
            entered = time_off.request(ctx, "2026-01-12", staff_id=world.baker, reason="conference")
        assert (entered.staff, entered.requested_by) == ("Dr Baker", "manager")

    def test_the_front_desk_cannot_decide(self, medoffice_practice, world):
        link(medoffice_practice, world.clerk, "frontdesk")
        with medoffice_practice.operation("frontdesk") as ctx:
            asked = time_off.request(ctx, "2026-01-12")
        for decide in (lambda ctx: time_off.approve(ctx, asked.id), lambda ctx: time_off.decline(ctx, asked.id, "no")):
            with pytest.raises(PermissionDenied, match="'hr.rota'"):
                with medoffice_practice.operation("frontdesk") as ctx:
                    decide(ctx)
        assert requests(medoffice_practice) == [(asked.id, "requested")]

    def test_days_already_asked_for_cannot_be_asked_for_again(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            time_off.request(ctx, "2026-01-12", "2026-01-16", staff_id=world.clerk)
        with pytest.raises(Conflict, match=r"^Cleo Clerk already has time off requested 2026-01-12 to 2026-01-16 "
                                           r"\(time off 1\)$"):
            with medoffice_practice.operation("manager") as ctx:
                time_off.request(ctx, "2026-01-16", "2026-01-20", staff_id=world.clerk)
        assert len(requests(medoffice_practice)) == 1

    def test_bad_days_are_refused_and_nothing_is_written(self, medoffice_practice, world):
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("manager") as ctx:
                time_off.request(ctx, "2026-02-30", "2026-01-01", staff_id=world.clerk)
        assert caught.value.errors == {"first_day": "first day must be a real date as YYYY-MM-DD, got '2026-02-30'"}
        with pytest.raises(ValidationError, match=r"^the last day \(2026-01-01\) is before the first"):
            with medoffice_practice.operation("manager") as ctx:
                time_off.request(ctx, "2026-01-12", "2026-01-01", staff_id=world.clerk)
        with pytest.raises(NotFound, match="^no staff member with id 99$"):
            with medoffice_practice.operation("manager") as ctx:
                time_off.request(ctx, "2026-01-12", staff_id=99)
        assert requests(medoffice_practice) == []


class TestDecisions:
    def test_a_decline_needs_a_note_and_a_decided_request_stays_decided(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            asked = time_off.request(ctx, "2026-01-12", staff_id=world.clerk)
        with pytest.raises(ValidationError, match="^note is required$"):
            with medoffice_practice.operation("manager") as ctx:
                time_off.decline(ctx, asked.id, " ")
        with medoffice_practice.operation("manager") as ctx:
            declined = time_off.decline(ctx, asked.id, "inventory day")
        assert (declined.status, declined.decision_note) == ("declined", "inventory day")
        with pytest.raises(Conflict, match="^time off 1 is declined; only a requested one can be approved"):
            with medoffice_practice.operation("manager") as ctx:
                time_off.approve(ctx, asked.id)

    def test_one_cancels_ones_own_request_but_not_someone_elses(self, medoffice_practice, world):
        link(medoffice_practice, world.clerk, "frontdesk")
        with medoffice_practice.operation("manager") as ctx:
            hers = time_off.request(ctx, "2026-01-12", staff_id=world.clerk)
            his = time_off.request(ctx, "2026-01-12", staff_id=world.baker)
            time_off.approve(ctx, hers.id)
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("frontdesk") as ctx:
                time_off.cancel(ctx, his.id)
        with medoffice_practice.operation("frontdesk") as ctx:
            withdrawn = time_off.cancel(ctx, hers.id, "plans changed")
        assert (withdrawn.status, withdrawn.decided_by, withdrawn.decision_note) == ("cancelled", "frontdesk",
                                                                                     "plans changed")
        with pytest.raises(Conflict, match="is cancelled already"):
            with medoffice_practice.operation("manager") as ctx:
                time_off.cancel(ctx, hers.id)
        with medoffice_practice.operation("manager") as ctx:  # her shift may be added again
            rota.add_shift(ctx, world.clerk, "Main", "2026-01-12", "08:00", "12:00")

    def test_the_manager_sees_everyones_requests_and_staff_their_own(self, medoffice_practice, world):
        link(medoffice_practice, world.clerk, "frontdesk")
        with medoffice_practice.operation("manager") as ctx:
            time_off.request(ctx, "2026-01-20", staff_id=world.clerk)
            baker = time_off.request(ctx, "2026-01-12", staff_id=world.baker)
            time_off.approve(ctx, baker.id)
        with medoffice_practice.operation("manager", write=False) as ctx:
            everyone = [(t.staff, t.status) for t in time_off.list_time_off(ctx)]
            approved = [t.staff for t in time_off.list_time_off(ctx, status="approved")]
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            own = [t.staff for t in time_off.list_time_off(ctx)]
        assert everyone == [("Dr Baker", "approved"), ("Cleo Clerk", "requested")]
        assert (approved, own) == (["Dr Baker"], ["Cleo Clerk"])
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("frontdesk", write=False) as ctx:
                time_off.list_time_off(ctx, staff_id=world.baker)


class TestProviderLeave:
    def test_a_provider_on_approved_leave_cannot_be_booked_not_even_by_overbooking(self, medoffice_practice, world):
        """Approving reports the visits still booked that day; after it nobody books the day,
        a manager overbooking with a reason included: to see patients that day, the leave is
        cancelled first, so the rota tells the truth."""
        with medoffice_practice.operation("manager") as ctx:
            leave = time_off.request(ctx, "2026-01-07", staff_id=world.adams, reason="course")
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-07 09:00")
        with medoffice_practice.operation("manager") as ctx:
            approval = time_off.approve(ctx, leave.id)
        assert [(v.id, f"{v.start:%H:%M}", v.status) for v in approval.appointments] == [(1, "09:00", "booked")]
        with pytest.raises((Conflict, ValidationError), match="approved (leave|time off)"):
            with medoffice_practice.operation("frontdesk") as ctx:
                booking.book(ctx, world.bo, world.adams, "Check-up", "2026-01-07 10:00")
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("manager") as ctx:
                booking.book(ctx, world.bo, world.adams, "Check-up", "2026-01-07 10:00", overbook_reason="urgent")
        assert caught.value.message == ("Dr Adams has approved time off on Wed 2026-01-07 "
                                        "(cancel or change the time off to book that day)")
        with pytest.raises((Conflict, ValidationError), match="approved (leave|time off)"):  # nor moved onto it
            with medoffice_practice.operation("frontdesk") as ctx:
                other = booking.book(ctx, world.cy, world.adams, "Check-up", "2026-01-08 10:00")
                booking.move(ctx, other.id, "2026-01-07 11:00")
        with medoffice_practice.operation("manager") as ctx:
            time_off.cancel(ctx, leave.id, "course moved")
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.book(ctx, world.cy, world.adams, "Check-up", "2026-01-07 10:00")


class TestCommandLine:
    def listed(self, cli):
        return ok(cli("rota", "time-off", "list", "--json", user="manager")).json()

    def test_request_approve_and_list_from_the_shell(self, medoffice_cli, cli_world):
        asked = ok(medoffice_cli("rota", "time-off", "request", "--staff", str(cli_world.clerk), "--first",
                                 "2030-03-11", "--last", "2030-03-12", "--reason", "move house", user="manager"))
        assert asked.stdout == "requested time off 1: Cleo Clerk 2030-03-11 to 2030-03-12 (2 days, requested)\n"
        approved = ok(medoffice_cli("rota", "time-off", "approve", "1", "--note", "fine", user="manager"))
        assert approved.stdout == "approved time off 1: Cleo Clerk 2030-03-11 to 2030-03-12 (2 days, approved): fine\n"
        (listed,) = self.listed(medoffice_cli)
        assert (listed["status"], listed["first_day"], listed["last_day"], listed["reason"]) == (
            "approved", "2030-03-11", "2030-03-12", "move house")
        provider = ok(medoffice_cli("rota", "time-off", "request", "--staff", str(cli_world.adams), "--first",
                                    "2030-03-13", "--json", user="manager")).json()
        decision = ok(medoffice_cli("rota", "time-off", "approve", str(provider["id"]), "--json",
                                    user="manager")).json()
        assert (decision["time_off"]["status"], decision["shifts"], decision["appointments"]) == ("approved", [], [])
        refused = medoffice_cli("appointments", "book", cli_world.ann, "--provider", str(cli_world.adams), "--type",
                                "Check-up", "--at", "2030-03-13 09:00", "--overbook", "urgent", user="manager")
        assert (refused.exit_code, refused.stderr) == (
            1, "error: Dr Adams has approved time off on Wed 2030-03-13 (cancel or change the time off to book that "
               "day)\n")

    @pytest.mark.parametrize(("args", "message"), [
        (["--first", "2030-03-12", "--last", "2030-03-11"], "the last day (2030-03-11) is before the first (2030-03-12)"),
        (["--first", "2030-02-30"], "first day must be a real date as YYYY-MM-DD, got '2030-02-30'"),
    ])
    def test_bad_days_are_one_line_exit_1_and_nothing_written(self, medoffice_cli, cli_world, args, message):
        result = medoffice_cli("rota", "time-off", "request", "--staff", str(cli_world.clerk), *args, user="manager")
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
        assert self.listed(medoffice_cli) == []

    def test_the_front_desk_cannot_approve(self, medoffice_cli, cli_world):
        ok(medoffice_cli("rota", "time-off", "request", "--staff", str(cli_world.clerk), "--first", "2030-03-11",
                         user="manager"))
        result = medoffice_cli("rota", "time-off", "approve", "1", user="frontdesk")
        assert (result.exit_code, result.stdout, result.stderr) == (
            1, "", "error: user 'frontdesk' lacks the permission 'hr.rota'\n")
        assert [r["status"] for r in self.listed(medoffice_cli)] == ["requested"]
