"""The office manager builds the staff rota: shifts per person, role and location.

The world's clock stands on Monday 2026-01-05 (America/New_York); Cleo Clerk is its
receptionist, Dr Adams and Dr Baker its providers.
"""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core import audit
from medoffice.core import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.services import staff
from medoffice.plugins.staff import rota, time_off
from medoffice.plugins.staff.models import Shift

pytestmark = pytest.mark.medoffice_plugins("scheduling", "staff")


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def add_nurse(practice, name="Nina Nurse", role="nurse") -> int:
    with practice.operation("manager") as ctx:
        return staff.add(ctx, {"name": name, "role": role}).id


def shift_count(practice) -> int:
    with practice.operation("admin", write=False) as ctx:
        return ctx.session.query(Shift).count()


class TestShifts:
    def test_a_manager_puts_the_receptionist_on_the_rota_for_the_week(self, medoffice_practice, world):
        """Monday to Friday 08:00-16:30 at Main, in her own role; the week lists them in order."""
        with medoffice_practice.operation("manager") as ctx:
            for offset in range(5):
                day = dt.date(2026, 1, 5) + dt.timedelta(days=offset)
                rota.add_shift(ctx, world.clerk, "Main", day.isoformat(), "08:00", "16:30")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            week = rota.list_shifts(ctx, *rota.week_of("2026-01-07"))
            wednesday = rota.list_shifts(ctx, "2026-01-07")
            at_north = rota.list_shifts(ctx, "2026-01-05", "2026-01-11", location="North")
        assert [(s.staff, s.role, s.location, s.day.isoformat(), f"{s.start:%H:%M}", f"{s.end:%H:%M}", s.minutes)
                for s in week][:2] == [("Cleo Clerk", "receptionist", "Main", "2026-01-05", "08:00", "16:30", 510),
                                       ("Cleo Clerk", "receptionist", "Main", "2026-01-06", "08:00", "16:30", 510)]
        assert len(week) == 5
        assert [s.span for s in wednesday] == ["Wed 2026-01-07 08:00-16:30"]
        assert at_north == []

    def test_a_night_shift_ends_the_next_morning_and_lasts_its_real_length(self, medoffice_practice, world):
        """22:00-06:00 is eight hours, but seven over the night the clocks spring forward."""
        with medoffice_practice.operation("manager") as ctx:
            usual = rota.add_shift(ctx, world.clerk, "Main", "2026-01-09", "22:00", "06:00", overnight=True,
                                   role="Night desk")
            spring = rota.add_shift(ctx, world.clerk, "Main", "2026-03-07", "22:00", "06:00", overnight=True)
        assert (usual.span, usual.minutes, usual.role) == ("Fri 2026-01-09 22:00-06:00 next day", 480, "night desk")
        assert (spring.end.isoformat(), spring.minutes) == ("2026-03-08T06:00:00-04:00", 420)

    def test_one_person_cannot_work_two_overlapping_shifts(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            rota.add_shift(ctx, world.clerk, "Main", "2026-01-06", "08:00", "12:00")
        with pytest.raises(Conflict, match=r"^shift overlaps: Cleo Clerk already works Tue 2026-01-06 "
                                           r"08:00-12:00 at Main \(shift 1\)$"):
            with medoffice_practice.operation("manager") as ctx:
                rota.add_shift(ctx, world.clerk, "North", "2026-01-06", "11:00", "15:00")
        with medoffice_practice.operation("manager") as ctx:
            rota.add_shift(ctx, world.clerk, "North", "2026-01-06", "12:00", "15:00")  # back to back is fine
        assert shift_count(medoffice_practice) == 2

    def test_the_database_refuses_an_overlap_that_gets_past_the_check(self, medoffice_practice, world):
        """Two terminals could both pass the service's check on PostgreSQL; the exclusion
        constraint (a trigger on SQLite) refuses the second, as 'shift overlaps'."""
        with medoffice_practice.operation("manager") as ctx:
            first = rota.add_shift(ctx, world.clerk, "Main", "2026-01-06", "08:00", "12:00")
        with pytest.raises(Conflict, match="^shift overlaps: ") as refused:
            with medoffice_practice.operation("manager") as ctx:
                ctx.session.add(Shift(staff_id=world.clerk, role="receptionist", location_id=first.location_id,
                                      starts_at=first.start + dt.timedelta(hours=1),
                                      ends_at=first.end + dt.timedelta(hours=1), created_by="manager"))
                rota.flush(ctx)
        assert refused.value.code == "shift_overlaps"
        assert shift_count(medoffice_practice) == 1

    def test_providers_and_former_staff_have_no_shifts(self, medoffice_practice, world):
        gone = add_nurse(medoffice_practice, "Olga Old")
        with medoffice_practice.operation("manager") as ctx:
            staff.update(ctx, gone, {"active": "no"})
        with pytest.raises(ValidationError, match=r"^Dr Adams \(staff id 1\) is a provider: a provider's hours "
                                                  r"are their weekly availability"):
            with medoffice_practice.operation("manager") as ctx:
                rota.add_shift(ctx, world.adams, "Main", "2026-01-06", "08:00", "12:00")
        with pytest.raises(ValidationError, match=r"^Olga Old \(staff id 4\) is no longer active$"):
            with medoffice_practice.operation("manager") as ctx:
                rota.add_shift(ctx, gone, "Main", "2026-01-06", "08:00", "12:00")
        assert shift_count(medoffice_practice) == 0

    def test_no_shift_on_approved_time_off_and_the_reason_is_given(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            leave = time_off.request(ctx, "2026-01-08", "2026-01-09", staff_id=world.clerk, reason="family wedding")
            time_off.approve(ctx, leave.id)
        with pytest.raises(Conflict, match=r"^cannot add the shift: Cleo Clerk has approved time off 2026-01-08 "
                                           r"to 2026-01-09 \(time off 1: family wedding\)$"):
            with medoffice_practice.operation("manager") as ctx:
                rota.add_shift(ctx, world.clerk, "Main", "2026-01-09", "08:00", "12:00")
        with pytest.raises(Conflict, match="approved time off"):  # a night shift that runs into the leave
            with medoffice_practice.operation("manager") as ctx:
                rota.add_shift(ctx, world.clerk, "Main", "2026-01-07", "22:00", "06:00", overnight=True)
        with medoffice_practice.operation("manager") as ctx:
            rota.add_shift(ctx, world.clerk, "Main", "2026-01-07", "16:00", "23:59")  # the day before is free
        assert shift_count(medoffice_practice) == 1

    def test_every_bad_field_is_named_at_once(self, medoffice_practice, world):
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("manager") as ctx:
                rota.add_shift(ctx, world.clerk, "Main", "2026-02-30", "8 am", "17:00", role=" ")
        assert set(caught.value.errors) == {"day", "start", "role"}
        with pytest.raises(ValidationError, match=r"^the end \(08:00\) must be after the start \(17:00\); a night "
                                                  "shift that ends the next day is marked overnight$"):
            with medoffice_practice.operation("manager") as ctx:
                rota.add_shift(ctx, world.clerk, "Main", "2026-01-06", "17:00", "08:00")
        with pytest.raises(ValidationError, match="does not exist in America/New_York"):
            with medoffice_practice.operation("manager") as ctx:
                rota.add_shift(ctx, world.clerk, "Main", "2026-03-08", "02:30", "09:00")
        with pytest.raises(NotFound, match="^no staff member with id 99$"):
            with medoffice_practice.operation("manager") as ctx:
                rota.add_shift(ctx, 99, "Main", "2026-01-06", "08:00", "12:00")
        with pytest.raises(NotFound, match=r"^no location named 'South'"):
            with medoffice_practice.operation("manager") as ctx:
                rota.add_shift(ctx, world.clerk, "South", "2026-01-06", "08:00", "12:00")
        assert shift_count(medoffice_practice) == 0

    def test_a_removed_shift_is_gone_and_audited(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            added = rota.add_shift(ctx, world.clerk, "Main", "2026-01-06", "08:00", "12:00")
        with medoffice_practice.operation("manager") as ctx:
            removed = rota.remove_shift(ctx, added.id)
        assert removed == added
        with pytest.raises(NotFound, match="^no shift with id 1$"):
            with medoffice_practice.operation("manager") as ctx:
                rota.remove_shift(ctx, added.id)
        with medoffice_practice.operation("admin", write=False) as ctx:
            (entry,) = audit.iter_entries(ctx.session, action="shift.removed")
        assert (entry.username, entry.entity_id, entry.summary["staff_id"]) == ("manager", "1", world.clerk)
        assert shift_count(medoffice_practice) == 0


class TestCopyWeek:
    def week(self, practice, world, nurse):
        with practice.operation("manager") as ctx:
            for offset in range(5):
                day = (dt.date(2026, 1, 5) + dt.timedelta(days=offset)).isoformat()
                rota.add_shift(ctx, world.clerk, "Main", day, "08:00", "16:30")
            rota.add_shift(ctx, nurse, "North", "2026-01-06", "09:00", "13:00")

    def test_a_week_is_copied_to_the_following_weeks_at_the_same_local_times(self, medoffice_practice, world):
        nurse = add_nurse(medoffice_practice)
        self.week(medoffice_practice, world, nurse)
        with medoffice_practice.operation("manager") as ctx:
            result = rota.copy_week(ctx, "2026-01-07", weeks="2")
        assert (len(result.copied), result.already_there, result.skipped) == (12, 0, ())
        with medoffice_practice.operation("manager", write=False) as ctx:
            third = rota.list_shifts(ctx, *rota.week_of("2026-01-19"))
        assert [(s.staff, s.location, s.span) for s in third][:2] == [
            ("Cleo Clerk", "Main", "Mon 2026-01-19 08:00-16:30"), ("Cleo Clerk", "Main", "Tue 2026-01-20 08:00-16:30")]
        assert ("Nina Nurse", "North", "Tue 2026-01-20 09:00-13:00") in [(s.staff, s.location, s.span) for s in third]

    def test_copying_over_the_change_of_the_clocks_keeps_the_wall_clock(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            rota.add_shift(ctx, world.clerk, "Main", "2026-03-02", "08:00", "16:00")
            (copy,) = rota.copy_week(ctx, "2026-03-02").copied
        assert (copy.start.isoformat(), copy.minutes) == ("2026-03-09T08:00:00-04:00", 480)

    def test_copying_twice_is_harmless(self, medoffice_practice, world):
        nurse = add_nurse(medoffice_practice)
        self.week(medoffice_practice, world, nurse)
        with medoffice_practice.operation("manager") as ctx:
            rota.copy_week(ctx, "2026-01-05")
        with medoffice_practice.operation("manager") as ctx:
            again = rota.copy_week(ctx, "2026-01-05")
        assert (len(again.copied), again.already_there) == (0, 6)
        assert shift_count(medoffice_practice) == 12

    def test_a_conflict_copies_nothing_unless_conflicts_are_skipped(self, medoffice_practice, world):
        nurse = add_nurse(medoffice_practice)
        self.week(medoffice_practice, world, nurse)
        with medoffice_practice.operation("manager") as ctx:
            rota.add_shift(ctx, world.clerk, "North", "2026-01-13", "12:00", "14:00")  # next Tuesday, overlapping
            leave = time_off.request(ctx, "2026-01-16", staff_id=world.clerk, reason="dentist")
            time_off.approve(ctx, leave.id)
        with pytest.raises(Conflict) as caught:
            with medoffice_practice.operation("manager") as ctx:
                rota.copy_week(ctx, "2026-01-05")
        assert caught.value.message == (
            "cannot copy the week of 2026-01-05: 2 shift(s) conflict: Cleo Clerk Tue 2026-01-13 08:00: already "
            "works then (shift 7); Cleo Clerk Fri 2026-01-16 08:00: Cleo Clerk has approved time off 2026-01-16 "
            "(time off 1: dentist); nothing was copied (skipping conflicts copies the rest)")
        assert shift_count(medoffice_practice) == 7
        with medoffice_practice.operation("manager") as ctx:
            result = rota.copy_week(ctx, "2026-01-05", skip_conflicts=True)
        assert (len(result.copied), len(result.skipped)) == (4, 2)
        assert shift_count(medoffice_practice) == 11

    def test_an_empty_week_and_a_bad_number_of_weeks_are_refused(self, medoffice_practice, world):
        with pytest.raises(ValidationError, match="^there are no shifts in the week of 2026-01-05 to copy$"):
            with medoffice_practice.operation("manager") as ctx:
                rota.copy_week(ctx, "2026-01-07")
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("manager") as ctx:
                rota.copy_week(ctx, "2026-02-30", weeks="0")
        assert set(caught.value.errors) == {"week", "weeks"}


class TestPermissions:
    def test_the_front_desk_reads_the_rota_but_cannot_change_it(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            added = rota.add_shift(ctx, world.clerk, "Main", "2026-01-06", "08:00", "12:00")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert [s.id for s in rota.list_shifts(ctx, "2026-01-06")] == [added.id]
        for attempt in (lambda ctx: rota.add_shift(ctx, world.clerk, "Main", "2026-01-07", "08:00", "12:00"),
                        lambda ctx: rota.remove_shift(ctx, added.id),
                        lambda ctx: rota.copy_week(ctx, "2026-01-05")):
            with pytest.raises(PermissionDenied, match="lacks the permission 'hr.rota'"):
                with medoffice_practice.operation("frontdesk") as ctx:
                    attempt(ctx)
        assert shift_count(medoffice_practice) == 1

    def test_default_roles(self, medoffice_practice):
        front, billing, manager = (medoffice_practice.record(n) for n in ("frontdesk", "billing", "manager"))
        assert manager.can("hr.rota") and not front.can("hr.rota") and not billing.can(
            "hr.rota")
        assert front.can("hr.time_off") and billing.can("hr.time_off")


class TestCommandLine:
    def listed(self, cli, first="2030-03-11", last="2030-03-17"):
        return ok(cli("rota", "shifts", "list", "--from", first, "--to", last, "--json")).json()

    def test_a_week_from_the_shell(self, medoffice_cli, cli_world):
        w = cli_world
        added = ok(medoffice_cli("rota", "shifts", "add", "--staff", str(w.clerk), "--location", "Main", "--day",
                                 "2030-03-11", "--start", "08:00", "--end", "16:30", user="manager"))
        assert added.stdout == "added shift 1: Cleo Clerk (receptionist) Mon 2030-03-11 08:00-16:30 at Main\n"
        night = ok(medoffice_cli("rota", "shifts", "add", "--staff", str(w.clerk), "--location", "North", "--day",
                                 "2030-03-12", "--start", "22:00", "--end", "06:00", "--overnight", "--json",
                                 user="manager")).json()
        assert (night["start"], night["end"], night["minutes"]) == ("2030-03-12T22:00:00-04:00",
                                                                    "2030-03-13T06:00:00-04:00", 480)
        board = ok(medoffice_cli("rota", "shifts", "list", "--week", "2030-03-13", user="frontdesk")).stdout
        lines = board.splitlines()
        assert lines[0].split() == ["id", "day", "start", "end", "staff", "staff", "id", "role", "location", "note"]
        assert "06:00 +1" in lines[2]
        copied = ok(medoffice_cli("rota", "shifts", "copy-week", "--week", "2030-03-11", "--weeks", "3",
                                  user="manager"))
        assert copied.stdout == "copied 6 shift(s)\n"
        assert len(self.listed(medoffice_cli, "2030-03-18", "2030-04-06")) == 6
        removed = ok(medoffice_cli("rota", "shifts", "remove", "1", user="manager"))
        assert removed.stdout == "removed shift 1: Cleo Clerk (receptionist) Mon 2030-03-11 08:00-16:30 at Main\n"

    @pytest.mark.parametrize(("args", "message"), [
        (["--day", "2030-03-11", "--start", "17:00", "--end", "08:00"],
         "the end (08:00) must be after the start (17:00); a night shift that ends the next day is marked overnight"),
        (["--day", "2030-02-30", "--start", "08:00", "--end", "12:00"],
         "day must be a real date as YYYY-MM-DD, got '2030-02-30'"),
        (["--staff", "99", "--day", "2030-03-11", "--start", "08:00", "--end", "12:00"],
         "no staff member with id 99"),
    ])
    def test_bad_input_is_one_line_exit_1_and_nothing_written(self, medoffice_cli, cli_world, args, message):
        ok(medoffice_cli("rota", "shifts", "add", "--staff", str(cli_world.clerk), "--location", "Main", "--day",
                         "2030-03-12", "--start", "08:00", "--end", "12:00", user="manager"))
        before = self.listed(medoffice_cli)
        if "--staff" not in args:
            args = ["--staff", str(cli_world.clerk), *args]
        result = medoffice_cli("rota", "shifts", "add", "--location", "Main", *args, user="manager")
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
        assert self.listed(medoffice_cli) == before

    def test_an_overlap_is_one_line_exit_1(self, medoffice_cli, cli_world):
        common = ["rota", "shifts", "add", "--staff", str(cli_world.clerk), "--location", "Main", "--day",
                  "2030-03-12", "--end", "12:00"]
        ok(medoffice_cli(*common, "--start", "08:00", user="manager"))
        result = medoffice_cli(*common, "--start", "10:00", user="manager")
        assert (result.exit_code, result.stderr) == (
            1, "error: shift overlaps: Cleo Clerk already works Tue 2030-03-12 08:00-12:00 at Main (shift 1)\n")
        assert len(self.listed(medoffice_cli)) == 1

    def test_the_front_desk_cannot_manage_the_rota(self, medoffice_cli, cli_world):
        for args in (["shifts", "add", "--staff", str(cli_world.clerk), "--location", "Main", "--day", "2030-03-12",
                      "--start", "08:00", "--end", "12:00"],
                     ["shifts", "copy-week", "--week", "2030-03-12"],
                     ["needs", "set", "receptionist", "--location", "Main", "--days", "mon-fri", "--headcount", "1"]):
            result = medoffice_cli("rota", *args, user="frontdesk")
            assert (result.exit_code, result.stdout, result.stderr) == (
                1, "", "error: user 'frontdesk' lacks the permission 'hr.rota'\n")
        assert self.listed(medoffice_cli) == []
