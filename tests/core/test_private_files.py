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
