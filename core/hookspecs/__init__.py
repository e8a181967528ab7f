"""Hook specifications, one module per concern.

``application`` holds the hooks any plugin uses to plug into the application (tables,
commands, screens, permissions, reports); ``events`` the events on the shared records; the
four domain modules each define a domain's provider hook and the events it announces.
"""

from . import application, billing, events, inventory, scheduling, staff

SPEC_MODULES = (application, events, staff, scheduling, billing, inventory)

__all__ = ["SPEC_MODULES"]
