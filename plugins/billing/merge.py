"""Billing's part of merging two records of one patient (core/hookspecs/patient_merge.py).

Every billing row that points at a patient (charges, payments, adjustments, refunds,
statements, encounters, claims, policies: every table of the plugin with a ``patient_id``)
moves from the absorbed patient to the kept one, so the kept patient's balance after is the sum
of both balances before, to the cent (a balance is a sum over rows carrying the patient's id).

The rules for what cannot simply move:

- **A claim sent and awaiting the payer's answer** (``submitted``) refuses the merge: the
  payer knows it under the absorbed record, and its remittance must find it there. Merge
  once it is paid or denied; drafts, ready claims and answered ones move.
- **Policies.** An active policy of the absorbed patient that the kept one already has (same
  payer, same member ID) is the same card entered twice: it moves as inactive (its claims
  keep pointing at it). Another active policy of a rank the kept patient already has (two
  primaries) refuses the merge: which one is right is the desk's call, not the software's.

Imported with the plugin (its ``__init__`` registers the two hooks), so it imports nothing
heavy at module level.
"""

from __future__ import annotations

from typing import Any

from medoffice.core import hookimpl

_NOUNS = {"billing_encounter": ("encounter", "encounters"), "billing_charge": ("charge", "charges"),
          "billing_claim": ("claim", "claims"), "billing_payment": ("payment", "payments"),
          "billing_adjustment": ("adjustment", "adjustments"), "billing_refund": ("refund", "refunds"),
          "billing_statement": ("statement", "statements"), "billing_policy": ("policy", "policies")}


def _patient_tables() -> list[Any]:
    """The plugin's tables with a ``patient_id``: a new one moves without touching this file."""
    from . import models

    return [table for table in models.Base.metadata.sorted_tables if "patient_id" in table.c]


def _ids(ctx: Any, table: Any, patient_id: int) -> list[int]:
    from sqlalchemy import select

    return list(ctx.session.execute(select(table.c.id).where(table.c.patient_id == patient_id)
                                    .order_by(table.c.id)).scalars())


def _noun(table: str, count: int) -> str:
    bare = table.removeprefix("billing_").replace("_", " ")
    one, many = _NOUNS.get(table, (f"{bare} row", f"{bare} rows"))
    return f"{count} {one if count == 1 else many}"


def _policies(ctx: Any, patient_id: int) -> list[tuple[Any, str]]:
    from sqlalchemy import select

    from .models import Payer, Policy

    return [(row, name) for row, name in ctx.session.execute(
        select(Policy, Payer.name).join(Payer, Payer.id == Policy.payer_id)
        .where(Policy.patient_id == patient_id, Policy.active.is_(True)).order_by(Policy.id))]


def _same_card(one: Any, other: Any) -> bool:
    return one.payer_id == other.payer_id and one.member_id.strip().upper() == other.member_id.strip().upper()


def _policy_plan(ctx: Any, keep_id: int, absorb_id: int) -> tuple[list[tuple[Any, str]], str | None]:
    """The absorbed patient's active policies that duplicate one of the kept patient's, and a
    refusal when another clashes with a rank the kept patient has."""
    kept = _policies(ctx, keep_id)
    duplicates, clashes = [], []
    for policy, payer in _policies(ctx, absorb_id):
        if any(_same_card(policy, mine) for mine, _ in kept):
            duplicates.append((policy, payer))
            continue
        for mine, my_payer in kept:
            if mine.rank == policy.rank:
                clashes.append(f"both patients have an active {policy.rank} policy ({my_payer} {mine.member_id} "
                               f"and {payer} {policy.member_id}): end one or change its rank first")
    return duplicates, (clashes[0] if clashes else None)


def _awaiting_claim(ctx: Any, absorb_id: int) -> str | None:
    from sqlalchemy import select

    from .models import Claim, Payer

    found = ctx.session.execute(
        select(Claim.claim_number, Payer.name).join(Payer, Payer.id == Claim.payer_id)
        .where(Claim.patient_id == absorb_id, Claim.status == "submitted").order_by(Claim.id).limit(1)).first()
    if found is None:
        return None
    return f"claim {found[0]} was sent to {found[1]} and awaits its answer: merge once it is paid or denied"


@hookimpl
def medoffice_patient_merge_preview(ctx, merge):
    """Count the absorbed patient's billing rows, give both balances and the sum; refuse
    while a claim awaits a payer's answer, or when two policies of one rank clash."""
    from medoffice.core.records import MergePreview

    from .ledger import balance_of
    from .money import show

    moves = []
    for table in _patient_tables():
        count = len(_ids(ctx, table, merge.absorb.id))
        if count:
            moves.append(_noun(table.name, count))
    duplicates, clash = _policy_plan(ctx, merge.keep.id, merge.absorb.id)
    for _policy, payer in duplicates:
        moves.append(f"{payer} policy already on {merge.keep.mrn}: the copy moves as inactive")
    refusal = _awaiting_claim(ctx, merge.absorb.id) or clash
    if not moves and refusal is None:
        return None
    theirs = balance_of(ctx, merge.absorb.id)
    if moves:
        total = balance_of(ctx, merge.keep.id) + theirs
        moves.append(f"balance {show(theirs)} (after the merge {merge.keep.mrn} owes {show(total)})")
    return MergePreview(moves, refusal)


@hookimpl
def medoffice_patient_merge(ctx, merge):
    """Move every billing row of the absorbed patient to the kept one; a duplicate policy
    moves as inactive."""
    from sqlalchemy import update

    from medoffice.core.records import MovedRow

    duplicates, _clash = _policy_plan(ctx, merge.keep.id, merge.absorb.id)
    for policy, _payer in duplicates:
        policy.active = False
    ctx.session.flush()
    moved = []
    for table in _patient_tables():
        ids = _ids(ctx, table, merge.absorb.id)
        if ids:
            ctx.session.execute(update(table).where(table.c.id.in_(ids)).values(patient_id=merge.keep.id))
            moved += [MovedRow(table.name, row_id) for row_id in ids]
    return moved
