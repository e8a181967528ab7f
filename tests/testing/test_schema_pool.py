"""PostgreSQL practices put back as they were made when their test ends, and lent to the next."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from medoffice.core import audit
from medoffice.core.loader import discover
from medoffice.core.services import patients, users
from medoffice.testing import Practice
from medoffice.testing._backends import postgres_schema, postgres_url
from medoffice.testing._practice import make_practice
from medoffice.testing._schema_pool import give_back

pytestmark = pytest.mark.medoffice_backends("postgresql")


@pytest.fixture
def practice_in_turn(medoffice_backend, medoffice_env):
    """Practices one after another, as the kit makes them for consecutive tests: each in a
    schema of its own, given back when its block ends."""

    @contextmanager
    def practice() -> Iterator[Practice]:
        installed, failures = discover()
        with postgres_schema(postgres_url(), give_back=give_back) as url:
            made = make_practice(url, backend="postgresql", installed=installed, failures=failures)
            try:
                yield made
            finally:
                made.close()

    return practice


def sql(practice: Practice, statement: str, **params):
    with practice.runtime.engine.begin() as conn:
        result = conn.execute(text(statement), params)
        return result.all() if result.returns_rows else None


def table_oid(practice: Practice) -> int:
    return sql(practice, "SELECT 'core_patient'::regclass::oid")[0][0]


def register(practice: Practice, first: str = "Ann"):
    with practice.operation("frontdesk") as ctx:
        return patients.register(ctx, {"first_name": first, "last_name": "Lee", "date_of_birth": "1970-01-02",
                                        "sex": "f"}).patient


def audit_intact(practice: Practice) -> int:
    runtime = practice.runtime
    with practice.operation("admin", write=False) as ctx:
        key = runtime.audit_key()
        report = audit.verify(ctx.session, key, audit.read_checkpoints(runtime.settings.checkpoint_file, key))
    assert report.ok, report
    return report.rows


class TestLending:
    def test_the_next_test_gets_the_same_schema_back_as_new(self, practice_in_turn):
        with practice_in_turn() as first:
            rows_when_new = audit_intact(first)
            used = table_oid(first)
            for name in ("Ann", "Bea", "Cy"):
                register(first, name)
            first.user("billing")
            with first.operation("admin") as ctx:
                users.add_user(ctx, "temp", "Temp Worker", "temp-password-1", ["front_desk"])
        with practice_in_turn() as second:
            assert table_oid(second) == used, "the schema was made anew instead of lent"
            with second.operation("admin", write=False) as ctx:
                assert patients.count(ctx) == 0
                assert {u.username for u in users.list_users(ctx)} == {"admin", "frontdesk", "billing", "manager"}
            assert audit_intact(second) == rows_when_new
            again = register(second, "Dee")
            assert (again.id, again.mrn) == (1, "000001"), "ids continue from the template's, not the last test's"
            assert audit_intact(second) == rows_when_new + 1

    def test_the_audit_log_is_append_only_again(self, practice_in_turn):
        with practice_in_turn() as first:
            register(first)
        with practice_in_turn() as second:
            for statement in ("UPDATE core_audit SET summary = '{}'", "DELETE FROM core_audit",
                              "TRUNCATE core_audit"):
                with pytest.raises(DBAPIError, match="the audit log is append-only"):
                    sql(second, statement)

    def test_rows_a_test_took_away_come_back(self, practice_in_turn):
        with practice_in_turn() as first:
            sql(first, "DELETE FROM core_role_permission WHERE role = 'billing'")
            assert not first.user("billing").permissions
        with practice_in_turn() as second:
            assert second.user("billing").permissions


class TestNotLent:
    def test_a_practice_whose_shape_changed_is_dropped(self, practice_in_turn):
        with practice_in_turn() as first:
            sql(first, "CREATE TABLE stray (note text)")
            changed = table_oid(first)
        with practice_in_turn() as second:
            assert table_oid(second) != changed
            assert sql(second, "SELECT to_regclass('stray')") == [(None,)]
            assert sql(second, "SELECT count(*) FROM pg_class WHERE oid = :oid", oid=changed) == [(0,)]

    def test_a_practice_whose_audit_guard_was_switched_off_is_dropped(self, practice_in_turn):
        with practice_in_turn() as first:
            sql(first, "ALTER TABLE core_audit DISABLE TRIGGER USER")
            changed = table_oid(first)
        with practice_in_turn() as second:
            assert table_oid(second) != changed
            with pytest.raises(DBAPIError, match="the audit log is append-only"):
                sql(second, "DELETE FROM core_audit")
