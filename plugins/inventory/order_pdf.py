"""A purchase order as a PDF (fpdf2), for vendors who take orders by email or fax.

It uses the PDF core font Helvetica, so it needs no font files of its own: text is printed
as Latin-1, and a letter outside it (a name in Greek or Chinese, say) prints as ``?`` rather
than being silently dropped. Vendors' names, item names and numbers are almost always in
Latin-1; billing's statements, which print patients' names, embed a Unicode font instead.
"""

from __future__ import annotations

import unicodedata

from medoffice.core import Context

from .orders import load_order, order_record
from .models import Vendor
from .permissions import READ


def latin1(text: str) -> str:
    """``text`` as Helvetica prints it: composed, spaces for line breaks, control and format
    characters left out, each letter outside Latin-1 as ``?``."""
    out = []
    for ch in unicodedata.normalize("NFC", text or ""):
        if ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        else:
            out.append(ch if ord(ch) < 256 else "?")
    return "".join(out)


def render_pdf(ctx: Context, order_id) -> bytes:
    """The order as the vendor reads it, on letter paper."""
    from fpdf import FPDF

    ctx.require(READ)
    order = load_order(ctx, order_id)
    record = order_record(ctx, order)
    vendor = ctx.session.get(Vendor, order.vendor_id)
    practice = ctx.practice
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(f"Purchase order {order.id}")
    pdf.set_creator("medoffice")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, latin1(practice.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, f"PURCHASE ORDER {order.id}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
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
        pdf.multi_cell(0, 5, latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    with pdf.table(col_widths=(28, 72, 16, 26, 24, 24),
                   text_align=("LEFT", "LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT"),
                   first_row_as_headings=True) as table:
        table.row(("Vendor item", "Item", "Qty", "Pack", "Price", "Total"))
        for item in record.lines:
            table.row((latin1(item.vendor_item_number or item.sku), latin1(item.item), str(item.packs),
                       latin1(f"{item.pack_unit}/{item.pack_size}"), f"{item.pack_price:.2f}", f"{item.total:.2f}"))
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, f"TOTAL: {record.total:.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    if order.note:
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5, latin1(f"Note: {order.note}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
