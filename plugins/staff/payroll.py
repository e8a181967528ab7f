"""Pay rates and the payroll register (``hr.payroll``: managers and admins only).

**Rates.** Each person has rates that take effect on a day and hold until the next:
``hourly`` (per hour) or ``salary`` (per year). Setting a rate for a day that has one
replaces it (audited with the old amount).

**The register** of a pay period has one line per person paid in it: minutes regular,
overtime (1.5x), double (2x) and paid time off, as the practice's overtime rule classifies
the whole workweeks around the period (a day counts in the period it falls in), and the
gross pay. No tax is calculated: the register is handed to a payroll service.

Gross pay is exact to the cent: each *line* of pay (one person, one rate, one kind: regular,
overtime, double, paid time off; or a salary's share of the period) is ``rate x minutes / 60``
(x 1.5 or x 2) computed in ``Decimal`` and rounded once to the cent, ROUND_HALF_UP; a
person's gross is the sum of their lines and the register's total the sum of the people's.
A salaried person is paid as exempt: ``salary / periods per year`` (52, 26 or 24), shared
pro rata by days when their rate changes inside the period or starts in it; their hours are
shown and their overtime is not paid.

**Approval** (once per period, after it ended) needs every timesheet of the period approved
and a rate for every day anyone was paid; it keeps the lines as approved and books their
gross total as one expense through the billing role's ``record_expense`` when a plugin
provides billing (none, and no failure, without one). Approving again is refused, so the
expense is never booked twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from medoffice.core.context import Context
from medoffice.core.errors import Conflict, ValidationError
from medoffice.core.records import ExpenseDraft
from medoffice.core.storage.models import Staff
from medoffice.core.storage.refusals import UNIQUE, refusal
from medoffice.core.validation import Fields, require_text

from . import pay_periods, timeclock
from .common import day, money, staff_row, today
from .models import MAX_TEXT, PAY_KINDS, PaidLeave, PayRate, PayrollLine, PayrollRegister
from .overtime import classify, minutes_by_day
from .pay_periods import PERIODS_PER_YEAR, Period
from .permissions import PAYROLL

CENT = Decimal("0.01")
EXPENSE_CATEGORY = "payroll"
EXPENSE_SOURCE = "staff"
MULTIPLIERS = {"regular": Decimal(1), "overtime": Decimal("1.5"), "double": Decimal(2), "pto": Decimal(1)}


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_pay(rate: Decimal, minutes: int, kind: str) -> Decimal:
    """One line of hourly pay, rounded once to the cent (ROUND_HALF_UP)."""
    return cents(rate * MULTIPLIERS[kind] * minutes / Decimal(60))


# -- rates -----------------------------------------------------------------------------------


@attrs.frozen
class PayRateRecord:
    id: int
    staff_id: int
    staff: str
    kind: str
    amount: Decimal
    effective_from: dt.date
    set_by: str


def _rate_record(row: PayRate, name: str) -> PayRateRecord:
    return PayRateRecord(row.id, row.staff_id, name, row.kind, row.amount, row.effective_from, row.set_by)


def set_rate(ctx: Context, staff_id: int, *, kind: Any, amount: Any, effective_from: Any) -> PayRateRecord:
    """Pay ``staff_id`` ``amount`` per hour (``hourly``) or per year (``salary``) from a day."""
    ctx.require(PAYROLL)
    fields = Fields()
    pay_kind = fields.parse("kind", lambda v, field: _kind(v), kind)
    value = fields.parse("amount", money, amount)
    start = fields.parse("effective_from", day, effective_from)
    fields.done()
    if value is None or value <= 0:
        raise ValidationError("amount must be more than zero", field="amount")
    if pay_kind == "hourly" and value > 2000:
        raise ValidationError(f"an hourly rate of {value} is more than 2,000 an hour: is it a salary?", field="amount")
    person = staff_row(ctx, staff_id)
    approved = ctx.session.execute(select(PayrollRegister.period_end).where(
        PayrollRegister.period_end >= start)).scalars().first()
    if approved is not None:
        raise Conflict(f"a payroll register through {approved} is approved: a rate can take effect only after it")
    row = ctx.session.execute(select(PayRate).where(PayRate.staff_id == staff_id, PayRate.effective_from == start)
                              .with_for_update()).scalars().first()
    before = None
    if row is None:
        row = PayRate(staff_id=staff_id, kind=pay_kind, amount=value, effective_from=start,
                      set_by=ctx.user.username, set_at=ctx.now())
        ctx.session.add(row)
    else:
        before = [row.kind, str(row.amount)]
        row.kind, row.amount, row.set_by, row.set_at = pay_kind, value, ctx.user.username, ctx.now()
    ctx.session.flush()
    ctx.audit("hr.pay_rate.set", "staff_pay_rate", row.id,
              summary={"staff_id": staff_id, "kind": pay_kind, "amount": str(value), "from": start.isoformat(),
                       "was": before})
    return _rate_record(row, person.name)


def _kind(value: Any) -> str:
    text = str(value or "").strip().lower()
    text = {"hour": "hourly", "salaried": "salary", "annual": "salary", "year": "salary"}.get(text, text)
    if text not in PAY_KINDS:
        raise ValidationError(f"kind must be hourly or salary, got {str(value)[:40]!r}", field="kind")
    return text


def rates(ctx: Context, *, staff_id: int | None = None, on: Any = None) -> list[PayRateRecord]:
    """Rates on file (one person's, when given), by person and day; with ``on``, only the
    rate in effect on that day for each person."""
    ctx.require(PAYROLL)
    if staff_id is not None:
        staff_row(ctx, staff_id)
    query = select(PayRate, Staff.name).join(Staff, Staff.id == PayRate.staff_id)
    if staff_id is not None:
        query = query.where(PayRate.staff_id == staff_id)
    found = [_rate_record(r, n) for r, n in ctx.session.execute(
        query.order_by(Staff.name, PayRate.staff_id, PayRate.effective_from)).all()]
    if on is None:
        return found
    when = day(on, field="on")
    current: dict[int, PayRateRecord] = {}
    for rate in found:
        if rate.effective_from <= when:
            current[rate.staff_id] = rate
    return [r for r in found if current.get(r.staff_id) is r]


# -- the register ----------------------------------------------------------------------------


@attrs.frozen
class RegisterLine:
    """One person's pay for the period."""

    staff_id: int
    staff: str
    pay_kind: str
    """``hourly``, ``salary``, ``mixed`` (both in one period), or ``none`` (no rate on file)."""
    regular_minutes: int
    overtime_minutes: int
    double_minutes: int
    pto_minutes: int
    gross: Decimal
    regular_hours: Decimal = attrs.field(init=False, default=attrs.Factory(
        lambda s: timeclock.hours(s.regular_minutes), takes_self=True))
    overtime_hours: Decimal = attrs.field(init=False, default=attrs.Factory(
        lambda s: timeclock.hours(s.overtime_minutes), takes_self=True))
    double_hours: Decimal = attrs.field(init=False, default=attrs.Factory(
        lambda s: timeclock.hours(s.double_minutes), takes_self=True))
    pto_hours: Decimal = attrs.field(init=False, default=attrs.Factory(
        lambda s: timeclock.hours(s.pto_minutes), takes_self=True))

    @property
    def worked_minutes(self) -> int:
        return self.regular_minutes + self.overtime_minutes + self.double_minutes


@attrs.frozen
class Register:
    """The payroll register of one pay period: a draft computed now, or as approved."""

    period_start: dt.date
    period_end: dt.date
    frequency: str
    overtime_rule: str
    status: str
    """``draft`` or ``approved``."""
    lines: tuple[RegisterLine, ...]
    gross: Decimal
    regular_minutes: int
    overtime_minutes: int
    double_minutes: int
    pto_minutes: int
    problems: tuple[str, ...] = ()
    """What stops approval: timesheets not approved, open punches, missing rates."""
    approved_at: dt.datetime | None = None
    approved_by: str | None = None
    expense_id: int | None = None


def _rates_by_person(ctx: Context, staff_ids: list[int], last: dt.date) -> dict[int, list[PayRate]]:
    found: dict[int, list[PayRate]] = {}
    if not staff_ids:
        return found
    for row in ctx.session.execute(select(PayRate).where(PayRate.staff_id.in_(staff_ids),
                                                         PayRate.effective_from <= last)
                                   .order_by(PayRate.staff_id, PayRate.effective_from)).scalars():
        found.setdefault(row.staff_id, []).append(row)
    return found


def _rate_on(history: list[PayRate], on: dt.date) -> PayRate | None:
    current = None
    for row in history:
        if row.effective_from > on:
            break
        current = row
    return current


def _salaried_ids(ctx: Context, period: Period) -> list[int]:
    """People salaried on some day of the period (they are paid with no punch)."""
    rows = ctx.session.execute(select(PayRate.staff_id, PayRate.kind, PayRate.effective_from).where(
        PayRate.effective_from <= period.end).order_by(PayRate.staff_id, PayRate.effective_from)).all()
    latest: dict[int, list[tuple[str, dt.date]]] = {}
    for staff_id, kind, start in rows:
        latest.setdefault(staff_id, []).append((kind, start))
    found = []
    for staff_id, history in latest.items():
        before = [k for k, s in history if s <= period.start]
        inside = [k for k, s in history if s > period.start]
        if (before[-1:] + inside).count("salary"):
            found.append(staff_id)
    return found


def compute(ctx: Context, period: Period) -> Register:
    """The register of ``period`` computed from the punches, paid time off and rates now."""
    rules = pay_periods.settings(ctx)
    start, end = timeclock.workweeks_span(ctx, period, rules.workweek_starts)
    spans: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    closed, open_people = timeclock.live_spans(ctx, start, end)
    for staff_id, clock_in, clock_out in closed:
        spans.setdefault(staff_id, []).append((clock_in, clock_out))
    leave: dict[int, dict[dt.date, int]] = {}
    for staff_id, on, minutes in ctx.session.execute(select(PaidLeave.staff_id, PaidLeave.day, PaidLeave.minutes).where(
            PaidLeave.voided_at.is_(None), PaidLeave.day >= period.start, PaidLeave.day <= period.end)).all():
        days = leave.setdefault(staff_id, {})
        days[on] = days.get(on, 0) + minutes
    people = sorted(set(spans) | set(leave) | set(_salaried_ids(ctx, period)))
    history = _rates_by_person(ctx, people, period.end)
    names = dict(ctx.session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(people))).all()) if people else {}
    zone = ctx.timezone
    lines, problems = [], []
    for staff_id in people:
        by_day = minutes_by_day(spans.get(staff_id, ()), zone)
        classified = classify(by_day, rule=rules.overtime_rule, workweek_starts=rules.workweek_starts)
        line, missing = _line(staff_id, names.get(staff_id, f"staff #{staff_id}"), period, rules.frequency,
                              classified, leave.get(staff_id, {}), history.get(staff_id, []))
        if line.worked_minutes or line.pto_minutes or line.gross:
            lines.append(line)
        if missing:
            problems.append(f"{line.staff} has no pay rate on {missing}")
    lines.sort(key=lambda l: (l.staff, l.staff_id))
    for staff_id in sorted(open_people):
        problems.append(f"{names.get(staff_id) or staff_row(ctx, staff_id).name} has an open punch")
    waiting = timeclock.awaiting_approval(ctx, period)
    if waiting:
        problems.append("timesheets not approved: " + ", ".join(name for _, name in waiting))
    return _register(period, rules, "draft", lines, tuple(problems))


def _line(staff_id: int, name: str, period: Period, frequency: str, classified: Mapping[dt.date, Any],
          leave: Mapping[dt.date, int], history: list[PayRate]) -> tuple[RegisterLine, dt.date | None]:
    """A person's line: minutes by kind per rate, then the pay lines, each rounded once."""
    hourly: dict[Decimal, dict[str, int]] = {}
    salary_days: dict[Decimal, int] = {}
    totals = {"regular": 0, "overtime": 0, "double": 0, "pto": 0}
    kinds: set[str] = set()
    missing = None
    for offset in range(period.days):
        on = period.start + dt.timedelta(days=offset)
        split = classified.get(on)
        minutes = {"regular": split.regular if split else 0, "overtime": split.overtime if split else 0,
                   "double": split.double if split else 0, "pto": leave.get(on, 0)}
        for kind, value in minutes.items():
            totals[kind] += value
        rate = _rate_on(history, on)
        if rate is None:
            if any(minutes.values()) and missing is None:
                missing = on
            continue
        kinds.add(rate.kind)
        if rate.kind == "salary":
            salary_days[rate.amount] = salary_days.get(rate.amount, 0) + 1
        else:
            bucket = hourly.setdefault(rate.amount, {"regular": 0, "overtime": 0, "double": 0, "pto": 0})
            for kind, value in minutes.items():
                bucket[kind] += value
    gross = Decimal("0.00")
    for rate, bucket in hourly.items():
        for kind, value in bucket.items():
            if value:
                gross += line_pay(rate, value, kind)
    per_period = {annual: annual / PERIODS_PER_YEAR[frequency] for annual in salary_days}
    for annual, days in salary_days.items():
        gross += cents(per_period[annual] * days / period.days)
    pay_kind = "mixed" if len(kinds) > 1 else next(iter(kinds), "none")
    return RegisterLine(staff_id, name, pay_kind, totals["regular"], totals["overtime"], totals["double"],
                        totals["pto"], gross), missing


def _register(period: Period, rules: Any, status: str, lines: list[RegisterLine], problems: tuple[str, ...],
              **approval: Any) -> Register:
    return Register(period.start, period.end, rules.frequency, rules.overtime_rule, status, tuple(lines),
                    sum((l.gross for l in lines), Decimal("0.00")), sum(l.regular_minutes for l in lines),
                    sum(l.overtime_minutes for l in lines), sum(l.double_minutes for l in lines),
                    sum(l.pto_minutes for l in lines), problems, **approval)


def _register_row(ctx: Context, period: Period, *, lock: bool = False) -> PayrollRegister | None:
    """The period's register row, approved or reopened (None: never approved)."""
    query = select(PayrollRegister).where(PayrollRegister.period_start == period.start)
    return ctx.session.execute(query.with_for_update() if lock else query).scalars().first()


def _approved(ctx: Context, period: Period) -> Register | None:
    row = _register_row(ctx, period)
    if row is None or row.reopened_at is not None:
        return None
    lines = [RegisterLine(line.staff_id, name, line.pay_kind, line.regular_minutes, line.overtime_minutes,
                          line.double_minutes, line.pto_minutes, line.gross)
             for line, name in ctx.session.execute(
                 select(PayrollLine, Staff.name).join(Staff, Staff.id == PayrollLine.staff_id)
                 .where(PayrollLine.register_id == row.id).order_by(Staff.name, Staff.id)).all()]
    return _register(Period(row.period_start, row.period_end), pay_periods.settings(ctx), "approved", lines, (),
                     approved_at=row.approved_at, approved_by=row.approved_by, expense_id=row.expense_id)


def register(ctx: Context, *, period: Any = None) -> Register:
    """The payroll register of the pay period holding the day ``period`` (the last period
    that ended, when not given): as approved, or a draft computed now."""
    ctx.require(PAYROLL)
    found = pay_periods.chosen(ctx, period)
    return _approved(ctx, found) or compute(ctx, found)


def approve(ctx: Context, *, period: Any = None) -> Register:
    """Approve the register of a pay period that has ended: keep its lines as approved and
    book its gross total as an expense through the billing role, once."""
    ctx.require(PAYROLL)
    found = pay_periods.chosen(ctx, period)
    if found.end >= today(ctx):
        raise Conflict(f"the period {found} has not ended yet (it ends on {found.end})")
    reopened = _register_row(ctx, found, lock=True)
    done = _approved(ctx, found)
    if done is not None:
        raise Conflict(f"the register for {found} was approved by {done.approved_by} on "
                       f"{ctx.local(done.approved_at):%Y-%m-%d} already"
                       + (f" (expense {done.expense_id})" if done.expense_id else ""))
    draft = compute(ctx, found)
    if draft.problems:
        raise Conflict(f"the register for {found} cannot be approved: " + "; ".join(draft.problems))
    if not draft.lines:
        raise Conflict(f"nobody was paid in {found}: nothing to approve")
    if reopened is not None:  # approved again: the same row, and the expense it booked then
        row = reopened
        row.gross, row.approved_at, row.approved_by = draft.gross, ctx.now(), ctx.user.username
        row.reopened_at = row.reopened_by = row.reopen_reason = None
        ctx.session.flush()
    else:
        row = PayrollRegister(period_start=found.start, period_end=found.end, gross=draft.gross,
                              approved_at=ctx.now(), approved_by=ctx.user.username)
        ctx.session.add(row)
        try:
            with ctx.session.begin_nested():  # two managers approving at once: the unique period decides
                ctx.session.flush()
        except IntegrityError as error:
            found_refusal = refusal(error)
            if found_refusal is not None and found_refusal.kind == UNIQUE:
                raise Conflict(f"the register for {found} was approved by another manager just now") from None
            raise
    ctx.session.add_all([PayrollLine(register_id=row.id, staff_id=l.staff_id, pay_kind=l.pay_kind,
                                     regular_minutes=l.regular_minutes, overtime_minutes=l.overtime_minutes,
                                     double_minutes=l.double_minutes, pto_minutes=l.pto_minutes, gross=l.gross)
                         for l in draft.lines])
    billing = ctx.role_service("billing")
    if billing is not None and draft.gross > 0 and row.expense_id is None:
        booked = billing.record_expense(ctx, ExpenseDraft(
            EXPENSE_CATEGORY, draft.gross, found.end, None, f"payroll {found.start} to {found.end}", EXPENSE_SOURCE))
        row.expense_id = booked.id
    ctx.session.flush()
    ctx.audit("hr.payroll.approved", "staff_payroll_register", row.id,
              summary={"period": [found.start.isoformat(), found.end.isoformat()], "gross": str(draft.gross),
                       "people": len(draft.lines), "expense_id": row.expense_id, "again": reopened is not None})
    ctx.changed(timeclock.TOPIC)
    return attrs.evolve(draft, status="approved", approved_at=row.approved_at, approved_by=row.approved_by,
                        expense_id=row.expense_id)


def reopen(ctx: Context, *, period: Any = None, reason: Any) -> Register:
    """Reopen the approved register of a pay period, for a reason (audited): its lines go and
    it is a draft again, so its timesheets can be reopened and corrected. The expense booked
    when it was approved stays booked, and approving it again books none (if the gross
    changes, correct that expense in billing)."""
    ctx.require(PAYROLL)
    why = require_text(reason, field="reason", max_length=MAX_TEXT)
    found = pay_periods.chosen(ctx, period)
    row = _register_row(ctx, found, lock=True)
    if row is None or row.reopened_at is not None:
        raise Conflict(f"the register for {found} is not approved: nothing to reopen")
    was = {"gross": str(row.gross), "approved_by": row.approved_by, "approved_at": row.approved_at.isoformat()}
    row.reopened_at, row.reopened_by, row.reopen_reason = ctx.now(), ctx.user.username, why
    ctx.session.execute(delete(PayrollLine).where(PayrollLine.register_id == row.id))
    ctx.session.flush()
    ctx.audit("hr.payroll.reopened", "staff_payroll_register", row.id,
              summary={"period": [found.start.isoformat(), found.end.isoformat()], "reason": why,
                       "expense_id": row.expense_id, "was": was})
    ctx.changed(timeclock.TOPIC)
    return compute(ctx, found)


# -- export ----------------------------------------------------------------------------------

CSV_COLUMNS = ("period_start", "period_end", "staff_id", "staff", "pay_kind", "regular_hours", "overtime_hours",
               "double_hours", "pto_hours", "regular_minutes", "overtime_minutes", "double_minutes", "pto_minutes",
               "gross")


def as_csv(found: Register) -> str:
    """The register as CSV for a payroll service: one row per person, then a ``TOTAL`` row;
    the gross column adds up to the total exactly (every amount is to the cent)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in found.lines:
        writer.writerow((found.period_start, found.period_end, line.staff_id, _cell(line.staff), line.pay_kind,
                         line.regular_hours, line.overtime_hours, line.double_hours, line.pto_hours,
                         line.regular_minutes, line.overtime_minutes, line.double_minutes, line.pto_minutes,
                         f"{line.gross:.2f}"))
    writer.writerow((found.period_start, found.period_end, "", "TOTAL", found.status,
                     timeclock.hours(found.regular_minutes), timeclock.hours(found.overtime_minutes),
                     timeclock.hours(found.double_minutes), timeclock.hours(found.pto_minutes),
                     found.regular_minutes, found.overtime_minutes, found.double_minutes, found.pto_minutes,
                     f"{found.gross:.2f}"))
    return out.getvalue()


def _cell(text: str) -> str:
    """A name a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _plain(_instance: Any, _field: Any, value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def as_json(found: Register) -> str:
    """The register as JSON: amounts and hours as strings with two decimals (never floats)."""
    return json.dumps(attrs.asdict(found, value_serializer=_plain), indent=2) + "\n"


def export(ctx: Context, *, period: Any = None, fmt: str = "csv") -> tuple[Register, str]:
    """The register and its text in ``fmt`` (``csv`` or ``json``), audited as an export."""
    if fmt not in ("csv", "json"):
        raise ValidationError(f"format must be csv or json, got {str(fmt)[:20]!r}", field="format")
    found = register(ctx, period=period)
    ctx.audit("hr.payroll.exported", "staff_payroll_register", None,
              summary={"period": [found.period_start.isoformat(), found.period_end.isoformat()], "format": fmt,
                       "status": found.status})
    return found, as_csv(found) if fmt == "csv" else as_json(found)

