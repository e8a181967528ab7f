"""Pay rates and the payroll register: federal and California overtime, salaries, paid time
off, gross pay to the cent, the CSV that adds up, approval that books the expense once (with
billing) or books nothing and does not fail (without), and nobody but managers seeing pay."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from medoffice.core.errors import Conflict, PermissionDenied, ValidationError
from medoffice.plugins.staff import pay_periods, payroll, timeclock
from medoffice.plugins.staff.pay_periods import Period, Settings, period_of

pytestmark = pytest.mark.medoffice_plugins("staff")

WEEK = ["2025-12-22", "2025-12-23", "2025-12-24", "2025-12-25", "2025-12-26"]
"""Monday to Friday of the first week of the period 2025-12-21 to 2026-01-03 (the last that
ended on the fixture's Monday 2026-01-05)."""


def worked(practice, staff_id, days, start="08:00", end="17:00"):
    with practice.operation("manager") as ctx:
        for on in days:
            timeclock.add_punch(ctx, staff_id, clock_in=f"{on} {start}", clock_out=f"{on} {end}", reason="test")


def staffed(practice, world):
    """Max: hourly 20.00, 5 days of 9 hours and 7.5 hours of paid time off; Cleo: salary 52,000."""
    with practice.operation("manager") as ctx:
        payroll.set_rate(ctx, world.max, kind="hourly", amount="20.00", effective_from="2025-01-01")
        payroll.set_rate(ctx, world.cleo, kind="salary", amount="52,000", effective_from="2025-01-01")
        timeclock.add_pto(ctx, world.max, day="2025-12-29", hours="7.5", reason="holiday")
    worked(practice, world.max, WEEK)


def approve_timesheets(practice, *staff_ids):
    with practice.operation("manager") as ctx:
        for staff_id in staff_ids:
            timeclock.approve(ctx, staff_id)


def register(practice, user="manager", **kwargs):
    with practice.operation(user, write=False) as ctx:
        return payroll.register(ctx, **kwargs)


class TestTheRegister:
    def test_federal_overtime_salary_and_paid_time_off_to_the_cent(self, medoffice_practice, world):
        staffed(medoffice_practice, world)
        found = register(medoffice_practice)
        assert (found.period_start, found.period_end, found.status) == (dt.date(2025, 12, 21), dt.date(2026, 1, 3),
                                                                        "draft")
        lines = {l.staff: l for l in found.lines}
        max_ = lines["Max Assist"]
        assert (max_.regular_minutes, max_.overtime_minutes, max_.double_minutes, max_.pto_minutes) == (
            40 * 60, 5 * 60, 0, 450)
        assert max_.gross == Decimal("800.00") + Decimal("150.00") + Decimal("150.00")
        assert (lines["Cleo Desk"].pay_kind, lines["Cleo Desk"].gross) == ("salary", Decimal("2000.00"))
        assert found.gross == Decimal("3100.00")
        assert found.problems == ("timesheets not approved: Max Assist",)

    def test_california_pays_the_long_day_double_and_the_ninth_hours_overtime(self, medoffice_practice, world):
        staffed(medoffice_practice, world)
        worked(medoffice_practice, world.max, ["2025-12-27"], "06:00", "19:00")  # Saturday, 13 hours
        with medoffice_practice.operation("manager") as ctx:
            pay_periods.change(ctx, {"overtime_rule": "california"})
        line = next(l for l in register(medoffice_practice).lines if l.staff == "Max Assist")
        # each weekday 8 + 1; Saturday 8 + 4 + 1, of whose 8 regular the weekly rule makes all overtime
        assert (line.regular_minutes, line.overtime_minutes, line.double_minutes) == (40 * 60, 17 * 60, 60)
        assert line.gross == Decimal("800.00") + Decimal("510.00") + Decimal("40.00") + Decimal("150.00")

    def test_each_line_is_rounded_half_up_once_not_day_by_day(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            payroll.set_rate(ctx, world.max, kind="hourly", amount="10.01", effective_from="2025-12-01")
        worked(medoffice_practice, world.max, WEEK[:1], "08:00", "08:30")
        assert register(medoffice_practice).lines[0].gross == Decimal("5.01")  # 5.005: half up, not half even
        worked(medoffice_practice, world.max, WEEK[1:2], "08:00", "08:30")
        assert register(medoffice_practice).lines[0].gross == Decimal("10.01")  # one line of 60 minutes, not 2 x 5.01

    def test_a_rate_change_inside_the_period_pays_each_day_at_its_rate(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            payroll.set_rate(ctx, world.max, kind="hourly", amount="20.00", effective_from="2025-01-01")
            payroll.set_rate(ctx, world.max, kind="hourly", amount="30.00", effective_from="2025-12-24")
            assert [r.amount for r in payroll.rates(ctx, staff_id=world.max, on="2025-12-23")] == [Decimal("20.00")]
        worked(medoffice_practice, world.max, WEEK[:3], "08:00", "16:00")
        assert register(medoffice_practice).lines[0].gross == Decimal("320.00") + Decimal("240.00")

    def test_approval_needs_approved_timesheets_and_a_rate(self, medoffice_practice, world):
        staffed(medoffice_practice, world)
        worked(medoffice_practice, world.baker, WEEK[:1])
        with medoffice_practice.operation("manager") as ctx, pytest.raises(Conflict) as refused:
            payroll.approve(ctx)
        assert "Dr Baker has no pay rate on 2025-12-22" in str(refused.value)
        assert "timesheets not approved: Dr Baker, Max Assist" in str(refused.value)
        with medoffice_practice.operation("manager") as ctx, pytest.raises(Conflict, match="has not ended yet"):
            payroll.approve(ctx, period="2026-01-05")

    def test_the_csv_adds_up_to_the_cent_and_names_cannot_run_as_formulas(self, medoffice_practice, world):
        staffed(medoffice_practice, world)
        with medoffice_practice.operation("admin") as ctx:
            from medoffice.core.services import staff

            evil = staff.add(ctx, {"name": "=HYPERLINK(1)", "role": "billing"}).id
            payroll.set_rate(ctx, evil, kind="hourly", amount="17.33", effective_from="2025-01-01")
        worked(medoffice_practice, evil, WEEK[:2], "09:00", "15:19")
        with medoffice_practice.operation("manager") as ctx:
            found, text = payroll.export(ctx, fmt="csv")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows[-1]["staff"] == "TOTAL"
        assert sum(Decimal(r["gross"]) for r in rows[:-1]) == Decimal(rows[-1]["gross"]) == found.gross
        assert "'=HYPERLINK(1)" in [r["staff"] for r in rows]


class TestApproval:
    @pytest.mark.medoffice_plugins("staff", "billing")
    def test_an_approved_register_books_its_gross_once_as_an_expense(self, medoffice_practice, world):
        staffed(medoffice_practice, world)
        approve_timesheets(medoffice_practice, world.max, world.cleo)
        with medoffice_practice.operation("manager") as ctx:
            approved = payroll.approve(ctx)
        assert (approved.status, approved.gross) == ("approved", Decimal("3100.00"))
        with medoffice_practice.operation("manager") as ctx, pytest.raises(Conflict, match="approved by manager"):
            payroll.approve(ctx, period="2025-12-25")
        with medoffice_practice.operation("admin", write=False) as ctx:
            from medoffice.plugins.billing.books import list_expenses

            booked = list_expenses(ctx, category="payroll")
        assert [(e.id, e.amount, e.spent_on, e.source) for e in booked] == [
            (approved.expense_id, Decimal("3100.00"), dt.date(2026, 1, 3), "staff")]
        with medoffice_practice.operation("manager") as ctx:  # the approved register is kept as approved
            payroll.set_rate(ctx, world.max, kind="hourly", amount="99.00", effective_from="2026-01-04")
            with pytest.raises(Conflict, match="only after it"):
                payroll.set_rate(ctx, world.max, kind="hourly", amount="99.00", effective_from="2026-01-03")
        assert register(medoffice_practice).gross == Decimal("3100.00")

    @pytest.mark.medoffice_plugins("staff", "billing")
    def test_a_reopened_register_is_corrected_and_approved_again_with_one_expense(self, medoffice_practice, world):
        """A punch was wrong after approval: the manager reopens the register, then Max's
        timesheet, corrects the punch and approves both again; the expense stays the one
        booked the first time, and each reopening is audited with its reason."""
        from medoffice.plugins.billing.books import list_expenses

        from ._audit import actions

        staffed(medoffice_practice, world)
        approve_timesheets(medoffice_practice, world.max, world.cleo)
        with medoffice_practice.operation("manager") as ctx:
            first = payroll.approve(ctx)
        with medoffice_practice.operation("manager") as ctx, pytest.raises(Conflict, match="reopen it first"):
            timeclock.reopen(ctx, world.max, reason="wrong punch")
        with medoffice_practice.operation("manager") as ctx, pytest.raises(ValidationError):
            payroll.reopen(ctx, reason="  ")
        with medoffice_practice.operation("manager") as ctx:
            assert payroll.reopen(ctx, reason="Max's Monday was typed wrong").status == "draft"
        with medoffice_practice.operation("manager") as ctx, pytest.raises(Conflict, match="not approved"):
            payroll.reopen(ctx, reason="again")
        with medoffice_practice.operation("manager") as ctx:
            timeclock.reopen(ctx, world.max, reason="Monday typed wrong")
            monday = next(p for p in timeclock.punches(ctx, staff_id=world.max, since="2025-12-22",
                                                        until="2025-12-22"))
            timeclock.correct(ctx, monday.id, clock_out="2025-12-22 13:00", reason="left at one")
            timeclock.approve(ctx, world.max)
            again = payroll.approve(ctx)
        assert again.gross == first.gross - Decimal("120.00") and again.expense_id == first.expense_id
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert [e.id for e in list_expenses(ctx, category="payroll")] == [first.expense_id]
        assert register(medoffice_practice).status == "approved"
        assert {"hr.payroll.reopened", "hr.timesheet.reopened"} <= {a[0] for a in actions(medoffice_practice)}

    def test_without_billing_approval_books_nothing_and_does_not_fail(self, medoffice_practice, world):
        staffed(medoffice_practice, world)
        approve_timesheets(medoffice_practice, world.max, world.cleo)
        with medoffice_practice.operation("manager") as ctx:
            approved = payroll.approve(ctx)
        assert (approved.status, approved.expense_id, approved.approved_by) == ("approved", None, "manager")
        assert register(medoffice_practice).status == "approved"


class TestRatesAndSettings:
    @pytest.mark.medoffice_backends("sqlite")
    @pytest.mark.parametrize(("kind", "amount", "start", "error"), [
        ("hourly", "0", "2026-01-01", "more than zero"), ("hourly", "-5", "2026-01-01", "negative"),
        ("hourly", "12.345", "2026-01-01", "two decimals"), ("hourly", "2500", "2026-01-01", "is it a salary"),
        ("weekly", "20", "2026-01-01", "hourly or salary"), ("hourly", "1e999999", "2026-01-01", "larger"),
        ("hourly", "NaN", "2026-01-01", "amount"), ("hourly", "20", "2026-13-01", "effective from"),
        ("salary", "99999999", "2026-01-01", "larger"), ("hourly", "20", "", "effective from"),
    ])
    def test_hostile_rates_are_refused(self, medoffice_practice, world, kind, amount, start, error):
        with medoffice_practice.operation("manager") as ctx, pytest.raises(ValidationError, match=error):
            payroll.set_rate(ctx, world.max, kind=kind, amount=amount, effective_from=start)

    def test_the_pay_periods_of_each_frequency(self):
        weekly = Settings("weekly", dt.date(2026, 1, 4), 6, "federal")
        biweekly = Settings("biweekly", dt.date(2026, 1, 4), 6, "federal")
        semi = Settings("semimonthly", dt.date(2026, 1, 4), 6, "federal")
        assert period_of(weekly, dt.date(2026, 1, 3)) == Period(dt.date(2025, 12, 28), dt.date(2026, 1, 3))
        assert period_of(biweekly, dt.date(2026, 1, 18)) == Period(dt.date(2026, 1, 18), dt.date(2026, 1, 31))
        assert period_of(semi, dt.date(2024, 2, 16)) == Period(dt.date(2024, 2, 16), dt.date(2024, 2, 29))
        assert period_of(semi, dt.date(2026, 2, 15)) == Period(dt.date(2026, 2, 1), dt.date(2026, 2, 15))

    def test_a_semi_monthly_period_reads_the_whole_workweeks_around_it(self, medoffice_practice, world):
        with medoffice_practice.operation("manager") as ctx:
            pay_periods.change(ctx, {"frequency": "semi-monthly"})
            payroll.set_rate(ctx, world.max, kind="hourly", amount="10.00", effective_from="2025-01-01")
        worked(medoffice_practice, world.max, ["2025-12-28", "2025-12-29", "2025-12-30", "2025-12-31"], "07:00",
               "18:00")  # Sunday to Wednesday: 44 h, the 40th hour passed on Wednesday
        worked(medoffice_practice, world.max, ["2026-01-01", "2026-01-02"], "07:00", "18:00")
        december = register(medoffice_practice, period="2025-12-31").lines[0]
        january = register(medoffice_practice, period="2026-01-02").lines[0]
        assert (december.regular_minutes, december.overtime_minutes) == (40 * 60, 4 * 60)
        assert (january.regular_minutes, january.overtime_minutes) == (0, 22 * 60)

    def test_settings_refuse_moving_approved_periods(self, medoffice_practice, world):
        staffed(medoffice_practice, world)
        approve_timesheets(medoffice_practice, world.max)
        with medoffice_practice.operation("manager") as ctx:
            with pytest.raises(Conflict, match="approved already"):
                pay_periods.change(ctx, {"frequency": "weekly", "anchor": "2026-01-01"})
            with pytest.raises(ValidationError, match="frequency must be one of"):
                pay_periods.change(ctx, {"frequency": "fortnightly-ish"})
            assert pay_periods.change(ctx, {"overtime_rule": "California"}).overtime_rule == "california"


def test_nobody_but_managers_sees_pay(medoffice_practice, world):
    staffed(medoffice_practice, world)
    for user in ("frontdesk", "billing"):
        with medoffice_practice.operation(user) as ctx:
            for call in (lambda: payroll.register(ctx), lambda: payroll.rates(ctx),
                         lambda: payroll.export(ctx, fmt="csv"), lambda: payroll.approve(ctx),
                         lambda: payroll.set_rate(ctx, world.cleo, kind="hourly", amount="99",
                                                  effective_from="2026-01-01"),
                         lambda: pay_periods.change(ctx, {"frequency": "weekly"})):
                with pytest.raises(PermissionDenied, match="hr.payroll"):
                    call()
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        sheet = timeclock.timesheet(ctx)  # their own hours, and no money in it
    assert not [name for name in dir(sheet) if "gross" in name or "rate" in name or "pay" in name]
