"""``medoffice patients …`` as a script would use it: JSON out, exit codes, nothing half-done."""

from __future__ import annotations

import csv
import json

import pytest

ADD = ("patients", "add", "--first-name", "Ann", "--last-name", "Lee", "--dob", "1970-01-02", "--sex", "f")


def patient_count(practice):
    from medoffice.core.services import patients

    with practice.operation("admin", write=False) as ctx:
        return patients.count(ctx)


def test_add_then_find_then_show(medoffice_practice):
    added = medoffice_practice.cli(*ADD, "--set", "phone=555-010-4433", "--json", user="frontdesk")
    assert added.exit_code == 0, added.stderr
    mrn = added.json()["patient"]["mrn"]
    found = medoffice_practice.cli("patients", "find", "lee", "--json", user="frontdesk").json()
    assert [(p["mrn"], p["matched"]) for p in found] == [(mrn, "last name")]
    shown = medoffice_practice.cli("patients", "show", mrn, "--json", user="billing").json()
    assert shown["phone"] == "555-010-4433" and shown["date_of_birth"] == "1970-01-02"


def test_a_likely_duplicate_is_warned_about_on_stderr(medoffice_practice):
    medoffice_practice.cli(*ADD, user="frontdesk")
    again = medoffice_practice.cli(*ADD, user="frontdesk")
    assert again.exit_code == 0
    assert "possible duplicate of 000001" in again.stderr


@pytest.mark.parametrize("args, message", [
    (("--dob", "2023-02-29"), "date of birth must be a real date"),
    (("--sex", "z"), "sex must be one of"),
    (("--set", "email=nope"), "is not an address"),
    (("--set", "shoe_size=9"), "unknown patient field"),
])
def test_bad_input_is_one_line_exit_1_and_writes_nothing(medoffice_practice, args, message):
    base = dict(zip(ADD[2::2], ADD[3::2]))
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    argv = ["patients", "add"] + [item for pair in base.items() for item in pair if pair[0] != "--set"]
    if args[0] == "--set":
        argv += list(args)
    result = medoffice_practice.cli(*argv, user="frontdesk")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert patient_count(medoffice_practice) == 0


def test_a_missing_option_is_a_usage_error(medoffice_practice):
    result = medoffice_practice.cli("patients", "add", "--first-name", "Ann", user="frontdesk")
    assert result.exit_code == 2


def test_edit_changes_only_the_named_fields(medoffice_practice):
    medoffice_practice.cli(*ADD, user="frontdesk")
    result = medoffice_practice.cli("patients", "edit", "000001", "--set", "city=Albany", "--json", user="frontdesk")
    assert result.exit_code == 0, result.stderr
    assert result.json()["address"]["city"] == "Albany"
    bad = medoffice_practice.cli("patients", "edit", "000001", "--set", "city", user="frontdesk")
    assert bad.exit_code == 2


def test_a_patient_who_refuses_reminders_is_recorded_and_shown(medoffice_practice):
    medoffice_practice.cli(*ADD, user="frontdesk")
    refused = medoffice_practice.cli("patients", "edit", "000001", "--set", "reminders=no", "--json", user="frontdesk")
    assert refused.exit_code == 0, refused.stderr
    assert refused.json()["reminders"] is False
    shown = medoffice_practice.cli("patients", "show", "000001", user="frontdesk")
    assert "Reminders  no\n" in shown.stdout
    bad = medoffice_practice.cli("patients", "edit", "000001", "--set", "reminders=maybe", user="frontdesk")
    assert (bad.exit_code, bad.stderr) == (1, "error: reminders must be yes or no, got 'maybe'\n")


def test_show_as_fhir(medoffice_practice):
    medoffice_practice.cli(*ADD, user="frontdesk")
    refused = medoffice_practice.cli("patients", "show", "000001", "--fhir", user="frontdesk")
    assert refused.exit_code == 1 and "patients.export" in refused.stderr
    resource = medoffice_practice.cli("patients", "show", "000001", "--fhir", user="manager").json()
    assert resource["resourceType"] == "Patient"
    assert resource["identifier"][0]["value"] == "000001"
    assert resource["name"] == [{"use": "official", "family": "Lee", "given": ["Ann"]}]
    assert resource["gender"] == "female" and resource["birthDate"] == "1970-01-02"


class TestImportExport:
    CSV = ("mrn,first_name,last_name,date_of_birth,sex,phone\n"
           "A1,Ann,Lee,1970-01-02,f,555-010-1111\n"
           ",Bo,Kim,1980-03-04,m,\n")

    def test_import_is_idempotent(self, medoffice_practice, tmp_path):
        path = tmp_path / "patients.csv"
        path.write_text(self.CSV)
        first = medoffice_practice.cli("patients", "import", str(path), "--json", user="manager")
        assert first.exit_code == 0, first.stderr
        assert len(first.json()["created"]) == 2
        second = medoffice_practice.cli("patients", "import", str(path), "--json", user="manager").json()
        assert (second["created"], second["updated"], len(second["unchanged"])) == ([], [], 2)
        assert patient_count(medoffice_practice) == 2

    def test_one_bad_row_and_nothing_is_imported(self, medoffice_practice, tmp_path):
        path = tmp_path / "patients.csv"
        path.write_text(self.CSV + "A3,Cy,Park,1990-13-01,f,\nA4,,Park,1990-01-01,f,\n")
        result = medoffice_practice.cli("patients", "import", str(path), user="manager")
        assert result.exit_code == 1
        assert "line 4" in result.stderr and "line 5" in result.stderr and "first name is required" in result.stderr
        assert patient_count(medoffice_practice) == 0

    def test_the_front_desk_may_not_import(self, medoffice_practice, tmp_path):
        path = tmp_path / "patients.csv"
        path.write_text(self.CSV)
        result = medoffice_practice.cli("patients", "import", str(path), user="frontdesk")
        assert result.exit_code == 1 and "patients.import" in result.stderr

    def test_export_csv_round_trips_through_import(self, medoffice_practice, tmp_path):
        source = tmp_path / "in.csv"
        source.write_text(self.CSV)
        medoffice_practice.cli("patients", "import", str(source), user="manager")
        out = tmp_path / "out.csv"
        exported = medoffice_practice.cli("patients", "export", "-o", str(out), user="manager")
        assert exported.exit_code == 0, exported.stderr
        lines = out.read_text().splitlines()
        assert lines[0].startswith("mrn,first_name,middle_name,last_name") and len(lines) == 3
        rows = list(csv.DictReader(lines))
        assert {row["reminders"] for row in rows} == {"yes"}, "a flag is written as people type it"
        again = medoffice_practice.cli("patients", "import", str(out), "--json", user="manager").json()
        assert again["created"] == [] and again["updated"] == []

    def test_export_fhir_bundle(self, medoffice_practice, tmp_path):
        source = tmp_path / "in.csv"
        source.write_text(self.CSV)
        medoffice_practice.cli("patients", "import", str(source), user="manager")
        result = medoffice_practice.cli("patients", "export", "--format", "fhir", user="manager")
        bundle = json.loads(result.stdout)
        assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection" and len(bundle["entry"]) == 2
        assert {e["resource"]["resourceType"] for e in bundle["entry"]} == {"Patient"}
