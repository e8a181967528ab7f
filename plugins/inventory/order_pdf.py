"""A purchase order as a PDF (fpdf2), for vendors who take orders by email or fax.

It is made with :func:`medoffice.core.pdf.new_document`, as billing's statements are: the
embedded DejaVu Sans prints vendors' and items' names in their own letters (Latin with every
accent, Greek, Cyrillic), and a letter the font lacks (Chinese, say) as U+FFFD, never as a
wrong letter or ``?``. Every text goes through :func:`medoffice.core.pdf.printable`.
"""

from __future__ import annotations

from medoffice.core import Context
from medoffice.core.pdf import FAMILY, new_document, printable

from .models import Vendor
from .orders import load_order, order_record
from .permissions import READ


def render_pdf(ctx: Context, order_id) -> bytes:
    """The order as the vendor reads it, on letter paper."""
    ctx.require(READ)
    order = load_order(ctx, order_id)
    record = order_record(ctx, order)
    vendor = ctx.session.get(Vendor, order.vendor_id)
    practice = ctx.practice
    pdf = new_document(f"Purchase order {order.id}")
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, printable(practice.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 16)
    pdf.cell(0, 10, f"PURCHASE ORDER {order.id}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    day = ctx.local(order.sent_at or order.approved_at or order.created_at).date()
    pdf.cell(0, 5, f"Date: {day.isoformat()}    Status: {order.status.replace('_', ' ')}", new_x="LMARGIN",
             new_y="NEXT")
    pdf.ln(2)
    lines = [f"To: {vendor.name}" + (f" (account {vendor.account_number})" if vendor.account_number else "")]
    for label, value in (("Contact", vendor.contact), ("Phone", vendor.phone), ("Email", vendor.email),
                         ("Terms", vendor.terms), ("Deliver to", record.location)):
        if value:
            lines.append(f"{label}: {value}")
    for line in lines:
        pdf.multi_cell(0, 5, printable(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    with pdf.table(col_widths=(28, 72, 16, 26, 24, 24),
                   text_align=("LEFT", "LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT"),
                   first_row_as_headings=True) as table:
        table.row(("Vendor item", "Item", "Qty", "Pack", "Price", "Total"))
        for item in record.lines:
            table.row((printable(item.vendor_item_number or item.sku), printable(item.item), str(item.packs),
                       printable(f"{item.pack_unit}/{item.pack_size}"), f"{item.pack_price:.2f}",
                       f"{item.total:.2f}"))
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 7, f"TOTAL: {record.total:.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    if order.note:
        pdf.set_font(FAMILY, "", 10)
        pdf.multi_cell(0, 5, printable(f"Note: {order.note}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
