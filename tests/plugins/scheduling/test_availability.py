"""When a provider is open: templates minus exceptions, closures, public holidays and time off.

The world (conftest.py): now is Monday 2026-01-05 07:00 in New York. Dr Adams works Mon-Fri
09:00-12:00 and 13:00-17:00 at Main; Dr Baker Mon and Wed 08:00-10:00 at North, Tue
09:00-12:00 at Main.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from medoffice.core import audit
from medoffice.core.errors import PermissionDenied, ValidationError
from medoffice.plugins.scheduling import appointment_lists, availability, availability_rules, booking, slots
from medoffice.plugins.scheduling.models import AvailabilityException, Closure, Setting

pytestmark = pytest.mark.medoffice_plugins("scheduling", "staff")

NEW_YORK = ZoneInfo("America/New_York")


def act(practice, fn, *args, user="manager", **options):
    with practice.operation(user) as ctx:
        return fn(ctx, *args, **options)


def find(practice, type_name, first, last=None, **options):
    with practice.operation("frontdesk", write=False) as ctx:
        found = slots.find_slots(ctx, type_name, first, last, limit=options.pop("limit", 200), **options)
    return [(f"{s.start:%a %m-%d %H:%M}", s.provider) for s in found]


def starts(found, day):
    return [when.split()[-1] for when, _ in found if when.split()[1] == day]


def book(practice, mrn, provider, at, *, type_name="Check-up", user="frontdesk", **options):
    with practice.operation(user) as ctx:
        return booking.book(ctx, mrn, provider, type_name, at, **options)


def time_off(practice, staff_id, first, last, status="approved"):
    """Time off as the office manager enters it in the staff plugin (``medoffice rota
    time-off``), approved unless ``status`` says otherwise: scheduling only ever asks the
    staff role about it."""
    from medoffice.plugins.staff import time_off as leave

    with practice.operation("manager") as ctx:
        asked = leave.request(ctx, first, last, staff_id=staff_id)
        if status == "approved":
            leave.approve(ctx, asked.id)


class TestOpenSpans:
    def test_a_day_is_the_template_minus_exceptions(self, medoffice_practice, world):
        act(medoffice_practice, availability_rules.add_exception, world.adams, "meeting", "2026-01-06 10:00",
            "2026-01-06 11:00", reason="budget")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            calendar = availability.load(ctx, dt.date(2026, 1, 6), dt.date(2026, 1, 6), [world.adams])
            spans = [(f"{ctx.local(s.start):%H:%M}", f"{ctx.local(s.end):%H:%M}") for s in calendar.spans_on(
                dt.date(2026, 1, 6))]
        assert spans == [("09:00", "10:00"), ("11:00", "12:00"), ("13:00", "17:00")]

    def test_closures_holidays_and_approved_time_off_close_whole_days(self, medoffice_practice, world):
        act(medoffice_practice, availability_rules.add_closure, "2026-01-07", reason="flooded", location="North")
        act(medoffice_practice, availability_rules.set_holidays, "US")
        time_off(medoffice_practice, world.adams, dt.date(2026, 1, 8), dt.date(2026, 1, 8))
        time_off(medoffice_practice, world.adams, dt.date(2026, 1, 9), dt.date(2026, 1, 9), status="requested")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            spans = availability.load(ctx, dt.date(2026, 1, 5), dt.date(2026, 1, 19)).open_spans()
        days = {who: sorted({s.start.astimezone(NEW_YORK).date().isoformat() for s in found})
                for who, found in spans.items()}
        assert days[world.baker] == ["2026-01-05", "2026-01-06", "2026-01-12", "2026-01-13", "2026-01-14"]
        assert "2026-01-07" in days[world.adams]      # only North is closed that Wednesday
        assert "2026-01-08" not in days[world.adams]  # approved time off
        assert "2026-01-09" in days[world.adams]      # a request is not time off yet
        assert "2026-01-19" not in days[world.adams]  # Martin Luther King Jr. Day

    def test_the_rules_cost_the_same_few_queries_for_a_day_or_a_year(self, medoffice_practice, world):
        act(medoffice_practice, availability_rules.set_holidays, "US")
        act(medoffice_practice, availability_rules.add_closure, "2026-03-02", "2026-03-06", reason="move")
        engine = medoffice_practice.runtime.engine
        counts = []
        for last in (dt.date(2026, 1, 5), dt.date(2026, 1, 5), dt.date(2026, 12, 31)):
            statements = []
            with medoffice_practice.operation("frontdesk", write=False) as ctx:
                ctx.practice  # noqa: B018  (loaded once per operation)
                listener = lambda *_a: statements.append(1)  # noqa: E731
                event.listen(engine, "before_cursor_execute", listener)
                try:
                    availability.load(ctx, dt.date(2026, 1, 5), last).open_spans()
                finally:
                    event.remove(engine, "before_cursor_execute", listener)
            counts.append(len(statements))
        # The first reads the templates, closures, holiday setting, exceptions and the staff
        # plugin's approved time off (and, once per terminal, that the plugin's set-up
        # generation, the exceptions' and the staff plugin's exist, and what they are); after
        # that they are kept in memory (ctx.practice read the generations), and a day or a
        # year costs no statement.
        assert counts[0] <= 11
        assert counts[1:] == [0, 0]


class TestTheSlotFinder:
    def test_an_exception_hides_its_slots_and_removing_it_brings_them_back(self, medoffice_practice, world):
        added = act(medoffice_practice, availability_rules.add_exception, world.adams, "meeting", "2026-01-06 10:00",
                    "2026-01-06 11:00")
        found = find(medoffice_practice, "Check-up", "2026-01-06", "2026-01-06", provider_id=world.adams)
        assert starts(found, "01-06")[:4] == ["09:00", "09:30", "11:00", "11:30"]
        act(medoffice_practice, availability_rules.remove_exception, added.id)
        found = find(medoffice_practice, "Check-up", "2026-01-06", "2026-01-06", provider_id=world.adams)
        assert starts(found, "01-06")[:4] == ["09:00", "09:30", "10:00", "10:30"]

    def test_a_whole_day_exception_and_time_off_hide_the_provider_only(self, medoffice_practice, world):
        act(medoffice_practice, availability_rules.add_exception, world.baker, "training", "2026-01-05")
        time_off(medoffice_practice, world.adams, dt.date(2026, 1, 7), dt.date(2026, 1, 7))
        found = find(medoffice_practice, "Long", "2026-01-05", "2026-01-07")
        assert {who for when, who in found if "01-05" in when} == {"Dr Adams"}
        assert {who for when, who in found if "01-07" in when} == {"Dr Baker"}

    def test_a_closure_of_one_location_and_of_the_practice(self, medoffice_practice, world):
        act(medoffice_practice, availability_rules.add_closure, "2026-01-05", reason="no heating", location="North")
        act(medoffice_practice, availability_rules.add_closure, "2026-01-06", reason="staff training")
        found = find(medoffice_practice, "Long", "2026-01-05", "2026-01-06")
        assert {who for when, who in found if "01-05" in when} == {"Dr Adams"}  # Main is open
        assert [when for when, _ in found if "01-06" in when] == []

    def test_public_holidays_hide_slots_when_set_and_not_when_cleared(self, medoffice_practice, world):
        def days():
            return {when.split()[1] for when, _ in find(medoffice_practice, "Long", "2026-01-16", "2026-01-20",
                                                       provider_id=world.adams)}

        assert days() == {"01-16", "01-18", "01-19", "01-20"}  # Dr Adams works Sunday nights too
        act(medoffice_practice, availability_rules.set_holidays, "us")
        assert days() == {"01-16", "01-18", "01-20"}  # Martin Luther King Jr. Day
        assert find(medoffice_practice, "Long", "2026-05-25", "2026-05-25") == []  # Memorial Day
        act(medoffice_practice, availability_rules.clear_holidays)
        assert days() == {"01-16", "01-18", "01-19", "01-20"}
        assert find(medoffice_practice, "Long", "2026-05-25", "2026-05-25") != []


class TestBookingRefusals:
    def test_a_closure_is_refused_even_to_a_manager_overbooking(self, medoffice_practice, world):
        act(medoffice_practice, availability_rules.add_closure, "2026-01-06", reason="staff training")
        for user, options in (("frontdesk", {}), ("manager", {"overbook_reason": "urgent"})):
            with pytest.raises(ValidationError, match=r"^Main is closed on Tue 2026-01-06 \(staff training\)$"):
                book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", user=user, **options)

    def test_a_public_holiday_is_a_closure(self, medoffice_practice, world):
        act(medoffice_practice, availability_rules.set_holidays, "US")
        message = r"^Main is closed on Mon 2026-01-19 \(public holiday: Martin Luther King Jr. Day\)$"
        with pytest.raises(ValidationError, match=message):
            book(medoffice_practice, world.ann, world.adams, "2026-01-19 09:00")

    def test_an_exception_is_refused_and_a_manager_may_override_it_with_a_reason(self, medoffice_practice, world):
        act(medoffice_practice, availability_rules.add_exception, world.adams, "leave", "2026-01-06 09:00",
            "2026-01-06 12:00", reason="dentist")
        with pytest.raises(ValidationError, match=r"^Dr Adams is away Tue 2026-01-06 09:00-12:00 \(leave: dentist\) "
                                                  r"\(a manager may overbook with a reason\)$"):
            book(medoffice_practice, world.ann, world.adams, "2026-01-06 10:00")
        record = book(medoffice_practice, world.ann, world.adams, "2026-01-06 10:00", user="manager",
                      overbook_reason="she agreed to come in")
        with medoffice_practice.operation("admin", write=False) as ctx:
            (entry,) = [e for e in audit.iter_entries(ctx.session, action="appointment.booked")
                        if e.entity_id == str(record.id)]
        assert entry.summary["overrides"] == ["Dr Adams is away Tue 2026-01-06 09:00-12:00 (leave: dentist)"]
        assert entry.summary["overbook_reason"] == "she agreed to come in"
        assert "overbooked" not in entry.summary  # it still holds its slot

    def test_approved_time_off_is_refused_for_a_booking_and_a_move(self, medoffice_practice, world):
        record = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        time_off(medoffice_practice, world.adams, dt.date(2026, 1, 8), dt.date(2026, 1, 9))
        message = r"^Dr Adams has approved time off on Thu 2026-01-08 \(cancel or change the time off to book that day\)$"
        with pytest.raises(ValidationError, match=message):
            book(medoffice_practice, world.bo, world.adams, "2026-01-08 09:00")
        with pytest.raises(ValidationError, match=message):
            act(medoffice_practice, booking.move, record.id, "2026-01-08 09:00", user="frontdesk")

    def test_leave_is_asked_of_the_staff_role_once_for_a_whole_search(self, medoffice_practice, world):
        """The slot finder asks ``StaffService.days_off`` one question for the range and its
        providers, not one per provider and day."""
        time_off(medoffice_practice, world.adams, dt.date(2026, 1, 7), dt.date(2026, 1, 7))
        asked = []
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            service = ctx.role_service("staff")
            original = type(service).days_off

            def counting(self, ctx, staff_ids, first, last):
                asked.append((sorted(staff_ids), first, last))
                return original(self, ctx, staff_ids, first, last)

            type(service).days_off = counting
            try:
                found = slots.find_slots(ctx, "Long", "2026-01-05", "2026-01-09", limit=200)
            finally:
                type(service).days_off = original
        assert len(asked) == 1 and asked[0][0] == sorted([world.adams, world.baker])
        assert not any(f"{s.start:%m-%d}" == "01-07" and s.provider == "Dr Adams" for s in found)


@pytest.mark.medoffice_plugins("scheduling")
class TestWithoutAStaffPlugin:
    """A practice that runs scheduling alone has no leave to honour: booking and the slot
    finder go on without asking."""

    def test_slots_and_bookings_need_no_staff_role(self, medoffice_practice, world):
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert ctx.role_service("staff") is None
            assert availability.leave(ctx, dt.date(2026, 1, 5), dt.date(2026, 1, 9), None, {}) == {}
        assert starts(find(medoffice_practice, "Check-up", "2026-01-07", "2026-01-07",
                           provider_id=world.adams), "01-07")[:2] == ["09:00", "09:30"]
        record = book(medoffice_practice, world.ann, world.adams, "2026-01-07 09:00")
        assert record.status == "booked"

    def test_a_provider_not_allowed_to_take_the_type(self, medoffice_practice, world):
        from medoffice.plugins.scheduling import resources

        act(medoffice_practice, resources.set_type_providers, "Check-up", [world.baker])
        with pytest.raises(ValidationError, match=r"^Dr Adams does not take 'Check-up' appointments "
                                                  r"\(who does: Dr Baker\)$"):
            book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        book(medoffice_practice, world.ann, world.baker, "2026-01-06 09:00")
        assert {who for _, who in find(medoffice_practice, "Check-up", "2026-01-05", "2026-01-09")} == {"Dr Baker"}
        with pytest.raises(ValidationError, match="Dr Adams does not take 'Check-up'"):
            find(medoffice_practice, "Check-up", "2026-01-05", provider_id=world.adams)


class TestExceptionsAndClosures:
    def test_an_exception_over_bookings_reports_them_and_cancels_nothing(self, medoffice_practice, world):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-12 09:00")
        book(medoffice_practice, world.bo, world.adams, "2026-01-19 09:00")
        added = act(medoffice_practice, availability_rules.add_exception, world.adams, "leave", "2026-01-12",
                    "2026-01-16", reason="conference")
        assert (f"{added.start:%Y-%m-%d %H:%M}", f"{added.end:%Y-%m-%d %H:%M}") == ("2026-01-12 00:00",
                                                                                  "2026-01-17 00:00")
        assert [(a.id, a.status) for a in added.affected] == [(first.id, "booked")]
        with medoffice_practice.operation("admin", write=False) as ctx:
            (entry,) = audit.iter_entries(ctx.session, action="availability_exception.added")
            assert appointment_lists.day(ctx, "2026-01-12")[0].status == "booked"
        assert entry.summary["affected_appointments"] == [first.id]

    def test_a_closure_over_bookings_reports_those_of_its_location(self, medoffice_practice, world):
        at_main = book(medoffice_practice, world.ann, world.adams, "2026-01-07 09:00")
        book(medoffice_practice, world.bo, world.baker, "2026-01-07 08:00")  # North
        added = act(medoffice_practice, availability_rules.add_closure, "2026-01-07", reason="burst pipe",
                    location="Main")
        assert [a.id for a in added.affected] == [at_main.id]
        whole = act(medoffice_practice, availability_rules.add_closure, "2026-01-07", reason="snow")
        assert len(whole.affected) == 2

    def test_lists_start_today_and_removal_is_audited(self, medoffice_practice, world):
        act(medoffice_practice, availability_rules.add_exception, world.adams, "other", "2026-01-02")  # the past
        kept = act(medoffice_practice, availability_rules.add_exception, world.baker, "meeting", "2026-01-07 08:00",
                   "2026-01-07 09:00")
        act(medoffice_practice, availability_rules.add_closure, "2026-01-01", reason="New Year")
        christmas = act(medoffice_practice, availability_rules.add_closure, "2026-12-24", "2026-12-26",
                        reason="Christmas")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert [e.id for e in availability_rules.list_exceptions(ctx)] == [kept.id]
            assert [c.id for c in availability_rules.list_closures(ctx)] == [christmas.id]
            assert len(availability_rules.list_closures(ctx, first="2025-12-01")) == 2
        act(medoffice_practice, availability_rules.remove_closure, christmas.id)
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert availability_rules.list_closures(ctx) == []
            (entry,) = audit.iter_entries(ctx.session, action="closure.removed")
        assert entry.summary == {"location": None, "first_day": "2026-12-24", "last_day": "2026-12-26"}

    def test_the_front_desk_reads_the_rules_but_may_not_change_them(self, medoffice_practice, world):
        with pytest.raises(PermissionDenied, match="scheduling.manage"):
            act(medoffice_practice, availability_rules.add_closure, "2026-01-07", reason="x", user="frontdesk")
        with pytest.raises(PermissionDenied, match="scheduling.manage"):
            act(medoffice_practice, availability_rules.set_holidays, "US", user="frontdesk")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert availability_rules.holiday_setting(ctx).country is None


# -- the command line ------------------------------------------------------------------------


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def test_rules_from_the_shell(medoffice_cli, cli_world):
    w = cli_world
    ok(medoffice_cli("appointments", "book", w.ann, "--provider", str(w.adams), "--type", "Check-up",
                     "--at", "2030-03-12 09:00", user="frontdesk"))
    added = ok(medoffice_cli("schedule", "exceptions", "add", "--provider", str(w.adams), "--kind", "leave",
                             "--from", "2030-03-11", "--to", "2030-03-15", "--reason", "conference", user="manager"))
    assert added.stdout.splitlines() == [
        "added exception 1: Dr Adams leave Mon 2030-03-11 to Fri 2030-03-15 (whole days) (conference)",
        "1 appointment fall in it and should be moved (medoffice appointments move ID --at …):",
        "  1: Tue 2030-03-12 09:00-09:30 (booked)"]
    (listed,) = ok(medoffice_cli("schedule", "exceptions", "list", "--provider", str(w.adams), "--json")).json()
    assert (listed["start"], listed["end"], listed["kind"]) == ("2030-03-11T00:00:00-04:00",
                                                                "2030-03-16T00:00:00-04:00", "leave")
    closure = ok(medoffice_cli("schedule", "closures", "add", "--from", "2030-03-18", "--location", "North",
                               "--reason", "painting", "--json", user="manager")).json()
    assert (closure["location"], closure["first_day"], closure["last_day"], closure["affected"]) == (
        "North", "2030-03-18", "2030-03-18", [])
    assert ok(medoffice_cli("schedule", "closures", "remove", "1", user="manager")).stdout == (
        "removed closure 1: North Mon 2030-03-18\n")
    shown = ok(medoffice_cli("schedule", "holidays", "set", "US", "--subdivision", "ny", "--json",
                             user="manager")).json()
    assert (shown["country"], shown["subdivision"]) == ("US", "NY")
    assert "Martin Luther King Jr. Day" in {h["name"] for h in shown["days"]}
    assert ok(medoffice_cli("schedule", "holidays", "clear", user="manager")).stdout == (
        "public holidays: not observed\n")
    assert ok(medoffice_cli("schedule", "holidays", "show", "--json")).json() == {
        "country": None, "subdivision": None, "days": []}


def _counts(practice):
    from medoffice.plugins.scheduling.models import Resource, TypeProvider, TypeResource

    with practice.operation("admin", write=False) as ctx:
        return [ctx.session.scalar(select(func.count()).select_from(table)) for table in
                (AvailabilityException, Closure, Setting, Resource, TypeProvider, TypeResource)]


@pytest.mark.parametrize(("user", "args", "message"), [
    ("manager", ["exceptions", "add", "--provider", "1", "--kind", "leave", "--from", "2030-03-12 12:00", "--to",
                 "2030-03-12 09:00"], "the end (2030-03-12 09:00) must be after the start (2030-03-12 12:00)"),
    ("manager", ["exceptions", "add", "--provider", "1", "--kind", "holiday", "--from", "2030-03-12 12:00", "--to",
                 "2030-03-12 09:00"], "kind must be one of leave, meeting, training, other, got 'holiday'; "
                                      "the end (2030-03-12 09:00) must be after the start (2030-03-12 12:00)"),
    ("manager", ["exceptions", "add", "--provider", "99", "--kind", "leave", "--from", "2030-03-12"],
     "no provider with staff id 99"),
    ("manager", ["exceptions", "add", "--provider", "1", "--kind", "leave", "--from", "2030-02-30"],
     "from must be a real date (YYYY-MM-DD) or date and time (YYYY-MM-DD HH:MM), got '2030-02-30'"),
    ("manager", ["exceptions", "remove", "99"], "no exception with id 99"),
    ("frontdesk", ["exceptions", "add", "--provider", "1", "--kind", "leave", "--from", "2030-03-12"],
     "user 'frontdesk' lacks the permission 'scheduling.manage'"),
    ("manager", ["closures", "add", "--from", "2030-03-12", "--to", "2030-03-10", "--reason", "x"],
     "the last day (2030-03-10) is before the first (2030-03-12)"),
    ("manager", ["closures", "add", "--from", "2030-02-30", "--reason", "x"],
     "from must be a real date as YYYY-MM-DD, got '2030-02-30'"),
    ("manager", ["closures", "add", "--from", "2030-03-12", "--reason", "  "], "reason is required"),
    ("manager", ["closures", "add", "--from", "2030-03-12", "--location", "Attic", "--reason", "x"],
     "no location named 'Attic' (known: Main, North)"),
    ("manager", ["holidays", "set", "XX"], "no public holidays known for country 'XX' (use an ISO code such as US, "
                                           "CA, GB)"),
    ("manager", ["holidays", "set", "US", "--subdivision", "ZZ"], "US has no subdivision 'ZZ' (known: "),
    ("manager", ["types", "providers", "Check-up", "--set", "1,99"], "no provider with staff id 99"),
    ("manager", ["types", "providers", "Massage", "--set", "1"], "no appointment type named 'Massage'"),
    ("manager", ["types", "needs", "Check-up", "--room", "--equipment", "Laser"],
     "no resource named 'Laser' (known: none yet)"),
    ("manager", ["resources", "add", " ", "--location", "Main"], "name is required"),
])
def test_bad_rules_are_one_line_exit_1_and_nothing_written(medoffice_cli, medoffice_practice, cli_world, user,
                                                           args, message):
    before = _counts(medoffice_practice)
    result = medoffice_cli("schedule", *args, user=user)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"error: {message}") and result.stderr.count("\n") == 1
    assert _counts(medoffice_practice) == before


def test_a_closed_day_refuses_a_booking_from_the_shell(medoffice_cli, cli_world):
    w = cli_world
    ok(medoffice_cli("schedule", "closures", "add", "--from", "2030-03-12", "--reason", "inspection",
                     user="manager"))
    result = medoffice_cli("appointments", "book", w.ann, "--provider", str(w.adams), "--type", "Check-up",
                           "--at", "2030-03-12 09:00", user="frontdesk")
    assert (result.exit_code, result.stderr) == (1, "error: Main is closed on Tue 2030-03-12 (inspection)\n")
    assert ok(medoffice_cli("appointments", "slots", "--type", "Check-up", "--from", "2030-03-12", "--to",
                            "2030-03-12", "--json")).json() == []

