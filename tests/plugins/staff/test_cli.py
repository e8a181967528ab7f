"""The staff plugin's commands as a script and the office manager use them: ``--json``,
exit codes 0/1/2, one-line errors, nothing written on a refusal, no traceback on hostile input."""

from __future__ import annotations

import pytest

from .conftest import NOW

pytestmark = pytest.mark.medoffice_plugins("staff")


@pytest.fixture
def run(medoffice_practice, world):
    def run(*args, user="manager"):
        return medoffice_practice.cli(*args, user=user, clock=lambda: NOW)
    return run


def test_a_manager_hires_through_the_commands(run, world):
    opened = run("hiring", "openings", "add", "Receptionist", "--role", "front_desk", "--pay-min", "18",
                 "--pay-max", "22", "--pay-per", "hour", "--json")
    assert opened.exit_code == 0, opened.stderr
    job = opened.json()
    assert (job["pay_min"], job["pay_max"], job["status"]) == ("18.00", "22.00", "open")
    applicant = run("hiring", "applicants", "add", str(job["id"]), "Rosa Diaz", "--email", "rosa@example.com",
                    "--json").json()
    assert run("hiring", "applicants", "interview", str(applicant["id"]), "--at", "2026-01-07 10:30",
               "--with", "Morgan").exit_code == 0
    assert run("hiring", "applicants", "move", str(applicant["id"]), "offer").exit_code == 0
    assert run("training", "add", "HIPAA", "--role", "all", "--every", "12").exit_code == 0
    hired = run("hiring", "hire", str(applicant["id"]), "--start", "2026-01-12", "--json")
    assert hired.exit_code == 0, hired.stderr
    staff_id = hired.json()["staff"]["id"]
    shown = run("hiring", "applicants", "show", str(applicant["id"]))
    assert "interview 2026-01-07 10:30 with Morgan" in shown.stdout and "[stage] offer -> hired" in shown.stdout
    todo = run("onboarding", "list", "--staff", str(staff_id), "--json").json()
    assert [(i["kind"], i["title"], i["due_on"], i["status"]) for i in todo] == [
        ("training", "HIPAA", "2026-02-11", "to do")]
    core = run("staff", "list", "--json").json()
    assert "Rosa Diaz" in [s["name"] for s in core]


def test_credentials_and_training_as_json(run, world):
    added = run("credentials", "add", str(world.adams), "DEA registration", "--issuer", "DEA", "--number", "BA1",
                "--expires", "2026-02-01", "--required", "--json")
    assert added.exit_code == 0, added.stderr
    assert (added.json()["days_left"], added.json()["required_for_work"]) == (27, True)
    alerts = run("credentials", "expiring", "--json").json()
    assert [(c["kind"], c["alert"], c["blocks"], c["label"]) for c in alerts] == [
        ("DEA registration", "30", False, "DEA registration #BA1")]
    text = run("credentials", "expiring").stdout
    assert "DEA registration" in text and "30" in text
    assert run("training", "add", "BLS", "--role", "provider", "--every", "24", "--within", "0").exit_code == 0
    due = run("training", "due", "--json").json()
    assert {(d["staff"], d["status"]) for d in due} == {("Dr Adams", "due"), ("Dr Baker", "due")}
    mine = run("training", "due", "--mine", "--all", "--json", user="frontdesk")
    assert mine.exit_code == 0 and mine.json() == []


@pytest.mark.parametrize(("args", "code", "words"), [
    (("hiring", "openings", "add", "X"), 2, "Missing option '--role'"),
    (("hiring", "applicants", "show", "abc"), 2, "is not an id"),
    (("hiring", "applicants", "show", "0"), 2, "is not an id"),
    (("hiring", "applicants", "show", "99999999999"), 2, "is not an id"),
    (("hiring", "applicants", "show", "7"), 1, "no applicant with id 7"),
    (("hiring", "applicants", "interview", "7"), 2, "Missing option '--at'"),
    (("training", "complete", "1", "Nothing"), 1, "no training requirement named 'Nothing'"),
    (("training", "due", "--within", "-1"), 1, "within must be from 0 to 3650"),
    (("training", "due", "--within", "1e9"), 1, "within must be a whole number"),
    (("training", "due", "--staff", "1", "--mine"), 2, "give --staff or --mine"),
    (("credentials", "add", "1", "licence", "--expires", "2026-02-30"), 1, "expires on must be a real date"),
    (("credentials", "add", "4242", "licence"), 1, "no staff member with id 4242"),
    (("credentials", "update", "1", "--required", "maybe"), 2, "'maybe' is not one of"),
    (("credentials", "override", "1", "--until", "2026-01-06"), 2, "Missing option '--reason'"),
    (("credentials", "override", "1", "--reason", "x\n\x1b[2J", "--until", "2026-01-06"), 1, "reason may not hold a line break"),
    (("hiring", "openings", "add", "Desk\x1b[31m", "--role", "x"), 1, "title"),
    (("hiring", "stages", "remove", "hired"), 1, "rename it instead"),
])
def test_bad_input_is_one_line_with_its_exit_code(run, args, code, words):
    result = run(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert words in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 4
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1 and "\x1b" not in result.stderr


def test_the_front_desk_is_refused_hr_commands_and_nothing_is_written(run, world):
    for args in (("hiring", "openings", "add", "X", "--role", "y"), ("hiring", "applicants", "list"),
                 ("credentials", "expiring"), ("training", "add", "X", "--role", "all"),
                 ("onboarding", "list")):
        result = run(*args, user="frontdesk")
        assert result.exit_code == 1 and "lacks the permission 'hr." in result.stderr, args
    assert run("hiring", "openings", "list", "--all", "--json").json() == []
    assert run("training", "list", "--json", user="frontdesk").json() == []
