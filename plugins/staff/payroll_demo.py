"""The time clock and payroll part of the demo practice: two pay periods of punches.

- Pay rates: providers and the office manager salaried, everyone else hourly.
- The hourly staff clock in around 08:00, take a half-hour break at noon and leave around
  16:30, every weekday of the two pay periods that ended last; the medical assistant works
  10-hour days in the earlier period's first week (10 hours of overtime) and a front-desk
  person covers a Saturday in the later period (overtime past 40 hours).
- The earlier period's timesheets and register are approved (booked as an expense when
  billing is enabled); the later period's timesheets are approved but one, so its register
  is a draft with that left to do.
- The ``frontdesk`` user is linked to a front-desk staff record, so the desk can clock in.

Punches and rates go through the services (validated, audited), as the system user.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from medoffice.core.context import Context
from medoffice.core.services import staff as core_staff
from medoffice.core.storage.models import Staff, User

from . import pay_periods, payroll, timeclock
from .models import Member

SALARIES = {"provider": "185000", "office_manager": "68000"}
HOURLY = {"front_desk": "19.50", "medical_assistant": "22.75", "billing": "24.10"}


def populate(ctx: Context, seed: int) -> None:
    rng = random.Random(seed * 104729 + 7)
    later = pay_periods.last_ended(ctx)
    earlier = pay_periods.previous(pay_periods.settings(ctx), later)
    people = [p for p in core_staff.list_staff(ctx) if p.active]
    hired_lately = set(ctx.session.execute(select(Member.staff_id).where(
        Member.applicant_id.is_not(None), Member.hired_on > earlier.start)).scalars())
    _link_front_desk(ctx, people)
    for person in people:
        kind = "salary" if person.role in SALARIES else "hourly" if person.role in HOURLY else None
        if kind is None:
            continue
        amount = SALARIES.get(person.role) or HOURLY[person.role]
        payroll.set_rate(ctx, person.id, kind=kind, amount=amount, effective_from=earlier.start - dt.timedelta(days=90))
    hourly = [p for p in people if p.role in HOURLY and p.id not in hired_lately]
    assistant = next((p.id for p in hourly if p.role == "medical_assistant"), None)
    desk = next((p.id for p in hourly if p.role == "front_desk"), None)
    for period in (earlier, later):
        for offset in range(period.days):
            on = period.start + dt.timedelta(days=offset)
            for person in hourly:
                long_day = person.id == assistant and period is earlier and offset < 7
                if on.weekday() < 5:
                    _day(ctx, rng, person.id, on, leave="18:30" if long_day else None)
                elif on.weekday() == 5 and person.id == desk and period is later and offset < 7:
                    _day(ctx, rng, person.id, on, leave="13:00", lunch=False)
    if hourly:
        timeclock.add_pto(ctx, hourly[-1].id, day=later.start + dt.timedelta(days=8), hours="8", reason="vacation")
    for period, skip in ((earlier, None), (later, hourly[-1].id if hourly else None)):
        for person in people:
            if person.id != skip and (person.role in SALARIES or person in hourly):
                timeclock.approve(ctx, person.id, period=period.start)
    payroll.approve(ctx, period=earlier.start)


def _day(ctx: Context, rng: random.Random, staff_id: int, on: dt.date, *, leave: str | None,
         lunch: bool = True) -> None:
    start = dt.time(7, 45) if not lunch else dt.time(8, rng.choice((0, 0, 2, 5)))
    end = leave or f"16:{rng.choice((30, 30, 33, 41))}"
    if lunch:
        timeclock.add_punch(ctx, staff_id, clock_in=f"{on} {start:%H:%M}", clock_out=f"{on} 12:00",
                            reason="demo", ended_for="break")
        timeclock.add_punch(ctx, staff_id, clock_in=f"{on} 12:30", clock_out=f"{on} {end}", reason="demo")
    else:
        timeclock.add_punch(ctx, staff_id, clock_in=f"{on} {start:%H:%M}", clock_out=f"{on} {end}",
                            reason="demo: Saturday cover")


def _link_front_desk(ctx: Context, people) -> None:
    """Link the ``frontdesk`` user to a front-desk staff record unless it is linked already."""
    user = ctx.session.execute(select(User).where(User.username == "frontdesk")).scalars().first()
    if user is None or ctx.session.execute(select(Staff.id).where(Staff.user_id == user.id)).first():
        return
    desk = next((p for p in people if p.role == "front_desk" and p.user_id is None), None) if people else None
    if desk is not None:
        core_staff.update(ctx, desk.id, {"user": "frontdesk"})
