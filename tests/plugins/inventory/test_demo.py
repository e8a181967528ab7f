"""The demo practice comes with a supply room: items across the categories, some low, lots
expiring and expired, orders at several steps, and each receipt's one expense in billing."""

from __future__ import annotations

import pytest

from medoffice.plugins.inventory import catalogue, kits, lots, orders, receiving, stock

from .conftest import on_hand_from_balances, on_hand_from_ledger


@pytest.fixture
def demo(medoffice_env, medoffice_backend, medoffice_db_url):
    """The demo with every installed plugin (seed 3, 10 patients), made once per process and copied."""
    from medoffice.testing._demo import demo_runtime

    runtime = demo_runtime(medoffice_db_url, backend=medoffice_backend, seed=3, patient_count=10)
    yield runtime
    runtime.close()


def test_the_office_manager_finds_a_supply_room_with_work_to_do(demo):
    from medoffice.plugins.billing import books

    with demo.operation(write=False) as ctx:
        items = catalogue.list_items(ctx)
        low = ctx.role_service("inventory").items_below_reorder_point(ctx)
        soon, gone = lots.expiring(ctx, 30), lots.expired(ctx)
        all_orders = {o.status: o for o in orders.list_orders(ctx)}
        receipts = receiving.list_receipts(ctx)
        expenses = [e for e in books.list_expenses(ctx) if e.source == "inventory"]
        ledger_agrees = on_hand_from_ledger(ctx) == on_hand_from_balances(ctx)
        levels = stock.stock_levels(ctx)
        kinds = {k.appointment_type for k in kits.list_kits(ctx)}
    assert len(items) == 40 and {i.category for i in items} == {"medical", "office", "drug", "lab"}
    assert all(i.ndc for i in items if i.category == "drug")
    assert 3 <= len(low) < len(items)
    assert soon.rows and gone.rows and gone.total_value > 0
    assert {"closed", "partially_received", "draft"} <= set(all_orders)
    assert all_orders["partially_received"].lines[1].backordered == 1
    assert sorted(r.expense_id for r in receipts) == sorted(e.id for e in expenses) and len(expenses) == 2
    assert ledger_agrees
    assert all(r.on_hand >= 0 for r in levels)
    assert {"New patient", "Follow-up", "Sick visit", "Annual physical", "Flu shot"} == kinds



def test_the_demo_visits_done_last_week_drew_their_kits_first_expiry_first(demo):
    """The scheduling demo completes the last working days' visits through the day's flow;
    each drew its kit (never from the expired lot of urine strips), so the usage report has
    visit types and the ledger names the visits."""
    import datetime as dt

    from medoffice.core.services.reports import run
    from medoffice.plugins.inventory import visit_supplies

    with demo.operation(write=False) as ctx:
        schedule = ctx.role_service("scheduling")
        today = ctx.local(ctx.now()).date()
        done = [a for back in range(1, 8) for a in schedule.day_appointments(ctx, today - dt.timedelta(days=back))
                if a.status == "completed"]
        draws = [visit_supplies.visit_draw(ctx, a.id) for a in done]
        by_type = run(ctx, "inventory.usage_by_visit_type", {"months": "1"})
        paper = stock.history(ctx, "PAPER-EX", limit=500)
        short = visit_supplies.shortages(ctx)
    assert len(done) >= 8
    assert all(d.status == "drawn" and d.taken for d in draws)
    assert {"Sick visit", "Annual physical"} & {row[1] for row in by_type.rows}
    assert {f"visit {a.id}" for a in done} <= {m.reference for m in paper if m.kind == "used"}
    strips = {lot for d in draws for sku, lot, _units in d.taken if sku == "UA-STRIP"}
    assert strips <= {"UA24031"}
    assert not short
