"""Statements, receipts and 837 files carry patients' names and balances: medoffice creates
them readable by their owner only (0600) under the usual umask, where they used to be 0644.
"""

from __future__ import annotations

import os
import stat

import pytest

from medoffice.core.services import patients
from medoffice.plugins.billing import encounters, ledger, receipts, statements

from ._claims_world import encounter, make_billable

pytestmark = pytest.mark.medoffice_plugins("billing")

PRIVATE = oct(0o600)


def mode(path) -> str:
    return oct(stat.S_IMODE(os.stat(path).st_mode))


def patient_owing(practice, world):
    with practice.operation("frontdesk") as ctx:
        mrn = patients.register(ctx, {"first_name": "Dee", "last_name": "Owens", "date_of_birth": "1980-02-03",
                                      "sex": "f", "address_line1": "12 Oak St", "city": "New York", "state": "NY",
                                      "postal_code": "10001"}).patient.mrn
    with practice.operation("billing") as ctx:
        number = encounters.open_encounter(ctx, mrn, world.adams).encounter.id
        encounters.add_charge(ctx, number, "99214")
    return mrn


def test_statement_pdfs_are_private(medoffice_practice, world, tmp_path, umask_022):
    patient_owing(medoffice_practice, world)
    with medoffice_practice.operation("billing") as ctx:
        documents = statements.make_statements(ctx, record=False)
        (written,) = statements.write_pdfs(ctx, documents, tmp_path / "statements")
    assert written.read_bytes().startswith(b"%PDF") and mode(written) == PRIVATE


def test_a_saved_receipt_is_private(medoffice_practice, world, tmp_path, umask_022):
    with medoffice_practice.operation("frontdesk") as ctx:
        paid = ledger.take_payment(ctx, world.ann, "25", "cash", prepay=True)
        saved = receipts.save_receipt(ctx, paid.id, tmp_path / "receipts")
    assert "25.00" in saved.read_text() and mode(saved) == PRIVATE


def test_an_837_file_and_its_copy_are_private(medoffice_practice, world, tmp_path, umask_022):
    make_billable(medoffice_practice, world)
    encounter(medoffice_practice, world, world.ann, day="2026-01-02")
    assert medoffice_practice.cli("billing", "claims", "build", user="billing").exit_code == 0
    assert medoffice_practice.cli("billing", "claims", "scrub", user="billing").exit_code == 0
    out, again = tmp_path / "batch.837", tmp_path / "again.837"
    exported = medoffice_practice.cli("billing", "claims", "export", "--out", str(out), user="billing")
    assert exported.exit_code == 0, exported.output
    copied = medoffice_practice.cli("billing", "claims", "export", "--batch", "1", "--out", str(again), user="billing")
    assert copied.exit_code == 0, copied.output
    assert (mode(out), mode(again)) == (PRIVATE, PRIVATE)
