"""837P batches: the export of ready claims, and their files written again.

An export takes the ready claims (or the ones named), scrubs them all again and refuses the
whole batch, writing nothing, if any has a problem. Otherwise it draws the interchange and
group control numbers from :mod:`..numbers`, records the batch with its envelope, and marks
the claims submitted. :func:`batch_file` writes a batch's file again, byte for byte, from
the batch's recorded envelope and moment.

Unlike :mod:`.p837` and :mod:`.writer`, which format records in memory, this module is a
service: it reads and writes the database, through :mod:`..claims` for the claims.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal

import attrs
from sqlalchemy import select

from medoffice.core import Conflict, Context, NotFound, ValidationError

from .. import numbers
from ..claims import billing_provider, change_status, claim_data, rows_named
from ..common import parse_id
from ..models import Claim, ClaimBatch
from ..permissions import CLAIMS
from ..scrubber import scrub_claim, scrub_practice
from .p837 import Envelope, Party, build_837p, digits
from .writer import text_problem

USAGES = ("P", "T")


@attrs.frozen
class BatchRecord:
    id: int
    interchange_control_number: int
    group_control_number: int
    transaction_control_number: str
    claim_count: int
    total: Decimal
    submitter_id: str | None
    receiver_id: str | None
    receiver_name: str | None
    usage_indicator: str | None
    file_name: str | None
    content_sha256: str | None
    created_at: dt.datetime
    created_by: str


@attrs.frozen
class Export:
    """An 837P file: its batch, its text, and whether it is the file first sent (a batch
    written again from data changed since differs, and says so)."""

    batch: BatchRecord
    text: str
    unchanged: bool = True


def _batch_record(row: ClaimBatch) -> BatchRecord:
    return BatchRecord(row.id, row.interchange_control_number, row.group_control_number,
                       row.transaction_control_number, row.claim_count, row.total, row.submitter_id, row.receiver_id,
                       row.receiver_name, row.usage_indicator, row.file_name, row.content_sha256, row.created_at,
                       row.created_by)


def _envelope(ctx: Context, batch: ClaimBatch) -> Envelope:
    practice = ctx.practice
    return Envelope(batch.interchange_control_number, batch.group_control_number, batch.transaction_control_number,
                    ctx.local(batch.created_at), Party(practice.name, batch.submitter_id or ""),
                    Party(batch.receiver_name or "", batch.receiver_id or ""), practice.name, practice.phone or "",
                    batch.usage_indicator or "P")


def _envelope_problems(ctx: Context, submitter_id: str, receiver_id: str, receiver_name: str) -> list[str]:
    problems = []
    if not ctx.practice.phone:
        problems.append("practice: the practice has no phone number (the submitter's contact, 1000A PER)")
    for label, value, longest in (("submitter id", submitter_id, 15), ("receiver id", receiver_id, 15),
                                  ("receiver name", receiver_name, 60)):
        if not value:
            problems.append(f"batch: the {label} is missing")
        elif len(value) > longest:
            problems.append(f"batch: the {label} {value!r} is longer than {longest} characters")
        elif text_problem(value):
            problems.append(f"batch: the {label} {value!r} {text_problem(value)}")
    return problems


def export_batch(ctx: Context, claim_ids: Sequence[int] | None = None, *, receiver_id: str | None = None,
                 receiver_name: str | None = None, submitter_id: str | None = None, usage: str = "P",
                 file_name: str | None = None) -> Export:
    """Export the claims named (draft or ready), or every ready claim, as one 837P batch.

    Every claim is scrubbed again first; if any has a problem, every problem is named in one
    error and nothing is written. The receiver defaults to the claims' payer when they all
    go to one (its name and payer id); the submitter's id to the practice's tax id.

    Raises:
        PermissionDenied: without ``billing.claims``.
        ValidationError: no claim to export, a problem in any claim or in the envelope.
        Conflict: a named claim already submitted.
    """
    ctx.require(CLAIMS)
    usage = (usage or "P").strip().upper()
    if usage not in USAGES:
        raise ValidationError(f"usage must be P (production) or T (test), got {usage!r}", field="usage")
    if claim_ids is None:
        rows = list(ctx.session.execute(select(Claim).where(Claim.status == "ready").order_by(Claim.id)).scalars())
        if not rows:
            raise ValidationError("no claim is ready to export (scrub the drafts first: 'billing claims scrub')")
    else:
        rows = sorted(rows_named(ctx, Claim, claim_ids, what="claim", field="claim"), key=lambda r: r.id)
        sent = [f"{r.claim_number} ({r.status})" for r in rows if r.status not in ("draft", "ready")]
        if sent:
            raise Conflict(f"nothing exported; already sent: {', '.join(sent)} (replace one with 'claims resubmit')")
    data = claim_data(ctx, rows)
    billing = billing_provider(ctx)
    practice_problems = [str(p) for p in scrub_practice(billing)]
    claim_problems = [str(p) for d in data for p in scrub_claim(d, billing)]
    payers = {(d.payer.name, d.payer.payer_code) for d in data}
    if receiver_id is None and receiver_name is None and len(payers) == 1:
        receiver_name, receiver_id = next(iter(payers))
    submitter_id = (submitter_id or digits(ctx.practice.tax_id)).strip()
    receiver_id, receiver_name = (receiver_id or "").strip(), (receiver_name or "").strip()
    if not receiver_id and not receiver_name and len(payers) > 1:
        envelope_problems = _envelope_problems(ctx, submitter_id, "-", "-")
        envelope_problems.append("batch: the claims go to several payers; name the receiver (your clearinghouse) "
                                 "with its id and name")
    else:
        envelope_problems = _envelope_problems(ctx, submitter_id, receiver_id, receiver_name)
    problems = practice_problems + envelope_problems + claim_problems
    if problems:
        raise ValidationError(f"nothing exported; {len(problems)} problem(s): " + "; ".join(problems))
    batch = ClaimBatch(interchange_control_number=numbers.take(ctx, numbers.INTERCHANGE),
                       group_control_number=numbers.take(ctx, numbers.GROUP), transaction_control_number="",
                       claim_count=len(rows), total=sum((r.total for r in rows), Decimal("0.00")),
                       file_name=file_name, created_at=ctx.now(), created_by=ctx.user.username,
                       submitter_id=submitter_id, receiver_id=receiver_id, receiver_name=receiver_name,
                       usage_indicator=usage)
    batch.transaction_control_number = f"{batch.group_control_number:04d}"[-9:]
    ctx.session.add(batch)
    ctx.session.flush()
    text = build_837p(_envelope(ctx, batch), billing, data)
    batch.content_sha256 = hashlib.sha256(text.encode("ascii")).hexdigest()
    now = ctx.now()
    for row in rows:
        row.batch_id, row.submitted_at = batch.id, now
        change_status(ctx, row, "submitted", f"batch {batch.id} (ISA13 {batch.interchange_control_number:09d})",
                action="billing.claim.submitted")
    ctx.audit("billing.batch.exported", "billing_claim_batch", batch.id,
              summary={"interchange": batch.interchange_control_number, "group": batch.group_control_number,
                       "claims": len(rows), "total": str(batch.total), "receiver": batch.receiver_id,
                       "sha256": batch.content_sha256})
    ctx.session.flush()
    return Export(_batch_record(batch), text)


def batch_file(ctx: Context, batch_id: int) -> Export:
    """The 837P file of a batch, written again with its control numbers, envelope and moment:
    the same bytes as first sent unless the claims' data has changed since (``unchanged``
    says which; the file's SHA-256 was recorded)."""
    ctx.require(CLAIMS)
    number = parse_id(batch_id, what="a batch", field="batch")
    batch = ctx.session.get(ClaimBatch, number)
    if batch is None:
        raise NotFound(f"no claim batch with id {number}")
    rows = list(ctx.session.execute(select(Claim).where(Claim.batch_id == batch.id).order_by(Claim.id)).scalars())
    text = build_837p(_envelope(ctx, batch), billing_provider(ctx), claim_data(ctx, rows))
    unchanged = hashlib.sha256(text.encode("ascii", "replace")).hexdigest() == batch.content_sha256
    return Export(_batch_record(batch), text, unchanged)


def list_batches(ctx: Context) -> list[BatchRecord]:
    """The exported batches, newest first."""
    ctx.require(CLAIMS)
    return [_batch_record(b) for b in ctx.session.execute(select(ClaimBatch).order_by(ClaimBatch.id.desc())).scalars()]


__all__ = ["BatchRecord", "Export", "batch_file", "export_batch", "list_batches"]
