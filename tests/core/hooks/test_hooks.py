"""Every hook, called where the contract says, with what it says. One test per hook
(``test_hook_<name>``; tests/test_docs.py checks that none is missing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from medoffice.core import audit
from medoffice.core.cli import AppState, cli
from medoffice.core.domains import BillingService, InventoryService, SchedulingService, StaffService
from medoffice.core.errors import PluginError
from medoffice.core.loader.discovery import candidate_from_module
from medoffice.core.records import (
    AppointmentChange,
    AppointmentProposal,
    AppointmentRecord,
    EncounterRecord,
    ExpenseDraft,
    ReceivedOrder,
    Reminder,
    VisitRecord,
    WaitlistOffer,
)
from medoffice.core.services import patients, reports, staff, users
from medoffice.core.storage.models import Patient



def at(hour: int) -> dt.datetime:
    return dt.datetime(2026, 12, 1, hour, 0, tzinfo=dt.timezone.utc)

# Only the recorder: no installed plugin competes with it for the domain provider hooks.
pytestmark = pytest.mark.medoffice_plugins()

ANN = {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02", "sex": "female"}


def register_ann(practice, user="frontdesk"):
    with practice.operation(user) as ctx:
        return patients.register(ctx, ANN).patient


def appointment(status="booked"):
    return AppointmentRecord(id=7, patient_id=1, provider_id=2, appointment_type="follow-up",
                             start=at(14), end=at(15), status=status)


class TestApplicationHooks:
    def test_hook_schema_migrates_the_plugins_tables_on_init(self, medoffice_practice):
        with medoffice_practice.operation("admin") as ctx:
            from medoffice.core.services import plugin_admin

            branches = {s.branch: s for s in plugin_admin.status(medoffice_practice.runtime, ctx)}
        assert branches["recorder"].current == "r0001" and not branches["recorder"].pending

    def test_hook_cli_commands_adds_the_plugins_group(self, medoffice_practice, recorder):
        runner = CliRunner()
        result = runner.invoke(cli, ["--db", medoffice_practice.url, "recorder", "hello"],
                               obj=AppState(candidates=[candidate_from_module(recorder)]))
        assert result.exit_code == 0, result.output
        assert "hello from the recorder" in result.output

    def test_hook_screens_are_attributed_to_the_plugin(self, medoffice_practice):
        screens = medoffice_practice.runtime.plugins.hooks.screens()
        assert ("recorder", "recorder.log") in [(plugin, s.id) for plugin, s in screens]

    def test_hook_palette_actions_are_attributed_to_the_plugin(self, medoffice_practice):
        actions = medoffice_practice.runtime.plugins.hooks.palette_actions()
        assert [(p, a.id) for p, a in actions if p == "recorder"] == [("recorder", "recorder.clear")]

    def test_hook_patient_panels_come_in_order(self, medoffice_practice):
        panels = medoffice_practice.runtime.plugins.hooks.patient_panels()
        orders = [panel.order for _plugin, panel in panels]
        assert orders == sorted(orders)
        assert "recorder.panel" in [panel.id for _p, panel in panels]

    def test_hook_permissions_are_granted_to_their_default_roles_once(self, medoffice_practice):
        assert medoffice_practice.user("frontdesk").can("recorder.use")
        assert not medoffice_practice.user("billing").can("recorder.use")
        with medoffice_practice.operation("admin") as ctx:
            users.revoke(ctx, "front_desk", "recorder.use")
        with medoffice_practice.operation("admin") as ctx:  # migrating again must not re-grant it
            from medoffice.core.services import plugin_admin

            plugin_admin.upgrade(medoffice_practice.runtime, ctx)
        assert not medoffice_practice.user("frontdesk").can("recorder.use")

    def test_hook_reports_run_after_the_permission_check(self, medoffice_practice):
        register_ann(medoffice_practice)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            result = reports.run(ctx, "recorder.patients", {})
        assert result.rows == ((1,),)
        from medoffice.core.errors import PermissionDenied

        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("billing", write=False) as ctx:
                reports.run(ctx, "recorder.patients", {})

    def test_hook_dashboard_cards_respect_the_users_permissions(self, medoffice_practice):
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            front = ctx.hooks.dashboard_cards(ctx)
        with medoffice_practice.operation("billing", write=False) as ctx:
            billing = ctx.hooks.dashboard_cards(ctx)
        assert [card.title for _p, card in front] == ["Recorded calls"]
        assert billing == []

    def test_hook_populate_demo_is_called_with_the_seed(self, tmp_path, recorder, medoffice_env):
        from medoffice.core.config import Settings
        from medoffice.core.demo import make_demo
        from medoffice.core.runtime import open_runtime

        settings = Settings.resolve(f"sqlite:///{tmp_path / 'demo.sqlite'}")
        runtime = open_runtime(settings=settings, candidates=[candidate_from_module(recorder)])
        try:
            make_demo(runtime, seed=7, patient_count=3)
        finally:
            runtime.close()
        assert recorder.seen("populate_demo") == [{"seed": 7}]
        assert len(recorder.seen("patient_registered")) == 3


class TestEventHooks:
    def test_hook_patient_registered_runs_in_the_same_unit_of_work(self, medoffice_practice, recorder, note_model):
        Note = note_model
        patient = register_ann(medoffice_practice)
        assert recorder.seen("patient_registered") == [{"patient": patient}]
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert ctx.session.execute(select(Note.text)).scalars().all() == [f"registered {patient.mrn}"]

    def test_a_raising_hook_rolls_back_the_whole_registration(self, medoffice_practice, recorder, note_model):
        Note = note_model
        recorder.raise_on.add("patient_registered")
        with pytest.raises(PluginError) as info:
            register_ann(medoffice_practice)
        assert info.value.plugin_id == "recorder"
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert ctx.session.execute(select(func.count(Patient.id))).scalar_one() == 0
            assert ctx.session.execute(select(func.count(Note.id))).scalar_one() == 0
            assert list(audit.iter_entries(ctx.session, action="patient.registered")) == []

    def test_hook_patient_updated_gets_before_and_after(self, medoffice_practice, recorder):
        patient = register_ann(medoffice_practice)
        with medoffice_practice.operation("frontdesk") as ctx:
            patients.update(ctx, patient.mrn, {"phone": "555-010-7777"})
        (call,) = recorder.seen("patient_updated")
        assert call["before"].phone is None and call["after"].phone == "555-010-7777"

    def test_hook_patient_opened_names_who_opened_it(self, medoffice_practice, recorder):
        patient = register_ann(medoffice_practice)
        with medoffice_practice.operation("billing") as ctx:
            patients.open_record(ctx, patient.mrn)
        assert recorder.seen("patient_opened") == [{"patient": patient, "user": "billing"}]

    def test_hook_user_signed_in_after_a_good_password_only(self, medoffice_practice, recorder):
        from medoffice.core.errors import AuthenticationError

        recorder.calls.clear()
        with pytest.raises(AuthenticationError):
            users.sign_in(medoffice_practice.runtime, "billing", "wrong")
        assert recorder.seen("user_signed_in") == []
        user = users.sign_in(medoffice_practice.runtime, "billing", "billing-password")
        assert recorder.seen("user_signed_in") == [{"user": user}]


class TestDomainHooks:
    def test_hook_staff_service_is_the_providers(self, medoffice_practice):
        with medoffice_practice.operation("admin", write=False) as ctx:
            service = ctx.hooks.staff(ctx)
            assert isinstance(service, StaffService)
            assert not service.is_available(ctx, 13, at(9), at(10))

    def test_hook_staff_changed_on_add_and_edit(self, medoffice_practice, recorder):
        with medoffice_practice.operation("manager") as ctx:
            added = staff.add(ctx, {"name": "Dana Cruz", "role": "front_desk"})
            staff.update(ctx, added.id, {"role": "office_manager"})
        first, second = recorder.seen("staff_changed")
        assert first == {"before": None, "after": added}
        assert (second["before"].role, second["after"].role) == ("front_desk", "office_manager")

    def test_hook_scheduling_service_is_the_providers(self, medoffice_practice):
        with medoffice_practice.operation("admin", write=False) as ctx:
            service = ctx.hooks.scheduling(ctx)
            assert isinstance(service, SchedulingService)
            assert service.day_appointments(ctx, dt.date(2026, 12, 1)) == []

    def test_hook_validate_appointment_collects_reasons_named_by_plugin(self, medoffice_practice, recorder):
        proposal = AppointmentProposal(patient_id=1, provider_id=2, appointment_type="new", start=at(9), end=at(10))
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert ctx.hooks.validate_appointment(ctx, proposal) == []
            recorder.veto = "Dr. Hale is on leave"
            assert ctx.hooks.validate_appointment(ctx, proposal) == ["recorder: Dr. Hale is on leave"]

    def test_hook_appointment_changed_is_broadcast(self, medoffice_practice, recorder):
        change = AppointmentChange("checked_in", appointment("arrived"), appointment())
        with medoffice_practice.operation("admin") as ctx:
            ctx.hooks.appointment_changed(ctx, change)
        assert recorder.seen("appointment_changed") == [{"change": change}]

    def test_hook_visit_completed_is_broadcast(self, medoffice_practice, recorder):
        visit = VisitRecord(appointment("completed"), completed_at=at(15))
        with medoffice_practice.operation("admin") as ctx:
            ctx.hooks.visit_completed(ctx, visit)
        assert recorder.seen("visit_completed") == [{"visit": visit}]
        assert visit.patient_id == 1 and visit.provider_id == 2

    def test_hook_waitlist_offer_is_broadcast(self, medoffice_practice, recorder):
        offer = WaitlistOffer(3, 1, "000001", "follow-up", 30, 2, at(14), at(15), None, 7, "cancelled")
        with medoffice_practice.operation("admin") as ctx:
            ctx.hooks.call("medoffice_waitlist_offer", ctx=ctx, offer=offer)
        assert recorder.seen("waitlist_offer") == [{"offer": offer}]

    def test_hook_send_reminders_says_what_each_plugin_sent(self, medoffice_practice, recorder):
        def reminder(appointment_id, phone):
            return Reminder(appointment_id, 1, "000001", "Ann", "Lee", phone, None, None, 2, "Dr Adams",
                            "follow-up", at(14), at(15))

        reminders = (reminder(7, "555-0100"), reminder(8, None))
        with medoffice_practice.operation("admin") as ctx:
            assert ctx.hooks.collect("medoffice_send_reminders", ctx=ctx, reminders=reminders) == [("recorder", [7])]
        assert recorder.seen("send_reminders") == [{"reminders": reminders}]

    def test_hook_encounter_charges_gives_each_plugins_answer(self, medoffice_practice, recorder):
        encounter = EncounterRecord(4, 1, 2, dt.date(2026, 12, 1), "open")
        with medoffice_practice.operation("admin") as ctx:
            assert ctx.hooks.encounter_charges(ctx, encounter) == [("recorder", "the visit note is not signed")]
        assert recorder.seen("encounter_charges") == [{"encounter": encounter}]

    def test_hook_billing_service_records_expenses_for_others(self, medoffice_practice, recorder):
        draft = ExpenseDraft("supplies", Decimal("41.90"), dt.date(2026, 12, 1), vendor="MedSupply")
        with medoffice_practice.operation("admin") as ctx:
            service = ctx.hooks.billing(ctx)
            assert isinstance(service, BillingService)
            service.record_expense(ctx, draft)
            assert service.patient_balance(ctx, 1) == Decimal("12.50")
        assert recorder.billing.expenses == [draft]

    def test_hook_expense_recorded_is_broadcast(self, medoffice_practice, recorder):
        from medoffice.core.records import ExpenseRecord

        expense = ExpenseRecord("supplies", Decimal("41.90"), dt.date(2026, 12, 1), id=1)
        with medoffice_practice.operation("admin") as ctx:
            ctx.hooks.expense_recorded(ctx, expense)
        assert recorder.seen("expense_recorded") == [{"expense": expense}]

    def test_hook_inventory_service_is_the_providers(self, medoffice_practice):
        with medoffice_practice.operation("admin", write=False) as ctx:
            service = ctx.hooks.inventory(ctx)
            assert isinstance(service, InventoryService)
            assert service.items_below_reorder_point(ctx) == ["Nitrile gloves (M)"]

    def test_hook_order_received_is_broadcast(self, medoffice_practice, recorder):
        order = ReceivedOrder(3, "MedSupply", dt.date(2026, 12, 1), Decimal("41.90"))
        with medoffice_practice.operation("admin") as ctx:
            ctx.hooks.order_received(ctx, order)
        assert recorder.seen("order_received") == [{"order": order}]

    def test_money_in_domain_records_refuses_floats(self):
        with pytest.raises(TypeError, match="float"):
            ExpenseDraft("supplies", 41.9, dt.date(2026, 12, 1))
