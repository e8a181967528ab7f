"""The scrubber names every problem of a claim before it is sent (all that the validator
pyx12 would find, and more), and an export refuses a batch with any problem, writing
nothing; ``claims scrub`` tells a script, by its exit code, that a claim it named is not
ready."""

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
from medoffice.plugins.billing.x12.p837 import FacilityData, PayerData, Person, ProviderData, SubscriberData

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

    def test_states_that_are_no_state_code_and_zip_codes_of_the_wrong_shape(self):
        """ZZ is no state; Palau's PW is a USPS code but not one X12 accepts (pyx12 refuses
        it, and the demo once made such a patient); a state must be in capitals."""
        def problems(state, postal_code):
            person = attrs.evolve(ANN, address=attrs.evolve(HOME, state=state, postal_code=postal_code))
            return [p.message for p in scrub_claim(attrs.evolve(CLEAN, patient=person, subscriber=attrs.evolve(
                CLEAN.subscriber, person=person)))]

        assert problems("ZZ", "10002") == [
            "the subscriber's state 'ZZ' is not a state code an 837P accepts (a state, DC, a territory or AA/AE/AP, "
            "in capitals, such as NY)"]
        assert problems("PW", "96940") == [
            "the subscriber's state 'PW' is not a state code an 837P accepts (a state, DC, a territory or AA/AE/AP, "
            "in capitals, such as NY)"]
        assert problems("ny", "10002")[0].startswith("the subscriber's state 'ny' is not a state code")
        assert [problems(state, "10002") for state in ("NY", "DC", "PR", "GU", "VI", "AE")] == [[]] * 6
        assert [problems("NY", code) for code in ("10002", "10002-1234", "100021234")] == [[]] * 3
        assert [problems("NY", code) for code in ("1234", "10002-12", "K1A 0B6", "ABCDE")] == [
            [f"the subscriber's ZIP code {code!r} is not five or nine digits (12345 or 12345-6789)"]
            for code in ("1234", "10002-12", "K1A 0B6", "ABCDE")]

    def test_values_longer_or_shorter_than_their_element_or_with_spaces_at_their_ends(self):
        person = Person("L" * 61, "F" * 36, "M" * 26, ANN.date_of_birth, "female",
                        Address("S" * 56, None, "N", "NY", "10002"), "Junior IIII")
        claim = attrs.evolve(CLEAN, patient=person, subscriber=SubscriberData(person, "A", "self", "G" * 51,
                                                                              None),
                             payer=PayerData("P" * 61, "ACME1 ", "CI"), claim_number="7" * 39)
        assert [p.message for p in scrub_claim(claim)] == [
            f"the claim number {'7' * 39!r} is longer than 38 characters",
            "the member id 'A' is shorter than 2 characters",
            f"the group number {'G' * 51!r} is longer than 50 characters",
            f"the subscriber's last name {'L' * 61!r} is longer than 60 characters",
            f"the subscriber's first name {'F' * 36!r} is longer than 35 characters",
            f"the subscriber's middle name {'M' * 26!r} is longer than 25 characters",
            "the subscriber's name suffix 'Junior IIII' is longer than 10 characters",
            f"the subscriber's street {'S' * 56!r} is longer than 55 characters",
            "the subscriber's city 'N' is shorter than 2 characters",
            f"the payer's name {'P' * 61!r} is longer than 60 characters",
            "the payer id 'ACME1 ' has a space at its start or end"]

    def test_an_address_the_file_carries_must_be_whole_even_where_it_is_optional(self):
        """The payer's address and a dependant's subscriber's are optional, but a street
        alone would write an N4 without city or state, which pyx12 refuses."""
        child = attrs.evolve(CLEAN, subscriber=SubscriberData(
            Person("Diaz", "Dan", None, None, None, Address("9 Elm St")), "BLU9", "child"),
            payer=PayerData("Acme Health", "ACME1", "CI", Address("1 Main St", None, "Hartford")))
        assert [p.message for p in scrub_claim(child)] == [
            "the subscriber's address lacks its city, state, ZIP code",
            "the payer's address lacks its state, ZIP code"]

    def test_provider_names_must_split_into_a_last_name(self):
        def problems(name):
            return [p.message for p in scrub_claim(attrs.evolve(CLEAN, rendering=ProviderData(name, npi(1))))]

        assert [problems(name) for name in ("Mary Reynolds, MD", "Dr Adams", "Robert Smith III, ANP-BC")] == [[]] * 3
        assert problems("Dr.") == ["the rendering provider Dr. has no last name (write the name as 'First Last, "
                                   "Credentials', e.g. 'Mary Reynolds, MD')"]
        assert problems(f"Mary {'R' * 61}, MD") == [
            f"the rendering provider Mary {'R' * 61}, MD's last name {'R' * 61!r} is longer than 60 characters"]
        referred = attrs.evolve(CLEAN, referring=ProviderData("Omar Haddad, MD", "1234567890"))
        assert [p.message for p in scrub_claim(referred)] == [
            "the referring provider Omar Haddad, MD's NPI 1234567890 is not valid (ten digits with a Luhn check "
            "digit)"]

    def test_a_visit_away_from_the_practice_needs_the_locations_whole_address_with_zip_plus_four(self):
        uptown = FacilityData("Uptown", Address("500 W 168th St", None, "New York", "NY", "10032"))
        away = attrs.evolve(CLEAN, facility=uptown)
        assert [p.message for p in scrub_claim(away, PRACTICE)] == [
            "the location Uptown's ZIP code 10032 must have nine digits (ZIP+4)"]
        partial = attrs.evolve(CLEAN, facility=FacilityData("Uptown", Address(None, None, "New York")))
        assert [p.message for p in scrub_claim(partial, PRACTICE)] == [
            "the location Uptown's address lacks its street, state, ZIP code"]
        at_home = attrs.evolve(CLEAN, facility=FacilityData("Main", Address("1 Clinic Way", None, "New York", "NY",
                                                                            "10001")))
        bare = attrs.evolve(CLEAN, facility=FacilityData("Main", Address()))
        assert scrub_claim(at_home, PRACTICE) == scrub_claim(bare, PRACTICE) == []

    def test_a_drug_line_without_its_ndc_holds_the_claim(self):
        drug = LineData(2, "J3420", (), 2, Decimal("25.00"), (1,), DAY)
        claim = attrs.evolve(CLEAN, lines=(CLEAN.lines[0], drug))
        assert [p.message for p in scrub_claim(claim)] == [
            "line 2: J3420 is a drug and needs its NDC (loop 2410): 'medoffice billing claims ndc J3420 NDC --unit ML "
            "--quantity 1'"]
        assert scrub_claim(attrs.evolve(claim, lines=(CLEAN.lines[0], attrs.evolve(
            drug, ndc="00409123401", ndc_quantity=Decimal("2"), ndc_unit="ML")))) == []

    def test_every_problem_of_the_practice_is_named(self):
        bare = BillingProvider("Test Practice", None, None, Address(), None)
        assert [str(p) for p in scrub_practice(bare)] == [
            "practice: the practice (billing provider) has no NPI",
            "practice: the practice has no tax id (EIN); set it with 'medoffice practice edit --set "
            "tax_id=NN-NNNNNNN'",
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
            "practice: the practice has no tax id (EIN); set it with 'medoffice practice edit --set "
            "tax_id=NN-NNNNNNN'",
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

    def test_a_patient_in_state_zz_holds_the_claim_and_the_export(self, medoffice_practice, billable):
        """The core keeps any two letters as a state; the scrubber does not send them."""
        p, w = medoffice_practice, billable
        claim = built(p, w, w.ann)
        with p.operation("admin") as ctx:
            patients.update(ctx, w.ann, {"state": "ZZ"})
        with p.operation("billing") as ctx:
            (result,) = claims.scrub_claims(ctx, [claim.id])
        assert (result.status, result.problems) == ("draft", (
            f"claim {claim.claim_number}: the subscriber's state 'ZZ' is not a state code an 837P accepts (a state, "
            "DC, a territory or AA/AE/AP, in capitals, such as NY)",))
        with pytest.raises(ValidationError, match="nothing exported; 1 problem"):
            with p.operation("billing") as ctx:
                batches.export_batch(ctx, [claim.id])

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


class TestTheCommand:
    def test_scrub_exits_1_when_a_claim_it_names_is_not_ready_and_still_prints_the_findings(
            self, medoffice_practice, cli_world):
        p, w = medoffice_practice, cli_world
        make_billable(p, w)
        good, bad = built(p, w, w.ann), built(p, w, w.cy)
        with p.operation("admin") as ctx:
            patients.update(ctx, w.cy, {"state": "PW"})
        problem = (f"claim {bad.claim_number}: the patient's state 'PW' is not a state code an 837P accepts (a "
                   "state, DC, a territory or AA/AE/AP, in capitals, such as NY)")
        both = p.cli("billing", "claims", "scrub", str(good.id), str(bad.id), "--json", user="billing")
        assert both.exit_code == 1
        assert [(r["claim_id"], r["status"], r["problems"]) for r in both.json()] == [
            (good.id, "ready", []), (bad.id, "draft", [problem])]
        human = p.cli("billing", "claims", "scrub", str(bad.id), user="billing")
        assert human.exit_code == 1 and f"  - {problem}" in human.output
        assert p.cli("billing", "claims", "scrub", str(good.id), user="billing").exit_code == 0
        every_draft = p.cli("billing", "claims", "scrub", user="billing")
        assert every_draft.exit_code == 0 and problem in every_draft.output  # a report, not a gate

    def test_scrub_prints_its_notes(self, medoffice_practice, cli_world):
        from medoffice.plugins.billing import settings

        p, w = medoffice_practice, cli_world
        make_billable(p, w)
        with p.operation("billing") as ctx:
            settings.set_taxonomy(ctx, None)
        claim = built(p, w, w.ann)
        shown = p.cli("billing", "claims", "scrub", str(claim.id), user="billing")
        assert shown.exit_code == 0
        assert shown.output.splitlines() == [
            f"claim {claim.id} ({claim.claim_number}): ready, no problem found",
            "  note: practice: the practice has no taxonomy code (837P PRV*BI); payers that route or price claims by "
            "specialty want it: 'medoffice billing claims settings --taxonomy CODE'"]
