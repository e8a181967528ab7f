"""The core's Alembic environment and its own revisions (branch ``core``)."""
