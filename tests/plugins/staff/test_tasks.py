"""Delegated tasks: the manager files them for a person or a role, everyone works on their own
("my tasks"), recurring ones come back, other plugins file theirs through the staff domain
(the clock: Monday 2026-01-05; ``frontdesk`` is Cleo, a front-desk staff member)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.records import TaskDraft
from medoffice.plugins.staff import tasks
from medoffice.plugins.staff.models import Task

from ._audit import actions

pytestmark = pytest.mark.medoffice_plugins("staff")


def titles(rows) -> list[str]:
    return [t.title for t in rows]


@pytest.fixture
def filed(medoffice_practice, world):
    """Three tasks: one for Cleo overdue, one for the front desk, one for Max."""
    with medoffice_practice.operation("manager") as ctx:
        cleo = tasks.add(ctx, "Call back no-shows", staff_id=world.cleo, due="2026-01-02", priority="high")
        desk = tasks.add(ctx, "Restock brochures", role="Front desk", due="2026-01-09")
        mas = tasks.add(ctx, "Check the crash cart", staff_id=world.max, priority="urgent")
    world.cleo_task, world.desk_task, world.max_task = cleo.id, desk.id, mas.id
    return world


class TestMyTasks:
    def test_the_front_desk_sees_its_own_and_its_roles_most_pressing_first(self, medoffice_practice, filed):
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            mine = tasks.mine(ctx)
        assert [(t.title, t.assignee, t.overdue_days) for t in mine] == [
            ("Call back no-shows", "Cleo Desk", 3), ("Restock brochures", "role: front desk", 0)]

    def test_a_user_without_a_staff_record_sees_their_user_roles_tasks(self, medoffice_practice, filed):
        with medoffice_practice.operation("manager") as ctx:
            tasks.add(ctx, "Take the deposit", role="manager")
        with medoffice_practice.operation("manager", write=False) as ctx:
            assert titles(tasks.mine(ctx)) == ["Take the deposit"]
        with medoffice_practice.operation("billing", write=False) as ctx:
            assert tasks.mine(ctx) == []

    def test_working_on_a_task_from_open_to_done_with_comments(self, medoffice_practice, filed):
        with medoffice_practice.operation("frontdesk") as ctx:
            assert tasks.start(ctx, filed.desk_task).status == "in_progress"
            tasks.comment(ctx, filed.desk_task, "Half done;\nthe rest tomorrow")
            done = tasks.finish(ctx, filed.desk_task, comment="all racks full")
        assert (done.status, done.finished_by) == ("done", "frontdesk")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            shown = tasks.show(ctx, filed.desk_task)
            assert titles(tasks.mine(ctx)) == ["Call back no-shows"]
            assert titles(tasks.mine(ctx, include_finished=True))[-1] == "Restock brochures"
        assert [c.body for c in shown.comments] == [
            "open -> in progress", "Half done;\nthe rest tomorrow", "in progress -> done: all racks full"]
        assert [a[0] for a in actions(medoffice_practice, "hr.task.")][-3:] == [
            "hr.task.in_progress", "hr.task.commented", "hr.task.done"]

    def test_no_one_works_on_someone_elses_task_and_nothing_is_written(self, medoffice_practice, filed):
        with medoffice_practice.operation("frontdesk") as ctx:
            for act in (lambda: tasks.start(ctx, filed.max_task), lambda: tasks.comment(ctx, filed.max_task, "x"),
                        lambda: tasks.show(ctx, filed.max_task), lambda: tasks.cancel(ctx, filed.cleo_task),
                        lambda: tasks.listing(ctx), lambda: tasks.overdue(ctx),
                        lambda: tasks.add(ctx, "Mine", staff_id=filed.cleo)):
                with pytest.raises(PermissionDenied):
                    act()
        with medoffice_practice.operation("manager", write=False) as ctx:
            assert tasks.show(ctx, filed.max_task).comments == ()

    def test_a_finished_task_is_not_finished_twice_and_only_a_manager_reopens(self, medoffice_practice, filed):
        with medoffice_practice.operation("frontdesk") as ctx:
            tasks.finish(ctx, filed.cleo_task)
            with pytest.raises(Conflict, match="finished already"):
                tasks.finish(ctx, filed.cleo_task)
            with pytest.raises(Conflict, match="only an open task is started"):
                tasks.start(ctx, filed.cleo_task)
            with pytest.raises(PermissionDenied):
                tasks.reopen(ctx, filed.cleo_task)
        with medoffice_practice.operation("manager") as ctx:
            assert tasks.reopen(ctx, filed.cleo_task, reason="no one answered").status == "open"
            assert tasks.cancel(ctx, filed.cleo_task, reason="patients called us").status == "cancelled"


class TestTheManager:
    def test_the_overdue_list_and_everyones_open_tasks(self, medoffice_practice, filed):
        with medoffice_practice.operation("manager", write=False) as ctx:
            assert [(t.title, t.overdue_days) for t in tasks.overdue(ctx)] == [("Call back no-shows", 3)]
            assert titles(tasks.listing(ctx)) == ["Call back no-shows", "Restock brochures", "Check the crash cart"]
            assert titles(tasks.listing(ctx, role="front-desk")) == ["Restock brochures"]
            assert titles(tasks.listing(ctx, staff_id=filed.max)) == ["Check the crash cart"]
            assert tasks.listing(ctx, status="done") == []
            with pytest.raises(ValidationError, match="status must be one of"):
                tasks.listing(ctx, status="finished")

    def test_editing_reassigns_and_says_what_changed(self, medoffice_practice, filed):
        with medoffice_practice.operation("manager") as ctx:
            moved = tasks.edit(ctx, filed.max_task, {"role": "provider", "due": "2026-01-06", "priority": "high"})
            with pytest.raises(ValidationError, match="cannot change status"):
                tasks.edit(ctx, filed.max_task, {"status": "done"})
        assert (moved.assignee, str(moved.due_on), moved.priority) == ("role: provider", "2026-01-06", "high")

    @pytest.mark.parametrize(("kw", "words"), [
        ({"title": "", "role": "x"}, "title"),
        ({"title": "A\x1b[2J", "role": "x"}, "title"),
        ({"title": "A" * 121, "role": "x"}, "title"),
        ({"title": "A"}, "give a staff member"),
        ({"title": "A", "role": "x", "staff_id": 1}, "give a staff member"),
        ({"title": "A", "staff_id": 4242}, "no staff member with id 4242"),
        ({"title": "A", "staff_id": "1; drop table"}, "staff must be a staff id"),
        ({"title": "A", "role": "front desk!"}, "role must be words"),
        ({"title": "A", "role": "x", "due": "2026-02-30"}, "due"),
        ({"title": "A", "role": "x", "priority": "asap"}, "priority must be one of"),
        ({"title": "A", "role": "x", "note": "n" * 501}, "note"),
    ])
    def test_bad_input_is_refused_and_nothing_is_written(self, medoffice_practice, world, kw, words):
        fields = dict(kw)
        with medoffice_practice.operation("manager") as ctx:
            with pytest.raises(ValidationError, match=words):
                tasks.add(ctx, fields.pop("title"), **fields)
        with medoffice_practice.operation("manager", write=False) as ctx:
            assert ctx.session.execute(select(Task.id)).first() is None

    def test_an_unknown_task_is_not_found(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            with pytest.raises(NotFound, match="no task with id 77"):
                tasks.finish(ctx, 77)
            with pytest.raises(ValidationError, match="task must be a task id"):
                tasks.show(ctx, 2**40)


class TestRecurring:
    def test_the_fridge_log_comes_back_each_day_and_a_late_one_is_next_due_today(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            series = tasks.add_recurring(ctx, "Fridge temperature log", "daily", role="medical_assistant",
                                         starts="2026-01-01")
        assert (series.recurrence, str(series.next_due)) == ("every day", "2026-01-05")
        with medoffice_practice.operation("manager") as ctx:
            tasks.finish(ctx, series.open_task_id)
            second = tasks.list_recurring(ctx)[0]
            assert str(second.next_due) == "2026-01-06"
            # due tomorrow, done today: next is the day after tomorrow's due day
            tasks.finish(ctx, second.open_task_id)
            assert str(tasks.list_recurring(ctx)[0].next_due) == "2026-01-07"
            stopped = tasks.stop_recurring(ctx, series.id)
            tasks.cancel(ctx, stopped.open_task_id)
            assert tasks.list_recurring(ctx) == [] and tasks.list_recurring(ctx, include_stopped=True)[0].next_due is None
            with pytest.raises(Conflict, match="stopped already"):
                tasks.stop_recurring(ctx, series.id)

    def test_a_late_occurrence_does_not_make_a_backlog(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            series = tasks.add_recurring(ctx, "Fridge log", "day", staff_id=world.max)
            ctx.session.get(Task, series.open_task_id).due_on = dt.date(2026, 1, 1)
            tasks.finish(ctx, series.open_task_id)
            assert str(tasks.list_recurring(ctx)[0].next_due) == "2026-01-05"
            assert len(ctx.session.execute(select(Task.id)).all()) == 2

    @pytest.mark.parametrize(("every", "starts", "after", "expected"), [
        ("weekday", "2026-01-01", "2026-01-09", "2026-01-12"),  # Friday -> Monday
        ("week", "2026-01-02", "2026-01-05", "2026-01-09"),      # Fridays
        ("week", "2026-01-02", "2026-01-09", "2026-01-16"),
        ("month", "2026-01-31", "2026-01-31", "2026-02-28"),     # the month's last day
        ("month", "2026-01-31", "2026-02-28", "2026-03-31"),
        ("day", "2026-03-01", "2026-01-05", "2026-03-01"),       # not before the start
        ("day", "2026-01-01", "2999-12-31", "2999-12-31"),       # the calendar's end holds
    ])
    def test_the_next_day_of_each_recurrence(self, every, starts, after, expected):
        assert str(tasks.next_after(every, dt.date.fromisoformat(starts), dt.date.fromisoformat(after))) == expected

    def test_the_weekly_deposit_from_a_past_friday_is_due_this_friday(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            deposit = tasks.add_recurring(ctx, "Bank deposit", "week", role="manager", starts="2026-01-02")
            with pytest.raises(ValidationError, match="every must be one of"):
                tasks.add_recurring(ctx, "x", "fortnight", role="manager")
        assert str(deposit.next_due) == "2026-01-09"


class TestOtherPluginsFileTasks:
    def test_create_task_files_once_per_open_key(self, medoffice_practice, world):
        draft = TaskDraft("Reorder gloves", assignee_role="manager", due_on=dt.date(2026, 1, 5), priority="high",
                          source="inventory.reorder", key="inventory.reorder")
        with medoffice_practice.operation("manager") as ctx:
            staff = ctx.role_service("staff")
            first = staff.create_task(ctx, draft)
            again = staff.create_task(ctx, draft)
        assert first.created and not again.created and again.id == first.id
        with medoffice_practice.operation("manager") as ctx:
            tasks.finish(ctx, first.id)
            third = ctx.role_service("staff").create_task(ctx, draft)
            assert third.created and third.id != first.id
            with pytest.raises(Conflict, match="open for the same thing"):
                tasks.reopen(ctx, first.id)

    def test_a_draft_is_validated_like_typed_input(self, medoffice_practice, world):
        with pytest.raises(ValueError, match="one staff member"):
            TaskDraft("x")
        with pytest.raises(TypeError, match="calendar day"):
            TaskDraft("x", assignee_role="manager", due_on=dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc))
        with medoffice_practice.operation("manager") as ctx:
            with pytest.raises(ValidationError, match="no staff member"):
                ctx.role_service("staff").create_task(ctx, TaskDraft("x", assignee_staff_id=999))

    def test_the_database_keeps_one_open_task_per_key(self, medoffice_practice, world):
        """Integrity in depth: even a writer that skips the service cannot file a second."""
        from sqlalchemy.exc import IntegrityError

        with medoffice_practice.operation("manager") as ctx:
            first = tasks.file_draft(ctx, TaskDraft("A", assignee_role="manager", key="k"))
            row = ctx.session.get(Task, first.id)
            ctx.session.add(Task(title="B", assignee_role="manager", priority="normal", status="open", key="k",
                                 created_at=row.created_at, created_by="x", updated_at=row.created_at))
            with pytest.raises(IntegrityError):
                ctx.session.flush()
            ctx.session.rollback()


def test_hook_dashboard_cards_show_overdue_tasks_to_the_manager_and_my_tasks_to_the_desk(medoffice_practice, filed):
    with medoffice_practice.operation("manager", write=False) as ctx:
        manager = {c.title: c for _, c in ctx.hooks.dashboard_cards(ctx)}
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        desk = {c.title: c for _, c in ctx.hooks.dashboard_cards(ctx)}
    assert (manager["Tasks overdue"].value, manager["Tasks overdue"].severity) == ("1", "error")
    assert (desk["My tasks"].value, desk["My tasks"].detail) == ("2", "1 overdue; medoffice tasks mine")
    assert "Tasks overdue" not in desk


def test_the_compliance_report_lists_overdue_tasks(medoffice_practice, filed):
    result = medoffice_practice.cli("reports", "run", "staff.compliance", "--json", user="manager",
                                    clock=lambda: dt.datetime(2026, 1, 5, 15, tzinfo=dt.timezone.utc)).json()
    rows = [r for r in result["rows"] if r[2] == "task"]
    assert rows == [["overdue", "Cleo Desk", "task", "Call back no-shows", "2026-01-02", "3 days overdue, open"]]


class TestCommands:
    @pytest.fixture
    def run(self, medoffice_practice, world):
        from .conftest import NOW

        def run(*args, user="manager"):
            return medoffice_practice.cli("tasks", *args, user=user, clock=lambda: NOW)
        return run

    def test_a_day_of_tasks_through_the_commands(self, run, world):
        added = run("add", "Call the landlord", "--role", "front_desk", "--due", "2026-01-04", "--priority", "high",
                    "--json")
        assert added.exit_code == 0, added.stderr
        task = added.json()
        assert (task["assignee"], task["overdue_days"], task["status"]) == ("role: front desk", 1, "open")
        assert run("recurring", "add", "Bank deposit", "--every", "week", "--starts", "2026-01-02", "--role",
                   "manager").stdout.startswith("recurring task 1: Bank deposit, every week from 2026-01-02")
        mine = run("mine", "--json", user="frontdesk").json()
        assert [t["title"] for t in mine] == ["Call the landlord"]
        assert run("start", str(task["id"]), user="frontdesk").exit_code == 0
        assert run("comment", str(task["id"]), "Left a voicemail", user="frontdesk").exit_code == 0
        shown = run("show", str(task["id"]), user="frontdesk").stdout
        assert "in progress" in shown and "frontdesk: Left a voicemail" in shown
        assert "1 days overdue" in run("overdue").stdout
        assert run("done", str(task["id"]), "--json", user="frontdesk").json()["status"] == "done"
        assert [r["next_due"] for r in run("recurring", "list", "--json").json()] == ["2026-01-09"]
        assert run("list", "--all", "--json").json()[-1]["status"] == "done"

    @pytest.mark.parametrize(("args", "code", "words"), [
        (("add", "X"), 2, "give --staff ID or --role ROLE"),
        (("add", "X", "--staff", "1", "--role", "x"), 2, "give --staff ID or --role ROLE"),
        (("add", "X", "--staff", "abc"), 2, "is not an id"),
        (("add", "X", "--role", "desk", "--due", "tomorrowish"), 1, "due"),
        (("add", "X\x1b[2J", "--role", "desk"), 1, "title"),
        (("add", "X", "--role", "desk", "--priority", "9"), 1, "priority must be one of"),
        (("done", "99"), 1, "no task with id 99"),
        (("done", "0"), 2, "is not an id"),
        (("edit", "1"), 2, "give at least one of"),
        (("list", "--status", "x"), 1, "status must be one of"),
        (("recurring", "add", "X", "--every", "hour", "--role", "desk"), 1, "every must be one of"),
        (("recurring", "stop", "5"), 1, "no recurring task with id 5"),
    ])
    def test_bad_input_is_one_line_with_its_exit_code(self, run, args, code, words):
        result = run(*args)
        assert result.exit_code == code and words in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == (1 if code == 1 else 4)
        assert run("list", "--all", "--json").json() == []

    def test_the_front_desk_is_refused_the_managers_commands(self, run, world):
        refused = run("add", "X", "--role", "desk", user="frontdesk")
        assert refused.exit_code == 1 and "lacks the permission 'hr.tasks'" in refused.stderr
        assert run("list", user="frontdesk").exit_code == 1
        assert run("mine", user="frontdesk").stdout.strip() == "(none)"


def test_the_tasks_migration_goes_down_and_up_keeping_the_other_staff_tables(medoffice_practice, filed):
    """Down to sta0002 (no task tables; the rota's sta0004 above it goes down too), the rest of HR
    untouched, then up to the head again: tasks work."""
    from alembic import command
    from sqlalchemy import inspect

    from medoffice.core.storage import migrate
    from medoffice.plugins import staff
    from medoffice.plugins.staff import models

    with medoffice_practice.runtime.engine.begin() as conn:
        config = migrate.alembic_config(conn, "staff", staff.MIGRATIONS, models.Base.metadata)
        command.downgrade(config, "sta0002")
        tables = set(inspect(conn).get_table_names())
        assert "staff_task" not in tables and "staff_recurring_task" not in tables
        assert {"staff_training", "staff_policy", "staff_evaluation"} <= tables
        command.upgrade(config, "head")
    with medoffice_practice.operation("manager") as ctx:
        again = tasks.add(ctx, "Call back no-shows", staff_id=filed.cleo)
        assert tasks.file_draft(ctx, TaskDraft("x", assignee_role="manager", key="k")).created
        assert not tasks.file_draft(ctx, TaskDraft("x", assignee_role="manager", key="k")).created
    assert again.id == 1
