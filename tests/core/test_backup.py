"""Backups (SQLite online backup API) and a restore that brings everything back."""

from __future__ import annotations

import pytest

from medoffice.core import audit, backup
from medoffice.core.config import Settings
from medoffice.core.errors import ConfigurationError, Conflict
from medoffice.core.runtime import open_runtime
from medoffice.core.services import patients, users


def register(practice, first):
    with practice.operation("frontdesk") as ctx:
        return patients.register(ctx, {"first_name": first, "last_name": "Lee", "date_of_birth": "1970-01-02",
                                        "sex": "f"}).patient


@pytest.fixture
def sqlite_only(medoffice_practice):
    assert medoffice_practice.runtime.engine.dialect.name == "sqlite"
    return medoffice_practice


pytestmark = pytest.mark.medoffice_backends("sqlite")


def test_backup_then_restore_into_a_new_database(sqlite_only, tmp_path):
    practice = sqlite_only
    register(practice, "Ann")
    target = tmp_path / "backup.sqlite"
    result = practice.cli("backup", str(target), "--json", user="manager")
    assert result.exit_code == 0, result.stderr
    register(practice, "Bo")  # after the backup: not in it

    restored_url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    settings = Settings.resolve(restored_url, env={**__import__("os").environ,
                                                   "MEDOFFICE_AUDIT_KEY_FILE": str(practice.runtime.settings.audit_key_file)})
    runtime = open_runtime(settings=settings, candidates=[])
    try:
        backup.restore(runtime, target)
        user = users.sign_in(runtime, "admin", "admin-password")
        with runtime.operation(user, write=False) as ctx:
            names = [m.patient.first_name for m in patients.find(ctx, "lee")]
            report = audit.verify(ctx.session, runtime.audit_key())
        assert names == ["Ann"]
        assert report.ok
    finally:
        runtime.close()


def test_backup_refuses_to_overwrite(sqlite_only, tmp_path):
    target = tmp_path / "backup.sqlite"
    target.write_text("precious")
    result = sqlite_only.cli("backup", str(target))
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert target.read_text() == "precious"


def test_restore_refuses_a_database_that_has_a_practice(sqlite_only, tmp_path):
    target = tmp_path / "backup.sqlite"
    sqlite_only.cli("backup", str(target))
    with pytest.raises(Conflict, match="--force"):
        backup.restore(sqlite_only.runtime, target)


def test_restore_refuses_a_file_that_is_not_a_backup(sqlite_only, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    result = sqlite_only.cli("restore", str(bogus), "--force")
    assert result.exit_code == 1 and "not a SQLite database" in result.stderr


def test_the_front_desk_may_not_back_up(sqlite_only, tmp_path):
    result = sqlite_only.cli("backup", str(tmp_path / "b.sqlite"), user="frontdesk")
    assert result.exit_code == 1 and "backup.run" in result.stderr
    assert not (tmp_path / "b.sqlite").exists()


def test_backups_are_audited(sqlite_only, tmp_path):
    sqlite_only.cli("backup", str(tmp_path / "b.sqlite"))
    with sqlite_only.operation("admin", write=False) as ctx:
        (entry,) = list(audit.iter_entries(ctx.session, action="backup.created"))
    assert entry.summary["path"].endswith("b.sqlite")


@pytest.mark.medoffice_backends("postgresql")
def test_postgresql_points_at_pg_dump(medoffice_practice):
    result = medoffice_practice.cli("backup", "/tmp/never-written.sqlite")
    assert result.exit_code == 1 and "pg_dump" in result.stderr
    with pytest.raises(ConfigurationError, match="pg_dump"):
        backup.backup(medoffice_practice.runtime, medoffice_practice.user("admin"), "/tmp/x.sqlite")
