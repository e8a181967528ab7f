"""The core's migrations produce exactly its models, up and down."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from medoffice.core.services import patients
from medoffice.core.storage import migrate
from medoffice.core.storage.base import CoreBase
from medoffice.core.storage.schema_version import CORE_HEAD, core_behind


def back_to_c0001(practice) -> None:
    """The practice's core schema as an older medoffice left it."""
    with practice.runtime.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn, "core", migrate.CORE_VERSIONS, CoreBase.metadata), "c0001")


def test_the_core_head_written_in_code_is_alembics():
    """core_behind() compares with CORE_HEAD without importing Alembic; it must be the head."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config(None, "core", migrate.CORE_VERSIONS, CoreBase.metadata))
    assert script.get_current_head() == CORE_HEAD


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


def test_c0002_goes_up_and_down_with_patients_referred_to_by_other_tables(medoffice_practice):
    """A plugin's rows point at the patient (as appointments do): SQLite's batch mode, which
    copies the table and drops the old one, would be refused by that foreign key; c0002
    alters the table in place, both ways."""
    with medoffice_practice.operation("frontdesk") as ctx:
        patient = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                          "sex": "f"}).patient
        patients.update(ctx, patient.mrn, {"phone": "555-010-1234"})
    mrn = patient.mrn
    with medoffice_practice.runtime.engine.begin() as conn:
        conn.execute(text("CREATE TABLE visit_note (id INTEGER PRIMARY KEY, "
                          "patient_id INTEGER NOT NULL REFERENCES core_patient (id))"))
        conn.execute(text("INSERT INTO visit_note (id, patient_id) VALUES (1, :p)"), {"p": patient.id})
    back_to_c0001(medoffice_practice)
    assert f"core schema c0001, needs {CORE_HEAD}" in core_behind(medoffice_practice.runtime.engine)
    with medoffice_practice.runtime.engine.begin() as conn:
        migrate.upgrade(conn, {}, [])
    assert core_behind(medoffice_practice.runtime.engine) is None
    with medoffice_practice.operation("frontdesk") as ctx:
        assert patients.get(ctx, mrn).phone == "555-010-1234"


def test_a_command_on_an_older_database_says_to_upgrade_and_db_upgrade_does(medoffice_practice):
    back_to_c0001(medoffice_practice)
    refused = medoffice_practice.cli("patients", "find", "lee")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == ("error: this practice's database is older than this medoffice (core schema "
                                      f"c0001, needs {CORE_HEAD}): run 'medoffice db upgrade' first")
    status = medoffice_practice.cli("db", "status", "--json")
    assert status.exit_code == 0, status.output
    upgraded = medoffice_practice.cli("db", "upgrade")
    assert upgraded.exit_code == 0 and "upgraded: core" in upgraded.stdout
    assert medoffice_practice.cli("patients", "find", "lee").exit_code == 0
