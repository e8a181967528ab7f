"""The scheduling part of the demo practice: appointment types, office hours, the last few
working days' visits done and a week of bookings, so a newcomer finds a realistic schedule
(``medoffice demo``).

The past visits go through the day's flow as at the desk (booked, checked in, roomed, done),
each step with the practice's clock at its time, so every plugin hears
``medoffice_visit_completed`` for them: billing opens their encounters, inventory draws their
supply kits.

Called through ``medoffice_populate_demo`` in the demo's own unit of work, as the system
user; the same seed gives the same schedule on the same day.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from medoffice.core.context import Context
from medoffice.core.services import patients, staff

from . import booking, catalogue, day_flow, slots

TYPES = (
    ("New patient", 40, "green", "new"),
    ("Follow-up", 20, "blue", "established"),
    ("Sick visit", 20, "red", "any"),
    ("Annual physical", 40, "purple", "any"),
)
HOURS = (("09:00", "12:00"), ("13:00", "17:00"))
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
BOOKINGS_PER_PROVIDER = 8
PAST_WORKDAYS = 3
PAST_VISITS_PER_PROVIDER = 2
PAST_TYPES = ("Sick visit", "Sick visit", "Annual physical")
"""Past visits: types any patient may have, so no patient's history refuses one."""


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
    mrns = [p.mrn for p in patients.iter_all(ctx, include_inactive=False)]
    today = ctx.local(ctx.now()).date()
    _past_visits(ctx, random.Random(seed * 7919 + 16), providers, sorted(mrns), today)
    rng.shuffle(mrns)
    for provider in providers:
        kind = rng.choice(("Sick visit", "Annual physical"))
        free = slots.find_slots(ctx, kind, today, today + dt.timedelta(days=7), provider_id=provider.id,
                                limit=BOOKINGS_PER_PROVIDER * 3)
        for slot in rng.sample(free, min(BOOKINGS_PER_PROVIDER, len(free))):
            if not mrns:
                return
            booking.book(ctx, mrns.pop(), provider.id, kind, slot.start, note="demo booking")


@contextmanager
def _clock_at(ctx: Context, moment: dt.datetime) -> Iterator[None]:
    """The practice's clock reads ``moment`` meanwhile (the runtime's clock, which tests fix
    the same way): the day's flow checks patients in only on their day."""
    runtime = ctx.runtime
    real = runtime.clock
    runtime.clock = lambda: moment
    try:
        yield
    finally:
        runtime.clock = real


def _past_visits(ctx: Context, rng: random.Random, providers: Sequence, mrns: list[str], today: dt.date) -> None:
    """Two visits per provider on each of the last :data:`PAST_WORKDAYS` working days, done."""
    days: list[dt.date] = []
    day = today
    while len(days) < PAST_WORKDAYS:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    for day in reversed(days):
        opening = dt.datetime.combine(day, dt.time(7), ctx.timezone).astimezone(dt.timezone.utc)
        people = rng.sample(mrns, min(len(mrns), len(providers) * PAST_VISITS_PER_PROVIDER))
        visits = []
        with _clock_at(ctx, opening):
            for provider in providers:
                kind = rng.choice(PAST_TYPES)
                free = slots.find_slots(ctx, kind, day, day, provider_id=provider.id, limit=12)
                for slot in sorted(rng.sample(free, min(PAST_VISITS_PER_PROVIDER, len(free))), key=lambda s: s.start):
                    if people:
                        visits.append(booking.book(ctx, people.pop(), provider.id, kind, slot.start,
                                                   note="demo visit"))
        for visit in sorted(visits, key=lambda v: (v.start, v.id)):
            with _clock_at(ctx, visit.start - dt.timedelta(minutes=rng.randint(2, 15))):
                day_flow.check_in(ctx, visit.id)
            with _clock_at(ctx, visit.start + dt.timedelta(minutes=rng.randint(0, 10))):
                day_flow.room(ctx, visit.id)
            with _clock_at(ctx, visit.end):
                day_flow.complete(ctx, visit.id)
