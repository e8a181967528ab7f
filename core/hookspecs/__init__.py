"""Hook specifications, one module per concern.

``application`` holds the hooks any plugin uses to plug into the application (tables,
commands, screens, permissions, reports); ``events`` the events on the shared records;
``patient_merge`` how plugins move their rows when two records of a patient are merged; the
four domain modules each define a domain's provider hook and the events it announces.
"""

from . import application, billing, events, inventory, patient_merge, scheduling, staff

SPEC_MODULES = (application, events, patient_merge, staff, scheduling, billing, inventory)

__all__ = ["SPEC_MODULES"]
