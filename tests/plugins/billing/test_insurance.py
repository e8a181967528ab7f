"""Payers and patients' policies: the front desk records an insurance card at check-in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.plugins.billing import fees, payers, policies

pytestmark = pytest.mark.medoffice_plugins("billing")


class TestPayers:
    def test_payers_are_listed_by_name_with_their_837p_details(self, medoffice_practice, world):
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            acme, blue = payers.list_payers(ctx)
        assert (acme.name, acme.payer_code, acme.claim_filing_code, acme.address.one_line()) == (
            "Acme Health", "ACME1", "CI", "1 Main St, Hartford, CT 06101")
        assert (blue.name, blue.claim_filing_code) == ("Blue Plan", "BL")

    def test_a_bad_payer_names_every_field_and_a_second_one_of_a_name_is_refused(self, medoffice_practice, world):
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("billing") as ctx:
                payers.add_payer(ctx, {"name": "", "payer_code": "ÄCME", "claim_filing_code": "XX", "state": "Conn",
                                       "postal_code": "123"})
        assert set(caught.value.errors) == {"name", "payer_code", "claim_filing_code", "state", "postal_code"}
        with pytest.raises(Conflict, match="there is already a payer named 'acme health'"):
            with medoffice_practice.operation("billing") as ctx:
                payers.add_payer(ctx, {"name": "acme health", "payer_code": "X"})

    def test_only_billers_keep_payers(self, medoffice_practice, world):
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("frontdesk") as ctx:
                payers.add_payer(ctx, {"name": "New", "payer_code": "N1"})

    def test_what_a_payer_allows_for_a_code(self, medoffice_practice, world):
        with medoffice_practice.operation("billing") as ctx:
            fees.set_allowed(ctx, "99213", "Acme Health", "72.10")
            fees.set_allowed(ctx, "99213", "acme health", "74.00")
            fees.set_allowed(ctx, "36415", "Blue Plan", "9")
            with pytest.raises(NotFound, match="no payer named 'Nobody'"):
                fees.set_allowed(ctx, "99213", "Nobody", "1")
            with pytest.raises(NotFound, match="99999 is not in the fee schedule"):
                fees.set_allowed(ctx, "99999", "Blue Plan", "1")
        with medoffice_practice.operation("billing", write=False) as ctx:
            assert [(a.code, a.payer, a.allowed) for a in fees.list_allowed(ctx)] == [
                ("36415", "Blue Plan", Decimal("9.00")), ("99213", "Acme Health", Decimal("74.00"))]


class TestPolicies:
    def test_the_patient_as_subscriber_needs_no_subscriber_details(self, medoffice_practice, world):
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            (policy,) = policies.list_policies(ctx, world.ann)
        assert (policy.payer, policy.rank, policy.relationship, policy.relationship_code, policy.member_id,
                policy.group_number, policy.copay) == ("Acme Health", "primary", "self", "18", "ACM123", "G1",
                                                       Decimal("25.00"))
        assert (policy.subscriber.first_name, policy.subscriber.last_name, policy.subscriber.date_of_birth,
                policy.subscriber.sex) == ("Ann", "Lee", dt.date(1970, 1, 2), "female")

    def test_a_child_on_a_parents_policy_names_the_parent(self, medoffice_practice, world):
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            (policy,) = policies.list_policies(ctx, world.cy)
        assert (policy.relationship_code, policy.subscriber.first_name, policy.subscriber.date_of_birth) == (
            "19", "Dan", dt.date(1980, 3, 4))

    def test_someone_elses_policy_without_the_subscriber_is_refused_field_by_field(self, medoffice_practice, world):
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("frontdesk") as ctx:
                policies.add_policy(ctx, world.bo, "Blue Plan", {"member_id": "B1", "relationship": "spouse",
                                                                 "subscriber_first_name": "Eve", "copay": "-1"})
        assert set(caught.value.errors) == {"subscriber_last_name", "subscriber_date_of_birth", "subscriber_sex",
                                            "copay"}
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert policies.list_policies(ctx, world.bo) == []

    def test_one_active_policy_per_rank_until_the_old_one_ends(self, medoffice_practice, world):
        with pytest.raises(ValidationError, match="already has an active primary policy") as caught:
            with medoffice_practice.operation("frontdesk") as ctx:
                policies.add_policy(ctx, world.ann, "Blue Plan", {"member_id": "Z9"})
        assert set(caught.value.errors) == {"rank"}
        with medoffice_practice.operation("frontdesk") as ctx:
            (old,) = policies.list_policies(ctx, world.ann)
            ended = policies.end_policy(ctx, old.id, "2025-12-31")
            secondary = policies.add_policy(ctx, world.ann, "Blue Plan", {"member_id": "Z9", "rank": "secondary"})
            policies.add_policy(ctx, world.ann, "Blue Plan", {"member_id": "Z10"})
            assert [p.rank for p in policies.list_policies(ctx, world.ann)] == ["primary", "secondary"]
            assert len(policies.list_policies(ctx, world.ann, include_inactive=True)) == 3
        assert (ended.active, ended.effective_to, secondary.rank) == (False, dt.date(2025, 12, 31), "secondary")

    def test_member_ids_go_into_x12_files_so_they_are_plain_ascii(self, medoffice_practice, world):
        with pytest.raises(ValidationError, match="member id may hold only letters, digits"):
            with medoffice_practice.operation("frontdesk") as ctx:
                policies.add_policy(ctx, world.bo, "Acme Health", {"member_id": "ÅB*12"})


def test_payers_and_policies_from_the_shell(medoffice_cli, cli_world):
    added = medoffice_cli("billing", "payers", "add", "Care Co", "--payer-id", "CARE3", "--filing", "MB",
                          "--city", "Albany", "--state", "ny", user="billing")
    assert (added.exit_code, added.stdout) == (0, "added payer 3: Care Co (payer id CARE3, MB)\n")
    assert [p["name"] for p in medoffice_cli("billing", "payers", "list", "--json").json()] == [
        "Acme Health", "Blue Plan", "Care Co"]
    policy = medoffice_cli("billing", "policies", "add", cli_world.bo, "--payer", "Care Co", "--member-id", "C-77",
                           "--relationship", "spouse", "--subscriber-first", "Eve", "--subscriber-last", "Lee",
                           "--subscriber-dob", "1971-02-03", "--subscriber-sex", "f", "--copay", "15", user="frontdesk")
    assert policy.stdout == ("added policy 3: 000002 primary with Care Co, member C-77, subscriber spouse of Eve Lee, "
                             "copay 15.00\n")
    (listed,) = medoffice_cli("billing", "policies", "list", cli_world.bo, "--json", user="frontdesk").json()
    assert (listed["subscriber"]["sex"], listed["copay"]) == ("female", "15.00")
    refused = medoffice_cli("billing", "policies", "add", cli_world.bo, "--payer", "Nope", "--member-id", "1",
                            user="frontdesk")
    assert (refused.exit_code, refused.stderr) == (
        1, "error: no payer matches 'Nope' (payers: Acme Health, Blue Plan, Care Co)\n")
