"""Backups (SQLite online backup API) and a restore that brings everything back."""

from __future__ import annotations

import os
import stat

import pytest

from medoffice.core import audit, backup
from medoffice.core.config import Settings
from medoffice.core.errors import ConfigurationError, Conflict, ValidationError
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


class TestWhereABackupMayGo:
    """A backup writes a new file of its own and replaces only a regular file, never a device,
    a pipe, a folder or what a symbolic link points at (``backup --force /dev/null`` once
    replaced the system's /dev/null with the practice's data)."""

    @pytest.fixture
    def folder(self, tmp_path):
        """The backups' folder (the practice's database is in ``tmp_path``)."""
        made = tmp_path / "backups"
        made.mkdir()
        return made

    def test_the_backup_is_private_to_its_owner_whatever_the_umask(self, sqlite_only, folder, umask_022):
        target = folder / "b.sqlite"
        assert sqlite_only.cli("backup", str(target), user="manager").exit_code == 0
        assert oct(target.stat().st_mode & 0o777) == oct(0o600)

    def test_force_replaces_a_regular_file_and_says_so(self, sqlite_only, folder):
        target = folder / "b.sqlite"
        target.write_text("last week's")
        result = sqlite_only.cli("backup", str(target), "--force", "--json")
        assert result.exit_code == 0, result.stderr
        assert result.json()["replaced"] is True
        backup._check_backup(target)
        human = sqlite_only.cli("backup", str(target), "--force")
        assert "replaced the file that was there" in human.stdout

    def test_dev_null_is_refused_and_left_alone(self, sqlite_only):
        before = os.stat("/dev/null")
        result = sqlite_only.cli("backup", "/dev/null")
        assert result.exit_code == 1 and "/dev/null" in result.stderr
        after = os.stat("/dev/null")
        assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
        assert not [name for name in os.listdir("/dev") if name.endswith(".partial")]

    @pytest.mark.parametrize("force", [False, True])
    def test_a_named_pipe_is_refused_even_with_force(self, sqlite_only, folder, force):
        pipe = folder / "pipe"
        os.mkfifo(pipe)
        result = sqlite_only.cli("backup", str(pipe), *(["--force"] if force else []))
        assert result.exit_code == 1 and "is a named pipe" in result.stderr
        assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
        assert sorted(os.listdir(folder)) == ["pipe"]

    @pytest.mark.parametrize("force", [False, True])
    def test_a_symbolic_link_is_refused_and_its_target_untouched(self, sqlite_only, folder, force):
        precious = folder / "precious.txt"
        precious.write_text("not yours")
        link = folder / "b.sqlite"
        link.symlink_to(precious)
        result = sqlite_only.cli("backup", str(link), *(["--force"] if force else []))
        assert result.exit_code == 1 and "symbolic link" in result.stderr
        assert link.is_symlink() and precious.read_text() == "not yours"
        assert sorted(os.listdir(folder)) == ["b.sqlite", "precious.txt"]

    def test_a_folder_is_refused(self, sqlite_only, folder):
        (folder / "b.sqlite").mkdir()
        with pytest.raises(ValidationError, match="is a folder"):
            backup.backup(sqlite_only.runtime, sqlite_only.user("admin"), folder / "b.sqlite", overwrite=True)
        assert os.listdir(folder / "b.sqlite") == [] and sorted(os.listdir(folder)) == ["b.sqlite"]

    def test_a_planted_partial_symlink_is_not_followed(self, sqlite_only, folder):
        elsewhere = folder / "attacker" / "loot.sqlite"
        elsewhere.parent.mkdir()
        (folder / "b.sqlite.partial").symlink_to(elsewhere)
        result = sqlite_only.cli("backup", str(folder / "b.sqlite"))
        assert result.exit_code == 0, result.stderr
        assert not elsewhere.exists()
        assert (folder / "b.sqlite.partial").is_symlink()
        backup._check_backup(folder / "b.sqlite")

    def test_a_planted_partial_file_is_left_alone(self, sqlite_only, folder):
        planted = folder / "b.sqlite.partial"
        planted.write_text("junk, not a database")
        result = sqlite_only.cli("backup", str(folder / "b.sqlite"))
        assert result.exit_code == 0, result.stderr
        assert planted.read_text() == "junk, not a database"
        assert sorted(os.listdir(folder)) == ["b.sqlite", "b.sqlite.partial"]
        backup._check_backup(folder / "b.sqlite")
