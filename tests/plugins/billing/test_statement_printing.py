"""What a statement prints is what the ledger says: every patient's name in their own letters
in the PDF (read back with an independent PDF reader), and no description cut short in the
text statement, where a shortened EFT number would read as another number."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from medoffice.core import pdf
from medoffice.core.services import patients
from medoffice.plugins.billing import encounters, ledger, payers, statements

pytestmark = pytest.mark.medoffice_plugins("billing")

NAMES = {
    "Czech and Vietnamese": ("Dvořák-Nguyễn", "Tomáš Thị"),
    "Greek": ("Παπαδοπούλου", "Ελένη"),
    "Cyrillic": ("Иванова", "Пётр Ёлкин"),
    "Polish and Turkish": ("Łukasiewicz-Öztürk", "Şebnem Żaneta"),
}
CJK = ("山田", "太郎")
LONG_PAYER = "Great Lakes Regional Mutual"
TRACE = "EFT 444259422"


def patient_owing(practice, world, last, first, *, postal="10001"):
    with practice.operation("frontdesk") as ctx:
        mrn = patients.register(ctx, {"first_name": first, "last_name": last, "date_of_birth": "1980-02-03",
                                      "sex": "f", "address_line1": f"{first} {last} 12",
                                      "city": "New York", "state": "NY", "postal_code": postal}).patient.mrn
    with practice.operation("billing") as ctx:
        number = encounters.open_encounter(ctx, mrn, world.adams).encounter.id
        encounters.add_charge(ctx, number, "99214")
    return mrn


def statement(practice, mrn):
    with practice.operation("billing") as ctx:
        (doc,) = statements.make_statements(ctx, mrns=[mrn], record=False)
        return doc, statements.render_text(doc, ctx.practice), statements.render_pdf(doc, ctx.practice)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


class TestLettersInThePdf:
    @pytest.mark.parametrize("script", sorted(NAMES))
    def test_the_patients_name_and_address_read_back_letter_for_letter(self, medoffice_practice, world, script):
        last, first = NAMES[script]
        mrn = patient_owing(medoffice_practice, world, last, first)
        doc, _text, pdf = statement(medoffice_practice, mrn)
        read = pdf_text(pdf)
        assert f"{last}, {first} (MRN {mrn})" in read
        assert f"{first} {last} 12" in read
        assert "?" not in read

    def test_a_name_written_with_combining_accents_prints_composed(self, medoffice_practice, world):
        decomposed = unicodedata.normalize("NFD", "Dvořák-Nguyễn")
        mrn = patient_owing(medoffice_practice, world, decomposed, "Ana")
        _doc, _text, pdf = statement(medoffice_practice, mrn)
        assert "Dvořák-Nguyễn, Ana" in pdf_text(pdf)

    def test_letters_the_font_lacks_show_as_a_replacement_mark_not_a_question_mark(
            self, medoffice_practice, world):
        """Chinese, Japanese and Korean are outside the embedded font: each such letter is
        printed as U+FFFD, so the reader sees something is missing (the text statement keeps
        the name)."""
        mrn = patient_owing(medoffice_practice, world, *CJK)
        _doc, text, pdf = statement(medoffice_practice, mrn)
        read = pdf_text(pdf)
        assert f"\ufffd\ufffd, \ufffd\ufffd (MRN {mrn})" in read
        assert "?" not in read
        assert f"山田, 太郎 (MRN {mrn})" in text

    def test_the_fonts_come_with_the_package_and_their_licence(self):
        assert all(path.is_file() and path.stat().st_size > 50_000 for path in pdf.FONT_FILES.values())
        assert "Bitstream" in (pdf.FONTS / "LICENSE").read_text(encoding="utf-8")
        covered = pdf.font_covers()
        for letters in [*(a + b for a, b in NAMES.values()), "€$£№"]:
            assert all(ord(ch) in covered for ch in letters if not ch.isspace() and ch != "-"), letters


class TestNothingCut:
    def test_a_long_insurance_description_wraps_and_keeps_the_whole_trace_number(self, medoffice_practice, world):
        p, w = medoffice_practice, world
        with p.operation("billing") as ctx:
            payers.add_payer(ctx, {"name": LONG_PAYER, "payer_code": "GLRM1"})
        mrn = patient_owing(p, w, "Lee", "Dee")
        with p.operation("billing") as ctx:
            ledger.post_insurance_payment(ctx, mrn, LONG_PAYER, "40.00", TRACE, method="eft")
        doc, text, pdf = statement(p, mrn)
        (payment,) = [line for line in doc.lines if line.credit]
        assert len(payment.description) > statements.DESCRIPTION
        lines = text.splitlines()
        start = next(i for i, line in enumerate(lines) if line[11:].startswith("Great Lakes"))
        assert lines[start].endswith("$40.00")
        continued = [line for line in lines[start + 1:start + 3] if line.startswith(" " * 11)]
        assert " ".join(line.strip() for line in [lines[start][11:40], *continued]).split() == \
            payment.description.split()
        assert "444259422" in text and not re.search(r"\b4442594(?!22)", text)
        assert all(len(line) <= statements.WIDTH for line in lines)
        assert TRACE in pdf_text(pdf).replace("\n", " ")

    def test_a_word_longer_than_the_column_is_broken_with_marks_not_dropped(self, medoffice_practice, world):
        p, w = medoffice_practice, world
        trace = "TRN" + "0123456789" * 4
        mrn = patient_owing(p, w, "Lee", "Eve")
        with p.operation("billing") as ctx:
            ledger.post_insurance_payment(ctx, mrn, "Acme Health", "10.00", trace, method="eft")
        _doc, text, _pdf = statement(p, mrn)
        lines = text.splitlines()
        start = next(i for i, line in enumerate(lines) if "Acme Health" in line)
        assert lines[start][11:40].rstrip() == "Acme Health eft"
        pieces = [line.strip() for line in lines[start + 1:start + 3]]
        assert [pieces[0][-1], pieces[1][0]] == ["\u2026", "\u2026"]
        assert "".join(pieces).replace("\u2026", "") == trace
        assert all(len(line) <= statements.WIDTH for line in lines)
