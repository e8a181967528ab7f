"""The office manager keeps the equipment working: assets, maintenance plans (calibration every
12 months, service every 6), the service log that moves each plan on, the due and overdue lists,
and an asset out of service, which scheduling cannot book (clock: Monday 2026-01-05)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.core.storage.models import AuditRow
from medoffice.plugins.inventory import dashboard, equipment, equipment_reports
from medoffice.plugins.inventory import equipment_maintenance as maintenance
from medoffice.plugins.inventory.equipment_maintenance import add_months

pytestmark = pytest.mark.medoffice_plugins("inventory")

ECG = {"name": "ECG machine", "model": "CardioScan 12", "serial": "CS12-1", "location": "Supply room",
       "vendor": "Harbor", "purchased_on": "2024-03-01", "purchase_cost": "4,850.00", "warranty_ends": "2027-03-01"}


@pytest.fixture
def ecg(medoffice_practice, world):
    """The ECG machine with calibration every 12 months (last 2025-01-20) and service every 6
    (last 2025-09-01)."""
    with medoffice_practice.operation("manager") as ctx:
        equipment.add_asset(ctx, ECG)
        maintenance.add_plan(ctx, "ECG machine", "Calibration", 12)
        maintenance.add_plan(ctx, "ecg machine", "service", "6")
        maintenance.log_service(ctx, "CS12-1", task="calibration", work="calibrated", vendor="Harbor",
                                done_on="2025-01-20", cost="180.00")
        maintenance.log_service(ctx, "ECG machine", task="service", work="cleaned, leads checked",
                                done_by="Dana (MA)", done_on="2025-09-01")
    return world


def read(practice, call, *args, user="frontdesk", **options):
    with practice.operation(user, write=False) as ctx:
        return call(ctx, *args, **options)


class TestMonths:
    @pytest.mark.parametrize(("day", "months", "expected"), [
        ("2025-01-31", 1, "2025-02-28"), ("2024-01-31", 1, "2024-02-29"), ("2025-02-28", 12, "2026-02-28"),
        ("2024-02-29", 12, "2025-02-28"), ("2025-07-15", 6, "2026-01-15"), ("2025-12-01", 1, "2026-01-01"),
        ("2026-03-31", -1, "2026-02-28")])
    def test_calendar_months_stay_in_the_month_they_land_in(self, day, months, expected):
        assert add_months(dt.date.fromisoformat(day), months) == dt.date.fromisoformat(expected)


class TestAssetsAndPlans:
    def test_the_service_log_moves_each_plan_on_and_the_lists_show_what_is_due(self, medoffice_practice, ecg):
        p = medoffice_practice
        plans = {r.task: (r.every_months, r.next_due, r.last_done) for r in read(p, maintenance.plans, "ECG machine")}
        assert plans == {"calibration": (12, dt.date(2026, 1, 20), dt.date(2025, 1, 20)),
                         "service": (6, dt.date(2026, 3, 1), dt.date(2025, 9, 1))}
        assert [(r.task, r.days) for r in read(p, maintenance.due)] == [("calibration", 15)]
        assert [r.task for r in read(p, maintenance.due, 60)] == ["calibration", "service"]
        assert read(p, maintenance.overdue) == []
        asset = read(p, equipment.get_asset, "ecg machine")
        assert (asset.purchase_cost, asset.location, asset.vendor, asset.next_due, asset.in_service) == (
            Decimal("4850.00"), "Supply room", "Harbor", dt.date(2026, 1, 20), True)
        log = read(p, maintenance.service_log, "ECG machine")
        assert [(s.done_on, s.task, s.done_by, s.vendor, s.cost, s.next_due) for s in log] == [
            (dt.date(2025, 9, 1), "service", "Dana (MA)", None, None, dt.date(2026, 3, 1)),
            (dt.date(2025, 1, 20), "calibration", "Harbor", "Harbor", Decimal("180.00"), dt.date(2026, 1, 20))]

    def test_a_late_entry_for_an_older_service_does_not_pull_the_due_date_back(self, medoffice_practice, ecg):
        with medoffice_practice.operation("manager") as ctx:
            old = maintenance.log_service(ctx, "ECG machine", task="service", work="found in the binder",
                                          done_by="Dana", done_on="2025-03-01")
        assert old.next_due == dt.date(2025, 9, 1)
        assert {r.task: r.next_due for r in read(medoffice_practice, maintenance.plans, "ECG machine")}[
            "service"] == dt.date(2026, 3, 1)

    def test_an_overdue_calibration_is_on_the_overdue_list_the_dashboard_and_the_report(
            self, medoffice_practice, ecg):
        p = medoffice_practice
        with p.operation("manager") as ctx:
            maintenance.change_plan(ctx, "ECG machine", "calibration", due="2025-12-20")
        assert [(r.asset, r.task, r.days, r.overdue) for r in read(p, maintenance.overdue)] == [
            ("ECG machine", "calibration", -16, True)]
        card = next(c for c in read(p, dashboard.cards) if c.title == "Equipment maintenance overdue")
        assert (card.value, card.detail) == ("1", "ECG machine calibration (16 days late)")
        report = read(p, equipment_reports.equipment_due, {"days": "60"})
        assert [row[2:4] + row[5:6] for row in report.rows] == [("overdue", "ECG machine", "calibration"),
                                                               ("due", "ECG machine", "service")]
        assert report.notes == "1 overdue"

    def test_changing_the_months_recomputes_from_the_last_time_it_was_done(self, medoffice_practice, ecg):
        with medoffice_practice.operation("manager") as ctx:
            changed = maintenance.change_plan(ctx, "ECG machine", "service", every_months=3)
        assert (changed.every_months, changed.next_due) == (3, dt.date(2025, 12, 1))

    def test_a_repair_is_logged_without_moving_any_plan(self, medoffice_practice, ecg):
        with medoffice_practice.operation("manager") as ctx:
            fix = maintenance.log_service(ctx, "ECG machine", work="replaced lead cable", vendor="Harbor",
                                          cost="45.10")
        assert (fix.task, fix.next_due, fix.done_on, fix.done_by) == (None, None, dt.date(2026, 1, 5), "Harbor")
        assert [r.next_due for r in read(medoffice_practice, maintenance.plans, "ECG machine")] == [
            dt.date(2026, 1, 20), dt.date(2026, 3, 1)]


class TestOutOfService:
    def test_out_and_back_need_a_reason_are_kept_as_history_and_audited(self, medoffice_practice, ecg):
        p = medoffice_practice
        with p.operation("manager") as ctx:
            down = equipment.set_in_service(ctx, "ECG machine", False, "lead cable broken")
        assert (down.in_service, down.out_reason) == (False, "lead cable broken")
        assert [a.name for a in read(p, equipment.list_assets, out_of_service=True)] == ["ECG machine"]
        with pytest.raises(Conflict, match="out of service already; nothing to take out"):
            with p.operation("manager") as ctx:
                equipment.set_in_service(ctx, "ECG machine", False, "again")
        with pytest.raises(ValidationError, match="reason is required"):
            with p.operation("manager") as ctx:
                equipment.set_in_service(ctx, "ECG machine", True, "  ")
        with p.operation("manager") as ctx:
            back = equipment.set_in_service(ctx, "ECG machine", True, "cable replaced")
        assert (back.in_service, back.out_reason, back.out_since) == (True, None, None)
        assert [(e.kind, e.reason, e.by) for e in read(p, equipment.history, "ECG machine")] == [
            ("back_in_service", "cable replaced", "manager"), ("out_of_service", "lead cable broken", "manager")]
        with p.operation("admin", write=False) as ctx:
            audited = ctx.session.execute(select(AuditRow.action, AuditRow.summary).where(
                AuditRow.action.startswith("inventory.asset.")).order_by(AuditRow.seq)).all()
        assert [a for a, _ in audited] == ["inventory.asset.added", "inventory.asset.serviced",
                                           "inventory.asset.serviced", "inventory.asset.out_of_service",
                                           "inventory.asset.back_in_service"]
        assert "lead cable broken" in str(audited[3][1])

    def test_only_what_is_out_of_service_refuses_a_booking_and_by_its_booking_name(self, medoffice_practice, ecg):
        p = medoffice_practice
        with p.operation("manager") as ctx:
            equipment.update_asset(ctx, "ECG machine", {"resource": "ECG"})
            equipment.add_asset(ctx, {"name": "Spirometer"})
            equipment.set_in_service(ctx, "Spirometer", False, "sensor cracked")
            maintenance.change_plan(ctx, "ECG machine", "calibration", due="2025-06-01")  # overdue
        with p.operation("frontdesk", write=False) as ctx:
            assert equipment.booking_refusal(ctx, ["ECG"]) is None  # overdue calibration: reported, not refused
            assert equipment.booking_refusal(ctx, []) is None
            assert equipment.booking_refusal(ctx, ["ECG machine"]) is None  # it is booked as "ECG"
            assert equipment.booking_refusal(ctx, ["spirometer", "ECG"]) == \
                "Spirometer is out of service (sensor cracked)"


class TestRetiring:
    def test_a_retired_asset_leaves_the_lists_and_what_is_due_and_cannot_be_booked(self, medoffice_practice, ecg):
        """Its overdue calibration no longer counts, a type still needing it is refused, its
        history stays; restored, it is back as it was."""
        p = medoffice_practice
        with p.operation("manager") as ctx:
            equipment.update_asset(ctx, "ECG machine", {"resource": "ECG"})
            maintenance.change_plan(ctx, "ECG machine", "calibration", due="2025-06-01")  # overdue
            gone = equipment.retire(ctx, "CS12-1", "replaced by a new model")
        assert (gone.retired_at is not None, gone.retire_reason) == (True, "replaced by a new model")
        assert read(p, equipment.list_assets) == [] and read(p, maintenance.overdue) == []
        assert [a.name for a in read(p, equipment.list_assets, retired=True)] == ["ECG machine"]
        assert read(p, dashboard.equipment_cards) == []
        with p.operation("frontdesk", write=False) as ctx:
            assert equipment.booking_refusal(ctx, ["ECG"]) == "ECG is retired (replaced by a new model)"
        assert len(read(p, maintenance.service_log, "ECG machine")) == 2
        with pytest.raises(Conflict, match="retired on 2026-01-05 already"):
            with p.operation("manager") as ctx:
                equipment.retire(ctx, "ECG machine", "again")
        with pytest.raises(ValidationError, match="reason is required"):
            with p.operation("manager") as ctx:
                equipment.retire(ctx, "ECG machine", " ")
        with p.operation("manager") as ctx:
            back = equipment.restore(ctx, "ECG machine")
        assert back.retired_at is None and [r.task for r in read(p, maintenance.overdue)] == ["calibration"]
        with pytest.raises(PermissionDenied):
            with p.operation("frontdesk") as ctx:
                equipment.retire(ctx, "ECG machine", "sold")


@pytest.mark.medoffice_backends("sqlite")  # the checks come before any SQL: one backend is enough
class TestRefusals:
    def test_the_front_desk_sees_but_does_not_edit(self, medoffice_practice, ecg):
        p = medoffice_practice
        assert [a.name for a in read(p, equipment.list_assets)] == ["ECG machine"]
        for call, args in ((equipment.add_asset, ({"name": "Scale"},)),
                           (equipment.set_in_service, ("ECG machine", False, "broken")),
                           (maintenance.log_service, ("ECG machine",)),
                           (maintenance.add_plan, ("ECG machine", "check", 1))):
            with pytest.raises(PermissionDenied):
                with p.operation("frontdesk") as ctx:
                    call(ctx, *args, **({"work": "x", "done_by": "me"} if call is maintenance.log_service else {}))

    @pytest.mark.parametrize(("values", "words"), [
        ({"name": ""}, "name is required"),
        ({"name": "X", "purchase_cost": "12.345"}, "more than two decimals"),
        ({"name": "X", "purchase_cost": "-1"}, "must not be negative"),
        ({"name": "X", "purchase_cost": "1e9"}, "larger than"),
        ({"name": "X", "purchased_on": "2025-02-30"}, "real date"),
        ({"name": "X", "purchased_on": "2027-01-01"}, "in the future"),
        ({"name": "X", "purchased_on": "2025-01-01", "warranty_ends": "2024-01-01"}, "before the purchase date"),
        ({"name": "X", "location": "Attic"}, "no location called 'Attic'"),
        ({"name": "X", "vendor": "Nobody"}, "no vendor called 'Nobody'"),
        ({"name": "X\x1b[2J"}, "name"),
        ({"name": "X", "colour": "red"}, "unknown asset field"),
        ({"name": "ecg MACHINE"}, "already an asset called"),
    ])
    def test_hostile_assets_are_refused_and_nothing_is_written(self, medoffice_practice, ecg, values, words):
        with pytest.raises((ValidationError, Conflict), match=words):
            with medoffice_practice.operation("manager") as ctx:
                equipment.add_asset(ctx, values)
        assert len(read(medoffice_practice, equipment.list_assets)) == 1

    @pytest.mark.parametrize(("options", "words"), [
        ({"work": "", "done_by": "me"}, "work is required"),
        ({"work": "x"}, "done by is required"),
        ({"work": "x", "done_by": "me", "done_on": "2026-01-06"}, "in the future"),
        ({"work": "x", "done_by": "me", "task": "polishing"}, "has no polishing plan"),
        ({"work": "x", "vendor": "Nobody"}, "no vendor called"),
        ({"work": "x", "done_by": "me", "cost": "ten"}, "amount like 12.50"),
    ])
    def test_hostile_service_entries_are_refused_and_nothing_moves(self, medoffice_practice, ecg, options, words):
        with pytest.raises(ValidationError, match=words):
            with medoffice_practice.operation("manager") as ctx:
                maintenance.log_service(ctx, "ECG machine", **options)
        assert len(read(medoffice_practice, maintenance.service_log, "ECG machine")) == 2

    @pytest.mark.parametrize(("task", "every", "due", "error"), [
        ("calibration", 12, None, Conflict), ("", 12, None, ValidationError), ("x", 0, None, ValidationError),
        ("x", 121, None, ValidationError), ("x", "1.5", None, ValidationError), ("x", 3, "soon", ValidationError)])
    def test_hostile_plans_are_refused(self, medoffice_practice, ecg, task, every, due, error):
        with pytest.raises(error):
            with medoffice_practice.operation("manager") as ctx:
                maintenance.add_plan(ctx, "ECG machine", task, every, due=due)
        assert len(read(medoffice_practice, maintenance.plans, "ECG machine")) == 2

    def test_an_unknown_asset_is_named(self, medoffice_practice, ecg):
        with pytest.raises(NotFound, match="no asset with the name or serial number 'MRI'"):
            read(medoffice_practice, equipment.get_asset, "MRI")
