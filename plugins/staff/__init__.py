"""Staff and HR: hiring (openings, applicants through the practice's stages, hire and
onboarding), training requirements and completions, licences and certificates whose expiry
can block booking a provider or putting someone on a shift, performance evaluations, office
policies with their acknowledgments, delegated tasks, and the staff rota (shifts, time off,
staffing needs and coverage). Provides the ``staff`` domain role: whether someone is on leave
or blocked, asked by the scheduling plugin before it books.

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
    description="Hiring and onboarding, training, licences that can block work, performance evaluations, "
                "office policies and their acknowledgments, delegated tasks, the staff rota and time off.",
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
    """Managers keep hiring, trainings, credentials, evaluations, policies and the rota and may
    override a credential block; everyone sees their own trainings, credentials, to-do list and
    evaluations, acknowledges the policies of their role, reads the rota and asks for their
    own time off."""
    from .permissions import PERMISSIONS

    return PERMISSIONS


@hookimpl
def medoffice_cli_commands():
    """``medoffice hiring|onboarding|training|credentials|evaluations|policies|tasks|rota|timeclock|payroll …``
    (see :data:`.cli.GROUPS`)."""
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
    """"Trainings overdue", "Credentials expired", "Policies unsigned" and "Evaluations
    overdue", when there is anything to chase, for users with ``hr.compliance`` (the last
    with ``hr.evaluations``); "Tasks overdue" for users with ``hr.tasks``, "My tasks" for
    everyone else."""
    from .cards import cards

    return cards(ctx)


@hookimpl
def medoffice_screens():
    """Everyone's "Policies to acknowledge" (read the text, ``a`` acknowledges it), "My tasks"
    (``s`` start, ``d`` done, ``c`` comment) and "Time clock" (F11), the manager's
    "Evaluations", "Compliance overview" (per person and section, what is overdue and due),
    "Hiring board" (``n`` next stage, ``x`` reject, Enter opens the file) and "Payroll
    register"; see docs/staff.md#screens. The "Staff rota" and "Time off"
    (docs/staff.md#the-rota-on-screen) keep the ids they had in the scheduling plugin, so
    keymaps naming them still work."""
    from medoffice.core import ScreenContribution

    from .permissions import APPLICANTS, COMPLIANCE, EVALUATIONS, PAYROLL, ROTA, SELF, TIME_OFF, TIMECLOCK

    screens = "medoffice.plugins.staff.screens"
    return [
        ScreenContribution(id="staff.policies", title="Policies to acknowledge", section="staff", permission=SELF,
                           screen=f"{screens}.policies_to_acknowledge:PoliciesToAcknowledgeScreen"),
        ScreenContribution(id="staff.evaluations", title="Evaluations", section="staff", permission=EVALUATIONS,
                           screen=f"{screens}.evaluations_list:EvaluationsScreen"),
        ScreenContribution(id="staff.tasks", title="My tasks", section="staff", permission=SELF,
                           screen=f"{screens}.my_tasks:MyTasksScreen"),
        ScreenContribution(id="scheduling.rota", title="Staff rota", section="staff", permission=ROTA,
                           screen=f"{screens}.staff_rota:StaffRotaScreen"),
        ScreenContribution(id="scheduling.time_off", title="Time off", section="staff", permission=TIME_OFF,
                           screen=f"{screens}.time_off_requests:TimeOffScreen"),
        ScreenContribution(id="staff.compliance", title="Compliance overview", section="staff",
                           permission=COMPLIANCE, screen=f"{screens}.compliance_overview:ComplianceOverviewScreen"),
        ScreenContribution(id="staff.hiring", title="Hiring board", section="staff", permission=APPLICANTS,
                           screen=f"{screens}.hiring_board:HiringBoardScreen"),
        ScreenContribution(id="staff.timeclock", title="Time clock", section="staff", permission=TIMECLOCK,
                           screen=f"{screens}.time_clock:TimeClockScreen", key="f11"),
        ScreenContribution(id="staff.payroll", title="Payroll register", section="staff", permission=PAYROLL,
                           screen=f"{screens}.payroll_register:PayrollRegisterScreen"),
    ]


@hookimpl
def medoffice_staff_changed(ctx, before, after):
    """A staff identity added without a hire (``medoffice staff add``) starts today: its
    trainings are first due counting from today, not from when each requirement was made."""
    if before is None:
        from .onboarding import note_start

        note_start(ctx, after.id)


@hookimpl
def medoffice_populate_demo(ctx, seed):
    """This week's rota with a gap and a time-off request waiting; openings with applicants at
    several stages, trainings with some overdue, credentials with one about to expire and
    one expired, two policies partly acknowledged, evaluations some overdue, tasks (some
    overdue, two recurring); see docs/staff.md#demo-data."""
    from . import demo, demo_rota

    demo_rota.populate(ctx, seed)  # planned before the credentials' expiry is on file
    demo.populate(ctx, seed)


@hookimpl
def medoffice_reports():
    """``staff.compliance`` (trainings, credentials, policies, evaluations and overdue tasks
    to chase), ``staff.evaluations_due``, and ``scheduling.coverage``: the rota against the
    staffing needs (its id from when the rota was scheduling's, kept for scripts); see
    docs/staff.md#reports."""
    from .coverage import REPORTS as ROTA_REPORTS
    from .reports import REPORTS

    return [*REPORTS, *ROTA_REPORTS]
