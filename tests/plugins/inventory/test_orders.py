"""Reorder to par in whole packs, grouped by vendor; the purchase order's life; receiving line
by line with lots, short and over shipments and backorders; the order as text and CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from medoffice.core import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.plugins.inventory import orders, receiving, stock

pytestmark = pytest.mark.medoffice_plugins("inventory")


def stocked(practice) -> None:
    """Gloves low (60 <= 100), syringes fine (90 > 40), vaccine low (none), paper at its point (3)."""
    with practice.operation("manager") as ctx:
        stock.adjust(ctx, "GLV-M", 60, "opening")
        stock.adjust(ctx, "SYR-3", 90, "opening")
        stock.adjust(ctx, "PAPER", 3, "opening")


def test_the_reorder_list_rounds_up_to_packs_to_reach_par(medoffice_practice, world):
    stocked(medoffice_practice)
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        rows = {r.sku: r for r in orders.reorder_list(ctx)}
        low = ctx.role_service("inventory").items_below_reorder_point(ctx)
    assert sorted(rows) == ["FLU", "GLV-M", "PAPER"]  # TAPE has no par; syringes are above their point
    assert (rows["GLV-M"].on_hand, rows["GLV-M"].packs) == (60, 3)  # 140 short of 200: 2.8 boxes of 50 -> 3
    assert rows["FLU"].packs == 2 and rows["PAPER"].packs == 1
    assert low == ["Flu vaccine", "Nitrile gloves, medium", "Printer paper"]


def test_draft_reorder_makes_one_draft_per_vendor_and_nothing_twice(medoffice_practice, world):
    stocked(medoffice_practice)
    with medoffice_practice.operation("manager") as ctx:
        result = orders.draft_reorder(ctx)
    by_vendor = {o.vendor: o for o in result.orders}
    assert sorted(by_vendor) == ["Harbor", "Penn"]
    harbor = by_vendor["Harbor"]
    assert [(line.sku, line.packs, line.pack_price) for line in harbor.lines] == [
        ("FLU", 2, Decimal("180.00")), ("GLV-M", 3, Decimal("11.50"))]
    assert harbor.total == Decimal("394.50") and harbor.status == "draft"
    with medoffice_practice.operation("manager") as ctx:
        again = orders.draft_reorder(ctx)
        listed = {r.sku: (r.on_order, r.packs) for r in orders.reorder_list(ctx)}
    assert again.orders == ()
    assert listed["GLV-M"] == (150, 0)
    assert result.task_id is None  # no staff plugin: no task, the orders as before
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(PermissionDenied):
            orders.draft_reorder(ctx)


@pytest.mark.medoffice_plugins("inventory", "staff")
def test_with_the_staff_plugin_the_reorder_pass_files_one_task_for_the_role_that_orders(medoffice_practice, world):
    from medoffice.plugins.staff import tasks

    stocked(medoffice_practice)
    with medoffice_practice.operation("manager") as ctx:
        first = orders.draft_reorder(ctx)
        orders.create_order(ctx, "harbor")  # unrelated: the task counts only the pass's finds
    with medoffice_practice.operation("manager") as ctx:
        mine = tasks.mine(ctx)
    assert [(t.id, t.title, t.assignee, str(t.due_on), t.priority, t.source) for t in mine] == [
        (first.task_id, "Reorder Flu vaccine, Nitrile gloves, medium, Printer paper", "role: manager", "2026-01-05",
         "high", "inventory.reorder")]
    assert "drafted" in mine[0].note and "Approve and send" in mine[0].note
    with medoffice_practice.operation("manager") as ctx:
        stock.use(ctx, "GLV-M", 60)  # gloves run out: one more box drafted, the same open task
        again = orders.draft_reorder(ctx)
        assert len(again.orders) == 1 and again.task_id == first.task_id
        tasks.finish(ctx, first.task_id)
        assert orders.draft_reorder(ctx).task_id is None  # all that is low is on order: nothing to see to
    with medoffice_practice.operation("admin") as ctx:
        from medoffice.core.services import users

        users.revoke(ctx, "manager", "inventory.order")
        assert orders.ordering_role(ctx) == "admin"


def test_an_order_goes_from_draft_to_closed_only_in_order(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        order = orders.create_order(ctx, "harbor")
        with pytest.raises(Conflict, match="no lines to approve"):
            orders.approve(ctx, order.id)
    with medoffice_practice.operation("manager") as ctx:
        orders.set_line(ctx, order.id, "GLV-M", 2)
        with pytest.raises(ValidationError, match="give the pack price of Printer paper"):
            orders.set_line(ctx, order.id, "PAPER", 1)  # Penn's item: Harbor's price is not known
    with medoffice_practice.operation("manager") as ctx:
        orders.set_line(ctx, order.id, "PAPER", 1, pack_price="39.00")
        with pytest.raises(Conflict, match="only an approved order is sent"):
            orders.mark_sent(ctx, order.id)
    with medoffice_practice.operation("manager") as ctx:
        assert orders.approve(ctx, order.id).status == "approved"
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(Conflict, match="only a draft may be edited"):
            orders.set_line(ctx, order.id, "GLV-M", 5)
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(Conflict, match="mark it sent first"):
            receiving.receive(ctx, order.id, {"GLV-M": 1})
    with medoffice_practice.operation("manager") as ctx:
        assert orders.mark_sent(ctx, order.id).status == "sent"
    with medoffice_practice.operation("frontdesk") as ctx:
        got = receiving.receive(ctx, order.id, {"GLV-M": 2, "PAPER": 1})
    assert got.order_status == "received" and got.total == Decimal("62.00")
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(Conflict, match="cannot be cancelled"):
            orders.cancel(ctx, order.id, "changed our mind")
    with medoffice_practice.operation("manager") as ctx:
        assert orders.close(ctx, order.id).status == "closed"
    with medoffice_practice.operation("manager", write=False) as ctx:
        with pytest.raises(NotFound):
            orders.get_order(ctx, 999)


def test_receiving_short_leaves_a_backorder_and_over_needs_accepting(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        number = orders.create_order(ctx, "Harbor").id
        orders.set_line(ctx, number, "GLV-M", 4)
        orders.set_line(ctx, number, "FLU", 2)
        orders.approve(ctx, number)
        orders.mark_sent(ctx, number)
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(ValidationError) as refused:
            receiving.receive(ctx, number, {"GLV-M": 1, "FLU": 1, "SYR-3": 1, "nope": 2})
    message = refused.value.message
    assert "Flu vaccine is tracked by lot" in message and "Syringe 3 mL is not on purchase order" in message
    assert "no item with the SKU or name 'nope'" in message
    with medoffice_practice.operation("frontdesk") as ctx:
        first = receiving.receive(ctx, number, {"GLV-M": 1, "FLU": 1}, lots={"FLU": "F1"},
                                  expires={"FLU": "2026-10-31"})
    assert first.order_status == "partially_received"
    assert first.backordered == (("GLV-M", 3), ("FLU", 1))
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(Conflict, match="would be 2 more than ordered"):
            receiving.receive(ctx, number, {"GLV-M": 5})
    with medoffice_practice.operation("frontdesk") as ctx:
        second = receiving.receive(ctx, number, {"GLV-M": 5, "FLU": 1}, lots={"flu": "F1"}, accept_over=True)
    assert second.order_status == "received"
    assert [(line.sku, line.over) for line in second.lines] == [("GLV-M", 2), ("FLU", 0)]
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        flu = stock.item_stock(ctx, "FLU")
        gloves = stock.item_stock(ctx, "GLV-M")
    assert [(r.location, r.lot, r.on_hand) for r in flu.rows] == [("Fridge", "F1", 20)]
    assert gloves.on_hand == 300


def test_closing_with_backorders_needs_a_reason_and_cancelling_after_a_receipt_is_refused(medoffice_practice,
                                                                                          world):
    with medoffice_practice.operation("manager") as ctx:
        number = orders.create_order(ctx, "Harbor").id
        orders.set_line(ctx, number, "SYR-3", 3)
        orders.approve(ctx, number)
        orders.mark_sent(ctx, number)
        receiving.receive(ctx, number, {"SYR-3": 1})
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(Conflict, match="close it instead"):
            orders.cancel(ctx, number, "too slow")
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(ValidationError, match="still has backorders"):
            orders.close(ctx, number)
    with medoffice_practice.operation("manager") as ctx:
        closed = orders.close(ctx, number, reason="vendor discontinued it")
    assert closed.status == "closed" and closed.lines[0].backordered == 2
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert orders.reorder_list(ctx) == [] or all(r.sku != "SYR-3" for r in orders.reorder_list(ctx))


def test_the_order_prints_as_text_and_as_csv_a_spreadsheet_will_not_run(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        from medoffice.plugins.inventory import catalogue

        catalogue.update_item(ctx, "TAPE", {"name": "=HYPERLINK(\"x\")", "vendor": "Harbor", "pack_price": "9.99"})
        number = orders.create_order(ctx, "Harbor", note="deliver before noon").id
        orders.set_line(ctx, number, "GLV-M", 3)
        orders.set_line(ctx, number, "TAPE", 1)
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        text = orders.document_text(ctx, number)
        sheet = orders.document_csv(ctx, number)
    assert f"PURCHASE ORDER {number}" in text and "Harbor (account H-1)" in text
    assert "H-2202" in text and "34.50" in text and "44.49" in text and "deliver before noon" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    rows = list(csv.DictReader(io.StringIO(sheet)))
    assert [(r["vendor_item_number"], r["quantity"], r["line_total"]) for r in rows] == [
        ("H-2202", "3", "34.50"), ("", "1", "9.99")]
    assert rows[1]["description"].startswith("'=")


def test_the_order_prints_as_a_pdf_the_vendor_can_read(medoffice_practice, world):
    from pypdf import PdfReader

    from medoffice.plugins.inventory import catalogue, order_pdf

    with medoffice_practice.operation("manager") as ctx:
        catalogue.update_vendor(ctx, "Harbor", {"contact": "Zoë Ångström Παπαδοπούλου", "note": None})
        catalogue.update_item(ctx, "TAPE", {"name": "Tape 胶带", "vendor": "Harbor", "pack_price": "9.99"})
        number = orders.create_order(ctx, "Harbor").id
        orders.set_line(ctx, number, "GLV-M", 3)
        orders.set_line(ctx, number, "TAPE", 2)
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        data = order_pdf.render_pdf(ctx, number)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert data.startswith(b"%PDF") and f"PURCHASE ORDER {number}" in text
    assert "Contact: Zoë Ångström Παπαδοπούλου" in text  # the embedded font: their own letters
    assert "Tape \ufffd\ufffd" in text and "?" not in text  # letters it lacks: a mark, never a "?"
    assert "H-2202" in text and "34.50" in text and "TOTAL: 54.48" in text


def test_printing_a_pdf_needs_a_file_and_writes_it_whole(medoffice_practice, cli_world, tmp_path):
    with medoffice_practice.operation("manager") as ctx:
        number = str(orders.create_order(ctx, "Harbor").id)
        orders.set_line(ctx, number, "GLV-M", 1)
    bare = medoffice_practice.cli("inventory", "po", "print", number, "--pdf")
    assert bare.exit_code == 2 and "give it with --to" in bare.stderr
    both = medoffice_practice.cli("inventory", "po", "print", number, "--pdf", "--csv", "--to", str(tmp_path / "x"))
    assert both.exit_code == 2
    missing = medoffice_practice.cli("inventory", "po", "print", "99", "--pdf", "--to", str(tmp_path / "po.pdf"))
    assert missing.exit_code == 1 and not (tmp_path / "po.pdf").exists()
    done = medoffice_practice.cli("inventory", "po", "print", number, "--pdf", "--to", str(tmp_path / "po.pdf"))
    assert done.exit_code == 0, done.output
    assert (tmp_path / "po.pdf").read_bytes().startswith(b"%PDF")


def test_lots_may_be_named_by_sku_or_name_and_a_receipt_is_not_dated_ahead(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        number = orders.create_order(ctx, "Harbor").id
        orders.set_line(ctx, number, "FLU", 1)
        orders.approve(ctx, number)
        orders.mark_sent(ctx, number)
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(ValidationError, match="a day still to come"):
            receiving.receive(ctx, number, {"FLU": 1}, lots={"FLU": "X"}, expires={"FLU": "2027-01-01"},
                              received_on="2026-01-06")
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(ValidationError, match="a lot or expiry is given for 'GLV-M', but no packs of it"):
            receiving.receive(ctx, number, {"FLU": 1}, lots={"FLU": "X", "GLV-M": "Y"}, expires={"FLU": "2027-01-01"})
    with medoffice_practice.operation("frontdesk") as ctx:
        got = receiving.receive(ctx, number, {"flu vaccine": 1}, lots={"FLU": "X9"},
                                expires={"Flu Vaccine": "2027-01-01"}, received_on="2026-01-02")
    assert [(line.lot, str(line.expires_on)) for line in got.lines] == [("X9", "2027-01-01")]
    assert str(got.received_on) == "2026-01-02"


def test_a_retired_item_leaves_the_reorder_list_and_is_not_ordered(medoffice_practice, world):
    from medoffice.plugins.inventory import catalogue

    with medoffice_practice.operation("manager") as ctx:
        stock.adjust(ctx, "PAPER", 2, "opening")
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(Conflict, match="has 2 ream on hand"):
            catalogue.set_active(ctx, "PAPER", False)
    with medoffice_practice.operation("manager") as ctx:
        stock.waste(ctx, "PAPER", 2, "water damage")
        number = orders.create_order(ctx, "Harbor").id
        orders.set_line(ctx, number, "SYR-3", 1)
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(Conflict, match="on an open purchase order"):
            catalogue.set_active(ctx, "SYR-3", False)
    with medoffice_practice.operation("manager") as ctx:
        assert not catalogue.set_active(ctx, "PAPER", False).active
        assert "PAPER" not in [r.sku for r in orders.reorder_list(ctx)]
        assert "PAPER" not in [i.sku for i in catalogue.list_items(ctx)]
        with pytest.raises(Conflict, match="is retired"):
            orders.set_line(ctx, number, "PAPER", 1, pack_price="40")
    with medoffice_practice.operation("manager") as ctx:
        assert catalogue.set_active(ctx, "paper", True).active
        assert "PAPER" in [r.sku for r in orders.reorder_list(ctx)]
