"""Hiring: a manager opens a job, moves applicants through the practice's stages and hires
one, which makes a core staff identity and an onboarding list. Applicants are personal data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medoffice.core import hookimpl
from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.records import PluginInfo
from medoffice.core.services import staff as core_staff
from medoffice.plugins.staff import hiring, onboarding, training

from ._audit import actions

pytestmark = pytest.mark.medoffice_plugins("staff")


class StaffListener:
    plugin_info = PluginInfo(id="staff-listener", title="Staff listener", api_version=1)

    def __init__(self) -> None:
        self.changes = []

    @hookimpl
    def medoffice_staff_changed(self, ctx, before, after):
        self.changes.append((before, after))


LISTENER = StaffListener()


@pytest.fixture
def medoffice_extra_plugins():
    LISTENER.changes.clear()
    return [LISTENER]


def open_job(practice, **extra):
    with practice.operation("manager") as ctx:
        return hiring.add_opening(ctx, {"title": "Receptionist", "role": "Front desk", "location": "main",
                                        "pay_min": "18", "pay_max": "$22.50", "pay_per": "hour"} | extra)


class TestOpenings:
    def test_a_manager_opens_a_job_with_a_pay_range_in_cents(self, medoffice_practice, world):
        job = open_job(medoffice_practice)
        assert (job.role, job.location, job.pay_min, job.pay_max, job.pay, job.status) == (
            "front_desk", "Main", Decimal("18.00"), Decimal("22.50"), "18.00-22.50/hour", "open")
        with medoffice_practice.operation("manager") as ctx:
            held = hiring.update_opening(ctx, job.id, {"status": "on hold"})
            assert hiring.list_openings(ctx) == [held]
            hiring.update_opening(ctx, job.id, {"status": "closed"})
            assert hiring.list_openings(ctx) == [] and len(hiring.list_openings(ctx, include_closed=True)) == 1

    @pytest.mark.parametrize(("fields", "wrong"), [
        ({"pay_min": "30", "pay_max": "20"}, "pay min 30.00 is more than pay max 20.00"),
        ({"pay_min": "1.005"}, "more than two decimals"),
        ({"pay_min": "-3"}, "must not be negative"),
        ({"pay_min": "NaN"}, "amount"),
        ({"pay_per": "week"}, "pay per must be hour or year"),
        ({"location": "Mars"}, "no location named 'Mars'"),
        ({"title": "Desk\x1b[31m"}, "title"),
        ({"role": "front/desk"}, "role must be words"),
        ({"status": "gone"}, "status must be one of"),
    ])
    def test_bad_fields_are_refused_and_nothing_is_written(self, medoffice_practice, world, fields, wrong):
        with pytest.raises((ValidationError, NotFound), match=wrong):
            open_job(medoffice_practice, **fields)
        with medoffice_practice.operation("manager", write=False) as ctx:
            assert hiring.list_openings(ctx, include_closed=True) == []

    def test_the_front_desk_cannot_see_openings(self, medoffice_practice, world):
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("frontdesk", write=False) as ctx:
                hiring.list_openings(ctx)


class TestApplicants:
    def test_an_applicant_moves_through_the_stages_with_dated_notes(self, medoffice_practice, world):
        job = open_job(medoffice_practice)
        with medoffice_practice.operation("manager") as ctx:
            ann = hiring.add_applicant(ctx, job.id, {"name": "Ann Apple", "email": "ann@example.com"})
            assert ann.stage == "applied"
            hiring.move(ctx, ann.id, "Phone  Screen")
            hiring.schedule_interview(ctx, ann.id, "2026-01-07 14:00", interviewer="Morgan")
            hiring.move(ctx, ann.id, "interview")
            hiring.add_note(ctx, ann.id, "Great with\npatients.")
        with medoffice_practice.operation("manager") as ctx:
            file = hiring.open_applicant(ctx, ann.id)
        assert file.stage == "interview"
        assert [(n.kind, n.body) for n in file.notes] == [
            ("stage", "applied -> phone screen"), ("interview", "interview 2026-01-07 14:00 with Morgan"),
            ("stage", "phone screen -> interview"), ("note", "Great with\npatients.")]
        assert file.next_interview.isoformat() == "2026-01-07T19:00:00+00:00"  # 14:00 in New York
        assert all(n.author == "manager" for n in file.notes)

    def test_rejecting_needs_a_reason_and_hiring_is_not_a_move(self, medoffice_practice, world):
        job = open_job(medoffice_practice)
        with medoffice_practice.operation("manager") as ctx:
            bo = hiring.add_applicant(ctx, job.id, {"name": "Bo"})
        with pytest.raises(ValidationError, match="a rejection needs a reason"):
            with medoffice_practice.operation("manager") as ctx:
                hiring.move(ctx, bo.id, "rejected")
        with pytest.raises(ValidationError, match="hire with 'medoffice hiring hire"):
            with medoffice_practice.operation("manager") as ctx:
                hiring.move(ctx, bo.id, "hired")
        with medoffice_practice.operation("manager") as ctx:
            out = hiring.move(ctx, bo.id, "rejected", reason="no weekend availability")
            assert (out.outcome, out.rejection_reason) == ("rejected", "no weekend availability")
            assert hiring.list_applicants(ctx) == []
            assert [a.name for a in hiring.list_applicants(ctx, include_closed=True)] == ["Bo"]

    def test_applicants_are_personal_data_seen_only_by_managers_and_audited(self, medoffice_practice, world):
        job = open_job(medoffice_practice)
        with medoffice_practice.operation("manager") as ctx:
            cy = hiring.add_applicant(ctx, job.id, {"name": "Cy", "phone": "(555) 123-4567"})
        for user in ("frontdesk", "billing"):
            with pytest.raises(PermissionDenied):
                with medoffice_practice.operation(user) as ctx:
                    hiring.open_applicant(ctx, cy.id)
            with pytest.raises(PermissionDenied):
                with medoffice_practice.operation(user) as ctx:
                    hiring.list_applicants(ctx)
        with medoffice_practice.operation("manager") as ctx:
            hiring.open_applicant(ctx, cy.id)
        assert ("hr.applicant.opened", str(cy.id), "manager") in actions(medoffice_practice)

    def test_a_closed_opening_takes_no_applicants(self, medoffice_practice, world):
        job = open_job(medoffice_practice, status="on_hold")
        with pytest.raises(Conflict, match="is on hold, not open for applicants"):
            with medoffice_practice.operation("manager") as ctx:
                hiring.add_applicant(ctx, job.id, {"name": "Di"})

    @pytest.mark.parametrize("data", [{"name": ""}, {"name": "x" * 161}, {"name": "Eve", "email": "not-mail"},
                                      {"name": "Eve", "phone": "12"}, {"name": "Eve", "applied_on": "2026-02-30"},
                                      {"name": "Eve", "applied_on": "2027-01-01"}, {"name": "Eve\u202e"},
                                      {"name": "Eve", "salary": "1"}])
    def test_hostile_applicant_fields_are_refused(self, medoffice_practice, world, data):
        job = open_job(medoffice_practice)
        with pytest.raises(ValidationError):
            with medoffice_practice.operation("manager") as ctx:
                hiring.add_applicant(ctx, job.id, data)

    def test_an_interview_time_must_be_a_real_local_time(self, medoffice_practice, world):
        job = open_job(medoffice_practice)
        with medoffice_practice.operation("manager") as ctx:
            fay = hiring.add_applicant(ctx, job.id, {"name": "Fay"})
        for bad in ("2026-01-07", "tomorrow 10:00", "2026-13-01 10:00", "9999-12-31 23:59"):
            with pytest.raises(ValidationError):
                with medoffice_practice.operation("manager") as ctx:
                    hiring.schedule_interview(ctx, fay.id, bad)


class TestStages:
    def test_the_practice_names_its_own_stages(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            hiring.add_stage(ctx, "Skills test", before="offer")
            hiring.rename_stage(ctx, "phone screen", "call back")
            names = [s.name for s in hiring.list_stages(ctx)]
        assert names == ["applied", "call back", "interview", "skills test", "offer", "hired", "rejected",
                         "withdrawn"]

    def test_outcomes_and_busy_stages_stay(self, medoffice_practice, world):
        job = open_job(medoffice_practice)
        with medoffice_practice.operation("manager") as ctx:
            hiring.add_applicant(ctx, job.id, {"name": "Gil"})
        with pytest.raises(Conflict, match="rename it instead"):
            with medoffice_practice.operation("manager") as ctx:
                hiring.remove_stage(ctx, "withdrawn")
        with pytest.raises(Conflict, match="1 applicant"):
            with medoffice_practice.operation("manager") as ctx:
                hiring.remove_stage(ctx, "applied")
        with pytest.raises(Conflict, match="already"):
            with medoffice_practice.operation("manager") as ctx:
                hiring.add_stage(ctx, "OFFER")


class TestHire:
    def test_a_hire_makes_the_core_staff_identity_and_the_onboarding_list(self, medoffice_practice, world):
        job = open_job(medoffice_practice)
        with medoffice_practice.operation("manager") as ctx:
            onboarding.add_document(ctx, "all", "I-9", within_days=3)
            onboarding.add_document(ctx, "provider", "Licence copy")
            training.add_requirement(ctx, "HIPAA", ["all"], every_months=12, first_within_days=30)
            training.add_requirement(ctx, "BLS", ["provider"], every_months=24)
            hal = hiring.add_applicant(ctx, job.id, {"name": "Hal Hire"})
        LISTENER.changes.clear()
        with medoffice_practice.operation("manager") as ctx:
            made = hiring.hire(ctx, hal.id, start="2026-01-12")
        assert (made.staff.name, made.staff.role, made.applicant.stage, made.applicant.staff_id) == (
            "Hal Hire", "front_desk", "hired", made.staff.id)
        assert [(before, after.name) for before, after in LISTENER.changes] == [(None, "Hal Hire")]
        assert [(i.kind, i.title, str(i.due_on)) for i in made.onboarding] == [
            ("training", "HIPAA", "2026-02-11"), ("document", "I-9", "2026-01-15")]
        with medoffice_practice.operation("manager") as ctx:
            assert core_staff.get(ctx, made.staff.id).name == "Hal Hire"
            training.complete(ctx, made.staff.id, "hipaa", on="2026-01-05")
            left = onboarding.to_do(ctx, staff_id=made.staff.id)
        assert [i.title for i in left] == ["I-9"]
        with pytest.raises(Conflict, match="hired already"):
            with medoffice_practice.operation("manager") as ctx:
                hiring.hire(ctx, hal.id)

    def test_a_refused_hire_writes_nothing(self, medoffice_practice, world):
        job = open_job(medoffice_practice)
        with medoffice_practice.operation("manager") as ctx:
            ida = hiring.add_applicant(ctx, job.id, {"name": "Ida"})
        with pytest.raises(ValidationError, match="a provider needs an NPI"):
            with medoffice_practice.operation("manager") as ctx:
                hiring.hire(ctx, ida.id, is_provider=True)
        with medoffice_practice.operation("manager") as ctx:
            assert "Ida" not in [s.name for s in core_staff.list_staff(ctx)]
            assert hiring.open_applicant(ctx, ida.id).stage == "applied"
        assert "hr.applicant.hired" not in [a for a, _, _ in actions(medoffice_practice)]


@pytest.mark.medoffice_backends("postgresql")
def test_two_managers_hiring_one_applicant_at_once_make_one_staff_record(medoffice_practice, world):
    """The second hire waits for the first to commit, then is refused: one staff identity."""
    import threading
    import time

    job = open_job(medoffice_practice)
    with medoffice_practice.operation("manager") as ctx:
        jo = hiring.add_applicant(ctx, job.id, {"name": "Jo Twice"})
    first_hired, outcome = threading.Event(), {}

    def first():
        with medoffice_practice.operation("manager") as ctx:
            hiring.hire(ctx, jo.id)
            first_hired.set()
            time.sleep(0.5)  # still uncommitted while the second asks

    def second():
        first_hired.wait(10)
        try:
            with medoffice_practice.operation("admin") as ctx:
                hiring.hire(ctx, jo.id)
            outcome["second"] = "hired"
        except Conflict as error:
            outcome["second"] = str(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert "was hired already" in outcome["second"]
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert [s.name for s in core_staff.list_staff(ctx)].count("Jo Twice") == 1
