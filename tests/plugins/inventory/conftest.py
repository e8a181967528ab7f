"""A practice set up for inventory: two locations, two vendors, a handful of items.

``world`` builds it through the plugin's services, as the office manager would, and fixes the
practice's clock on Monday 2026-01-05 15:00 UTC (10:00 in New York), so "today" is 2026-01-05.

Locations: Supply room, Fridge. Vendors: Harbor (medical), Penn (office).
Items (SKU: unit, pack, par/reorder point, vendor, pack price):
- GLV-M  gloves:   pair, box of 50, 200/100, Harbor, 11.50 (no lots; home Supply room)
- SYR-3  syringes: each, box of 100, 100/40, Harbor, 18.90
- FLU    vaccine:  dose, box of 10, 20/10, Harbor, 180.00, lots tracked (home Fridge)
- PAPER  paper:    ream, case of 10, 10/3, Penn, 44.90
- TAPE   tape:     roll, box of 12, 0/0 (no par: never reordered), no vendor
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from medoffice.plugins.inventory import catalogue

NOW = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.timezone.utc)
TODAY = dt.date(2026, 1, 5)

ITEMS = (
    {"sku": "GLV-M", "name": "Nitrile gloves, medium", "category": "medical", "unit": "pair", "pack_size": 50,
     "par": 200, "reorder_point": 100, "location": "Supply room", "vendor": "Harbor", "vendor_item_number": "H-2202",
     "pack_price": "11.50", "lead_time_days": 3},
    {"sku": "SYR-3", "name": "Syringe 3 mL", "category": "medical", "unit": "each", "pack_size": 100, "par": 100,
     "reorder_point": 40, "location": "Supply room", "vendor": "Harbor", "pack_price": "18.90"},
    {"sku": "FLU", "name": "Flu vaccine", "category": "drug", "unit": "dose", "pack_size": 10, "tracks_lots": True,
     "par": 20, "reorder_point": 10, "location": "Fridge", "vendor": "Harbor", "pack_price": "180.00",
     "ndc": "49281-0421-10"},
    {"sku": "PAPER", "name": "Printer paper", "category": "office", "unit": "ream", "pack_unit": "case",
     "pack_size": 10, "par": 10, "reorder_point": 3, "location": "Supply room", "vendor": "Penn",
     "pack_price": "44.90"},
    {"sku": "TAPE", "name": "Medical tape", "category": "medical", "unit": "roll", "pack_size": 12,
     "location": "Supply room"},
)


def build_world(practice_fixture, *, fix_clock: bool = True) -> SimpleNamespace:
    if fix_clock:
        practice_fixture.runtime.clock = lambda: NOW
    with practice_fixture.operation("manager") as ctx:
        catalogue.add_location(ctx, "Supply room")
        catalogue.add_location(ctx, "Fridge", note="2-8 C")
        catalogue.add_vendor(ctx, {"name": "Harbor", "account_number": "H-1", "terms": "net 30",
                                   "ordering_method": "portal"})
        catalogue.add_vendor(ctx, {"name": "Penn", "ordering_method": "email"})
        for item in ITEMS:
            catalogue.add_item(ctx, item)
    return SimpleNamespace(today=TODAY)


@pytest.fixture
def world(medoffice_practice) -> SimpleNamespace:
    """Built once per test process on the fixed clock and copied for each test (``Practice.seed``)."""
    built = medoffice_practice.seed(build_world)
    medoffice_practice.runtime.clock = lambda: NOW
    return built


@pytest.fixture
def cli_world(medoffice_practice) -> SimpleNamespace:
    """The world on the real clock: each command opens a runtime of its own."""
    return build_world(medoffice_practice, fix_clock=False)


def on_hand_from_ledger(ctx) -> dict:
    """On hand per (item, location, lot key) summed from the movements: the ledger's truth."""
    from sqlalchemy import func, literal_column, select

    from medoffice.plugins.inventory.models import Movement

    lot = func.coalesce(Movement.lot_id, literal_column("0"))
    rows = ctx.session.execute(select(Movement.item_id, Movement.location_id, lot, func.sum(Movement.quantity))
                               .group_by(Movement.item_id, Movement.location_id, lot)).all()
    return {(i, loc, lot): int(q) for i, loc, lot, q in rows if q}


def on_hand_from_balances(ctx) -> dict:
    from sqlalchemy import select

    from medoffice.plugins.inventory.models import Balance

    return {(b.item_id, b.location_id, b.lot_key): b.on_hand
            for b in ctx.session.execute(select(Balance)).scalars() if b.on_hand}
