"""The front desk, which may read balances, may preview the statements it cannot send."""

from __future__ import annotations

import pytest

from medoffice.core.services import patients
from medoffice.plugins.billing import encounters, statements

pytestmark = pytest.mark.medoffice_plugins("billing")


def patient_owing(practice, world):
    with practice.operation("frontdesk") as ctx:
        mrn = patients.register(ctx, {"first_name": "Dee", "last_name": "Owens", "date_of_birth": "1980-02-03",
                                      "sex": "f", "address_line1": "12 Oak St", "city": "New York", "state": "NY",
                                      "postal_code": "10001"}).patient.mrn
    with practice.operation("billing") as ctx:
        number = encounters.open_encounter(ctx, mrn, world.adams).encounter.id
        encounters.add_charge(ctx, number, "99214")
    return mrn


class TestTheFrontDeskPreviewsStatements:
    """``billing statements --preview`` reads ledgers and balances (``billing.read``, which the
    front desk has) and records nothing; it was refused for ``billing.claims``."""

    def test_the_front_desk_previews(self, medoffice_practice, world):
        mrn = patient_owing(medoffice_practice, world)
        result = medoffice_practice.cli("billing", "statements", "--preview", "--patient", mrn, user="frontdesk")
        assert result.exit_code == 0, result.stderr
        assert f"MRN {mrn}" in result.stdout
        with medoffice_practice.operation("billing", write=False) as ctx:
            again = statements.make_statements(ctx, mrns=[mrn], record=False)
        assert len(again) == 1

    def test_but_does_not_issue_them(self, medoffice_practice, world):
        mrn = patient_owing(medoffice_practice, world)
        result = medoffice_practice.cli("billing", "statements", "--patient", mrn, user="frontdesk")
        assert result.exit_code == 1 and "billing.claims" in result.stderr

    def test_without_billing_read_even_the_preview_is_refused(self, medoffice_practice, world):
        mrn = patient_owing(medoffice_practice, world)
        medoffice_practice.cli("roles", "revoke", "front_desk", "billing.read")
        result = medoffice_practice.cli("billing", "statements", "--preview", "--patient", mrn, user="frontdesk")
        assert result.exit_code == 1 and "billing.read" in result.stderr
