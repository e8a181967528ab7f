"""Staff and HR: hiring (openings, applicants through the practice's stages, hire and
onboarding), training requirements and completions, and licences and certificates whose
expiry can block booking a provider. Provides the ``staff`` domain role.

This module is imported for every command, ``medoffice --help`` included: it declares the
plugin and its hook implementations and nothing else. Each hook imports the heavy modules
inside its body.
"""

from __future__ import annotations

from pathlib import Path

from medoffice.core import PluginInfo, hookimpl

plugin_info = PluginInfo(
    id="staff",
    title="Staff and HR",
    api_version=1,
    provides="staff",
    description="Hiring and onboarding, training requirements, licences and certificates that can block booking.",
)

MIGRATIONS = Path(__file__).parent / "migrations"


@hookimpl
def medoffice_schema():
    """The ``staff_*`` tables and the Alembic branch ``staff``."""
    from medoffice.core import SchemaContribution

    from . import models

    return SchemaContribution(models.Base.metadata, MIGRATIONS)


@hookimpl
def medoffice_permissions():
    """Managers keep hiring, trainings and credentials and may override a credential block;
    everyone sees their own trainings, credentials and to-do list."""
    from .permissions import PERMISSIONS

    return PERMISSIONS


@hookimpl
def medoffice_cli_commands():
    """``medoffice hiring|onboarding|training|credentials …`` (see :data:`.cli.GROUPS`)."""
    from .cli import GROUPS

    return list(GROUPS)


@hookimpl
def medoffice_staff_service(ctx):
    """The staff domain for other plugins and the TUI (``ctx.hooks.staff(ctx)``)."""
    from .domain import SERVICE

    return SERVICE


@hookimpl
def medoffice_validate_appointment(ctx, proposal):
    """Refuse booking a provider whose credential required for work has expired by the
    appointment's day, unless a manager overrode it; see docs/staff.md#credentials."""
    from .credentials import booking_refusal

    return booking_refusal(ctx, proposal)


@hookimpl
def medoffice_dashboard_cards(ctx):
    """"Trainings overdue" and "Credentials expired", when there is anything to chase, for
    users with ``hr.compliance``."""
    from .cards import cards

    return cards(ctx)


@hookimpl
def medoffice_staff_changed(ctx, before, after):
    """A staff identity added without a hire (``medoffice staff add``) starts today: its
    trainings are first due counting from today, not from when each requirement was made."""
    if before is None:
        from .onboarding import note_start

        note_start(ctx, after.id)


@hookimpl
def medoffice_populate_demo(ctx, seed):
    """Openings with applicants at several stages, trainings with some overdue, credentials
    with one about to expire and one expired; see docs/staff.md#demo-data."""
    from . import demo

    demo.populate(ctx, seed)


@hookimpl
def medoffice_reports():
    """``staff.compliance``: trainings and credentials to chase; see docs/staff.md#reports."""
    from .reports import REPORTS

    return list(REPORTS)
