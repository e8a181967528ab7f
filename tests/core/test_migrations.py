"""The core's migrations produce exactly its models, up and down."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from medoffice.core.services import patients
from medoffice.core.storage import migrate
from medoffice.core.storage.base import CoreBase


def test_core_migrations_match_the_models(medoffice_practice):
    with medoffice_practice.runtime.engine.connect() as conn:
        diff = migrate.schema_diff(conn, CoreBase.metadata)
    core_only = [d for d in diff if "core_" in repr(d)]
    assert core_only == []


def test_a_new_practice_is_at_every_head(medoffice_practice):
    with medoffice_practice.runtime.engine.connect() as conn:
        statuses = migrate.branch_statuses(conn, {})
    assert [(s.branch, s.pending) for s in statuses] == [("core", False)]


def test_c0002_keeps_existing_patients_receiving_reminders(medoffice_practice):
    """A practice upgraded from c0001 has every patient agreeing to reminders until one refuses."""
    with medoffice_practice.operation("frontdesk") as ctx:
        mrn = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                      "sex": "f"}).patient.mrn
    with medoffice_practice.runtime.engine.begin() as conn:
        config = migrate.alembic_config(conn, "core", migrate.CORE_VERSIONS, CoreBase.metadata)
        command.downgrade(config, "c0001")
        before = {c["name"] for c in inspect(conn).get_columns("core_patient")}
        command.upgrade(config, "head")
    assert "reminders" not in before
    with medoffice_practice.operation("frontdesk") as ctx:
        assert patients.get(ctx, mrn).reminders is True
