"""The billing domain as other plugins and the TUI see it (``ctx.hooks.billing(ctx)``)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, final

if TYPE_CHECKING:
    from medoffice.core import Context
    from medoffice.core.records import ExpenseDraft, ExpenseRecord


@final
class BillingDomain:
    """Satisfies :class:`medoffice.core.domains.BillingService`."""

    def patient_balance(self, ctx: Context, patient_id: int) -> Decimal:
        """What the patient owes now: charges minus payments and adjustments, plus refunds
        (needs ``billing.read``)."""
        from .ledger import balance_of
        from .permissions import READ

        ctx.require(READ)
        return balance_of(ctx, patient_id)

    def record_expense(self, ctx: Context, expense: ExpenseDraft) -> ExpenseRecord:
        """Book an expense in the caller's unit of work and announce ``medoffice_expense_recorded``.

        No billing permission is asked: the calling plugin checked its own for the action
        that caused the expense (receiving a purchase order, say). Invalid drafts raise
        ``ValidationError`` and nothing is written.
        """
        from .books import book_expense

        return book_expense(ctx, expense)


SERVICE = BillingDomain()
