"""The inventory part of the demo practice (``medoffice demo``): a supply room and a vaccine
fridge, two vendors, forty items across the categories, stock with lots, orders at several
steps, and a supply kit for each of the demo's appointment types, so that the reorder list,
the expiry lists, receiving and completing a visit all have work.

What the demo holds (dates relative to the day the demo is made):

- Opening stock, entered as adjustments ("opening stock") in lots where lots are tracked:
  most items comfortably above their reorder point, a few at or below it (the dashboard's
  "Supplies to reorder" card and ``reorder list`` show them), one vaccine lot expiring in
  about three weeks, one in about two months, and one lot of urine test strips expired.
- Kits for the scheduling demo's appointment types (and a flu shot visit): a visit the demo
  completes, or the desk completes later, draws its kit first expiry first.
- A purchase order received in full a week ago (its expense is in billing's books when
  billing is enabled, through the same path as any receipt), one sent and partly received
  (a backorder still to come), and one draft.

Everything goes through the plugin's own services (validated, audited), as the system user,
in the demo's unit of work. The same seed gives the same demo on the same day.
"""

from __future__ import annotations

import datetime as dt
import random

from medoffice.core.context import Context

from medoffice.core.records import VisitRecord

from . import catalogue, kits, orders, receiving, stock, visit_supplies
from .common import today

LOCATIONS = (("Supply room", "Shelves behind the nurses' station"), ("Vaccine fridge", "2-8 C, logged twice a day"),
             ("Front desk", "Office supplies"))
VENDORS = (
    {"name": "Harbor Medical Supply", "contact": "Dana Reyes", "phone": "(555) 013-2200",
     "email": "orders@harbor-medical.example", "account_number": "HMS-40721", "terms": "net 30",
     "ordering_method": "portal"},
    {"name": "Penn Office Products", "contact": "Sam Ortiz", "phone": "(555) 013-4410",
     "email": "sales@penn-office.example", "account_number": "PO-1188", "terms": "net 15", "ordering_method": "email"},
)
H, P = VENDORS[0]["name"], VENDORS[1]["name"]

# sku, name, category, unit, pack unit, pack size, lots?, par, reorder point, home, vendor, vendor item,
# pack price, lead days, ndc, opening stock (units)
ITEMS = (
    ("GLV-S", "Nitrile gloves, small", "medical", "pair", "box", 50, False, 300, 100, 0, H, "HM-2201", "11.50", 3,
     None, 240),
    ("GLV-M", "Nitrile gloves, medium", "medical", "pair", "box", 50, False, 400, 150, 0, H, "HM-2202", "11.50", 3,
     None, 120),
    ("GLV-L", "Nitrile gloves, large", "medical", "pair", "box", 50, False, 300, 100, 0, H, "HM-2203", "11.50", 3,
     None, 260),
    ("SYR-3", "Syringe 3 mL with needle", "medical", "each", "box", 100, False, 300, 100, 0, H, "HM-3103", "18.90",
     5, None, 350),
    ("SYR-1", "Syringe 1 mL tuberculin", "medical", "each", "box", 100, False, 200, 60, 0, H, "HM-3101", "16.40", 5,
     None, 180),
    ("ALC-PAD", "Alcohol prep pads", "medical", "each", "box", 200, False, 800, 200, 0, H, "HM-1150", "4.20", 3,
     None, 150),
    ("GAUZE-2", "Gauze sponges 2x2", "medical", "each", "pack", 200, False, 400, 100, 0, H, "HM-1402", "6.75", 3,
     None, 520),
    ("BAND-ADH", "Adhesive bandages", "medical", "each", "box", 100, False, 300, 80, 0, H, "HM-1510", "5.10", 3,
     None, 90),
    ("PAPER-EX", "Exam table paper roll", "medical", "roll", "case", 12, False, 24, 8, 0, H, "HM-5001", "39.00", 7,
     None, 30),
    ("SHARPS-1", "Sharps container 1 qt", "medical", "each", "case", 20, False, 10, 4, 0, H, "HM-6201", "48.00", 7,
     None, 12),
    ("TONGUE-D", "Tongue depressors", "medical", "each", "box", 500, False, 1000, 250, 0, H, "HM-1020", "7.90", 5,
     None, 1400),
    ("SPEC-CUP", "Specimen cups", "lab", "each", "case", 100, False, 200, 50, 0, H, "HM-7010", "22.00", 5, None, 160),
    ("UA-STRIP", "Urine test strips", "lab", "strip", "bottle", 100, True, 300, 100, 0, H, "HM-7210", "29.50", 5,
     None, None),
    ("STREP-KIT", "Rapid strep test kit", "lab", "test", "kit", 25, True, 50, 20, 0, H, "HM-7305", "87.50", 7, None,
     None),
    ("FLU-VAX", "Influenza vaccine, 0.5 mL", "drug", "dose", "box", 10, True, 60, 20, 1, H, "HM-9001", "182.00", 10,
     "49281-0421-10", None),
    ("TDAP-VAX", "Tdap vaccine, 0.5 mL", "drug", "dose", "box", 10, True, 20, 10, 1, H, "HM-9012", "412.00", 10,
     "58160-0842-52", None),
    ("B12-INJ", "Vitamin B12 1000 mcg/mL vial", "drug", "vial", "box", 25, True, 25, 10, 0, H, "HM-9120", "31.00",
     7, "0517-0031-25", None),
    ("PPD-TST", "Tuberculin PPD, 1 mL vial", "drug", "vial", "box", 1, True, 6, 2, 1, H, "HM-9207", "96.00", 10,
     "49281-0752-21", None),
    ("PAPER-PR", "Printer paper, letter", "office", "ream", "case", 10, False, 20, 6, 2, P, "PN-100", "44.90", 2,
     None, 14),
    ("TONER-BK", "Toner cartridge, black", "office", "each", "each", 1, False, 4, 1, 2, P, "PN-TN760", "79.99", 2,
     None, 1),
    ("PEN-BLU", "Ballpoint pens, blue", "office", "each", "box", 12, False, 48, 12, 2, P, "PN-220", "6.49", 2, None,
     40),
    ("CLIPBRD", "Clipboards", "office", "each", "pack", 6, False, 12, 4, 2, P, "PN-330", "15.00", 2, None, 9),
    ("ENV-10", "Envelopes #10", "office", "each", "box", 500, False, 500, 150, 2, P, "PN-410", "24.00", 2, None,
     600),
    ("LABEL-AD", "Address labels", "office", "sheet", "pack", 100, False, 100, 30, 2, P, None, "18.00", 2, None,
     25),
    ("GLV-XL", "Nitrile gloves, extra large", "medical", "pair", "box", 50, False, 100, 30, 0, H, "HM-2204", "12.10",
     3, None, 80),
    ("MASK-PR", "Procedure masks, ear loop", "medical", "each", "box", 50, False, 300, 100, 0, H, "HM-1801", "8.40",
     3, None, 420),
    ("GOWN-PT", "Patient gowns, disposable", "medical", "each", "case", 50, False, 100, 30, 0, H, "HM-1910", "42.00",
     5, None, 75),
    ("COTTON-B", "Cotton balls, non-sterile", "medical", "each", "bag", 1000, False, 1000, 250, 0, H, "HM-1030",
     "5.60", 3, None, 1800),
    ("SPEC-VAG", "Vaginal speculum, medium", "medical", "each", "box", 25, False, 50, 15, 0, H, "HM-4102", "21.50",
     5, None, 40),
    ("LUBE-PK", "Lubricating jelly packets", "medical", "each", "box", 144, False, 144, 40, 0, H, "HM-4210", "9.80",
     3, None, 200),
    ("NDL-25", "Needle 25 G x 1 in", "medical", "each", "box", 100, False, 200, 60, 0, H, "HM-3125", "7.20", 5,
     None, 240),
    ("LANCET", "Safety lancets", "lab", "each", "box", 200, False, 200, 60, 0, H, "HM-7120", "14.50", 5, None, 310),
    ("GLU-STRIP", "Glucose test strips", "lab", "strip", "box", 50, True, 100, 30, 0, H, "HM-7220", "34.00", 5, None,
     None),
    ("TUBE-LAV", "Blood tubes, lavender top 4 mL", "lab", "each", "rack", 100, True, 200, 50, 0, H, "HM-7410",
     "26.00", 7, None, None),
    ("SWAB-NP", "Nasopharyngeal swabs", "lab", "each", "box", 50, False, 100, 30, 0, H, "HM-7330", "19.75", 5, None,
     60),
    ("HEPB-VAX", "Hepatitis B vaccine, adult 1 mL", "drug", "dose", "box", 10, True, 10, 4, 1, H, "HM-9031",
     "598.00", 10, "58160-0821-52", None),
    ("LIDO-1", "Lidocaine 1%, 20 mL vial", "drug", "vial", "box", 25, True, 25, 8, 0, H, "HM-9302", "47.50", 7,
     "63323-0485-27", None),
    ("CEFT-500", "Ceftriaxone 500 mg vial", "drug", "vial", "box", 10, True, 10, 4, 0, H, "HM-9410", "38.00", 7,
     "60505-6104-04", None),
    ("STAPLES", "Staples, standard", "office", "box", "pack", 5, False, 10, 3, 2, P, "PN-510", "6.25", 2, None, 7),
    ("FOLDER-L", "File folders, letter", "office", "each", "box", 100, False, 100, 30, 2, P, "PN-620", "16.90", 2,
     None, 140),
)

LOTS = (
    # sku, lot, expires in (days from today; negative: expired), units
    ("UA-STRIP", "UA23117", -12, 60),
    ("UA-STRIP", "UA24031", 200, 100),
    ("STREP-KIT", "SK5530", 150, 30),
    ("FLU-VAX", "FL4417A", 21, 8),
    ("FLU-VAX", "FL4502B", 140, 20),
    ("TDAP-VAX", "TD0921", 63, 6),
    ("B12-INJ", "B12-7731", 300, 12),
    ("PPD-TST", "PPD2210", 85, 2),
    ("GLU-STRIP", "GS8812", 45, 150),
    ("TUBE-LAV", "LV3307", 240, 180),
    ("HEPB-VAX", "HB6620", 70, 8),
    ("LIDO-1", "LD1185", 330, 14),
    ("CEFT-500", "CF2231", 28, 6),
)

KITS = (
    # appointment type (the scheduling demo's), items per visit
    ("New patient", {"GOWN-PT": 1, "PAPER-EX": 1, "GLV-M": 2, "TONGUE-D": 1}),
    ("Follow-up", {"PAPER-EX": 1, "GLV-M": 1}),
    ("Sick visit", {"PAPER-EX": 1, "GLV-M": 1, "TONGUE-D": 1, "MASK-PR": 1}),
    ("Annual physical", {"GOWN-PT": 1, "PAPER-EX": 1, "GLV-M": 2, "SPEC-CUP": 1, "UA-STRIP": 1}),
    ("Flu shot", {"SYR-3": 1, "FLU-VAX": 1, "ALC-PAD": 2, "BAND-ADH": 1}),
)
"""The supplies each visit type uses. The first four are the scheduling demo's types; a flu
shot visit is what an office adds in the autumn."""


def populate(ctx: Context, seed: int) -> None:
    rng = random.Random(seed * 7919 + 14)
    day = today(ctx)
    for name, note in LOCATIONS:
        catalogue.add_location(ctx, name, note=note)
    for vendor in VENDORS:
        catalogue.add_vendor(ctx, vendor)
    for (sku, name, category, unit, pack_unit, size, lots, par, point, home, vendor, number, price, lead, ndc,
         opening) in ITEMS:
        catalogue.add_item(ctx, {
            "sku": sku, "name": name, "category": category, "unit": unit, "pack_unit": pack_unit, "pack_size": size,
            "tracks_lots": lots, "par": par, "reorder_point": point, "location": LOCATIONS[home][0],
            "vendor": vendor, "vendor_item_number": number, "pack_price": price, "lead_time_days": lead, "ndc": ndc})
        if opening:
            stock.adjust(ctx, sku, opening, "opening stock")
    for sku, lot, days, units in LOTS:
        stock.adjust(ctx, sku, units, "opening stock", lot=lot, expires=day + dt.timedelta(days=days))
    # A week's use at the desk, first expiry first.
    for sku, units in (("GLV-M", 24), ("SYR-3", 30), ("ALC-PAD", 40), ("GAUZE-2", 20), ("TONGUE-D", 60)):
        stock.use(ctx, sku, units + rng.randint(0, 6))
    _orders(ctx, day)
    for appointment_type, lines in KITS:
        kits.define(ctx, appointment_type, lines)
    _draw_for_completed_visits(ctx, day)


def _draw_for_completed_visits(ctx: Context, day: dt.date) -> None:
    """The visits the scheduling demo completed on the last working days draw their kits
    through the hook's own service (found through the scheduling role; none when scheduling
    is off). They completed before any kit existed: the scheduling demo runs first."""
    schedule = ctx.role_service("scheduling")
    if schedule is None:
        return
    for back in range(0, 8):
        for appointment in schedule.day_appointments(ctx, day - dt.timedelta(days=back)):
            if appointment.status == "completed":
                visit_supplies.draw_for_visit(ctx, VisitRecord(appointment, appointment.end))


def _orders(ctx: Context, day: dt.date) -> None:
    """A received order, a partly received one with a backorder, and a draft."""
    done = orders.create_order(ctx, H, note="monthly restock")
    orders.set_line(ctx, done.id, "GLV-L", 2)
    orders.set_line(ctx, done.id, "STREP-KIT", 1)
    orders.approve(ctx, done.id)
    orders.mark_sent(ctx, done.id)
    receiving.receive(ctx, done.id, {"GLV-L": 2, "STREP-KIT": 1}, lots={"STREP-KIT": "SK5611"},
                      expires={"STREP-KIT": day + dt.timedelta(days=180)}, received_on=day - dt.timedelta(days=7))
    orders.close(ctx, done.id)
    partial = orders.create_order(ctx, H)
    orders.set_line(ctx, partial.id, "SPEC-CUP", 2)
    orders.set_line(ctx, partial.id, "SHARPS-1", 1)
    orders.approve(ctx, partial.id)
    orders.mark_sent(ctx, partial.id)
    receiving.receive(ctx, partial.id, {"SPEC-CUP": 1}, received_on=day - dt.timedelta(days=2))
    draft = orders.create_order(ctx, P, note="toner and paper")
    orders.set_line(ctx, draft.id, "TONER-BK", 3)
