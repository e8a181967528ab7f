"""The office manager's week on the command line, scheduling and billing installed: the flu
vaccine runs low, the reorder pass drafts its order, the manager approves and sends it, the
desk receives it in a new lot, billing's books hold exactly one expense for the receipt, and
a flu shot visit completing draws its dose from the lot that expires first."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.services import patients, practice, staff
from medoffice.plugins.inventory import kits, stock
from medoffice.plugins.scheduling import booking, catalogue

from .conftest import NOW, build_world

pytestmark = pytest.mark.medoffice_plugins("inventory", "scheduling", "billing")

MONDAY_NINE = dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.timezone.utc)  # 09:00 in New York, the world's "today"


def build_clinic(practice_):
    """The inventory world, a provider working Mondays, a "Flu shot" kit, one dose of flu
    vaccine left (lot F1, expiring in March), and Ann booked for her flu shot at 09:00."""
    world = build_world(practice_)
    with practice_.operation("admin") as ctx:
        practice.add_location(ctx, "Main")
        doctor = staff.add(ctx, {"name": "Dr Adams", "role": "physician", "is_provider": True,
                                 "npi": "1234567893"}).id
        catalogue.add_type(ctx, "Flu shot", 15, colour="green")
        catalogue.add_template(ctx, doctor, "mon", "09:00", "12:00", "Main")
        ann = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                      "sex": "f"}).patient.mrn
        kits.define(ctx, "Flu shot", {"FLU": 1, "SYR-3": 1})
        stock.adjust(ctx, "SYR-3", 80, "opening")
        stock.adjust(ctx, "GLV-M", 150, "opening")
        stock.adjust(ctx, "PAPER", 8, "opening")
        stock.adjust(ctx, "FLU", 1, "opening", lot="F1", expires="2026-03-31")
    with practice_.operation("frontdesk") as ctx:
        world.visit = booking.book(ctx, ann, doctor, "Flu shot", MONDAY_NINE).id
    return world


def run(practice_, *args, user="manager"):
    result = practice_.cli(*args, "--json", user=user)
    assert result.exit_code == 0, result.output
    return result.json()


def test_reorder_to_expense_to_a_visit_drawing_its_dose_first_expiry_first(medoffice_practice):
    p = medoffice_practice
    clinic = p.seed(build_clinic)
    p.runtime.clock = p.command_clock = lambda: NOW

    low = run(p, "inventory", "reorder", "list")
    assert [(row["sku"], row["packs"]) for row in low] == [("FLU", 2)]  # 1 dose, par 20: two boxes of 10

    drafted = run(p, "inventory", "reorder", "draft")
    (order,) = drafted["orders"]
    run(p, "inventory", "po", "approve", str(order["id"]))
    run(p, "inventory", "po", "send", str(order["id"]))

    receipt = run(p, "inventory", "receive", str(order["id"]), "--item", "FLU=2", "--lot", "FLU=F9",
                  "--expires", "FLU=2026-09-30", user="frontdesk")
    expenses = [e for e in run(p, "billing", "expenses", "list") if e["source"] == "inventory"]
    assert len(expenses) == 1 and expenses[0]["id"] == receipt["expense_id"]
    assert expenses[0]["amount"] == "360.00"  # two boxes at 180.00
    assert run(p, "inventory", "po", "show", str(order["id"]))["status"] == "received"

    run(p, "appointments", "check-in", str(clinic.visit), user="frontdesk")
    run(p, "appointments", "complete", str(clinic.visit), user="frontdesk")
    drawn = run(p, "inventory", "kits", "visit", str(clinic.visit), user="frontdesk")
    assert sorted(map(tuple, drawn["taken"])) == [("FLU", "F1", 1), ("SYR-3", None, 1)]
    lots = {row["lot"]: row["on_hand"] for row in run(p, "inventory", "stock", "show", "FLU")["rows"]}
    assert lots == {"F9": 20}  # F1's last dose went first; the new lot is whole
