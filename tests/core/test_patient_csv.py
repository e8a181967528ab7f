"""Patients in and out as CSV: a file another office made, hostile as it may be, and an export
a spreadsheet opens without running anything; big files fast, still all or nothing."""

from __future__ import annotations

import csv
import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select as sql_select

from medoffice.core import PluginInfo, hookimpl
from medoffice.core.services import patient_csv, patient_io, patients
from medoffice.core.storage.models import AuditRow, Patient

HOSTILE_NAMES = ["=CMD()", "=SUM(A1:A9)", "@SUM(1)", "+Lee", "-2+3", "'Ohana", "'=x", "''", "O'Neil"]


class Recorder:
    """A plugin that records the patient hooks it is called with."""

    plugin_info = PluginInfo(id="csvrecorder", title="CSV recorder", api_version=1)

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    @hookimpl
    def medoffice_patient_registered(self, ctx, patient):
        self.calls.append(("registered", patient.mrn))

    @hookimpl
    def medoffice_patient_updated(self, ctx, before, after):
        self.calls.append(("updated", after.mrn))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def medoffice_extra_plugins(recorder):
    return [recorder]


class Steps:
    """Records what an operation reports as progress."""

    def __init__(self) -> None:
        self.steps: list[list] = []

    def step(self, label, total):
        self.steps.append([label, total, 0])

    def advance(self, count=1):
        self.steps[-1][2] += count


def count(practice) -> int:
    with practice.operation(write=False) as ctx:
        return ctx.session.execute(sql_select(func.count(Patient.id))).scalar_one()


def audit_actions(practice) -> list[str]:
    with practice.operation(write=False) as ctx:
        return list(ctx.session.execute(sql_select(AuditRow.action).order_by(AuditRow.seq)).scalars())


def import_text(practice, text: str, user: str = "manager", **options):
    with practice.operation(user) as ctx:
        return patient_io.import_csv(ctx, io.StringIO(text, newline=""), **options)


def export_text(practice, **options) -> str:
    out = io.StringIO()
    with practice.operation("manager") as ctx:
        patient_io.export_csv(ctx, out, **options)
    return out.getvalue()


def row(n: int, **fields) -> dict[str, str]:
    return {"first_name": f"Pat{n}", "last_name": "Lee", "date_of_birth": f"19{50 + n % 50}-01-{1 + n % 28:02d}",
            "sex": "f", **fields}


class TestFormulasInAnExport:
    def test_a_name_a_spreadsheet_would_run_is_written_as_text_and_imported_back_exactly(self, medoffice_practice):
        """A patient record may hold anything a person typed: the export escapes it, the
        import undoes exactly the escape, so the round trip changes nothing."""
        with medoffice_practice.operation("manager") as ctx:
            for n, name in enumerate(HOSTILE_NAMES):
                patients.register(ctx, {"first_name": name, "last_name": f"Lee{n}", "date_of_birth": "1980-01-02",
                                        "sex": "f", "phone": "+1 555 010 4433", "city": "@home"})
        text = export_text(medoffice_practice)
        cells = [cell for line in list(csv.reader(io.StringIO(text, newline="")))[1:] for cell in line]
        assert [c for c in cells if c and c[0] in "=+-@\t\r"] == []
        assert "'=CMD()" in cells and "'+1 555 010 4433" in cells and "'@home" in cells and "''=x" in cells
        assert "'Ohana" in cells and "'''" in cells and "O'Neil" in cells
        again = import_text(medoffice_practice, text)
        assert (again.created, again.updated, len(again.unchanged)) == ((), (), len(HOSTILE_NAMES))
        read_back = {values["mrn"]: values for _line, values in patient_csv.csvio.rows(io.StringIO(text, newline=""),
                                                                                       patient_csv.CSV_COLUMNS)}
        with medoffice_practice.operation(write=False) as ctx:
            for record in patients.iter_all(ctx):
                assert read_back[record.mrn]["first_name"] == record.first_name
                assert read_back[record.mrn]["last_name"] == record.last_name
        assert sorted(v["first_name"] for v in read_back.values()) == sorted(HOSTILE_NAMES)

    def test_an_import_into_another_practice_gives_the_same_names(self, medoffice_practice):
        with medoffice_practice.operation("manager") as ctx:
            for name in HOSTILE_NAMES:
                patients.register(ctx, {"first_name": name, "last_name": "Lee", "date_of_birth": "1980-01-02",
                                        "sex": "f"})
        text = export_text(medoffice_practice)
        with medoffice_practice.operation("manager") as ctx:
            ctx.session.query(Patient).delete()  # the other practice: the same database emptied
        assert count(medoffice_practice) == 0
        created = import_text(medoffice_practice, text).created
        assert len(created) == len(HOSTILE_NAMES)
        with medoffice_practice.operation(write=False) as ctx:
            assert sorted(p.first_name for p in patients.iter_all(ctx)) == sorted(HOSTILE_NAMES)


class TestBigFiles:
    def test_twelve_hundred_rows_create_match_and_update_in_file_order_and_twice_is_nothing(
            self, medoffice_practice, recorder):
        with medoffice_practice.operation("manager") as ctx:
            on_file = patients.register(ctx, row(1)).patient  # 000001, matched by name and birth
            patients.register(ctx, {**row(2), "mrn": "OLD-2"})
        rows = [row(n) for n in range(1, 1101)]  # Pat1 is on file; Pat2 has an MRN on file but no MRN here
        rows.append(row(5))  # Pat5 twice in the file: the second is the first one
        rows.append({**row(2), "mrn": "OLD-2", "phone": "555-010-2222"})  # an update
        rows.append({**row(3000), "mrn": "000002"})  # takes what would be the next MRN
        rows.extend(row(n) for n in range(1101, 1198))
        text = patient_io.csv_text(rows)
        recorder.calls.clear()
        steps = Steps()
        result = import_text(medoffice_practice, text, progress=steps)
        assert on_file.mrn == "000001"
        assert result.created == (*(f"{n:06d}" for n in range(3, 1101)), "000002",
                                  *(f"{n:06d}" for n in range(1101, 1198))), "the file's own MRN is not drawn"
        assert result.updated == ("OLD-2",)
        assert result.unchanged == ("000001", "OLD-2", "000005"), "on file by name, by name, earlier in the file"
        assert count(medoffice_practice) == 2 + 1196
        assert steps.steps == [["checking patients", 1200, 1200], ["writing patients", 1200, 1200]]
        assert [c for c in recorder.calls if c[0] == "updated"] == [("updated", "OLD-2")]
        assert [m for kind, m in recorder.calls if kind == "registered"] == list(result.created)
        with medoffice_practice.operation("manager") as ctx:
            assert patients.register(ctx, row(5000)).patient.mrn == "001198", "the next MRN moved past the file's"
        actions = audit_actions(medoffice_practice)
        assert actions.count("patient.registered") == 2 + 1196 + 1
        assert actions.count("patient.updated") == 1 and actions[-2] == "patients.imported"
        verified = medoffice_practice.cli("audit", "verify", "--json")
        assert verified.exit_code == 0, verified.stderr

        again = import_text(medoffice_practice, text)
        assert (again.created, again.updated, len(again.unchanged)) == ((), (), 1200)
        assert count(medoffice_practice) == 2 + 1196 + 1

    def test_a_bad_row_deep_in_a_big_file_and_nothing_is_written(self, medoffice_practice):
        before = audit_actions(medoffice_practice)
        rows = [row(n) for n in range(1, 1200)]
        rows[1150]["date_of_birth"] = "1990-02-30"
        with pytest.raises(patient_csv.ValidationError) as caught:
            import_text(medoffice_practice, patient_io.csv_text(rows))
        assert caught.value.message.startswith("nothing imported; 1 bad row(s): line 1152: date of birth")
        assert count(medoffice_practice) == 0 and audit_actions(medoffice_practice) == before

    def test_export_reports_its_progress(self, medoffice_practice):
        import_text(medoffice_practice, patient_io.csv_text(row(n) for n in range(1, 1201)))
        steps = Steps()
        assert export_text(medoffice_practice, progress=steps).count("\r\n") == 1201
        assert steps.steps == [["exporting patients", 1200, 1200]]


class TestHostileFilesFromTheShell:
    GOOD = "mrn,first_name,last_name,date_of_birth,sex\r\nA1,Ann,Lee,1970-01-02,f\r\n"

    def imported(self, practice, tmp_path, data: bytes):
        path = tmp_path / "patients.csv"
        path.write_bytes(data)
        return practice.cli("patients", "import", str(path), user="manager")

    def test_bom_crlf_quotes_and_line_breaks_in_a_cell(self, medoffice_practice, tmp_path):
        header = "\ufeffMRN,first_name,last_name,date_of_birth,sex,address_line1\r\n"
        broken = self.imported(medoffice_practice, tmp_path,
                               (header + 'A1,"Ann ""Nan""","Lee, Jr",1970-01-02,f,"12 Oak St\r\nApt 4"\r\n').encode())
        assert (broken.exit_code, broken.stderr) == (  # read whole, but an address is one line (docs/cli.md)
            1, "error: nothing imported; 1 bad row(s): line 2: address line1 may not hold a line break (\\r)\n")
        data = (header + 'A1,"Ann ""Nan""","Lee, Jr",1970-01-02,f,"12 Oak St, Apt 4"\r\n').encode()
        result = self.imported(medoffice_practice, tmp_path, data)
        assert (result.exit_code, result.stdout) == (0, "created 1, updated 0, unchanged 0\n"), result.stderr
        with medoffice_practice.operation(write=False) as ctx:
            ann = patients.get(ctx, "A1")
        assert (ann.first_name, ann.last_name, ann.address.line1) == ('Ann "Nan"', "Lee, Jr", "12 Oak St, Apt 4")
        again = self.imported(medoffice_practice, tmp_path, export_text(medoffice_practice).encode())
        assert again.stdout == "created 0, updated 0, unchanged 1\n"

    @pytest.mark.parametrize(("data", "message"), [
        (GOOD.encode() + "B2,Jos\xe9,Lee,1970-01-02,m\r\n".encode("latin-1"),
         "error: line 3: the file is not UTF-8 text (byte 0xE9); save it as UTF-8"),
        (GOOD.encode() + b"B2," + b"x" * 200_000 + b",Lee,1970-01-02,m\r\n",
         "error: line 3: a cell is longer than 131,072 characters"),
        (GOOD.encode() + b"B2,Bo\x00,Lee,1970-01-02,m\r\n", "error: line 3: the line holds a NUL byte"),
        (GOOD.encode() + b'B2,"Bo,Lee,1970-01-02,m\r\n', "error: line 3: a quoted cell is not closed"),
        (GOOD.encode() + b"B2," + b"x" * 100_000 + b",Lee,1970-01-02,m\r\n",
         "error: nothing imported; 1 bad row(s): line 3: first name is longer than 80 characters"),
    ])
    def test_a_hostile_file_is_one_line_exit_1_and_nothing_is_written(self, medoffice_practice, tmp_path, data,
                                                                      message):
        result = self.imported(medoffice_practice, tmp_path, data)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
        assert count(medoffice_practice) == 0

    def test_a_piped_import_prints_only_its_summary(self, medoffice_practice, tmp_path):
        result = self.imported(medoffice_practice, tmp_path, self.GOOD.encode())
        assert (result.stdout, result.stderr) == ("created 1, updated 0, unchanged 0\n", "")


def on_a_terminal(practice, *args: str) -> str:
    """What a person sees running ``medoffice ARGS`` on a terminal (stdout and stderr both)."""
    main, side = pty.openpty()
    env = {**os.environ, "MEDOFFICE_USER": "manager", "MEDOFFICE_PASSWORD": "manager-password", "TERM": "xterm",
           "COLUMNS": "100", "LINES": "30"}
    env.pop("MEDOFFICE_DB", None)
    command = Path(sys.executable).with_name("medoffice")
    process = subprocess.Popen([str(command), "--db", practice.url, *args],
                               stdin=subprocess.DEVNULL, stdout=side, stderr=side, env=env)
    os.close(side)
    seen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the command ended and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=60)
    os.close(main)
    return seen.decode("utf-8", "replace")


@pytest.mark.parametrize("medoffice_backend", ["sqlite"], indirect=True)
class TestProgressOnATerminal:
    def test_a_long_import_shows_a_bar_that_goes_away_and_json_shows_none(self, medoffice_practice, tmp_path):
        path = tmp_path / "patients.csv"
        path.write_text(patient_io.csv_text(row(n) for n in range(1, 3001)))
        seen = on_a_terminal(medoffice_practice, "patients", "import", str(path))
        assert "patients" in seen and "/3000" in seen and "━" in seen, seen[-2000:]
        assert seen.rstrip().endswith("created 3000, updated 0, unchanged 0")
        quiet = on_a_terminal(medoffice_practice, "patients", "import", str(path), "--json")
        assert "━" not in quiet and '"unchanged": [' in quiet

