"""The contracts of the four domains: what the rest of medoffice may ask of each.

A domain plugin provides its role by returning an object that satisfies one of these
protocols from its provider hook (``medoffice_scheduling_service`` and so on). The TUI and
other plugins program against the protocol, never against a plugin's module, so a practice
can swap the default scheduling plugin for another that returns the same protocol.

Why a provider hook returning a typed service, rather than one hook per operation: a domain's
operations share state and invariants (a booking and a cancellation must agree on what is
free), so they belong to one object; one firstresult hook makes "exactly one provider per
role" explicit and checkable; and a protocol is type-checked in the alternative
implementation. Events that any number of plugins may react to stay ordinary broadcast hooks.

Each protocol is deliberately small: the questions other domains really ask. A plugin offers
its full feature set through its own CLI commands and screens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .context import Context
    from .records import AppointmentRecord, ExpenseDraft, ExpenseRecord, TaskDraft, TaskRecord


@runtime_checkable
class StaffService(Protocol):
    """The staff (HR) domain."""

    def is_available(self, ctx: Context, staff_id: int, start: dt.datetime, end: dt.datetime) -> bool:
        """False when the staff member is on leave or otherwise away for any of [start, end)."""

    def create_task(self, ctx: Context, draft: TaskDraft) -> TaskRecord:
        """File a delegated task for a staff member or a role, in the caller's unit of work
        (audited as the caller's user, with the draft's ``source``). While an open task has the
        draft's ``key``, that task is returned (``created`` False) and nothing is filed. The
        caller's own permission guards the action that led here; no task permission is asked.

        .. versionadded:: 1
        """

    def days_off(self, ctx: Context, staff_ids: Iterable[int], first: dt.date,
                 last: dt.date) -> dict[int, list[tuple[dt.date, dt.date]]]:
        """Approved leave of ``staff_ids`` touching local days ``first``…``last``: per staff id
        that has any, the (first day, last day) of each stretch. The scheduling provider asks
        it once for a whole slot search or booking, so it is one question for many people
        and days, not one per day.

        .. versionadded:: 1 (asked by the scheduling plugin since the rota moved to the staff plugin)
        """

    def days_blocked(self, ctx: Context, staff_ids: Iterable[int], first: dt.date,
                     last: dt.date) -> dict[int, list[tuple[dt.date, dt.date]]]:
        """Local days ``first``…``last`` on which ``staff_ids`` may not work for a reason
        other than leave (the built-in staff plugin: a credential their work requires has
        expired and no manager overrode it), per staff id that has any, as (first day, last
        day) stretches. The scheduling provider asks it once per slot search, so that it
        offers no time a booking would then refuse. A service written for version 1 may lack
        it: the scheduling plugin then blocks no slot.

        .. versionadded:: 2
        """


@runtime_checkable
class SchedulingService(Protocol):
    """The scheduling domain."""

    def patient_appointments(self, ctx: Context, patient_id: int) -> list[AppointmentRecord]:
        """A patient's appointments, past and future, oldest first (for the patient card)."""

    def day_appointments(self, ctx: Context, day: dt.date, provider_id: int | None = None) -> list[AppointmentRecord]:
        """The appointments of one day in the practice's time zone, by start time."""


@runtime_checkable
class BillingService(Protocol):
    """The billing domain."""

    def patient_balance(self, ctx: Context, patient_id: int) -> Decimal:
        """What the patient owes now: charges minus payments and adjustments."""

    def record_expense(self, ctx: Context, expense: ExpenseDraft) -> ExpenseRecord:
        """Book an expense in the practice's accounts, in the caller's unit of work."""


@runtime_checkable
class InventoryService(Protocol):
    """The inventory domain."""

    def items_below_reorder_point(self, ctx: Context) -> list[str]:
        """Names of stocked items at or below their reorder point."""


ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "scheduling": ("scheduling.read",),
    "billing": ("billing.read",),
}
"""Permissions a role's provider declares, whoever it is, because the core and other plugins
check them: ``scheduling.read`` guards the patient card's appointments and the dashboard's
day figures; ``billing.read`` a patient's balance."""

DOMAIN_PROTOCOLS: dict[str, type] = {
    "staff": StaffService,
    "scheduling": SchedulingService,
    "billing": BillingService,
    "inventory": InventoryService,
}
