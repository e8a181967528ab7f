"""Office policies: versions for roles, each staff member acknowledging the version in force
as themselves, who has not signed, and a new hire's onboarding (the clock: Monday 2026-01-05)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.services import staff as core_staff
from medoffice.plugins.staff import hiring, onboarding, policies
from medoffice.plugins.staff.models import PolicyAck, PolicyVersion

from ._audit import actions

pytestmark = pytest.mark.medoffice_plugins("staff")

PHONES = "# Phones\n\nAnswer by the third ring.\n\tSay the practice's name."


def unsigned(practice, user="manager", **kw):
    with practice.operation(user, write=False) as ctx:
        return [(u.staff, u.policy, u.version, str(u.due_on), u.status) for u in policies.unsigned(ctx, **kw)]


def count(practice, model) -> int:
    with practice.operation("admin", write=False) as ctx:
        return ctx.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def published(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        policies.add(ctx, "Phone etiquette", "Front desk", ["Front desk"], body=PHONES, within_days=7)
        policies.add(ctx, "HIPAA privacy", "HIPAA", ["all"], file_ref="S:/policies/hipaa.pdf", within_days=0)
        policies.add(ctx, "Controlled substances", "Clinical", ["provider"], body="Two keys, two people.")
    return world


class TestAcknowledging:
    def test_a_new_version_resets_everyones_acknowledgment(self, medoffice_practice, published):
        with medoffice_practice.operation("frontdesk") as ctx:
            text = policies.read(ctx, "phone ETIQUETTE")
            done = policies.acknowledge(ctx, "Phone etiquette", version=text.version)
        assert (text.body, text.version, text.acknowledged_at) == (PHONES, 1, None)
        assert (done.staff, done.version, done.username) == ("Cleo Desk", 1, "frontdesk")
        assert ("Cleo Desk", "Phone etiquette", 1, "2026-01-12", "due") not in unsigned(medoffice_practice)
        with medoffice_practice.operation("manager") as ctx:
            again = policies.publish(ctx, "Phone etiquette", body=PHONES + "\nSmile.", note="smile")
        assert (again.version, again.roles) == (2, ("front_desk",))
        assert ("Cleo Desk", "Phone etiquette", 2, "2026-01-12", "due") in unsigned(medoffice_practice)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert policies.read(ctx, "Phone etiquette", version=1).acknowledged_at is not None
            assert policies.read(ctx, "Phone etiquette").acknowledged_at is None
            assert [(p.category, p.signed, p.required) for p in policies.list_policies(ctx)] == [
                ("Clinical", None, None), ("Front desk", None, None), ("HIPAA", None, None)]
        with medoffice_practice.operation("manager", write=False) as ctx:
            listed = {p.title: (p.version, p.signed, p.required) for p in policies.list_policies(ctx)}
            assert listed["Phone etiquette"] == (2, 0, 1) and listed["HIPAA privacy"] == (1, 0, 4)
            assert [(s.staff, s.acknowledged_at) for s in policies.signatures(ctx, "phone etiquette")] == [
                ("Cleo Desk", None)]
        assert ("hr.policy.acknowledged", "1", "frontdesk") in actions(medoffice_practice)

    def test_only_the_staff_member_signed_in_as_themselves_acknowledges(self, medoffice_practice, published):
        refusals = [
            ("manager", "Phone etiquette", {}, NotFound, "not linked to a staff record"),
            ("billing", "HIPAA privacy", {}, NotFound, "not linked to a staff record"),
            ("frontdesk", "Controlled substances", {}, Conflict, "does not apply to your role"),
            ("frontdesk", "Nothing such", {}, NotFound, "no policy titled"),
            ("frontdesk", "Phone etiquette", {"version": 2}, Conflict, "not the one in force"),
            ("frontdesk", "Phone etiquette", {"version": "1; drop"}, ValidationError, "whole number"),
            ("frontdesk", "", {}, ValidationError, "policy is required"),
        ]
        for user, title, kw, error, words in refusals:
            with pytest.raises(error, match=words), medoffice_practice.operation(user) as ctx:
                policies.acknowledge(ctx, title, **kw)
        with medoffice_practice.operation("frontdesk") as ctx:
            policies.acknowledge(ctx, "HIPAA privacy")
        with pytest.raises(Conflict, match="already"), medoffice_practice.operation("frontdesk") as ctx:
            policies.acknowledge(ctx, "hipaa privacy")
        with medoffice_practice.operation("manager") as ctx:
            policies.retire(ctx, "Phone etiquette")
        with pytest.raises(Conflict, match="retired"), medoffice_practice.operation("frontdesk") as ctx:
            policies.acknowledge(ctx, "Phone etiquette")
        assert count(medoffice_practice, PolicyAck) == 1

    def test_who_has_not_signed_per_policy_and_per_person(self, medoffice_practice, published):
        everyone = unsigned(medoffice_practice)
        assert everyone[:4] == [("Cleo Desk", "HIPAA privacy", 1, "2026-01-05", "due"),
                                ("Dr Adams", "HIPAA privacy", 1, "2026-01-05", "due"),
                                ("Dr Baker", "HIPAA privacy", 1, "2026-01-05", "due"),
                                ("Max Assist", "HIPAA privacy", 1, "2026-01-05", "due")]
        assert len(everyone) == 7
        assert {u[0] for u in unsigned(medoffice_practice, policy="controlled substances")} == {"Dr Adams", "Dr Baker"}
        assert [u[1] for u in unsigned(medoffice_practice, staff_id=published.cleo)] == ["HIPAA privacy",
                                                                                          "Phone etiquette"]
        assert unsigned(medoffice_practice, "frontdesk", mine=True) == unsigned(medoffice_practice,
                                                                               staff_id=published.cleo)
        assert len(unsigned(medoffice_practice, within=0)) == 4
        medoffice_practice.runtime.clock = lambda: published_now(days=8)
        assert unsigned(medoffice_practice, staff_id=published.cleo)[-1][-1] == "overdue"
        with pytest.raises(PermissionDenied):
            unsigned(medoffice_practice, "frontdesk")
        with pytest.raises(PermissionDenied), medoffice_practice.operation("frontdesk", write=False) as ctx:
            policies.signatures(ctx, "HIPAA privacy")


def published_now(*, days: int):
    import datetime as dt

    from .conftest import NOW

    return NOW + dt.timedelta(days=days)


class TestWriting:
    @pytest.mark.parametrize(("kw", "words"), [
        ({"body": "x", "file_ref": "y"}, "one of the two"),
        ({}, "one of the two"),
        ({"body": "ok\x1b[2Jno"}, "body"),
        ({"file_ref": "a\nb"}, "line break"),
        ({"body": "x" * 100_001}, "longer than 100000"),
        ({"body": "x", "roles": ["front desk;"]}, "letters and digits"),
        ({"body": "x", "roles": []}, "at least one role"),
        ({"body": "x", "within_days": "-1"}, "from 0 to 365"),
        ({"body": "x", "category": " "}, "category is required"),
    ])
    def test_bad_policies_are_refused_whole(self, medoffice_practice, world, kw, words):
        args = {"roles": ["all"], "category": "HR"} | kw
        with pytest.raises(ValidationError, match=words), medoffice_practice.operation("manager") as ctx:
            policies.add(ctx, "Dress code", args.pop("category"), args.pop("roles"), **args)
        assert count(medoffice_practice, PolicyVersion) == 0

    def test_the_same_text_is_not_a_new_version_and_the_front_desk_writes_none(self, medoffice_practice, published):
        with pytest.raises(Conflict, match="nothing to publish"), medoffice_practice.operation("manager") as ctx:
            policies.publish(ctx, "Phone etiquette", body=PHONES)
        with pytest.raises(Conflict, match="already"), medoffice_practice.operation("manager") as ctx:
            policies.add(ctx, "phone etiquette", "x", ["all"], body="y")
        with medoffice_practice.operation("manager") as ctx:
            wider = policies.publish(ctx, "Phone etiquette", body=PHONES, roles=["front_desk", "medical assistant"])
        assert (wider.version, wider.roles) == (2, ("front_desk", "medical_assistant"))
        for call in (lambda ctx: policies.add(ctx, "X", "y", ["all"], body="z"),
                     lambda ctx: policies.publish(ctx, "HIPAA privacy", body="z"),
                     lambda ctx: policies.retire(ctx, "HIPAA privacy")):
            with pytest.raises(PermissionDenied), medoffice_practice.operation("frontdesk") as ctx:
                call(ctx)
        assert count(medoffice_practice, PolicyVersion) == 4


def test_a_new_hires_onboarding_lists_the_policies_of_their_role(medoffice_practice, published):
    with medoffice_practice.operation("manager") as ctx:
        opening = hiring.add_opening(ctx, {"title": "Receptionist", "role": "front_desk"})
        applicant = hiring.add_applicant(ctx, opening.id, {"name": "Rosa Diaz"})
        made = hiring.hire(ctx, applicant.id, start="2026-01-12", user="billing")
    lines = [(i.kind, i.title, str(i.due_on)) for i in made.onboarding if i.kind == "policy"]
    assert lines == [("policy", "HIPAA privacy", "2026-01-12"), ("policy", "Phone etiquette", "2026-01-19")]
    line = next(i for i in made.onboarding if i.title == "Phone etiquette")
    with pytest.raises(Conflict, match="acknowledges it themselves"), medoffice_practice.operation("manager") as ctx:
        onboarding.mark_done(ctx, line.id)
    with medoffice_practice.operation("billing") as ctx:
        policies.acknowledge(ctx, "Phone etiquette")
        mine = {i.title: i.status for i in onboarding.to_do(ctx, mine=True, include_done=True)}
    assert mine["Phone etiquette"] == "done" and mine["HIPAA privacy"] == "to do"
    assert ("Rosa Diaz", "Phone etiquette", 1, "2026-01-19", "due") not in unsigned(medoffice_practice)
    with medoffice_practice.operation("admin") as ctx:
        core_staff.update(ctx, made.staff.id, {"active": False})
    assert "Rosa Diaz" not in {u[0] for u in unsigned(medoffice_practice)}
