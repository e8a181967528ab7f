"""The scheduling plugin's fixed words, importable without SQLAlchemy (the CLI's options
use them, and ``medoffice --help`` must not import the models)."""

from medoffice.core.wallclock import WEEKDAYS  # noqa: F401 (the core's weekdays: 0 is Monday)

PATIENT_KINDS = ("new", "established", "any")
"""Which patients an appointment type is for."""

ACTIVE_STATUSES = ("booked", "arrived", "in_room", "completed")
"""Statuses that hold their slot; ``cancelled`` and ``no_show`` free it."""

EXCEPTION_KINDS = ("leave", "meeting", "training", "other")
"""Why a provider is away from an otherwise available time."""

WAITLIST_STATUSES = ("waiting", "offered", "booked", "removed")
"""Where a waitlist entry stands: ``waiting`` and ``offered`` are still open."""

RECURRENCE_FREQUENCIES = ("weekly", "monthly")
"""How a recurring booking repeats; ``every`` N of them (every 2 weeks)."""
