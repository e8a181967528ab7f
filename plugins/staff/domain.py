"""The staff domain as other plugins and the TUI see it (:class:`~medoffice.core.domains.StaffService`)."""

from __future__ import annotations

import datetime as dt

from medoffice.core.context import Context


class StaffDomain:
    """What other domains may ask of the staff plugin."""

    def is_available(self, ctx: Context, staff_id: int, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether the staff member may work in [start, end): False while a credential their
        work requires has expired (and no manager overrode it) on any day of the span.

        Leave still lives in the scheduling plugin's time off until the rota moves here.
        """
        from .credentials import blocking

        first, last = ctx.local(start).date(), ctx.local(max(start, end - dt.timedelta(microseconds=1))).date()
        return not blocking(ctx, staff_id, last)[0] and not blocking(ctx, staff_id, first)[0]


SERVICE = StaffDomain()
