"""Patient statements: what each patient with a balance due owes, as text and as PDF.

A statement covers the patient's ledger since their last statement (or from a day given):
the balance brought forward, each charge, payment, adjustment and refund since, the amount
due now and how old it is (0–30, 31–60, 61–90, over 90 days, by date of service, oldest
charges paid first; see :mod:`.aging`). Each statement made is recorded in
``billing_statement`` with the balance it asked for, so the next one starts after it.

Nothing on a statement is cut: a description too long for its column wraps onto the next
lines of the text statement (and of the PDF's table), so a check or EFT number is never
shortened into a different number; a single word longer than the column is broken with
``…`` marking each break. The PDF embeds DejaVu Sans (:mod:`medoffice.core.pdf`, which
ships it with its licence): Latin with every accent (Czech, Vietnamese…), Greek and Cyrillic print as
they are; a letter the font lacks (Chinese, Japanese, Korean, right-to-left scripts) prints
as ``�``, never as a wrong letter or ``?``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import attrs
from sqlalchemy import func, select

from medoffice.core import Conflict, Context, ValidationError
from medoffice.core.files import write_private
from medoffice.core.pdf import FAMILY, new_document, printable
from medoffice.core.records import Address, PracticeRecord
from medoffice.core.services import patients

from . import aging, ledger
from .common import parse_day
from .models import Statement
from .money import show
from .permissions import CLAIMS, READ

WIDTH = 64
DESCRIPTION = 28
"""Columns for a line's description in the text statement; longer ones wrap."""
ELLIPSIS = "\u2026"


@attrs.frozen
class StatementLine:
    on: dt.date
    description: str
    charge: Decimal
    credit: Decimal


@attrs.frozen
class StatementDoc:
    """One patient's statement; ``id`` is its ``billing_statement`` row (None when only previewed)."""

    id: int | None
    mrn: str
    patient: str
    address: Address
    issued_on: dt.date
    period_from: dt.date | None
    brought_forward: Decimal
    lines: tuple[StatementLine, ...]
    amount_due: Decimal
    aging: tuple[Decimal, Decimal, Decimal, Decimal]
    file_name: str | None = None

    @property
    def aging_buckets(self) -> dict[str, Decimal]:
        return dict(zip(aging.BUCKETS, self.aging, strict=True))


def _last_statements(ctx: Context, patient_ids: Sequence[int], before: dt.date) -> dict[int, dt.date]:
    query = (select(Statement.patient_id, func.max(Statement.issued_on))
             .where(Statement.patient_id.in_(list(patient_ids)), Statement.issued_on < before)
             .group_by(Statement.patient_id))
    return dict(ctx.session.execute(query).all())


def _document(ctx: Context, patient_id: int, on: dt.date, since: dt.date | None, buckets) -> StatementDoc:
    patient = patients.get_by_id(ctx, patient_id)
    account = ledger.ledger(ctx, patient.mrn)
    forward = Decimal("0.00")
    lines = []
    for entry in account.entries:
        if entry.on > on:
            continue
        if since is not None and entry.on <= since:
            forward = entry.balance
        else:
            lines.append(StatementLine(entry.on, entry.description, entry.debit, entry.credit))
    due = forward + sum((line.charge - line.credit for line in lines), Decimal("0.00"))
    return StatementDoc(None, patient.mrn, patient.display_name, patient.address, on, since, forward, tuple(lines),
                        due, tuple(buckets))


def make_statements(ctx: Context, *, on: str | dt.date | None = None, since: str | dt.date | None = None,
                    mrns: Sequence[str] = (), record: bool = True) -> list[StatementDoc]:
    """A statement for every patient with a balance due at the end of ``on`` (default today),
    or for the patients named; each covers the ledger since the patient's last statement, or
    since ``since`` when given. Recorded in ``billing_statement`` unless ``record`` is false
    (a preview). A patient already sent a statement that day is left out.

    Raises:
        PermissionDenied: without ``billing.claims`` (``billing.read`` for a preview, which
            reads the ledgers and balances and records nothing).
        ValidationError: bad dates, ``since`` after ``on``.
        NotFound: an unknown MRN.
        Conflict: a named patient who owes nothing.
    """
    ctx.require(CLAIMS if record else READ)
    day = parse_day(on, ctx, field="on")
    start = parse_day(since, ctx, field="since") if since else None
    if start is not None and start > day:
        raise ValidationError(f"the statement period cannot start ({start}) after it ends ({day})", field="since")
    named = [patients.get(ctx, mrn) for mrn in mrns]
    parts = aging.aged_parts(ctx, day, [p.id for p in named] if named else None)
    owed: dict[int, list[Decimal]] = {}
    for part in parts:
        buckets = owed.setdefault(part.patient_id, [Decimal("0.00")] * 4)
        buckets[aging.bucket(aging.age_in_days(day, part.date_of_service))] += part.amount
    nothing = [p.display_name for p in named if p.id not in owed]
    if nothing:
        raise Conflict(f"no balance due for {', '.join(nothing)}")
    already = set(ctx.session.execute(select(Statement.patient_id).where(
        Statement.patient_id.in_(list(owed)), Statement.issued_on == day)).scalars()) if record else set()
    last = _last_statements(ctx, list(owed), day) if start is None else {}
    documents = []
    for patient_id in sorted(owed):
        if patient_id in already:
            continue
        doc = _document(ctx, patient_id, day, start or last.get(patient_id), owed[patient_id])
        if record:
            row = Statement(patient_id=patient_id, issued_on=day, balance=doc.amount_due, created_at=ctx.now(),
                            created_by=ctx.user.username)
            ctx.session.add(row)
            ctx.session.flush()
            ctx.audit("billing.statement.issued", "billing_statement", row.id, patient_id=patient_id,
                      summary={"issued_on": day.isoformat(), "balance": str(doc.amount_due)})
            doc = attrs.evolve(doc, id=row.id)
        documents.append(doc)
    return documents


def record_file(ctx: Context, statement_id: int, file_name: str) -> None:
    """Note the file a statement was printed to."""
    ctx.require(CLAIMS)
    row = ctx.session.get(Statement, statement_id)
    if row is not None:
        row.file_name = file_name[:255]
        ctx.session.flush()


# -- rendering -------------------------------------------------------------------------------


def _address_lines(address: Address) -> list[str]:
    lines = [line for line in (address.line1, address.line2) if line]
    last = " ".join(p for p in (address.city and f"{address.city},", address.state, address.postal_code) if p)
    return lines + ([last] if last else [])


def header_lines(practice: PracticeRecord) -> list[str]:
    return [practice.name, *_address_lines(practice.address)] + ([practice.phone] if practice.phone else [])


def _wrapped(description: str) -> list[str]:
    """A description in lines of at most :data:`DESCRIPTION` columns, broken between words.
    A word longer than the column (a long trace number) is broken with ``…`` at the end of
    each piece and the start of the next, so no piece reads as a whole number."""
    pieces: list[str] = []
    for word in description.split():
        lead = ""
        while len(lead + word) > DESCRIPTION:
            take = DESCRIPTION - len(lead) - 1
            pieces.append(lead + word[:take] + ELLIPSIS)
            word, lead = word[take:], ELLIPSIS
        pieces.append(lead + word)
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + 1 + len(piece) <= DESCRIPTION:
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    return lines or [""]


def render_text(doc: StatementDoc, practice: PracticeRecord) -> str:
    """The statement as plain text, 64 columns wide; long descriptions wrap onto the next
    lines, under the description column."""
    out = [*header_lines(practice), "", "STATEMENT".center(WIDTH), "",
           f"{doc.patient} (MRN {doc.mrn})", *_address_lines(doc.address), "",
           f"Statement date: {doc.issued_on}"
           + (f"    Activity since {doc.period_from}" if doc.period_from else ""), "-" * WIDTH,
           f"{'Date':<11}{'Description':<29}{'Charges':>12}{'Credits':>12}", "-" * WIDTH,
           f"{'':<11}{'Balance brought forward':<29}{show(doc.brought_forward):>12}"]
    for line in doc.lines:
        first, *more = _wrapped(line.description)
        out.append(f"{line.on!s:<11}{first:<29}"
                   f"{show(line.charge) if line.charge else '':>12}{show(line.credit) if line.credit else '':>12}")
        out += [f"{'':<11}{part}" for part in more]
    out += ["-" * WIDTH, "  ".join(f"{name}: {show(amount)}" for name, amount in doc.aging_buckets.items()),
            "-" * WIDTH, f"{'AMOUNT DUE':<40}{show(doc.amount_due):>24}", ""]
    return "\n".join(out)


def render_pdf(doc: StatementDoc, practice: PracticeRecord) -> bytes:
    """The statement as a one-page (or longer) PDF, made with fpdf2 in DejaVu Sans; see
    :func:`printable` for the letters it covers."""
    pdf = new_document(f"Statement {doc.mrn} {doc.issued_on}")
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, printable(practice.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    for line in header_lines(practice)[1:]:
        pdf.multi_cell(0, 5, printable(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 16)
    pdf.cell(0, 9, "STATEMENT", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    for line in [f"{doc.patient} (MRN {doc.mrn})", *_address_lines(doc.address)]:
        pdf.multi_cell(0, 5, printable(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.cell(0, 5, f"Statement date: {doc.issued_on}"
             + (f"   Activity since {doc.period_from}" if doc.period_from else ""), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    with pdf.table(col_widths=(25, 95, 35, 35), text_align=("LEFT", "LEFT", "RIGHT", "RIGHT"),
                   first_row_as_headings=True) as table:
        table.row(("Date", "Description", "Charges", "Credits"))
        table.row(("", "Balance brought forward", show(doc.brought_forward), ""))
        for line in doc.lines:
            table.row((str(line.on), printable(line.description), show(line.charge) if line.charge else "",
                       show(line.credit) if line.credit else ""))
    pdf.ln(4)
    with pdf.table(col_widths=(1, 1, 1, 1, 1), text_align="RIGHT") as table:
        table.row((*aging.BUCKETS, "Amount due"))
        table.row((*(show(a) for a in doc.aging), show(doc.amount_due)))
    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 7, f"AMOUNT DUE: {show(doc.amount_due)}", align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def pdf_name(doc: StatementDoc) -> str:
    return f"statement-{doc.mrn}-{doc.issued_on}.pdf"


def write_pdfs(ctx: Context, documents: Sequence[StatementDoc], folder: Path,
               write: Callable[[Path, bytes], object] = write_private) -> list[Path]:
    """Write each statement's PDF into ``folder`` and note the file on its row.

    ``write`` writes one file (default :func:`~medoffice.core.files.write_private`); the CLI
    passes its operation's, so the files appear only once the statements are recorded.

    Raises:
        ValidationError: the folder cannot be made.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValidationError(f"cannot make {folder}: {error.strerror or error}", field="pdf") from None
    written = []
    for doc in documents:
        path = folder / pdf_name(doc)
        write(path, render_pdf(doc, ctx.practice))
        if doc.id is not None:
            record_file(ctx, doc.id, path.name)
        written.append(path)
    return written
