"""The equipment part of the demo practice (``medoffice demo``): the machines an office keeps
working, their maintenance plans and service history, with work to do.

What the demo holds (dates relative to the day the demo is made):

- Six assets in three rooms of their own (exam room 1 and 2, the sterilisation room), bought
  from a biomedical service vendor of their own (Keystone Biomedical), who services them.
- Each has its plans (calibration every 12 months, service every 6, an electrical safety
  check every 12 for the defibrillator), logged as done on past days, so the next due dates
  follow from the log as they would in the office.
- **One calibration overdue**: the ECG machine's, due some weeks ago (the dashboard's
  "Equipment maintenance overdue" card and ``equipment overdue`` show it); a few tasks due
  within the month; the rest later.
- The spirometer out of service (a cracked flow sensor, a replacement on order).

Everything goes through the plugin's own services (validated, audited), as the system user,
in the demo's unit of work. The same seed gives the same demo on the same day.
"""

from __future__ import annotations

import datetime as dt
import random

from medoffice.core.context import Context

from . import catalogue, equipment, equipment_maintenance
from .common import today
from .equipment_maintenance import add_months

ROOMS = (("Exam room 1", "Equipment"), ("Procedure room", "Equipment"), ("Sterilisation room", "Autoclave, ultrasonic"))
BIOMED = {"name": "Keystone Biomedical", "contact": "Lee Park", "phone": "(555) 013-7788",
          "email": "service@keystone-biomed.example", "account_number": "KB-2290", "terms": "net 30",
          "ordering_method": "phone", "note": "Calibration and preventive maintenance of the equipment"}

# name, model, serial, room, bought (months ago), cost, warranty (months from purchase), resource
ASSETS = (
    ("ECG machine", "CardioScan 12", "CS12-448210", 0, 30, "4850.00", 36, "ECG machine"),
    ("Spirometer", "SpiroFlow Pro", "SFP-20931", 0, 20, "2290.00", 24, "Spirometer"),
    ("Autoclave", "SteriMax 18L", "SM18-7730", 2, 48, "6400.00", 24, None),
    ("Defibrillator (AED)", "LifeStart AED", "LS-AED-55102", 1, 40, "1650.00", 60, None),
    ("Vital signs monitor", "VitaTrack 300", "VT3-11842", 1, 14, "1890.00", 24, None),
    ("Exam room scale", "Detecto 439", "D439-88117", 1, 60, "420.00", 12, None),
)
# asset, task, every (months), last done (days ago; the ECG's calibration is overdue)
PLANS = (
    ("ECG machine", "calibration", 12, 400),
    ("ECG machine", "service", 6, 120),
    ("Spirometer", "calibration", 12, 200),
    ("Autoclave", "service", 6, 170),
    ("Autoclave", "spore test", 1, 20),
    ("Defibrillator (AED)", "electrical safety check", 12, 300),
    ("Vital signs monitor", "calibration", 12, 150),
    ("Exam room scale", "calibration", 12, 350),
)
WORK = {"calibration": "calibrated against the reference, within tolerance",
        "service": "preventive maintenance: cleaned, seals and filters checked",
        "spore test": "biological indicator test, negative",
        "electrical safety check": "electrical safety test passed, pads and battery in date"}


def populate(ctx: Context, seed: int) -> None:
    rng = random.Random(seed * 104729 + 8)
    day = today(ctx)
    for name, note in ROOMS:
        catalogue.add_location(ctx, name, note=note)
    vendor = catalogue.add_vendor(ctx, BIOMED).name
    for name, model, serial, room, months_ago, cost, warranty, resource in ASSETS:
        bought = add_months(day, -months_ago) - dt.timedelta(days=rng.randrange(0, 20))
        equipment.add_asset(ctx, {
            "name": name, "model": model, "serial": serial, "location": ROOMS[room][0], "vendor": vendor,
            "purchased_on": bought, "purchase_cost": cost, "warranty_ends": add_months(bought, warranty),
            "resource": resource})
    for asset, task, every, days_ago in PLANS:
        done = day - dt.timedelta(days=days_ago + rng.randrange(0, 5))
        equipment_maintenance.add_plan(ctx, asset, task, every, due=done)
        equipment_maintenance.log_service(ctx, asset, task=task, work=WORK[task], vendor=vendor, done_on=done,
                                          cost=None if task == "spore test" else f"{rng.randrange(80, 260)}.00")
    equipment_maintenance.log_service(ctx, "Spirometer", work="flow sensor cracked, replacement ordered",
                                      done_by="Dana (MA)", done_on=day - dt.timedelta(days=3))
    equipment.set_in_service(ctx, "Spirometer", False, "flow sensor cracked; replacement on order")
