"""Roles, the core's own permissions, and seeding the role to permission map.

The map is data: the core and each plugin declare permissions with default roles
(``medoffice_permissions``), and the first time a permission is seen it is granted to those
roles. From then on the practice owns the map (``medoffice roles grant|revoke``); a revoked
default is never granted again behind the manager's back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ._markers import hookimpl
from .records import DashboardCard, PermissionSpec, ReportSpec
from .storage.models import KnownPermission, Role, RolePermission

ROLES = {
    "front_desk": "Reception: patients, check-in, booking, copays",
    "billing": "Charges, claims, payments, statements",
    "manager": "Office manager: staff, rota, reports, budget",
    "admin": "System administrator: users, roles, plugins, database",
}

EVERYONE = tuple(ROLES)

CORE_PERMISSIONS = [
    PermissionSpec("patients.read", "Find patients and open their records", EVERYONE),
    PermissionSpec("patients.write", "Register patients and edit their demographics", ("front_desk", "manager", "admin")),
    PermissionSpec("patients.merge", "Merge two records of one patient (appointments, ledgers, policies move)",
                   ("front_desk", "manager", "admin")),
    PermissionSpec("patients.import", "Import patients from CSV", ("manager", "admin")),
    PermissionSpec("patients.export", "Export patients as CSV or FHIR", ("manager", "admin")),
    PermissionSpec("staff.read", "List staff identities", EVERYONE),
    PermissionSpec("staff.write", "Add and edit staff identities", ("manager", "admin")),
    PermissionSpec("practice.read", "See the practice's details, locations and rooms", EVERYONE),
    PermissionSpec("practice.write", "Edit the practice's details, locations and rooms", ("manager", "admin")),
    PermissionSpec("users.manage", "Add users, set passwords, assign roles", ("admin",)),
    PermissionSpec("roles.manage", "Grant and revoke permissions of roles", ("admin",)),
    PermissionSpec("plugins.read", "List the installed plugins", ("manager", "admin")),
    PermissionSpec("plugins.manage", "Enable and disable plugins", ("admin",)),
    PermissionSpec("db.manage", "Migrate the database", ("admin",)),
    PermissionSpec("audit.read", "Read and verify the audit log", ("manager", "admin")),
    PermissionSpec("backup.run", "Back up the database", ("manager", "admin")),
    PermissionSpec("dashboard.read", "See the dashboard: every plugin's figures for the practice (each card also "
                   "checks its own permission)", ("manager", "admin")),
    PermissionSpec("reports.run", "Run reports (each report also has its own permission)", EVERYONE),
]


class CorePermissions:
    """The core's own hook implementations, registered as the plugin ``core``: its
    permissions, and the report and dashboard card it makes from the scheduling role's
    service (so they stay whoever provides scheduling)."""

    @hookimpl
    def medoffice_permissions(self) -> list[PermissionSpec]:
        return CORE_PERMISSIONS

    @hookimpl
    def medoffice_reports(self) -> list[ReportSpec]:
        from .services import appointments

        return [ReportSpec("core.appointments", "Appointments by day and status", appointments.report,
                           appointments.READ, params=("from", "to"),
                           description="each day's appointments by status, from the scheduling provider")]

    @hookimpl
    def medoffice_dashboard_cards(self, ctx: Any) -> list[DashboardCard]:
        from .services import appointments

        card = appointments.dashboard_card(ctx)
        return [card] if card is not None else []


def seed_roles(session: Session) -> None:
    existing = set(session.execute(select(Role.name)).scalars())
    for name, description in ROLES.items():
        if name not in existing:
            session.add(Role(name=name, description=description))
    session.flush()


def seed_permissions(session: Session, specs: Iterable[tuple[str, PermissionSpec]]) -> list[str]:
    """Grant newly declared permissions to their default roles; return the new names."""
    seed_roles(session)
    known = set(session.execute(select(KnownPermission.name)).scalars())
    roles = set(session.execute(select(Role.name)).scalars())
    added = []
    for plugin_id, spec in specs:
        if spec.name in known:
            continue
        session.add(KnownPermission(name=spec.name, plugin_id=plugin_id, description=spec.description))
        for role in spec.default_roles:
            if role in roles:
                session.add(RolePermission(role=role, permission=spec.name))
        known.add(spec.name)
        added.append(spec.name)
    session.flush()
    return added
