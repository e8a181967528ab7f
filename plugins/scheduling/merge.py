"""Scheduling's part of merging two records of one patient (core/hookspecs/patient_merge.py).

Every scheduling row that points at a patient (appointments, waitlist entries, recurring
series: every table of the plugin with a ``patient_id``) moves from the absorbed patient to the
kept one. A merge is refused while the two hold overlapping appointments: one person cannot
be in two visits at once, and the database's double-booking guard would refuse the move
anyway, with a less helpful message.

Imported with the plugin (its ``__init__`` registers the two hooks), so it imports nothing
heavy at module level.
"""

from __future__ import annotations

from typing import Any

from medoffice.core import hookimpl

HOLDING = ("booked", "arrived", "in_room", "completed")
OPEN = ("waiting", "offered")
"""Waitlist entries still waiting for a slot (waitlist.OPEN)."""
"""Statuses in which an appointment holds its patient (as the double-booking guard counts them)."""

_NOUNS = {"scheduling_appointment": ("appointment", "appointments"),
          "scheduling_waitlist": ("waitlist entry", "waitlist entries"),
          "scheduling_series": ("recurring series", "recurring series")}


def _patient_tables() -> list[Any]:
    """The plugin's tables with a ``patient_id``: a new one moves without touching this file."""
    from . import models

    order = list(_NOUNS)
    tables = [table for table in models.Base.metadata.sorted_tables if "patient_id" in table.c]
    return sorted(tables, key=lambda t: order.index(t.name) if t.name in order else len(order))


def _ids(ctx: Any, table: Any, patient_id: int) -> list[int]:
    from sqlalchemy import select

    return list(ctx.session.execute(select(table.c.id).where(table.c.patient_id == patient_id)
                                    .order_by(table.c.id)).scalars())


def _noun(table: str, count: int) -> str:
    one, many = _NOUNS.get(table, (table.removeprefix("scheduling_").replace("_", " ") + " row",
                                   table.removeprefix("scheduling_").replace("_", " ") + " rows"))
    return f"{count} {one if count == 1 else many}"


def _overlap(ctx: Any, keep_id: int, absorb_id: int) -> str | None:
    """One line naming the first pair of overlapping appointments of the two, or None."""
    from sqlalchemy import and_, select
    from sqlalchemy.orm import aliased

    from .models import Appointment

    mine, theirs = aliased(Appointment), aliased(Appointment)
    found = ctx.session.execute(
        select(mine.starts_at, theirs.starts_at).join(theirs, and_(
            theirs.patient_id == absorb_id, theirs.status.in_(HOLDING),
            theirs.starts_at < mine.ends_at, mine.starts_at < theirs.ends_at))
        .where(mine.patient_id == keep_id, mine.status.in_(HOLDING)).order_by(mine.starts_at).limit(1)).first()
    if found is None:
        return None
    kept_at, absorbed_at = (ctx.local(moment) for moment in found)
    return (f"both patients are booked at the same time on {kept_at:%Y-%m-%d} ({kept_at:%H:%M} and "
            f"{absorbed_at:%H:%M}): cancel or move one of the two appointments first")


def _twin_entries(ctx: Any, keep_id: int, absorb_id: int) -> list[Any]:
    """The absorbed patient's open waitlist entries for a type the kept patient already waits
    for: one person waits once per type, so these are closed as they move."""
    from sqlalchemy import select

    from .models import WaitlistEntry

    kept_types = select(WaitlistEntry.type_id).where(WaitlistEntry.patient_id == keep_id,
                                                     WaitlistEntry.status.in_(OPEN))
    return list(ctx.session.execute(select(WaitlistEntry).where(
        WaitlistEntry.patient_id == absorb_id, WaitlistEntry.status.in_(OPEN),
        WaitlistEntry.type_id.in_(kept_types)).order_by(WaitlistEntry.id)).scalars())


@hookimpl
def medoffice_patient_merge_preview(ctx, merge):
    """Count the absorbed patient's appointments (and how many are still to come), waitlist
    entries and series; refuse while the two hold overlapping appointments."""
    from sqlalchemy import func, select

    from medoffice.core.records import MergePreview

    from .models import Appointment

    moves = []
    for table in _patient_tables():
        count = len(_ids(ctx, table, merge.absorb.id))
        if not count:
            continue
        line = _noun(table.name, count)
        if table.name == Appointment.__tablename__:
            upcoming = ctx.session.execute(select(func.count(Appointment.id)).where(
                Appointment.patient_id == merge.absorb.id, Appointment.status == "booked",
                Appointment.starts_at >= ctx.now())).scalar_one()
            line += f" ({upcoming} upcoming)" if upcoming else ""
        moves.append(line)
    twins = len(_twin_entries(ctx, merge.keep.id, merge.absorb.id))
    if twins:
        moves.append(f"{twins} of them already waiting under {merge.keep.mrn}: closed as duplicates")
    refusal = _overlap(ctx, merge.keep.id, merge.absorb.id)
    if not moves and refusal is None:
        return None
    return MergePreview(moves, refusal)


@hookimpl
def medoffice_patient_merge(ctx, merge):
    """Move every scheduling row of the absorbed patient to the kept one; a waitlist entry
    for a type the kept patient already waits for is closed (``removed``) as it moves."""
    from sqlalchemy import update

    from medoffice.core.records import MovedRow

    for entry in _twin_entries(ctx, merge.keep.id, merge.absorb.id):
        entry.status, entry.closed_at = "removed", ctx.now()
        entry.closed_reason = f"duplicate: {merge.keep.mrn} already waits for this type (merge {merge.merge_id})"
    ctx.session.flush()
    moved = []
    for table in _patient_tables():
        ids = _ids(ctx, table, merge.absorb.id)
        if ids:
            ctx.session.execute(update(table).where(table.c.id.in_(ids)).values(patient_id=merge.keep.id))
            moved += [MovedRow(table.name, row_id) for row_id in ids]
    if moved:  # other desks' day boards and waitlists show the kept patient's name
        ctx.changed("scheduling.appointments", "scheduling.waitlist")
    return moved
