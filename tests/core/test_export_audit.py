"""An export is audited for what happened: "exported" only once the file is complete, and
never for a file that could not be written (the entry and the file go together)."""

from __future__ import annotations

import os
import stat

import pytest

from medoffice.core import audit

ADD = ("patients", "add", "--first-name", "Ann", "--last-name", "Lee", "--dob", "1970-01-02", "--sex", "f")


def exported(practice) -> list:
    with practice.operation("admin", write=False) as ctx:
        return list(audit.iter_entries(ctx.session, action="patients.exported"))


@pytest.mark.parametrize("fmt", ["csv", "fhir"])
class TestPatientsExport:
    def test_a_folder_that_does_not_exist_is_refused_with_no_exported_entry(self, medoffice_practice, tmp_path, fmt):
        medoffice_practice.cli(*ADD, user="frontdesk")
        target = tmp_path / "no" / "such" / "dir" / "p.csv"
        result = medoffice_practice.cli("patients", "export", "--format", fmt, "-o", str(target), user="manager")
        assert result.exit_code in (1, 2) and result.stdout == ""  # 2 when the option itself sees it
        assert result.stderr.splitlines()[-1].lower().startswith("error:")
        assert exported(medoffice_practice) == []
        assert not target.parent.exists()

    def test_a_folder_gone_by_the_time_the_file_is_written_is_one_line_and_no_exported_entry(
            self, medoffice_practice, tmp_path, monkeypatch, fmt):
        """The folder was there when the command started and is not when the file is written
        (a share unmounted, a disk full): the export is refused, not audited as done."""
        import shutil

        from medoffice.core.services import patient_io

        medoffice_practice.cli(*ADD, user="frontdesk")
        folder = tmp_path / "share"
        folder.mkdir()
        target = folder / "p.out"
        name = "export_csv" if fmt == "csv" else "export_fhir"
        made = getattr(patient_io, name)

        def then_the_share_goes(*args, **kwargs):
            result = made(*args, **kwargs)
            shutil.rmtree(folder)
            return result

        monkeypatch.setattr(patient_io, name, then_the_share_goes)
        result = medoffice_practice.cli("patients", "export", "--format", fmt, "-o", str(target), user="manager")
        assert (result.exit_code, result.stdout, result.stderr) == (
            1, "", f"error: cannot write {target}: No such file or directory\n")
        assert exported(medoffice_practice) == []

    def test_a_written_export_is_audited_once_complete_and_private(self, medoffice_practice, tmp_path, fmt):
        medoffice_practice.cli(*ADD, user="frontdesk")
        (tmp_path / "out").mkdir()
        target = tmp_path / "out" / "p.out"
        target.write_text("last year's export\n")
        result = medoffice_practice.cli("patients", "export", "--format", fmt, "-o", str(target), user="manager")
        assert (result.exit_code, result.stderr) == (0, f"exported 1 patients to {target}\n")
        assert "Lee" in target.read_text(encoding="utf-8")
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
        assert sorted(os.listdir(target.parent)) == ["p.out"]  # no temporary file left beside it
        [entry] = exported(medoffice_practice)
        assert entry.username == "manager" and entry.summary["count"] == 1

    def test_an_export_that_fails_while_made_keeps_the_old_file_and_audits_nothing(self, medoffice_practice,
                                                                                    tmp_path, monkeypatch, fmt):
        from medoffice.core.services import patient_io

        medoffice_practice.cli(*ADD, user="frontdesk")
        (tmp_path / "out").mkdir()
        target = tmp_path / "out" / "p.out"
        target.write_text("last year's export\n")

        def broken(*args, **kwargs):
            from medoffice.core.errors import ValidationError

            raise ValidationError("the export stopped half-way")

        monkeypatch.setattr(patient_io, "export_csv" if fmt == "csv" else "export_fhir", broken)
        result = medoffice_practice.cli("patients", "export", "--format", fmt, "-o", str(target), user="manager")
        assert (result.exit_code, result.stderr) == (1, "error: the export stopped half-way\n")
        assert target.read_text() == "last year's export\n"
        assert sorted(os.listdir(target.parent)) == ["p.out"]
        assert exported(medoffice_practice) == []
