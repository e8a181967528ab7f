"""The billing domain: fees, charges, claims, payments, budget and expenses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._markers import hookspec

if TYPE_CHECKING:
    from ..context import Context
    from ..domains import BillingService
    from ..records import ChargeDraft, EncounterRecord, ExpenseRecord


@hookspec(firstresult=True)
def medoffice_billing_service(ctx: Context) -> BillingService | None:
    """Provide the billing domain.

    Implemented by the one enabled plugin whose ``provides`` is ``"billing"``. Other plugins
    record expenses through it (``ctx.role_service("billing").record_expense(...)``).

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


@hookspec
def medoffice_encounter_charges(ctx: Context, encounter: EncounterRecord) -> list[ChargeDraft] | str | None:
    """Add charge lines to an encounter, or refuse it, when charge entry is finished.

    Called by the billing provider when an encounter is closed (its charges are complete and
    it may be claimed), before anything is written. Any plugin may add lines (inventory, for
    the supplies a visit used) or refuse (a documentation plugin, while the visit's note is
    unsigned).

    Args:
        ctx: the closing operation's context.
        encounter: the encounter as it stands, with its diagnoses and charge lines.

    Returns:
        None to let it close as it is; a list of
        :class:`~medoffice.core.records.ChargeDraft` to add those lines (each is checked like a
        line a person enters, and kept with the plugin's id as its ``source``); or a one-line
        reason to refuse. The encounter is refused with every reason given, each prefixed
        with the plugin's id, and then no plugin's lines are added.

    .. versionadded:: 0.1
    """
