"""``medoffice alerts …`` as a script or a person at a shell would run it."""

from __future__ import annotations

import pytest

from medoffice.core.services import patients

pytestmark = pytest.mark.medoffice_plugins("patient-alerts")


@pytest.fixture
def mrn(medoffice_practice):
    with medoffice_practice.operation("frontdesk") as ctx:
        return patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                       "sex": "f"}).patient.mrn


def stored(cli, mrn):
    result = cli("alerts", "list", mrn, "--all", "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_add_then_list_as_json(medoffice_cli, mrn):
    added = medoffice_cli("alerts", "add", mrn, "Allergic to penicillin", "--severity", "critical", user="frontdesk")
    assert added.exit_code == 0, added.stderr
    assert added.stdout == f"added alert 1 for {mrn} (critical)\n"
    listed = medoffice_cli("alerts", "list", mrn, "--json", user="billing")
    assert listed.exit_code == 0, listed.stderr
    (alert,) = listed.json()
    assert (alert["id"], alert["text"], alert["severity"], alert["created_by"], alert["resolved_at"]) == (
        1, "Allergic to penicillin", "critical", "frontdesk", None)


def test_list_for_people_is_a_table(medoffice_cli, mrn):
    medoffice_cli("alerts", "add", mrn, "Fall risk")
    result = medoffice_cli("alerts", "list", mrn)
    header, row = result.stdout.splitlines()
    assert header.split() == ["id", "severity", "text", "added", "by", "resolved"]
    assert row.startswith("1   warning   Fall risk") and row.endswith("admin")


@pytest.mark.parametrize(("args", "message"), [
    (["   "], "text is required"),
    (["Fall risk", "--severity", "urgent"], "severity must be one of info, warning, critical, got 'urgent'"),
    (["x" * 501], "500"),
])
def test_bad_input_is_one_line_exit_1_and_nothing_written(medoffice_cli, mrn, args, message):
    result = medoffice_cli("alerts", "add", mrn, *args, user="frontdesk")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ") and message in result.stderr
    assert stored(medoffice_cli, mrn) == []


def test_an_unknown_patient_is_one_line_exit_1(medoffice_cli):
    result = medoffice_cli("alerts", "list", "NOPE")
    assert (result.exit_code, result.stderr) == (1, "error: no patient with MRN 'NOPE'\n")


def test_billing_is_refused_and_nothing_is_written(medoffice_cli, mrn):
    result = medoffice_cli("alerts", "add", mrn, "Fall risk", user="billing")
    assert result.exit_code == 1
    assert result.stderr == "error: user 'billing' lacks the permission 'alerts.write'\n"
    assert stored(medoffice_cli, mrn) == []


def test_resolve_moves_the_alert_out_of_the_active_list(medoffice_cli, mrn):
    medoffice_cli("alerts", "add", mrn, "Fall risk")
    result = medoffice_cli("alerts", "resolve", "1", user="manager")
    assert (result.exit_code, result.stdout) == (0, f"resolved alert 1 for {mrn}\n")
    assert medoffice_cli("alerts", "list", mrn, "--json").json() == []
    (alert,) = stored(medoffice_cli, mrn)
    assert alert["resolved_by"] == "manager" and alert["resolved_at"]


def test_resolve_needs_a_number(medoffice_cli):
    result = medoffice_cli("alerts", "resolve", "first")
    assert result.exit_code == 2 and "is not an id" in result.stderr


def test_the_group_is_listed_in_help(medoffice_cli):
    result = medoffice_cli("--help", user=None)
    assert result.exit_code == 0
    listed = [line.split(None, 1) for line in result.stdout.splitlines() if line.strip().startswith("alerts ")]
    assert listed == [["alerts", "Patient alerts: allergies, fall risk, interpreter needed."]]  # however wide the column
