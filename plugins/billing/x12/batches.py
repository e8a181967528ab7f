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

from medoffice.core.progress import SILENT, Progress

from .. import numbers
from ..claims import CLAIM_COLUMNS, billing_provider, claim_data_chunks, move_claims, rows_named
from ..codes import load_code_set
from ..common import parse_id
from ..models import Claim, ClaimBatch
from ..permissions import CLAIMS
from ..scrubber import scrub_claim, scrub_practice
from .p837 import Body, Envelope, Party, digits
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
                 file_name: str | None = None, progress: Progress = SILENT) -> Export:
    """Export the claims named (draft or ready), or every ready claim, as one 837P batch.

    Every claim is scrubbed again first; if any has a problem, every problem is named in one
    error and nothing is written. The receiver defaults to the claims' payer when they all
    go to one (its name and payer id); the submitter's id to the practice's tax id. The
    claims are read, checked and formatted a chunk at a time; ``progress`` hears of them.

    Raises:
        PermissionDenied: without ``billing.claims``.
        ValidationError: no claim to export, a problem in any claim or in the envelope.
        Conflict: a named claim already submitted.

    .. versionchanged:: 1 ``progress``; claims are read and moved in a few statements per chunk.
    """
    ctx.require(CLAIMS)
    usage = (usage or "P").strip().upper()
    if usage not in USAGES:
        raise ValidationError(f"usage must be P (production) or T (test), got {usage!r}", field="usage")
    if claim_ids is None:
        rows = ctx.session.execute(select(*CLAIM_COLUMNS).where(Claim.__table__.c.status == "ready")
                                   .order_by(Claim.__table__.c.id)).all()
        if not rows:
            raise ValidationError("no claim is ready to export (scrub the drafts first: 'billing claims scrub')")
    else:
        rows = sorted(rows_named(ctx, Claim, claim_ids, what="claim", field="claim", columns=CLAIM_COLUMNS),
                      key=lambda r: r.id)
        sent = [f"{r.claim_number} ({r.status})" for r in rows if r.status not in ("draft", "ready")]
        if sent:
            raise Conflict(f"nothing exported; already sent: {', '.join(sent)} (replace one with 'claims resubmit')")
    billing = billing_provider(ctx)
    practice_problems = [str(p) for p in scrub_practice(billing)]
    claim_problems: list[str] = []
    payers: set[tuple[str, str]] = set()
    body = Body(billing)
    load_code_set(progress)
    progress.step("checking and writing claims", len(rows))
    for chunk in claim_data_chunks(ctx, rows):
        for _row, data in chunk:
            claim_problems.extend(str(p) for p in scrub_claim(data, billing))
            payers.add((data.payer.name, data.payer.payer_code))
        if not claim_problems:  # formatted while its records are at hand; dropped if a later one fails
            body.add(data for _row, data in chunk)
        progress.advance(len(chunk))
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
    text = body.file(_envelope(ctx, batch))
    batch.content_sha256 = hashlib.sha256(text.encode("ascii")).hexdigest()
    note = f"batch {batch.id} (ISA13 {batch.interchange_control_number:09d})"
    move_claims(ctx, [(row, "submitted", note) for row in rows], action="billing.claim.submitted",
                batch_id=batch.id, submitted_at=ctx.now())
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
    claim = Claim.__table__.c
    rows = ctx.session.execute(select(*CLAIM_COLUMNS).where(claim.batch_id == batch.id).order_by(claim.id)).all()
    body = Body(billing_provider(ctx))
    for chunk in claim_data_chunks(ctx, rows):
        body.add(data for _row, data in chunk)
    text = body.file(_envelope(ctx, batch))
    unchanged = hashlib.sha256(text.encode("ascii", "replace")).hexdigest() == batch.content_sha256
    return Export(_batch_record(batch), text, unchanged)


def list_batches(ctx: Context) -> list[BatchRecord]:
    """The exported batches, newest first."""
    ctx.require(CLAIMS)
    return [_batch_record(b) for b in ctx.session.execute(select(ClaimBatch).order_by(ClaimBatch.id.desc())).scalars()]


__all__ = ["BatchRecord", "Export", "batch_file", "export_batch", "list_batches"]
