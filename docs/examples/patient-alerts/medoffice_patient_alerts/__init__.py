"""Patient alerts: short warnings on a patient's card ("Allergic to penicillin", "Fall risk").

This module is what medoffice imports at start-up, for every command: it declares the
plugin and its hook implementations and nothing else. Each hook imports the heavy modules
(SQLAlchemy models, click commands) inside its body, and the TUI panel is named by its
import path, so ``medoffice --help`` never pays for them.
"""

from __future__ import annotations

from pathlib import Path

from medoffice.core import PluginInfo, hookimpl

plugin_info = PluginInfo(
    id="patient-alerts",
    title="Patient alerts",
    api_version=1,
    description="Warnings on the patient card (allergies, fall risk, interpreter needed), with who added and resolved each.",
)

MIGRATIONS = Path(__file__).parent / "migrations"


@hookimpl
def medoffice_schema():
    """The ``patient_alerts_alert`` table and its Alembic branch ``patient_alerts``."""
    from medoffice.core import SchemaContribution

    from . import models

    return SchemaContribution(models.Base.metadata, MIGRATIONS)


@hookimpl
def medoffice_permissions():
    """``alerts.read`` for every role; ``alerts.write`` for the people who talk to patients."""
    from medoffice.core import PermissionSpec

    return [
        PermissionSpec("alerts.read", "See a patient's alerts",
                       ("front_desk", "billing", "manager", "admin")),
        PermissionSpec("alerts.write", "Add and resolve a patient's alerts", ("front_desk", "manager", "admin")),
    ]


@hookimpl
def medoffice_cli_commands():
    """``medoffice alerts add|list|resolve``."""
    from .cli import alerts

    return [alerts]


@hookimpl
def medoffice_patient_panels():
    """The alerts panel, first on the patient card."""
    from medoffice.core import PanelContribution

    return [
        PanelContribution(id="alerts.patient", title="Alerts", widget="medoffice_patient_alerts.screens:AlertsPanel",
                          permission="alerts.read", order=10),
    ]


@hookimpl
def medoffice_patient_merge_preview(ctx, merge):
    """How many alerts would move when two records of one patient are merged. Every plugin
    whose tables point at patients answers this and ``medoffice_patient_merge``."""
    from . import service

    return service.merge_preview(ctx, merge)


@hookimpl
def medoffice_patient_merge(ctx, merge):
    """Move the absorbed patient's alerts to the kept patient."""
    from . import service

    return service.move_alerts(ctx, merge)
