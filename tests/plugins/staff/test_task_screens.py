"""My tasks at 80x24: the front desk finishes two tasks typed ahead in one burst, comments on
one through the dialog without pausing, and never sees another person's task."""

from __future__ import annotations

import pytest

from medoffice.plugins.staff import tasks
from medoffice.tui.app import MedofficeApp

from .test_screens import SMALL, open_screen, table_rows, text_of

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("staff"), pytest.mark.medoffice_backends("sqlite")]


@pytest.fixture
def desk(medoffice_practice, world):
    """Cleo's (frontdesk) three tasks, one overdue, one for the whole front desk; one of Max's."""
    with medoffice_practice.operation("manager") as ctx:
        tasks.add(ctx, "Call back no-shows", staff_id=world.cleo, due="2026-01-02", priority="high",
                  note="The list is on the desk clipboard.")
        tasks.add(ctx, "Restock brochures", role="front_desk", due="2026-01-07")
        tasks.add(ctx, "Scan the insurance cards", staff_id=world.cleo, due="2026-01-09", priority="low")
        tasks.add(ctx, "Check the crash cart", staff_id=world.max, priority="urgent")
    return world


async def open_tasks(pilot):
    from medoffice.plugins.staff.screens.my_tasks import MyTasksScreen

    screen = await open_screen(pilot, "staff.tasks", MyTasksScreen)
    from medoffice.testing import wait_for

    await wait_for(pilot, lambda: screen.detail is not None or not screen.rows)
    return screen


async def test_the_front_desk_finishes_two_tasks_typed_ahead(medoffice_practice, desk):
    from medoffice.testing import wait_for

    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_tasks(pilot)
        assert [r[0] for r in table_rows(screen, "#tasks")] == [
            "Call back no-shows", "Restock brochures", "Scan the insurance cards"]
        assert "Check the crash cart" not in str(table_rows(screen, "#tasks"))
        assert "The list is on the desk clipboard." in text_of(screen, "#task-detail")
        await pilot.press("d", "down", "s", "down", "d")  # one burst: the rows must not move under it
        await wait_for(pilot, lambda: len(screen.done_steps) == 3)
        assert [(t.title, t.status) for t in screen.done_steps] == [
            ("Call back no-shows", "done"), ("Restock brochures", "in_progress"),
            ("Scan the insurance cards", "done")]
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert [(t.title, t.status) for t in tasks.mine(ctx)] == [("Restock brochures", "in_progress")]


async def test_a_comment_typed_ahead_lands_on_the_task_it_was_typed_for(medoffice_practice, desk):
    from medoffice.testing import wait_for

    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_tasks(pilot)
        await pilot.press("down", "c", *"left a note", "enter", "d")
        await wait_for(pilot, lambda: len(screen.done_steps) == 2)
        await wait_for(pilot, lambda: "frontdesk: left a note" in text_of(screen, "#task-detail"))
        assert "Done: Restock brochures" in text_of(screen, "#hr-status")
    with medoffice_practice.operation("manager", write=False) as ctx:
        brochures = next(t for t in tasks.listing(ctx, include_finished=True) if t.title == "Restock brochures")
        assert [c.body for c in tasks.show(ctx, brochures.id).comments] == ["left a note", "open -> done"]


async def test_a_task_finished_on_another_terminal_is_refused_and_the_next_key_still_works(medoffice_practice,
                                                                                            desk):
    from medoffice.testing import wait_for

    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_tasks(pilot)
        with medoffice_practice.operation("manager") as ctx:  # another terminal
            tasks.finish(ctx, screen.rows[0].id)
        await pilot.press("d", "down", "d")
        await wait_for(pilot, lambda: len(screen.done_steps) == 2)
        assert "finished already" in str(screen.done_steps[0])
        assert screen.done_steps[1].title == "Restock brochures"


async def test_a_user_without_tasks_is_told_so(medoffice_practice, desk):
    from medoffice.testing import wait_for

    async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
        screen = await open_tasks(pilot)
        await wait_for(pilot, lambda: "Nothing to do" in text_of(screen, "#hr-title"))
        await pilot.press("d", "s")
        assert screen.done_steps == []


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
def test_the_my_tasks_screen_looks_right(snap_compare, medoffice_practice, desk):
    app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

    async def open_it(pilot):
        await open_tasks(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=open_it)
