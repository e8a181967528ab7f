"""The practice's data on disk is readable by the user who wrote it, and nobody else.

The story: under the usual umask (022) the database, its backups and every patient export
used to be created 0644, readable by every account on the machine. Now medoffice creates
them 0600, as it already did the audit key.
"""

from __future__ import annotations

import os
import stat

import pytest
from click.testing import CliRunner

from medoffice.core.cli import cli
from medoffice.core.files import write_private


def mode(path) -> str:
    return oct(stat.S_IMODE(os.stat(path).st_mode))


PRIVATE = oct(0o600)


class TestTheDatabase:
    def test_init_makes_the_database_and_its_wal_files_private(self, tmp_path, medoffice_env, umask_022):
        database = tmp_path / "clinic.sqlite"
        result = CliRunner().invoke(cli, ["--db", f"sqlite:///{database}", "init", "--name", "Hill Clinic",
                                          "--timezone", "America/Denver"],
                                    env={"MEDOFFICE_ADMIN_PASSWORD": "long-enough-pw"})
        assert result.exit_code == 0, result.output
        files = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("clinic.sqlite"))
        assert files[0] == "clinic.sqlite"
        assert {name: mode(tmp_path / name) for name in files} == {name: PRIVATE for name in files}

    def test_the_demo_database_is_private_too(self, tmp_path, medoffice_env, umask_022):
        database = tmp_path / "demo.sqlite"
        result = CliRunner().invoke(cli, ["--db", f"sqlite:///{database}", "demo", "--patients", "3"])
        assert result.exit_code == 0, result.output
        assert mode(database) == PRIVATE


@pytest.mark.parametrize("fmt", ["csv", "fhir"])
def test_a_patient_export_is_private(medoffice_practice, tmp_path, umask_022, fmt):
    target = tmp_path / f"patients.{fmt}"
    result = medoffice_practice.cli("patients", "export", "--format", fmt, "--output", str(target), user="manager")
    assert result.exit_code == 0, result.stderr
    assert mode(target) == PRIVATE


class TestWritePrivate:
    def test_an_existing_readable_file_written_again_loses_the_others_permissions(self, tmp_path, umask_022):
        old = tmp_path / "patients.csv"
        old.write_text("an export from last year")
        os.chmod(old, 0o644)
        write_private(old, "mrn,name\n")
        assert mode(old) == PRIVATE and old.read_text() == "mrn,name\n"

    def test_a_pipe_is_written_to_and_keeps_its_mode(self, tmp_path):
        import threading

        pipe = tmp_path / "pipe"
        os.mkfifo(pipe, 0o644)
        received = []
        reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
        reader.start()
        write_private(pipe, b"to whoever reads")
        reader.join(timeout=5)
        assert received == [b"to whoever reads"]
        assert stat.S_ISFIFO(os.stat(pipe).st_mode) and mode(pipe) == oct(0o644)


class TestTheDataFolder:
    """Crash logs (a traceback may quote a patient's data), audit checkpoints and the plugins'
    failure lists are the owner's only: files 0600, their folders 0700, whatever the umask."""

    def test_a_crash_log_and_its_folder_are_private(self, tmp_path, monkeypatch, umask_022):
        from medoffice.core.cli.tui_cmd import write_crash_log

        monkeypatch.setenv("MEDOFFICE_HOME", str(tmp_path / "office"))
        try:
            raise RuntimeError("boom near Ann Lee's chart")
        except RuntimeError as error:
            log = write_crash_log(error)
        assert "Ann Lee" in log.read_text()
        assert (mode(log), mode(log.parent), mode(log.parent.parent)) == (PRIVATE, oct(0o700), oct(0o700))

    def test_two_crashes_in_one_instant_get_two_logs_and_a_planted_link_is_not_followed(
            self, tmp_path, monkeypatch):
        import datetime as dt

        from medoffice.core.cli.tui_cmd import crash_log_folder, write_crash_log

        monkeypatch.setenv("MEDOFFICE_HOME", str(tmp_path / "office"))
        moment = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
        crash_log_folder().mkdir(parents=True)
        victim = tmp_path / "victim"
        victim.write_text("keep me\n")
        (crash_log_folder() / f"tui-crash-{moment:%Y%m%d-%H%M%S-%f}.log").symlink_to(victim)
        first = write_crash_log(RuntimeError("one"), now=moment)
        second = write_crash_log(RuntimeError("two"), now=moment)
        assert victim.read_text() == "keep me\n"
        assert first != second and "one" in first.read_text() and "two" in second.read_text()

    def test_an_older_loose_checkpoint_folder_is_tightened(self, medoffice_practice, umask_022):
        from medoffice.core import audit

        folder = medoffice_practice.runtime.settings.checkpoint_dir
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o755)
        with medoffice_practice.operation("admin") as ctx:
            audit.write_checkpoint(ctx.session, ctx.runtime.audit_key(),
                                   ctx.runtime.settings.checkpoint_file, ctx.now())
        [point] = [p for p in folder.iterdir() if p.name.startswith("checkpoints-")]
        assert (mode(point), mode(folder)) == (PRIVATE, oct(0o700))

    def test_a_new_data_folder_for_checkpoints_is_made_private(self, tmp_path, medoffice_env, umask_022):
        database = tmp_path / "clinic.sqlite"
        data = tmp_path / "fresh" / "data"
        result = CliRunner().invoke(cli, ["--db", f"sqlite:///{database}", "init", "--name", "Hill Clinic",
                                          "--timezone", "America/Denver"],
                                    env={"MEDOFFICE_ADMIN_PASSWORD": "long-enough-pw",
                                         "MEDOFFICE_HOME": str(tmp_path / "fresh")})
        assert result.exit_code == 0, result.output
        points = list((data / "audit").glob("checkpoints-*.jsonl"))
        assert len(points) == 1, sorted(map(str, tmp_path.rglob("*")))
        assert (mode(points[0]), mode(data / "audit"), mode(data)) == (PRIVATE, oct(0o700), oct(0o700))

    def test_the_plugins_failure_list_compacted_stays_private_and_leaves_nothing(self, tmp_path, umask_022):
        import datetime as dt

        from medoffice.core.loader import failures

        path = tmp_path / "data" / "plugins" / "hook-failures-x.jsonl"
        log = failures.FailureLog(path, clock=lambda: dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc))
        for n in range(4000):
            log.record("alerts", "medoffice_patient_card", RuntimeError(f"failure {n} " + "x" * 200))
        assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
        assert (mode(path), mode(path.parent)) == (PRIVATE, oct(0o700))
