"""The biller's and the manager's billing reports through ``medoffice reports``: the day
sheet, A/R aging by payer and by patient, and collections. Every total row is the exact
sum of the rows above it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medoffice.core.errors import PermissionDenied, ValidationError
from medoffice.core.services import reports as report_service
from medoffice.core.services import staff
from medoffice.plugins.billing import ledger

from ._claims_world import ar_world, encounter, make_billable
from .conftest import npi

pytestmark = pytest.mark.medoffice_plugins("billing")


def run(practice, report_id, params=None, user="manager"):
    with practice.operation(user, write=False) as ctx:
        return report_service.run(ctx, report_id, params or {})


def adds_up(result, first_column=1):
    """Each money column's total row equals the sum of the rows above it, to the cent."""
    *rows, total = result.rows
    for i in range(first_column, len(result.columns)):
        assert sum((Decimal(r[i]) for r in rows), Decimal("0")) == Decimal(total[i]), result.columns[i]


class TestDaySheet:
    def test_per_provider_charges_payments_and_adjustments_of_the_day(self, medoffice_practice, world):
        """Dr Adams saw Ann (120.00; she paid 50.00), Dr Baker saw Cy (95.00; 5.00 written
        off); Bo paid 30.00 with nothing owed: a credit, unapplied."""
        p, w = medoffice_practice, world
        make_billable(p, w)
        with p.operation("admin") as ctx:
            baker = staff.add(ctx, {"name": "Dr Baker", "role": "physician", "is_provider": True, "npi": npi(2)}).id
        encounter(p, w, w.ann)
        with p.operation("billing") as ctx:
            from medoffice.plugins.billing import encounters

            seen = encounters.open_encounter(ctx, w.cy, baker).encounter.id
            encounters.add_diagnoses(ctx, seen, ["J06.9"])
            line = encounters.add_charge(ctx, seen, "99213", pointers=[1]).encounter.lines[0].id
            ledger.take_payment(ctx, w.ann, "50.00", "card")
            ledger.take_payment(ctx, w.bo, "30.00", "cash")
            ledger.adjust(ctx, w.cy, "5.00", "courtesy", charge_id=line)
        result = run(p, "billing.day_sheet", {"day": "2026-01-05"})
        assert result.title == "Day sheet, 2026-01-05"
        assert result.columns == ("provider", "charges", "payments", "adjustments")
        assert result.rows == (("Dr Adams", "120.00", "50.00", "0.00"), ("Dr Baker", "95.00", "0.00", "5.00"),
                               ("(unapplied)", "0.00", "30.00", "0.00"), ("total", "215.00", "80.00", "5.00"))
        adds_up(result)
        assert run(p, "billing.day_sheet", {"day": "2026-01-04"}).rows == (("total", "0.00", "0.00", "0.00"),)


class TestAging:
    def test_by_payer_the_open_claims_payer_owes_else_the_patient(self, medoffice_practice, world):
        p = medoffice_practice
        ar_world(p, world)
        result = run(p, "billing.ar_aging", {"on": "2026-01-05"})
        assert result.columns == ("payer", "0-30", "31-60", "61-90", "90+", "total")
        assert result.rows == (
            ("Acme Health", "120.00", "0.00", "0.00", "0.00", "120.00"),
            ("Blue Plan", "0.00", "120.00", "0.00", "0.00", "120.00"),
            ("patient (self-pay)", "0.00", "0.00", "100.00", "15.00", "115.00"),
            ("total", "120.00", "120.00", "100.00", "15.00", "355.00"))
        adds_up(result)

    def test_by_patient_the_total_is_every_balance(self, medoffice_practice, world):
        p, w = medoffice_practice, world
        ar_world(p, w)
        result = run(p, "billing.ar_aging", {"on": "2026-01-05", "by": "patient"})
        assert [r[0] for r in result.rows] == [f"Diaz, Cy ({w.cy})", f"Lee, Ann ({w.ann})", f"Lee, Bo ({w.bo})",
                                               "total"]
        assert [r[1:] for r in result.rows] == [
            ("0.00", "120.00", "0.00", "0.00", "120.00"), ("120.00", "0.00", "0.00", "15.00", "135.00"),
            ("0.00", "0.00", "100.00", "0.00", "100.00"), ("120.00", "120.00", "100.00", "15.00", "355.00")]
        with p.operation("billing", write=False) as ctx:
            assert sum((ledger.balance(ctx, m) for m in (w.ann, w.bo, w.cy)), Decimal(0)) == Decimal("355.00")
        adds_up(result)

    def test_as_of_an_earlier_day_later_money_does_not_count(self, medoffice_practice, world):
        """On 2025-12-31 nothing was paid yet: four visits of 120.00, 11, 41, 72 and 91 days old."""
        ar_world(medoffice_practice, world)
        result = run(medoffice_practice, "billing.ar_aging", {"on": "2025-12-31", "by": "patient"})
        assert result.rows[-1] == ("total", "120.00", "120.00", "120.00", "120.00", "480.00")

    def test_bad_parameters_and_the_front_desk(self, medoffice_practice, world):
        with pytest.raises(ValidationError, match="by must be payer or patient"):
            run(medoffice_practice, "billing.ar_aging", {"by": "provider"})
        with pytest.raises(PermissionDenied):
            run(medoffice_practice, "billing.ar_aging", user="frontdesk")


class TestCollections:
    def test_gross_and_net_collection_rates_over_a_range(self, medoffice_practice, world):
        ar_world(medoffice_practice, world)
        result = run(medoffice_practice, "billing.collections", {"from": "2025-10-01", "to": "2026-01-05"})
        assert result.title == "Collections, 2025-10-01 to 2026-01-05"
        assert dict(result.rows) == {
            "charges": "480.00", "payments, patients": "10.00", "payments, insurance": "80.00", "refunds": "0.00",
            "collected (payments - refunds)": "90.00", "adjustments, contractual": "15.00",
            "adjustments, courtesy": "20.00", "adjustments, bad debt": "0.00",
            "gross collection rate": "18.8%", "net collection rate": "19.4%"}

    def test_a_range_without_charges_has_no_rate_and_an_upside_down_one_is_refused(self, medoffice_practice, world):
        result = run(medoffice_practice, "billing.collections", {"from": "2026-01-01", "to": "2026-01-05"})
        assert dict(result.rows)["gross collection rate"] == "-"
        with pytest.raises(ValidationError, match="cannot start"):
            run(medoffice_practice, "billing.collections", {"from": "2026-01-05", "to": "2026-01-01"})

    def test_the_reports_run_from_the_command_line_with_json(self, medoffice_practice, cli_world):
        listed = medoffice_practice.cli("reports", "list", user="manager")
        assert all(r in listed.output for r in ("billing.day_sheet", "billing.ar_aging", "billing.collections"))
        result = medoffice_practice.cli("reports", "run", "billing.ar_aging", "--json", user="manager")
        assert result.exit_code == 0, result.output
        assert result.json()["rows"] == [["total", "0.00", "0.00", "0.00", "0.00", "0.00"]]
