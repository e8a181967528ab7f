"""The staff plugin's permissions and the roles that get them by default.

HR data is the manager's: applicants' personal data, everyone's trainings and credentials,
and the override of a credential block; so is delegating tasks (``hr.tasks``). Every user
sees their own trainings, credentials and onboarding to-do list, fills in and signs their
own evaluation, acknowledges the policies of their role and works on their own and their
role's tasks (``hr.self``), and clock themselves in and out (``hr.timeclock``), when their user is
linked to their staff record (a role's tasks also by their user role). Pay (rates, the
register) is ``hr.payroll`` only. Everyone's evaluations are ``hr.evaluations`` (not
``hr.compliance``: ratings are more private than a training date).
The rota is the manager's (``hr.rota``); everyone reads it (``hr.rota_read``) and asks for
their own time off (``hr.time_off``). These were ``scheduling.rota``, ``scheduling.read`` and
``scheduling.time_off`` before the rota moved here; migration sta0004 carried a practice's
grants across.
The core's words (``staff.read``, ``staff.write``) stay the core's: these are ``hr.*``.
"""

from __future__ import annotations

from medoffice.core import PermissionSpec

HIRING = "hr.hiring"
APPLICANTS = "hr.applicants"
COMPLIANCE = "hr.compliance"
TRAINING = "hr.training"
CREDENTIALS = "hr.credentials"
OVERRIDE = "hr.override"
EVALUATIONS = "hr.evaluations"
POLICIES = "hr.policies"
SELF = "hr.self"
TASKS = "hr.tasks"
ROTA = "hr.rota"
ROTA_READ = "hr.rota_read"
TIME_OFF = "hr.time_off"
TIMECLOCK = "hr.timeclock"
TIMESHEETS = "hr.timesheets"
PAYROLL = "hr.payroll"

MANAGERS = ("manager", "admin")
EVERYONE = ("front_desk", "billing", "manager", "admin")

PERMISSIONS = [
    PermissionSpec(HIRING, "Keep job openings, the hiring stages and the onboarding documents", MANAGERS),
    PermissionSpec(APPLICANTS, "See applicants' personal data, move them through the stages, hire", MANAGERS),
    PermissionSpec(COMPLIANCE, "See everyone's trainings, credentials and onboarding to-do lists", MANAGERS),
    PermissionSpec(TRAINING, "Keep training requirements and record completions", MANAGERS),
    PermissionSpec(CREDENTIALS, "Keep staff licences and certificates", MANAGERS),
    PermissionSpec(OVERRIDE, "Let someone whose required credential expired be booked, with a reason", MANAGERS),
    PermissionSpec(EVALUATIONS, "Keep evaluation forms and cycles, see everyone's evaluations, review and sign them",
                   MANAGERS),
    PermissionSpec(POLICIES, "Write office policies and publish their versions", MANAGERS),
    PermissionSpec(SELF, "See one's own trainings, credentials, onboarding to-do list and evaluations; read the "
                   "office policies and acknowledge one's own; work on one's own and one's role's tasks", EVERYONE),
    PermissionSpec(TASKS, "Delegate tasks to anyone, edit, cancel and reopen them, keep recurring tasks",
                   MANAGERS),
    PermissionSpec(ROTA, "Manage the staff rota: shifts, staffing needs, approve or decline time off", MANAGERS),
    PermissionSpec(ROTA_READ, "See the rota: shifts, staffing needs and coverage", EVERYONE),
    PermissionSpec(TIME_OFF, "Request, list and cancel one's own time off (a user linked to a staff record)",
                   EVERYONE),
    PermissionSpec(TIMECLOCK, "Clock oneself in and out and see one's own punches and hours", EVERYONE),
    PermissionSpec(TIMESHEETS, "See everyone's punches, correct them with a reason, enter paid time off, "
                   "approve timesheets", MANAGERS),
    PermissionSpec(PAYROLL, "See and set pay rates and the pay periods, see, export and approve the payroll "
                   "register", MANAGERS),
]
