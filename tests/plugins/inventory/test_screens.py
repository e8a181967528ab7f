"""The stock list in the TUI at 80x24: flags, search typed ahead, low only."""

from __future__ import annotations

import pytest

from medoffice.plugins.inventory import stock
from medoffice.plugins.inventory.screens.stock_list import StockListScreen
from medoffice.testing import check_screens, wait_for
from medoffice.tui.app import MedofficeApp

# keys and screens: their services run on both databases in their own tests; the front desk's day,
# two terminals and a random-keys pass drive every screen on PostgreSQL too (tests/tui)
pytestmark = [pytest.mark.medoffice_plugins("inventory"), pytest.mark.medoffice_backends("sqlite")]

SMALL = (80, 24)


def stocked(practice) -> None:
    """Gloves low, syringes fine, flu: 2 doses expired, 3 expiring on 2026-01-20, 10 later."""
    with practice.operation("manager") as ctx:
        stock.adjust(ctx, "GLV-M", 60, "opening")
        stock.adjust(ctx, "SYR-3", 90, "opening")
        stock.adjust(ctx, "PAPER", 8, "opening")
        stock.adjust(ctx, "FLU", 2, "opening", lot="OLD", expires="2026-01-01")
        stock.adjust(ctx, "FLU", 3, "opening", lot="SOON", expires="2026-01-20")
        stock.adjust(ctx, "FLU", 10, "opening", lot="LATE", expires="2026-09-01")


async def open_stock(pilot) -> StockListScreen:
    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    app.open_plugin_screen("inventory.stock")
    await wait_for(pilot, lambda: isinstance(app.screen, StockListScreen))
    screen = app.screen
    await wait_for(pilot, lambda: screen.view is not None)
    return screen


def rows(screen) -> list[list[str]]:
    from textual.widgets import DataTable

    table = screen.query_one("#stock", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_desk_sees_what_is_low_expired_and_expiring(medoffice_practice, world):
    stocked(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_stock(pilot)
        shown = {r[0]: r for r in rows(screen)}
        assert shown["GLV-M"][2:] == ["60", "pair", "100", "LOW"]
        assert shown["FLU"][2:] == ["13", "dose", "10", "EXPIRED SOON"]
        assert shown["SYR-3"][5] == ""
        assert "5 of 5 items" in str(screen.query_one("#stock-title").render())


async def test_search_and_low_only_typed_ahead(medoffice_practice, world):
    stocked(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_stock(pilot)
        await pilot.press("slash", *"glo", "escape", "l")  # no pauses: typed ahead
        await wait_for(pilot, lambda: screen.low_only and [r[0] for r in rows(screen)] == ["GLV-M"])
        await pilot.press("l", "slash", "backspace", "backspace", "backspace", *"pa", "enter")
        await wait_for(pilot, lambda: [r[0] for r in rows(screen)] == ["PAPER"])
        assert not screen.low_only
        await pilot.press("l")
        await wait_for(pilot, lambda: rows(screen) == [])


async def test_every_inventory_screen_mounts(medoffice_practice, world):
    await check_screens(medoffice_practice, "inventory")


@pytest.mark.medoffice_backends("sqlite")  # the look does not depend on the database
def test_the_stock_list_looks_right(snap_compare, medoffice_practice, world):
    stocked(medoffice_practice)
    app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("manager"))

    async def open_it(pilot):
        await open_stock(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=open_it)


async def test_the_list_follows_use_at_another_desk(medoffice_practice, world):
    stocked(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_stock(pilot)
        assert {r[0]: r[2] for r in rows(screen)}["SYR-3"] == "90"
        with medoffice_practice.operation("frontdesk") as ctx:  # another terminal
            stock.use(ctx, "SYR-3", 55)
        await wait_for(pilot, lambda: {r[0]: r for r in rows(screen)}["SYR-3"][2:] == ["35", "each", "40", "LOW"],
                       timeout=15)


async def test_the_desk_records_supplies_used_typed_ahead(medoffice_practice, world):
    """Find the gloves, u, 2, Enter, in one burst: two pairs used, first expiry first; more
    than there is is refused in one line and nothing is written."""
    stocked(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_stock(pilot)
        await pilot.press("slash", *"glo", "enter", "u", "2", "enter")
        await wait_for(pilot, lambda: {r[0]: r[2] for r in rows(screen)}.get("GLV-M") == "58", timeout=15)
        await pilot.press("u", *"999", "enter")
        await wait_for(pilot, lambda: any("only 58 pair" in str(n.message) for n in pilot.app._notifications),
                       timeout=15)
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert stock.item_stock(ctx, "GLV-M").on_hand == 58
        assert [(m.kind, m.quantity, m.by) for m in stock.history(ctx, "GLV-M")][0] == ("used", -2, "frontdesk")


async def open_reorder(pilot):
    from medoffice.plugins.inventory.screens.reorder import ReorderScreen

    app = pilot.app
    await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
    app.open_plugin_screen("inventory.reorder")
    await wait_for(pilot, lambda: isinstance(app.screen, ReorderScreen))
    screen = app.screen
    await wait_for(pilot, lambda: screen.rows is not None)
    return screen


def reorder_rows(screen) -> list[list[str]]:
    from textual.widgets import DataTable

    table = screen.query_one("#reorder", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_manager_drafts_the_orders_from_the_reorder_list(medoffice_practice, world):
    stocked(medoffice_practice)
    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        screen = await open_reorder(pilot)
        assert [r[0] for r in reorder_rows(screen)] == ["GLV-M"]
        assert reorder_rows(screen)[0][3:] == ["200", "0", "3 box", "Harbor"]
        await pilot.press("d")
        await wait_for(pilot, lambda: screen.drafted is not None
                       and reorder_rows(screen) and reorder_rows(screen)[0][4:6] == ["150", "-"])
        assert "Drafted PO 1 to Harbor (1 line(s), 34.50)" in str(screen.query_one("#reorder-status").render())
        await pilot.press("d")  # again: what is low is on order now
        await wait_for(pilot, lambda: "Nothing to order" in str(screen.query_one("#reorder-status").render()))
    from medoffice.plugins.inventory import orders

    with medoffice_practice.operation("manager", write=False) as ctx:
        assert [(o.vendor, o.status) for o in orders.list_orders(ctx)] == [("Harbor", "draft")]


async def test_the_desk_sees_the_reorder_list_but_drafts_nothing(medoffice_practice, world):
    stocked(medoffice_practice)
    async with medoffice_practice.pilot("frontdesk", size=SMALL) as pilot:
        screen = await open_reorder(pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: "needs inventory.order" in str(screen.query_one("#reorder-status").render()))
    from medoffice.plugins.inventory import orders

    with medoffice_practice.operation("manager", write=False) as ctx:
        assert orders.list_orders(ctx) == []


@pytest.mark.medoffice_backends("sqlite")
def test_the_reorder_list_looks_right(snap_compare, medoffice_practice, world):
    stocked(medoffice_practice)
    app = MedofficeApp(medoffice_practice.runtime, user=medoffice_practice.user("manager"))

    async def open_it(pilot):
        await open_reorder(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=open_it)


async def test_an_item_with_all_four_flags_shows_them_whole_at_80_columns(medoffice_practice, world):
    """Low, an expired lot, a lot expiring soon and a visit's kit short, among enough items
    to need a scrollbar: the flags fit their column and the columns fit 80 columns."""
    import datetime as dt

    from textual.widgets import DataTable

    from medoffice.core.records import AppointmentRecord, VisitRecord
    from medoffice.plugins.inventory import catalogue, kits, visit_supplies

    stocked(medoffice_practice)
    start = dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.timezone.utc)
    visit = AppointmentRecord(id=7, patient_id=1, provider_id=1, appointment_type="Flu shot", start=start,
                              end=start + dt.timedelta(minutes=15), status="completed")
    with medoffice_practice.operation("manager") as ctx:
        for number in range(30):
            catalogue.add_item(ctx, {"sku": f"X{number}", "name": f"Extra item {number}", "category": "office",
                                     "location": "Supply room"})
        kits.define(ctx, "Flu shot", {"FLU": 20})
        visit_supplies.draw_for_visit(ctx, VisitRecord(visit, start))
        stock.adjust(ctx, "FLU", 3, "found", lot="SOON", expires="2026-01-20")
    async with medoffice_practice.pilot("manager", size=SMALL) as pilot:
        screen = await open_stock(pilot)
        shown = {r[0]: r for r in rows(screen)}
        assert shown["FLU"][5] == "LOW EXP SOON SHORT"
        assert shown["GLV-M"][5] == "LOW"
        table = screen.query_one("#stock", DataTable)
        # The columns with their padding fit 80 columns beside the table's scrollbar.
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= SMALL[0] - 2
