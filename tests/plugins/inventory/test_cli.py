"""``medoffice inventory …`` as the manager and the front desk type it: --json, one-line
errors with exit 1, usage errors with exit 2, and nothing written on a refusal."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.medoffice_plugins("inventory")


def ok(practice, *args, user="manager"):
    result = practice.cli(*args, "--json", user=user)
    assert result.exit_code == 0, result.output
    return result.json()


def refused(result, code: int, words: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert words in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 or code == 2, result.stderr


def test_a_delivery_from_reorder_to_stock_on_the_command_line(medoffice_practice, cli_world, tmp_path):
    p = medoffice_practice
    ok(p, "inventory", "stock", "adjust", "GLV-M", "--add", "60", "--reason", "opening stock")
    low = ok(p, "inventory", "reorder", "list", user="frontdesk")
    assert {r["sku"]: r["packs"] for r in low}["GLV-M"] == 3
    drafted = ok(p, "inventory", "reorder", "draft")
    harbor = next(o for o in drafted["orders"] if o["vendor"] == "Harbor")
    number = str(harbor["id"])
    ok(p, "inventory", "po", "approve", number)
    ok(p, "inventory", "po", "send", number)
    text = p.cli("inventory", "po", "print", number, user="frontdesk")
    assert text.exit_code == 0 and f"PURCHASE ORDER {number}" in text.stdout
    target = tmp_path / "po.csv"
    saved = p.cli("inventory", "po", "print", number, "--csv", "--to", str(target))
    assert saved.exit_code == 0 and target.read_text().startswith("vendor_item_number,sku,")
    got = ok(p, "inventory", "receive", number, "--item", "GLV-M=3", "--item", "FLU=2", "--item", "syr-3=1", "--lot", "FLU=F77",
             "--expires", "FLU=2030-01-31", user="frontdesk")
    assert got["order_status"] == "received" and got["expense_id"] is None and got["total"] == "413.40"
    stock = {r["sku"]: r["on_hand"] for r in ok(p, "inventory", "stock", "list")}
    assert stock["GLV-M"] == 210 and stock["FLU"] == 20
    used = ok(p, "inventory", "use", "FLU", "2", "--appointment", "41", user="frontdesk")
    assert [(m["lot"], m["quantity"]) for m in used["movements"]] == [("F77", -2)]
    history = ok(p, "inventory", "stock", "history", "FLU")
    assert [m["kind"] for m in history] == ["used", "received"]
    assert history[0]["reference"] == "visit 41"


def test_refusals_are_one_line_and_write_nothing(medoffice_practice, cli_world):
    p = medoffice_practice
    ok(p, "inventory", "stock", "adjust", "GLV-M", "--add", "1", "--reason", "last box")
    refused(p.cli("inventory", "use", "GLV-M", "2", user="frontdesk"), 1, "only 1 pair of Nitrile gloves")
    refused(p.cli("inventory", "use", "GLV-M", "0", user="frontdesk"), 1, "quantity must be at least 1")
    refused(p.cli("inventory", "use", "GLV-M", "1e3", user="frontdesk"), 1, "whole number")
    refused(p.cli("inventory", "use", "NOPE", "1", user="frontdesk"), 1, "no item with the SKU or name 'NOPE'")
    refused(p.cli("inventory", "use", "GLV-M", "2", "--below-zero", "--reason", "x", user="frontdesk"), 1,
            "lacks the permission 'inventory.below_zero'")
    refused(p.cli("inventory", "stock", "adjust", "GLV-M", "--add", "1", "--reason", "x", user="frontdesk"), 1,
            "lacks the permission 'inventory.adjust'")
    refused(p.cli("inventory", "stock", "adjust", "GLV-M", "--reason", "x"), 2, "exactly one of --add and --remove")
    refused(p.cli("inventory", "use", "GLV-M", "1", "--appointment", "0"), 2, "is not an id")
    refused(p.cli("inventory", "po", "show", "abc"), 2, "is not an id")
    refused(p.cli("inventory", "po", "show", "99"), 1, "no purchase order 99")
    refused(p.cli("inventory", "receive", "1", "--item", "GLV-M"), 2, "expected FIELD=VALUE")
    refused(p.cli("inventory", "items", "add", "bad sku!", "Thing", "--category", "medical", "--location",
                  "Supply room"), 1, "SKU must be letters")
    refused(p.cli("inventory", "items", "add", "X1", "Thing\x1b[2J", "--category", "medical", "--location",
                  "Supply room"), 1, "name")
    refused(p.cli("inventory", "items", "add", "X1", "Thing", "--category", "food", "--location", "Supply room"), 2,
            "food")
    refused(p.cli("inventory", "items", "add", "X2", "Thing", "--category", "medical", "--location", "Nowhere",
                  "--pack-price", "1.005", "--par", "5", "--reorder-point", "9"), 1, "more than two decimals")
    refused(p.cli("inventory", "lots", "expiring", "--days", "9999"), 1, "days must be at most 366")
    refused(p.cli("inventory", "items", "edit", "GLV-M", "--set", "sku=syr-3"), 1,
            "there is already an item with the SKU 'SYR-3'")
    refused(p.cli("inventory", "items", "edit", "GLV-M", "--set", "name=Flu vaccine"), 1,
            "there is already an item with the name 'Flu vaccine'")
    refused(p.cli("inventory", "receive", "1", "--item", "GLV-M=1", "--on", "1900-01-01"), 1,
            "entered at most 366 days late")
    refused(p.cli("inventory", "receipts", "export-fhir", "--order", "99"), 1, "no purchase order 99")
    refused(p.cli("inventory", "receipts", "export-fhir", "--from", "2026-02-01", "--to", "2026-01-01"), 1,
            "is before the first")
    on_hand = {r["sku"]: r["on_hand"] for r in ok(p, "inventory", "stock", "list")}
    assert on_hand["GLV-M"] == 1
    assert sorted(i["sku"] for i in ok(p, "inventory", "items", "list")) == ["FLU", "GLV-M", "PAPER", "SYR-3", "TAPE"]


def test_values_are_shown_only_to_those_who_may_see_them(medoffice_practice, cli_world):
    p = medoffice_practice
    ok(p, "inventory", "stock", "adjust", "GLV-M", "--add", "100", "--reason", "opening stock")
    billing = {r["sku"]: r["value"] for r in ok(p, "inventory", "stock", "list", user="billing")}
    desk = {r["sku"]: r["value"] for r in ok(p, "inventory", "stock", "list", user="frontdesk")}
    assert billing["GLV-M"] == "23.00" and desk["GLV-M"] is None
    table = p.cli("inventory", "stock", "list", "--low", user="frontdesk")
    assert table.exit_code == 0 and "LOW" in table.stdout and "23.00" not in table.stdout


def test_the_dashboard_names_what_is_low(medoffice_practice, cli_world):
    cards = medoffice_practice.cli("dashboard", "--json", user="manager")
    assert cards.exit_code == 0, cards.output
    card = next(c for c in cards.json()["cards"] if c["title"] == "Supplies to reorder")
    assert card["value"] == "4" and card["detail"].startswith("Flu vaccine, Nitrile gloves, medium, Printer paper")
