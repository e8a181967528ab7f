"""The hiring board at 80x24: the manager moves two applicants on typed ahead in one burst,
rejects one with a reason, opens a file; the front desk is never offered applicants."""

from __future__ import annotations

import pytest

from medoffice.plugins.staff import hiring
from medoffice.tui.app import MedofficeApp

from .test_screens import SMALL, open_screen, table_rows, text_of

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("staff"), pytest.mark.medoffice_backends("sqlite")]


@pytest.fixture
def pipeline(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        job = hiring.add_opening(ctx, {"title": "Receptionist", "role": "front_desk"})
        for name, stage in (("Ana Ruiz", None), ("Ben Ode", None), ("Cy Lamb", "offer")):
            made = hiring.add_applicant(ctx, job.id, {"name": name, "applied_on": "2026-01-02",
                                                      "email": f"{name.split()[0].lower()}@example.com"})
            if stage:
                hiring.move(ctx, made.id, stage)
    return world


async def open_board(pilot):
    from medoffice.plugins.staff.screens.hiring_board import HiringBoardScreen

    return await open_screen(pilot, "staff.hiring", HiringBoardScreen)


async def test_the_manager_moves_two_applicants_on_typed_ahead(medoffice_practice, pipeline):
    from medoffice.testing import wait_for

    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        screen = await open_board(pilot)
        assert [r[0] + " " + r[2] for r in table_rows(screen, "#applicants")] == [
            "Ana Ruiz applied", "Ben Ode applied", "Cy Lamb offer"]
        await pilot.press("n", "down", "n", "down", "n")  # one burst; Cy is at the last step
        await wait_for(pilot, lambda: len(screen.done_steps) == 3)
        assert [getattr(a, "stage", None) for a in screen.done_steps[:2]] == ["phone screen", "phone screen"]
        assert "medoffice hiring hire" in str(screen.done_steps[2])
        await pilot.press("up", "x", *"wants evenings", "enter", "enter")
        await wait_for(pilot, lambda: len(screen.done_steps) == 4 and screen.opened is not None)
        assert screen.done_steps[3].stage == "rejected"
        assert "wants evenings" in text_of(screen, "#applicant-detail")
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert {a.name: a.stage for a in hiring.list_applicants(ctx, include_closed=True)} == {
            "Ana Ruiz": "phone screen", "Ben Ode": "rejected", "Cy Lamb": "offer"}


async def test_a_move_made_on_another_terminal_shows_without_a_key(medoffice_practice, pipeline):
    from medoffice.testing import wait_for

    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        screen = await open_board(pilot)
        with medoffice_practice.operation("manager") as ctx:  # another terminal, or a command
            ana = next(a for a in hiring.list_applicants(ctx) if a.name == "Ana Ruiz")
            hiring.move(ctx, ana.id, "interview")
            hiring.move(ctx, next(a.id for a in hiring.list_applicants(ctx) if a.name == "Ben Ode"), "rejected",
                        reason="moved away")
        await wait_for(pilot, lambda: [r[0] + " " + r[2] for r in table_rows(screen, "#applicants")] == [
            "Ana Ruiz interview", "Cy Lamb offer"])


async def test_the_front_desk_is_not_offered_the_hiring_board(medoffice_practice, pipeline):
    from medoffice.testing import wait_for

    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
        offered = [c.id for _p, c in app.runtime.plugins.hooks.screens()
                   if c.permission is None or app.user.can(c.permission)]
        assert "staff.hiring" not in offered


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
def test_the_hiring_board_looks_right(snap_compare, medoffice_practice, pipeline):
    app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("manager"))

    async def open_it(pilot):
        await open_board(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=open_it)
