"""The practice's pay periods and overtime rule (``medoffice payroll settings``).

- ``weekly`` and ``biweekly`` periods repeat every 7 or 14 days from ``anchor``, the first day
  of some period (periods before it count backwards the same way).
- ``semimonthly`` periods run from the 1st to the 15th and from the 16th to the month's end.

``workweek_starts`` (0 Monday … 6 Sunday) is where the 7-day workweek of the weekly overtime
rule begins; it need not match the pay period (a semi-monthly period cuts workweeks).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from medoffice.core.context import Context
from medoffice.core.errors import ValidationError
from medoffice.core.validation import Fields

from .common import day, whole
from .models import FREQUENCIES, OVERTIME_RULES, PayrollSettings
from .overtime import RULES
from .permissions import PAYROLL

DEFAULTS = {"frequency": "biweekly", "anchor": dt.date(2026, 1, 4), "workweek_starts": 6, "overtime_rule": "federal"}
"""What a practice starts with: bi-weekly from a Sunday, Sunday workweeks, the federal rule."""
PERIODS_PER_YEAR = {"weekly": 52, "biweekly": 26, "semimonthly": 24}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@attrs.frozen
class Settings:
    frequency: str
    anchor: dt.date
    workweek_starts: int
    overtime_rule: str

    @property
    def workweek_starts_on(self) -> str:
        return WEEKDAYS[self.workweek_starts]


@attrs.frozen
class Period:
    """One pay period, both days included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return f"{self.start} to {self.end}"


def settings(ctx: Context) -> Settings:
    """The practice's settings (the defaults until a manager sets them). Asks no permission:
    the time clock needs the periods too."""
    row = ctx.session.get(PayrollSettings, 1)
    if row is None:
        return Settings(**DEFAULTS)
    return Settings(row.frequency, row.anchor, row.workweek_starts, row.overtime_rule)


def _choice(value: Any, *, field: str, choices: tuple[str, ...]) -> str:
    text = "".join(str(value).strip().lower().replace("-", "").split())
    if text not in choices:
        raise ValidationError(f"{field.replace('_', ' ')} must be one of {', '.join(choices)}, got {str(value)[:40]!r}",
                              field=field)
    return text


def _weekday(value: Any, *, field: str) -> int:
    text = str(value).strip().lower()
    for index, name in enumerate(WEEKDAYS):
        if len(text) >= 3 and name.startswith(text):
            return index
    return whole(value, field=field, low=0, high=6)


def change(ctx: Context, changes: Mapping[str, Any]) -> Settings:
    """Set the pay frequency, the anchor day, the workweek's first day or the overtime rule.

    Refused once a register is approved with periods the change would move (the approved
    periods must stay periods)."""
    ctx.require(PAYROLL)
    given = {k: v for k, v in changes.items() if v is not None and not (isinstance(v, str) and not v.strip())}
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise ValidationError(f"unknown payroll setting(s): {', '.join(unknown)}")
    if not given:
        raise ValidationError("nothing to change: give --frequency, --anchor, --workweek-starts or --overtime")
    fields = Fields()
    parsed = {}
    if "frequency" in given:
        parsed["frequency"] = fields.parse("frequency", _choice, given["frequency"], choices=FREQUENCIES)
    if "anchor" in given:
        parsed["anchor"] = fields.parse("anchor", day, given["anchor"])
    if "workweek_starts" in given:
        parsed["workweek_starts"] = fields.parse("workweek_starts", _weekday, given["workweek_starts"])
    if "overtime_rule" in given:
        parsed["overtime_rule"] = fields.parse("overtime_rule", _choice, given["overtime_rule"],
                                               choices=tuple(r for r in OVERTIME_RULES if r in RULES))
    fields.done()
    before = settings(ctx)
    after = attrs.evolve(before, **parsed)
    _check_approved_periods_stay(ctx, after)
    row = ctx.session.get(PayrollSettings, 1, with_for_update=True)
    if row is None:
        row = PayrollSettings(id=1, **attrs.asdict(after))
        ctx.session.add(row)
    else:
        for name, value in parsed.items():
            setattr(row, name, value)
    ctx.session.flush()
    ctx.audit("hr.payroll.settings", "staff_payroll_settings", 1,
              summary={k: [str(getattr(before, k)), str(v)] for k, v in parsed.items() if getattr(before, k) != v})
    return after


def _check_approved_periods_stay(ctx: Context, after: Settings) -> None:
    from sqlalchemy import select

    from medoffice.core.errors import Conflict

    from .models import PayrollRegister, Timesheet

    for model in (PayrollRegister, Timesheet):
        for start, end in ctx.session.execute(select(model.period_start, model.period_end).distinct()).all():
            if period_of(after, start) != Period(start, end):
                raise Conflict(f"the period {start} to {end} is approved already and would not be a pay period "
                               "under the new settings")


def period_of(found: Settings, on: dt.date) -> Period:
    """The pay period holding the day ``on``."""
    if found.frequency == "semimonthly":
        if on.day <= 15:
            return Period(on.replace(day=1), on.replace(day=15))
        return Period(on.replace(day=16), on.replace(day=calendar.monthrange(on.year, on.month)[1]))
    length = 7 if found.frequency == "weekly" else 14
    start = found.anchor + dt.timedelta(days=((on - found.anchor).days // length) * length)
    return Period(start, start + dt.timedelta(days=length - 1))


def previous(found: Settings, period: Period) -> Period:
    return period_of(found, period.start - dt.timedelta(days=1))


def following(found: Settings, period: Period) -> Period:
    return period_of(found, period.end + dt.timedelta(days=1))


def period_at(ctx: Context, value: Any = None, *, field: str = "period") -> Period:
    """The pay period holding the day ``value`` (``YYYY-MM-DD``; today when not given)."""
    from .common import today

    if value is None or (isinstance(value, str) and not value.strip()):
        on = today(ctx)
    else:
        on = day(value, field=field)
    try:
        return period_of(settings(ctx), on)
    except (OverflowError, ValueError):
        raise ValidationError(f"{field} {on} is out of range", field=field) from None


def last_ended(ctx: Context) -> Period:
    """The last pay period that has ended (the one before today's)."""
    from .common import today

    found = settings(ctx)
    return previous(found, period_of(found, today(ctx)))


def chosen(ctx: Context, value: Any) -> Period:
    """The period holding the day ``value``, or the last that ended when not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return last_ended(ctx)
    return period_at(ctx, value)
