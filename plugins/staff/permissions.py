"""The staff plugin's permissions and the roles that get them by default.

HR data is the manager's: applicants' personal data, everyone's trainings and credentials,
and the override of a credential block. Every user sees their own trainings, credentials
and onboarding to-do list (``hr.self``), when their user is linked to their staff record.
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
SELF = "hr.self"

MANAGERS = ("manager", "admin")
EVERYONE = ("front_desk", "billing", "manager", "admin")

PERMISSIONS = [
    PermissionSpec(HIRING, "Keep job openings, the hiring stages and the onboarding documents", MANAGERS),
    PermissionSpec(APPLICANTS, "See applicants' personal data, move them through the stages, hire", MANAGERS),
    PermissionSpec(COMPLIANCE, "See everyone's trainings, credentials and onboarding to-do lists", MANAGERS),
    PermissionSpec(TRAINING, "Keep training requirements and record completions", MANAGERS),
    PermissionSpec(CREDENTIALS, "Keep staff licences and certificates", MANAGERS),
    PermissionSpec(OVERRIDE, "Let someone whose required credential expired be booked, with a reason", MANAGERS),
    PermissionSpec(SELF, "See one's own trainings, credentials and onboarding to-do list", EVERYONE),
]
