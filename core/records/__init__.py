"""The frozen records that cross every boundary: hooks, services, screens.

Names load on first use (PEP 562): plugins import :class:`PluginInfo` at start-up, and
``medoffice --help`` should not pay for building every record class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

_HOME = {
    "APPOINTMENT_CHANGES": "domains",
    "APPOINTMENT_STATUSES": "domains",
    "ActionContribution": "plugin",
    "Address": "shared",
    "AppointmentChange": "domains",
    "AppointmentProposal": "domains",
    "AppointmentRecord": "domains",
    "AuditEntry": "shared",
    "ChargeDraft": "billing",
    "ChargeLineRecord": "billing",
    "DOMAIN_ROLES": "plugin",
    "DashboardCard": "plugin",
    "EmergencyContact": "shared",
    "EncounterRecord": "billing",
    "ExpenseDraft": "domains",
    "ExpenseRecord": "domains",
    "FhirEntry": "fhir",
    "FhirIds": "fhir",
    "FhirImport": "fhir",
    "FhirImported": "fhir",
    "LocationRecord": "shared",
    "MergePreview": "merge",
    "MovedRow": "merge",
    "PanelContribution": "plugin",
    "PatientMatch": "shared",
    "PatientMerge": "merge",
    "PatientRecord": "shared",
    "PermissionSpec": "plugin",
    "PluginInfo": "plugin",
    "PracticeRecord": "shared",
    "ReceivedOrder": "domains",
    "ReceivedOrderLine": "domains",
    "Reminder": "scheduling",
    "ReportResult": "plugin",
    "ReportSpec": "plugin",
    "RoomRecord": "shared",
    "SchemaContribution": "plugin",
    "ScreenContribution": "plugin",
    "StaffRecord": "shared",
    "TASK_OPEN_STATUSES": "staff",
    "TASK_PRIORITIES": "staff",
    "TASK_STATUSES": "staff",
    "TaskDraft": "staff",
    "TaskRecord": "staff",
    "UserRecord": "shared",
    "VisitRecord": "domains",
    "WAITLIST_OFFER_CAUSES": "scheduling",
    "WaitlistOffer": "scheduling",
}

if TYPE_CHECKING:
    from .billing import ChargeDraft, ChargeLineRecord, EncounterRecord
    from .fhir import FhirEntry, FhirIds, FhirImport, FhirImported
    from .merge import MergePreview, MovedRow, PatientMerge
    from .domains import (
        APPOINTMENT_CHANGES,
        APPOINTMENT_STATUSES,
        AppointmentChange,
        AppointmentProposal,
        AppointmentRecord,
        ExpenseDraft,
        ExpenseRecord,
        ReceivedOrder,
        ReceivedOrderLine,
        VisitRecord,
    )
    from .plugin import (
        DOMAIN_ROLES,
        ActionContribution,
        DashboardCard,
        PanelContribution,
        PermissionSpec,
        PluginInfo,
        ReportResult,
        ReportSpec,
        SchemaContribution,
        ScreenContribution,
    )
    from .scheduling import WAITLIST_OFFER_CAUSES, Reminder, WaitlistOffer
    from .staff import TASK_OPEN_STATUSES, TASK_PRIORITIES, TASK_STATUSES, TaskDraft, TaskRecord
    from .shared import (
        Address,
        AuditEntry,
        EmergencyContact,
        LocationRecord,
        PatientMatch,
        PatientRecord,
        PracticeRecord,
        RoomRecord,
        StaffRecord,
        UserRecord,
    )


__getattr__ = lazy_names(__name__, _HOME, globals())


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "APPOINTMENT_CHANGES",
    "APPOINTMENT_STATUSES",
    "DOMAIN_ROLES",
    "ActionContribution",
    "Address",
    "AppointmentChange",
    "AppointmentProposal",
    "AppointmentRecord",
    "AuditEntry",
    "ChargeDraft",
    "ChargeLineRecord",
    "DashboardCard",
    "EmergencyContact",
    "EncounterRecord",
    "ExpenseDraft",
    "ExpenseRecord",
    "FhirEntry",
    "FhirIds",
    "FhirImport",
    "FhirImported",
    "LocationRecord",
    "MergePreview",
    "MovedRow",
    "PanelContribution",
    "PatientMatch",
    "PatientMerge",
    "PatientRecord",
    "PermissionSpec",
    "PluginInfo",
    "PracticeRecord",
    "ReceivedOrder",
    "ReceivedOrderLine",
    "Reminder",
    "ReportResult",
    "ReportSpec",
    "RoomRecord",
    "SchemaContribution",
    "ScreenContribution",
    "StaffRecord",
    "TASK_OPEN_STATUSES",
    "TASK_PRIORITIES",
    "TASK_STATUSES",
    "TaskDraft",
    "TaskRecord",
    "UserRecord",
    "VisitRecord",
    "WAITLIST_OFFER_CAUSES",
    "WaitlistOffer",
]
