"""Billing's part of a merge: the absorbed patient's ledger, encounters, claims and policies
move to the kept patient, whose balance after is the sum of both, to the cent.

The world (conftest): Ann (000001) is insured by Acme Health, member ACM123; Bo is self-pay;
Cy is on her father's Blue Plan. "Ann again" (000004) is Ann registered a second time.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from medoffice.core.errors import Conflict
from medoffice.core.services import patient_merge
from medoffice.plugins.billing import claims, ledger, policies
from medoffice.plugins.billing.x12 import batches

from ._claims_world import encounter, make_billable
from .conftest import register

pytestmark = pytest.mark.medoffice_plugins("billing")


@pytest.fixture
def again(medoffice_practice, world):
    """Ann registered a second time, with a visit of her own: a blood draw and a urinalysis
    (12.50 + 8.25), 10.33 paid at the desk."""
    make_billable(medoffice_practice, world)
    with medoffice_practice.operation("frontdesk") as ctx:
        mrn = register(ctx, "Ann")
    encounter(medoffice_practice, world, mrn, diagnoses=("R05.9",), lines=(("36415", (1,), (), 1),
                                                                          ("81002", (1,), (), 1)))
    with medoffice_practice.operation("frontdesk") as ctx:
        ledger.take_payment(ctx, mrn, "10.33", "cash")
    return mrn


def balance(practice, mrn):
    with practice.operation("billing", write=False) as ctx:
        return ledger.balance(ctx, mrn)


def preview(practice, keep, absorb):
    with practice.operation("frontdesk", write=False) as ctx:
        return patient_merge.preview(ctx, keep, absorb)


def merge(practice, keep, absorb):
    with practice.operation("frontdesk") as ctx:
        return patient_merge.merge(ctx, keep, absorb)


class TestLedger:
    def test_the_kept_balance_is_the_sum_of_both_to_the_cent(self, medoffice_practice, world, again):
        encounter(medoffice_practice, world, world.ann)  # 95.00 + 2 x 12.50
        with medoffice_practice.operation("frontdesk") as ctx:
            ledger.take_payment(ctx, world.ann, "25.01", "card")
        before = (balance(medoffice_practice, world.ann), balance(medoffice_practice, again))
        assert before == (Decimal("94.99"), Decimal("10.42"))
        merge(medoffice_practice, world.ann, again)
        assert balance(medoffice_practice, world.ann) == Decimal("105.41")
        assert balance(medoffice_practice, again) == Decimal("0.00")
        with medoffice_practice.operation("billing", write=False) as ctx:
            lines = ledger.ledger(ctx, world.ann)
        assert lines.balance == Decimal("105.41")

    def test_the_preview_counts_the_rows_and_gives_the_balance_after(self, medoffice_practice, world, again):
        plan = preview(medoffice_practice, world.ann, again)
        (part,) = [p for p in plan.parts if p.plugin_id == "billing"]
        assert part.moves == ("1 encounter", "2 charges", "1 payment",
                              "balance $10.42 (after the merge 000001 owes $10.42)")
        assert part.refusal is None


class TestPolicies:
    def test_the_same_card_entered_twice_moves_as_inactive(self, medoffice_practice, world, again):
        with medoffice_practice.operation("frontdesk") as ctx:
            policies.add_policy(ctx, again, "Acme Health", {"member_id": " acm123 "})
        plan = preview(medoffice_practice, world.ann, again)
        assert "Acme Health policy already on 000001: the copy moves as inactive" in plan.parts[0].moves
        merge(medoffice_practice, world.ann, again)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            kept = policies.list_policies(ctx, world.ann, include_inactive=True)
        assert sorted((p.member_id.strip(), p.active) for p in kept) == [("ACM123", True), ("acm123", False)]

    def test_two_different_primary_policies_refuse_the_merge(self, medoffice_practice, world, again):
        with medoffice_practice.operation("frontdesk") as ctx:
            policies.add_policy(ctx, again, "Blue Plan", {"member_id": "BLU77"})
        with pytest.raises(Conflict) as info:
            merge(medoffice_practice, world.ann, again)
        assert str(info.value) == (
            "cannot merge 000004 into 000001: Billing: both patients have an active primary policy "
            "(Acme Health ACM123 and Blue Plan BLU77): end one or change its rank first")
        assert balance(medoffice_practice, again) == Decimal("10.42")


class TestClaims:
    def test_a_claim_awaiting_the_payers_answer_refuses_until_it_is_answered(self, medoffice_practice, world, again):
        number = encounter(medoffice_practice, world, world.ann)
        with medoffice_practice.operation("billing") as ctx:
            (claim,) = claims.build_claims(ctx, [number]).built
            claims.scrub_claims(ctx, [claim.id])
            batches.export_batch(ctx, [claim.id])
        with pytest.raises(Conflict, match=f"Billing: claim {claim.claim_number} was sent to Acme Health and awaits "
                                           "its answer: merge once it is paid or denied"):
            merge(medoffice_practice, again, world.ann)
        with medoffice_practice.operation("billing") as ctx:
            claims.set_status(ctx, claim.id, "paid", note="ERA 1")
        result = merge(medoffice_practice, again, world.ann)
        with medoffice_practice.operation("billing", write=False) as ctx:
            assert claims.get_claim(ctx, claim.id).mrn == again
        assert "1 claim" in next(p for p in result.parts if p.plugin_id == "billing").moves


def test_hook_patient_merge_moves_every_billing_row_and_says_which(medoffice_practice, world, again):
    result = merge(medoffice_practice, world.ann, again)
    assert result.rows_moved == 4  # 1 encounter, 2 charges, 1 payment
    with medoffice_practice.operation("billing", write=False) as ctx:
        assert ledger.ledger(ctx, again).entries == ()


def test_hook_patient_merge_preview_says_nothing_for_a_patient_without_billing(medoffice_practice, world):
    with medoffice_practice.operation("frontdesk") as ctx:
        twin = register(ctx, "Bo", sex="m")
    plan = preview(medoffice_practice, world.bo, twin)
    assert [p.plugin_id for p in plan.parts] == []
