"""The office's books: budget lines per category and month, expenses, budget against actual.

Expenses come in by hand (``billing.budget``) or from another plugin through the billing
domain's ``record_expense`` (inventory, for a received purchase order); either way
``medoffice_expense_recorded`` is announced in the same unit of work.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
from sqlalchemy import func, select

from medoffice.core import Context, ValidationError
from medoffice.core.records import ExpenseDraft, ExpenseRecord
from medoffice.core.validation import FIRST_DAY, LAST_DAY, optional_text, parse_date, require_text

from medoffice.core.validation import Fields
from .models import MAX_CATEGORY, MAX_NAME, MAX_REFERENCE, MAX_TEXT, BudgetLine, Expense
from .money import parse_money
from .permissions import BUDGET

ZERO = Decimal("0.00")


@attrs.frozen
class BudgetLineRecord:
    id: int
    category: str
    year: int
    month: int
    amount: Decimal
    note: str | None


@attrs.frozen
class BudgetRow:
    """Budget against actual for one category over one period (a month, or a year)."""

    category: str
    budget: Decimal
    actual: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.actual


@attrs.frozen
class BudgetReport:
    year: int
    month: int | None
    rows: tuple[BudgetRow, ...]
    budget: Decimal
    actual: Decimal


def _category(value: str | None, *, field: str = "category") -> str:
    return require_text(value, field=field, max_length=MAX_CATEGORY).lower()


BUDGET_YEARS = (2000, 2999)
"""The years a budget line may be planned for (the table's check says the same)."""


def _month(value: str, *, field: str = "month", years: tuple[int, int] = (FIRST_DAY.year, LAST_DAY.year)
           ) -> tuple[int, int]:
    text = (value or "").strip()
    try:
        day = dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise ValidationError(f"{field} must be YYYY-MM, got {value!r}", field=field) from None
    _year_in(day.year, years, text, field)
    return day.year, day.month


def _year_in(year: int, years: tuple[int, int], text: str, field: str) -> None:
    if not years[0] <= year <= years[1]:
        raise ValidationError(f"{field} must be in the years {years[0]} to {years[1]}, got {text!r}", field=field)


def set_budget(ctx: Context, category: str, month: str, amount: Decimal | str, *,
               note: str | None = None) -> BudgetLineRecord:
    """Plan ``amount`` for ``category`` in ``month`` (YYYY-MM), replacing any earlier plan."""
    ctx.require(BUDGET)
    fields = Fields()
    name = fields.parse("category", _category, category)
    when = fields.parse("month", _month, month, years=BUDGET_YEARS)
    value = fields.parse("amount", parse_money, amount)
    text = fields.parse("note", optional_text, note, max_length=MAX_TEXT)
    fields.done()
    year, number = when
    row = ctx.session.execute(select(BudgetLine).where(BudgetLine.category == name, BudgetLine.year == year,
                                                       BudgetLine.month == number)).scalar_one_or_none()
    if row is None:
        row = BudgetLine(category=name, year=year, month=number, amount=value, note=text)
        ctx.session.add(row)
    else:
        row.amount, row.note = value, text if text is not None else row.note
    ctx.session.flush()
    ctx.audit("billing.budget.set", "billing_budget_line", row.id,
              summary={"category": name, "month": f"{year}-{number:02d}", "amount": str(value)})
    return BudgetLineRecord(row.id, row.category, row.year, row.month, row.amount, row.note)


def _record(row: Expense) -> ExpenseRecord:
    return ExpenseRecord(row.category, row.amount, row.spent_on, row.vendor, row.reference, row.source, id=row.id)


def book_expense(ctx: Context, draft: ExpenseDraft) -> ExpenseRecord:
    """Validate and write an expense, audit it and announce it (no permission check: see
    :func:`add_expense` and the domain's ``record_expense``)."""
    fields = Fields()
    category = fields.parse("category", _category, draft.category)
    amount = fields.parse("amount", parse_money, draft.amount, positive=True)
    spent_on = fields.parse("spent_on", parse_date, draft.spent_on)
    vendor = fields.parse("vendor", optional_text, draft.vendor, max_length=MAX_NAME)
    reference = fields.parse("reference", optional_text, draft.reference, max_length=MAX_REFERENCE)
    source = fields.parse("source", optional_text, draft.source, max_length=MAX_CATEGORY)
    fields.done()
    row = Expense(category=category, vendor=vendor, spent_on=spent_on, amount=amount, reference=reference,
                  source=source, recorded_at=ctx.now(), recorded_by=ctx.user.username)
    ctx.session.add(row)
    ctx.session.flush()
    record = _record(row)
    ctx.audit("billing.expense.recorded", "billing_expense", row.id,
              summary={"category": category, "amount": str(amount), "source": source})
    ctx.hooks.expense_recorded(ctx, record)
    return record


def add_expense(ctx: Context, category: str, amount: Decimal | str, spent_on: str | dt.date, *,
                vendor: str | None = None, reference: str | None = None) -> ExpenseRecord:
    """Record an expense by hand (source ``manual``).

    Raises:
        PermissionDenied: without ``billing.budget``.
        ValidationError: every bad field at once.
    """
    ctx.require(BUDGET)
    fields = Fields()
    value = fields.parse("amount", parse_money, amount, positive=True)
    day = fields.parse("spent_on", parse_date, spent_on)
    fields.done()
    return book_expense(ctx, ExpenseDraft(category or "", value, day, vendor, reference, "manual"))


def list_expenses(ctx: Context, *, month: str | None = None, category: str | None = None) -> list[ExpenseRecord]:
    """Expenses, oldest first (of one month, YYYY-MM, and one category, when given)."""
    ctx.require(BUDGET)
    query = select(Expense)
    if month:
        year, number = _month(month)
        first = dt.date(year, number, 1)
        query = query.where(Expense.spent_on >= first, Expense.spent_on < _next_month(first))
    if category:
        query = query.where(Expense.category == _category(category))
    return [_record(r) for r in ctx.session.execute(query.order_by(Expense.spent_on, Expense.id)).scalars()]


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def budget_vs_actual(ctx: Context, period: str) -> BudgetReport:
    """Budget against actual per category, for a month (``YYYY-MM``) or a year (``YYYY``)."""
    ctx.require(BUDGET)
    text = (period or "").strip()
    if len(text) == 4 and text.isdigit():
        year, month = int(text), None
        _year_in(year, (FIRST_DAY.year, LAST_DAY.year), text, "period")
        first, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    else:
        year, month = _month(text, field="period")
        first = dt.date(year, month, 1)
        end = _next_month(first)
    planned_q = select(BudgetLine.category, func.sum(BudgetLine.amount)).where(BudgetLine.year == year)
    if month is not None:
        planned_q = planned_q.where(BudgetLine.month == month)
    planned = dict(ctx.session.execute(planned_q.group_by(BudgetLine.category)).all())
    spent = dict(ctx.session.execute(select(Expense.category, func.sum(Expense.amount)).where(
        Expense.spent_on >= first, Expense.spent_on < end).group_by(Expense.category)).all())
    rows = tuple(BudgetRow(c, planned.get(c, ZERO), spent.get(c, ZERO)) for c in sorted(set(planned) | set(spent)))
    return BudgetReport(year, month, rows, sum((r.budget for r in rows), ZERO), sum((r.actual for r in rows), ZERO))
