"""The copay at check-in: taken before the visit's charges post, held on the account as a
credit, and applied to the charges when the visit's encounter closes; the receipt the
patient is handed, and where its copy is saved.

On the ``world`` of conftest.py (Monday 2026-01-05 10:00 in New York): Ann insured by Acme
(copay 25.00), Bo uninsured; fees 99213 95.00, 36415 12.50, 81002 8.25.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from medoffice.core.errors import ValidationError
from medoffice.core.services import practice
from medoffice.core.services import reports as report_service
from medoffice.core.storage.models import AuditRow
from medoffice.plugins.billing import encounters, ledger, receipts
from medoffice.plugins.billing.models import Payment, PaymentAllocation

pytestmark = pytest.mark.medoffice_plugins("billing")

D = Decimal


def prepay(practice_fixture, mrn, amount, method="cash", user="frontdesk", **options):
    with practice_fixture.operation(user) as ctx:
        return ledger.take_payment(ctx, mrn, amount, method, prepay=True, **options)


def visit(practice_fixture, world, mrn, *codes, close=True):
    """A visit with its charge lines, closed (the charges post) unless ``close`` is False."""
    with practice_fixture.operation("billing") as ctx:
        number = encounters.open_encounter(ctx, mrn, world.adams).encounter.id
        for code in codes:
            encounters.add_charge(ctx, number, code)
        if close:
            encounters.close_encounter(ctx, number)
    return number


def balance(practice_fixture, mrn):
    with practice_fixture.operation("billing", write=False) as ctx:
        return ledger.balance(ctx, mrn)


def allocations(practice_fixture):
    """``(payment id, line code, amount)`` of every allocation, in the order made."""
    from medoffice.plugins.billing.models import Charge

    with practice_fixture.operation("billing", write=False) as ctx:
        return [(p, code, a) for p, code, a in ctx.session.execute(
            select(PaymentAllocation.payment_id, Charge.code, PaymentAllocation.amount)
            .join(Charge, Charge.id == PaymentAllocation.charge_id).order_by(PaymentAllocation.id))]


def open_lines(practice_fixture, mrn):
    from medoffice.core.services import patients

    with practice_fixture.operation("billing", write=False) as ctx:
        patient = patients.get(ctx, mrn)
        return [(c.code, left) for c, left in ledger.outstanding_lines(ctx, patient.id)]


def payment_count(practice_fixture):
    with practice_fixture.operation("billing", write=False) as ctx:
        return ctx.session.execute(select(func.count()).select_from(Payment)).scalar()


class TestPrepayment:
    def test_the_front_desk_takes_the_copay_before_any_charge_without_the_refund_permission(
            self, medoffice_practice, world):
        """Ann owes nothing yet: an ordinary payment of 25.00 is refused for the front desk,
        a prepayment is taken and held as a credit."""
        with pytest.raises(ValidationError, match="take it as a prepayment"):
            with medoffice_practice.operation("frontdesk") as ctx:
                ledger.take_payment(ctx, world.ann, "25", "cash")
        paid = prepay(medoffice_practice, world.ann, "25.00")
        assert (paid.amount, paid.allocated, paid.balance_after) == (D("25.00"), (), D("-25.00"))
        with medoffice_practice.operation("billing", write=False) as ctx:
            book = ledger.ledger(ctx, world.ann)
            audit = ctx.session.execute(select(AuditRow.action, AuditRow.summary)
                                        .where(AuditRow.entity == "billing_payment")).all()
        assert [(e.kind, e.description, e.credit, e.balance) for e in book.entries] == [
            ("payment", "prepaid patient cash", D("25.00"), D("-25.00"))]
        assert [action for action, _summary in audit] == ["billing.payment.taken"]
        assert "prepayment" in str(audit[0][1])

    def test_the_visits_charges_are_paid_by_the_prepayment_when_the_encounter_closes(
            self, medoffice_practice, world):
        """25.00 at check-in; the visit's 99213 (95.00) closes: 25.00 of it is paid, 70.00 is
        left, and the audit log says the credit was applied."""
        paid = prepay(medoffice_practice, world.ann, "25")
        visit(medoffice_practice, world, world.ann, "99213")
        assert allocations(medoffice_practice) == [(paid.id, "99213", D("25.00"))]
        assert open_lines(medoffice_practice, world.ann) == [("99213", D("70.00"))]
        assert balance(medoffice_practice, world.ann) == D("70.00")
        with medoffice_practice.operation("billing", write=False) as ctx:
            applied = ctx.session.execute(select(AuditRow.username).where(
                AuditRow.action == "billing.credit.applied")).scalars().all()
        assert applied == ["billing"]

    def test_charges_smaller_than_the_prepayment_leave_the_rest_held_for_the_next_visit(
            self, medoffice_practice, world):
        """25.00 prepaid; a 12.50 blood draw uses half; the next visit's 8.25 urinalysis takes
        8.25 more; 4.25 stays a credit."""
        paid = prepay(medoffice_practice, world.bo, "25")
        visit(medoffice_practice, world, world.bo, "36415")
        assert balance(medoffice_practice, world.bo) == D("-12.50")
        visit(medoffice_practice, world, world.bo, "81002")
        assert allocations(medoffice_practice) == [(paid.id, "36415", D("12.50")), (paid.id, "81002", D("8.25"))]
        assert open_lines(medoffice_practice, world.bo) == []
        assert balance(medoffice_practice, world.bo) == D("-4.25")

    def test_two_prepayments_pay_the_oldest_line_first_oldest_payment_first(self, medoffice_practice, world):
        """10.00 then 20.00 prepaid; a visit of 12.50 and 95.00: the 10.00 and 2.50 of the 20.00
        pay the blood draw (entered first), the other 17.50 the office visit."""
        first = prepay(medoffice_practice, world.bo, "10")
        second = prepay(medoffice_practice, world.bo, "20", method="card", reference="VISA 4242")
        visit(medoffice_practice, world, world.bo, "36415", "99213")
        assert allocations(medoffice_practice) == [
            (first.id, "36415", D("10.00")), (second.id, "36415", D("2.50")), (second.id, "99213", D("17.50"))]
        assert open_lines(medoffice_practice, world.bo) == [("99213", D("77.50"))]
        assert balance(medoffice_practice, world.bo) == D("77.50")

    def test_an_open_encounter_does_not_use_the_credit_so_a_mistaken_line_can_still_be_voided(
            self, medoffice_practice, world):
        prepay(medoffice_practice, world.bo, "25")
        number = visit(medoffice_practice, world, world.bo, "99213", close=False)
        assert allocations(medoffice_practice) == []
        with medoffice_practice.operation("billing") as ctx:
            line = encounters.get_encounter(ctx, number).encounter.lines[0].id
            encounters.void_charge(ctx, line, "wrong patient")
        assert balance(medoffice_practice, world.bo) == D("-25.00")

    def test_a_refunded_credit_is_not_applied_again(self, medoffice_practice, world):
        """The prepayment was refunded (the visit was cancelled): the next visit's charges are
        owed in full, and no line is marked paid by money that went back."""
        prepay(medoffice_practice, world.bo, "25")
        with medoffice_practice.operation("billing") as ctx:
            ledger.refund(ctx, world.bo, "25", "cash", "visit cancelled")
        visit(medoffice_practice, world, world.bo, "99213")
        assert allocations(medoffice_practice) == []
        assert balance(medoffice_practice, world.bo) == D("95.00")

    def test_a_prepayment_while_something_is_owed_pays_that_first_and_holds_the_rest(
            self, medoffice_practice, world):
        visit(medoffice_practice, world, world.bo, "36415")
        paid = prepay(medoffice_practice, world.bo, "25")
        assert paid.allocated[0][1] == D("12.50") and paid.balance_after == D("-12.50")

    @pytest.mark.parametrize("amount", ["1e30", "-5", "0", "abc", "25.005", "", "NaN", "Infinity", "100000000"])
    def test_hostile_amounts_are_refused_and_nothing_is_written(self, medoffice_practice, world, amount):
        with pytest.raises(ValidationError) as caught:
            prepay(medoffice_practice, world.ann, amount)
        assert set(caught.value.errors) == {"amount"}
        assert payment_count(medoffice_practice) == 0


class TestReportsStayExact:
    def test_the_day_sheet_the_aging_and_the_balance_agree_before_and_after_the_charges_post(
            self, medoffice_practice, world):
        """Before the visit closes the prepayment is a credit and unapplied on the day sheet;
        after, it is credited to Dr Adams; A/R owes the 70.00 left; every total adds up."""
        prepay(medoffice_practice, world.ann, "25")

        def day_sheet():
            with medoffice_practice.operation("manager", write=False) as ctx:
                return report_service.run(ctx, "billing.day_sheet", {"day": "2026-01-05"}).rows

        def aging():
            with medoffice_practice.operation("manager", write=False) as ctx:
                return report_service.run(ctx, "billing.ar_aging", {"on": "2026-01-05", "by": "patient"}).rows

        assert day_sheet() == (("(unapplied)", "0.00", "25.00", "0.00"), ("total", "0.00", "25.00", "0.00"))
        assert aging() == (("total", "0.00", "0.00", "0.00", "0.00", "0.00"),)
        visit(medoffice_practice, world, world.ann, "99213")
        assert day_sheet() == (("Dr Adams", "95.00", "25.00", "0.00"), ("total", "95.00", "25.00", "0.00"))
        assert aging()[-1] == ("total", "70.00", "0.00", "0.00", "0.00", "70.00")
        with medoffice_practice.operation("billing", write=False) as ctx:
            book = ledger.ledger(ctx, world.ann)
        assert book.balance == sum((e.debit - e.credit for e in book.entries), D("0")) == D("70.00")


    def test_a_held_prepayment_is_no_statement_and_the_next_one_shows_it_paid(self, medoffice_practice, world):
        """Ann's prepayment alone: nothing is due, so no statement. Once the 95.00 visit
        posts, her statement asks for 70.00 and lists the prepaid 25.00 as a credit."""
        from medoffice.core.errors import Conflict
        from medoffice.plugins.billing import statements

        prepay(medoffice_practice, world.ann, "25")
        with pytest.raises(Conflict, match="no balance due"):
            with medoffice_practice.operation("billing") as ctx:
                statements.make_statements(ctx, mrns=[world.ann])
        visit(medoffice_practice, world, world.ann, "99213")
        with medoffice_practice.operation("billing") as ctx:
            (doc,) = statements.make_statements(ctx, mrns=[world.ann])
        assert doc.amount_due == D("70.00") and sum(doc.aging, D("0")) == D("70.00")
        assert sorted((line.charge, line.credit) for line in doc.lines) == [(D("0"), D("25.00")),
                                                                           (D("95.00"), D("0"))]


class TestReceipt:
    def test_the_receipt_names_the_practice_with_its_address_and_the_local_time(self, medoffice_practice, world):
        """What Ann reads: the practice, its address and phone, the time in New York, how she
        paid, that it is held for her visit, and who took it by name."""
        with medoffice_practice.operation("admin") as ctx:
            practice.update(ctx, {"address_line1": "1 River St", "city": "Albany", "state": "NY",
                                  "postal_code": "12207-1234", "phone": "518-555-0100"})
        paid = prepay(medoffice_practice, world.ann, "25", method="card", reference="VISA 4242")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            text = receipts.receipt(ctx, paid.id)
            name = ctx.practice.name
        lines = [line.strip() for line in text.splitlines()]
        assert lines[:4] == [name, "1 River St", "Albany, NY 12207-1234", "518-555-0100"]
        assert "Date:     Jan 5, 2026, 10:00 AM EST" in lines
        assert "Paid by:  card VISA 4242" in lines
        assert any(line.startswith("Paid before the visit") and line.endswith("$25.00") for line in lines)
        assert any(line.startswith("Credit on your account") and line.endswith("$25.00") for line in lines)
        assert "Held for your visit's charges." in lines
        assert all(len(line) <= receipts.WIDTH for line in text.splitlines())
        assert "-$" not in text, "a credit is said in words, not as a negative amount"

    def test_a_practice_without_an_address_prints_no_blank_lines_for_it(self, medoffice_practice, world):
        visit(medoffice_practice, world, world.ann, "99213")
        with medoffice_practice.operation("frontdesk") as ctx:
            paid = ledger.take_payment(ctx, world.ann, "20", "cash")
            text = receipts.receipt(ctx, paid.id)
            name = ctx.practice.name
        assert text.splitlines()[:3] == [name.center(receipts.WIDTH).rstrip(), "", "RECEIPT".center(40).rstrip()]
        assert "Balance now" in text and "$75.00" in text and "Amount paid" in text

    def test_saved_receipts_go_to_the_data_folder_not_the_current_directory(
            self, medoffice_practice, world, medoffice_env, tmp_path, monkeypatch):
        desk = tmp_path / "source-checkout"
        desk.mkdir()
        monkeypatch.chdir(desk)
        paid = prepay(medoffice_practice, world.ann, "25")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            path = receipts.save_receipt(ctx, paid.id)
            text = receipts.receipt(ctx, paid.id)
        assert path == Path(medoffice_env) / "data" / "receipts" / f"receipt-{paid.id}.txt"
        assert path.read_text(encoding="utf-8") == text
        assert list(desk.iterdir()) == []

    def test_an_unwritable_folder_is_one_line(self, medoffice_practice, world, tmp_path):
        paid = prepay(medoffice_practice, world.ann, "25")
        blocker = tmp_path / "a-file"
        blocker.write_text("")
        with pytest.raises(ValidationError, match="cannot save the receipt in"):
            with medoffice_practice.operation("frontdesk", write=False) as ctx:
                receipts.save_receipt(ctx, paid.id, blocker / "receipts")


class TestFromTheShell:
    def test_a_copay_prepaid_from_the_shell_with_json_and_its_receipt_saved(
            self, medoffice_practice, cli_world, medoffice_cli, medoffice_env):
        taken = medoffice_cli("billing", "payments", "take", cli_world.ann, "25", "--method", "cash", "--prepay",
                              "--json", user="frontdesk")
        assert taken.exit_code == 0, taken.stderr
        paid = taken.json()
        assert (paid["amount"], paid["balance_after"], paid["allocated"], paid["prepayment"]) == (
            "25.00", "-25.00", [], True)
        human = medoffice_cli("billing", "payments", "take", cli_world.bo, "10", "--method", "cash", "--prepay",
                              user="frontdesk")
        assert human.stdout.endswith("10.00 held on the account\n")
        saved = medoffice_cli("billing", "payments", "receipt", str(paid["id"]), "--save", "--json", user="frontdesk")
        assert saved.json()["saved_to"] == str(Path(medoffice_env) / "data" / "receipts" / f"receipt-{paid['id']}.txt")
        printed = medoffice_cli("billing", "payments", "receipt", str(paid["id"]), user="frontdesk")
        assert "Credit on your account" in printed.stdout

    @pytest.mark.parametrize("amount", ["1e30", "-5", "0", "abc", "25.005"])
    def test_hostile_amounts_exit_1_with_one_line(self, medoffice_practice, cli_world, medoffice_cli, amount):
        refused = medoffice_cli("billing", "payments", "take", "--method", "cash", "--prepay", "--", cli_world.ann,
                                amount, user="frontdesk")
        assert refused.exit_code == 1 and refused.stderr.startswith("error: amount") and refused.stderr.count("\n") == 1

    def test_to_without_save_is_a_usage_error(self, medoffice_practice, cli_world, medoffice_cli):
        assert medoffice_cli("billing", "payments", "receipt", "1", "--to", "/tmp", user="frontdesk").exit_code == 2
