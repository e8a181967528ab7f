"""medoffice's core: the contract every plugin, the CLI and the TUI stand on.

Plugin authors need little more than this module::

    from medoffice.core import PluginInfo, hookimpl

    plugin_info = PluginInfo(id="patient-alerts", title="Patient alerts", api_version=1)

    @hookimpl
    def medoffice_patient_registered(ctx, patient):
        ...
"""

from importlib.metadata import PackageNotFoundError, version

from ._markers import HOOK_API_VERSION, PROJECT_NAME, SUPPORTED_API_VERSIONS, hookimpl, hookspec
from .context import SYSTEM_USER, Context
from .errors import (
    AuthenticationError,
    ConfigurationError,
    Conflict,
    MedofficeError,
    NotFound,
    PermissionDenied,
    PluginError,
    ValidationError,
)
from .records import (
    ActionContribution,
    DashboardCard,
    PanelContribution,
    PatientRecord,
    PermissionSpec,
    PluginInfo,
    ReportResult,
    ReportSpec,
    SchemaContribution,
    ScreenContribution,
    UserRecord,
)

try:
    __version__ = version("medoffice")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

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
    "UserRecord",
    "ValidationError",
    "__version__",
    "hookimpl",
    "hookspec",
]
