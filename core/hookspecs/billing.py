"""The billing domain: fees, charges, claims, payments, budget and expenses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._markers import hookspec

if TYPE_CHECKING:
    from ..context import Context
    from ..domains import BillingService
    from ..records import ExpenseRecord


@hookspec(firstresult=True)
def medoffice_billing_service(ctx: Context) -> BillingService | None:
    """Provide the billing domain.

    Implemented by the one enabled plugin whose ``provides`` is ``"billing"``. Other plugins
    record expenses through it (``ctx.hooks.billing(ctx).record_expense(...)``).

    Returns:
        An object satisfying :class:`~medoffice.core.domains.BillingService`.
    """


@hookspec
def medoffice_expense_recorded(ctx: Context, expense: ExpenseRecord) -> None:
    """An expense was booked (by hand, or for a received purchase order).

    Args:
        ctx: the operation's context.
        expense: the expense as saved.
    """
