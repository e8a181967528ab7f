"""medoffice's core: the contract every plugin, the CLI and the TUI stand on.

Plugin authors need little more than this module::

    from medoffice.core import PluginInfo, hookimpl

    plugin_info = PluginInfo(id="patient-alerts", title="Patient alerts", api_version=1)

    @hookimpl
    def medoffice_patient_registered(ctx, patient):
        ...
"""

from ._lazy import lazy_names
from .errors import (
    AuthenticationError,
    ConfigurationError,
    Conflict,
    MedofficeError,
    NotFound,
    PermissionDenied,
    PluginError,
    SlotTaken,
    ValidationError,
)


_LAZY = {
    "HOOK_API_VERSION": "_markers",
    "PROJECT_NAME": "_markers",
    "SUPPORTED_API_VERSIONS": "_markers",
    "hookimpl": "_markers",
    "hookspec": "_markers",
    "Context": "context",
    "SYSTEM_USER": "context",
    "ActionContribution": "records",
    "DashboardCard": "records",
    "PanelContribution": "records",
    "PatientRecord": "records",
    "PermissionSpec": "records",
    "PluginInfo": "records",
    "ReportResult": "records",
    "ReportSpec": "records",
    "SchemaContribution": "records",
    "ScreenContribution": "records",
    "UserRecord": "records",
}


# Plugins import this package at start-up; Context pulls in SQLAlchemy, the records cost
# time to build and the markers import pluggy, so all load on first use: `medoffice --help`
# reads its listing without any of them (docs/performance.md, "Command-line start-up").
__getattr__ = lazy_names(__name__, _LAZY, globals())


__version__ = "0.1.0"  # the one place the version is written (pyproject reads it)

__all__ = [
    "HOOK_API_VERSION",
    "PROJECT_NAME",
    "SUPPORTED_API_VERSIONS",
    "SYSTEM_USER",
    "ActionContribution",
    "AuthenticationError",
    "ConfigurationError",
    "Conflict",
    "Context",
    "DashboardCard",
    "MedofficeError",
    "NotFound",
    "PanelContribution",
    "PatientRecord",
    "PermissionDenied",
    "PermissionSpec",
    "PluginError",
    "PluginInfo",
    "ReportResult",
    "ReportSpec",
    "SchemaContribution",
    "ScreenContribution",
    "SlotTaken",
    "UserRecord",
    "ValidationError",
    "__version__",
    "hookimpl",
    "hookspec",
]
