"""A terminal given another practice's audit key is stopped before it writes anything.

The story: a second practice's key file is named by mistake (``MEDOFFICE_AUDIT_KEY_FILE``).
Before the fix, the terminal signed in and appended rows under the wrong key, and ``audit
verify`` with the right key then reported them as tampering. Now the first write of a
connection checks the key against the chain's newest row and refuses with one line.
"""

from __future__ import annotations

import secrets

import attrs
import pytest
from sqlalchemy import event, func, select, text

from medoffice.core import audit
from medoffice.core.config import Settings
from medoffice.core.runtime import open_runtime
from medoffice.core.services import patients, users
from medoffice.core.setup import init_practice
from medoffice.core.storage.models import AuditRow, Patient
from medoffice.testing._practice import password_of

ANN = {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02", "sex": "f"}


def other_key_file(folder):
    """Another practice's key file: a good key, just not this practice's."""
    path = folder / "other-practice.key"
    path.write_bytes(secrets.token_hex(32).encode())
    return path


def runtime_with_key(practice, key_file):
    settings = attrs.evolve(practice.runtime.settings, audit_key_file_given=key_file)
    return open_runtime(settings=settings, candidates=practice.candidates)


def counts(practice):
    with practice.operation("admin", write=False) as ctx:
        rows = ctx.session.execute(select(func.count()).select_from(AuditRow)).scalar()
        people = ctx.session.execute(select(func.count()).select_from(Patient)).scalar()
    return rows, people


def verify(practice):
    runtime = practice.runtime
    with practice.operation("admin", write=False) as ctx:
        return audit.verify(ctx.session, runtime.audit_key())


class TestTheWrongKey:
    def test_signing_in_and_registering_with_another_practices_key_write_nothing(self, medoffice_practice, tmp_path):
        """Through the services: the sign-in (itself audited) and a change are refused."""
        p = medoffice_practice
        before = counts(p)
        wrong = runtime_with_key(p, other_key_file(tmp_path))
        try:
            with pytest.raises(audit.WrongAuditKey, match="other-practice.key did not sign this practice's audit log"):
                users.sign_in(wrong, "frontdesk", password_of("frontdesk"))
            with pytest.raises(audit.WrongAuditKey), wrong.operation(p.record("frontdesk")) as ctx:
                patients.register(ctx, ANN)
            with pytest.raises(audit.WrongAuditKey):
                users.sign_in(wrong, "frontdesk", "not the password")  # a failed attempt is audited too
        finally:
            wrong.close()
        assert counts(p) == before
        assert verify(p).ok

    def test_a_command_with_the_wrong_key_file_exits_1_with_one_line(self, medoffice_practice, tmp_path):
        p = medoffice_practice
        before = counts(p)
        wrong = other_key_file(tmp_path)
        result = p.cli("patients", "add", "--first-name", "Ann", "--last-name", "Lee", "--dob", "1970-01-02",
                       "--sex", "f", user="frontdesk", env={"MEDOFFICE_AUDIT_KEY_FILE": str(wrong)})
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            f"error: the audit key {wrong} did not sign this practice's audit log (another practice's key?): "
            "nothing was written; set MEDOFFICE_AUDIT_KEY_FILE or audit_key_file to this practice's key"]
        assert counts(p) == before
        again = p.cli("audit", "verify")
        assert again.exit_code == 0, again.stderr
        assert again.stdout.startswith("audit log intact")

    def test_the_key_given_as_a_variable_is_named_as_such(self, medoffice_practice):
        result = medoffice_practice.cli("patients", "find", "lee", user="frontdesk",
                                        env={"MEDOFFICE_AUDIT_KEY": secrets.token_hex(32)})
        assert result.exit_code == 1
        assert result.stderr.startswith("error: the audit key in MEDOFFICE_AUDIT_KEY did not sign")


class TestTheRightKey:
    def test_a_new_practice_with_an_empty_chain_starts_and_then_holds_to_its_key(
            self, medoffice_env, medoffice_db_url, tmp_path):
        """``init`` writes the first rows on an empty chain; a later terminal with another
        key is refused, one with the practice's key works."""
        settings = Settings.resolve(medoffice_db_url)
        runtime = open_runtime(settings=settings)
        try:
            init_practice(runtime, {"name": "New Practice", "timezone": "America/Chicago"}, admin_username="admin",
                          admin_password="admin-pass")
            with runtime.operation(users.sign_in(runtime, "admin", "admin-pass")) as ctx:
                patients.register(ctx, ANN)
            wrong = open_runtime(settings=attrs.evolve(settings, audit_key_file_given=other_key_file(tmp_path)))
            try:
                with pytest.raises(audit.WrongAuditKey):
                    users.sign_in(wrong, "admin", "admin-pass")
            finally:
                wrong.close()
            with runtime.operation(write=False) as ctx:
                assert audit.verify(ctx.session, runtime.audit_key()).ok
        finally:
            runtime.close()

    def test_a_tampered_newest_row_does_not_lock_the_practice_out_of_verify(self, medoffice_practice):
        """The key still signs the first row, so the admin can sign in and be told."""
        p = medoffice_practice
        engine = p.runtime.engine
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("DROP TRIGGER core_audit_no_update")
            else:
                conn.exec_driver_sql("ALTER TABLE core_audit DISABLE TRIGGER USER")
            conn.execute(text("UPDATE core_audit SET summary = '{\"x\": 1}' "
                              "WHERE seq = (SELECT seq FROM core_audit_head WHERE id = 1)"))
        result = p.cli("audit", "verify")
        assert result.exit_code == 1
        assert "audit log tampered: row" in result.stderr and "was altered" in result.stderr

    def test_the_key_is_checked_once_per_connection_not_per_row(self, medoffice_practice):
        p = medoffice_practice
        fresh = runtime_with_key(p, p.runtime.settings.audit_key_file)
        reads = []

        @event.listens_for(fresh.engine, "before_cursor_execute")
        def count(_conn, _cursor, statement, *_args):
            if "FROM core_audit " in statement + " " and "core_audit_head" not in statement:
                reads.append(statement)

        try:
            for first in ("Ann", "Bo", "Cy"):
                with fresh.operation(p.record("frontdesk")) as ctx:
                    made = patients.register(ctx, {**ANN, "first_name": first}).patient
                    patients.open_record(ctx, made.mrn)
        finally:
            fresh.close()
        assert len(reads) == 1, reads
        assert verify(p).ok and verify(p).rows == counts(p)[0]


@pytest.mark.medoffice_backends("sqlite")
def test_a_backup_is_not_restored_under_another_practices_key(medoffice_practice, tmp_path):
    from medoffice.core import backup

    p = medoffice_practice
    saved = tmp_path / "backup.sqlite"
    backup.backup(p.runtime, p.user("admin"), saved)
    target = tmp_path / "restored.sqlite"
    settings = attrs.evolve(Settings.resolve(f"sqlite:///{target}"), audit_key_file_given=other_key_file(tmp_path))
    runtime = open_runtime(settings=settings, candidates=[])
    try:
        with pytest.raises(audit.WrongAuditKey, match="nothing was restored"):
            backup.restore(runtime, saved)
        assert not runtime.has_practice
    finally:
        runtime.close()
