"""The staff plugin's commands: ``medoffice hiring``, ``onboarding``, ``training`` and
``credentials`` (``medoffice staff`` is the core's, for identities). Listed in :data:`GROUPS`
for the ``medoffice_cli_commands`` hook.

The commands parse arguments and print; the services do the rest (imported on first use, so
that ``medoffice --help`` does not import SQLAlchemy). A domain error is one line on stderr
with exit code 1, and nothing is written; a usage error exits 2.
"""

from __future__ import annotations

from .credentials import credentials
from .hiring import hiring
from .onboarding import onboarding
from .training import training

GROUPS = [hiring, onboarding, training, credentials]

__all__ = ["GROUPS"]
