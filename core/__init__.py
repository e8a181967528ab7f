"""medoffice's core: the contract every plugin, the CLI and the TUI stand on.

Plugin authors need little more than this module::

    from medoffice.core import PluginInfo, hookimpl

    plugin_info = PluginInfo(id="patient-alerts", title="Patient alerts", api_version=1)

    @hookimpl
    def medoffice_patient_registered(ctx, patient):
        ...
"""

import importlib
from typing import Any

from ._markers import HOOK_API_VERSION, PROJECT_NAME, SUPPORTED_API_VERSIONS, hookimpl, hookspec
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


def __getattr__(name: str) -> Any:
    # Plugins import this package at start-up; Context pulls in SQLAlchemy and the records
    # cost time to build, so both load on first use to keep `medoffice --help` fast.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


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
