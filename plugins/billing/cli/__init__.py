"""The billing plugin's commands: ``medoffice billing …``. One module per feature attaches
its subgroup to :data:`billing`; the groups are listed in :data:`GROUPS` for the
``medoffice_cli_commands`` hook.

The commands parse arguments and print; the services do the rest (imported on first use,
so that ``medoffice --help`` does not import SQLAlchemy). A domain error is one line on
stderr with exit code 1, and nothing is written.
"""

from __future__ import annotations

from . import claims, clearinghouse, encounters, fees, insurance, money, statements  # noqa: F401 (they attach their commands)
from ._root import billing

GROUPS = [billing]

__all__ = ["GROUPS", "billing"]
