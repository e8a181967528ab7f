"""Two desks on one practice: what one does to the stock shows on the other's lists by itself.

Each story runs two real apps at once, as two terminals (as tests/tui/test_two_terminals.py
does): desk A on the practice the kit made, desk B on a runtime of its own opened on the same
database, both on Monday 2026-01-05. Nobody presses a key on desk B while the change travels:
its stock list must show it by itself within :data:`WITHIN` seconds, the cursor staying on the
item B left it on. These stories run on both databases: PostgreSQL wakes a list only for the
topics the services announce, SQLite for any commit.

Below them, on PostgreSQL, every write that changes what an inventory list shows is heard by
that list's watch: the services' announcements and the screens' topics agree.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, contextmanager

import pytest
from textual.widgets import DataTable

from medoffice.core.storage.changes import ANY, matches, open_feed
from medoffice.plugins.inventory import (catalogue, counts, equipment, equipment_maintenance, imports, kits, lots,
                                         orders, receiving, stock, visit_supplies)
from medoffice.plugins.inventory.screens.equipment_due import EquipmentDueScreen
from medoffice.plugins.inventory.screens.purchase_orders import PurchaseOrdersScreen
from medoffice.plugins.inventory.screens.receiving import ReceivingScreen
from medoffice.plugins.inventory.screens.reorder import ReorderScreen
from medoffice.plugins.inventory.screens.stock_list import StockListScreen
from medoffice.testing import wait_for
from medoffice.tui.app import MedofficeApp

from .conftest import NOW

pytestmark = pytest.mark.medoffice_plugins("inventory")

SIZE = (80, 24)
WITHIN = 10.0
"""Seconds a story waits for the other desk's change to show before it fails: the feed hands
a change on within about a second; the rest is room for a loaded machine (how fast is for the
benchmarks, not for these stories)."""


# -- the two desks ---------------------------------------------------------------------------


@pytest.fixture
def other_terminal(medoffice_practice, world):
    """Desk B's runtime: the same database, opened again, as another computer opens it."""
    with medoffice_practice.another_terminal(clock=lambda: NOW) as runtime:
        yield runtime


@asynccontextmanager
async def desk(runtime, user) -> AsyncIterator[MedofficeApp]:
    """A terminal signed in as ``user``, on its home screen."""
    app = MedofficeApp(runtime, user=user)
    async with app.run_test(size=SIZE) as pilot:
        app.pilot = pilot
        await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
        yield app


async def open_stock(app: MedofficeApp) -> StockListScreen:
    app.open_plugin_screen("inventory.stock")
    await wait_for(app.pilot, lambda: isinstance(app.screen, StockListScreen) and app.screen.view is not None)
    return app.screen


async def shows(app: MedofficeApp, condition, what: str) -> None:
    """Let desk ``app`` run, without a key, until ``condition()``; fail after :data:`WITHIN` s."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < WITHIN, f"desk B did not show {what} within {WITHIN} s"
        await asyncio.sleep(0.02)


def cells(screen: StockListScreen) -> dict[str, list[str]]:
    table = screen.query_one("#stock", DataTable)
    return {str(row[0]): [str(c) for c in row] for row in (table.get_row_at(i) for i in range(table.row_count))}


async def put_cursor_on(app: MedofficeApp, screen: StockListScreen, sku: str) -> None:
    await app.pilot.press(*["down"] * [r.sku for r in screen.rows].index(sku))
    assert screen.highlighted().sku == sku


def on_the_cursor(screen: StockListScreen) -> str:
    return str(screen.query_one("#stock", DataTable).get_row_at(screen.query_one("#stock", DataTable).cursor_row)[0])


# -- the stories -----------------------------------------------------------------------------


async def test_desk_a_receives_a_delivery_and_desk_b_s_stock_list_shows_it(medoffice_practice, world,
                                                                            other_terminal):
    """Three boxes of gloves (150 pairs) were ordered and sent. B looks at the syringes on
    its stock list; A receives the delivery on its Receive screen (Enter on the line, Enter
    for the three boxes, Ctrl+S). B's list shows 150 pairs of gloves, no longer LOW, without a
    key, and B's cursor is still on the syringes."""
    with medoffice_practice.operation("manager") as ctx:
        order = orders.create_order(ctx, "Harbor")
        orders.set_line(ctx, order.id, "GLV-M", 3)
        orders.approve(ctx, order.id)
        orders.mark_sent(ctx, order.id)
        stock.adjust(ctx, "SYR-3", 90, "opening")
    user = medoffice_practice.user("frontdesk")
    async with desk(medoffice_practice.runtime, user) as a, desk(other_terminal, user) as b:
        listing = await open_stock(b)
        assert cells(listing)["GLV-M"][2:] == ["0", "pair", "100", "LOW"]
        await put_cursor_on(b, listing, "SYR-3")

        a.open_plugin_screen("inventory.orders")
        await wait_for(a.pilot, lambda: isinstance(a.screen, PurchaseOrdersScreen) and a.screen.rows)
        await a.pilot.press("enter")
        await wait_for(a.pilot, lambda: isinstance(a.screen, ReceivingScreen) and a.screen.order is not None)
        receiving_screen = a.screen
        await a.pilot.press("enter", "enter")
        await wait_for(a.pilot, lambda: a.screen is receiving_screen)
        await a.pilot.press("ctrl+s")
        await wait_for(a.pilot, lambda: receiving_screen.received is not None)

        await shows(b, lambda: cells(listing)["GLV-M"][2] == "150", "the gloves received at desk A")
        assert cells(listing)["GLV-M"][5] == ""
        assert b.screen is listing and on_the_cursor(listing) == "SYR-3", "B's cursor stays on the syringes"


async def test_the_manager_s_catalogue_changes_show_on_the_desk_s_stock_list(medoffice_practice, world,
                                                                             other_terminal):
    """The manager (desk A) adds the exam table paper and raises the syringes' reorder point
    above what is on the shelf: the desk's list (B) lists the paper and flags the syringes
    LOW by itself, its cursor still on the printer paper."""
    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "SYR-3", 50, "opening")
    async with desk(medoffice_practice.runtime, medoffice_practice.user("manager")) as a, \
            desk(other_terminal, medoffice_practice.user("frontdesk")) as b:
        listing = await open_stock(b)
        await put_cursor_on(b, listing, "PAPER")
        a.host.call(catalogue.add_item, {"sku": "TBL-P", "name": "Exam table paper", "category": "medical",
                                         "location": "Supply room"})
        await shows(b, lambda: "TBL-P" in cells(listing), "the new item")
        a.host.call(catalogue.update_item, "SYR-3", {"reorder_point": 60})
        await shows(b, lambda: cells(listing)["SYR-3"][4:] == ["60", "LOW"], "the syringes low")
        assert on_the_cursor(listing) == "PAPER", "B's cursor stays on the printer paper"


# -- what each write announces ---------------------------------------------------------------


@contextmanager
def listening(practice):
    """A feed of the practice, connected (its first "anything may have changed" read)."""
    feed = open_feed(practice.runtime.engine)
    try:
        assert feed.wait(0.5) == {ANY}
        yield feed
    finally:
        feed.close()


def heard(feed) -> frozenset[str]:
    """What one committed write announced: the first topics heard, and any that follow at once."""
    topics: set[str] = set()
    deadline = time.monotonic() + WITHIN
    while not topics and time.monotonic() < deadline:
        topics |= feed.wait(0.3)
    return frozenset(topics | feed.wait(0.2))


ITEMS_CSV = "sku,name,category,location\nGZ-4,Gauze 4x4,medical,Supply room\n"
VENDORS_CSV = "name,ordering_method\nBay Lab,phone\n"

STOCK, REORDER, ORDERS, EQUIPMENT = StockListScreen, ReorderScreen, PurchaseOrdersScreen, EquipmentDueScreen
WRITES = (
    ("an item added", lambda ctx, w: catalogue.add_item(ctx, {"sku": "TBL-P", "name": "Exam table paper",
                                                               "category": "medical", "location": "Supply room"}),
     (STOCK, REORDER)),
    ("an item's reorder point changed", lambda ctx, w: catalogue.update_item(ctx, "SYR-3", {"reorder_point": 60}),
     (STOCK, REORDER)),
    ("an item retired", lambda ctx, w: catalogue.set_active(ctx, "TAPE", False), (STOCK, REORDER)),
    ("an item restored", lambda ctx, w: catalogue.set_active(ctx, "TAPE", True), (STOCK, REORDER)),
    ("items imported", lambda ctx, w: imports.import_items(ctx, io.StringIO(ITEMS_CSV)), (STOCK, REORDER)),
    ("a vendor renamed", lambda ctx, w: catalogue.update_vendor(ctx, "Penn", {"name": "Penn Office"}),
     (REORDER, ORDERS)),
    ("vendors imported", lambda ctx, w: imports.import_vendors(ctx, io.StringIO(VENDORS_CSV)), (REORDER, ORDERS)),
    ("stock found", lambda ctx, w: stock.adjust(ctx, "FLU", 4, "found", lot="NEW", expires="2027-01-01"),
     (STOCK, REORDER)),
    ("stock used", lambda ctx, w: stock.use(ctx, "SYR-3", 5), (STOCK, REORDER)),
    ("expired lots written off", lambda ctx, w: lots.write_off_expired(ctx), (STOCK, REORDER)),
    ("a count posted", lambda ctx, w: counts.post(ctx, w["count"]), (STOCK, REORDER)),
    ("an order drafted", lambda ctx, w: orders.create_order(ctx, "Harbor"), (ORDERS,)),
    ("an order approved", lambda ctx, w: orders.approve(ctx, w["draft"]), (ORDERS, REORDER)),
    ("a delivery received", lambda ctx, w: receiving.receive(ctx, w["sent"], {"GLV-M": 1}), (STOCK, REORDER, ORDERS)),
    ("a visit's kit short", lambda ctx, w: visit_supplies.draw_for_visit(ctx, w["visit"]), (STOCK,)),
    ("a shortage dismissed", lambda ctx, w: visit_supplies.dismiss(ctx, w["shortage"](ctx), "used another"),
     (STOCK,)),
    ("a service logged", lambda ctx, w: equipment_maintenance.log_service(ctx, "ECG machine", work="checked",
                                                                         done_by="Dana"), (EQUIPMENT,)),
    ("an asset out of service", lambda ctx, w: equipment.set_in_service(ctx, "ECG machine", False, "broken"),
     (EQUIPMENT,)),
)


@pytest.mark.medoffice_backends("postgresql")  # SQLite's feed hears every commit: topics are PostgreSQL's
def test_every_write_that_changes_a_list_wakes_that_list(medoffice_practice, world):
    import datetime as dt

    from medoffice.core.records import AppointmentRecord, VisitRecord
    from medoffice.core.services import patients

    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "SYR-3", 50, "opening")
        draft = orders.create_order(ctx, "Harbor")
        orders.set_line(ctx, draft.id, "GLV-M", 1)
        sent = orders.create_order(ctx, "Harbor")
        orders.set_line(ctx, sent.id, "GLV-M", 1)
        orders.approve(ctx, sent.id)
        orders.mark_sent(ctx, sent.id)
        stock.adjust(ctx, "FLU", 2, "opening", lot="OLD", expires="2026-01-01")
        count = counts.start(ctx, "Fridge")
        counts.record(ctx, count.id, "FLU", 2, lot="OLD")
        kits.define(ctx, "Flu shot", {"PAPER": 1})
        patient = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                          "sex": "f"}).patient.id
        equipment.add_asset(ctx, {"name": "ECG machine"})
    visit = AppointmentRecord(7, patient, 1, "Flu shot", NOW, NOW + dt.timedelta(minutes=15), status="completed")
    given = {"count": count.id, "draft": draft.id, "sent": sent.id, "visit": VisitRecord(visit, NOW),
             "shortage": lambda ctx: visit_supplies.shortages(ctx)[0].id}
    missed = []
    with listening(medoffice_practice) as feed:
        for what, write, screens in WRITES:
            with medoffice_practice.operation("manager") as ctx:
                write(ctx, given)
            topics = heard(feed)
            missed += [f"{what}: {screen.__name__} watches {screen.TOPICS}, heard {sorted(topics)}"
                       for screen in screens if not matches(screen.TOPICS, topics)]
    assert missed == []
