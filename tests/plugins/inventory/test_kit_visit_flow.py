"""The supply kit through the real day's flow (scheduling and billing installed): the desk
completes a flu shot visit, its kit is drawn; "done" undone returns it; done again draws once;
and the last pair of gloves gone, the visit still completes, short, on the command line."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.services import patients, practice, staff
from medoffice.plugins.inventory import kits, stock, visit_supplies
from medoffice.plugins.scheduling import booking, catalogue, day_flow

from .conftest import build_world, on_hand_from_balances, on_hand_from_ledger

pytestmark = pytest.mark.medoffice_plugins("inventory", "scheduling", "billing")

MONDAY_NINE = dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.timezone.utc)  # 09:00 in New York


def ok(practice_, *args, user="frontdesk"):
    result = practice_.cli(*args, "--json", user=user)
    assert result.exit_code == 0, result.output
    return result.json()


@pytest.fixture
def clinic(medoffice_practice):
    """The inventory world, plus a provider working Mondays at Main, the "Flu shot" type and
    its kit, 2 pairs of gloves, 5 syringes and 3 flu doses; Ann booked at 09:00."""
    world = build_world(medoffice_practice)
    with medoffice_practice.operation("admin") as ctx:
        practice.add_location(ctx, "Main")
        world.doctor = staff.add(ctx, {"name": "Dr Adams", "role": "physician", "is_provider": True,
                                      "npi": "1234567893"}).id
        catalogue.add_type(ctx, "Flu shot", 15, colour="green")
        catalogue.add_template(ctx, world.doctor, "mon", "09:00", "12:00", "Main")
        world.ann = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                            "sex": "f"}).patient.mrn
        kits.define(ctx, "flu SHOT", {"SYR-3": 1, "FLU": 1, "GLV-M": 1})
        stock.adjust(ctx, "GLV-M", 2, "opening")
        stock.adjust(ctx, "SYR-3", 5, "opening")
        stock.adjust(ctx, "FLU", 3, "opening", lot="F1", expires="2026-06-30")
    with medoffice_practice.operation("frontdesk") as ctx:
        world.visit = booking.book(ctx, world.ann, world.doctor, "Flu shot", MONDAY_NINE).id
    return world


def levels(practice_) -> dict[str, int]:
    with practice_.operation("manager", write=False) as ctx:
        assert on_hand_from_ledger(ctx) == on_hand_from_balances(ctx)
        return {r.sku: r.on_hand for r in stock.stock_levels(ctx) if r.sku in ("GLV-M", "SYR-3", "FLU")}


def test_done_draws_the_kit_undo_returns_it_done_again_draws_once(medoffice_practice, clinic):
    for fn in (day_flow.check_in, day_flow.complete):
        with medoffice_practice.operation("frontdesk") as ctx:
            fn(ctx, clinic.visit)
    assert levels(medoffice_practice) == {"GLV-M": 1, "SYR-3": 4, "FLU": 2}
    with medoffice_practice.operation("frontdesk") as ctx:
        assert day_flow.undo(ctx, clinic.visit).step == "completed"
    assert levels(medoffice_practice) == {"GLV-M": 2, "SYR-3": 5, "FLU": 3}
    with medoffice_practice.operation("frontdesk") as ctx:
        day_flow.complete(ctx, clinic.visit)
    assert levels(medoffice_practice) == {"GLV-M": 1, "SYR-3": 4, "FLU": 2}
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert visit_supplies.visit_draw(ctx, clinic.visit).taken == (("FLU", "F1", 1), ("GLV-M", None, 1),
                                                                      ("SYR-3", None, 1))


def test_the_last_gloves_gone_the_visit_completes_short_on_the_command_line(medoffice_practice, clinic):
    p = medoffice_practice
    p.command_clock = lambda: MONDAY_NINE
    ok(p, "inventory", "stock", "adjust", "GLV-M", "--remove", "2", "--reason", "box torn", user="manager")
    ok(p, "appointments", "check-in", str(clinic.visit))
    ok(p, "appointments", "complete", str(clinic.visit))
    (short,) = ok(p, "inventory", "kits", "shortages")
    assert (short["sku"], short["short"], short["appointment_id"], short["appointment_type"]) == (
        "GLV-M", 1, clinic.visit, "Flu shot")
    shown = ok(p, "inventory", "kits", "visit", str(clinic.visit))
    assert shown["taken"] == [["FLU", "F1", 1], ["SYR-3", None, 1]]
    listed = {r["sku"]: r for r in ok(p, "inventory", "stock", "list")}
    assert listed["GLV-M"]["short"] == 1
    with p.operation("frontdesk", write=False) as ctx:
        cards = {card.title: card for _, card in ctx.hooks.dashboard_cards(ctx)}
    assert cards["Supply shortages"].value == "1" and "Nitrile gloves" in cards["Supply shortages"].detail
    refused = p.cli("inventory", "kits", "resolve", str(short["id"]), user="frontdesk")
    assert refused.exit_code == 1 and "only 0 pair" in refused.stderr and "Traceback" not in refused.output
    ok(p, "inventory", "stock", "adjust", "GLV-M", "--add", "50", "--reason", "delivery", user="manager")
    assert ok(p, "inventory", "kits", "resolve", str(short["id"]))["status"] == "resolved"
    assert ok(p, "inventory", "kits", "shortages") == []
