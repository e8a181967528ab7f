"""c0003: a practice upgraded from an older medoffice finds its existing patients by a later
word of their name, a phone's ending and their name without accents."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, select, text

from medoffice.core.services import patients
from medoffice.core.storage import migrate
from medoffice.core.storage.base import CoreBase
from medoffice.core.storage.models import Patient


def core_config(conn):
    return migrate.alembic_config(conn, "core", migrate.CORE_VERSIONS, CoreBase.metadata)


def find(practice, typed):
    with practice.operation("frontdesk", write=False) as ctx:
        return [(m.patient.last_name, m.reason) for m in patients.find(ctx, typed)]


def test_existing_patients_are_found_the_new_ways_after_the_upgrade(medoffice_practice):
    """Back at c0002 (the keys as c0001 made them: Muñoz was "muoz", no term table), a
    plugin's table pointing at a patient; the upgrade keys and indexes every patient in
    place, and the plugin's row is still there."""
    with medoffice_practice.operation("frontdesk") as ctx:
        for first, last, phone in (("José", "Muñoz", "555-010-4433"), ("Ana", "Okonkwo-Reyes", "(555) 777-1234")):
            patients.register(ctx, {"first_name": first, "last_name": last, "date_of_birth": "1980-01-02",
                                    "sex": "u", "phone": phone})
    with medoffice_practice.runtime.engine.begin() as conn:
        conn.execute(text("CREATE TABLE visit_note (id INTEGER PRIMARY KEY, "
                          "patient_id INTEGER NOT NULL REFERENCES core_patient (id))"))
        conn.execute(text("INSERT INTO visit_note (id, patient_id) VALUES (1, 1)"))
        command.downgrade(core_config(conn), "c0002")
        old_keys = set(conn.execute(select(Patient.__table__.c.search_last)).scalars())
        old_tables = set(inspect(conn).get_table_names())
    assert old_keys == {"muoz", "okonkworeyes"}
    assert "core_patient_search_term" not in old_tables

    with medoffice_practice.runtime.engine.begin() as conn:
        migrate.upgrade(conn, {}, [])
        notes = conn.execute(text("SELECT patient_id FROM visit_note")).scalars().all()
    assert notes == [1]
    assert find(medoffice_practice, "munoz") == [("Muñoz", "last name")]
    assert find(medoffice_practice, "reyes") == [("Okonkwo-Reyes", "part of last name")]
    assert find(medoffice_practice, "4433") == [("Muñoz", "phone ending")]
    assert find(medoffice_practice, "777-1234") == [("Okonkwo-Reyes", "phone ending")]


@pytest.mark.medoffice_backends("postgresql")
def test_on_postgresql_the_search_columns_compare_byte_by_byte(medoffice_practice):
    """The "C" collation lets one index serve both "starts with" and the listing order
    (SQLite's BINARY compares them so already)."""
    with medoffice_practice.runtime.engine.connect() as conn:
        collations = dict(conn.execute(text(
            "SELECT column_name, collation_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name IN ('core_patient', 'core_patient_search_term') "
            "AND column_name IN ('search_last', 'search_first', 'phone_digits', 'term')")).all())
    assert collations == {"search_last": "C", "search_first": "C", "phone_digits": "C", "term": "C"}
