"""A receipt becomes exactly one expense in billing's books, through the inventory provider
calling the billing role; without billing nothing is booked and nothing fails, and the
receipts are booked once each when billing comes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medoffice.core import Conflict, hookimpl
from medoffice.plugins.inventory import orders, receiving


def sent_order(practice, lines=(("GLV-M", 4), ("SYR-3", 2))) -> int:
    with practice.operation("manager") as ctx:
        number = orders.create_order(ctx, "Harbor").id
        for sku, packs in lines:
            orders.set_line(ctx, number, sku, packs)
        orders.approve(ctx, number)
        orders.mark_sent(ctx, number)
    return number


class Listener:
    """A plugin that only listens to medoffice_order_received."""

    def __init__(self) -> None:
        self.seen = []

    @hookimpl
    def medoffice_order_received(self, ctx, order):
        self.seen.append(order)


LISTENER = Listener()


@pytest.fixture
def medoffice_extra_plugins():
    import types

    from medoffice.core import PluginInfo

    module = types.SimpleNamespace(plugin_info=PluginInfo(id="order-listener", title="Order listener",
                                                          api_version=1),
                                   medoffice_order_received=LISTENER.medoffice_order_received)
    LISTENER.seen.clear()
    return [module]


@pytest.mark.medoffice_plugins("inventory", "billing")
def test_each_receipt_books_exactly_one_expense(medoffice_practice, world):
    from medoffice.plugins.billing import books

    number = sent_order(medoffice_practice)
    with medoffice_practice.operation("frontdesk") as ctx:
        first = receiving.receive(ctx, number, {"GLV-M": 2})
    with medoffice_practice.operation("frontdesk") as ctx:
        second = receiving.receive(ctx, number, {"GLV-M": 2, "SYR-3": 2})
    with medoffice_practice.operation("manager") as ctx:
        assert receiving.book_missing_expenses(ctx) == []  # every receipt has its expense already
    with medoffice_practice.operation("manager", write=False) as ctx:
        expenses = books.list_expenses(ctx)
    assert [(e.id, e.amount, e.category, e.vendor, e.reference, e.source) for e in expenses] == [
        (first.expense_id, Decimal("23.00"), "supplies", "Harbor", f"PO {number} receipt {first.id}", "inventory"),
        (second.expense_id, Decimal("60.80"), "supplies", "Harbor", f"PO {number} receipt {second.id}",
         "inventory")]
    assert [(o.order_id, o.total, [(line.item, line.quantity) for line in o.lines]) for o in LISTENER.seen] == [
        (number, Decimal("23.00"), [("Nitrile gloves, medium", 100)]),
        (number, Decimal("60.80"), [("Nitrile gloves, medium", 100), ("Syringe 3 mL", 200)])]


@pytest.mark.medoffice_plugins("inventory", "billing")
def test_a_receipt_the_books_refuse_is_not_received_at_all(medoffice_practice, world, monkeypatch):
    from medoffice.core import ValidationError
    from medoffice.plugins.billing import books

    number = sent_order(medoffice_practice)

    def refuse(ctx, draft):
        raise ValidationError("the books are closed for that month")

    monkeypatch.setattr(books, "book_expense", refuse)
    with pytest.raises(ValidationError, match="books are closed"):
        with medoffice_practice.operation("frontdesk") as ctx:
            receiving.receive(ctx, number, {"GLV-M": 2})
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert receiving.list_receipts(ctx) == []
        assert orders.get_order(ctx, number).status == "sent"
        from medoffice.plugins.inventory import stock

        assert stock.item_stock(ctx, "GLV-M").on_hand == 0


@pytest.mark.medoffice_plugins("inventory")
def test_without_billing_a_receipt_books_nothing_and_fails_nothing(medoffice_practice, world):
    number = sent_order(medoffice_practice)
    with medoffice_practice.operation("frontdesk") as ctx:
        assert ctx.role_service("billing") is None
        got = receiving.receive(ctx, number, {"GLV-M": 4, "SYR-3": 2})
    assert got.expense_id is None and got.order_status == "received" and got.total == Decimal("83.80")
    assert len(LISTENER.seen) == 1
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(Conflict, match="no enabled plugin provides billing"):
            receiving.book_missing_expenses(ctx)


@pytest.mark.medoffice_plugins("inventory", "billing")
def test_receipts_made_without_billing_are_booked_once_when_it_comes(medoffice_practice, world, monkeypatch):
    from medoffice.plugins.billing import books

    number = sent_order(medoffice_practice)
    with medoffice_practice.operation("frontdesk") as ctx:
        monkeypatch.setattr(type(ctx), "role_service", lambda self, role: None)
        got = receiving.receive(ctx, number, {"GLV-M": 4})
        monkeypatch.undo()
    assert got.expense_id is None
    with medoffice_practice.operation("manager") as ctx:
        booked = receiving.book_missing_expenses(ctx)
    with medoffice_practice.operation("manager") as ctx:
        again = receiving.book_missing_expenses(ctx)
        expenses = books.list_expenses(ctx)
    assert [r for r, _ in booked] == [got.id] and again == []
    assert [(e.id, e.amount, e.reference) for e in expenses] == [(booked[0][1], Decimal("46.00"),
                                                                  f"PO {number} receipt {got.id}")]
