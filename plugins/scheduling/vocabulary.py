"""The scheduling plugin's fixed words, importable without SQLAlchemy (the CLI's options
use them, and ``medoffice --help`` must not import the models)."""

PATIENT_KINDS = ("new", "established", "any")
"""Which patients an appointment type is for."""

ACTIVE_STATUSES = ("booked", "arrived", "in_room", "completed")
"""Statuses that hold their slot; ``cancelled`` and ``no_show`` free it."""

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday numbers as ``datetime.date.weekday()`` counts them: 0 is Monday."""
