"""The day's flow (day_flow.py): which step may be taken when, the practice's grace period
before a no-show, one patient per room, and the undo of the last step.

The service stories run on the ``world`` of conftest.py (America/New_York; Dr Adams works
09:00-12:00 at Main, rooms Exam 1 and Exam 2); ``practice_clock`` sets the desk's time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from medoffice.core import PluginInfo, audit, hookimpl
from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.plugins.scheduling import appointment_lists, booking, day_flow

pytestmark = pytest.mark.medoffice_plugins("scheduling")

NEW_YORK = ZoneInfo("America/New_York")
START = dt.datetime(2026, 1, 6, 9, 0, tzinfo=NEW_YORK)  # Tuesday 09:00
UTC = dt.timezone.utc
WHO = "Ann Lee's 09:00 appointment"
GRACE = dt.timedelta(minutes=15)


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


def book(practice, mrn, provider, at, kind="Check-up", user="frontdesk", **options):
    with practice.operation(user) as ctx:
        return booking.book(ctx, mrn, provider, kind, at, **options)


def act(practice, fn, *args, user="frontdesk", **options):
    with practice.operation(user) as ctx:
        return fn(ctx, *args, **options)


def stored(practice, mrn):
    with practice.operation("admin", write=False) as ctx:
        return appointment_lists.list_for_patient(ctx, mrn)


def entries(practice, action):
    with practice.operation("admin", write=False) as ctx:
        return list(audit.iter_entries(ctx.session, action=action))


# -- the rules, without a database -----------------------------------------------------------


@pytest.mark.parametrize(("kind", "now", "may"), [
    ("checked_in", "2026-01-05 23:59", False),
    ("checked_in", "2026-01-06 00:00", True),
    ("checked_in", "2026-01-06 09:02", True),
    ("checked_in", "2026-01-06 23:59", True),
    ("checked_in", "2026-01-07 00:00", False),
    ("roomed", "2026-01-06 12:00", True),
    ("roomed", "2026-01-07 09:00", False),
    ("no_show", "2026-01-06 09:00", False),
    ("no_show", "2026-01-06 09:14", False),
    ("no_show", "2026-01-06 09:15", True),
    ("no_show", "2026-01-09 09:00", True),
    ("completed", "2026-01-05 23:59", False),
    ("completed", "2026-01-06 00:00", True),
    ("completed", "2026-01-20 10:00", True),
    ("cancelled", "2025-12-01 10:00", True),
    ("cancelled", "2026-02-01 10:00", True),
])
def test_each_step_has_its_moment(kind, now, may):
    assert (day_flow.refusal(kind, WHO, START, local(now), NEW_YORK, GRACE) is None) is may


def test_a_refusal_is_one_line_in_the_desks_words():
    message = day_flow.refusal("completed", WHO, START, local("2026-01-05 10:00"), NEW_YORK)
    assert message == "Ann Lee's 09:00 appointment is on Tue 2026-01-06: it cannot be done before its day"


def test_a_no_show_refusal_says_from_when_it_may_be_marked():
    message = day_flow.refusal("no_show", WHO, START, local("2026-01-06 09:02"), NEW_YORK, dt.timedelta(minutes=10))
    assert message == ("Ann Lee's 09:00 appointment starts at 09:00: a no-show may be marked from 09:10 "
                       "(10 minutes' grace for a late patient)")


@pytest.mark.parametrize(("kind", "status", "may"), [
    ("checked_in", "booked", True), ("checked_in", "no_show", True), ("checked_in", "arrived", False),
    ("roomed", "arrived", True), ("roomed", "booked", False), ("completed", "in_room", True),
    ("completed", "arrived", True), ("completed", "booked", False), ("no_show", "arrived", False),
    ("cancelled", "arrived", True), ("cancelled", "completed", False),
])
def test_each_step_starts_from_its_statuses(kind, status, may):
    assert (day_flow.status_refusal(kind, WHO, status) is None) is may


def test_a_status_refusal_says_the_status_as_the_desk_does():
    assert day_flow.status_refusal("roomed", WHO, "no_show") == \
        "Ann Lee's 09:00 appointment is marked as a no-show and cannot be roomed"


def test_the_board_offers_a_step_only_when_status_and_moment_both_allow_it():
    on_the_day = local("2026-01-06 08:30")
    assert day_flow.allowed("checked_in", "booked", START, on_the_day, NEW_YORK)
    assert not day_flow.allowed("checked_in", "arrived", START, on_the_day, NEW_YORK)
    assert not day_flow.allowed("no_show", "booked", START, on_the_day, NEW_YORK)


# -- the steps, through the service ----------------------------------------------------------


class TestTheDaysFlow:
    def test_check_in_room_complete_records_times_and_waiting(self, medoffice_practice, world):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        times = iter([dt.datetime(2026, 1, 6, 13, 50, tzinfo=UTC), dt.datetime(2026, 1, 6, 14, 5, tzinfo=UTC),
                      dt.datetime(2026, 1, 6, 14, 40, tzinfo=UTC)])
        for step in (day_flow.check_in, lambda ctx, i: day_flow.room(ctx, i, "Exam 2"), day_flow.complete):
            medoffice_practice.runtime.clock = lambda moment=next(times): moment
            record = act(medoffice_practice, step, first.id)
        assert record.status == "completed"
        (view,) = stored(medoffice_practice, world.ann)
        assert (view.room, view.waiting_minutes, f"{view.arrived_at:%H:%M}") == ("Exam 2", 15, "08:50")
        assert [len(entries(medoffice_practice, f"appointment.{a}")) for a in ("checked_in", "roomed", "completed")] \
            == [1, 1, 1]

    def test_steps_out_of_order_are_conflicts_named_as_the_desk_says_them(self, medoffice_practice, world,
                                                                          practice_clock):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 09:20")
        with pytest.raises(Conflict, match="^Ann Lee's 09:00 appointment is booked and cannot be done$"):
            act(medoffice_practice, day_flow.complete, first.id)
        with pytest.raises(Conflict, match="cannot be roomed"):
            act(medoffice_practice, day_flow.room, first.id)
        act(medoffice_practice, day_flow.no_show, first.id)
        with pytest.raises(Conflict, match="^Ann Lee's 09:00 appointment is marked as a no-show and cannot be "
                                           "roomed$"):
            act(medoffice_practice, day_flow.room, first.id)

    @pytest.mark.parametrize(("now", "message"), [
        ("2026-01-05 16:00", "Ann Lee's 09:00 appointment is on Tue 2026-01-06, not today (Mon 2026-01-05): a patient "
                             "is checked in only on the day of the appointment"),
        ("2026-01-07 08:00", "Ann Lee's 09:00 appointment is on Tue 2026-01-06, not today (Wed 2026-01-07): a patient "
                             "is checked in only on the day of the appointment"),
    ])
    def test_a_patient_is_checked_in_only_on_the_appointments_day(self, medoffice_practice, world, practice_clock,
                                                                   now, message):
        """The practice's local day counts, not UTC's: 23:30 in New York is already tomorrow in UTC."""
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock(now)
        with pytest.raises(ValidationError) as refused:
            act(medoffice_practice, day_flow.check_in, first.id)
        assert str(refused.value) == message and "\n" not in message
        assert [v.status for v in stored(medoffice_practice, world.ann)] == ["booked"]
        practice_clock("2026-01-06 23:30")  # 04:30 UTC on the 7th, still the 6th at the desk
        assert act(medoffice_practice, day_flow.check_in, first.id).status == "arrived"

    def test_a_patient_is_roomed_on_the_day_and_the_visit_completed_later(self, medoffice_practice, world,
                                                                           practice_clock):
        """Left waiting past midnight, a patient cannot be roomed the next day; the visit can
        still be completed (documented after closing)."""
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 08:50")
        act(medoffice_practice, day_flow.check_in, first.id)
        practice_clock("2026-01-07 08:00")
        with pytest.raises(ValidationError, match="^Ann Lee's 09:00 appointment is on Tue 2026-01-06, not today .*: "
                                                  "a patient is roomed only on the day of the appointment$"):
            act(medoffice_practice, day_flow.room, first.id)
        assert act(medoffice_practice, day_flow.complete, first.id).status == "completed"

    def test_cancelling_needs_a_reason_and_keeps_it(self, medoffice_practice, world):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        with pytest.raises(ValidationError, match="reason is required"):
            act(medoffice_practice, booking.cancel, first.id, " ")
        act(medoffice_practice, booking.cancel, first.id, "feeling better")
        (view,) = stored(medoffice_practice, world.ann)
        assert (view.status, view.cancel_reason) == ("cancelled", "feeling better")
        (entry,) = entries(medoffice_practice, "appointment.cancelled")
        assert entry.summary == {"reason": "feeling better"}

    @pytest.mark.parametrize("appointment_id", [0, -1, True, "3", 2.0, None])
    @pytest.mark.parametrize("step", [day_flow.check_in, day_flow.room, day_flow.complete, day_flow.no_show,
                                      day_flow.undo])
    def test_an_appointment_id_is_a_positive_whole_number(self, medoffice_practice, world, appointment_id, step):
        with pytest.raises(ValidationError, match="positive whole number"):
            act(medoffice_practice, step, appointment_id)

    def test_an_unknown_appointment_is_not_found(self, medoffice_practice, world):
        with pytest.raises(NotFound, match="no appointment with id 42"):
            act(medoffice_practice, day_flow.undo, 42)

    def test_a_user_who_may_only_read_takes_no_step(self, medoffice_practice, world, practice_clock):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 08:50")
        for step in (day_flow.check_in, day_flow.undo):
            with pytest.raises(PermissionDenied):
                act(medoffice_practice, step, first.id, user="billing")


# -- the grace period ------------------------------------------------------------------------


class TestGrace:
    def test_a_late_patient_is_checked_in_within_the_grace_and_not_marked_missing(self, medoffice_practice, world,
                                                                                  practice_clock):
        """Two minutes late: the no-show is refused (it says from when), the check-in is taken."""
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 09:02")
        with pytest.raises(ValidationError, match=r"^Ann Lee's 09:00 appointment starts at 09:00: a no-show may be "
                                                  r"marked from 09:15 \(15 minutes' grace for a late patient\)$"):
            act(medoffice_practice, day_flow.no_show, first.id)
        assert act(medoffice_practice, day_flow.check_in, first.id).status == "arrived"

    def test_the_practice_sets_its_grace_and_every_terminal_follows_it(self, medoffice_practice, world,
                                                                        practice_clock):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        assert act(medoffice_practice, day_flow.grace_setting) == day_flow.GraceSetting(15, True)
        assert act(medoffice_practice, day_flow.set_grace, "5", user="manager") == day_flow.GraceSetting(5, False)
        (entry,) = entries(medoffice_practice, "scheduling.grace.set")
        assert entry.summary == {"minutes": 5, "before": 15} and entry.username == "manager"
        practice_clock("2026-01-06 09:04")
        with pytest.raises(ValidationError, match="from 09:05"):
            act(medoffice_practice, day_flow.no_show, first.id)
        practice_clock("2026-01-06 09:05")
        assert act(medoffice_practice, day_flow.no_show, first.id).status == "no_show"

    @pytest.mark.parametrize("minutes", ["-1", "1441", "ten", "", " ", "1.5", "1e3", None, True, 2.5, "٣"])
    def test_a_grace_that_is_not_whole_minutes_is_refused_and_nothing_changes(self, medoffice_practice, world,
                                                                              minutes):
        with pytest.raises(ValidationError, match="whole number of minutes from 0 to 1440"):
            act(medoffice_practice, day_flow.set_grace, minutes, user="manager")
        assert act(medoffice_practice, day_flow.grace_setting).default

    def test_only_a_manager_sets_the_grace(self, medoffice_practice, world):
        with pytest.raises(PermissionDenied):
            act(medoffice_practice, day_flow.set_grace, 20)

    def test_a_patient_marked_missing_who_comes_after_all_is_checked_in_that_day(self, medoffice_practice, world,
                                                                                 practice_clock):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 09:20")
        act(medoffice_practice, day_flow.no_show, first.id)
        practice_clock("2026-01-06 09:25")
        assert act(medoffice_practice, day_flow.check_in, first.id).status == "arrived"
        (entry,) = entries(medoffice_practice, "appointment.checked_in")
        assert entry.summary == {"after_no_show": True}

    def test_but_not_when_the_time_was_given_to_someone_else(self, medoffice_practice, world, practice_clock):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 09:20")
        act(medoffice_practice, day_flow.no_show, first.id)
        walk_in = book(medoffice_practice, world.cy, world.adams, "2026-01-06 09:00")  # the freed slot
        with pytest.raises(Conflict, match="^Ann Lee's 09:00 appointment's time was given away after the no-show: "
                                           "Cy Lee is booked 09:00-09:30 with Dr Adams$"):
            act(medoffice_practice, day_flow.check_in, first.id)
        assert [v.status for v in stored(medoffice_practice, world.ann)] == ["no_show"]
        assert walk_in.status == "booked"


# -- rooms -----------------------------------------------------------------------------------


def two_arrived(practice, world, practice_clock):
    """Ann at 09:00 and Bo at 09:30 with Dr Adams, both arrived at 09:25."""
    ann = book(practice, world.ann, world.adams, "2026-01-06 09:00")
    bo = book(practice, world.bo, world.adams, "2026-01-06 09:30")
    practice_clock("2026-01-06 08:55")
    act(practice, day_flow.check_in, ann.id)
    practice_clock("2026-01-06 09:25")
    act(practice, day_flow.check_in, bo.id)
    return ann, bo


class TestRooms:
    def test_a_room_someone_is_in_is_refused_naming_them(self, medoffice_practice, world, practice_clock):
        """Ann, late out of Exam 1 at 09:40, is still in it when Bo's turn comes."""
        ann, bo = two_arrived(medoffice_practice, world, practice_clock)
        act(medoffice_practice, day_flow.room, ann.id, "Exam 1")
        practice_clock("2026-01-06 09:40")
        with pytest.raises(Conflict, match=r"^Exam 1 is taken: Ann Lee is in it since 09:25 \(finish that visit "
                                           r"first, or share the room with a reason: needs scheduling.overbook\)$"):
            act(medoffice_practice, day_flow.room, bo.id, "exam 1")
        assert [v.status for v in stored(medoffice_practice, world.bo)] == ["arrived"]
        assert act(medoffice_practice, day_flow.room, bo.id, "Exam 2").status == "in_room"

    def test_a_manager_may_share_a_room_with_a_reason_which_is_audited(self, medoffice_practice, world,
                                                                        practice_clock):
        ann, bo = two_arrived(medoffice_practice, world, practice_clock)
        act(medoffice_practice, day_flow.room, ann.id, "Exam 1")
        with pytest.raises(PermissionDenied):
            act(medoffice_practice, day_flow.room, bo.id, "Exam 1", override_reason="mother and child")
        with pytest.raises(ValidationError, match="override reason is required"):
            act(medoffice_practice, day_flow.room, bo.id, "Exam 1", override_reason="  ", user="manager")
        act(medoffice_practice, day_flow.room, bo.id, "Exam 1", override_reason="mother and child", user="manager")
        (shared,) = [e for e in entries(medoffice_practice, "appointment.roomed") if e.entity_id == str(bo.id)]
        assert shared.summary["shared_with_appointment_id"] == ann.id
        assert shared.summary["override_reason"] == "mother and child"

    def test_sharing_a_room_booked_for_the_same_time_overbooks_it(self, medoffice_practice, world, practice_clock):
        """Ann (Dr Adams) and Bo (Dr Baker), both at 09:00: Ann is in Exam 1. The desk is told
        who is in it; a manager may share it, which marks Bo's appointment overbooked."""
        ann = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        bo = book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:00")
        practice_clock("2026-01-06 08:55")
        for appointment in (ann, bo):
            act(medoffice_practice, day_flow.check_in, appointment.id)
        act(medoffice_practice, day_flow.room, ann.id, "Exam 1")
        with pytest.raises(Conflict, match="^Exam 1 is taken: Ann Lee is in it since 08:55"):
            act(medoffice_practice, day_flow.room, bo.id, "Exam 1")
        act(medoffice_practice, day_flow.room, bo.id, "Exam 1", override_reason="interpreter", user="manager")
        (view,) = stored(medoffice_practice, world.bo)
        assert (view.room, view.status, view.overbooked) == ("Exam 1", "in_room", True)

    def test_a_visit_done_frees_its_room_for_the_rest_of_its_time(self, medoffice_practice, world, practice_clock):
        """Ann's Long visit holds Exam 1 until 11:00 as booked; done at 09:40, the room is
        Bo's at once (the database's guard agrees: sch0004)."""
        ann = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", "Long", room="Exam 1")
        bo = book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:30")
        practice_clock("2026-01-06 08:55")
        act(medoffice_practice, day_flow.check_in, ann.id)
        act(medoffice_practice, day_flow.room, ann.id)  # the room it was booked in
        practice_clock("2026-01-06 09:35")
        act(medoffice_practice, day_flow.check_in, bo.id)
        with pytest.raises(Conflict, match="^Exam 1 is taken: Ann Lee is in it since 08:55"):
            act(medoffice_practice, day_flow.room, bo.id, "Exam 1")
        practice_clock("2026-01-06 09:40")
        act(medoffice_practice, day_flow.complete, ann.id)
        assert act(medoffice_practice, day_flow.room, bo.id, "Exam 1").status == "in_room"
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            now_in = day_flow.occupants(ctx, "Main")
        assert {name: o.patient for name, o in now_in.items()} == {"Exam 1": "Bo Lee"}

    def test_a_room_booked_for_another_visit_now_is_refused_even_when_empty(self, medoffice_practice, world,
                                                                           practice_clock):
        ann = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", "Long", room="Exam 1")
        bo = book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:30")
        practice_clock("2026-01-06 09:35")
        act(medoffice_practice, day_flow.check_in, bo.id)
        with pytest.raises(Conflict, match="^Exam 1 is booked 09:00-11:00 for Ann Lee; choose another room$"):
            act(medoffice_practice, day_flow.room, bo.id, "Exam 1")
        assert ann.room_id is not None

    @pytest.mark.parametrize("how", ["no_show", "cancel"])
    def test_a_no_show_or_a_cancellation_frees_a_booked_room(self, medoffice_practice, world, practice_clock, how):
        ann = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", "Long", room="Exam 1")
        bo = book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:30")
        practice_clock("2026-01-06 09:35")
        if how == "no_show":
            act(medoffice_practice, day_flow.no_show, ann.id)
        else:
            act(medoffice_practice, booking.cancel, ann.id, "called")
        act(medoffice_practice, day_flow.check_in, bo.id)
        assert act(medoffice_practice, day_flow.room, bo.id, "Exam 1").room_id is not None


# -- undo ------------------------------------------------------------------------------------


class Refuser:
    """A plugin that acted on completions and cannot take them back."""

    plugin_info = PluginInfo(id="refuser", title="Refuser", api_version=1)

    def __init__(self) -> None:
        self.changes = []

    @hookimpl
    def medoffice_appointment_changed(self, ctx, change):
        self.changes.append(change)
        if change.kind == "undone" and change.reason == "completed" and self.refusing:
            raise Conflict("the visit's charges are posted; void them first")

    refusing = False


@pytest.fixture
def refuser():
    return Refuser()


@pytest.fixture
def medoffice_extra_plugins(refuser):
    return [refuser]


class TestUndo:
    def test_undo_of_a_check_in_puts_the_appointment_back_and_is_audited(self, medoffice_practice, world,
                                                                        practice_clock, refuser):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 08:50")
        act(medoffice_practice, day_flow.check_in, first.id)
        undone = act(medoffice_practice, day_flow.undo, first.id)
        assert (undone.step, undone.appointment.status) == ("checked_in", "booked")
        (view,) = stored(medoffice_practice, world.ann)
        assert (view.status, view.arrived_at) == ("booked", None)
        (entry,) = entries(medoffice_practice, "appointment.undone")
        assert entry.summary == {"undone": "checked_in", "status_before": "arrived", "status_after": "booked"}
        assert (entry.username, entry.entity_id) == ("frontdesk", str(first.id))
        change = refuser.changes[-1]
        assert (change.kind, change.reason, change.previous.status) == ("undone", "checked_in", "arrived")

    def test_undo_takes_back_only_the_last_step_one_at_a_time(self, medoffice_practice, world, practice_clock):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 08:50")
        for step in (day_flow.check_in, lambda ctx, i: day_flow.room(ctx, i, "Exam 1"), day_flow.complete):
            act(medoffice_practice, step, first.id)
        statuses = [act(medoffice_practice, day_flow.undo, first.id).appointment.status for _ in range(3)]
        assert statuses == ["in_room", "arrived", "booked"]
        with pytest.raises(Conflict, match="^Ann Lee's 09:00 appointment is booked: there is no step to undo$"):
            act(medoffice_practice, day_flow.undo, first.id)

    def test_undo_of_a_no_show_takes_the_slot_back(self, medoffice_practice, world, practice_clock):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 09:20")
        act(medoffice_practice, day_flow.no_show, first.id)
        assert act(medoffice_practice, day_flow.undo, first.id).appointment.status == "booked"
        with pytest.raises(Conflict, match="slot taken"):  # the slot is Ann's again
            book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:00")

    def test_undo_of_a_no_show_is_refused_once_the_slot_was_given_away(self, medoffice_practice, world,
                                                                      practice_clock):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 09:20")
        act(medoffice_practice, day_flow.no_show, first.id)
        book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:00")
        with pytest.raises(Conflict, match="^Ann Lee's 09:00 appointment's time was given away after the no-show"):
            act(medoffice_practice, day_flow.undo, first.id)
        assert [v.status for v in stored(medoffice_practice, world.ann)] == ["no_show"]
        assert entries(medoffice_practice, "appointment.undone") == []

    def test_undo_of_done_is_refused_when_a_plugin_that_acted_on_it_refuses(self, medoffice_practice, world,
                                                                           practice_clock, refuser):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 09:20")
        act(medoffice_practice, day_flow.check_in, first.id)
        act(medoffice_practice, day_flow.complete, first.id)
        refuser.refusing = True
        with pytest.raises(Conflict, match="^the visit's charges are posted; void them first$"):
            act(medoffice_practice, day_flow.undo, first.id)
        assert [v.status for v in stored(medoffice_practice, world.ann)] == ["completed"]
        assert entries(medoffice_practice, "appointment.undone") == []

    def test_undo_of_done_is_refused_when_its_room_has_another_patient_now(self, medoffice_practice, world,
                                                                          practice_clock):
        ann, bo = two_arrived(medoffice_practice, world, practice_clock)
        act(medoffice_practice, day_flow.room, ann.id, "Exam 1")
        act(medoffice_practice, day_flow.complete, ann.id)
        act(medoffice_practice, day_flow.room, bo.id, "Exam 1")
        with pytest.raises(Conflict, match="^cannot undo done: Ann Lee's 09:00 appointment would go back into "
                                           "Exam 1 is taken: Bo Lee is in it since 09:25$"):
            act(medoffice_practice, day_flow.undo, ann.id)

    def test_a_cancellation_is_not_undone(self, medoffice_practice, world):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        act(medoffice_practice, booking.cancel, first.id, "snow")
        with pytest.raises(Conflict, match=r"is cancelled: there is no step to undo \(book it again instead\)$"):
            act(medoffice_practice, day_flow.undo, first.id)


# -- the commands ----------------------------------------------------------------------------


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


class TestCommands:
    def test_undo_of_the_last_step_prints_what_it_took_back(self, medoffice_cli, cli_world, cli_clock):
        ok(medoffice_cli("appointments", "book", cli_world.ann, "--provider", str(cli_world.adams), "--type",
                         "Check-up", "--at", "2030-03-12 09:00", user="frontdesk"))
        cli_clock("2030-03-12 09:05")
        ok(medoffice_cli("appointments", "check-in", "1", user="frontdesk"))
        ok(medoffice_cli("appointments", "room", "1", "--room", "Exam 1", user="frontdesk"))
        undone = ok(medoffice_cli("appointments", "undo", "1", "--json", user="frontdesk")).json()
        assert (undone["undone"], undone["appointment"]["status"], undone["appointment"]["id"]) == \
            ("roomed", "arrived", 1)
        human = ok(medoffice_cli("appointments", "undo", "1", user="frontdesk")).stdout
        assert human.startswith("undid the check-in of appointment 1: Lee, Ann") and human.endswith("(booked)\n")
        nothing = medoffice_cli("appointments", "undo", "1", user="frontdesk")
        assert (nothing.exit_code, nothing.stdout, nothing.stderr) == (
            1, "", "error: Ann Lee's 09:00 appointment is booked: there is no step to undo\n")

    @pytest.mark.parametrize("appointment_id", ["0", "-3", "x", "1.5", "99999999999999999999"])
    def test_a_bad_appointment_id_is_refused(self, medoffice_cli, cli_world, appointment_id):
        result = medoffice_cli("appointments", "undo", appointment_id, user="frontdesk")
        assert result.exit_code in (1, 2) and result.stdout == "" and "Traceback" not in result.stderr
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith("Error:" if result.exit_code == 2 else "error: "), last

    def test_a_room_someone_is_in_is_shared_only_with_a_reason(self, medoffice_cli, cli_world, cli_clock):
        for mrn, at in ((cli_world.ann, "09:00"), (cli_world.bo, "09:30")):
            ok(medoffice_cli("appointments", "book", mrn, "--provider", str(cli_world.adams), "--type", "Check-up",
                             "--at", f"2030-03-12 {at}", user="frontdesk"))
        cli_clock("2030-03-12 09:25")
        for appointment_id in ("1", "2"):
            ok(medoffice_cli("appointments", "check-in", appointment_id, user="frontdesk"))
        ok(medoffice_cli("appointments", "room", "1", "--room", "Exam 1", user="frontdesk"))
        taken = medoffice_cli("appointments", "room", "2", "--room", "Exam 1", user="frontdesk")
        assert taken.exit_code == 1 and taken.stderr.startswith("error: Exam 1 is taken: Ann Lee is in it since 09:25")
        shared = ok(medoffice_cli("appointments", "room", "2", "--room", "Exam 1", "--share", "twins", "--json",
                                  user="manager")).json()
        assert (shared["room"], shared["status"]) == ("Exam 1", "in_room")

    def test_the_practice_sets_its_grace_from_the_command_line(self, medoffice_cli, cli_world):
        assert ok(medoffice_cli("schedule", "grace", "show")).stdout == \
            "a no-show may be marked 15 minutes after the start (the default)\n"
        assert ok(medoffice_cli("schedule", "grace", "set", "10", "--json", user="manager")).json() == \
            {"minutes": 10, "default": False}
        for bad in ("-5", "abc", "2000", ""):
            refused = medoffice_cli("schedule", "grace", "set", bad, user="manager")
            assert refused.exit_code in (1, 2) and "Traceback" not in refused.stderr, bad
        denied = medoffice_cli("schedule", "grace", "set", "5", user="frontdesk")
        assert denied.exit_code == 1
        assert ok(medoffice_cli("schedule", "grace", "show", "--json")).json()["minutes"] == 10


class TestTheDatabaseGuardOfRooms:
    def test_a_done_visit_leaves_its_room_to_the_database_too(self, medoffice_practice, world, monkeypatch):
        """With the service's checks switched off, the guard (sch0004) still refuses a room
        booked for a visit not done, and lets a done visit's room be booked for its time."""
        from medoffice.plugins.scheduling.models import Appointment

        ann = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", "Long", room="Exam 1")
        monkeypatch.setattr(booking, "conflicts", lambda ctx, **kw: [])
        with pytest.raises(Conflict, match="^slot taken"):
            book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:30", room="Exam 1")
        with medoffice_practice.operation("admin") as ctx:
            ctx.session.get(Appointment, ann.id).status = "completed"
        bo = book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:30", room="Exam 1")
        assert bo.room_id == ann.room_id
        with pytest.raises(Conflict, match="^slot taken"):  # the provider and the patient are still guarded
            book(medoffice_practice, world.ann, world.baker, "2026-01-06 10:00")


# Undo of done with billing installed: test_undo_steps.py (TestUndoOfDoneInBilling).
