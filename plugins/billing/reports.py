"""Billing reports for ``medoffice reports`` (the ``medoffice_reports`` hook).

- ``billing.day_sheet`` (``day``): per provider, the day's charges (by date of service),
  payments (received that day, credited to the provider of each line they paid; what was
  not applied to a line is "unapplied") and adjustments (by the provider of their line).
- ``billing.ar_aging`` (``on``, ``by``): what is owed at the end of a day, in 0–30, 31–60,
  61–90 and 90+ days by date of service, by payer (the payer of the claim still open on the
  line, else the patient) or by patient.
- ``billing.collections`` (``from``, ``to``): charges, payments, adjustments and refunds of
  a range, and the gross and net collection rates.

The sums are the database's (``GROUP BY``), in whole cents read back as ``Decimal``: each
total row is the exact sum of the rows above it. Amounts are shown as ``1234.50``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import func, select

from medoffice.core import Context, ValidationError
from medoffice.core.records import ReportResult, ReportSpec
from medoffice.core.services import patients, staff
from medoffice.core.storage.models import Patient

from . import aging
from .common import parse_day
from .models import Adjustment, Charge, Encounter, Payer, Payment, PaymentAllocation, Refund
from .permissions import CLAIMS

ZERO = Decimal("0.00")
UNAPPLIED = "(unapplied)"
TOTAL = "total"
PATIENT = "patient (self-pay)"


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def _provider_names(ctx: Context) -> dict[int, str]:
    return {s.id: s.name for s in staff.list_staff(ctx, include_inactive=True)}


# -- day sheet -------------------------------------------------------------------------------


def day_sheet(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """Per provider: charges, payments and adjustments of one local day."""
    ctx.require(CLAIMS)
    day = parse_day(params.get("day"), ctx, field="day")
    charges = dict(ctx.session.execute(
        select(Encounter.provider_id, func.sum(Charge.amount)).join(Encounter, Encounter.id == Charge.encounter_id)
        .where(Charge.date_of_service == day, Charge.voided_at.is_(None)).group_by(Encounter.provider_id)).all())
    applied = dict(ctx.session.execute(
        select(Encounter.provider_id, func.sum(PaymentAllocation.amount))
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .join(Charge, Charge.id == PaymentAllocation.charge_id).join(Encounter, Encounter.id == Charge.encounter_id)
        .where(Payment.received_on == day).group_by(Encounter.provider_id)).all())
    received = ctx.session.execute(select(func.sum(Payment.amount)).where(Payment.received_on == day)).scalar() or ZERO
    adjusted = dict(ctx.session.execute(
        select(Encounter.provider_id, func.sum(Adjustment.amount))
        .join(Charge, Charge.id == Adjustment.charge_id).join(Encounter, Encounter.id == Charge.encounter_id)
        .where(Adjustment.adjusted_on == day).group_by(Encounter.provider_id)).all())
    adjusted_all = ctx.session.execute(select(func.sum(Adjustment.amount))
                                       .where(Adjustment.adjusted_on == day)).scalar() or ZERO
    names = _provider_names(ctx)
    rows = []
    for provider_id in sorted(set(charges) | set(applied) | set(adjusted), key=lambda p: (names.get(p, "?"), p)):
        rows.append((names.get(provider_id, "?"), charges.get(provider_id, ZERO), applied.get(provider_id, ZERO),
                     adjusted.get(provider_id, ZERO)))
    unapplied = (received - sum(applied.values(), ZERO), adjusted_all - sum(adjusted.values(), ZERO))
    if any(unapplied):
        rows.append((UNAPPLIED, ZERO, *unapplied))
    totals = (TOTAL, sum((r[1] for r in rows), ZERO), sum((r[2] for r in rows), ZERO), sum((r[3] for r in rows), ZERO))
    return ReportResult(f"Day sheet, {day}", ("provider", "charges", "payments", "adjustments"),
                        [(r[0], *(money(v) for v in r[1:])) for r in [*rows, totals]],
                        notes="charges by date of service; payments by the day received, credited to the provider "
                              "of the lines they paid; adjustments by the day made.")


# -- A/R aging -------------------------------------------------------------------------------


def ar_aging(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """Outstanding balances at the end of ``on`` in 0–30, 31–60, 61–90, 90+ days, by payer or patient."""
    ctx.require(CLAIMS)
    on = parse_day(params.get("on"), ctx, field="on")
    by = (params.get("by") or "payer").strip().lower()
    if by not in ("payer", "patient"):
        raise ValidationError(f"by must be payer or patient, got {params.get('by')!r}", field="by")
    parts = aging.aged_parts(ctx, on)
    groups: dict[object, list[Decimal]] = defaultdict(lambda: [ZERO] * 4)
    for part in parts:
        key = part.payer_id if by == "payer" else part.patient_id
        groups[key][aging.bucket(aging.age_in_days(on, part.date_of_service))] += part.amount
    if by == "payer":
        payer_names = dict(ctx.session.execute(select(Payer.id, Payer.name)).all())
        label = {key: (payer_names.get(key, "?") if key is not None else PATIENT) for key in groups}
    else:
        label = {}
        ids = [k for k in groups if isinstance(k, int)]
        for start in range(0, len(ids), 500):
            for row in ctx.session.execute(select(Patient).where(Patient.id.in_(ids[start:start + 500]))).scalars():
                record = patients.to_record(row)
                label[row.id] = f"{record.display_name} ({record.mrn})"
    rows = []
    for key in sorted(groups, key=lambda k: (label[k] == PATIENT, label[k])):
        buckets = groups[key]
        rows.append((label[key], *buckets, sum(buckets, ZERO)))
    totals = [sum((r[i] for r in rows), ZERO) for i in range(1, 6)]
    return ReportResult(f"A/R aging by {by}, {on}", (by, *aging.BUCKETS, "total"),
                        [(r[0], *(money(v) for v in r[1:])) for r in [*rows, (TOTAL, *totals)]],
                        notes="days since the date of service; oldest charges paid first; a line on a claim not "
                              "yet paid or denied is owed by that claim's payer, else by the patient.")


# -- collections -----------------------------------------------------------------------------


def _percent(part: Decimal, whole: Decimal) -> str:
    return f"{(100 * part / whole).quantize(Decimal('0.1'))}%" if whole > 0 else "-"


def collections(ctx: Context, params: Mapping[str, str]) -> ReportResult:
    """Charges against what was collected over a range of days, and the collection rates."""
    ctx.require(CLAIMS)
    last = parse_day(params.get("to"), ctx, field="to")
    first = (parse_day(params["from"], ctx, field="from") if params.get("from")
             else last.replace(day=1))
    if first > last:
        raise ValidationError(f"the range cannot start ({first}) after it ends ({last})", field="from")

    def total(column, day, *where) -> Decimal:
        return ctx.session.execute(select(func.sum(column)).where(day >= first, day <= last, *where)).scalar() or ZERO

    charged = total(Charge.amount, Charge.date_of_service, Charge.voided_at.is_(None))
    by_kind = dict(ctx.session.execute(select(Payment.kind, func.sum(Payment.amount))
                                       .where(Payment.received_on >= first, Payment.received_on <= last)
                                       .group_by(Payment.kind)).all())
    by_reason = dict(ctx.session.execute(select(Adjustment.reason, func.sum(Adjustment.amount))
                                         .where(Adjustment.adjusted_on >= first, Adjustment.adjusted_on <= last)
                                         .group_by(Adjustment.reason)).all())
    refunded = total(Refund.amount, Refund.refunded_on)
    patient_paid, insurance_paid = by_kind.get("patient", ZERO), by_kind.get("insurance", ZERO)
    collected = patient_paid + insurance_paid - refunded
    contractual = by_reason.get("contractual", ZERO)
    rows = [("charges", money(charged)), ("payments, patients", money(patient_paid)),
            ("payments, insurance", money(insurance_paid)), ("refunds", money(refunded)),
            ("collected (payments - refunds)", money(collected)),
            ("adjustments, contractual", money(contractual)),
            ("adjustments, courtesy", money(by_reason.get("courtesy", ZERO))),
            ("adjustments, bad debt", money(by_reason.get("bad_debt", ZERO))),
            ("gross collection rate", _percent(collected, charged)),
            ("net collection rate", _percent(collected, charged - contractual))]
    return ReportResult(f"Collections, {first} to {last}", ("measure", "value"), rows,
                        notes="gross = collected / charges; net = collected / (charges - contractual "
                              "adjustments). Charges by date of service, money by the day it moved.")


REPORTS = [
    ReportSpec("billing.day_sheet", "Day sheet", day_sheet, CLAIMS, ("day",),
               "Per provider: the day's charges, payments and adjustments."),
    ReportSpec("billing.ar_aging", "A/R aging", ar_aging, CLAIMS, ("on", "by"),
               "Outstanding balances in 0-30, 31-60, 61-90 and 90+ days, by payer or by patient."),
    ReportSpec("billing.collections", "Collections", collections, CLAIMS, ("from", "to"),
               "Charges, payments, adjustments and refunds of a range; gross and net collection rates."),
]
