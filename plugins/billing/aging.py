"""Balances as of a day, and how old they are: shared by statements and the A/R reports.

A patient's balance on a day is summed by the database, one ``GROUP BY patient`` query per
kind of row: charges (not voided) by date of service, payments by the day received,
adjustments by the day adjusted, refunds by the day refunded, each up to that day.

A positive balance is then aged by date of service, **oldest charges paid first**: what is
owed is the newest charges' amounts, walked back from the newest until the balance is used
up. So the buckets of a patient add up to the balance exactly, whatever was paid against
which line. Each aged part is owed by the payer of the claim still open on that line
(draft, ready or submitted), else by the patient.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import attrs
from sqlalchemy import func, select

from medoffice.core import Context

from .models import Adjustment, Charge, Claim, ClaimLine, Payment, Refund

ZERO = Decimal("0.00")
BUCKETS = ("0-30", "31-60", "61-90", "90+")
OPEN_CLAIM = ("draft", "ready", "submitted")


def bucket(days: int) -> int:
    """The index in :data:`BUCKETS` of a balance ``days`` old."""
    return 0 if days <= 30 else 1 if days <= 60 else 2 if days <= 90 else 3


@attrs.frozen
class AgedPart:
    """Part of a patient's balance: owed on one charge line, by a payer (None: the patient)."""

    patient_id: int
    charge_id: int
    date_of_service: dt.date
    amount: Decimal
    payer_id: int | None


def balances(ctx: Context, on: dt.date, patient_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """Patient id -> balance at the end of ``on`` (every patient with any row; zero included)."""
    wanted = None if patient_ids is None else list(patient_ids)
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for column, day, sign, extra in ((Charge.amount, Charge.date_of_service, 1, (Charge.voided_at.is_(None),)),
                                     (Payment.amount, Payment.received_on, -1, ()),
                                     (Adjustment.amount, Adjustment.adjusted_on, -1, ()),
                                     (Refund.amount, Refund.refunded_on, 1, ())):
        table = column.class_
        query = (select(table.patient_id, func.sum(column)).where(day <= on, *extra).group_by(table.patient_id))
        if wanted is not None:
            query = query.where(table.patient_id.in_(wanted))
        for patient_id, total in ctx.session.execute(query):
            totals[patient_id] += sign * (total or ZERO)
    return dict(totals)


def aged_parts(ctx: Context, on: dt.date, patient_ids: Iterable[int] | None = None) -> list[AgedPart]:
    """The positive balances at the end of ``on``, split over the newest charge lines."""
    owing = {pid: b for pid, b in balances(ctx, on, patient_ids).items() if b > 0}
    if not owing:
        return []
    charges: dict[int, list[tuple[int, dt.date, Decimal]]] = defaultdict(list)
    ids = sorted(owing)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row in ctx.session.execute(
                select(Charge.patient_id, Charge.id, Charge.date_of_service, Charge.amount)
                .where(Charge.patient_id.in_(chunk), Charge.voided_at.is_(None), Charge.date_of_service <= on)
                .order_by(Charge.patient_id, Charge.date_of_service.desc(), Charge.id.desc())):
            charges[row[0]].append((row[1], row[2], row[3]))
    parts: list[tuple[int, int, dt.date, Decimal]] = []
    for pid in ids:
        left = owing[pid]
        for charge_id, day, amount in charges[pid]:
            if left <= 0:
                break
            take = min(amount, left)
            if take > 0:
                parts.append((pid, charge_id, day, take))
                left -= take
        if left > 0:  # a balance without charges to age it on (a refund of a credit): oldest bucket
            parts.append((pid, 0, dt.date.min, left))
    payer_of: dict[int, int] = {}
    charge_ids = sorted({p[1] for p in parts if p[1]})
    for start in range(0, len(charge_ids), 500):
        chunk = charge_ids[start:start + 500]
        for charge_id, payer_id in ctx.session.execute(
                select(ClaimLine.charge_id, Claim.payer_id).join(Claim, Claim.id == ClaimLine.claim_id)
                .where(ClaimLine.charge_id.in_(chunk), Claim.status.in_(OPEN_CLAIM)).order_by(Claim.id)):
            payer_of[charge_id] = payer_id
    return [AgedPart(pid, cid, day, amount, payer_of.get(cid)) for pid, cid, day, amount in parts]


def age_in_days(on: dt.date, day: dt.date) -> int:
    return 10_000 if day == dt.date.min else (on - day).days
