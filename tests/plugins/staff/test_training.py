"""Training: requirements per role with a recurrence, completions with expiry, and who is
overdue or due within N days (the clock: Monday 2026-01-05)."""

from __future__ import annotations

import pytest

from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.plugins.staff import training

pytestmark = pytest.mark.medoffice_plugins("staff")


def standing(practice, user="manager", **kw):
    with practice.operation(user, write=False) as ctx:
        return [(d.staff, d.requirement, str(d.due_on), d.status, d.days) for d in training.standing(ctx, **kw)]


@pytest.fixture
def required(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        training.add_requirement(ctx, "HIPAA", ["all"], every_months=12, first_within_days=30)
        training.add_requirement(ctx, "BLS", ["provider", "Medical assistant"], every_months=24, first_within_days=0)
        training.add_requirement(ctx, "Orientation", ["front-desk"], first_within_days=10)
    return world


class TestWhoIsDue:
    def test_a_new_requirement_gives_everyone_its_grace_and_applies_by_role(self, medoffice_practice, required):
        everyone = standing(medoffice_practice, within=30, include_ok=True)
        assert ("Cleo Desk", "Orientation", "2026-01-15", "due", 10) in everyone
        assert ("Dr Adams", "BLS", "2026-01-05", "due", 0) in everyone
        assert not any(row[0] == "Cleo Desk" and row[1] == "BLS" for row in everyone)
        assert sorted(r[1] for r in everyone if r[0] == "Max Assist") == ["BLS", "HIPAA"]

    def test_completions_expire_by_their_recurrence_and_overdue_comes_first(self, medoffice_practice, required):
        with medoffice_practice.operation("manager") as ctx:
            done = training.complete(ctx, required.adams, "hipaa", on="2024-12-20", certificate="H-1")
            training.complete(ctx, required.max, "BLS", on="2025-01-31", expires="2026-01-31")
            training.complete(ctx, required.cleo, "Orientation", on="2026-01-02")
        assert str(done.expires_on) == "2025-12-20"
        rows = standing(medoffice_practice, within=30)
        assert rows[0] == ("Dr Adams", "HIPAA", "2025-12-20", "overdue", -16)
        assert ("Max Assist", "BLS", "2026-01-31", "due", 26) in rows
        assert not any(r[:2] == ("Cleo Desk", "Orientation") for r in rows)
        assert ("Cleo Desk", "Orientation", "None", "done", None) in standing(medoffice_practice, include_ok=True)
        assert [r[1] for r in standing(medoffice_practice, staff_id=required.adams)] == ["HIPAA", "BLS"]
        assert {r[0] for r in standing(medoffice_practice, requirement="bls")} == {"Dr Adams", "Dr Baker", "Max Assist"}

    def test_the_front_desk_sees_only_its_own(self, medoffice_practice, required):
        with pytest.raises(PermissionDenied):
            standing(medoffice_practice, "frontdesk")
        mine = standing(medoffice_practice, "frontdesk", mine=True, include_ok=True)
        assert {r[0] for r in mine} == {"Cleo Desk"}
        with pytest.raises(NotFound, match="not linked to a staff record"):
            standing(medoffice_practice, "billing", mine=True)


class TestRefusals:
    @pytest.mark.parametrize(("kw", "wrong"), [
        ({"on": "2026-01-06"}, "in the future"),
        ({"on": "2026-01-01", "expires": "2025-12-31"}, "before the completion"),
        ({"on": "01/32/2026"}, "real date"),
        ({"certificate": "C\x00"}, "certificate"),
    ])
    def test_a_bad_completion_is_refused_and_nothing_is_written(self, medoffice_practice, required, kw, wrong):
        with pytest.raises(ValidationError, match=wrong):
            with medoffice_practice.operation("manager") as ctx:
                training.complete(ctx, required.adams, "HIPAA", **kw)
        with medoffice_practice.operation("manager", write=False) as ctx:
            assert training.completions(ctx) == []

    @pytest.mark.parametrize(("roles", "kw"), [([], {}), (["all"], {"every_months": "0"}),
                                               (["all"], {"every_months": "1.5"}), (["all"], {"first_within_days": "-1"}),
                                               (["a/b"], {}), (["all"], {"every_months": "121"})])
    def test_a_bad_requirement_is_refused(self, medoffice_practice, world, roles, kw):
        with pytest.raises(ValidationError):
            with medoffice_practice.operation("manager") as ctx:
                training.add_requirement(ctx, "Fire", roles, **kw)

    def test_names_are_unique_without_regard_to_case_and_retire_keeps_history(self, medoffice_practice, required):
        with pytest.raises(Conflict):
            with medoffice_practice.operation("manager") as ctx:
                training.add_requirement(ctx, "hipaa", ["all"])
        with medoffice_practice.operation("manager") as ctx:
            training.complete(ctx, required.cleo, "HIPAA", on="2026-01-02")
            training.retire_requirement(ctx, "HIPAA")
            assert [r.name for r in training.list_requirements(ctx)] == ["BLS", "Orientation"]
            assert len(training.completions(ctx, requirement="HIPAA")) == 1
        assert not any(r[1] == "HIPAA" for r in standing(medoffice_practice, include_ok=True))

    def test_only_managers_keep_requirements(self, medoffice_practice, world):
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("frontdesk") as ctx:
                training.add_requirement(ctx, "X", ["all"])


def test_hook_staff_changed_a_colleague_added_later_gets_the_grace_from_their_first_day(medoffice_practice, required):
    """Staff added through the core's 'staff add' start the day they are added: a yearly
    training made months ago is first due 30 days later, not at once."""
    from medoffice.core.services import staff

    from .conftest import NOW

    later = NOW.replace(month=3, day=2)
    medoffice_practice.runtime.clock = lambda: later
    with medoffice_practice.operation("manager") as ctx:
        newcomer = staff.add(ctx, {"name": "Nell New", "role": "front_desk"}).id
    rows = standing(medoffice_practice, staff_id=newcomer, include_ok=True)
    assert ("Nell New", "HIPAA", "2026-04-01", "due", 30) in rows
    assert ("Nell New", "Orientation", "2026-03-12", "due", 10) in rows
    assert ("Cleo Desk", "HIPAA", "2026-02-04", "overdue", -26) in standing(medoffice_practice, staff_id=required.cleo)
