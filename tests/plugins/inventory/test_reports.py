"""``medoffice reports run inventory.*``: the valuation adds up to the cent, the expiry report
shows expired lots first, and open orders name what is still to come."""

from __future__ import annotations

import pytest

from medoffice.plugins.inventory import orders, receiving, stock

pytestmark = pytest.mark.medoffice_plugins("inventory")


def test_the_reports_read_the_same_stock_and_orders(medoffice_practice, cli_world):
    p = medoffice_practice
    with p.operation("manager") as ctx:
        stock.adjust(ctx, "GLV-M", 75, "opening")                                     # 75 x 11.50/50 = 17.25
        stock.adjust(ctx, "FLU", 3, "opening", lot="OLD", expires="2020-01-01")       # 3 x 18.00 = 54.00
        stock.adjust(ctx, "FLU", 4, "opening", lot="NEW", expires="2099-01-01")       # 4 x 18.00 = 72.00
        stock.adjust(ctx, "TAPE", 5, "opening")                                       # no price
        number = orders.create_order(ctx, "Harbor").id
        orders.set_line(ctx, number, "SYR-3", 3)
        orders.approve(ctx, number)
        orders.mark_sent(ctx, number)
        receiving.receive(ctx, number, {"SYR-3": 1})                                  # 100 x 0.189 = 18.90
    valued = p.cli("reports", "run", "inventory.valuation", "--json", user="billing")
    assert valued.exit_code == 0, valued.output
    rows = valued.json()["rows"]
    assert rows[-1] == ["total", "", "", "", "", "162.15"]
    assert ["FLU", "Flu vaccine", 4, 3, "dose", "126.00"] in rows
    assert "no known price" in valued.json()["notes"]
    refused = p.cli("reports", "run", "inventory.valuation", user="frontdesk")
    assert refused.exit_code == 1 and "inventory.values" in refused.stderr
    soon = p.cli("reports", "run", "inventory.expiring", "--param", "days=40000", "--json", user="frontdesk")
    assert soon.exit_code == 1 and "days must be at most 366" in soon.stderr
    listed = p.cli("reports", "run", "inventory.expiring", "--json", user="frontdesk").json()
    assert [r[4] for r in listed["rows"]] == ["OLD"] and "Value" not in listed["columns"]
    still = p.cli("reports", "run", "inventory.open_orders", "--json", user="frontdesk").json()
    assert [(r[0], r[3], r[5]) for r in still["rows"]] == [(number, "partially received", "2 x SYR-3")]
