"""Performance evaluations: the form, the cycles, the order of the two signatures, and who may
see whose (the clock: Monday 2026-01-05; Cleo Desk is the ``frontdesk`` user)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.services import staff as core_staff
from medoffice.plugins.staff import cards, evaluation_setup, evaluations, hiring, reports
from medoffice.plugins.staff.models import EvalEntry, Evaluation

from ._audit import actions

pytestmark = pytest.mark.medoffice_plugins("staff")

FULL = {"Patient care": 4, "Teamwork": "5"}


@pytest.fixture
def cycle(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        evaluation_setup.add_template(ctx, "Front office", ["Patient care", "Teamwork"], ["Strengths"],
                                 scale_labels="1 poor ... 5 outstanding")
        evaluation_setup.add_cycle(ctx, "Annual review", "annual", "front office")
        evaluation_setup.add_cycle(ctx, "90-day review", "New hire", "Front office")
        made = evaluations.schedule(ctx, "Annual review", due="2026-01-02", staff_ids=[world.cleo, world.max])
    world.cleo_eval, world.max_eval = (e.id for e in sorted(made, key=lambda e: e.staff))
    return world


def call(practice, user, function, *args, **kw):
    with practice.operation(user) as ctx:
        return function(ctx, *args, **kw)


class TestSignOff:
    def test_the_staff_member_signs_first_then_a_manager_closes_it(self, medoffice_practice, cycle):
        p, mine = medoffice_practice, cycle.cleo_eval
        with pytest.raises(Conflict, match="has not signed their self-assessment yet"):
            call(p, "manager", evaluations.sign, mine)
        call(p, "frontdesk", evaluations.self_assess, mine, ratings={"patient CARE": 4},
             texts={"strengths": "Calm\nwith upset patients"})
        with pytest.raises(Conflict, match="still to rate: Teamwork"):
            call(p, "frontdesk", evaluations.sign, mine)
        call(p, "frontdesk", evaluations.self_assess, mine, ratings={"Teamwork": 5}, comment="A good year.")
        signed = call(p, "frontdesk", evaluations.sign, mine)
        assert (signed.summary.status, signed.self_signed_by) == ("self_signed", "frontdesk")
        with pytest.raises(Conflict, match="signed and locked"):
            call(p, "frontdesk", evaluations.self_assess, mine, ratings={"Teamwork": 1})
        call(p, "manager", evaluations.review, mine, ratings=FULL)
        with pytest.raises(Conflict, match="write the goals"):
            call(p, "manager", evaluations.sign, mine)
        call(p, "manager", evaluations.review, mine, goals="Lead the orientation.", comment="Thank you.")
        done = call(p, "manager", evaluations.sign, mine)
        assert (done.summary.status, done.summary.manager_signed_by, done.goals) == (
            "signed", "manager", "Lead the orientation.")
        assert [(line.name, line.self_rating, line.manager_rating) for line in done.lines] == [
            ("Patient care", 4, 4), ("Teamwork", 5, 5), ("Strengths", None, None)]
        for function, kw in ((evaluations.review, {"goals": "x"}), (evaluations.cancel, {"reason": "x"}),
                             (evaluations.sign, {}), (evaluations.waive_self, {"reason": "x"})):
            with pytest.raises(Conflict, match="closed"):
                call(p, "manager", function, mine, **kw)
        assert [a[0] for a in actions(p, "hr.evaluation.s") if a[1] == str(mine)] == [
            "hr.evaluation.scheduled", "hr.evaluation.self_assessed", "hr.evaluation.self_assessed",
            "hr.evaluation.signed_self", "hr.evaluation.signed_manager"]

    def test_a_manager_waives_the_self_assessment_of_someone_without_a_user(self, medoffice_practice, cycle):
        p = medoffice_practice
        with pytest.raises(ValidationError, match="reason is required"):
            call(p, "manager", evaluations.waive_self, cycle.max_eval, reason="  ")
        waived = call(p, "manager", evaluations.waive_self, cycle.max_eval, reason="no user; on paper")
        assert (waived.summary.status, waived.self_waived) == ("self_signed", "no user; on paper")
        call(p, "manager", evaluations.review, cycle.max_eval, ratings=FULL, goals="BLS instructor course")
        assert call(p, "manager", evaluations.sign, cycle.max_eval).summary.status == "signed"

    def test_nobody_reviews_waives_or_signs_for_their_own_evaluation(self, medoffice_practice, cycle):
        p = medoffice_practice
        with p.operation("admin") as ctx:
            core_staff.update(ctx, cycle.adams, {"user": "manager"})
        own = call(p, "manager", evaluations.schedule, "Annual review", due="2026-02-01", staff_ids=[cycle.adams])[0]
        for function, kw in ((evaluations.review, {"goals": "x"}), (evaluations.waive_self, {"reason": "x"})):
            with pytest.raises(Conflict, match="your own"):
                call(p, "manager", function, own.id, **kw)
        call(p, "manager", evaluations.self_assess, own.id, ratings=FULL)
        assert call(p, "manager", evaluations.sign, own.id).summary.status == "self_signed"
        with pytest.raises(Conflict, match="locked"):
            call(p, "manager", evaluations.sign, own.id)
        with pytest.raises(Conflict, match="only Cleo Desk fills in"):
            call(p, "manager", evaluations.self_assess, cycle.cleo_eval, ratings=FULL)

    @pytest.mark.parametrize(("ratings", "texts", "words"), [
        ({"Patient care": 6}, {}, "Patient care must be from 1 to 5"),
        ({"Patient care": "4.5"}, {}, "whole number"),
        ({"Patient care": True}, {}, "whole number"),
        ({"Strengths": 3}, {}, "not a competency of this form"),
        ({}, {"Teamwork": "x"}, "not a comment of this form"),
        ({}, {"Strengths": "a\x1b[2Jb"}, "Strengths"),
        ({}, {"Strengths": "x" * 2001}, "longer than 2000"),
        ({}, {}, "nothing to record"),
    ])
    def test_bad_answers_are_refused_and_nothing_is_kept(self, medoffice_practice, cycle, ratings, texts, words):
        with pytest.raises(ValidationError, match=words):
            call(medoffice_practice, "frontdesk", evaluations.self_assess, cycle.cleo_eval,
                 ratings=ratings | {"Teamwork": 3} if ratings else ratings, texts=texts)
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert ctx.session.execute(select(func.count()).select_from(EvalEntry)).scalar_one() == 0


class TestWhoSeesWhat:
    def test_the_person_evaluated_sees_their_own_and_not_the_draft_review(self, medoffice_practice, cycle):
        p = medoffice_practice
        call(p, "manager", evaluations.review, cycle.cleo_eval, ratings={"Teamwork": 2}, goals="Be on time")
        shown = call(p, "frontdesk", evaluations.show, cycle.cleo_eval)
        assert shown.review_hidden and shown.goals is None
        assert [line.manager_rating for line in shown.lines] == [None, None, None]
        with p.operation("frontdesk", write=False) as ctx:
            assert [e.id for e in evaluations.list_evaluations(ctx, mine=True)] == [cycle.cleo_eval]
            assert [e.id for e in evaluations.due(ctx, mine=True)] == [cycle.cleo_eval]
        assert not call(p, "manager", evaluations.show, cycle.cleo_eval).review_hidden
        assert ("hr.evaluation.opened", str(cycle.cleo_eval), "manager") in actions(p)
        assert ("hr.evaluation.opened", str(cycle.cleo_eval), "frontdesk") not in actions(p)

    def test_the_front_desk_reaches_no_one_elses_evaluation(self, medoffice_practice, cycle):
        p, other = medoffice_practice, cycle.max_eval
        for function, args, kw in (
                (evaluations.show, (other,), {}),
                (evaluations.self_assess, (other,), {"ratings": FULL}),
                (evaluations.sign, (other,), {})):
            with pytest.raises(NotFound, match="of yours"):
                call(p, "frontdesk", function, *args, **kw)
        for function, args, kw in (
                (evaluations.list_evaluations, (), {}), (evaluations.list_evaluations, (), {"staff_id": cycle.max}),
                (evaluations.due, (), {}), (evaluations.review, (other,), {"goals": "x"}),
                (evaluations.waive_self, (other,), {"reason": "x"}), (evaluations.cancel, (other,), {"reason": "x"}),
                (evaluations.schedule, ("Annual review",), {"due": "2026-03-01"}),
                (evaluation_setup.list_templates, (), {}), (evaluation_setup.list_cycles, (), {}),
                (reports.evaluations_due, ({},), {})):
            with pytest.raises(PermissionDenied):
                call(p, "frontdesk", function, *args, **kw)
        with pytest.raises(NotFound, match="not linked"):
            call(p, "billing", evaluations.list_evaluations, mine=True)
        with p.operation("frontdesk", write=False) as ctx:
            assert [c.title for c in cards.cards(ctx)] == []
        with p.operation("admin", write=False) as ctx:
            assert ctx.session.execute(select(func.count()).select_from(EvalEntry)).scalar_one() == 0


class TestCycles:
    def test_overdue_and_due_come_first_and_history_stays_per_person(self, medoffice_practice, cycle):
        p = medoffice_practice
        with pytest.raises(Conflict, match="already"):
            call(p, "manager", evaluations.schedule, "Annual review", due="2026-01-02", staff_ids=[cycle.cleo])
        more = call(p, "manager", evaluations.schedule, "Annual review", due="2026-01-20", roles=["provider"])
        assert sorted(e.staff for e in more) == ["Dr Adams", "Dr Baker"] and more[0].period == "2026"
        nxt = call(p, "manager", evaluations.schedule, "annual review", due="2027-01-04", staff_ids=[cycle.cleo])[0]
        with p.operation("manager", write=False) as ctx:
            assert [(e.staff, e.days, e.overdue) for e in evaluations.due(ctx, within=30)] == [
                ("Cleo Desk", -3, True), ("Max Assist", -3, True), ("Dr Adams", 15, False), ("Dr Baker", 15, False)]
            assert [e.id for e in evaluations.list_evaluations(ctx, staff_id=cycle.cleo)] == [nxt.id, cycle.cleo_eval]
            assert len(evaluations.list_evaluations(ctx, status="overdue")) == 2
            report = reports.evaluations_due(ctx, {"within": "30"})
            compliance = reports.compliance(ctx, {})
            card = {c.title: (c.value, c.detail) for c in cards.cards(ctx)}
        assert report.notes == "2 overdue, 2 due within 30 days"
        assert ("overdue", "Max Assist", "evaluation", "Annual review 2026", "2026-01-02",
                "3 days overdue, awaiting the self-assessment") in compliance.rows
        assert card["Evaluations overdue"] == ("2", "2 more due within 30 days; medoffice evaluations due")
        call(p, "manager", evaluations.cancel, cycle.max_eval, reason="left the practice")
        with p.operation("manager", write=False) as ctx:
            assert [e.staff for e in evaluations.due(ctx, within=0)] == ["Cleo Desk"]

    def test_a_hire_gets_the_90_day_review_and_retired_forms_and_cycles_schedule_nothing(
            self, medoffice_practice, cycle):
        p = medoffice_practice
        with p.operation("manager") as ctx:
            opening = hiring.add_opening(ctx, {"title": "Receptionist", "role": "front_desk"})
            applicant = hiring.add_applicant(ctx, opening.id, {"name": "Rosa Diaz"})
            made = hiring.hire(ctx, applicant.id, start="2026-01-12")
            first = evaluations.list_evaluations(ctx, staff_id=made.staff.id)
        assert [(e.cycle, e.period, str(e.due_on), e.status) for e in first] == [
            ("90-day review", "90-day", "2026-04-12", "open")]
        with pytest.raises(Conflict, match="uses"):
            call(p, "manager", evaluation_setup.retire_template, "Front office")
        call(p, "manager", evaluation_setup.retire_cycle, "90-day review")
        with pytest.raises(Conflict, match="retired"):
            call(p, "manager", evaluations.schedule, "90-day review", staff_ids=[cycle.max])
        with p.operation("admin", write=False) as ctx:
            assert ctx.session.execute(select(func.count()).select_from(Evaluation)).scalar_one() == 3

    @pytest.mark.parametrize(("function", "args", "kw", "words"), [
        (evaluation_setup.add_template, ("X", []), {}, "at least one competency"),
        (evaluation_setup.add_template, ("X", ["A", "a"]), {}, "given twice"),
        (evaluation_setup.add_template, ("X", ["A=1"]), {}, "may not hold '='"),
        (evaluation_setup.add_template, ("X", ["A"], ["A"]), {}, "both a competency and a comment"),
        (evaluation_setup.add_template, ("X", ["A"]), {"scale_min": 5, "scale_max": 5}, "run upwards"),
        (evaluation_setup.add_template, ("X", ["A"]), {"scale_max": "11"}, "from 1 to 10"),
        (evaluation_setup.add_template, ("X", [f"c{i}" for i in range(41)]), {}, "at most 40"),
        (evaluation_setup.add_cycle, ("X", "weekly", "Front office"), {}, "annual or new_hire"),
        (evaluation_setup.add_cycle, ("X", "annual", "Front office"), {"days_after_hire": 30}, "only a new_hire"),
        (evaluation_setup.add_cycle, ("X", "new_hire", "Front office"), {"days_after_hire": "0"}, "from 1 to 730"),
        (evaluations.schedule, ("Annual review",), {}, "needs the due day"),
        (evaluations.schedule, ("Annual review",), {"due": "2026-02-30"}, "real date"),
        (evaluations.schedule, ("Annual review",), {"due": "1999-12-31"}, "from 2000"),
        (evaluations.schedule, ("Annual review",), {"due": "2026-03-01", "roles": ["x;y"]}, "letters"),
        (evaluations.schedule, ("Annual review",), {"due": "2026-03-01", "period": "a\nb"}, "line break"),
        (evaluations.list_evaluations, (), {"status": "lost"}, "status must be one of"),
        (evaluations.due, (), {"within": "-1"}, "from 0 to 3650"),
    ])
    def test_bad_forms_cycles_and_schedules_are_refused(self, medoffice_practice, cycle, function, args, kw, words):
        with pytest.raises(ValidationError, match=words):
            call(medoffice_practice, "manager", function, *args, **kw)
