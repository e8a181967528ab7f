"""The scheduling domain as other plugins and the TUI see it (``ctx.hooks.scheduling(ctx)``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, final

if TYPE_CHECKING:
    from medoffice.core import Context
    from medoffice.core.records import AppointmentRecord


@final
class SchedulingDomain:
    """Satisfies :class:`medoffice.core.domains.SchedulingService`."""

    def patient_appointments(self, ctx: Context, patient_id: int) -> list[AppointmentRecord]:
        """A patient's appointments, past and future, oldest first."""
        from .appointment_lists import patient_rows
        from .booking import to_record

        return [to_record(row, name) for row, name in patient_rows(ctx, patient_id)]

    def day_appointments(self, ctx: Context, day: dt.date, provider_id: int | None = None) -> list[AppointmentRecord]:
        """One local day's appointments (the practice's time zone), by start time."""
        from .appointment_lists import range_rows
        from .booking import to_record

        return [to_record(row, name) for row, name in range_rows(ctx, day, day, provider_id=provider_id)]


SERVICE = SchedulingDomain()
