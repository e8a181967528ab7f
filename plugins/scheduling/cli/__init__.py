"""The scheduling plugin's commands: ``medoffice appointments …`` and ``medoffice schedule …``
(and the groups each feature adds). One module per feature attaches its commands; the
groups are listed in :data:`GROUPS` for the ``medoffice_cli_commands`` hook.

The commands parse arguments and print; the services do the rest. Times are typed and shown
in the practice's time zone. A domain error is one line on stderr with exit code 1, and
nothing is written.
"""

from __future__ import annotations

from .booking import appointments, schedule
from . import day_flow as _day_flow  # noqa: F401,E402 (check-in, room, complete, no-show, undo; grace)
from . import availability as _availability  # noqa: F401,E402 (schedule exceptions, closures, holidays, resources)
from . import exports as _exports  # noqa: F401,E402 (attaches schedule export-ics and export-fhir)
from . import recurring as _recurring  # noqa: F401,E402 (attaches appointments book-series and cancel-series)
from . import reminders as _reminders  # noqa: F401,E402 (attaches appointments reminders)
from .waitlist import waitlist  # noqa: E402

GROUPS = [appointments, schedule, waitlist]

__all__ = ["GROUPS", "appointments", "schedule", "waitlist"]
