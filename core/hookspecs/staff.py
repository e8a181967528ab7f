"""The staff domain: the HR side of staff members (hiring, training, leave, payroll)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._markers import hookspec

if TYPE_CHECKING:
    from ..context import Context
    from ..domains import StaffService
    from ..records import StaffRecord


@hookspec(firstresult=True)
def medoffice_staff_service(ctx: Context) -> StaffService | None:
    """Provide the staff domain.

    Implemented by the one enabled plugin whose ``provides`` is ``"staff"``; the first
    non-None result wins.

    Args:
        ctx: the operation asking.

    Returns:
        An object satisfying :class:`~medoffice.core.domains.StaffService`.
    """


@hookspec
def medoffice_staff_changed(ctx: Context, before: StaffRecord | None, after: StaffRecord) -> None:
    """A staff identity (a core record) was added or changed.

    Args:
        ctx: the operation's context.
        before: the record before the change, or None for a new staff member.
        after: the record as saved.
    """
