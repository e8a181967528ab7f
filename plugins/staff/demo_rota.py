"""The staff rota of the demo practice: this working week's (at a weekend, the next one's)
front-desk and medical-assistant shifts, the headcount each role needs, one day short of a receptionist, and a time-off request
waiting for the manager, so that ``medoffice rota coverage`` has something to show.

Called from :func:`.demo.populate` in the demo's unit of work, as the system user; the same
seed gives the same rota in the same week.
"""

from __future__ import annotations

import datetime as dt
import random

from medoffice.core.context import Context
from medoffice.core.services import staff

from . import coverage, rota, time_off

ROLES = {"front_desk": ("08:00", "16:30"), "medical_assistant": ("08:30", "17:00")}
NEEDS = (("front_desk", 2), ("medical_assistant", 1))
WORKDAYS = 5


def rota_monday(today: dt.date) -> dt.date:
    """The Monday of the week the demo's rota covers: this working week, or the next one at a
    weekend (the demo's bookings are the coming days)."""
    if today.weekday() < WORKDAYS:
        return today - dt.timedelta(days=today.weekday())
    return today + dt.timedelta(days=7 - today.weekday())


def populate(ctx: Context, seed: int) -> None:
    rng = random.Random(f"rota-{seed}")
    locations = sorted(ctx.practice.locations, key=lambda loc: loc.id)
    people = [s for s in staff.list_staff(ctx) if not s.is_provider and s.role in ROLES]
    if not locations or not people:
        return
    main = locations[0].name
    for role, headcount in NEEDS:
        coverage.set_need(ctx, role, main, "mon-fri", headcount)
    today = ctx.local(ctx.now()).date()
    monday = rota_monday(today)
    short_day = rng.randrange(WORKDAYS)
    front_desk = [p for p in people if p.role == "front_desk"]
    for person in people:
        start, end = ROLES[person.role]
        for offset in range(WORKDAYS):
            if front_desk and person.id == front_desk[-1].id and offset == short_day:
                continue  # the gap the coverage report shows
            day = monday + dt.timedelta(days=offset)
            rota.add_shift(ctx, person.id, main, day, start, end)
    asking = rng.choice(people)
    time_off.request(ctx, monday + dt.timedelta(days=7 + rng.randrange(WORKDAYS)), staff_id=asking.id,
                     reason="family visit")
