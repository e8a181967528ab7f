"""Ids, days, amounts, files and text that once ended a command with "internal error" (exit 3).

Each is refused in one line now: a usage error (exit 2) for what the shared parameter types
of ``medoffice.core.cli.params`` check, a domain error (exit 1) for what the services check;
and nothing is written. Found by tests/core/test_cli_fuzz.py and issue 15.
"""

from __future__ import annotations

import pytest


def refused(result, code: int, *texts: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    last = result.stderr.rstrip("\n").rsplit("\n", 1)[-1]
    assert last.startswith("error: " if code == 1 else "Error: "), result.stderr
    for text in texts:
        assert text in last, result.stderr


@pytest.mark.parametrize("argv", [
    ["billing", "claims", "fhir", "9223372036854775808"],
    ["schedule", "closures", "remove", "9223372036854775808"],
    ["appointments", "day", "--provider", "99999999999999999999"],
    ["billing", "claims", "resubmit", "100000000000000000000", "--payer-claim-number", "X1"],
    ["staff", "edit", "--set", "name=X", "--", "-1"],
    ["appointments", "check-in", "0"],
    ["billing", "payments", "insurance", "000001", "10", "--payer", "Aetna", "--reference", "EFT1",
     "--line", "2147483648"],
])
def test_an_id_past_the_range_of_ids_is_a_usage_error(medoffice_cli, argv):
    refused(medoffice_cli(*argv), 2, "is not an id: ids are whole numbers from 1 to 2147483647")


def test_a_real_id_still_reaches_the_command(medoffice_cli):
    refused(medoffice_cli("schedule", "closures", "remove", "2147483647"), 1, "2147483647")


@pytest.mark.parametrize("argv", [
    ["schedule", "exceptions", "list", "--to", "9999-12-31"],
    ["schedule", "closures", "add", "--from", "9999-12-31", "--reason", "end of days"],
    ["appointments", "day", "0001-01-01"],
])
def test_a_day_at_the_calendars_end_is_refused_in_one_line(medoffice_cli, argv):
    refused(medoffice_cli(*argv), 1, "must be a date from 1800-01-01 to 2999-12-31")


def test_audit_show_until_the_last_day_of_the_calendar_is_a_usage_error(medoffice_cli):
    refused(medoffice_cli("audit", "show", "--until", "9999-12-31"), 2,
            "until must be a date from 1800-01-01 to 2999-12-31, got '9999-12-31'")
    assert medoffice_cli("audit", "show", "--until", "2999-12-31", "--json").exit_code == 0


@pytest.mark.parametrize(("argv", "message"), [
    (["billing", "budget", "report", "9999-12"], "period must be in the years 1800 to 2999, got '9999-12'"),
    (["billing", "budget", "report", "9999"], "period must be in the years 1800 to 2999, got '9999'"),
    (["billing", "expenses", "list", "--month", "9999-12"], "month must be in the years 1800 to 2999"),
    (["billing", "budget", "set", "rent", "3000-01", "5"], "month must be in the years 2000 to 2999"),
])
def test_a_month_or_year_past_the_calendar_is_refused_in_one_line(medoffice_cli, argv, message):
    refused(medoffice_cli(*argv, user="admin"), 1, message)


@pytest.mark.parametrize("amount", ["1E+999999999", "-1E+999999999", "1e30"])
def test_an_amount_with_a_huge_exponent_is_too_large_not_a_crash(medoffice_cli, amount):
    refused(medoffice_cli("billing", "fees", "add", "--", "99999", amount), 1, "fee is larger than 99,999,999.99")
    assert "99999" not in medoffice_cli("billing", "fees", "list").stdout


def test_an_argument_that_is_not_utf8_is_a_usage_error_naming_its_bytes(medoffice_cli):
    # The shell hands over the bytes b"sm\xff"; Python makes them "sm\udcff" (surrogateescape).
    refused(medoffice_cli("patients", "find", "sm\udcff"), 2, "'sm\\xff' is not UTF-8 text")
    refused(medoffice_cli("patients", "add", "--first-name", "Ann", "--last-name", "\udcc3x", "--dob", "1980-01-01",
                          "--sex", "f"), 2, "not UTF-8 text")
    assert medoffice_cli("patients", "find", "ann").stdout.strip() == "(none)"


def test_an_output_file_in_a_missing_folder_is_a_usage_error(medoffice_cli, tmp_path):
    target = tmp_path / "sub" / "none" / "out.csv"
    refused(medoffice_cli("patients", "export", "--output", str(target)), 2, "the folder", "does not exist")
    refused(medoffice_cli("billing", "fees", "export", "--output", str(target)), 2, "does not exist")
    assert not (tmp_path / "sub").exists()


def test_an_output_file_that_is_a_folder_or_has_no_name_is_a_usage_error(medoffice_cli, tmp_path):
    refused(medoffice_cli("billing", "fees", "export", "--output", str(tmp_path)), 2, "is a folder; give a file name")
    refused(medoffice_cli("patients", "export", "--output", ""), 2, "a file name is required")
    refused(medoffice_cli("schedule", "export-ics", "--provider", "1", "--from", "2026-06-01", "--to", "2026-06-02",
                          "--output", str(tmp_path) + "/"), 2, "is a folder")


def test_a_file_name_longer_than_the_file_system_takes_is_a_usage_error(medoffice_cli, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    refused(medoffice_cli("billing", "fees", "export", "--output", str(folder / ("n" * 300))), 2,
            "is too long for a file name (at most 255 bytes)")
    refused(medoffice_cli("patients", "export", "--output", str(folder / ("é" * 128))), 2, "too long")
    refused(medoffice_cli("patients", "import", str(folder / ("n" * 300))), 2, "too long")
    assert list(folder.iterdir()) == []


def test_a_file_the_system_will_not_create_is_one_line_exit_1(medoffice_cli):
    # /proc exists and is a folder, but no file can be made in it, root or not.
    refused(medoffice_cli("billing", "fees", "export", "--output", "/proc/medoffice-fees.csv"), 1,
            "/proc/medoffice-fees.csv")


def test_a_folder_for_pdfs_that_is_a_file_is_a_usage_error(medoffice_cli, tmp_path):
    (tmp_path / "statements").write_text("not a folder")
    refused(medoffice_cli("billing", "statements", "--pdf", str(tmp_path / "statements")), 2, "is a file, not a folder")
    refused(medoffice_cli("billing", "statements", "--pdf", str(tmp_path / "no" / "pdfs")), 2, "does not exist")


def test_a_slot_step_longer_than_a_day_is_a_usage_error(medoffice_cli):
    refused(medoffice_cli("appointments", "slots", "--type", "Check-up", "--step", "99999999999999999999"), 2,
            "is not in the range 1<=x<=1440")
