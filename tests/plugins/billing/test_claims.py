"""Claims: a biller builds them from closed encounters, scrubs them, sends them and follows them.

The world (conftest): Ann is insured by Acme Health (self), Bo is self-pay, Cy is a child on
her father Dan's Blue Plan. The clock stands on Monday 2026-01-05 15:00 UTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.storage.models import AuditRow
from medoffice.plugins.billing import claims
from medoffice.plugins.billing.models import Claim, ClaimLine
from medoffice.plugins.billing.x12 import batches

from ._claims_world import PRACTICE_NPI, encounter, make_billable

pytestmark = pytest.mark.medoffice_plugins("billing")


@pytest.fixture
def billable(medoffice_practice, world):
    make_billable(medoffice_practice, world)
    return world


def build(practice, *encounter_ids, sequence="primary", user="billing"):
    with practice.operation(user) as ctx:
        return claims.build_claims(ctx, list(encounter_ids) if encounter_ids else None, sequence=sequence)


def act(practice, function, *args, user="billing", **options):
    with practice.operation(user) as ctx:
        return function(ctx, *args, **options)


def sent(practice, world):
    """Ann's claim, built, scrubbed and exported."""
    built = build(practice, encounter(practice, world, world.ann)).built[0]
    act(practice, claims.scrub_claims, [built.id])
    act(practice, batches.export_batch, [built.id])
    return built.id


class TestBuilding:
    def test_a_closed_encounter_of_an_insured_patient_becomes_a_draft_claim_of_its_lines(
            self, medoffice_practice, billable):
        """Lines are the charges in order, the total their exact sum; the history and the
        audit log say who built it."""
        p, w = medoffice_practice, billable
        number = encounter(p, w, w.ann)
        (built,) = build(p, number).built
        assert (built.claim_number, built.status, built.payer, built.sequence, built.total, built.mrn,
                built.frequency_code, built.date_of_service) == (
            f"{number}-P", "draft", "Acme Health", "primary", Decimal("120.00"), w.ann, "1", dt.date(2026, 1, 5))
        with p.operation("billing", write=False) as ctx:
            shown = claims.get_claim(ctx, built.id)
            audit = ctx.session.execute(select(AuditRow.action, AuditRow.username)
                                        .where(AuditRow.entity == "billing_claim")).all()
        assert [(line.line_number, line.code, line.modifiers, line.units, line.amount, line.pointers)
                for line in shown.lines] == [(1, "99213", ("25",), 1, Decimal("95.00"), (1, 2)),
                                             (2, "36415", (), 2, Decimal("25.00"), (1,))]
        assert sum(line.amount for line in shown.lines) == shown.total
        assert [(h.from_status, h.status, h.changed_by) for h in shown.history] == [(None, "draft", "billing")]
        assert audit == [("billing.claim.built", "billing")]

    def test_building_every_closed_encounter_leaves_self_pay_and_open_ones_aside(self, medoffice_practice, billable):
        p, w = medoffice_practice, billable
        ann, bo, cy = (encounter(p, w, mrn) for mrn in (w.ann, w.bo, w.cy))
        still_open = encounter(p, w, w.ann, close=False)
        result = build(p)
        assert sorted(c.encounter_id for c in result.built) == [ann, cy]
        assert {c.encounter_id: c.payer for c in result.built} == {ann: "Acme Health", cy: "Blue Plan"}
        assert result.skipped == (f"encounter {bo}: the patient has no primary policy in effect on 2026-01-05",)
        assert build(p).built == ()
        assert still_open not in [c.encounter_id for c in act(p, claims.list_claims)]

    def test_named_encounters_that_cannot_be_claimed_are_all_named_and_nothing_is_built(
            self, medoffice_practice, billable):
        p, w = medoffice_practice, billable
        ann, bo, still_open = encounter(p, w, w.ann), encounter(p, w, w.bo), encounter(p, w, w.ann, close=False)
        build(p, ann)
        with pytest.raises(Conflict) as refused:
            build(p, ann, bo, still_open)
        assert refused.value.message == (
            f"no claim built; encounter {ann} already has a primary claim; encounter {bo}: the patient has no "
            f"primary policy in effect on 2026-01-05; encounter {still_open} is still open (close it when charge "
            "entry is done)")
        with pytest.raises(NotFound, match="no encounter with id 999"):
            build(p, 999)
        assert len(act(p, claims.list_claims)) == 1

    def test_a_secondary_claim_waits_for_the_primary_to_be_paid_or_denied(self, medoffice_practice, billable):
        from medoffice.plugins.billing import payers, policies

        p, w = medoffice_practice, billable
        with p.operation("billing") as ctx:
            payers.add_payer(ctx, {"name": "Gap Mutual", "payer_code": "GAP7"})
            policies.add_policy(ctx, w.ann, "Gap Mutual", {"member_id": "GAP1", "rank": "secondary"})
        number = encounter(p, w, w.ann)
        with pytest.raises(Conflict, match="the primary claim is not paid or denied yet"):
            build(p, number, sequence="secondary")
        (first,) = build(p, number).built
        act(p, claims.scrub_claims, [first.id])
        act(p, batches.export_batch, [first.id])
        act(p, claims.set_status, first.id, "denied", note="not covered")
        (second,) = build(p, number, sequence="secondary").built
        assert (second.claim_number, second.payer, second.sequence) == (f"{number}-S", "Gap Mutual", "secondary")
        (scrubbed,) = act(p, claims.scrub_claims, [second.id])  # no 837P without the primary's adjudication (yet)
        assert scrubbed.status == "draft"
        assert any("secondary claims cannot be exported yet" in problem for problem in scrubbed.problems)

    def test_the_front_desk_does_not_work_claims(self, medoffice_practice, billable):
        number = encounter(medoffice_practice, billable, billable.ann)
        with pytest.raises(PermissionDenied):
            build(medoffice_practice, number, user="frontdesk")
        with pytest.raises(PermissionDenied):
            act(medoffice_practice, claims.list_claims, user="frontdesk")


class TestWorkflow:
    def test_draft_ready_submitted_paid_each_step_in_the_history(self, medoffice_practice, billable):
        p, w = medoffice_practice, billable
        claim_id = sent(p, w)
        paid = act(p, claims.set_status, claim_id, "paid", note="ERA 123")
        assert paid.status == "paid" and paid.batch_id is not None
        assert paid.submitted_at == dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.timezone.utc)
        assert [(h.from_status, h.status, h.changed_by) for h in paid.history] == [
            (None, "draft", "billing"), ("draft", "ready", "billing"), ("ready", "submitted", "billing"),
            ("submitted", "paid", "billing")]
        assert paid.history[-1].note == "ERA 123"
        assert paid.history[2].note.startswith("batch 1 (ISA13 000000001)")

    def test_steps_the_workflow_does_not_allow_are_refused(self, medoffice_practice, billable):
        p, w = medoffice_practice, billable
        (draft,) = build(p, encounter(p, w, w.ann)).built
        with pytest.raises(Conflict, match=f"claim {draft.claim_number} is draft; it can go to nothing"):
            act(p, claims.set_status, draft.id, "paid")
        with pytest.raises(ValidationError, match="ready comes from 'claims scrub'"):
            act(p, claims.set_status, draft.id, "ready")
        act(p, claims.scrub_claims, [draft.id])
        assert act(p, claims.set_status, draft.id, "draft", note="wait for the note").status == "draft"
        act(p, claims.scrub_claims)
        act(p, batches.export_batch)
        with pytest.raises(ValidationError, match="say why the claim was denied"):
            act(p, claims.set_status, draft.id, "denied")
        with pytest.raises(Conflict, match="already sent"):
            act(p, batches.export_batch, [draft.id])
        assert act(p, claims.set_status, draft.id, "denied", note="CO-16 missing info").status == "denied"
        assert act(p, claims.set_status, draft.id, "paid", note="appeal won").status == "paid"

    def test_a_ready_claim_whose_data_went_bad_goes_back_to_draft_when_scrubbed(self, medoffice_practice, billable):
        from medoffice.core.services import patients

        p, w = medoffice_practice, billable
        (built,) = build(p, encounter(p, w, w.ann)).built
        assert act(p, claims.scrub_claims, [built.id])[0].status == "ready"
        with p.operation("admin") as ctx:
            patients.update(ctx, w.ann, {"address_line1": "", "city": ""})
        (result,) = act(p, claims.scrub_claims, [built.id])
        assert result.status == "draft"
        assert result.problems == (f"claim {built.claim_number}: the subscriber's address lacks its street, city",)

    def test_a_denied_claim_is_replaced_by_a_frequency_7_claim_naming_the_payers_number(
            self, medoffice_practice, billable):
        p, w = medoffice_practice, billable
        claim_id = sent(p, w)
        (draft,) = build(p, encounter(p, w, w.cy)).built
        with pytest.raises(Conflict, match="was never sent"):
            act(p, claims.resubmit, draft.id, "X1")
        act(p, claims.set_status, claim_id, "denied", note="wrong member id")
        with pytest.raises(ValidationError, match="has the X12 delimiter"):
            act(p, claims.resubmit, claim_id, "PCN*1")
        replacement = act(p, claims.resubmit, claim_id, "PAYER-778")
        original = act(p, claims.get_claim, claim_id)
        assert (replacement.frequency_code, replacement.payer_claim_number, replacement.status,
                replacement.claim_number, replacement.total) == (
            "7", "PAYER-778", "draft", f"{original.encounter_id}-P-R1", original.total)
        assert original.status == "denied" and original.batch_id == 1
        with pytest.raises(Conflict, match="has already been replaced"):
            act(p, claims.resubmit, claim_id, "PAYER-779")

    def test_the_database_keeps_the_total_equal_to_the_lines(self, medoffice_practice, billable):
        p, w = medoffice_practice, billable
        for mrn in (w.ann, w.cy):
            encounter(p, w, mrn)
        build(p)
        with p.operation("billing", write=False) as ctx:
            for claim in ctx.session.execute(select(Claim)).scalars():
                lines = ctx.session.execute(select(ClaimLine.amount).where(ClaimLine.claim_id == claim.id)).scalars()
                assert sum(lines) == claim.total


class TestCommandLine:
    def test_build_scrub_list_show_export_status_with_json(self, medoffice_practice, cli_world, tmp_path):
        p, w = medoffice_practice, cli_world
        make_billable(p, w)
        number = encounter(p, w, w.ann, day="2026-01-02")
        built = p.cli("billing", "claims", "build", "--json", user="billing")
        assert built.exit_code == 0, built.output
        (claim,) = built.json()["built"]
        assert claim["status"] == "draft" and claim["total"] == "120.00"
        scrubbed = p.cli("billing", "claims", "scrub", "--json", user="billing")
        assert scrubbed.json() == [{"claim_id": claim["id"], "claim_number": f"{number}-P", "status": "ready",
                                    "problems": [], "notes": []}]
        listed = p.cli("billing", "claims", "list", "--status", "ready", user="billing")
        assert f"{number}-P" in listed.output and "Acme Health" in listed.output
        out = tmp_path / "batch.837"
        exported = p.cli("billing", "claims", "export", "--out", str(out), "--json", user="billing")
        assert exported.exit_code == 0, exported.output
        assert exported.json()["batch"]["interchange_control_number"] == 1
        assert out.read_text().startswith("ISA*00*")
        again = tmp_path / "again.837"
        assert p.cli("billing", "claims", "export", "--batch", "1", "--out", str(again), user="billing").exit_code == 0
        assert again.read_bytes() == out.read_bytes()
        status = p.cli("billing", "claims", "status", str(claim["id"]), "paid", "--json", user="billing")
        assert status.json()["status"] == "paid"
        shown = p.cli("billing", "claims", "show", str(claim["id"]), user="billing")
        assert "submitted -> paid" in shown.output and "99213" in shown.output

    def test_a_refused_step_is_one_line_and_exit_code_1(self, medoffice_practice, cli_world):
        p, w = medoffice_practice, cli_world
        make_billable(p, w)
        result = p.cli("billing", "claims", "status", "42", "paid", user="billing")
        assert result.exit_code == 1
        assert result.output.strip().splitlines()[-1].endswith("no claim with id 42")


class TestFhir:
    def test_a_claim_as_a_fhir_bundle_of_claim_and_invoice(self, medoffice_practice, billable):
        """The Bundle is a valid FHIR R4(B) document; the Claim carries the diagnoses with
        their dots, the lines with CPT codes and pointers, and the exact total."""
        import json

        from fhir.resources.R4B.bundle import Bundle

        from medoffice.plugins.billing import fhir

        p, w = medoffice_practice, billable
        (built,) = build(p, encounter(p, w, w.ann)).built
        with p.operation("billing") as ctx:
            found = fhir.claim_bundle(ctx, built.id)
        document = json.loads(fhir.to_json(found))
        Bundle.model_validate(document)
        by_type = {e["resource"]["resourceType"]: e["resource"] for e in document["entry"]
                   if e["resource"].get("name") != "Acme Health"}  # the payer is the other Organization
        assert sorted(e["resource"]["resourceType"] for e in document["entry"]) == [
            "Claim", "Coverage", "Invoice", "Organization", "Organization", "Patient", "Practitioner"]
        claim = by_type["Claim"]
        assert (claim["status"], claim["use"], claim["type"]["coding"][0]["code"], claim["total"]) == (
            "draft", "claim", "professional", {"value": 120.0, "currency": "USD"})
        assert [d["diagnosisCodeableConcept"]["coding"][0]["code"] for d in claim["diagnosis"]] == ["J06.9", "R05.9"]
        assert [(i["productOrService"]["coding"][0]["code"], i["diagnosisSequence"], i["net"]["value"])
                for i in claim["item"]] == [("99213", [1, 2], 95.0), ("36415", [1], 25.0)]
        assert claim["item"][0]["modifier"][0]["coding"][0]["code"] == "25"
        assert claim["insurance"][0]["coverage"]["reference"] == f"urn:uuid:{by_type['Coverage']['id']}"
        payer = next(e["resource"] for e in document["entry"] if e["resource"].get("name") == "Acme Health")
        assert claim["insurer"] == {"reference": f"urn:uuid:{payer['id']}", "display": "Acme Health"}
        invoice = by_type["Invoice"]
        assert (invoice["status"], invoice["totalGross"]["value"], len(invoice["lineItem"])) == ("draft", 120.0, 2)
        assert [i["value"] for i in by_type["Organization"]["identifier"]] == [PRACTICE_NPI, "123456789"]
        assert by_type["Coverage"]["subscriberId"] == "ACM123"
        assert '"value": 95.00' in fhir.to_json(found)

    def test_the_fhir_command_prints_the_bundle(self, medoffice_practice, cli_world):
        p, w = medoffice_practice, cli_world
        make_billable(p, w)
        (built,) = build(p, encounter(p, w, w.cy)).built
        result = p.cli("billing", "claims", "fhir", str(built.id), user="billing")
        assert result.exit_code == 0, result.output
        assert result.json()["entry"][0]["resource"]["resourceType"] == "Claim"
