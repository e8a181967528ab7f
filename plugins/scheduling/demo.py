"""The scheduling part of the demo practice: appointment types, office hours, and a few
days of bookings, so a newcomer finds a realistic schedule (``medoffice demo``).

Called through ``medoffice_populate_demo`` in the demo's own unit of work, as the system
user; the same seed gives the same schedule on the same day.
"""

from __future__ import annotations

import datetime as dt
import random

from medoffice.core.context import Context
from medoffice.core.services import patients, staff

from . import booking, catalogue, demo_rota, slots

TYPES = (
    ("New patient", 40, "green", "new"),
    ("Follow-up", 20, "blue", "established"),
    ("Sick visit", 20, "red", "any"),
    ("Annual physical", 40, "purple", "any"),
)
HOURS = (("09:00", "12:00"), ("13:00", "17:00"))
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
BOOKINGS_PER_PROVIDER = 8


def populate(ctx: Context, seed: int) -> None:
    rng = random.Random(seed)
    for name, minutes, colour, kind in TYPES:
        catalogue.add_type(ctx, name, minutes, colour=colour, patient_kind=kind)
    locations = [loc.name for loc in ctx.practice.locations]
    providers = staff.list_staff(ctx, providers_only=True)
    if not locations or not providers:
        return
    for index, provider in enumerate(providers):
        location = locations[0] if index < len(providers) - 1 else locations[-1]
        for weekday in WORKDAYS:
            for start, end in HOURS:
                catalogue.add_template(ctx, provider.id, weekday, start, end, location)
    demo_rota.populate(ctx, seed)
    mrns = [p.mrn for p in patients.iter_all(ctx, include_inactive=False)]
    rng.shuffle(mrns)
    today = ctx.local(ctx.now()).date()
    for provider in providers:
        kind = rng.choice(("Sick visit", "Annual physical"))
        free = slots.find_slots(ctx, kind, today, today + dt.timedelta(days=7), provider_id=provider.id,
                                limit=BOOKINGS_PER_PROVIDER * 3)
        for slot in rng.sample(free, min(BOOKINGS_PER_PROVIDER, len(free))):
            if not mrns:
                return
            booking.book(ctx, mrns.pop(), provider.id, kind, slot.start, note="demo booking")
