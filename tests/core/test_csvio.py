"""The one CSV reader and writer: formulas leave as text and come back exactly; hostile files
are refused in one line naming where."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medoffice.core import csvio
from medoffice.core.errors import ValidationError

COLUMNS = ("name", "amount")


def written(*values: str) -> list[str]:
    """The cells a writer puts in the file for ``values`` (read back raw, without unescaping)."""
    import csv

    text = csvio.text(("name",), ([v] for v in values))
    return [row[0] for row in list(csv.reader(io.StringIO(text, newline="")))[1:]]


def read(text: str, columns=COLUMNS, **options) -> list[tuple[int, dict[str, str]]]:
    return list(csvio.rows(io.StringIO(text, newline=""), columns, **options))


class TestFormulasLeaveAsText:
    @pytest.mark.parametrize(("value", "cell"), [
        ("=CMD()", "'=CMD()"),
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1 555 010 4433", "'+1 555 010 4433"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=x", "''=x"),
        ("''", "'''"),
        ("'", "'"),
        ("'Ohana", "'Ohana"),
        ("O'Neil", "O'Neil"),
        ("Ann=Lee", "Ann=Lee"),
        ("-12.50", "-12.50"),
        ("-3", "-3"),
        ("-12.50 ", "'-12.50 "),
        ("-1e5", "'-1e5"),
        ("-", "'-"),
    ])
    def test_a_cell_a_spreadsheet_would_evaluate_gets_an_apostrophe(self, value, cell):
        assert written(value) == [cell]
        assert csvio.unguard(cell) == value

    def test_no_written_cell_starts_a_formula_except_a_plain_negative_number(self):
        cells = written("=1", "+1", "-1+1", "@1", "\t1", "\r1", "-7.25")
        assert [c for c in cells if c[:1] in csvio.FORMULA_STARTS] == ["-7.25"]

    @given(st.text())
    def test_any_text_written_reads_back_exactly(self, value):
        assert csvio.unguard(csvio.guard(value)) == value

    @given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
                    .map(str.strip).filter(bool), min_size=1, max_size=5))
    def test_any_row_of_trimmed_text_survives_the_file(self, values):
        """Quotes, commas, line breaks of every kind and formulas: the file gives them back."""
        text = csvio.text(("name",), ([v] for v in values))
        assert [row["name"] for _line, row in read(text, ("name",))] == values

    def test_an_apostrophe_before_an_ordinary_letter_from_another_system_stays(self):
        assert read("name,amount\n'Ohana,1\n") == [(2, {"name": "'Ohana", "amount": "1"})]

    def test_a_formula_another_spreadsheet_escaped_reads_as_the_text_it_showed(self):
        assert read("name,amount\n'=Lee,'-12.50\n") == [(2, {"name": "=Lee", "amount": "-12.50"})]


class TestReading:
    def test_bom_crlf_quotes_and_line_breaks_inside_cells(self):
        data = ('\ufeffName , AMOUNT\r\n"Lee, ""Ann""","1"\r\n"two\r\nlines",2\r\n\r\nlast,3').encode()
        assert list(csvio.rows(csvio.decode(data), COLUMNS)) == [
            (2, {"name": 'Lee, "Ann"', "amount": "1"}),
            (3, {"name": "two\r\nlines", "amount": "2"}),
            (6, {"name": "last", "amount": "3"}),
        ]

    def test_old_mac_line_ends(self):
        assert [line for line, _ in csvio.rows(csvio.decode(b"name\rA\rB\r"), COLUMNS)] == [2, 3]

    def test_bytes_that_are_not_utf8_are_named_by_line(self):
        with pytest.raises(ValidationError) as caught:
            csvio.decode("name\nAnn\nJos".encode() + b"\xe9\n")
        assert caught.value.message.startswith("line 3: the file is not UTF-8 text (byte 0xE9)")
        assert "\n" not in caught.value.message

    def test_a_text_stream_that_fails_to_decode_is_one_error_too(self):
        stream = io.TextIOWrapper(io.BytesIO(b"name\nJos\xe9\n"), encoding="utf-8", newline="")
        with pytest.raises(ValidationError, match="not UTF-8 text"):
            list(csvio.rows(stream, COLUMNS))

    @pytest.mark.parametrize(("text", "message"), [
        ("", "the CSV file is empty"),
        ("name,colour\n", "unknown column(s): colour (known: name, amount)"),
        ("name,Name\n", "the column(s) name appear more than once in the header"),
        ("amount\n1\n", "the CSV file lacks the column(s): name"),
        ("name\nA\nB,2\n", "line 3: more values than columns"),
        ("name\nA\nB\x00\n", "line 3: the line holds a NUL byte (is it a CSV file?)"),
        ('name\n"A\nB\n', 'line 2: a quoted cell is not closed (a " is missing)'),
        ('name\n"A"B\n', "line 2: a quoted cell goes on after its closing quote"),
        ("name\nA\n" + "x" * (csvio.MAX_CELL + 1) + "\n", "line 3: a cell is longer than 131,072 characters"),
    ])
    def test_a_hostile_file_is_one_line_naming_where(self, text, message):
        with pytest.raises(ValidationError) as caught:
            read(text, required=("name",))
        assert caught.value.message.startswith(message)
        assert "\n" not in caught.value.message

    def test_a_cell_as_long_as_allowed_is_read(self):
        assert read("name\n" + "x" * csvio.MAX_CELL + "\n")[0][1]["name"] == "x" * csvio.MAX_CELL

    def test_errors_may_name_rows_instead_of_lines(self):
        with pytest.raises(ValidationError, match="^row 2: more values than columns"):
            read("name\nA,1,2\n", label="row")
