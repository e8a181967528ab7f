"""From the reorder list to stock on the shelf in the TUI at 80x24: the manager drafts the
orders, approves and marks one sent on the purchase orders screen, and the desk receives the
delivery line by line (a short shipment stays on backorder, a tracked item takes its lot and
expiry, an over-shipment is received only once confirmed). Keys are typed ahead, without
pauses, within each step."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from medoffice.plugins.inventory import orders, stock
from medoffice.plugins.inventory.screens.purchase_orders import PurchaseOrdersScreen
from medoffice.plugins.inventory.screens.receiving import ReceivingScreen
from medoffice.testing import wait_for
from medoffice.tui.app import MedofficeApp
from medoffice.ui import ChoiceDialog, FormDialog

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("inventory"), pytest.mark.medoffice_backends("sqlite")]

SMALL = (80, 24)


def sent_order(practice) -> int:
    """PO to Harbor for 3 boxes of gloves and 2 boxes of flu vaccine (lots tracked), sent."""
    with practice.operation("manager") as ctx:
        order = orders.create_order(ctx, "Harbor")
        orders.set_line(ctx, order.id, "GLV-M", 3)
        orders.set_line(ctx, order.id, "FLU", 2)
        orders.approve(ctx, order.id)
        orders.mark_sent(ctx, order.id)
    return order.id


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_orders(pilot) -> PurchaseOrdersScreen:
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    app.open_plugin_screen("inventory.orders")
    await wait_for(pilot, lambda: isinstance(app.screen, PurchaseOrdersScreen))
    screen = app.screen
    await wait_for(pilot, lambda: screen.rows is not None)
    return screen


async def open_receiving(pilot) -> ReceivingScreen:
    screen = await open_orders(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReceivingScreen))
    receiving = pilot.app.screen
    await wait_for(pilot, lambda: receiving.order is not None)
    assert screen is not receiving
    return receiving


async def count_line(pilot, screen, *keys: str) -> None:
    """Enter on the line, then ``keys`` typed ahead into the form; wait until it has closed."""
    await pilot.press("enter", *keys)
    await wait_for(pilot, lambda: pilot.app.screen is screen)


async def test_the_manager_approves_and_sends_what_the_reorder_list_drafted(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "GLV-M", 60, "opening")
        stock.adjust(ctx, "PAPER", 2, "opening")
        drafted = orders.draft_reorder(ctx)
    harbor, penn = sorted(drafted.orders, key=lambda o: o.vendor)
    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        screen = await open_orders(pilot)
        table = screen.query_one("#orders", DataTable)
        assert [r[1:3] for r in cells(table)] == [["Harbor", "draft"], ["Penn", "draft"]]
        await pilot.press("a", "s", "down", "a", "s")  # typed ahead: approve, send; the next, approve, send
        await wait_for(pilot, lambda: [r[2] for r in cells(table)] == ["sent", "sent"], timeout=15)
        await pilot.press("a")
        await wait_for(pilot, lambda: "not draft" in str(screen.query_one("#orders-status").render()))
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert [(o.id, o.status) for o in orders.list_orders(ctx)] == [(penn.id, "sent"), (harbor.id, "sent")]


async def test_the_desk_cannot_approve(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        order = orders.create_order(ctx, "Harbor")
        orders.set_line(ctx, order.id, "GLV-M", 1)
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_orders(pilot)
        await pilot.press("a", "enter")
        await wait_for(pilot, lambda: "only a sent order" in str(screen.query_one("#orders-status").render()))
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert orders.get_order(ctx, order.id).status == "draft"


async def test_a_short_delivery_with_a_lot_is_received_line_by_line(medoffice_practice, world):
    number = sent_order(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_receiving(pilot)
        table = screen.query_one("#receive-lines", DataTable)
        assert [r[:6] for r in cells(table)] == [["GLV-M", "Nitrile gloves, medium", "3", "0", "3", "-"],
                                                 ["FLU", "Flu vaccine", "2", "0", "2", "-"]]
        await count_line(pilot, screen, "backspace", "2", "enter")  # two of three boxes came
        await count_line(pilot, screen, "enter", *"F77", "enter", *"2030-01-31", "enter")
        assert [r[5:] for r in cells(table)] == [["2", "", ""], ["2", "F77", "2030-01-31"]]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.received is not None and not screen.busy)
        said = str(screen.query_one("#receive-status").render())
        assert "Received 4 pack(s), 383.00" in said and "partially received" in said and "backorder" in said
        await wait_for(pilot, lambda: cells(table)[0][3:6] == ["2", "1", "-"])
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        order = orders.get_order(ctx, number)
        levels = {r.sku: r.on_hand for r in stock.stock_levels(ctx)}
    assert order.status == "partially_received" and [ln.backordered for ln in order.lines] == [1, 0]
    assert (levels["GLV-M"], levels["FLU"]) == (100, 20)


async def test_a_tracked_item_without_its_lot_stays_in_the_form(medoffice_practice, world):
    sent_order(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_receiving(pilot)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormDialog))
        form = pilot.app.screen
        await pilot.press("enter", "enter", *"2030-13-01", "enter")
        await wait_for(pilot, lambda: form.query_one("#error-lot").display and not form.busy)
        assert "lot is required" in str(form.query_one("#error-lot").render())
        assert "real date" in str(form.query_one("#error-expires").render())
        await pilot.press("escape", "ctrl+s")
        await wait_for(pilot, lambda: "nothing counted yet" in str(screen.query_one("#receive-status").render()))
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert {r.sku: r.on_hand for r in stock.stock_levels(ctx)}["FLU"] == 0


async def test_an_over_shipment_is_received_only_once_confirmed(medoffice_practice, world):
    number = sent_order(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_receiving(pilot)
        await count_line(pilot, screen, "backspace", "4", "enter")  # four boxes of gloves: one over
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        await pilot.press("enter")  # the highlighted answer: go back and correct
        await wait_for(pilot, lambda: pilot.app.screen is screen)
        assert screen.received is None
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        await pilot.press("up", "enter")
        await wait_for(pilot, lambda: screen.received is not None)
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        order = orders.get_order(ctx, number)
    assert [ln.packs_received for ln in order.lines] == [4, 0] and order.status == "partially_received"


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
def test_receiving_looks_right(snap_compare, medoffice_practice, world):
    sent_order(medoffice_practice)
    app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("frontdesk"))

    async def open_it(pilot):
        screen = await open_receiving(pilot)
        await count_line(pilot, screen, "backspace", "2", "enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=open_it)

