"""Changing and ending a patient's insurance, as the desk does from the card and a script does
from the shell: the payer picked by part of its name, every field checked again, nothing
saved on an error, each change audited.

On the ``world`` of conftest.py: Ann on Acme Health (primary, ACM123, copay 25.00), Cy on her
father Dan's Blue Plan, Bo uninsured.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.storage.models import AuditRow
from medoffice.plugins.billing import payers, policies

pytestmark = pytest.mark.medoffice_plugins("billing")


def ann_policy(practice_fixture, world):
    with practice_fixture.operation("frontdesk", write=False) as ctx:
        (policy,) = policies.list_policies(ctx, world.ann)
    return policy


class TestPayerByPartOfItsName:
    def test_part_of_a_name_ignoring_case_finds_the_one_payer(self, medoffice_practice, world):
        with medoffice_practice.operation("frontdesk") as ctx:
            added = policies.add_policy(ctx, world.bo, "  acme ", {"member_id": "B1"})
        assert added.payer == "Acme Health"

    def test_a_part_several_payers_share_names_them(self, medoffice_practice, world):
        with medoffice_practice.operation("billing") as ctx:
            payers.add_payer(ctx, {"name": "Acme Gold", "payer_code": "ACMEG"})
        with pytest.raises(ValidationError, match="'acme' matches Acme Gold, Acme Health: type more") as caught:
            with medoffice_practice.operation("frontdesk") as ctx:
                policies.add_policy(ctx, world.bo, "acme", {"member_id": "B1"})
        assert set(caught.value.errors) == {"payer"}

    @pytest.mark.parametrize("typed", ["", "   ", "zzz", "%", "_"])
    def test_nothing_or_no_match_is_said_under_the_payer_with_the_other_errors(self, medoffice_practice, world,
                                                                             typed):
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("frontdesk") as ctx:
                policies.add_policy(ctx, world.bo, typed, {"member_id": "", "copay": "1e30"})
        assert set(caught.value.errors) == {"payer", "member_id", "copay"}
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert policies.list_policies(ctx, world.bo) == []


@pytest.mark.parametrize("copay", ["1e30", "-5", "abc", "25.005", "NaN"])
def test_a_hostile_copay_is_refused_on_the_copay_and_nothing_is_saved(medoffice_practice, world, copay):
    with pytest.raises(ValidationError) as caught:
        with medoffice_practice.operation("frontdesk") as ctx:
            policies.add_policy(ctx, world.bo, "acme", {"member_id": "B1", "copay": copay})
    assert set(caught.value.errors) == {"copay"}
    old = ann_policy(medoffice_practice, world)
    with pytest.raises(ValidationError):
        with medoffice_practice.operation("frontdesk") as ctx:
            policies.update_policy(ctx, old.id, {"copay": copay})
    assert ann_policy(medoffice_practice, world) == old


class TestEditing:
    def test_the_desk_corrects_the_member_id_and_copay_and_the_rest_is_kept(self, medoffice_practice, world):
        old = ann_policy(medoffice_practice, world)
        with medoffice_practice.operation("frontdesk") as ctx:
            changed = policies.update_policy(ctx, old.id, {"member_id": "ACM124", "copay": "30"})
        with medoffice_practice.operation("frontdesk") as ctx:  # audit entries are written at commit
            audit = ctx.session.execute(select(AuditRow.action, AuditRow.summary)
                                        .where(AuditRow.entity == "billing_policy", AuditRow.entity_id == str(old.id))
                                        .order_by(AuditRow.seq)).all()
        assert (changed.member_id, changed.copay, changed.group_number, changed.payer, changed.rank) == (
            "ACM124", Decimal("30.00"), "G1", "Acme Health", "primary")
        assert audit[-1][0] == "billing.policy.changed" and "member_id" in str(audit[-1][1])

    def test_the_subscriber_becomes_the_mother_then_the_patient_again(self, medoffice_practice, world):
        old = ann_policy(medoffice_practice, world)
        with medoffice_practice.operation("frontdesk") as ctx:
            mother = policies.update_policy(ctx, old.id, {
                "relationship": "child", "subscriber_first_name": "Mae", "subscriber_last_name": "Lee",
                "subscriber_date_of_birth": "1950-04-05", "subscriber_sex": "f"}, payer="blue")
            again = policies.update_policy(ctx, old.id, {"relationship": "self"})
        assert (mother.payer, mother.relationship_code, mother.subscriber.first_name,
                mother.subscriber.date_of_birth) == ("Blue Plan", "19", "Mae", dt.date(1950, 4, 5))
        assert (again.relationship, again.subscriber.first_name, again.subscriber.date_of_birth) == (
            "self", "Ann", dt.date(1970, 1, 2))

    def test_bad_changes_are_all_named_and_nothing_is_saved(self, medoffice_practice, world):
        old = ann_policy(medoffice_practice, world)
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("frontdesk") as ctx:
                policies.update_policy(ctx, old.id, {"member_id": "", "copay": "25.005", "relationship": "spouse",
                                                     "subscriber_date_of_birth": "2999-01-01"}, payer="nope")
        assert {"member_id", "copay", "payer", "subscriber_first_name", "subscriber_date_of_birth"} <= set(
            caught.value.errors)
        assert ann_policy(medoffice_practice, world) == old

    def test_a_second_primary_is_refused_on_the_rank(self, medoffice_practice, world):
        with medoffice_practice.operation("frontdesk") as ctx:
            second = policies.add_policy(ctx, world.ann, "Blue Plan", {"member_id": "Z9", "rank": "secondary"})
        with pytest.raises(ValidationError, match="already has an active primary policy") as caught:
            with medoffice_practice.operation("frontdesk") as ctx:
                policies.update_policy(ctx, second.id, {"rank": "primary"})
        assert set(caught.value.errors) == {"rank"}

    def test_an_ended_policy_or_an_unknown_one_cannot_change(self, medoffice_practice, world):
        old = ann_policy(medoffice_practice, world)
        with medoffice_practice.operation("frontdesk") as ctx:
            policies.end_policy(ctx, old.id)
        with pytest.raises(Conflict, match="ended on 2026-01-05"):
            with medoffice_practice.operation("frontdesk") as ctx:
                policies.update_policy(ctx, old.id, {"copay": "10"})
        with pytest.raises(Conflict, match="already ended"):
            with medoffice_practice.operation("frontdesk") as ctx:
                policies.end_policy(ctx, old.id)
        with pytest.raises(NotFound):
            with medoffice_practice.operation("frontdesk") as ctx:
                policies.update_policy(ctx, 999, {"copay": "10"})
        for hostile in ("0", "-1", "abc", "1e30"):
            with pytest.raises(ValidationError):
                with medoffice_practice.operation("frontdesk") as ctx:
                    policies.update_policy(ctx, hostile, {"copay": "10"})

    def test_a_role_without_the_insurance_permission_cannot_change_one(self, medoffice_practice, world):
        from medoffice.core.services import users

        old = ann_policy(medoffice_practice, world)
        with medoffice_practice.operation("admin") as ctx:
            users.revoke(ctx, "front_desk", "billing.insurance")
        for change in (lambda ctx: policies.update_policy(ctx, old.id, {"copay": "10"}),
                       lambda ctx: policies.end_policy(ctx, old.id)):
            with pytest.raises(PermissionDenied):
                with medoffice_practice.operation("frontdesk") as ctx:
                    change(ctx)
        assert ann_policy(medoffice_practice, world) == old


def test_edit_and_end_a_policy_from_the_shell_with_json(medoffice_cli, cli_world):
    (policy,) = medoffice_cli("billing", "policies", "list", cli_world.ann, "--json", user="frontdesk").json()
    edited = medoffice_cli("billing", "policies", "edit", str(policy["id"]), "--copay", "30", "--payer", "blue",
                           "--json", user="frontdesk")
    assert edited.exit_code == 0, edited.stderr
    assert (edited.json()["copay"], edited.json()["payer"], edited.json()["member_id"]) == (
        "30.00", "Blue Plan", "ACM123")
    human = medoffice_cli("billing", "policies", "edit", str(policy["id"]), "--group", "", user="frontdesk")
    assert human.stdout.startswith(f"changed policy {policy['id']}: ") and "group" not in human.stdout
    refused = medoffice_cli("billing", "policies", "edit", str(policy["id"]), "--copay", "abc", user="frontdesk")
    assert refused.exit_code == 1 and refused.stderr.startswith("error: copay")
    ended = medoffice_cli("billing", "policies", "end", str(policy["id"]), "--json", user="frontdesk")
    assert (ended.json()["active"], ended.exit_code) == (False, 0)
    again = medoffice_cli("billing", "policies", "end", str(policy["id"]), user="frontdesk")
    assert again.exit_code == 1 and again.stderr.count("\n") == 1
