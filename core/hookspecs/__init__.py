"""Hook specifications, one module per concern.

``application`` holds the hooks any plugin uses to plug into the application (tables,
commands, screens, permissions, reports); ``events`` the events on the shared records;
``patient_merge`` how plugins move their rows when two records of a patient are merged;
``fhir`` how plugins add their resources to a FHIR export of patients and take theirs from an
import; the
four domain modules each define a domain's provider hook and the events it announces.
"""

from . import application, billing, events, fhir, inventory, patient_merge, scheduling, staff

SPEC_MODULES = (application, events, patient_merge, fhir, staff, scheduling, billing, inventory)

__all__ = ["SPEC_MODULES"]
