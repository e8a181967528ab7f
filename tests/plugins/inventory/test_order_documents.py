"""The purchase order files as the vendor reads them, checked by independent readers: the CSV
re-read with the ``csv`` module as a vendor portal would (header, quantities, prices to the cent
adding up to the order's total, no cell a spreadsheet would run as a formula), and the PDF's
text extracted with pypdf (vendor, lines, total), on demo practices and with hostile names."""

from __future__ import annotations

import csv
import io
import unicodedata
from decimal import Decimal

import pytest
from pypdf import PdfReader

from medoffice.core.csvio import FORMULA_STARTS, unguard
from medoffice.core.pdf import printable
from medoffice.plugins.inventory import catalogue, order_pdf, orders

pytestmark = pytest.mark.medoffice_plugins("inventory")

HOSTILE = {
    "GLV-M": '=HYPERLINK("http://evil.example","Gloves"), size "M"',
    "SYR-3": "+1 Syringe, 3 mL; \"luer\" lock",
    "FLU": "@SUM(A1:A9) Σύριγγα Грипп vaccine",
    "PAPER": "-2+3 Paper 注射器",
}


def portal_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """The CSV as a vendor's portal reads it: RFC 4180 with the ``csv`` module."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def pdf_text(data: bytes) -> str:
    """The PDF's text as pypdf extracts it, composed, each run of white space one space."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def unspaced(text: str) -> str:
    """``text`` without white space: a table cell wraps a long name wherever it must."""
    return "".join(text.split())


def check_order(ctx, order) -> None:
    """The CSV and the PDF of ``order`` say what the order says."""
    header, rows = portal_rows(orders.document_csv(ctx, order.id))
    assert header == list(orders.CSV_COLUMNS)
    assert len(rows) == len(order.lines)
    total = Decimal("0.00")
    for row, line in zip(rows, order.lines, strict=True):
        assert all(cell[:1] not in FORMULA_STARTS for cell in row.values()), row
        assert unguard(row["description"]) == line.item and unguard(row["sku"]) == line.sku
        assert int(row["quantity"]) == line.packs
        price, amount = Decimal(row["pack_price"]), Decimal(row["line_total"])
        assert price == price.quantize(Decimal("0.01")) == line.pack_price
        assert amount == price * int(row["quantity"]) == line.total
        total += amount
    assert total == order.total
    read = pdf_text(order_pdf.render_pdf(ctx, order.id))
    assert f"PURCHASE ORDER {order.id}" in read and order.vendor in read
    assert f"TOTAL: {order.total:.2f}" in read
    for line in order.lines:
        assert unspaced(printable(line.item)) in unspaced(read), line.item
        assert f"{line.total:.2f}" in read


@pytest.fixture(params=(3, 17, 2026), ids=lambda seed: f"seed{seed}")
def demo(request, medoffice_env, medoffice_backend, medoffice_db_url):
    """A demo practice with every installed plugin (10 patients), made once per process and seed."""
    from medoffice.testing._demo import demo_runtime

    runtime = demo_runtime(medoffice_db_url, backend=medoffice_backend, seed=request.param, patient_count=10)
    yield runtime
    runtime.close()


@pytest.mark.medoffice_backends("sqlite")  # the files do not depend on the database
def test_every_demo_order_reads_back_as_it_was_ordered(demo):
    with demo.operation() as ctx:
        drafted = orders.draft_reorder(ctx).orders
        every = orders.list_orders(ctx)
        assert drafted and len(every) >= 4
        for order in every:
            check_order(ctx, order)


def test_hostile_item_names_stay_text_and_read_back_whole(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        for sku, name in HOSTILE.items():
            catalogue.update_item(ctx, sku, {"name": name, "vendor": "Harbor"})
        catalogue.update_item(ctx, "GLV-M", {"vendor_item_number": "-H2202"})
        order = orders.create_order(ctx, "Harbor")
        for sku, packs in (("GLV-M", 3), ("SYR-3", 1), ("FLU", 2), ("PAPER", 7)):
            orders.set_line(ctx, order.id, sku, packs)
        order = orders.get_order(ctx, order.id)
        text = orders.document_csv(ctx, order.id)
        check_order(ctx, order)
        read = pdf_text(order_pdf.render_pdf(ctx, order.id))
    header, rows = portal_rows(text)
    cells = {unguard(r["sku"]): r for r in rows}
    assert cells["GLV-M"]["description"].startswith("'=HYPERLINK(")
    assert cells["GLV-M"]["vendor_item_number"] == "'-H2202"
    assert cells["PAPER"]["description"] == "'-2+3 Paper 注射器"
    assert text.endswith("\r\n") and "\r\n" in text
    assert "Σύριγγα Грипп" in read and "?" not in read
    assert "Paper \ufffd\ufffd\ufffd" in read  # letters the font lacks show as a mark, not as "?"
