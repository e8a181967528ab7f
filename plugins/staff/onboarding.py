"""Onboarding: the documents each role must hand in, and each new hire's to-do list.

A hire (:func:`.hiring.hire`) lists the trainings the role requires (with the day each is
first due), the role's documents and the office policies in force for the role (each to be
acknowledged within the policy's days), and schedules the hire's evaluation in each
new-hire cycle (the 90-day review, :func:`.evaluations.schedule_new_hire`). Recording a
training's completion ticks its line (:func:`tick_training`), acknowledging a policy ticks
its line (:func:`.policies.acknowledge`); a manager ticks a document's line when it is
handed in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from sqlalchemy import select

from medoffice.core.context import Context
from medoffice.core.errors import Conflict, NotFound, PermissionDenied
from medoffice.core.validation import require_text

from . import evaluations, policies
from .common import own_staff_id, parse_role, plus_days, staff_names, staff_row, today, whole
from .models import EVERY_ROLE, MAX_TITLE, Member, OnboardingDocument, OnboardingItem, Training, TrainingRole
from .permissions import COMPLIANCE, HIRING, SELF


@attrs.frozen
class DocumentRecord:
    id: int
    role: str
    title: str
    within_days: int


@attrs.frozen
class ItemRecord:
    id: int
    staff_id: int
    staff: str
    kind: str
    title: str
    due_on: dt.date | None
    done_on: dt.date | None
    done_by: str | None
    status: str = attrs.field(init=False, default=attrs.Factory(
        lambda self: "done" if self.done_on else "to do", takes_self=True))


def _item(row: OnboardingItem, names: dict[int, str]) -> ItemRecord:
    return ItemRecord(row.id, row.staff_id, names.get(row.staff_id, "?"), row.kind, row.title, row.due_on,
                      row.done_on, row.done_by)


def start(ctx: Context, staff_id: int, role: str, hired_on: dt.date) -> list[ItemRecord]:
    """Make a new hire's to-do list (called by the hire, in its unit of work)."""
    trainings = ctx.session.execute(
        select(Training).join(TrainingRole, TrainingRole.training_id == Training.id)
        .where(Training.active.is_(True), TrainingRole.role.in_((role, EVERY_ROLE)))
        .order_by(Training.name).distinct()).scalars().all()
    documents = ctx.session.execute(select(OnboardingDocument).where(OnboardingDocument.role.in_((role, EVERY_ROLE)))
                                    .order_by(OnboardingDocument.title)).scalars().all()
    rows = [OnboardingItem(staff_id=staff_id, kind="training", title=t.name, training_id=t.id,
                           due_on=plus_days(max(hired_on, t.created_on), t.first_within_days)) for t in trainings]
    rows += [OnboardingItem(staff_id=staff_id, kind="document", title=d.title,
                            due_on=plus_days(hired_on, d.within_days)) for d in documents]
    rows += policies.onboarding_lines(ctx, staff_id, role, hired_on)
    ctx.session.add_all(rows)
    ctx.session.flush()
    evaluations.schedule_new_hire(ctx, staff_id, hired_on)
    names = {staff_id: staff_row(ctx, staff_id).name}
    return [_item(r, names) for r in rows]


def note_start(ctx: Context, staff_id: int) -> None:
    """Record that a staff identity the core just made starts today (a hire sets its own day)."""
    if ctx.session.get(Member, staff_id) is None:
        ctx.session.add(Member(staff_id=staff_id, hired_on=today(ctx)))
        ctx.session.flush()


def tick_training(ctx: Context, staff_id: int, training_id: int, on: dt.date) -> None:
    """A completion recorded for ``training_id`` ticks the staff member's to-do line for it."""
    for row in ctx.session.execute(select(OnboardingItem).where(
            OnboardingItem.staff_id == staff_id, OnboardingItem.training_id == training_id,
            OnboardingItem.done_on.is_(None))).scalars():
        row.done_on, row.done_by = on, ctx.user.username


def to_do(ctx: Context, *, staff_id: int | None = None, mine: bool = False,
          include_done: bool = False) -> list[ItemRecord]:
    """The onboarding lines, by due day: everyone's (``hr.compliance``), one person's, or
    the signed-in user's own (``mine``, ``hr.self``)."""
    if mine:
        ctx.require(SELF)
        staff_id = own_staff_id(ctx)
    else:
        ctx.require(COMPLIANCE)
        if staff_id is not None:
            staff_row(ctx, staff_id)
    query = select(OnboardingItem).order_by(OnboardingItem.done_on.is_not(None), OnboardingItem.due_on,
                                            OnboardingItem.staff_id, OnboardingItem.id)
    if staff_id is not None:
        query = query.where(OnboardingItem.staff_id == staff_id)
    if not include_done:
        query = query.where(OnboardingItem.done_on.is_(None))
    names = staff_names(ctx)
    return [_item(r, names) for r in ctx.session.execute(query).scalars()]


def mark_done(ctx: Context, item_id: int) -> ItemRecord:
    """Tick a line (a document handed in). A training's line is ticked by recording the
    training's completion, which keeps its date and certificate."""
    if not (ctx.can(COMPLIANCE) and ctx.can(HIRING)):
        raise PermissionDenied(ctx.user.username, HIRING if ctx.can(COMPLIANCE) else COMPLIANCE)
    row = ctx.session.get(OnboardingItem, item_id)
    if row is None:
        raise NotFound(f"no onboarding item with id {item_id}")
    if row.done_on is not None:
        raise Conflict(f"onboarding item {row.id} ({row.title}) was done on {row.done_on}")
    if row.kind == "training":
        raise Conflict(f"{row.title!r} is a training: record it with "
                       f"'medoffice training complete {row.staff_id} \"{row.title}\"'")
    if row.kind == "policy":
        raise Conflict(f"{row.title!r} is a policy: the staff member acknowledges it themselves, signed in "
                       f"('medoffice policies ack \"{row.title}\"')")
    row.done_on, row.done_by = today(ctx), ctx.user.username
    ctx.session.flush()
    ctx.audit("hr.onboarding.done", "staff_onboarding_item", row.id, summary={"staff_id": row.staff_id,
                                                                             "title": row.title})
    return _item(row, staff_names(ctx))


def add_document(ctx: Context, role: Any, title: Any, *, within_days: Any = 7) -> DocumentRecord:
    """A document new hires in ``role`` (``all``: every role) hand in within N days."""
    ctx.require(HIRING)
    key = parse_role(role, every=True)
    text = require_text(title, field="title", max_length=MAX_TITLE)
    days = whole(within_days, field="within_days", low=0, high=365)
    if ctx.session.execute(select(OnboardingDocument.id).where(OnboardingDocument.role == key,
                                                               OnboardingDocument.title == text)).first():
        raise Conflict(f"{text!r} is already a document for {key}")
    row = OnboardingDocument(role=key, title=text, within_days=days)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("hr.onboarding.document_added", "staff_onboarding_document", row.id, summary={"role": key,
                                                                                           "title": text})
    return DocumentRecord(row.id, row.role, row.title, row.within_days)


def list_documents(ctx: Context) -> list[DocumentRecord]:
    ctx.require(HIRING)
    rows = ctx.session.execute(select(OnboardingDocument).order_by(OnboardingDocument.role,
                                                                   OnboardingDocument.title)).scalars()
    return [DocumentRecord(r.id, r.role, r.title, r.within_days) for r in rows]


def remove_document(ctx: Context, document_id: int) -> DocumentRecord:
    """Stop asking new hires for a document (to-do lists already made keep their line)."""
    ctx.require(HIRING)
    row = ctx.session.get(OnboardingDocument, document_id)
    if row is None:
        raise NotFound(f"no onboarding document with id {document_id}")
    record = DocumentRecord(row.id, row.role, row.title, row.within_days)
    ctx.session.delete(row)
    ctx.session.flush()
    ctx.audit("hr.onboarding.document_removed", "staff_onboarding_document", record.id,
              summary={"role": record.role, "title": record.title})
    return record
