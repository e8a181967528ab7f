"""The scrubber names every problem of a claim before it is sent, and an export refuses a
batch with any problem, writing nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from sqlalchemy import func, select

from medoffice.core.errors import ValidationError
from medoffice.core.records import Address
from medoffice.core.services import patients
from medoffice.plugins.billing import claims, policies
from medoffice.plugins.billing.models import ClaimBatch
from medoffice.plugins.billing.scrubber import scrub, scrub_claim, scrub_practice
from medoffice.plugins.billing.x12 import BillingProvider, ClaimData, LineData, batches
from medoffice.plugins.billing.x12.p837 import PayerData, Person, ProviderData, SubscriberData

from ._claims_world import PRACTICE_NPI, encounter, make_billable
from .conftest import npi

pytestmark = pytest.mark.medoffice_plugins("billing")

DAY = dt.date(2026, 1, 5)
HOME = Address("2 Oak St", None, "New York", "NY", "10002")
PRACTICE = BillingProvider("Test Practice", PRACTICE_NPI, "12-3456789",
                           Address("1 Clinic Way", None, "New York", "NY", "10001-1234"), "2125550100")
ANN = Person("Lee", "Ann", None, dt.date(1970, 1, 2), "female", HOME)
CLEAN = ClaimData(
    1, "7-P", "draft", "primary", "1", None, Decimal("120.00"), DAY, "11", None, ANN,
    SubscriberData(ANN, "ACM123", "self", "G1"), PayerData("Acme Health", "ACME1", "CI"),
    ProviderData("Dr Adams", npi(1)), ("J069", "R059"),
    (LineData(1, "99213", ("25",), 1, Decimal("95.00"), (1, 2), DAY),
     LineData(2, "36415", (), 2, Decimal("25.00"), (1,), DAY)))


class TestRules:
    def test_a_complete_claim_has_no_problem(self):
        assert scrub(CLEAN, PRACTICE) == []

    def test_every_problem_of_the_practice_is_named(self):
        bare = BillingProvider("Test Practice", None, None, Address(), None)
        assert [str(p) for p in scrub_practice(bare)] == [
            "practice: the practice (billing provider) has no NPI",
            "practice: the practice has no tax id (EIN); set it with 'medoffice practice set'",
            "practice: the practice's address lacks its street, city, state, ZIP code"]
        wrong = attrs.evolve(PRACTICE, npi="1234567890", tax_id="12-345",
                             address=attrs.evolve(PRACTICE.address, postal_code="10001"))
        assert [str(p) for p in scrub_practice(wrong)] == [
            "practice: the practice (billing provider)'s NPI 1234567890 is not valid (ten digits with a Luhn "
            "check digit)",
            "practice: the practice's tax id 12-345 is not nine digits",
            "practice: the practice's ZIP code 10001 must have nine digits (ZIP+4)"]

    def test_every_problem_of_a_claim_is_listed_not_only_the_first(self):
        """A claim with eight things wrong gets eight messages, in the order of the file."""
        zoe = attrs.evolve(ANN, first_name="Zoë", date_of_birth=None)
        bad = attrs.evolve(
            CLEAN, patient=zoe, subscriber=SubscriberData(zoe, "ACM123", "self", None, "Big*Corp"),
            payer=PayerData("Acme Health", "", "CI"), rendering=ProviderData("Dr Adams", "1234567890"),
            diagnoses=("J069", "J06", "ZZZ99"),
            lines=(LineData(1, "99213", (), 1, Decimal("95.00"), (1, 4), DAY),
                   LineData(2, "36415", (), 1, Decimal("12.50"), (), DAY)))
        assert [p.message for p in scrub_claim(bad)] == [
            "the rendering provider Dr Adams's NPI 1234567890 is not valid (ten digits with a Luhn check digit)",
            "the group name 'Big*Corp' has the X12 delimiter '*'",
            "the subscriber's first name 'Zoë' has a character that is not plain ASCII ('ë')",
            "the subscriber has no date of birth",
            "the payer Acme Health has no payer id",
            "diagnosis 2: J06 is not billable: use one of its more specific codes",
            "diagnosis 3: 'ZZZ99' is not an ICD-10-CM code",
            "line 1: pointer 4 points to no diagnosis (the claim's diagnoses are 1-3)",
            "line 2 points to no diagnosis",
            "the claim's total 120.00 is not the sum of its lines 107.50",
        ]

    def test_no_lines_no_diagnosis_and_the_other_delimiters(self):
        empty = attrs.evolve(CLEAN, total=Decimal("0.00"), diagnoses=(), lines=(),
                             subscriber=attrs.evolve(CLEAN.subscriber, member_id="A~1"),
                             patient=attrs.evolve(ANN, address=attrs.evolve(HOME, line1="Flat 2:3")))
        assert [p.message for p in scrub_claim(empty)] == [
            "the member id 'A~1' has the X12 delimiter '~'",
            "the claim has no diagnosis",
            "the claim has no service lines"]
        child = attrs.evolve(CLEAN, subscriber=SubscriberData(
            Person("Diaz", "Dan", None, None, None, Address()), "BLU9", "child", None, "Caret^Co"),
            patient=attrs.evolve(ANN, address=Address("Flat 2:3", None, "New York", "NY", "10002")))
        assert [p.message for p in scrub_claim(child)] == [
            "the group name 'Caret^Co' has the X12 delimiter '^'",
            "the patient's street 'Flat 2:3' has the X12 delimiter ':'"]


@pytest.fixture
def billable(medoffice_practice, world):
    make_billable(medoffice_practice, world)
    return world


def built(practice, world, mrn, **options):
    number = encounter(practice, world, mrn, **options)
    with practice.operation("billing") as ctx:
        return claims.build_claims(ctx, [number]).built[0]


class TestThroughTheService:
    def test_a_practice_without_its_identity_cannot_send_anything(self, medoffice_practice, world):
        (claim,) = [built(medoffice_practice, world, world.ann)]
        with medoffice_practice.operation("billing") as ctx:
            (result,) = claims.scrub_claims(ctx)
        assert result.status == "draft"
        assert result.problems == (
            "practice: the practice (billing provider) has no NPI",
            "practice: the practice has no tax id (EIN); set it with 'medoffice practice set'",
            "practice: the practice's address lacks its street, city, state, ZIP code",
            f"claim {claim.claim_number}: the subscriber's address lacks its street, city, state, ZIP code")

    def test_an_encounter_closed_without_lines_is_claimed_but_never_ready(self, medoffice_practice, billable):
        claim = built(medoffice_practice, billable, billable.ann, lines=())
        with medoffice_practice.operation("billing") as ctx:
            (result,) = claims.scrub_claims(ctx, [claim.id])
        assert (result.status, result.problems) == ("draft", (f"claim {claim.claim_number}: the claim has no "
                                                              "service lines",))

    def test_non_ascii_and_a_delimiter_in_the_file_are_refused_by_export_with_nothing_written(
            self, medoffice_practice, billable, tmp_path):
        """Ann's claim was ready when her name gained an accent; Cy's new policy names a group
        with a '*'. The export names both, and writes no file, no batch, no status change."""
        p, w = medoffice_practice, billable
        with p.operation("frontdesk") as ctx:
            (policy,) = policies.list_policies(ctx, w.cy)
            policies.end_policy(ctx, policy.id, "2026-01-04")
            policies.add_policy(ctx, w.cy, "Blue Plan", {
                "member_id": "BLU9", "relationship": "child", "group_name": "Blue*Kids",
                "subscriber_first_name": "Dan", "subscriber_last_name": "Diaz",
                "subscriber_date_of_birth": "1980-03-04", "subscriber_sex": "male"})
        ann, cy = built(p, w, w.ann), built(p, w, w.cy)
        with p.operation("billing") as ctx:
            assert [r.status for r in claims.scrub_claims(ctx, [ann.id])] == ["ready"]
        with p.operation("admin") as ctx:
            patients.update(ctx, w.ann, {"first_name": "Anné"})
        with pytest.raises(ValidationError) as refused:
            with p.operation("billing") as ctx:
                batches.export_batch(ctx, [ann.id, cy.id], receiver_id="CLEARHOUSE1", receiver_name="Clear House")
        assert refused.value.message == (
            "nothing exported; 2 problem(s): "
            f"claim {ann.claim_number}: the subscriber's first name 'Anné' has a character that is not plain "
            "ASCII ('é'); "
            f"claim {cy.claim_number}: the group name 'Blue*Kids' has the X12 delimiter '*'")
        folder = tmp_path / "out"
        folder.mkdir()
        result = p.cli("billing", "claims", "export", str(ann.id), str(cy.id), "--receiver-id", "CH1",
                       "--receiver-name", "Clear House", "--out", str(folder / "batch.837"), user="billing")
        assert result.exit_code == 1
        assert "nothing exported; 2 problem(s)" in result.output
        assert list(folder.iterdir()) == []
        with p.operation("billing", write=False) as ctx:
            assert ctx.session.execute(select(func.count()).select_from(ClaimBatch)).scalar() == 0
            assert [(c.claim_number, c.status) for c in claims.list_claims(ctx)] == [
                (cy.claim_number, "draft"), (ann.claim_number, "ready")]

    def test_a_pointer_to_nothing_is_named_and_export_of_that_claim_refused(self, medoffice_practice, billable):
        """The charge screen cannot make such a line; a diagnosis removed from the database
        under it can."""
        from medoffice.plugins.billing.models import EncounterDiagnosis

        p, w = medoffice_practice, billable
        claim = built(p, w, w.ann)
        with p.operation("billing") as ctx:
            ctx.session.execute(EncounterDiagnosis.__table__.delete().where(
                EncounterDiagnosis.encounter_id == claim.encounter_id, EncounterDiagnosis.position == 2))
        with pytest.raises(ValidationError) as refused:
            with p.operation("billing") as ctx:
                batches.export_batch(ctx, [claim.id])
        assert refused.value.message == (
            f"nothing exported; 1 problem(s): claim {claim.claim_number}: line 1: pointer 2 points to no "
            "diagnosis (the claim's diagnoses are 1-1)")
