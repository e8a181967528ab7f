"""``medoffice appointments …`` and ``medoffice schedule …`` as people and scripts run them."""

from __future__ import annotations

import pytest

from medoffice.core.services import practice, staff

pytestmark = pytest.mark.medoffice_plugins("scheduling")


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def test_set_up_types_and_availability(medoffice_cli, medoffice_practice, make_npi):
    with medoffice_practice.operation("admin") as ctx:
        practice.add_location(ctx, "Main")
        doc = staff.add(ctx, {"name": "Dr Diaz", "role": "physician", "is_provider": True, "npi": make_npi(7)}).id
    added = ok(medoffice_cli("schedule", "types", "add", "Check-up", "--minutes", "20", "--colour", "green",
                             user="manager"))
    assert added.stdout == "added appointment type 1: Check-up, 20 min, green, any patients\n"
    assert ok(medoffice_cli("schedule", "types", "list", "--json")).json() == [
        {"id": 1, "name": "Check-up", "duration_minutes": 20, "colour": "green", "patient_kind": "any"}]
    result = ok(medoffice_cli("schedule", "templates", "add", "--provider", str(doc), "--weekday", "tue", "--start",
                              "09:00", "--end", "12:00", "--location", "Main", user="manager"))
    assert result.stdout == "added availability 1: Dr Diaz tue 09:00-12:00 at Main\n"
    (template,) = ok(medoffice_cli("schedule", "templates", "list", "--json")).json()
    assert (template["weekday"], template["start_time"], template["end_time"]) == (1, "09:00:00", "12:00:00")
    table = ok(medoffice_cli("schedule", "templates", "list")).stdout.splitlines()
    assert table[0].split() == ["id", "provider", "provider", "id", "weekday", "start", "end", "location"]


@pytest.mark.parametrize(("args", "message"), [
    (["types", "add", "Quick", "--minutes", "0"], "duration must be between 1 and 1440 minutes, got 0"),
    (["templates", "add", "--provider", "1", "--weekday", "tue", "--start", "12:00", "--end", "09:00",
      "--location", "Main"], "the end (09:00) must be after the start (12:00)"),
    (["templates", "add", "--provider", "99", "--weekday", "tue", "--start", "09:00", "--end", "10:00",
      "--location", "Main"], "no provider with staff id 99"),
])
def test_bad_set_up_is_one_line_exit_1_and_nothing_written(medoffice_cli, cli_world, args, message):
    before = [ok(medoffice_cli("schedule", what, "list", "--json")).json() for what in ("types", "templates")]
    result = medoffice_cli("schedule", *args, user="manager")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
    assert [ok(medoffice_cli("schedule", what, "list", "--json")).json() for what in ("types", "templates")] == before


def test_book_move_check_in_room_complete_from_the_shell(medoffice_cli, cli_world, cli_clock):
    w = cli_world
    booked = ok(medoffice_cli("appointments", "book", w.ann, "--provider", str(w.adams), "--type", "Check-up",
                              "--at", "2030-03-12 09:00", "--note", "cough", user="frontdesk"))
    assert booked.stdout == ("booked appointment 1: Lee, Ann (000001) with Dr Adams, Tue 2030-03-12 09:00-09:30 "
                             "Check-up at Main (booked)\n")
    moved = ok(medoffice_cli("appointments", "move", "1", "--at", "2030-03-12 10:00", "--json", user="frontdesk"))
    view = moved.json()
    assert (view["start"], view["end"], view["status"]) == ("2030-03-12T10:00:00-04:00", "2030-03-12T10:30:00-04:00",
                                                            "booked")
    cli_clock("2030-03-12 09:55")  # the patient arrives on the day
    for command, status in (("check-in", "arrived"), ("room", "in_room"), ("complete", "completed")):
        extra = ["--room", "Exam 2"] if command == "room" else []
        assert ok(medoffice_cli("appointments", command, "1", *extra, "--json", user="frontdesk")).json()[
            "status"] == status
    (listed,) = ok(medoffice_cli("appointments", "list", w.ann, "--json", user="billing")).json()
    assert (listed["room"], listed["status"], listed["note"]) == ("Exam 2", "completed", "cough")
    board = ok(medoffice_cli("appointments", "day", "2030-03-12", user="billing")).stdout.splitlines()
    assert board[0].split()[:4] == ["id", "start", "end", "patient"]
    assert board[1].startswith("1   10:00  10:30  Lee, Ann")


def test_a_taken_slot_is_one_line_exit_1_and_a_manager_may_overbook(medoffice_cli, cli_world):
    w = cli_world
    ok(medoffice_cli("appointments", "book", w.ann, "--provider", str(w.adams), "--type", "Check-up",
                     "--at", "2030-03-12 09:00", user="frontdesk"))
    taken = medoffice_cli("appointments", "book", w.bo, "--provider", str(w.adams), "--type", "Check-up",
                          "--at", "2030-03-12 09:15", user="frontdesk")
    assert (taken.exit_code, taken.stdout) == (1, "")
    assert taken.stderr == "error: slot taken: Dr Adams is booked 09:00-09:30 for Ann Lee's Check-up\n"
    over = ok(medoffice_cli("appointments", "book", w.bo, "--provider", str(w.adams), "--type", "Check-up",
                            "--at", "2030-03-12 09:15", "--overbook", "urgent", "--json", user="manager"))
    assert over.json()["overbooked"] is True
    assert len(ok(medoffice_cli("appointments", "day", "2030-03-12", "--json")).json()) == 2


def test_cancel_and_no_show(medoffice_cli, cli_world, cli_clock):
    w = cli_world
    for mrn, at in ((w.ann, "09:00"), (w.bo, "10:00")):
        ok(medoffice_cli("appointments", "book", mrn, "--provider", str(w.adams), "--type", "Check-up",
                         "--at", f"2030-03-12 {at}", user="frontdesk"))
    missing = medoffice_cli("appointments", "cancel", "1", user="frontdesk")
    assert missing.exit_code == 2 and "--reason" in missing.stderr
    assert ok(medoffice_cli("appointments", "cancel", "1", "--reason", "snow", "--json",
                            user="frontdesk")).json()["cancel_reason"] == "snow"
    cli_clock("2030-03-12 10:20")  # 20 minutes after the second one's start
    result = ok(medoffice_cli("appointments", "no-show", "2", user="frontdesk"))
    assert result.stdout.startswith("no-show for appointment 2:") and result.stdout.endswith("(no show)\n")


@pytest.mark.parametrize(("now", "command", "message"), [
    ("2030-03-11 16:00", "check-in", "Ann Lee's 09:00 appointment is on Tue 2030-03-12, not today (Mon 2030-03-11): "
                                     "a patient is checked in only on the day of the appointment"),
    ("2030-03-13 08:00", "check-in", "Ann Lee's 09:00 appointment is on Tue 2030-03-12, not today (Wed 2030-03-13): "
                                     "a patient is checked in only on the day of the appointment"),
    ("2030-03-12 09:14", "no-show", "Ann Lee's 09:00 appointment starts at 09:00: a no-show may be marked from 09:15 "
                                    "(15 minutes' grace for a late patient)"),
])
def test_a_step_on_the_wrong_day_or_too_early_is_one_line_exit_1(medoffice_cli, cli_world, cli_clock, now, command,
                                                                  message):
    """Tomorrow's patient who turns up today is not checked in (book them again, or move the
    appointment); a patient is not missing before their time and the practice's grace."""
    ok(medoffice_cli("appointments", "book", cli_world.ann, "--provider", str(cli_world.adams), "--type", "Check-up",
                     "--at", "2030-03-12 09:00", user="frontdesk"))
    cli_clock(now)
    result = medoffice_cli("appointments", command, "1", user="frontdesk")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
    (kept,) = ok(medoffice_cli("appointments", "list", cli_world.ann, "--json")).json()
    assert kept["status"] == "booked"


@pytest.mark.parametrize(("args", "message"), [
    (["--at", "2030-02-30 09:00"], "start must be a real date and time as YYYY-MM-DD HH:MM, got '2030-02-30 09:00'"),
    (["--at", "2030-03-16 09:00"], "Dr Adams is not available Sat 2030-03-16 09:00-09:30 (outside their availability)"),
    (["--at", "2030-03-10 02:30"], "2030-03-10 02:30 does not exist in America/New_York (the clocks skip it)"),
])
def test_bad_bookings_are_one_line_exit_1_and_nothing_written(medoffice_cli, cli_world, args, message):
    w = cli_world
    result = medoffice_cli("appointments", "book", w.ann, "--provider", str(w.adams), "--type", "Check-up", *args,
                           user="frontdesk")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
    assert ok(medoffice_cli("appointments", "list", w.ann, "--json")).json() == []


def test_usage_errors_exit_2(medoffice_cli, cli_world):
    assert medoffice_cli("appointments", "check-in", "first", user="frontdesk").exit_code == 2
    assert medoffice_cli("appointments", "book", cli_world.ann, user="frontdesk").exit_code == 2
    assert medoffice_cli("appointments", "slots", "--type", "Check-up", "--limit", "0").exit_code == 2


def test_slots_from_the_shell(medoffice_cli, cli_world):
    w = cli_world
    found = ok(medoffice_cli("appointments", "slots", "--type", "Long", "--provider", str(w.baker), "--from",
                             "2030-03-11", "--to", "2030-03-13", "--json", user="frontdesk")).json()
    assert [(s["start"], s["location"]) for s in found] == [
        ("2030-03-11T08:00:00-04:00", "North"), ("2030-03-12T09:00:00-04:00", "Main"),
        ("2030-03-13T08:00:00-04:00", "North")]
    table = ok(medoffice_cli("appointments", "slots", "--type", "Long", "--provider", str(w.baker), "--from",
                             "2030-03-11", "--limit", "1")).stdout.splitlines()
    assert table == ["start                 end    provider  provider id  location",
                     f"Mon 2030-03-11 08:00  10:00  Dr Baker  {w.baker:<11}  North"]


def test_the_groups_are_listed_in_help(medoffice_cli):
    result = ok(medoffice_cli("--help", user=None))
    assert "appointments" in result.stdout and "schedule" in result.stdout
