"""Scheduling: appointment types, providers' weekly availability, booking without double
booking, and the patient's flow through the day (arrived, in room, completed).

This module is imported for every command, ``medoffice --help`` included: it declares the
plugin and its hook implementations and nothing else. Each hook imports the heavy modules
inside its body.
"""

from __future__ import annotations

from pathlib import Path

from medoffice.core import PluginInfo, hookimpl

from .permissions import BOOK, READ

plugin_info = PluginInfo(
    id="scheduling",
    title="Scheduling",
    api_version=1,
    provides="scheduling",
    description="Appointment types, provider availability, booking without double booking, check-in to completion.",
    hookspecs=("medoffice.plugins.scheduling.hookspecs",),
)

MIGRATIONS = Path(__file__).parent / "migrations"


@hookimpl
def medoffice_schema():
    """The ``scheduling_*`` tables and the Alembic branch ``scheduling``."""
    from medoffice.core import SchemaContribution

    from . import models

    return SchemaContribution(models.Base.metadata, MIGRATIONS)


@hookimpl
def medoffice_permissions():
    """Reading for every role, booking for the front desk, overbooking and set-up for managers."""
    from .permissions import PERMISSIONS

    return PERMISSIONS


@hookimpl
def medoffice_cli_commands():
    """``medoffice appointments …``, ``medoffice schedule …`` and the other groups of
    :data:`.cli.GROUPS`."""
    from .cli import GROUPS

    return list(GROUPS)


@hookimpl
def medoffice_populate_demo(ctx, seed):
    """Appointment types, office hours and a week of bookings for the demo practice."""
    from . import demo

    demo.populate(ctx, seed)


@hookimpl
def medoffice_scheduling_service(ctx):
    """The scheduling domain for other plugins and the TUI (``ctx.hooks.scheduling(ctx)``)."""
    from .domain import SERVICE

    return SERVICE


@hookimpl
def medoffice_reports():
    """``scheduling.no_shows``, ``scheduling.utilisation`` and ``scheduling.waiting_times``."""
    from .reports import REPORTS

    return list(REPORTS)


@hookimpl
def medoffice_screens():
    """The day board (F5) and the booking flow (F6); see docs/scheduling.md#screens."""
    from medoffice.core import ScreenContribution

    return [
        ScreenContribution(id="scheduling.day", title="Day board", section="today", permission=READ,
                           screen="medoffice.plugins.scheduling.screens.day_board:DayBoardScreen", key="f5",
                           home=True),
        ScreenContribution(id="scheduling.book", title="Book an appointment", section="schedule",
                           permission=BOOK,
                           screen="medoffice.plugins.scheduling.screens.booking:BookingScreen", key="f6"),
        ScreenContribution(id="scheduling.waitlist", title="Waitlist", section="schedule",
                           permission=READ,
                           screen="medoffice.plugins.scheduling.screens.waiting_list:WaitlistScreen"),
    ]


@hookimpl
def medoffice_patient_panels():
    """The patient card's "Appointments": coming and past visits, ``b`` to book."""
    from medoffice.core import PanelContribution

    return [PanelContribution(id="scheduling.appointments", title="Appointments", permission=READ,
                              widget="medoffice.plugins.scheduling.screens.appointments_panel:AppointmentsPanel",
                              order=20)]


@hookimpl
def medoffice_palette_actions():
    """The palette's "Book appointment" and "Day board"."""
    from medoffice.core import ActionContribution

    return [
        ActionContribution(id="scheduling.book-appointment", title="Book appointment",
                           action="medoffice.plugins.scheduling.screens.actions:book_appointment",
                           help="F6: patient, type, provider, slot, confirm", permission=BOOK),
        ActionContribution(id="scheduling.day-board", title="Day board",
                           action="medoffice.plugins.scheduling.screens.actions:day_board",
                           help="F5: today's appointments; check in, room, complete", permission=READ),
    ]


@hookimpl
def medoffice_appointment_changed(ctx, change):
    """Every appointment change is announced to other terminals' day boards once it commits
    (``ctx.changed``: the one place every booking, move and step of the day passes). A
    cancellation or a move away frees time: offer it to the waitlist entries that fit
    (``waitlist.offer_freed``; announced through ``medoffice_waitlist_offer``)."""
    ctx.changed("scheduling.appointments")
    if change.kind in ("cancelled", "rescheduled"):
        from .waitlist import offer_freed

        offer_freed(ctx, change)


from .merge import medoffice_patient_merge, medoffice_patient_merge_preview  # noqa: E402, F401 (merging patients)
