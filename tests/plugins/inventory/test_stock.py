"""Stock is a ledger: every change a movement, on-hand its sum, first expiry first out,
expired stock refused at use, never below zero unless a manager says why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from medoffice.core import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.plugins.inventory import counts, lots, stock
from medoffice.plugins.inventory.models import Movement

from .conftest import on_hand_from_balances, on_hand_from_ledger

pytestmark = pytest.mark.medoffice_plugins("inventory")


def test_using_flu_vaccine_takes_the_lot_that_expires_first(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "FLU", 10, "opening stock", lot="LATE", expires="2026-09-30")
        stock.adjust(ctx, "FLU", 3, "opening stock", lot="SOON", expires="2026-02-01")
    with medoffice_practice.operation("frontdesk") as ctx:
        used = stock.use(ctx, "FLU", 5)
    assert [(m.lot, m.quantity) for m in used.movements] == [("SOON", -3), ("LATE", -2)]
    assert used.on_hand == 8
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        shown = stock.item_stock(ctx, "flu")
    assert [(r.location, r.lot, r.on_hand) for r in shown.rows] == [("Fridge", "LATE", 8)]


def test_expired_stock_is_refused_at_use_and_listed_with_its_value(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "FLU", 4, "opening stock", lot="OLD", expires="2026-01-04")
        stock.adjust(ctx, "FLU", 2, "opening stock", lot="NEW", expires="2026-03-01")
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(ValidationError, match="expired on 2026-01-04"):
            stock.use(ctx, "FLU", 1, lot="OLD")
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(Conflict, match=r"only 2 dose of Flu vaccine at Fridge \(4 more expired"):
            stock.use(ctx, "FLU", 3)
    with medoffice_practice.operation("billing", write=False) as ctx:
        gone = lots.expired(ctx)
        soon = lots.expiring(ctx, 60)
    assert [(r.lot, r.on_hand, r.value) for r in gone.rows] == [("OLD", 4, Decimal("72.00"))]
    assert [(r.lot, r.days_left) for r in soon.rows] == [("NEW", 55)]
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert lots.expired(ctx).rows[0].value is None  # the front desk does not see values
    with medoffice_practice.operation("manager") as ctx:
        written = lots.write_off_expired(ctx)
    assert [(r.lot, r.on_hand) for r in written] == [("OLD", 4)]
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert lots.expired(ctx).rows == ()
        assert stock.item_stock(ctx, "FLU").on_hand == 2


def test_a_lot_expiring_today_may_still_be_used(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "FLU", 1, "opening stock", lot="TODAY", expires=world.today)
    with medoffice_practice.operation("frontdesk") as ctx:
        assert stock.use(ctx, "FLU", 1).on_hand == 0


def test_stock_never_goes_below_zero_unless_a_manager_says_why(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "GLV-M", 10, "opening stock")
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(Conflict, match="only 10 pair of Nitrile gloves, medium at Supply room, not 11"):
            stock.use(ctx, "GLV-M", 11)
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(PermissionDenied):
            stock.use(ctx, "GLV-M", 11, below_zero=True, reason="box opened before it was received")
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(ValidationError, match="say why"):
            stock.use(ctx, "GLV-M", 11, below_zero=True)
    with medoffice_practice.operation("manager") as ctx:
        done = stock.use(ctx, "GLV-M", 11, below_zero=True, reason="box opened before it was received")
    assert done.on_hand == -1
    assert [m.below_zero for m in done.movements] == [False, True]
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert on_hand_from_ledger(ctx) == on_hand_from_balances(ctx)


def test_a_refused_use_writes_nothing(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "GLV-M", 3, "opening stock")
    for bad in ("0", "-2", "1.5", "", "lots", "9" * 20, True, 2.0):
        with medoffice_practice.operation("frontdesk") as ctx:
            with pytest.raises(ValidationError):
                stock.use(ctx, "GLV-M", bad)
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(NotFound):
            stock.use(ctx, "NOPE", 1)
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(NotFound):
            stock.use(ctx, "GLV-M", 1, location="Garage")
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert len(ctx.session.execute(select(Movement)).all()) == 1


def test_moving_stock_keeps_its_lots_and_both_locations_add_up(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "FLU", 5, "opening stock", lot="A1", expires="2026-06-01")
    with medoffice_practice.operation("frontdesk") as ctx:
        moved = stock.transfer(ctx, "FLU", 2, "Supply room")
    assert sorted((m.location, m.lot, m.quantity) for m in moved.movements) == [
        ("Fridge", "A1", -2), ("Supply room", "A1", 2)]
    assert moved.on_hand == 5
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(ValidationError, match="already at Fridge"):
            stock.transfer(ctx, "FLU", 1, "fridge")


def test_adjusting_needs_a_reason_and_a_lot_for_tracked_items(medoffice_practice, world):
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(PermissionDenied):
            stock.adjust(ctx, "GLV-M", 5, "found a box")
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(ValidationError, match="reason is required"):
            stock.adjust(ctx, "GLV-M", 5, "  ")
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(ValidationError, match="tracked by lot"):
            stock.adjust(ctx, "FLU", 5, "found")
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(ValidationError, match="give its expiry"):
            stock.adjust(ctx, "FLU", 5, "found", lot="NEWLOT")
    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "FLU", 5, "found", lot="L1", expires="2026-05-01")
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(Conflict, match="expires on 2026-05-01, not 2026-06-01"):
            stock.adjust(ctx, "FLU", 1, "found", lot="L1", expires="2026-06-01")
    with medoffice_practice.operation("manager") as ctx:
        for bad in (0, "zero", "+", "--3", "1e3"):
            with pytest.raises(ValidationError):
                stock.adjust(ctx, "GLV-M", bad, "typo")
    with medoffice_practice.operation("manager") as ctx:
        assert stock.adjust(ctx, "FLU", "-2", "broken vial", lot="l1").on_hand == 3


def test_a_count_posts_its_variances_as_audited_adjustments(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "GLV-M", 120, "opening stock")
        stock.adjust(ctx, "SYR-3", 50, "opening stock")
        started = counts.start(ctx, "Supply room")
    assert {(r.sku, r.expected) for r in started.lines} == {("GLV-M", 120), ("SYR-3", 50), ("PAPER", 0),
                                                             ("TAPE", 0)}
    with medoffice_practice.operation("manager") as ctx:
        counts.record(ctx, started.id, "GLV-M", 110)
        counts.record(ctx, started.id, "PAPER", 4)
        counts.record(ctx, started.id, "SYR-3", 50)
    with medoffice_practice.operation("frontdesk") as ctx:
        stock.use(ctx, "GLV-M", 5)  # used while counting: the books now say 115
    with medoffice_practice.operation("manager") as ctx:
        posted = counts.post(ctx, started.id)
    assert {(r.sku, r.counted, r.variance) for r in posted.lines if r.counted is not None} == {
        ("GLV-M", 110, -5), ("PAPER", 4, 4), ("SYR-3", 50, 0)}
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert stock.item_stock(ctx, "GLV-M").on_hand == 110
        assert [m.reason for m in stock.history(ctx, "GLV-M")][:1] == [f"count {started.id}"]
        from medoffice.core.storage.models import AuditRow

        actions = [a for (a,) in ctx.session.execute(select(AuditRow.action)).all()]
        assert "inventory.count.posted" in actions
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(Conflict, match="posted already; nothing to post"):
            counts.post(ctx, started.id)


def test_the_ledger_and_the_balances_agree_after_every_kind_of_change(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "FLU", 12, "opening", lot="A", expires="2026-01-10")
        stock.adjust(ctx, "FLU", 7, "opening", lot="B", expires="2026-08-01")
        stock.adjust(ctx, "GLV-M", 100, "opening")
        stock.transfer(ctx, "FLU", 4, "Supply room")
        stock.use(ctx, "FLU", 9)
        stock.waste(ctx, "FLU", 1, "dropped", location="Supply room")
        stock.return_to_vendor(ctx, "GLV-M", 50, "recall")
        stock.use(ctx, "GLV-M", 60, below_zero=True, reason="unrecorded box")
        number = counts.start(ctx, "Fridge").id
        counts.record(ctx, number, "FLU", 1, lot="B")
        counts.post(ctx, number)
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert on_hand_from_ledger(ctx) == on_hand_from_balances(ctx)
        levels = {r.sku: r.on_hand for r in stock.stock_levels(ctx)}
    assert levels["GLV-M"] == -10
    assert levels["FLU"] == 1 + 3  # B counted at 1 in the fridge; A's 3 in the supply room


def test_one_location_has_one_open_count_at_a_time(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        first = counts.start(ctx, "Fridge").id
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(Conflict, match=f"count {first} of Fridge is still open"):
            counts.start(ctx, "fridge")
    with medoffice_practice.operation("manager") as ctx:
        counts.cancel(ctx, first)
        assert counts.start(ctx, "Fridge").id != first
