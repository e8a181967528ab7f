"""``medoffice timeclock`` and ``medoffice payroll`` as the desk, the office manager and a
script use them: ``--json``, exit codes, one-line errors, nothing written on a refusal, no
traceback on hostile input, and no pay shown to the front desk through any command."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from medoffice.plugins.staff.models import PaidLeave, PayRate, PayrollSettings, Punch, Timesheet

from .conftest import NOW

pytestmark = pytest.mark.medoffice_plugins("staff")


@pytest.fixture
def run(medoffice_practice, world):
    def run(*args, user="manager"):
        return medoffice_practice.cli(*args, user=user, clock=lambda: NOW)
    return run


def counts(practice) -> tuple[int, ...]:
    with practice.operation("admin", write=False) as ctx:
        return tuple(ctx.session.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (Punch, PaidLeave, Timesheet, PayRate, PayrollSettings))


def test_the_desk_and_the_manager_through_the_commands(run, world, tmp_path):
    assert run("timeclock", "in", "--json", user="frontdesk").json()["staff"] == "Cleo Desk"
    assert "is clocked in already" in run("timeclock", "in", user="frontdesk").stderr
    assert run("timeclock", "status", "--json", user="frontdesk").json()["state"] == "in"
    max_ = str(world.max)
    for day in ("2025-12-22", "2025-12-23", "2025-12-24", "2025-12-25", "2025-12-26"):
        added = run("timeclock", "add", max_, "--in", f"{day} 08:00", "--out", f"{day} 17:00", "--reason", "paper")
        assert added.exit_code == 0, added.stderr
    assert run("timeclock", "pto", max_, "--day", "2025-12-29", "--hours", "8", "--reason", "holiday").exit_code == 0
    assert run("payroll", "rates", "set", max_, "--hourly", "20", "--from", "2025-01-01").exit_code == 0
    sheet = run("timeclock", "timesheet", "--staff", max_, "--period", "2025-12-22")
    assert "total" in sheet.stdout and "45:00" in sheet.stdout and "5:00" in sheet.stdout
    assert run("timeclock", "approve", max_, "--json").json()["approved_by"] == "manager"
    out = tmp_path / "register.csv"
    exported = run("payroll", "register", "--format", "csv", "--output", str(out))
    assert exported.exit_code == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [(r["staff"], r["overtime_hours"], r["pto_hours"], r["gross"]) for r in rows] == [
        ("Max Assist", "5.00", "8.00", "1110.00"), ("TOTAL", "5.00", "8.00", "1110.00")]
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    approved = run("payroll", "approve", "--json")
    assert approved.exit_code == 0, approved.stderr
    assert (approved.json()["status"], approved.json()["gross"]) == ("approved", "1110.00")
    again = run("payroll", "approve")
    assert again.exit_code == 1 and "approved by manager" in again.stderr
    shown = run("payroll", "register", "--format", "json").json()
    assert Decimal(shown["gross"]) == sum(Decimal(line["gross"]) for line in shown["lines"])


@pytest.mark.medoffice_backends("sqlite")  # argument handling does not depend on the database
@pytest.mark.parametrize("args", [
    ("timeclock", "add", "{max}", "--in", "2026-01-02 08:00", "--out", "2026-01-02 07:00", "--reason", "r"),
    ("timeclock", "add", "{max}", "--in", "soon", "--reason", "r"),
    ("timeclock", "add", "{max}", "--in", "2026-01-02 08:00", "--reason", ""),
    ("timeclock", "add", "999999", "--in", "2026-01-02 08:00", "--reason", "r"),
    ("timeclock", "add", "-1", "--in", "2026-01-02 08:00", "--reason", "r"),
    ("timeclock", "add", "{max}", "--in", "2026-01-02 08:00\u202e", "--reason", "r"),
    ("timeclock", "correct", "999999", "--in", "2026-01-02 08:00", "--reason", "r"),
    ("timeclock", "correct", "1", "--reason", "r"),
    ("timeclock", "void", "abc", "--reason", "r"),
    ("timeclock", "pto", "{max}", "--day", "2026-01-02", "--hours", "25"),
    ("timeclock", "pto", "{max}", "--day", "2026-02-31", "--hours", "8"),
    ("timeclock", "void-pto", "999999", "--reason", "r"),
    ("timeclock", "timesheet", "--staff", "{max}", "--period", "9999-99-99"),
    ("timeclock", "punches", "--since", "2026-01-05", "--until", "2026-01-01"),
    ("timeclock", "punches", "--staff", "1", "--everyone"),
    ("timeclock", "approve", "{max}", "--period", "x" * 5000),
    ("timeclock", "status", "--staff", "0"),
    ("payroll", "settings", "--frequency", "daily"),
    ("payroll", "settings", "--workweek-starts", "8"),
    ("payroll", "settings", "--overtime", "texas"),
    ("payroll", "settings", "--anchor", "2026-02-30"),
    ("payroll", "rates", "set", "{max}", "--hourly", "20", "--salary", "1", "--from", "2026-01-01"),
    ("payroll", "rates", "set", "{max}", "--hourly", "20.001", "--from", "2026-01-01"),
    ("payroll", "rates", "set", "{max}", "--hourly", "0x10", "--from", "2026-01-01"),
    ("payroll", "rates", "set", "{max}", "--salary", "-52000", "--from", "2026-01-01"),
    ("payroll", "rates", "list", "--on", "tomorrow"),
    ("payroll", "register", "--period", "2026-01-32"),
    ("payroll", "register", "--format", "xml"),
    ("payroll", "register", "--output", "/tmp/x.csv"),
    ("payroll", "register", "--format", "csv", "--output", "/nonexistent/folder/r.csv"),
    ("payroll", "approve", "--period", "2026-01-05"),
    ("payroll", "reopen", "--reason", "typo"),
    ("payroll", "reopen", "--reason", " "),
    ("payroll", "reopen"),
    ("timeclock", "reopen", "{max}", "--reason", "typo"),
    ("timeclock", "reopen", "{max}", "--reason", "x" * 5000),
    ("timeclock", "reopen", "abc", "--reason", "typo"),
])
def test_hostile_input_is_one_line_and_writes_nothing(run, medoffice_practice, world, args):
    before = counts(medoffice_practice)
    result = run(*[a.format(max=world.max) for a in args])
    assert result.exit_code in (1, 2), (result.exit_code, result.stdout)
    assert "Traceback" not in result.stderr + result.stdout
    if result.exit_code == 1:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert counts(medoffice_practice) == before


@pytest.mark.parametrize("args", [
    ("payroll", "register"), ("payroll", "register", "--format", "csv"), ("payroll", "rates", "list"),
    ("payroll", "settings"), ("payroll", "approve"), ("payroll", "rates", "set", "3", "--hourly", "9", "--from",
                                                       "2026-01-01"),
    ("timeclock", "punches", "--everyone"), ("timeclock", "timesheet", "--staff", "4"),
    ("timeclock", "status", "--everyone"), ("timeclock", "approve", "3"),
    ("timeclock", "reopen", "3", "--reason", "r"), ("payroll", "reopen", "--reason", "r"),
])
@pytest.mark.medoffice_backends("sqlite")
def test_the_front_desk_reaches_nobody_elses_hours_and_no_pay(run, medoffice_practice, world, args):
    with medoffice_practice.operation("manager") as ctx:
        from medoffice.plugins.staff import payroll

        payroll.set_rate(ctx, world.cleo, kind="hourly", amount="19.50", effective_from="2025-01-01")
    result = run(*args, user="frontdesk")
    assert result.exit_code == 1 and "lacks the permission" in result.stderr, result.stderr
    assert "19.5" not in result.stdout
    own = run("timeclock", "timesheet", "--json", user="frontdesk")
    assert own.exit_code == 0 and "19.5" not in own.stdout and "gross" not in own.stdout
