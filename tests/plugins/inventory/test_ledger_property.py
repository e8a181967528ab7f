"""Whatever the desk and the manager do, in any order, visits completing (drawing their kit)
and undone among it, on-hand is the ledger's sum, nothing is below zero, and no expired lot
is ever used (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from medoffice.core import MedofficeError
from medoffice.plugins.inventory import stock
from medoffice.plugins.inventory.models import Lot, Movement

from .conftest import on_hand_from_balances, on_hand_from_ledger

pytestmark = pytest.mark.medoffice_plugins("inventory")

SKUS = ("GLV-M", "FLU", "PAPER")
LOTS = (("OLD", "2025-12-31"), ("SOON", "2026-02-01"), ("LATE", "2026-11-30"))  # today is 2026-01-05
PLACES = ("Supply room", "Fridge")

quantity = st.integers(min_value=1, max_value=30)
operation = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(SKUS), quantity, st.sampled_from(LOTS)),
    st.tuples(st.just("use"), st.sampled_from(SKUS), quantity, st.none()),
    st.tuples(st.just("remove"), st.sampled_from(SKUS), quantity, st.none()),
    st.tuples(st.just("waste"), st.sampled_from(SKUS), quantity, st.none()),
    st.tuples(st.just("move"), st.sampled_from(SKUS), quantity, st.sampled_from(PLACES)),
    st.tuples(st.just("visit"), st.just(""), st.integers(min_value=1, max_value=3), st.none()),
    st.tuples(st.just("undo"), st.just(""), st.integers(min_value=1, max_value=3), st.none()),
)
"""``visit N``: visit N (a flu shot) completes and draws its kit; ``undo N``: its "done" is undone."""


def announce(ctx, kind, number, patient) -> None:
    """As the scheduling role announces a completed visit, or its completion undone."""
    import datetime as dt

    from medoffice.core.records import AppointmentChange, AppointmentRecord, VisitRecord

    start = dt.datetime(2026, 1, 5, 15, tzinfo=dt.timezone.utc)
    done = AppointmentRecord(number, patient, 1, "Flu shot", start, start + dt.timedelta(minutes=15),
                             status="completed")
    if kind == "visit":
        ctx.hooks.visit_completed(ctx, VisitRecord(done, start))
    else:
        ctx.hooks.appointment_changed(ctx, AppointmentChange("undone", done, previous=done, reason="completed"))


def act(ctx, kind, sku, count, extra) -> None:
    if kind == "add":
        lot, expires = extra
        tracked = sku == "FLU"
        stock.adjust(ctx, sku, count, "found", lot=lot if tracked else None, expires=expires if tracked else None)
    elif kind == "use":
        stock.use(ctx, sku, count)
    elif kind == "remove":
        stock.adjust(ctx, sku, -count, "missing")
    elif kind == "waste":
        stock.waste(ctx, sku, count, "dropped")
    elif kind == "move":
        stock.transfer(ctx, sku, count, extra)
    else:
        announce(ctx, kind, count, act.patient)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(operation, min_size=1, max_size=12))
def test_on_hand_is_always_the_ledger_sum(medoffice_practice, world, steps):
    from medoffice.core.services import patients
    from medoffice.plugins.inventory import kits

    with medoffice_practice.operation("manager") as ctx:
        if not kits.list_kits(ctx):
            kits.define(ctx, "Flu shot", {"FLU": 1, "GLV-M": 2})
            act.patient = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee",
                                                  "date_of_birth": "1970-01-02", "sex": "f"}).patient.id
    for kind, sku, count, extra in steps:
        try:
            with medoffice_practice.operation("manager") as ctx:
                act(ctx, kind, sku, count, extra)
        except MedofficeError:
            pass  # refused: rolled back whole
        with medoffice_practice.operation("manager", write=False) as ctx:
            balances = on_hand_from_balances(ctx)
            assert on_hand_from_ledger(ctx) == balances
            assert all(units > 0 for units in balances.values())
            used_old = ctx.session.execute(select(Movement.id).join(Lot, Lot.id == Movement.lot_id).where(
                Movement.kind == "used", Lot.lot_number == "OLD")).first()
            assert used_old is None
