"""The staff domain as other plugins and the TUI see it (:class:`~medoffice.core.domains.StaffService`).

The scheduling plugin asks it, through ``ctx.role_service("staff")``, which providers are on
approved leave before it offers a slot or books one; with no staff plugin enabled it books
without leave checks. What it asks on every booking and slot search is kept in memory
between units of work (:mod:`.booking_checks`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from typing import TYPE_CHECKING

from medoffice.core.context import Context
from medoffice.core.wallclock import local_days

if TYPE_CHECKING:
    from medoffice.core.records import TaskDraft, TaskRecord


class StaffDomain:
    """What other domains may ask of the staff plugin."""

    def is_available(self, ctx: Context, staff_id: int, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether the staff member may work in [start, end): False on a local day of the span
        they have approved time off, or while a credential their work requires has expired
        (and no manager overrode it)."""
        from .credentials import work_blocks

        first, last = local_days(ctx.timezone, start, max(start + dt.timedelta(microseconds=1), end))
        if self.days_off(ctx, [staff_id], first, last):
            return False
        blocks = work_blocks(ctx, [staff_id], first, last)
        return not any(blocks.on(staff_id, day)[0] for day in (first, last))

    def days_off(self, ctx: Context, staff_ids: Iterable[int], first: dt.date,
                 last: dt.date) -> dict[int, list[tuple[dt.date, dt.date]]]:
        """Approved time off of ``staff_ids`` touching local days ``first``…``last``: per staff
        member, the (first day, last day) of each, from the copy kept in memory (no statement
        while it holds, :mod:`.booking_checks`). Asks no permission: every booking and slot
        search checks it."""
        from .booking_checks import days_off

        return days_off(ctx, staff_ids, first, last)

    def days_blocked(self, ctx: Context, staff_ids: Iterable[int], first: dt.date,
                     last: dt.date) -> dict[int, list[tuple[dt.date, dt.date]]]:
        """The days of ``first``…``last`` a required credential of each of ``staff_ids`` has
        expired by and no override covers, as stretches, whatever the range: from the
        required credentials and overrides kept in memory (no statement while they hold,
        :mod:`.booking_checks`). Asks no permission: every slot search checks it."""
        from .credentials import work_blocks

        blocks = work_blocks(ctx, staff_ids, first, last)
        found: dict[int, list[tuple[dt.date, dt.date]]] = {}
        for staff_id in blocks.expired:
            day = first
            while day <= last:
                if blocks.on(staff_id, day)[0]:
                    stretches = found.setdefault(staff_id, [])
                    if stretches and stretches[-1][1] == day - dt.timedelta(days=1):
                        stretches[-1] = (stretches[-1][0], day)
                    else:
                        stretches.append((day, day))
                day += dt.timedelta(days=1)
        return found

    def create_task(self, ctx: Context, draft: TaskDraft) -> TaskRecord:
        """File another plugin's task (inventory: reorder); one open task per ``draft.key``.
        See :func:`.tasks.file_draft`."""
        from .tasks import file_draft

        return file_draft(ctx, draft)


SERVICE = StaffDomain()
