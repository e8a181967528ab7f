"""The inventory plugin's commands: ``medoffice inventory …``. One module per feature attaches
its subgroups to :data:`inventory`; the group is listed in :data:`GROUPS` for the
``medoffice_cli_commands`` hook.

The commands parse arguments and print; the services do the rest (imported on first use,
so that ``medoffice --help`` does not import SQLAlchemy). A domain error is one line on
stderr with exit code 1, and nothing is written.
"""

from __future__ import annotations

from . import catalogue, equipment, fhir, kits, orders, stock  # noqa: F401 (they attach their commands)
from ._root import inventory

GROUPS = [inventory]

__all__ = ["GROUPS", "inventory"]
