"""Statements: every patient with a balance due gets one, as text and as PDF, showing what
happened since their last statement, how old the balance is and what is due."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from medoffice.core.errors import Conflict, PermissionDenied
from medoffice.plugins.billing import ledger, statements
from medoffice.plugins.billing.models import Statement

from ._claims_world import ar_world

pytestmark = pytest.mark.medoffice_plugins("billing")

UTC = dt.timezone.utc


def make(practice, user="billing", **options):
    with practice.operation(user) as ctx:
        docs = statements.make_statements(ctx, **options)
        return docs, [statements.render_text(d, ctx.practice) for d in docs]


class TestStatements:
    def test_every_patient_with_a_balance_due_gets_one_recorded(self, medoffice_practice, world):
        p, w = medoffice_practice, world
        ar_world(p, w)
        docs, _texts = make(p)
        assert [(d.mrn, d.amount_due, d.aging) for d in docs] == [
            (w.ann, Decimal("135.00"), (Decimal("120.00"), Decimal("0.00"), Decimal("0.00"), Decimal("15.00"))),
            (w.bo, Decimal("100.00"), (Decimal("0.00"), Decimal("0.00"), Decimal("100.00"), Decimal("0.00"))),
            (w.cy, Decimal("120.00"), (Decimal("0.00"), Decimal("120.00"), Decimal("0.00"), Decimal("0.00")))]
        assert all(sum(d.aging) == d.amount_due for d in docs)
        with p.operation("billing", write=False) as ctx:
            rows = ctx.session.execute(select(Statement).order_by(Statement.id)).scalars().all()
            assert [(r.patient_id, r.issued_on, r.balance, r.created_by) for r in rows] == [
                (d_id, dt.date(2026, 1, 5), d.amount_due, "billing")
                for d_id, d in zip((r.patient_id for r in rows), docs, strict=True)]
            assert [ledger.balance(ctx, d.mrn) for d in docs] == [d.amount_due for d in docs]
        assert make(p)[0] == [], "a patient is sent one statement a day"

    def test_the_text_has_the_practice_the_patient_the_lines_the_aging_and_the_amount_due(
            self, medoffice_practice, world):
        p, w = medoffice_practice, world
        ar_world(p, w)
        (doc,), (text,) = make(p, mrns=[w.bo])
        assert text.splitlines()[:4] == ["Test Practice", "1 Clinic Way", "New York, NY 10001-1234", "212-555-0100"]
        assert f"Lee, Bo (MRN {w.bo})" in text
        assert [(line.on, line.charge, line.credit) for line in doc.lines] == [
            (dt.date(2025, 10, 20), Decimal("95.00"), Decimal("0")), (dt.date(2025, 10, 20), Decimal("25.00"),
                                                                      Decimal("0")),
            (dt.date(2026, 1, 5), Decimal("0"), Decimal("20.00"))]
        assert "0-30: $0.00  31-60: $0.00  61-90: $100.00  90+: $0.00" in text
        assert text.rstrip().splitlines()[-1] == "AMOUNT DUE" + " " * 30 + "$100.00".rjust(24)

    def test_the_next_statement_shows_only_what_happened_since_the_last(self, medoffice_practice, world):
        p, w = medoffice_practice, world
        ar_world(p, w)
        make(p, mrns=[w.bo])
        p.runtime.clock = lambda: dt.datetime(2026, 2, 2, 15, 0, tzinfo=UTC)
        with p.operation("billing") as ctx:
            ledger.take_payment(ctx, w.bo, "40.00", "check", reference="1001", received_on="2026-01-20")
        (doc,), (text,) = make(p, mrns=[w.bo])
        assert (doc.period_from, doc.brought_forward, doc.amount_due) == (
            dt.date(2026, 1, 5), Decimal("100.00"), Decimal("60.00"))
        assert [(line.on, line.credit) for line in doc.lines] == [(dt.date(2026, 1, 20), Decimal("40.00"))]
        assert "Activity since 2026-01-05" in text
        (full,), _ = make(p, mrns=[w.bo], since="2025-01-01", record=False)
        assert (full.brought_forward, len(full.lines), full.amount_due) == (Decimal("0.00"), 4, Decimal("60.00"))

    def test_a_named_patient_who_owes_nothing_and_the_front_desk_are_refused(self, medoffice_practice, world):
        p, w = medoffice_practice, world
        with pytest.raises(Conflict, match="no balance due for Lee, Bo"):
            make(p, mrns=[w.bo])
        with pytest.raises(PermissionDenied):
            make(p, user="frontdesk")

    def test_pdf_statements_from_the_command_line(self, medoffice_practice, world, tmp_path):
        p, w = medoffice_practice, world
        ar_world(p, w)
        folder = tmp_path / "statements"
        result = p.cli("billing", "statements", "--on", "2026-01-05", "--pdf", str(folder), "--json",
                       user="billing")
        assert result.exit_code == 0, result.output
        made = result.json()
        assert [m["statement"]["mrn"] for m in made] == [w.ann, w.bo, w.cy]
        assert made[1]["aging"] == {"0-30": "0.00", "31-60": "0.00", "61-90": "100.00", "90+": "0.00"}
        names = sorted(f.name for f in folder.iterdir())
        assert names == [f"statement-{m}-2026-01-05.pdf" for m in (w.ann, w.bo, w.cy)]
        assert all((folder / n).read_bytes().startswith(b"%PDF-") for n in names)
        with p.operation("billing", write=False) as ctx:
            recorded = ctx.session.execute(select(Statement.file_name).order_by(Statement.id)).scalars().all()
        assert recorded == names
        again = p.cli("billing", "statements", "--on", "2026-01-05", user="billing")
        assert again.exit_code == 0 and "no patient has a balance due" in again.output
