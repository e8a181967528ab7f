"""Undo of the day's steps puts back what each step changed (day_flow.undo, sch0005): a
patient moved from one room to another goes back to the first room, then to the waiting room
(with the room the appointment was booked in, or none); a check-in after a no-show goes back
to the no-show; and, with billing installed, an undone "done" takes the visit's empty
encounter with it, or is refused in one line once charges are posted on it.

The stories run on the ``world`` of conftest.py (America/New_York; Dr Adams works 09:00-12:00
at Main, rooms Exam 1, Exam 2 and, added here, Exam 3) on Tuesday 2026-01-06.
"""

from __future__ import annotations

import io

import pytest

from medoffice.core import PluginInfo, audit, hookimpl
from medoffice.core.errors import Conflict, NotFound
from medoffice.core.services import practice
from medoffice.plugins.scheduling import appointment_lists, booking, day_flow

pytestmark = pytest.mark.medoffice_plugins("scheduling")

WHO = "Ann Lee's 09:00 appointment"


def book(practice_, mrn, provider, at, kind="Check-up", **options):
    with practice_.operation("frontdesk") as ctx:
        return booking.book(ctx, mrn, provider, kind, at, **options)


def act(practice_, fn, *args, user="frontdesk", **options):
    with practice_.operation(user) as ctx:
        return fn(ctx, *args, **options)


def shown(practice_, mrn):
    """The patient's (only) appointment as the desk reads it."""
    with practice_.operation("admin", write=False) as ctx:
        (view,) = appointment_lists.list_for_patient(ctx, mrn)
    return view


def entries(practice_, action):
    with practice_.operation("admin", write=False) as ctx:
        return list(audit.iter_entries(ctx.session, action=action))


def undo(practice_, appointment_id):
    return act(practice_, day_flow.undo, appointment_id)


@pytest.fixture
def three_rooms(medoffice_practice, world):
    with medoffice_practice.operation("admin") as ctx:
        practice.add_room(ctx, "Main", "Exam 3")
    return world


def arrived(practice_, world, practice_clock, mrn=None, at="09:00", **options):
    """The patient's 09:00 Check-up with Dr Adams, checked in at 08:55."""
    first = book(practice_, mrn or world.ann, world.adams, f"2026-01-06 {at}", **options)
    practice_clock("2026-01-06 08:55")
    act(practice_, day_flow.check_in, first.id)
    return first


class TestMovesBetweenRooms:
    def test_undo_takes_a_patient_back_through_each_room_then_to_waiting_without_a_room(
            self, medoffice_practice, three_rooms, practice_clock):
        """Ann goes into Exam 1, is moved to Exam 2, then to Exam 3. Each undo takes her one
        room back; the last rooming undone leaves her checked in and in no room."""
        world = three_rooms
        ann = arrived(medoffice_practice, world, practice_clock)
        for room, at in (("Exam 1", "09:00"), ("Exam 2", "09:10"), ("Exam 3", "09:20")):
            practice_clock(f"2026-01-06 {at}")
            act(medoffice_practice, day_flow.room, ann.id, room)
        assert (shown(medoffice_practice, world.ann).room, shown(medoffice_practice, world.ann).status) == (
            "Exam 3", "in_room")
        walked = []
        for _ in range(4):
            undone = undo(medoffice_practice, ann.id)
            view = shown(medoffice_practice, world.ann)
            walked.append((undone.step, view.status, view.room))
        assert walked == [("roomed", "in_room", "Exam 2"), ("roomed", "in_room", "Exam 1"),
                          ("roomed", "arrived", None), ("checked_in", "booked", None)]
        with pytest.raises(Conflict, match=f"^{WHO} is booked: there is no step to undo$"):
            undo(medoffice_practice, ann.id)
        rooms = [(e.summary["room_before_id"], e.summary["room_id"]) for e in
                 entries(medoffice_practice, "appointment.undone") if "room_id" in e.summary]
        assert len(rooms) == 3 and None in [after for _, after in rooms]  # each room change undone is audited

    def test_a_move_keeps_the_time_of_the_first_rooming_and_undo_keeps_it_too(self, medoffice_practice, world,
                                                                              practice_clock):
        """The wait ended when Ann first went into a room: a move does not lengthen it."""
        ann = arrived(medoffice_practice, world, practice_clock)
        practice_clock("2026-01-06 09:05")
        act(medoffice_practice, day_flow.room, ann.id, "Exam 1")
        practice_clock("2026-01-06 09:30")
        act(medoffice_practice, day_flow.room, ann.id, "Exam 2")
        assert (f"{shown(medoffice_practice, world.ann).roomed_at:%H:%M}",
                shown(medoffice_practice, world.ann).waiting_minutes) == ("09:05", 10)
        undo(medoffice_practice, ann.id)
        view = shown(medoffice_practice, world.ann)
        assert (view.room, f"{view.roomed_at:%H:%M}") == ("Exam 1", "09:05")
        undo(medoffice_practice, ann.id)
        assert shown(medoffice_practice, world.ann).roomed_at is None

    def test_undo_of_done_after_a_move_goes_back_to_the_last_room_then_the_first(
            self, medoffice_practice, world, practice_clock):
        ann = arrived(medoffice_practice, world, practice_clock)
        act(medoffice_practice, day_flow.room, ann.id, "Exam 1")
        act(medoffice_practice, day_flow.room, ann.id, "Exam 2")
        act(medoffice_practice, day_flow.complete, ann.id)
        assert [(undo(medoffice_practice, ann.id).appointment.status, shown(medoffice_practice, world.ann).room)
                for _ in range(3)] == [("in_room", "Exam 2"), ("in_room", "Exam 1"), ("arrived", None)]

    def test_a_patient_booked_in_a_room_goes_back_to_it_when_the_rooming_is_undone(
            self, medoffice_practice, world, practice_clock):
        """Booked in Exam 1, put in Exam 2 by mistake: undo leaves her waiting, with the room
        her appointment holds."""
        ann = arrived(medoffice_practice, world, practice_clock, room="Exam 1")
        act(medoffice_practice, day_flow.room, ann.id, "Exam 2")
        undo(medoffice_practice, ann.id)
        view = shown(medoffice_practice, world.ann)
        assert (view.status, view.room) == ("arrived", "Exam 1")

    def test_but_not_when_that_room_was_booked_for_another_visit_meanwhile(self, medoffice_practice, world,
                                                                           practice_clock):
        """Ann (Long, booked in Exam 1 until 11:00) went into Exam 2, which left Exam 1 free
        for Bo at 09:30. Undo leaves Ann waiting in no room rather than refusing."""
        ann = arrived(medoffice_practice, world, practice_clock, kind="Long", room="Exam 1")
        act(medoffice_practice, day_flow.room, ann.id, "Exam 2")
        book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:30", room="Exam 1")
        undo(medoffice_practice, ann.id)
        view = shown(medoffice_practice, world.ann)
        assert (view.status, view.room) == ("arrived", None)

    def test_undo_of_a_move_is_refused_when_the_earlier_room_has_another_patient(
            self, medoffice_practice, world, practice_clock):
        ann = arrived(medoffice_practice, world, practice_clock)
        bo = book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:00")
        act(medoffice_practice, day_flow.check_in, bo.id)
        act(medoffice_practice, day_flow.room, ann.id, "Exam 1")
        practice_clock("2026-01-06 09:10")
        act(medoffice_practice, day_flow.room, ann.id, "Exam 2")
        act(medoffice_practice, day_flow.room, bo.id, "Exam 1")
        with pytest.raises(Conflict, match="^cannot undo the move to Exam 2: Exam 1 is taken: Bo Lee is in it "
                                           "since 09:10$"):
            undo(medoffice_practice, ann.id)
        assert shown(medoffice_practice, world.ann).room == "Exam 2"
        assert entries(medoffice_practice, "appointment.undone") == []

    def test_moving_to_the_room_the_patient_is_in_is_refused(self, medoffice_practice, world, practice_clock):
        ann = arrived(medoffice_practice, world, practice_clock)
        act(medoffice_practice, day_flow.room, ann.id, "Exam 1")
        with pytest.raises(Conflict, match=f"^{WHO} is in Exam 1 already; choose another room to move them$"):
            act(medoffice_practice, day_flow.room, ann.id, "exam 1")
        with pytest.raises(NotFound, match="^no room named 'Lab' at Main"):
            act(medoffice_practice, day_flow.room, ann.id, "Lab")
        assert len(entries(medoffice_practice, "appointment.roomed")) == 1

    def test_a_move_into_a_room_someone_is_in_is_refused_naming_them(self, medoffice_practice, world,
                                                                      practice_clock):
        ann = arrived(medoffice_practice, world, practice_clock)
        bo = book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:00")
        act(medoffice_practice, day_flow.check_in, bo.id)
        act(medoffice_practice, day_flow.room, ann.id, "Exam 1")
        act(medoffice_practice, day_flow.room, bo.id, "Exam 2")
        with pytest.raises(Conflict, match="^Exam 2 is taken: Bo Lee is in it since 08:55"):
            act(medoffice_practice, day_flow.room, ann.id, "Exam 2")
        assert shown(medoffice_practice, world.ann).room == "Exam 1"


class TestHistory:
    def test_undo_of_a_check_in_after_a_no_show_goes_back_to_the_no_show(self, medoffice_practice, world,
                                                                        practice_clock):
        """Ann was marked a no-show, came after all, and the check-in was a mistake: undo
        makes her a no-show again and frees her time (Bo may book it); undo again books it
        back."""
        ann = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        practice_clock("2026-01-06 09:20")
        act(medoffice_practice, day_flow.no_show, ann.id)
        act(medoffice_practice, day_flow.check_in, ann.id)
        undone = undo(medoffice_practice, ann.id)
        assert (undone.step, undone.appointment.status) == ("checked_in", "no_show")
        assert shown(medoffice_practice, world.ann).arrived_at is None
        bo = book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:00")
        with pytest.raises(Conflict, match=f"^{WHO}'s time was given away after the no-show"):
            undo(medoffice_practice, ann.id)
        act(medoffice_practice, booking.cancel, bo.id, "changed plans")
        assert undo(medoffice_practice, ann.id).appointment.status == "booked"

    def test_a_step_taken_again_after_an_undo_is_the_next_one_undone(self, medoffice_practice, three_rooms,
                                                                    practice_clock):
        world = three_rooms
        ann = arrived(medoffice_practice, world, practice_clock)
        act(medoffice_practice, day_flow.room, ann.id, "Exam 1")
        act(medoffice_practice, day_flow.room, ann.id, "Exam 2")
        undo(medoffice_practice, ann.id)
        act(medoffice_practice, day_flow.room, ann.id, "Exam 3")
        assert shown(medoffice_practice, world.ann).room == "Exam 3"
        undo(medoffice_practice, ann.id)
        assert shown(medoffice_practice, world.ann).room == "Exam 1"

    def test_steps_taken_before_they_were_kept_are_undone_by_the_status(self, medoffice_practice, world,
                                                                       practice_clock):
        """A practice upgraded mid-day: the appointments' steps of the morning have no rows in
        scheduling_flow_step, and undo still takes them back as it did."""
        from sqlalchemy import delete

        from medoffice.plugins.scheduling.models import FlowStep

        ann = arrived(medoffice_practice, world, practice_clock)
        act(medoffice_practice, day_flow.room, ann.id, "Exam 1")
        with medoffice_practice.operation("admin") as ctx:
            ctx.session.execute(delete(FlowStep))
        assert [undo(medoffice_practice, ann.id).appointment.status for _ in range(2)] == ["arrived", "booked"]


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


class TestCommands:
    def test_a_move_on_the_command_line_and_its_undo(self, medoffice_cli, cli_world, cli_clock):
        ok(medoffice_cli("appointments", "book", cli_world.ann, "--provider", str(cli_world.adams), "--type",
                         "Check-up", "--at", "2030-03-12 09:00", user="frontdesk"))
        cli_clock("2030-03-12 09:05")
        ok(medoffice_cli("appointments", "check-in", "1", user="frontdesk"))
        ok(medoffice_cli("appointments", "room", "1", "--room", "Exam 1", user="frontdesk"))
        moved = ok(medoffice_cli("appointments", "room", "1", "--room", "Exam 2", "--json", user="frontdesk")).json()
        assert (moved["room"], moved["status"]) == ("Exam 2", "in_room")
        back = ok(medoffice_cli("appointments", "undo", "1", user="frontdesk")).stdout
        assert back.startswith("undid the rooming of appointment 1: Lee, Ann") and \
            back.endswith(", room Exam 1 (in room)\n")
        waiting = ok(medoffice_cli("appointments", "undo", "1", "--json", user="frontdesk")).json()
        assert (waiting["appointment"]["room"], waiting["appointment"]["status"]) == (None, "arrived")
        same = medoffice_cli("appointments", "room", "1", user="frontdesk")
        assert same.exit_code == 0  # back in the waiting room: the room it was booked in (none) is fine
        again = medoffice_cli("appointments", "room", "1", user="frontdesk")
        assert (again.exit_code, again.stdout) == (1, "")
        assert again.stderr == ("error: Ann Lee's 09:00 appointment is in a room already: name the room to move "
                                "them to\n")


# -- billing: the visit's encounter ------------------------------------------------------------


class Refuser:
    """A plugin that acted on completions and cannot take them back."""

    plugin_info = PluginInfo(id="refuser", title="Refuser", api_version=1)
    refusing = False

    @hookimpl
    def medoffice_appointment_changed(self, ctx, change):
        if change.kind == "undone" and change.reason == "completed" and self.refusing:
            raise Conflict("the lab order was sent")


@pytest.fixture
def refuser():
    return Refuser()


@pytest.fixture
def medoffice_extra_plugins(refuser):
    return [refuser]


def encounters_of(practice_):
    from medoffice.plugins.billing import encounters

    with practice_.operation("billing", write=False) as ctx:
        return [v.encounter for v in encounters.list_encounters(ctx)]


@pytest.fixture
def done(medoffice_practice, world, practice_clock):
    """Ann's 09:00 visit, done at 09:40: billing opened its encounter. Fee 99213 is $90.00."""
    from medoffice.plugins.billing import fees

    with medoffice_practice.operation("billing") as ctx:
        fees.import_csv(ctx, io.StringIO("code,description,fee\n99213,,90.00\n"))
    ann = arrived(medoffice_practice, world, practice_clock)
    practice_clock("2026-01-06 09:40")
    act(medoffice_practice, day_flow.complete, ann.id)
    return ann


def charge(practice_, encounter_id, code="99213"):
    from medoffice.plugins.billing import encounters

    with practice_.operation("billing") as ctx:
        return encounters.add_charge(ctx, encounter_id, code)


CHARGED = ("cannot undo done: Ann Lee's 09:00 visit on Tue 2026-01-06 has charges in billing ($90.00 on 1 line); "
           "a biller must void them first")


@pytest.mark.medoffice_plugins("scheduling", "billing")
class TestUndoOfDoneInBilling:
    def test_an_empty_encounter_goes_with_the_undo_and_a_new_one_comes_with_done(self, medoffice_practice, world,
                                                                               done):
        (opened,) = encounters_of(medoffice_practice)
        assert opened.appointment_id == done.id
        assert undo(medoffice_practice, done.id).appointment.status == "arrived"
        assert encounters_of(medoffice_practice) == []  # charge entry no longer lists a visit not done
        (removed,) = entries(medoffice_practice, "billing.encounter.removed")
        assert (removed.entity_id, removed.username, removed.summary["appointment_id"]) == (
            str(opened.id), "frontdesk", done.id)
        act(medoffice_practice, day_flow.complete, done.id)
        (again,) = encounters_of(medoffice_practice)
        assert (again.appointment_id, again.status, again.lines) == (done.id, "open", ())

    def test_undo_is_refused_in_one_line_once_a_charge_is_entered_and_nothing_changes(self, medoffice_practice,
                                                                                     world, done):
        (opened,) = encounters_of(medoffice_practice)
        charge(medoffice_practice, opened.id)
        with pytest.raises(Conflict) as refused:
            undo(medoffice_practice, done.id)
        assert str(refused.value) == CHARGED
        assert shown(medoffice_practice, world.ann).status == "completed"
        assert [(e.id, len(e.lines)) for e in encounters_of(medoffice_practice)] == [(opened.id, 1)]
        assert entries(medoffice_practice, "appointment.undone") == []
        assert entries(medoffice_practice, "billing.encounter.removed") == []

    def test_a_voided_charge_lets_the_undo_through_and_the_encounter_stays_for_its_history(
            self, medoffice_practice, world, done):
        from medoffice.plugins.billing import encounters

        (opened,) = encounters_of(medoffice_practice)
        line = charge(medoffice_practice, opened.id).encounter.lines[0]
        with medoffice_practice.operation("billing") as ctx:
            encounters.void_charge(ctx, line.id, "wrong visit")
        assert undo(medoffice_practice, done.id).appointment.status == "arrived"
        act(medoffice_practice, day_flow.complete, done.id)
        assert [e.id for e in encounters_of(medoffice_practice)] == [opened.id]  # found again, not a second one

    def test_a_diagnosis_entered_keeps_the_encounter(self, medoffice_practice, world, done):
        from medoffice.plugins.billing import encounters

        (opened,) = encounters_of(medoffice_practice)
        with medoffice_practice.operation("billing") as ctx:
            encounters.add_diagnoses(ctx, opened.id, ["J06.9"])
        undo(medoffice_practice, done.id)
        assert [(e.id, e.diagnoses) for e in encounters_of(medoffice_practice)] == [(opened.id, ("J069",))]

    def test_a_closed_encounter_refuses_the_undo(self, medoffice_practice, world, done):
        from medoffice.plugins.billing import encounters

        (opened,) = encounters_of(medoffice_practice)
        with medoffice_practice.operation("billing") as ctx:
            encounters.add_diagnoses(ctx, opened.id, ["J06.9"])
            encounters.add_charge(ctx, opened.id, "99213", pointers=[1])
            encounters.close_encounter(ctx, opened.id)
        with pytest.raises(Conflict, match=r"^cannot undo done: Ann Lee's 09:00 visit on Tue 2026-01-06 is billed "
                                           r"\(\$90.00, charge entry closed\); the visit stays done$"):
            undo(medoffice_practice, done.id)
        assert shown(medoffice_practice, world.ann).status == "completed"

    def test_when_another_plugin_refuses_the_empty_encounter_stays(self, medoffice_practice, world, done,
                                                                   refuser):
        refuser.refusing = True
        with pytest.raises(Conflict, match="^the lab order was sent$"):
            undo(medoffice_practice, done.id)
        assert [e.appointment_id for e in encounters_of(medoffice_practice)] == [done.id]
        assert entries(medoffice_practice, "billing.encounter.removed") == []

    def test_the_command_line_says_the_refusal_in_one_line(self, medoffice_practice, medoffice_cli, world, done):
        (opened,) = encounters_of(medoffice_practice)
        charge(medoffice_practice, opened.id)
        medoffice_practice.command_clock = medoffice_practice.runtime.clock
        result = medoffice_cli("appointments", "undo", str(done.id), user="frontdesk")
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {CHARGED}\n")


class TestTheDayBoard:
    async def test_u_on_the_board_takes_a_moved_patient_back_to_the_earlier_room(self, medoffice_practice,
                                                                                 three_rooms, practice_clock):
        """Ann was put in Exam 2, then moved to Exam 3; u on her row puts her back in Exam 2,
        and u again sends her back to the waiting room, in no room."""
        from textual.widgets import DataTable

        from medoffice.plugins.scheduling.screens.day_board import DayBoardScreen
        from medoffice.testing import wait_for

        world = three_rooms
        ann = arrived(medoffice_practice, world, practice_clock)
        act(medoffice_practice, day_flow.room, ann.id, "Exam 2")
        act(medoffice_practice, day_flow.room, ann.id, "Exam 3")
        async with medoffice_practice.pilot("frontdesk", size=(80, 24)) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
            app.open_plugin_screen("scheduling.day")
            await wait_for(pilot, lambda: isinstance(app.screen, DayBoardScreen) and app.screen.data is not None)
            board = app.screen
            board.query_one("#board", DataTable).move_cursor(row=0)
            await pilot.pause()
            assert (board.selected().id, board.selected().room) == (ann.id, "Exam 3")
            await pilot.press("u")
            await wait_for(pilot, lambda: board.selected() is not None and board.selected().room == "Exam 2")
            assert board.selected().status == "in_room"
            await pilot.press("u")
            await wait_for(pilot, lambda: board.selected() is not None and board.selected().status == "arrived")
            assert board.selected().room is None
        assert (shown(medoffice_practice, world.ann).status, shown(medoffice_practice, world.ann).room) == (
            "arrived", None)
