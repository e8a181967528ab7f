"""A receipt is a document: printed again weeks later it shows what it showed the day the
money was taken (the balance right after that payment), and it says who paid: the patient
at the desk, or the insurer for a payer's check or EFT."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.plugins.billing import encounters, ledger, receipts

pytestmark = pytest.mark.medoffice_plugins("billing")

UTC = dt.timezone.utc


def at(practice, day: int, hour: int = 15):
    """Move the practice's clock (each posting then carries its own time, as in the office)."""
    practice.runtime.clock = lambda: dt.datetime(2026, 1, day, hour, 0, tzinfo=UTC)


def charged(practice, world, mrn, *codes):
    with practice.operation("billing") as ctx:
        number = encounters.open_encounter(ctx, mrn, world.adams).encounter.id
        for code in codes:
            view = encounters.add_charge(ctx, number, code)
    return view.encounter


def receipt(practice, payment_id, user="frontdesk"):
    with practice.operation(user, write=False) as ctx:
        return receipts.receipt(ctx, payment_id)


class TestReprints:
    def test_a_receipt_printed_again_after_more_charges_and_payments_is_the_same(self, medoffice_practice, world):
        p, w = medoffice_practice, world
        charged(p, w, w.ann, "99213", "36415")  # 107.50
        at(p, 5, 16)
        with p.operation("frontdesk") as ctx:
            paid = ledger.take_payment(ctx, w.ann, "40", "card", reference="VISA 4242")
            original = receipts.receipt(ctx, paid.id)
        assert "Balance now" in original and "$67.50" in original
        at(p, 12)
        second = charged(p, w, w.ann, "99214")  # 140.00
        at(p, 13)
        with p.operation("billing") as ctx:
            ledger.post_insurance_payment(ctx, w.ann, "Acme Health", "60.00", "EFT 777", method="eft")
            ledger.adjust(ctx, w.ann, "10", "courtesy")
        at(p, 14)
        with p.operation("billing") as ctx:
            encounters.void_charge(ctx, second.lines[0].id, "wrong code")
            ledger.take_payment(ctx, w.ann, "7.50", "cash")
        assert receipt(p, paid.id) == original
        printed = p.cli("billing", "payments", "receipt", str(paid.id), user="frontdesk")
        assert printed.exit_code == 0 and printed.stdout == original

    def test_a_charge_voided_before_the_payment_does_not_count_on_its_receipt(self, medoffice_practice, world):
        p, w = medoffice_practice, world
        visit = charged(p, w, w.bo, "99213", "36415")
        at(p, 6)
        with p.operation("billing") as ctx:
            encounters.void_charge(ctx, visit.lines[1].id, "not done")
        at(p, 7)
        with p.operation("frontdesk") as ctx:
            paid = ledger.take_payment(ctx, w.bo, "20", "cash")
        assert paid.balance_after == 75
        assert "Balance now" + " " * 13 + "$75.00".rjust(16) in receipt(p, paid.id)

    def test_a_prepayment_reprints_its_credit_after_the_visit_used_it(self, medoffice_practice, world):
        p, w = medoffice_practice, world
        with p.operation("frontdesk") as ctx:
            paid = ledger.take_payment(ctx, w.bo, "25", "card", reference="VISA 1111", prepay=True)
            original = receipts.receipt(ctx, paid.id)
        assert "Credit on your account" in original and "Held for your visit's charges." in original
        at(p, 5, 17)
        charged(p, w, w.bo, "99213")
        assert receipt(p, paid.id) == original


class TestWhoPaid:
    def test_an_insurers_eft_reprints_as_paid_by_the_insurer(self, medoffice_practice, world):
        p, w = medoffice_practice, world
        charged(p, w, w.ann, "99213")
        at(p, 9)
        with p.operation("billing") as ctx:
            paid = ledger.post_insurance_payment(ctx, w.ann, "Acme Health", "70.00", "444259422", method="eft")
        lines = receipt(p, paid.id, user="billing").splitlines()
        assert "Paid by:  Acme Health (insurance)" in lines
        assert "By:       EFT 444259422" in lines
        assert "Patient:  Lee, Ann" in lines
        assert not any(line.startswith("Paid by:  eft") for line in lines)

    def test_the_patient_paying_at_the_desk_is_named_by_the_method(self, medoffice_practice, world):
        p, w = medoffice_practice, world
        charged(p, w, w.ann, "99213")
        with p.operation("frontdesk") as ctx:
            paid = ledger.take_payment(ctx, w.ann, "25", "check", reference="1001")
        lines = receipt(p, paid.id).splitlines()
        assert "Paid by:  check 1001" in lines and not any("insurance" in line for line in lines)

    def test_long_names_and_references_wrap_within_the_paper_never_cut(self, medoffice_practice, world):
        p, w = medoffice_practice, world
        with p.operation("billing") as ctx:
            from medoffice.plugins.billing import payers

            payers.add_payer(ctx, {"name": "Great Lakes Regional Mutual Health Insurance Company",
                                   "payer_code": "GLRM1"})
        charged(p, w, w.ann, "99213")
        with p.operation("billing") as ctx:
            paid = ledger.post_insurance_payment(ctx, w.ann, "Great Lakes Regional Mutual Health Insurance Company",
                                                 "70.00", "TRN1234567890123456789012345678901234", method="eft")
        text = receipt(p, paid.id, user="billing")
        assert all(len(line) <= receipts.WIDTH for line in text.splitlines())
        flat = " ".join(line.strip() for line in text.splitlines())
        assert "Great Lakes Regional Mutual Health Insurance Company (insurance)" in flat
        assert "TRN1234567890123456789012345678901234" in text.replace("\n" + " " * 10, "")
