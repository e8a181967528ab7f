"""The staff plugin's screens at 80x24: the front desk reads a policy and acknowledges it
with one key (typed ahead), the manager sees the evaluations list and opens one."""

from __future__ import annotations

import pytest

from medoffice.plugins.staff import evaluation_setup, evaluations, policies
from medoffice.testing import check_screens, wait_for
from medoffice.tui.app import MedofficeApp

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("staff"), pytest.mark.medoffice_backends("sqlite")]

SMALL = (80, 24)


@pytest.fixture
def office(medoffice_practice, world):
    """Three policies for Cleo (frontdesk) to sign, and two annual evaluations, one overdue."""
    with medoffice_practice.operation("manager") as ctx:
        policies.add(ctx, "Phone etiquette", "Front desk", ["front_desk"], within_days=7,
                     body="# Phones\n\nAnswer by the third ring.\nSay the practice's name.")
        policies.add(ctx, "HIPAA privacy", "HIPAA", ["all"], file_ref="S:/policies/hipaa.pdf", within_days=0)
        policies.add(ctx, "Cash drawer", "Front desk", ["front_desk"], body="Count it with a colleague.")
        evaluation_setup.add_template(ctx, "Front office", ["Patient care", "Teamwork"])
        evaluation_setup.add_cycle(ctx, "Annual review", "annual", "Front office")
        evaluations.schedule(ctx, "Annual review", due="2026-01-02", staff_ids=[world.cleo])
        evaluations.schedule(ctx, "Annual review", due="2026-02-15", staff_ids=[world.max])
    return world


async def open_screen(pilot, screen_id: str, cls):
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    app.open_plugin_screen(screen_id)
    await wait_for(pilot, lambda: isinstance(app.screen, cls))
    screen = app.screen
    await wait_for(pilot, lambda: screen.rows is not None)
    return screen


async def open_policies(pilot):
    from medoffice.plugins.staff.screens.policies_to_acknowledge import PoliciesToAcknowledgeScreen

    screen = await open_screen(pilot, "staff.policies", PoliciesToAcknowledgeScreen)
    await wait_for(pilot, lambda: screen.shown is not None or not screen.rows)
    return screen


async def open_evaluations(pilot):
    from medoffice.plugins.staff.screens.evaluations_list import EvaluationsScreen

    return await open_screen(pilot, "staff.evaluations", EvaluationsScreen)


def table_rows(screen, table_id: str) -> list[list[str]]:
    from textual.widgets import DataTable

    table = screen.query_one(table_id, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def text_of(screen, widget_id: str) -> str:
    from textual.css.query import NoMatches

    try:
        return str(screen.query_one(widget_id).render())
    except NoMatches:  # not composed yet
        return ""


async def test_the_front_desk_reads_a_policy_and_acknowledges_it_typed_ahead(medoffice_practice, office):
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_policies(pilot)
        assert [r[0] for r in table_rows(screen, "#policies")] == ["HIPAA privacy", "Phone etiquette", "Cash drawer"]
        assert "S:/policies/hipaa.pdf" in text_of(screen, "#policy-text")
        await pilot.press("down", "a")  # no pause: the second policy's text is still on its way
        await wait_for(pilot, lambda: [s.policy for s in screen.signed] == ["Phone etiquette"])
        await wait_for(pilot, lambda: [r[0] for r in table_rows(screen, "#policies")] == ["HIPAA privacy",
                                                                                          "Cash drawer"])
        assert "Acknowledged Phone etiquette, version 1" in text_of(screen, "#hr-status")
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert [u.policy for u in policies.unsigned(ctx, mine=True)] == ["HIPAA privacy", "Cash drawer"]


async def test_a_version_published_while_reading_is_not_signed_unread(medoffice_practice, office):
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_policies(pilot)
        with medoffice_practice.operation("manager") as ctx:  # another terminal
            policies.publish(ctx, "HIPAA privacy", file_ref="S:/policies/hipaa-v2.pdf")
        await pilot.press("a")  # on version 1's text, unless version 2's arrived first
        await wait_for(pilot, lambda: "not the one in force" in text_of(screen, "#hr-status") or screen.signed)
        if not screen.signed:  # refused: version 2's text comes, and is acknowledged once read
            await wait_for(pilot, lambda: "hipaa-v2" in text_of(screen, "#policy-text"))
            await pilot.press("a")
            await wait_for(pilot, lambda: screen.signed)
        assert [(s.policy, s.version) for s in screen.signed] == [("HIPAA privacy", 2)]


async def test_the_manager_sees_the_evaluations_and_opens_one(medoffice_practice, office):
    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        screen = await open_evaluations(pilot)
        assert [r[0] + " " + r[4] for r in table_rows(screen, "#evaluations")] == ["Cleo Desk OVERDUE",
                                                                                  "Max Assist open"]
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: screen.opened is not None)
        assert screen.opened.summary.staff == "Max Assist"
        assert "awaiting the staff member's self-assessment" in text_of(screen, "#evaluation-detail")


async def test_the_front_desk_has_no_evaluations_screen_and_a_user_without_staff_record_is_told(
        medoffice_practice, office):
    async with medoffice_practice.pilot("billing", size=SMALL) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
        ids = [c.id for _p, c in app.runtime.plugins.hooks.screens()]
        assert "staff.evaluations" in ids and "staff.policies" in ids
        from medoffice.plugins.staff.screens.policies_to_acknowledge import PoliciesToAcknowledgeScreen

        app.open_plugin_screen("staff.policies")
        await wait_for(pilot, lambda: isinstance(app.screen, PoliciesToAcknowledgeScreen))
        screen = app.screen
        await wait_for(pilot, lambda: "not linked to a staff record" in text_of(screen, "#hr-title"))
        await pilot.press("a")
        assert screen.signed == []


async def test_every_staff_screen_mounts(medoffice_practice, world):
    await check_screens(medoffice_practice, "staff")


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
def test_the_policies_screen_looks_right(snap_compare, medoffice_practice, office):
    app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

    async def open_it(pilot):
        await open_policies(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=open_it)


@pytest.mark.medoffice_backends("sqlite")
def test_the_evaluations_screen_looks_right(snap_compare, medoffice_practice, office):
    app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("manager"))

    async def open_it(pilot):
        await open_evaluations(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=open_it)


def test_a_refused_acknowledgment_is_the_screens_to_say_and_writes_nothing(medoffice_practice, office):
    from medoffice.core.errors import Conflict
    from medoffice.plugins.staff.screens.policies_to_acknowledge import _acknowledge

    with medoffice_practice.operation("frontdesk") as ctx:
        refused = _acknowledge(ctx, "HIPAA privacy", 2)
        done = _acknowledge(ctx, "Phone etiquette", 1)
    assert isinstance(refused, Conflict) and "not the one in force" in refused.message
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert [u.policy for u in policies.unsigned(ctx, mine=True)] == ["HIPAA privacy", "Cash drawer"]
    assert done.policy == "Phone etiquette"
