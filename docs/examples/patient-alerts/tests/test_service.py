"""The service: adding, listing and resolving alerts, as the front desk and others would."""

from __future__ import annotations

import attrs
import pytest
from medoffice_patient_alerts import service

from medoffice.core import audit
from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.services import patients

pytestmark = pytest.mark.medoffice_plugins("patient-alerts")


def register(practice, first="Ann"):
    with practice.operation("frontdesk") as ctx:
        return patients.register(ctx, {"first_name": first, "last_name": "Lee", "date_of_birth": "1970-01-02",
                                       "sex": "f"}).patient


def add(practice, mrn, text, severity="warning", user="frontdesk"):
    with practice.operation(user) as ctx:
        return service.add_alert(ctx, mrn, text, severity)


def alerts(practice, mrn, user="admin", **options):
    with practice.operation(user, write=False) as ctx:
        return service.list_alerts(ctx, mrn, **options)


class TestAdding:
    def test_an_added_alert_is_listed_with_who_added_it(self, medoffice_practice):
        """The record comes back whole: patient, text, severity, author and an aware UTC time."""
        ann = register(medoffice_practice)
        added = add(medoffice_practice, ann.mrn.lower(), "  Allergic to penicillin ", "Critical")
        assert (added.mrn, added.patient_id, added.text, added.severity, added.created_by) == (
            ann.mrn, ann.id, "Allergic to penicillin", "critical", "frontdesk")
        assert added.created_at.tzinfo is not None and added.active
        assert alerts(medoffice_practice, ann.mrn) == [added]

    def test_every_bad_field_is_reported_and_nothing_is_written(self, medoffice_practice):
        """Empty text and an unknown severity are refused together, before anything is saved."""
        ann = register(medoffice_practice)
        with pytest.raises(ValidationError) as info:
            add(medoffice_practice, ann.mrn, "   ", "urgent")
        assert set(info.value.errors) == {"text", "severity"}
        assert "info, warning, critical" in info.value.errors["severity"]
        assert alerts(medoffice_practice, ann.mrn, include_resolved=True) == []

    def test_text_longer_than_the_column_is_refused(self, medoffice_practice):
        ann = register(medoffice_practice)
        with pytest.raises(ValidationError, match="500"):
            add(medoffice_practice, ann.mrn, "x" * 501)
        assert alerts(medoffice_practice, ann.mrn) == []

    def test_an_unknown_mrn_is_not_found(self, medoffice_practice):
        with pytest.raises(NotFound, match="NOPE"):
            add(medoffice_practice, "NOPE", "Fall risk")

    def test_billing_may_read_alerts_but_not_add_them(self, medoffice_practice):
        ann = register(medoffice_practice)
        with pytest.raises(PermissionDenied, match="alerts.write"):
            add(medoffice_practice, ann.mrn, "Fall risk", user="billing")
        add(medoffice_practice, ann.mrn, "Fall risk")
        assert [a.text for a in alerts(medoffice_practice, ann.mrn, user="billing")] == ["Fall risk"]

    def test_adding_is_audited_without_the_alerts_words(self, medoffice_practice):
        """The audit names the patient and severity; what the alert says stays in its table."""
        ann = register(medoffice_practice)
        added = add(medoffice_practice, ann.mrn, "HIV positive", "critical")
        with medoffice_practice.operation("admin", write=False) as ctx:
            (entry,) = audit.iter_entries(ctx.session, action="alert.added")
        assert (entry.username, entry.patient_id, entry.entity_id) == ("frontdesk", ann.id, str(added.id))
        assert entry.summary == {"severity": "critical"}


class TestListing:
    def test_most_urgent_first_then_newest_and_only_the_patients_own(self, medoffice_practice):
        ann, bo = register(medoffice_practice), register(medoffice_practice, "Bo")
        add(medoffice_practice, ann.mrn, "Prefers Spanish", "info")
        add(medoffice_practice, ann.mrn, "Fall risk", "warning")
        add(medoffice_practice, ann.mrn, "Latex allergy", "critical")
        add(medoffice_practice, ann.mrn, "Hard of hearing", "warning")
        add(medoffice_practice, bo.mrn, "Someone else's", "critical")
        assert [a.text for a in alerts(medoffice_practice, ann.mrn)] == [
            "Latex allergy", "Hard of hearing", "Fall risk", "Prefers Spanish"]

    def test_a_user_without_alerts_read_sees_nothing(self, medoffice_practice):
        ann = register(medoffice_practice)
        from medoffice.core.services import users

        with medoffice_practice.operation("admin") as ctx:
            users.revoke(ctx, "billing", "alerts.read")
        with pytest.raises(PermissionDenied, match="alerts.read"):
            alerts(medoffice_practice, ann.mrn, user="billing")

    def test_records_are_frozen(self, medoffice_practice):
        ann = register(medoffice_practice)
        added = add(medoffice_practice, ann.mrn, "Fall risk")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            added.text = "changed"


class TestResolving:
    def test_a_resolved_alert_keeps_who_and_when_and_leaves_the_active_list(self, medoffice_practice):
        ann = register(medoffice_practice)
        added = add(medoffice_practice, ann.mrn, "Fall risk")
        with medoffice_practice.operation("manager") as ctx:
            resolved = service.resolve_alert(ctx, added.id)
        assert resolved.resolved_by == "manager" and resolved.resolved_at is not None and not resolved.active
        assert alerts(medoffice_practice, ann.mrn) == []
        assert alerts(medoffice_practice, ann.mrn, include_resolved=True) == [resolved]
        with medoffice_practice.operation("admin", write=False) as ctx:
            (entry,) = audit.iter_entries(ctx.session, action="alert.resolved")
        assert (entry.username, entry.patient_id) == ("manager", ann.id)

    def test_resolving_twice_is_a_conflict_naming_who_did_it(self, medoffice_practice):
        ann = register(medoffice_practice)
        added = add(medoffice_practice, ann.mrn, "Fall risk")
        with medoffice_practice.operation("frontdesk") as ctx:
            service.resolve_alert(ctx, added.id)
        with pytest.raises(Conflict, match="already resolved by frontdesk"):
            with medoffice_practice.operation("manager") as ctx:
                service.resolve_alert(ctx, added.id)

    @pytest.mark.parametrize("alert_id", [0, -3, "7", True])
    def test_an_alert_id_must_be_a_positive_whole_number(self, medoffice_practice, alert_id):
        with pytest.raises(ValidationError, match="positive whole number"):
            with medoffice_practice.operation("frontdesk") as ctx:
                service.resolve_alert(ctx, alert_id)

    def test_an_unknown_alert_is_not_found(self, medoffice_practice):
        with pytest.raises(NotFound, match="no alert with id 99"):
            with medoffice_practice.operation("frontdesk") as ctx:
                service.resolve_alert(ctx, 99)

    def test_billing_may_not_resolve(self, medoffice_practice):
        ann = register(medoffice_practice)
        added = add(medoffice_practice, ann.mrn, "Fall risk")
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("billing") as ctx:
                service.resolve_alert(ctx, added.id)
        assert alerts(medoffice_practice, ann.mrn) == [added]


def test_hook_patient_merge_moves_the_absorbed_patients_alerts_to_the_kept_one(medoffice_practice):
    from medoffice.core.services import patient_merge

    ann, again = register(medoffice_practice), register(medoffice_practice)
    kept = add(medoffice_practice, ann.mrn, "Fall risk")
    moved = add(medoffice_practice, again.mrn, "Allergic to penicillin", "critical")
    with medoffice_practice.operation("frontdesk") as ctx:
        plan = patient_merge.preview(ctx, ann.mrn, again.mrn)
        assert [(p.title, p.moves) for p in plan.parts] == [("Patient alerts", ("1 alert",))]
        assert patient_merge.merge(ctx, ann.mrn, again.mrn).rows_moved == 1
    assert sorted(alerts(medoffice_practice, ann.mrn), key=lambda a: a.id) == [
        kept, attrs.evolve(moved, patient_id=ann.id, mrn=ann.mrn)]
