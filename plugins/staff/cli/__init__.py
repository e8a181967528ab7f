"""The staff plugin's commands: ``medoffice hiring``, ``onboarding``, ``training``,
``credentials``, ``evaluations``, ``policies``, ``tasks`` and ``rota`` plus ``timeclock`` and ``payroll`` (``medoffice staff`` is
the core's, for identities; ``rota`` kept the name it had in the scheduling plugin, so scripts
run unchanged). Listed in :data:`GROUPS`
for the ``medoffice_cli_commands`` hook.

The commands parse arguments and print; the services do the rest (imported on first use, so
that ``medoffice --help`` does not import SQLAlchemy). A domain error is one line on stderr
with exit code 1, and nothing is written; a usage error exits 2.
"""

from __future__ import annotations

from .credentials import credentials
from .evaluations import evaluations
from .hiring import hiring
from .onboarding import onboarding
from .payroll import payroll
from .policies import policies
from .rota import rota
from .tasks import tasks
from .timeclock import timeclock
from .training import training

GROUPS = [hiring, onboarding, training, credentials, evaluations, policies, tasks, rota, timeclock, payroll]

__all__ = ["GROUPS"]
