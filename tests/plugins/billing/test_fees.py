"""The fee schedule: a biller keeps codes and fees, and moves them in and out as CSV."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from medoffice.core.errors import PermissionDenied, ValidationError
from medoffice.plugins.billing import fees

pytestmark = pytest.mark.medoffice_plugins("billing")

GOOD_CSV = 'code,fee,description\n99213,95.00,Office visit est. 15 min\n36415,12.5,\nj3420,"$1,200.00",B12 shot\n'


def schedule(practice):
    with practice.operation("billing", write=False) as ctx:
        return [(f.code, f.fee, f.description) for f in fees.list_fees(ctx)]


class TestKeepingFees:
    def test_a_biller_adds_a_code_and_changes_its_fee(self, medoffice_practice):
        with medoffice_practice.operation("billing") as ctx:
            added = fees.set_fee(ctx, "99213", "95.00", description="Our office visit")
            changed = fees.set_fee(ctx, " 99213 ", Decimal("110"))
        assert (added.code, added.fee, changed.fee, changed.description) == (
            "99213", Decimal("95.00"), Decimal("110.00"), "Our office visit")
        assert schedule(medoffice_practice) == [("99213", Decimal("110.00"), "Our office visit")]

    def test_every_bad_field_is_named_at_once_and_nothing_is_written(self, medoffice_practice):
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("billing") as ctx:
                fees.set_fee(ctx, "9921", "-5")
        assert set(caught.value.errors) == {"code", "fee"}
        assert "fee must not be negative, got -5.00" in caught.value.message
        assert schedule(medoffice_practice) == []

    @pytest.mark.parametrize("fee", ["12.345", "abc", 12.5, "NaN"])
    def test_a_fee_is_a_decimal_amount_to_the_cent(self, medoffice_practice, fee):
        with pytest.raises(ValidationError):
            with medoffice_practice.operation("billing") as ctx:
                fees.set_fee(ctx, "99213", fee)

    def test_the_front_desk_reads_the_schedule_but_cannot_change_it(self, medoffice_practice):
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("frontdesk") as ctx:
                fees.set_fee(ctx, "99213", "95")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert fees.list_fees(ctx) == []

    def test_a_removed_code_leaves_the_list_and_comes_back_when_set_again(self, medoffice_practice):
        with medoffice_practice.operation("billing") as ctx:
            fees.set_fee(ctx, "99213", "95")
            fees.remove_fee(ctx, "99213")
            assert fees.list_fees(ctx) == [] and len(fees.list_fees(ctx, include_inactive=True)) == 1
            assert fees.set_fee(ctx, "99213", "95").active


class TestCsv:
    def test_import_then_import_again_changes_nothing(self, medoffice_practice):
        with medoffice_practice.operation("billing") as ctx:
            first = fees.import_csv(ctx, io.StringIO(GOOD_CSV))
        with medoffice_practice.operation("billing") as ctx:
            second = fees.import_csv(ctx, io.StringIO(GOOD_CSV))
        assert (first.added, first.updated, first.unchanged) == (("99213", "36415", "J3420"), (), ())
        assert (second.added, second.updated, second.unchanged) == ((), (), ("99213", "36415", "J3420"))
        assert schedule(medoffice_practice) == [("36415", Decimal("12.50"), None),
                                                ("99213", Decimal("95.00"), "Office visit est. 15 min"),
                                                ("J3420", Decimal("1200.00"), "B12 shot")]

    def test_a_changed_fee_is_updated_and_an_empty_description_keeps_the_one_on_file(self, medoffice_practice):
        with medoffice_practice.operation("billing") as ctx:
            fees.import_csv(ctx, io.StringIO(GOOD_CSV))
            result = fees.import_csv(ctx, io.StringIO("code,fee\n99213,99.99\n36415,12.50\n"))
        assert (result.updated, result.unchanged) == (("99213",), ("36415",))
        assert ("99213", Decimal("99.99"), "Office visit est. 15 min") in schedule(medoffice_practice)

    def test_a_bad_row_refuses_the_whole_file_naming_each_row(self, medoffice_practice):
        bad = "code,fee\n99213,95\n36415,-1\n9921,10\n99213,96\n"
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("billing") as ctx:
                fees.import_csv(ctx, io.StringIO(bad))
        message = caught.value.message
        assert message.startswith("nothing imported; 3 bad row(s): row 3: fee must not be negative, got -1.00; ")
        assert "row 4: '9921' is not a CPT or HCPCS code" in message
        assert "row 5: 99213 is already on row 2" in message
        assert schedule(medoffice_practice) == []

    @pytest.mark.parametrize(("text", "message"), [
        ("", "the CSV file is empty"),
        ("code,price\n99213,1\n", "unknown column(s): price (known: code, fee, description, active)"),
        ("code,description\n99213,x\n", "the CSV file lacks the column(s): fee"),
    ])
    def test_a_file_of_the_wrong_shape_is_refused(self, medoffice_practice, text, message):
        with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
            with medoffice_practice.operation("billing") as ctx:
                fees.import_csv(ctx, io.StringIO(text))

    def test_export_writes_what_import_reads(self, medoffice_practice):
        with medoffice_practice.operation("billing") as ctx:
            fees.import_csv(ctx, io.StringIO(GOOD_CSV))
            out = io.StringIO()
            assert fees.export_csv(ctx, out) == 3
        assert out.getvalue() == ("code,fee,description,active\r\n36415,12.50,,yes\r\n"
                                  "99213,95.00,Office visit est. 15 min,yes\r\nJ3420,1200.00,B12 shot,yes\r\n")
        with medoffice_practice.operation("billing") as ctx:
            again = fees.import_csv(ctx, io.StringIO(out.getvalue()))
        assert again.unchanged == ("36415", "99213", "J3420")


class TestFromTheShell:
    def test_add_list_import_export(self, medoffice_cli, tmp_path):
        added = medoffice_cli("billing", "fees", "add", "99213", "95", "--description", "Visit", user="billing")
        assert (added.exit_code, added.stdout) == (0, "99213: 95.00 (Visit)\n")
        path = tmp_path / "fees.csv"
        path.write_text("code,fee\n36415,12.50\n", encoding="utf-8")
        imported = medoffice_cli("billing", "fees", "import", str(path), "--json", user="billing")
        assert imported.json() == {"added": ["36415"], "updated": [], "unchanged": []}
        listed = medoffice_cli("billing", "fees", "list", "--json", user="frontdesk").json()
        assert [(f["code"], f["fee"]) for f in listed] == [("36415", "12.50"), ("99213", "95.00")]
        exported = medoffice_cli("billing", "fees", "export", user="billing")
        # (click's test runner shows the file's CRLF line ends as \n)
        assert exported.stdout == "code,fee,description,active\n36415,12.50,,yes\n99213,95.00,Visit,yes\n"

    def test_a_negative_fee_is_one_line_exit_1(self, medoffice_cli, tmp_path):
        path = tmp_path / "fees.csv"
        path.write_text("code,fee\n99213,95\n99214,-3\n", encoding="utf-8")
        result = medoffice_cli("billing", "fees", "import", str(path), user="billing")
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == "error: nothing imported; 1 bad row(s): row 3: fee must not be negative, got -3.00\n"
        assert medoffice_cli("billing", "fees", "list", "--json").json() == []


class TestStateAndFormulasInTheFile:
    """An export carries each code's state and escapes what a spreadsheet would run."""

    def test_export_all_then_import_keeps_a_removed_code_removed(self, medoffice_practice):
        with medoffice_practice.operation("billing") as ctx:
            fees.import_csv(ctx, io.StringIO(GOOD_CSV))
            fees.remove_fee(ctx, "36415")
            out = io.StringIO()
            fees.export_csv(ctx, out, include_inactive=True)
        assert "36415,12.50,,no\r\n" in out.getvalue()
        with medoffice_practice.operation("billing") as ctx:
            again = fees.import_csv(ctx, io.StringIO(out.getvalue()))
            listed = fees.list_fees(ctx, include_inactive=True)
        assert again.unchanged == ("36415", "99213", "J3420")
        assert [(f.code, f.active) for f in listed] == [("36415", False), ("99213", True), ("J3420", True)]

    def test_the_active_column_removes_and_restores_and_a_blank_keeps_the_state(self, medoffice_practice):
        with medoffice_practice.operation("billing") as ctx:
            fees.import_csv(ctx, io.StringIO(GOOD_CSV))
            fees.remove_fee(ctx, "J3420")
            result = fees.import_csv(ctx, io.StringIO("code,fee,active\n99213,95.00,no\nJ3420,1200,yes\n"
                                                      "36415,12.50,\n0001F,0,N\n"))
            listed = {f.code: f.active for f in fees.list_fees(ctx, include_inactive=True)}
        assert (result.added, result.updated, result.unchanged) == (("0001F",), ("99213", "J3420"), ("36415",))
        assert listed == {"0001F": False, "36415": True, "99213": False, "J3420": True}

    def test_a_state_that_is_not_yes_or_no_is_named_by_row(self, medoffice_practice):
        with pytest.raises(ValidationError, match=r"^nothing imported; 1 bad row\(s\): row 2: active must be yes or no"):
            with medoffice_practice.operation("billing") as ctx:
                fees.import_csv(ctx, io.StringIO("code,fee,active\n99213,95,removed?\n"))

    def test_a_description_that_is_a_formula_leaves_as_text_and_comes_back(self, medoffice_practice):
        with medoffice_practice.operation("billing") as ctx:
            fees.set_fee(ctx, "99213", "95", description="=HYPERLINK(\"http://x\",\"pay\")")
            fees.set_fee(ctx, "36415", "12.50", description="-shot")
            out = io.StringIO()
            fees.export_csv(ctx, out)
        assert out.getvalue() == ('code,fee,description,active\r\n36415,12.50,\'-shot,yes\r\n'
                                  '99213,95.00,"\'=HYPERLINK(""http://x"",""pay"")",yes\r\n')
        with medoffice_practice.operation("billing") as ctx:
            assert fees.import_csv(ctx, io.StringIO(out.getvalue())).unchanged == ("36415", "99213")
            assert fees.fee_row(ctx, "99213").description == '=HYPERLINK("http://x","pay")'

    @pytest.mark.parametrize("cell", ["-12.50", "'-12.50"])
    def test_a_negative_fee_reads_back_exactly_escaped_or_not(self, medoffice_practice, cell):
        """A plain negative number is never escaped (it cannot run), and an escaped one from a
        spreadsheet reads the same: either way the amount in the error is the file's."""
        with pytest.raises(ValidationError, match="row 2: fee must not be negative, got -12.50"):
            with medoffice_practice.operation("billing") as ctx:
                fees.import_csv(ctx, io.StringIO(f"code,fee\n99213,{cell}\n"))

    def test_a_file_that_is_not_utf8_is_one_line_exit_1(self, medoffice_cli, tmp_path):
        path = tmp_path / "fees.csv"
        path.write_bytes(b"code,fee,description\n99213,95,Visite m\xe9dicale\n")
        result = medoffice_cli("billing", "fees", "import", str(path), user="billing")
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr.startswith("error: line 2: the file is not UTF-8 text (byte 0xE9)")
        assert result.stderr.count("\n") == 1
        assert medoffice_cli("billing", "fees", "list", "--json").json() == []


def test_a_fee_file_is_checked_before_the_write_lock_is_taken(medoffice_practice, tmp_path, monkeypatch):
    """While 'billing fees import' checks its rows, another desk registers a patient without
    waiting (on SQLite, one writer at a time, it would wait for the whole check if the import
    held the lock meanwhile)."""
    import threading

    from medoffice.core.services import patients

    path = tmp_path / "fees.csv"
    path.write_text("code,fee\n99213,95.00\n99214,140.00\n", encoding="utf-8")
    made = fees.parse_money
    desk: dict[str, object] = {}

    def register():
        with medoffice_practice.operation("frontdesk") as ctx:
            desk["mrn"] = patients.register(ctx, {"first_name": "Cy", "last_name": "Desk",
                                                  "date_of_birth": "1980-02-03", "sex": "f"}).patient.mrn

    def the_desk_registers_meanwhile(value, *args, **kwargs):
        if "waited" not in desk and value == "140.00":
            worker = threading.Thread(target=register)
            worker.start()
            worker.join(timeout=5)
            desk["waited"] = worker.is_alive()
        return made(value, *args, **kwargs)

    monkeypatch.setattr(fees, "parse_money", the_desk_registers_meanwhile)
    result = medoffice_practice.cli("billing", "fees", "import", str(path), user="billing")
    assert result.exit_code == 0, result.stderr
    assert desk["waited"] is False and desk["mrn"]
    assert {f.code for f in fees_on_file(medoffice_practice)} >= {"99213", "99214"}


def fees_on_file(practice):
    with practice.operation("billing", write=False) as ctx:
        return fees.list_fees(ctx)
