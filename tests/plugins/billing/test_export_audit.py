"""An 837P batch, statements' PDFs or a fee schedule that could not be written are not
recorded as done: the batch stays unsent and the statements unissued, the audit log says
nothing was exported, and no file (whole or half) is left where it was going, nor a
temporary one beside it. A written file is private (0600) and replaces the old one whole."""

from __future__ import annotations

import json
import os
import shutil
import stat

import pytest

from medoffice.core import audit
from medoffice.core.context import Context

from ._claims_world import encounter, make_billable
from .test_private_billing_files import patient_owing

pytestmark = pytest.mark.medoffice_plugins("billing")


def entries(practice, action) -> list:
    with practice.operation("admin", write=False) as ctx:
        return list(audit.iter_entries(ctx.session, action=action))


def ready_claims(practice, world) -> None:
    make_billable(practice, world)
    encounter(practice, world, world.ann, day="2026-01-02")
    assert practice.cli("billing", "claims", "build", user="billing").exit_code == 0
    assert practice.cli("billing", "claims", "scrub", user="billing").exit_code == 0


def the_share_goes_after(monkeypatch, action, folder) -> None:
    """The folder is removed right after the service audits ``action`` (a share unmounted
    between making the export and writing its file)."""
    made = Context.audit

    def then_the_share_goes(self, what, *args, **kwargs):
        made(self, what, *args, **kwargs)
        if what == action and folder.exists():
            shutil.rmtree(folder)

    monkeypatch.setattr(Context, "audit", then_the_share_goes)


class TestClaimsExport:
    def test_a_batch_whose_file_cannot_be_written_is_not_sent(self, medoffice_practice, world, tmp_path,
                                                              monkeypatch):
        ready_claims(medoffice_practice, world)
        folder = tmp_path / "outbox"
        folder.mkdir()
        out = folder / "batch.837"
        the_share_goes_after(monkeypatch, "billing.batch.exported", folder)
        result = medoffice_practice.cli("billing", "claims", "export", "--out", str(out), user="billing")
        assert (result.exit_code, result.stdout, result.stderr) == (
            1, "", f"error: cannot write {out}: No such file or directory\n")
        assert entries(medoffice_practice, "billing.batch.exported") == []
        listed = medoffice_practice.cli("billing", "claims", "list", "--json", user="billing")
        assert listed.exit_code == 0, listed.stderr
        assert {c["status"] for c in json.loads(listed.stdout)} == {"ready"}

    def test_a_planted_partial_file_is_neither_followed_nor_left(self, medoffice_practice, world, tmp_path):
        """The old export wrote ``batch.837.partial`` first: a name anyone could plant a
        symlink at, to have the batch written elsewhere."""
        ready_claims(medoffice_practice, world)
        elsewhere = tmp_path / "elsewhere"
        elsewhere.write_text("not yours\n")
        (tmp_path / "out").mkdir()
        out = tmp_path / "out" / "batch.837"
        (tmp_path / "out" / "batch.837.partial").symlink_to(elsewhere)
        result = medoffice_practice.cli("billing", "claims", "export", "--out", str(out), user="billing")
        assert result.exit_code == 0, result.stderr
        assert elsewhere.read_text() == "not yours\n"
        assert out.read_text(encoding="ascii").startswith("ISA*")
        assert oct(stat.S_IMODE(os.stat(out).st_mode)) == oct(0o600)
        assert sorted(os.listdir(out.parent)) == ["batch.837", "batch.837.partial"]
        assert len(entries(medoffice_practice, "billing.batch.exported")) == 1


class TestStatementPdfs:
    def test_statements_whose_folder_became_a_file_are_not_issued(self, medoffice_practice, world, tmp_path,
                                                                   monkeypatch):
        patient_owing(medoffice_practice, world)
        folder = tmp_path / "statements"
        folder.mkdir()
        made = Context.audit

        def then_a_file_takes_its_place(self, what, *args, **kwargs):
            made(self, what, *args, **kwargs)
            if what == "billing.statement.issued" and folder.is_dir():
                folder.rmdir()
                folder.write_text("in the way\n")

        monkeypatch.setattr(Context, "audit", then_a_file_takes_its_place)
        result = medoffice_practice.cli("billing", "statements", "--pdf", str(folder), user="billing")
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr.startswith(f"error: cannot make {folder}: ") and result.stderr.count("\n") == 1
        assert entries(medoffice_practice, "billing.statement.issued") == []

    def test_a_failure_after_the_pdfs_are_made_leaves_no_pdf_and_no_statement(self, medoffice_practice, world,
                                                                             tmp_path, monkeypatch):
        from medoffice.core.errors import ValidationError
        from medoffice.plugins.billing import statements

        patient_owing(medoffice_practice, world)
        folder = tmp_path / "statements"
        folder.mkdir()

        def the_printer_jams(*args, **kwargs):
            raise ValidationError("stopped")

        monkeypatch.setattr(statements, "render_text", the_printer_jams)
        result = medoffice_practice.cli("billing", "statements", "--pdf", str(folder), user="billing")
        assert (result.exit_code, result.stderr) == (1, "error: stopped\n")
        assert os.listdir(folder) == []
        assert entries(medoffice_practice, "billing.statement.issued") == []


class TestFeesExport:
    def test_a_fee_schedule_replaces_the_old_file_whole_and_private(self, medoffice_practice, world, tmp_path,
                                                                    umask_022):
        (tmp_path / "out").mkdir()
        out = tmp_path / "out" / "fees.csv"
        out.write_text("last year's fees\n")
        os.chmod(out, 0o644)
        result = medoffice_practice.cli("billing", "fees", "export", "--output", str(out), user="billing")
        assert result.exit_code == 0, result.stderr
        assert out.read_text().startswith("code,")
        assert oct(stat.S_IMODE(os.stat(out).st_mode)) == oct(0o600)
        assert os.listdir(out.parent) == ["fees.csv"]

    def test_a_fee_export_that_fails_half_way_keeps_the_old_file(self, medoffice_practice, world, tmp_path,
                                                                 monkeypatch):
        from medoffice.core.errors import ValidationError
        from medoffice.plugins.billing import fees

        (tmp_path / "out").mkdir()
        out = tmp_path / "out" / "fees.csv"
        out.write_text("last year's fees\n")
        made = fees.export_csv

        def half_way(ctx, handle, **kwargs):
            handle.write("code,fee\n99213,")
            raise ValidationError("the export stopped half-way")

        monkeypatch.setattr(fees, "export_csv", half_way)
        result = medoffice_practice.cli("billing", "fees", "export", "--output", str(out), user="billing")
        assert (result.exit_code, result.stderr) == (1, "error: the export stopped half-way\n")
        assert out.read_text() == "last year's fees\n" and os.listdir(out.parent) == ["fees.csv"]
        assert made is not None
