"""The staff plugin's fixed words, importable without SQLAlchemy (the CLI's options use them,
and ``medoffice --help`` must not import the models)."""

TIME_OFF_STATUSES = ("requested", "approved", "declined", "cancelled")
"""A time-off request's life: only ``approved`` days take a person off the rota (and a
provider out of the appointment book, when scheduling asks the staff role)."""
