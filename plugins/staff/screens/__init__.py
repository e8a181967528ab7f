"""The staff plugin's screens: everyone's "Policies to acknowledge", "My tasks" and "Time
clock", the manager's "Evaluations" list, "Compliance overview", "Hiring board" and "Payroll
register", and the office manager's staff rota with everyone's time off, built on the shared
UI kit. Nothing here is imported until the user opens one: the plugin's hook names the
classes by import path, and each screen reaches the database through its
:class:`~medoffice.core.ui.ScreenHost`, calling the services the commands call (the rota's:
``medoffice rota …``)."""

import logging

log = logging.getLogger("medoffice.staff.screens")
