"""Money adds up to the cent: payments, adjustments, refunds, the ledger and the balance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medoffice.core.errors import PermissionDenied, ValidationError
from medoffice.core.records import ExpenseDraft
from medoffice.core.services import patients
from medoffice.plugins.billing import books, encounters, ledger, receipts
from medoffice.plugins.billing.money import split

pytestmark = pytest.mark.medoffice_plugins("billing")

D = Decimal


def charged(practice, world, mrn, *codes):
    with practice.operation("billing") as ctx:
        number = encounters.open_encounter(ctx, mrn, world.adams).encounter.id
        for code in codes:
            view = encounters.add_charge(ctx, number, code)
    return view.encounter


class TestDeskPayments:
    def test_a_copay_at_the_desk_pays_the_oldest_line_and_prints_a_receipt(self, medoffice_practice, world):
        charged(medoffice_practice, world, world.ann, "99213", "36415")
        with medoffice_practice.operation("frontdesk") as ctx:
            paid = ledger.take_payment(ctx, world.ann, "100", "card", reference="VISA 4242")
            text = receipts.receipt(ctx, paid.id)
        assert (paid.amount, paid.balance_after, [a for _, a in paid.allocated]) == (D("100.00"), D("7.50"),
                                                                                     [D("95.00"), D("5.00")])
        assert "RECEIPT" in text and "Patient:  Lee, Ann" in text and "$100.00" in text and "$7.50" in text

    def test_more_than_the_balance_needs_the_refund_permission(self, medoffice_practice, world):
        charged(medoffice_practice, world, world.ann, "36415")
        with pytest.raises(ValidationError, match=r"payment \$20.00 is more than the balance \$12.50"):
            with medoffice_practice.operation("frontdesk") as ctx:
                ledger.take_payment(ctx, world.ann, "20", "cash")
        with medoffice_practice.operation("billing") as ctx:
            assert ledger.take_payment(ctx, world.ann, "20", "cash").balance_after == D("-7.50")
            back = ledger.refund(ctx, world.ann, "7.50", "cash", "overpaid")
        assert back.balance_after == D("0.00")

    def test_bad_payments_name_every_field(self, medoffice_practice, world):
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("frontdesk") as ctx:
                ledger.take_payment(ctx, world.ann, "0", "bitcoin")
        assert set(caught.value.errors) == {"amount", "method"}
        with pytest.raises(ValidationError, match="check number"):
            with medoffice_practice.operation("frontdesk") as ctx:
                ledger.take_payment(ctx, world.ann, "5", "check")


class TestInsuranceAndWriteOffs:
    def test_an_insurance_check_is_split_over_lines_by_largest_remainder(self, medoffice_practice, world):
        encounter = charged(medoffice_practice, world, world.ann, "99213", "99213", "99213")
        ids = [line.id for line in encounter.lines]
        with medoffice_practice.operation("billing") as ctx:
            paid = ledger.post_insurance_payment(ctx, world.ann, "Acme Health", "100.00", "CHK 881", charge_ids=ids)
        assert [a for _, a in paid.allocated] == [D("33.34"), D("33.33"), D("33.33")]
        assert (paid.payer, paid.balance_after) == ("Acme Health", D("185.00"))

    def test_the_front_desk_cannot_post_insurance_adjust_or_refund(self, medoffice_practice, world):
        charged(medoffice_practice, world, world.ann, "99213")
        with medoffice_practice.operation("frontdesk") as ctx:
            for action in (lambda: ledger.post_insurance_payment(ctx, world.ann, "Acme Health", "1", "C1"),
                           lambda: ledger.adjust(ctx, world.ann, "1", "courtesy"),
                           lambda: ledger.refund(ctx, world.ann, "1", "cash", "x")):
                with pytest.raises(PermissionDenied):
                    action()

    def test_a_contractual_adjustment_against_a_line_and_the_ledger(self, medoffice_practice, world):
        line = charged(medoffice_practice, world, world.ann, "99213").lines[0]
        with medoffice_practice.operation("billing") as ctx:
            ledger.post_insurance_payment(ctx, world.ann, "Acme Health", "60", "EFT 1", method="eft")
            ledger.adjust(ctx, world.ann, "20", "contractual", charge_id=line.id, reason_code="CO-45")
            with pytest.raises(ValidationError, match=r"more than the \$15.00 left on line"):
                ledger.adjust(ctx, world.ann, "16", "courtesy", charge_id=line.id)
            book = ledger.ledger(ctx, world.ann)
        assert [(e.kind, e.debit, e.credit, e.balance) for e in book.entries] == [
            ("charge", D("95.00"), D("0.00"), D("95.00")), ("payment", D("0.00"), D("60.00"), D("35.00")),
            ("adjustment", D("0.00"), D("20.00"), D("15.00"))]
        assert book.balance == D("15.00")


def test_hook_billing_service_gives_balances_and_books_expenses(medoffice_practice, world):
    charged(medoffice_practice, world, world.ann, "99214")
    with medoffice_practice.operation("frontdesk") as ctx:
        service = ctx.hooks.billing(ctx)
        assert service.patient_balance(ctx, patients.get(ctx, world.ann).id) == D("140.00")
        record = service.record_expense(ctx, ExpenseDraft("Supplies", D("84.20"), dt.date(2026, 1, 4), "MedCo",
                                                          "PO 7", "inventory"))
    assert (record.id, record.category, record.amount, record.source) == (1, "supplies", D("84.20"), "inventory")


class TestSplit:
    @given(st.integers(min_value=0, max_value=10**9), st.lists(st.integers(min_value=0, max_value=10**6),
                                                               min_size=1, max_size=12).filter(any))
    def test_parts_add_up_exactly_and_stay_within_a_cent_of_their_share(self, cents, weights):
        total = D(cents) / 100
        parts = split(total, weights)
        assert sum(parts) == total
        for part, weight in zip(parts, weights):
            assert abs(part - total * weight / sum(weights)) < D("0.01")


OPERATIONS = st.lists(st.tuples(st.sampled_from(["charge", "pay", "overpay", "adjust", "refund", "void"]),
                                st.integers(min_value=1, max_value=20000)), min_size=1, max_size=8)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_every_balance_is_charges_minus_payments_and_adjustments_plus_refunds(medoffice_practice, world,
                                                                              operations):
    """Random sequences of postings, refused or not: the balance and the ledger always agree
    with the sums, to the cent."""
    with medoffice_practice.operation("admin") as ctx:
        mrn = patients.register(ctx, {"first_name": "Pat", "last_name": "Random", "date_of_birth": "1980-01-01",
                                      "sex": "u"}).patient.mrn
        number = encounters.open_encounter(ctx, mrn, world.adams).encounter.id
    expected = D("0.00")
    lines: list[tuple[int, D]] = []
    for kind, cents in operations:
        amount = D(cents) / 100
        try:
            with medoffice_practice.operation("billing") as ctx:
                if kind == "charge":
                    view = encounters.add_charge(ctx, number, "99213", fee=amount)
                    lines.append((view.encounter.lines[-1].id, amount))
                    expected += amount
                elif kind in ("pay", "overpay"):
                    owed = ledger.balance(ctx, mrn)
                    value = amount if kind == "overpay" else min(amount, owed)
                    if value > 0:
                        ledger.take_payment(ctx, mrn, value, "cash")
                        expected -= value
                elif kind == "adjust":
                    ledger.adjust(ctx, mrn, amount, "courtesy")
                    expected -= amount
                elif kind == "refund":
                    ledger.refund(ctx, mrn, amount, "cash", "test")
                    expected += amount
                elif kind == "void" and lines:
                    charge_id, value = lines.pop()
                    encounters.void_charge(ctx, charge_id, "test")
                    expected -= value
        except ValidationError:
            pass  # refused (more than the balance or the credit): nothing written
        except Exception as error:  # a line with payments applied cannot be voided
            assert "cannot be voided" in str(error)
        with medoffice_practice.operation("billing", write=False) as ctx:
            book = ledger.ledger(ctx, mrn)
            assert ledger.balance(ctx, mrn) == book.balance == expected
            running = book.entries[-1].balance if book.entries else D("0.00")
            assert running == expected
            assert sum(e.debit for e in book.entries) - sum(e.credit for e in book.entries) == expected


class TestBudget:
    def test_budget_against_actual_by_month_and_year(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            books.set_budget(ctx, "Supplies", "2026-01", "500")
            books.set_budget(ctx, "supplies", "2026-02", "400")
            books.set_budget(ctx, "Rent", "2026-01", "2000")
            books.add_expense(ctx, "supplies", "120.10", "2026-01-03", vendor="MedCo")
            books.add_expense(ctx, "Supplies", "0.20", "2026-02-01")
            books.add_expense(ctx, "Phone", "80", "2026-01-09")
            january = books.budget_vs_actual(ctx, "2026-01")
            year = books.budget_vs_actual(ctx, "2026")
        assert [(r.category, r.budget, r.actual, r.remaining) for r in january.rows] == [
            ("phone", D("0.00"), D("80.00"), D("-80.00")), ("rent", D("2000.00"), D("0.00"), D("2000.00")),
            ("supplies", D("500.00"), D("120.10"), D("379.90"))]
        assert (year.budget, year.actual) == (D("2900.00"), D("200.30"))

    def test_only_the_manager_keeps_the_books_and_bad_expenses_are_refused(self, medoffice_practice, world):
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("billing") as ctx:
                books.add_expense(ctx, "supplies", "1", "2026-01-01")
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("manager") as ctx:
                books.add_expense(ctx, "", "-1", "2026-13-01")
        assert set(caught.value.errors) == {"amount", "spent_on"}


def test_take_a_copay_print_a_receipt_read_the_ledger_from_the_shell(medoffice_cli, cli_world):
    opened = medoffice_cli("billing", "encounters", "open", cli_world.ann, "--provider", str(cli_world.adams), "--json",
                           user="billing").json()
    medoffice_cli("billing", "encounters", "charge", str(opened["encounter"]["id"]), "99213", user="billing")
    paid = medoffice_cli("billing", "payments", "take", cli_world.ann, "25", "--method", "cash", "--receipt",
                         user="frontdesk")
    assert paid.exit_code == 0 and "RECEIPT" in paid.stdout and "$70.00" in paid.stdout
    too_much = medoffice_cli("billing", "payments", "take", cli_world.ann, "80", "--method", "cash", user="frontdesk")
    assert (too_much.exit_code, too_much.stderr) == (
        1, "error: payment $80.00 is more than the balance $70.00; take it as a prepayment (held for the visit's "
           "charges), or ask a biller\n")
    assert medoffice_cli("billing", "balance", cli_world.ann, "--json", user="frontdesk").json() == {
        "mrn": cli_world.ann, "balance": "70.00"}
    book = medoffice_cli("billing", "ledger", cli_world.ann, "--json", user="frontdesk").json()
    assert [(e["kind"], e["balance"]) for e in book["entries"]] == [("charge", "95.00"), ("payment", "70.00")]
    assert medoffice_cli("billing", "expenses", "add", "rent", "2000", "--on", "2026-01-01",
                         user="manager").exit_code == 0
    assert medoffice_cli("billing", "budget", "set", "rent", "2026-01", "2100", user="manager").exit_code == 0
    report = medoffice_cli("billing", "budget", "report", "2026-01", "--json", user="manager").json()
    assert report["rows"] == [{"category": "rent", "budget": "2100.00", "actual": "2000.00"}]


@pytest.mark.medoffice_backends("postgresql")
def test_an_account_lock_on_postgresql_is_the_practices_own(medoffice_practice):
    """PostgreSQL's advisory locks belong to the server: patient 1 of this practice, locked
    for a posting, must not hold up patient 1 of another practice (another schema) on it."""
    import uuid
    from types import SimpleNamespace

    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    from medoffice.testing._backends import postgres_url

    other = f"mo_other_{uuid.uuid4().hex[:8]}"
    engine = create_engine(postgres_url().replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as setup:
            setup.execute(text(f'CREATE SCHEMA "{other}"'))
            setup.commit()
        with Session(engine) as theirs:
            with medoffice_practice.operation("billing") as ctx:
                ledger._lock_account(ctx, 1)  # held until this unit of work ends
                theirs.execute(text(f'SET search_path TO "{other}"'))
                theirs.execute(text("SET lock_timeout = '2s'"))
                ledger._lock_account(SimpleNamespace(session=theirs), 1)  # would wait, then fail
                theirs.rollback()
    finally:
        with engine.connect() as cleanup:
            cleanup.execute(text(f'DROP SCHEMA IF EXISTS "{other}" CASCADE'))
            cleanup.commit()
        engine.dispose()
