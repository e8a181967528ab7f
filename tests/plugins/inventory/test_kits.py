"""Supply kits: a flu shot visit draws its syringe, its dose and a pair of gloves when it
completes, first expiry first; a shortage is recorded and never refuses the visit; undoing
"done" puts back exactly what was drawn, and completing again draws once.

The visits are announced as the scheduling role announces them (``medoffice_visit_completed``
and an ``undone`` ``medoffice_appointment_changed``), so these stories need no scheduling
plugin; ``test_kit_visit_flow.py`` runs the same story through the real day board.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from medoffice.core import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.records import AppointmentChange, AppointmentRecord, VisitRecord
from medoffice.core.services import patients
from medoffice.plugins.inventory import kits, stock, visit_supplies
from medoffice.plugins.inventory.models import Movement

from .conftest import NOW, on_hand_from_balances, on_hand_from_ledger

pytestmark = pytest.mark.medoffice_plugins("inventory")

FLU_SHOT = {"SYR-3": 1, "FLU": 1, "GLV-M": 1}


@pytest.fixture
def kit_world(medoffice_practice, world):
    """The flu shot kit; 5 syringes, 3 pairs of gloves, flu doses: 1 expired (OLD), 1 in SOON
    (2026-01-20), 4 in LATE; one patient."""
    with medoffice_practice.operation("manager") as ctx:
        kits.define(ctx, "Flu shot", FLU_SHOT)
        stock.adjust(ctx, "SYR-3", 5, "opening")
        stock.adjust(ctx, "GLV-M", 3, "opening")
        stock.adjust(ctx, "FLU", 1, "opening", lot="OLD", expires="2026-01-01")
        stock.adjust(ctx, "FLU", 1, "opening", lot="SOON", expires="2026-01-20")
        stock.adjust(ctx, "FLU", 4, "opening", lot="LATE", expires="2026-09-01")
        world.patient = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                                "sex": "f"}).patient.id
    return world


def visit(world, appointment_id: int, kind: str = "Flu shot") -> AppointmentRecord:
    return AppointmentRecord(appointment_id, world.patient, 1, kind, NOW, NOW + dt.timedelta(minutes=15),
                             status="completed")


def complete(practice, world, appointment_id: int, kind: str = "Flu shot", user: str = "frontdesk") -> None:
    with practice.operation(user) as ctx:
        ctx.hooks.visit_completed(ctx, VisitRecord(visit(world, appointment_id, kind), NOW))


def undo_done(practice, world, appointment_id: int, kind: str = "Flu shot") -> None:
    with practice.operation("frontdesk") as ctx:
        after = attrs_evolve(visit(world, appointment_id, kind), status="in_room")
        ctx.hooks.appointment_changed(ctx, AppointmentChange("undone", after, previous=visit(world, appointment_id,
                                                                                             kind),
                                                             reason="completed"))


def attrs_evolve(record, **changes):
    import attrs

    return attrs.evolve(record, **changes)


def on_hand(practice) -> dict[str, int]:
    with practice.operation("manager", write=False) as ctx:
        return {r.sku: r.on_hand for r in stock.stock_levels(ctx)}


def drawn(practice, appointment_id):
    with practice.operation("manager", write=False) as ctx:
        return visit_supplies.visit_draw(ctx, appointment_id)


class TestDefiningKits:
    def test_the_manager_defines_lists_and_edits_a_kit(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            made = kits.define(ctx, "  Flu   shot ", {"syr-3": "1", "Flu vaccine": 1, "GLV-M": 2}, location="Fridge")
            kits.set_line(ctx, "FLU SHOT", "GLV-M", 1)
            kits.set_line(ctx, "flu shot", "TAPE", 1)
            kits.set_line(ctx, "flu shot", "TAPE", 0)
        assert made.appointment_type == "Flu shot" and made.location == "Fridge"
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            (listed,) = kits.list_kits(ctx)
        assert [(line.sku, line.quantity) for line in listed.lines] == [("FLU", 1), ("GLV-M", 1), ("SYR-3", 1)]
        assert listed.location == "Fridge"

    def test_taking_out_the_last_item_removes_the_kit(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            kits.set_line(ctx, "Suture removal", "TAPE", 2)
            kits.set_line(ctx, "Suture removal", "TAPE", 0)
            assert kits.list_kits(ctx) == []

    BAD = [
        ("", {"GLV-M": 1}, ValidationError),
        ("x" * 121, {"GLV-M": 1}, ValidationError),
        ("Flu shot", {}, ValidationError),
        ("Flu shot", {"GLV-M": 0}, ValidationError),
        ("Flu shot", {"GLV-M": -1}, ValidationError),
        ("Flu shot", {"GLV-M": 1.5}, ValidationError),
        ("Flu shot", {"GLV-M": "1e3"}, ValidationError),
        ("Flu shot", {"GLV-M": "１"}, ValidationError),
        ("Flu shot", {"GLV-M": 1001}, ValidationError),
        ("Flu shot", [("GLV-M", 1), ("glv-m", 2)], ValidationError),
        ("Flu shot", {"NOPE": 1}, NotFound),
        ("Flu shot", {"GLV-M": "1; DROP TABLE inventory_kit"}, ValidationError),
        ("Flu shot", {"GLV-M": None}, ValidationError),
    ]

    def test_a_bad_kit_is_refused_and_nothing_is_written(self, medoffice_practice, world):
        for kind, lines, error in self.BAD:
            with pytest.raises(error), medoffice_practice.operation("manager") as ctx:
                kits.define(ctx, kind, lines)
        with pytest.raises(NotFound), medoffice_practice.operation("manager") as ctx:
            kits.set_line(ctx, "Flu shot", "GLV-M", 0)
        with pytest.raises(NotFound), medoffice_practice.operation("manager") as ctx:
            kits.remove(ctx, "Flu shot")
        with medoffice_practice.operation("manager", write=False) as ctx:
            assert kits.list_kits(ctx) == []

    def test_the_desk_may_read_kits_but_not_change_them(self, medoffice_practice, world):
        with pytest.raises(PermissionDenied), medoffice_practice.operation("frontdesk") as ctx:
            kits.define(ctx, "Flu shot", FLU_SHOT)


class TestDrawingAtCompletion:
    def test_a_completed_visit_draws_its_kit_first_expiry_first_never_expired(self, medoffice_practice, kit_world):
        complete(medoffice_practice, kit_world, 101)
        assert drawn(medoffice_practice, 101).taken == (("FLU", "SOON", 1), ("GLV-M", None, 1), ("SYR-3", None, 1))
        levels = on_hand(medoffice_practice)
        assert (levels["SYR-3"], levels["GLV-M"], levels["FLU"]) == (4, 2, 4)  # FLU: usable only (OLD expired)
        with medoffice_practice.operation("manager", write=False) as ctx:
            moves = ctx.session.execute(select(Movement).where(Movement.appointment_id == 101)).scalars().all()
            assert {(m.kind, m.reference, m.by) for m in moves} == {("used", "visit 101", "frontdesk")}
            assert on_hand_from_ledger(ctx) == on_hand_from_balances(ctx)

    def test_a_type_without_a_kit_draws_nothing(self, medoffice_practice, kit_world):
        before = on_hand(medoffice_practice)
        complete(medoffice_practice, kit_world, 102, kind="Follow-up")
        assert on_hand(medoffice_practice) == before

    def test_the_same_completion_announced_twice_draws_once(self, medoffice_practice, kit_world):
        complete(medoffice_practice, kit_world, 103)
        complete(medoffice_practice, kit_world, 103)
        assert on_hand(medoffice_practice)["SYR-3"] == 4

    def test_a_shortage_never_refuses_the_visit_it_is_recorded_and_shown(self, medoffice_practice, kit_world):
        """Three pairs of gloves, four visits: the fourth completes, short of a pair."""
        for number in (201, 202, 203, 204):
            complete(medoffice_practice, kit_world, number)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            (short,) = visit_supplies.shortages(ctx)
            row = {r.sku: r for r in stock.stock_levels(ctx)}["GLV-M"]
        assert (short.appointment_id, short.sku, short.wanted, short.short, short.status) == (204, "GLV-M", 1, 1,
                                                                                               "open")
        assert row.on_hand == 0 and row.short == 1
        assert drawn(medoffice_practice, 204).taken == (("FLU", "LATE", 1), ("SYR-3", None, 1))

    def test_a_shortage_is_drawn_later_once_stock_is_in(self, medoffice_practice, kit_world):
        with medoffice_practice.operation("manager") as ctx:
            stock.adjust(ctx, "GLV-M", -3, "box torn")
        complete(medoffice_practice, kit_world, 301)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            (short,) = visit_supplies.shortages(ctx)
        with pytest.raises(Conflict, match="only 0 pair"), medoffice_practice.operation("frontdesk") as ctx:
            visit_supplies.resolve(ctx, short.id)
        with medoffice_practice.operation("manager") as ctx:
            stock.adjust(ctx, "GLV-M", 50, "delivery")
        with medoffice_practice.operation("frontdesk") as ctx:
            done = visit_supplies.resolve(ctx, short.id)
            assert visit_supplies.shortages(ctx) == []
        assert done.status == "resolved" and on_hand(medoffice_practice)["GLV-M"] == 49
        assert ("GLV-M", None, 1) in drawn(medoffice_practice, 301).taken
        with pytest.raises(Conflict, match="resolved already; nothing to resolve"), \
                medoffice_practice.operation("frontdesk") as ctx:
            visit_supplies.resolve(ctx, short.id)

    def test_a_manager_dismisses_a_shortage_with_a_reason(self, medoffice_practice, kit_world):
        with medoffice_practice.operation("manager") as ctx:
            stock.adjust(ctx, "GLV-M", -3, "box torn")
        complete(medoffice_practice, kit_world, 302)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            (short,) = visit_supplies.shortages(ctx)
        with pytest.raises(PermissionDenied), medoffice_practice.operation("frontdesk") as ctx:
            visit_supplies.dismiss(ctx, short.id, "used vinyl gloves")
        with pytest.raises(ValidationError), medoffice_practice.operation("manager") as ctx:
            visit_supplies.dismiss(ctx, short.id, "  ")
        with medoffice_practice.operation("manager") as ctx:
            assert visit_supplies.dismiss(ctx, short.id, "used vinyl gloves").status == "dismissed"
            assert visit_supplies.shortages(ctx) == []
            assert [s.note for s in visit_supplies.shortages(ctx, include_closed=True)] == ["used vinyl gloves"]


class TestUndoingDone:
    def test_undo_returns_exactly_what_was_drawn_and_redo_draws_once(self, medoffice_practice, kit_world):
        before = on_hand(medoffice_practice)
        complete(medoffice_practice, kit_world, 401)
        undo_done(medoffice_practice, kit_world, 401)
        assert on_hand(medoffice_practice) == before
        assert drawn(medoffice_practice, 401).taken == () and drawn(medoffice_practice, 401).status == "returned"
        undo_done(medoffice_practice, kit_world, 401)  # a second undo has nothing left to return
        assert on_hand(medoffice_practice) == before
        complete(medoffice_practice, kit_world, 401)
        complete(medoffice_practice, kit_world, 401)
        assert drawn(medoffice_practice, 401).taken == (("FLU", "SOON", 1), ("GLV-M", None, 1), ("SYR-3", None, 1))
        with medoffice_practice.operation("manager", write=False) as ctx:
            assert on_hand_from_ledger(ctx) == on_hand_from_balances(ctx)

    def test_undo_cancels_the_visits_open_shortages(self, medoffice_practice, kit_world):
        with medoffice_practice.operation("manager") as ctx:
            stock.adjust(ctx, "GLV-M", -3, "box torn")
        complete(medoffice_practice, kit_world, 402)
        undo_done(medoffice_practice, kit_world, 402)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert visit_supplies.shortages(ctx) == []
            assert [s.status for s in visit_supplies.shortages(ctx, include_closed=True)] == ["cancelled"]

    def test_an_expired_lot_drawn_before_it_expired_goes_back_to_its_lot(self, medoffice_practice, kit_world):
        """Returned units go back to the lot they came from, whatever happened since."""
        complete(medoffice_practice, kit_world, 403)
        medoffice_practice.runtime.clock = lambda: NOW + dt.timedelta(days=30)  # SOON has expired meanwhile
        undo_done(medoffice_practice, kit_world, 403)
        with medoffice_practice.operation("manager", write=False) as ctx:
            soon = [r for r in stock.item_stock(ctx, "FLU").rows if r.lot == "SOON"]
        assert [(r.on_hand, r.expired) for r in soon] == [(1, True)]


class TestUsageReports:
    def test_usage_per_month_per_item_and_per_visit_type_nets_out_undone_visits(self, medoffice_practice,
                                                                                  kit_world):
        """Two flu shots (one undone), a follow-up with gloves used at the desk for it, and
        gloves used at the desk: January's usage, per item and per visit type."""
        from medoffice.plugins.inventory import usage

        complete(medoffice_practice, kit_world, 501)
        complete(medoffice_practice, kit_world, 502)
        undo_done(medoffice_practice, kit_world, 502)
        with medoffice_practice.operation("frontdesk") as ctx:
            stock.use(ctx, "GLV-M", 1, appointment_id=503)
            stock.use(ctx, "SYR-3", 2)
        with medoffice_practice.operation("manager", write=False) as ctx:
            by_item = usage.usage_by_item(ctx, {"months": "2", "through": "2026-01"})
            by_type = usage.usage_by_visit_type(ctx, {})
        assert by_item.title == "Supplies used per month, 2025-12 to 2026-01"
        assert [r[:5] for r in by_item.rows] == [("2026-01", "FLU", "Flu vaccine", 1, "dose"),
                                                 ("2026-01", "GLV-M", "Nitrile gloves, medium", 2, "pair"),
                                                 ("2026-01", "SYR-3", "Syringe 3 mL", 3, "each")]
        assert by_item.rows[2][5] == "0.57"  # 3 x 18.90 / 100
        assert list(by_type.rows) == [("2026-01", "at the desk", "SYR-3", "Syringe 3 mL", 2, "each"),
                                ("2026-01", "Flu shot", "FLU", "Flu vaccine", 1, "dose"),
                                ("2026-01", "Flu shot", "GLV-M", "Nitrile gloves, medium", 1, "pair"),
                                ("2026-01", "Flu shot", "SYR-3", "Syringe 3 mL", 1, "each"),
                                ("2026-01", "visit, no kit", "GLV-M", "Nitrile gloves, medium", 1, "pair")]
        for bad in ({"months": "0"}, {"months": "37"}, {"through": "2026-13"}, {"through": "next month"},
                    {"months": "1e2"}):
            with pytest.raises(ValidationError), medoffice_practice.operation("manager", write=False) as ctx:
                usage.usage_by_item(ctx, bad)

    def test_the_desk_runs_the_usage_report_without_values(self, medoffice_practice, kit_world):
        complete(medoffice_practice, kit_world, 601)
        shown = medoffice_practice.cli("reports", "run", "inventory.usage_by_visit_type", "--param",
                                     "through=2026-01", "--json", user="frontdesk")
        assert shown.exit_code == 0, shown.output
        assert ["Flu shot", "SYR-3"] in [row[1:3] for row in shown.json()["rows"]]
        plain = medoffice_practice.cli("reports", "run", "inventory.usage", "--json", user="frontdesk").json()
        assert "Value" not in plain["columns"]
