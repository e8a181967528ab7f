"""Names and text that try to act on the terminal that shows them.

A patient named ``Ann ESC]0;pwned BEL`` retitles the desk's terminal, ``ESC[2J`` clears it, a
newline and ``error: …`` in a name fakes a message, and U+202E turns the rest of a line
around. Such text is refused wherever it comes in (a command, a CSV or FHIR import, the
services the TUI calls), in one line naming the field; and what was stored before that rule
is shown escaped (``\\x1b``), never as it is, in tables, records, JSON and errors.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from medoffice.core.services import patients
from medoffice.core.storage.models import Patient
from medoffice.core.text import check_text, printable

ADD = ("patients", "add", "--first-name", "Ann", "--last-name", "Lee", "--dob", "1970-01-02", "--sex", "f")

RETITLE = "Ann\x1b]0;pwned\x07"
CLEAR = "Lee\x1b[2J\x1b[H"
FAKE_ERROR = "Lee\nerror: the database is corrupt, call 555-0100"
REVERSED = "Lee\u202etxt.exe"
C1_CSI = "Lee\x9b2J"

RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\ufeff", "\x7f")
"""Characters that must never reach standard output or error as they are."""


def patient_count(practice) -> int:
    with practice.operation("admin", write=False) as ctx:
        return patients.count(ctx)


def assert_nothing_raw(*texts: str) -> None:
    for text in texts:
        found = [c for c in RAW if c in text]
        assert not found, f"raw {found!r} in {text!r}"


class TestRefusedOnInput:
    @pytest.mark.parametrize(("field", "value", "shown"), [
        ("first_name", RETITLE, "first name may not hold a control character (\\x1b)"),
        ("last_name", CLEAR, "last name may not hold a control character (\\x1b)"),
        ("last_name", FAKE_ERROR, "last name may not hold a line break (\\n)"),
        ("middle_name", "J\u202eX", "middle name may not hold an invisible formatting character (\\u202e)"),
        ("middle_name", "J\u2066X", "middle name may not hold an invisible formatting character (\\u2066)"),
        ("city", "Albany\x9b2J", "city may not hold a control character (\\x9b)"),
        ("address_line1", "1 Main\tSt", "address line1 may not hold a control character (\\t)"),
        ("emergency_name", "\ufeffBo Lee", "emergency name may not hold an invisible formatting character (\\ufeff)"),
        ("phone", "555-010\n-4433", "phone may not hold a line break (\\n)"),
        ("phone", "555-010\x1c4433", "phone may not hold a control character (\\x1c)"),
        ("email", "ann\x1b@example.org", "email may not hold a control character (\\x1b)"),
        ("mrn", "A\x1b1", "MRN must be 1 to 20 letters, digits or hyphens, got 'A\\x1b1'"),
    ], ids=["retitle", "clear-screen", "fake-error", "rtl-override", "rtl-isolate", "c1-csi", "tab-in-address",
            "byte-order-mark", "phone-newline", "phone-separator", "email-escape", "mrn-escape"])
    def test_a_command_refuses_it_in_one_line_naming_the_field(self, medoffice_practice, field, value, shown):
        result = medoffice_practice.cli(*ADD, "--set", f"{field}={value}", user="frontdesk")
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {shown}\n")
        assert patient_count(medoffice_practice) == 0

    def test_an_edit_is_refused_the_same_and_changes_nothing(self, medoffice_practice):
        assert medoffice_practice.cli(*ADD, user="frontdesk").exit_code == 0
        result = medoffice_practice.cli("patients", "edit", "000001", "--set", f"last_name={FAKE_ERROR}",
                                        "--set", "city=Albany", user="frontdesk")
        assert (result.exit_code, result.stderr) == (1, "error: last name may not hold a line break (\\n)\n")
        with medoffice_practice.operation("admin", write=False) as ctx:
            stored = patients.get(ctx, "000001")
        assert (stored.last_name, stored.address.city) == ("Lee", None)

    def test_a_deactivation_reason_is_one_line_too(self, medoffice_practice):
        medoffice_practice.cli(*ADD, user="frontdesk")
        result = medoffice_practice.cli("patients", "deactivate", "000001", "--reason", "moved\x1b[2J",
                                        user="frontdesk")
        assert (result.exit_code, result.stderr) == (1, "error: reason may not hold a control character (\\x1b)\n")

    def test_a_csv_import_refuses_the_file_and_names_the_line_and_field(self, medoffice_practice, tmp_path):
        path = tmp_path / "patients.csv"
        path.write_text("first_name,last_name,date_of_birth,sex\r\n"
                        "Gus,Good,1980-03-04,m\r\n"
                        f"{RETITLE},Lee,1970-01-02,f\r\n", encoding="utf-8")
        result = medoffice_practice.cli("patients", "import", str(path), user="manager")
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1
        assert "line 3" in result.stderr and "first name may not hold a control character (\\x1b)" in result.stderr
        assert_nothing_raw(result.stderr)
        assert patient_count(medoffice_practice) == 0

    def test_a_fhir_import_refuses_the_bundle(self, medoffice_practice, tmp_path):
        resource = {"resourceType": "Patient", "name": [{"family": REVERSED, "given": ["Ann"]}],
                    "gender": "female", "birthDate": "1970-01-02"}
        bundle = {"resourceType": "Bundle", "type": "collection",
                  "entry": [{"fullUrl": "urn:uuid:5f0c4a1e-8b7d-4c2a-9e3f-1a2b3c4d5e00", "resource": resource}]}
        path = tmp_path / "bundle.json"
        path.write_text(json.dumps(bundle), encoding="utf-8")
        result = medoffice_practice.cli("patients", "import", "--format", "fhir", str(path), user="manager")
        assert result.exit_code == 1 and result.stderr.count("\n") == 1
        assert "last name may not hold an invisible formatting character (\\u202e)" in result.stderr
        assert_nothing_raw(result.stderr)
        assert patient_count(medoffice_practice) == 0

    @pytest.mark.parametrize("name", ["Mohammad\u200cReza", "Zoë", "Nguyễn", "Ólafsdóttir", "O'Neil-Smith",
                                      "山田", "Влади́мир"])
    def test_names_as_people_write_them_are_kept(self, medoffice_practice, name):
        result = medoffice_practice.cli("patients", "add", "--first-name", name, "--last-name", "Lee", "--dob",
                                        "1970-01-02", "--sex", "f", "--json", user="frontdesk")
        assert result.exit_code == 0, result.stderr
        assert result.json()["patient"]["first_name"] == name
        shown = medoffice_practice.cli("patients", "show", "000001", user="frontdesk")
        assert f"Lee, {name}" in shown.stdout

    def test_a_note_of_several_lines_keeps_its_line_breaks_and_tabs_only(self):
        assert check_text("line one\r\n\tline two", field="note", multiline=True) == "line one\n\tline two"
        with pytest.raises(Exception, match=r"note may not hold a control character \(\\x1b\); only line "):
            check_text("line one\n\x1b[2J", field="note", multiline=True)


def store_directly(practice, first: str, last: str, **more) -> None:
    """A patient written straight into the table, as a record stored before the rule was."""
    from medoffice.core.services.patient_search import index_patient

    with practice.operation("admin") as ctx:
        now = ctx.now()
        row = Patient(mrn="000777", first_name=first, last_name=last, date_of_birth=dt.date(1970, 1, 2), sex="female",
                      created_at=now, updated_at=now, active=True, reminders=True, country="US", **more)
        index_patient(row)
        ctx.session.add(row)
    with practice.operation("admin", write=False) as ctx:
        assert ctx.session.execute(select(func.count(Patient.id))).scalar_one() == 1


class TestStoredBeforeIsEscapedOnOutput:
    def test_find_shows_one_row_per_patient_with_escapes(self, medoffice_practice):
        store_directly(medoffice_practice, RETITLE, FAKE_ERROR)
        result = medoffice_practice.cli("patients", "find", "000777", user="frontdesk")
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert len(lines) == 2  # the header and one patient
        assert "Lee\\nerror: the database is corrupt, call 555-0100, Ann\\x1b]0;pwned\\x07" in lines[1]
        assert_nothing_raw(result.stdout)

    def test_show_prints_every_line_escaped(self, medoffice_practice):
        store_directly(medoffice_practice, "Ann", C1_CSI, city=REVERSED, phone="555\x1b[2J0104433")
        result = medoffice_practice.cli("patients", "show", "000777", user="frontdesk")
        assert result.exit_code == 0, result.stderr
        assert "Name       Lee\\x9b2J, Ann\n" in result.stdout
        assert "Phone      555\\x1b[2J0104433\n" in result.stdout
        assert "Lee\\u202etxt.exe" in result.stdout
        assert len(result.stdout.splitlines()) == 11
        assert_nothing_raw(result.stdout)

    def test_json_escapes_them_and_a_script_reads_the_value_back(self, medoffice_practice):
        store_directly(medoffice_practice, "Ann\x7f\x85", REVERSED, city="\U000e0041Albany")
        result = medoffice_practice.cli("patients", "show", "000777", "--json", user="frontdesk")
        assert result.exit_code == 0, result.stderr
        assert_nothing_raw(result.stdout)
        assert "\x85" not in result.stdout and "\U000e0041" not in result.stdout
        assert '"last_name": "Lee\\u202etxt.exe"' in result.stdout
        record = result.json()
        assert (record["first_name"], record["last_name"], record["address"]["city"]) == (
            "Ann\x7f\x85", REVERSED, "\U000e0041Albany")
        found = medoffice_practice.cli("patients", "find", "000777", "--json", user="frontdesk")
        assert_nothing_raw(found.stdout)
        assert found.json()[0]["name"] == f"{REVERSED}, Ann\x7f\x85"

    def test_a_duplicate_warning_naming_it_is_escaped(self, medoffice_practice):
        store_directly(medoffice_practice, "Ann\x1b\x07", "Lee\u202e")
        result = medoffice_practice.cli(*ADD, user="frontdesk")
        assert result.exit_code == 0, result.stderr
        assert "warning: possible duplicate of 000777 Lee\\u202e, Ann\\x1b\\x07, born 1970-01-02" in result.stderr
        assert_nothing_raw(result.stderr, result.stdout)


def test_printable_escapes_exactly_the_set():
    assert printable("Ann\x1b]0;x\x07 Lee\n\t\u202e\u200d\u200c") == "Ann\\x1b]0;x\\x07 Lee\\n\\t\\u202e\u200d\u200c"
    assert printable("Zoë Nguyễn 山田 O'Neil") == "Zoë Nguyễn 山田 O'Neil"
    assert printable(None) == ""
