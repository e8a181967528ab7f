"""Performance evaluations: one evaluation per person and period, the self-assessment and the
manager's review side by side, and the two signatures. The forms (templates) and cycles they
are made from are set up in :mod:`.evaluation_setup`.

- A **template** is the form: competencies rated on its scale (1 to 5 unless set) and comment
  fields written in. Its lines never change once made, so a signed evaluation reads as it
  was signed; a changed form is a new template (the old one retired).
- A **cycle** says when evaluations come round: ``annual`` ones are scheduled by a manager
  for a period with a due day (:func:`schedule`); a ``new_hire`` cycle (the 90-day review)
  gives each hire an evaluation due ``days_after_hire`` after their start
  (:func:`schedule_new_hire`, called by the hire's onboarding).
- **Sign-off runs in one order**: the staff member rates themselves and signs their
  self-assessment (it is then locked), and only then may a manager, never the person
  evaluated, sign the review, which needs every competency rated and the goals for the next
  period; that signature closes it. A manager may draft the review before. When the staff
  member cannot sign (no user to sign in with) or declines, a manager waives the
  self-assessment with a reason, audited.

Who sees what: everyone's evaluations are ``hr.evaluations`` (managers); a staff member sees
and fills in only their own (``hr.self``, the signed-in user's linked staff record, checked
here, not just by the command). Until the manager signs, the person evaluated does not see
the manager's draft ratings. A manager opening someone else's evaluation is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from sqlalchemy import select

from medoffice.core.context import Context
from medoffice.core.errors import Conflict, NotFound, ValidationError
from medoffice.core.storage.models import Staff
from medoffice.core.validation import optional_text, parse_date, require_text

from .common import own_staff_id, parse_role, plus_days, role_key, staff_row, today, whole
from .models import (
    EVERY_ROLE,
    MAX_NOTE,
    MAX_TEXT,
    EvalCycle,
    EvalEntry,
    EvalItem,
    EvalTemplate,
    Evaluation,
    Member,
)
from .evaluation_setup import cycle_named, template_items
from .permissions import EVALUATIONS, SELF

TOPIC = "staff.evaluations"
STATUSES = ("open", "self_signed", "signed", "cancelled")


# -- records ---------------------------------------------------------------------------------


@attrs.frozen
class EvaluationRecord:
    """One evaluation as a list shows it."""

    id: int
    staff_id: int
    staff: str
    cycle: str
    period: str
    due_on: dt.date
    status: str
    """``open``, ``self_signed`` (awaiting the manager), ``signed`` or ``cancelled``."""
    days: int | None
    """Days until due while not signed (negative: overdue); None once signed or cancelled."""
    self_signed_at: dt.datetime | None
    manager_signed_at: dt.datetime | None
    manager_signed_by: str | None
    overdue: bool = attrs.field(init=False, default=attrs.Factory(
        lambda self: self.days is not None and self.days < 0, takes_self=True))


@attrs.frozen
class LineRecord:
    """A template line with both sides' answers (the manager's None while hidden)."""

    kind: str
    name: str
    self_rating: int | None
    manager_rating: int | None
    self_text: str | None
    manager_text: str | None


@attrs.frozen
class EvaluationDetail:
    """One evaluation in full."""

    summary: EvaluationRecord
    template: str
    scale_min: int
    scale_max: int
    scale_labels: str | None
    lines: tuple[LineRecord, ...]
    self_comment: str | None
    manager_comment: str | None
    goals: str | None
    self_signed_by: str | None
    self_waived: str | None
    cancel_reason: str | None
    review_hidden: bool
    """True when the reader is the person evaluated and the manager has not signed yet: the
    manager's side is withheld."""


# -- scheduling ------------------------------------------------------------------------------


def _make(ctx: Context, person: Staff, cycle: EvalCycle, period: str, due_on: dt.date) -> Evaluation:
    row = Evaluation(staff_id=person.id, cycle_id=cycle.id, template_id=cycle.template_id, period=period,
                     due_on=due_on, created_at=ctx.now())
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("hr.evaluation.scheduled", "staff_evaluation", row.id,
              summary={"staff_id": person.id, "cycle": cycle.name, "period": period, "due": due_on.isoformat()})
    return row


def schedule(ctx: Context, cycle: Any, *, due: Any = None, staff_ids: Iterable[int] = (), roles: Iterable[Any] = (),
             period: Any = None) -> list[EvaluationRecord]:
    """Give evaluations in ``cycle`` for ``period`` (the due day's year for an annual cycle)
    to the staff named, or those of ``roles``, or every active staff member; those who have
    one for that cycle and period already are passed over. An annual cycle needs ``due``; a
    new-hire cycle's is each person's start plus its days unless given."""
    ctx.require(EVALUATIONS)
    row = cycle_named(ctx, cycle)
    if not row.active:
        raise Conflict(f"the cycle {row.name!r} is retired")
    due_on = None if due is None or (isinstance(due, str) and not due.strip()) else parse_date(due, field="due")
    if due_on is None and row.kind == "annual":
        raise ValidationError("an annual cycle needs the due day (--due YYYY-MM-DD)", field="due")
    if due_on is not None and not dt.date(2000, 1, 1) <= due_on <= dt.date(2999, 12, 31):
        raise ValidationError("due must be from 2000 to 2999", field="due")
    label = optional_text(period, field="period", max_length=40) or (
        str(due_on.year) if row.kind == "annual" else f"{row.days_after_hire}-day")
    keys = {parse_role(r, every=True) for r in roles}
    named = [int(i) for i in staff_ids]
    people = [staff_row(ctx, i) for i in dict.fromkeys(named)]
    if not named:
        people = list(ctx.session.execute(select(Staff).where(Staff.active.is_(True)).order_by(Staff.name)).scalars())
        if keys and EVERY_ROLE not in keys:
            people = [p for p in people if role_key(p.role) in keys]
    inactive = [p.name for p in people if not p.active]
    if inactive:
        raise Conflict(f"{inactive[0]} is not active")
    hired = dict(ctx.session.execute(select(Member.staff_id, Member.hired_on)).all())
    taken = set(ctx.session.execute(select(Evaluation.staff_id).where(Evaluation.cycle_id == row.id,
                                                                      Evaluation.period == label)).scalars())
    made = []
    for person in people:
        if person.id in taken:
            continue
        when = due_on
        if when is None:
            if person.id not in hired:
                raise Conflict(f"{person.name} has no start day on file: give --due")
            when = plus_days(hired[person.id], row.days_after_hire or 90)
        made.append(_make(ctx, person, row, label, when))
    if not made:
        raise Conflict(f"no one to schedule: {'they have' if named else 'everyone has'} a {row.name!r} evaluation "
                       f"for {label} already" if people else "no active staff member matches")
    ctx.changed(TOPIC)
    return _summaries(ctx, made)


def schedule_new_hire(ctx: Context, staff_id: int, hired_on: dt.date) -> list[EvaluationRecord]:
    """A hire's evaluations in every active new-hire cycle, due its days after the start
    (called by :func:`.onboarding.start`, inside the hire's unit of work and permission)."""
    person = staff_row(ctx, staff_id)
    cycles = ctx.session.execute(select(EvalCycle).join(EvalTemplate, EvalTemplate.id == EvalCycle.template_id)
                                 .where(EvalCycle.kind == "new_hire", EvalCycle.active.is_(True),
                                        EvalTemplate.active.is_(True)).order_by(EvalCycle.name)).scalars().all()
    made = []
    for cycle in cycles:
        label = f"{cycle.days_after_hire}-day"
        if ctx.session.execute(select(Evaluation.id).where(Evaluation.staff_id == person.id,
                                                           Evaluation.cycle_id == cycle.id,
                                                           Evaluation.period == label)).first():
            continue
        made.append(_make(ctx, person, cycle, label, plus_days(hired_on, cycle.days_after_hire or 90)))
    return _summaries(ctx, made)


# -- reading ---------------------------------------------------------------------------------


def _status(row: Evaluation) -> str:
    if row.cancelled_at is not None:
        return "cancelled"
    if row.manager_signed_at is not None:
        return "signed"
    return "self_signed" if row.self_signed_at is not None else "open"


def _summaries(ctx: Context, rows: list[Evaluation], *, names: dict[int, str] | None = None,
               cycles: dict[int, str] | None = None) -> list[EvaluationRecord]:
    """The records of ``rows``; the people's and cycles' names read unless given."""
    if not rows:
        return []
    if names is None:
        names = dict(ctx.session.execute(select(Staff.id, Staff.name).where(
            Staff.id.in_({r.staff_id for r in rows}))).all())
    if cycles is None:
        cycles = dict(ctx.session.execute(select(EvalCycle.id, EvalCycle.name).where(
            EvalCycle.id.in_({r.cycle_id for r in rows}))).all())
    now = today(ctx)
    found = []
    for row in rows:
        status = _status(row)
        found.append(EvaluationRecord(row.id, row.staff_id, names.get(row.staff_id, "?"), cycles.get(row.cycle_id, "?"),
                                      row.period, row.due_on, status,
                                      (row.due_on - now).days if status in ("open", "self_signed") else None,
                                      row.self_signed_at, row.manager_signed_at, row.manager_signed_by))
    return found


def _own_id(ctx: Context) -> int | None:
    if not ctx.user.id:
        return None
    return ctx.session.execute(select(Staff.id).where(Staff.user_id == ctx.user.id)).scalars().first()


def _evaluation(ctx: Context, evaluation_id: int, *, lock: bool = False) -> Evaluation:
    """The evaluation, if the signed-in user may see it: a manager any, anyone else their own.
    Someone else's answers "no evaluation" either way, so ids do not tell who has one."""
    query = select(Evaluation).where(Evaluation.id == evaluation_id)
    row = ctx.session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if ctx.can(EVALUATIONS):
        if row is None:
            raise NotFound(f"no evaluation with id {evaluation_id}")
        return row
    ctx.require(SELF)
    if row is None or row.staff_id != _own_id(ctx):
        raise NotFound(f"no evaluation with id {evaluation_id} of yours")
    return row


def list_evaluations(ctx: Context, *, staff_id: int | None = None, mine: bool = False, status: Any = None,
                     cycle: Any = None) -> list[EvaluationRecord]:
    """Evaluations, latest due first: everyone's, one person's history, or one's own."""
    if mine:
        ctx.require(SELF)
        staff_id = own_staff_id(ctx)
    else:
        ctx.require(EVALUATIONS)
        if staff_id is not None:
            staff_row(ctx, staff_id)
    query = select(Evaluation).order_by(Evaluation.due_on.desc(), Evaluation.id.desc())
    if staff_id is not None:
        query = query.where(Evaluation.staff_id == staff_id)
    if cycle is not None:
        query = query.where(Evaluation.cycle_id == cycle_named(ctx, cycle).id)
    found = _summaries(ctx, list(ctx.session.execute(query).scalars()))
    if status is not None:
        wanted = str(status).strip().lower().replace("-", "_").replace(" ", "_")
        if wanted not in STATUSES + ("overdue",):
            raise ValidationError(f"status must be one of {', '.join(STATUSES)} or overdue, got {str(status)[:40]!r}",
                                  field="status")
        found = [e for e in found if e.overdue] if wanted == "overdue" else [e for e in found if e.status == wanted]
    return found


def due(ctx: Context, *, within: Any = 30, mine: bool = False) -> list[EvaluationRecord]:
    """Evaluations not yet signed by the manager that are overdue or due within ``within``
    days, most overdue first."""
    ahead = whole(within, field="within", low=0, high=3650)
    if mine:
        ctx.require(SELF)
        who: int | None = own_staff_id(ctx)
    else:
        ctx.require(EVALUATIONS)
        who = None
    limit = plus_days(today(ctx), ahead)
    query = (select(Evaluation, Staff.name, EvalCycle.name).join(Staff, Staff.id == Evaluation.staff_id)
             .join(EvalCycle, EvalCycle.id == Evaluation.cycle_id)
             .where(Evaluation.cancelled_at.is_(None), Evaluation.manager_signed_at.is_(None),
                    Evaluation.due_on <= limit, Staff.active.is_(True))
             .order_by(Evaluation.due_on, Staff.name))
    if who is not None:
        query = query.where(Evaluation.staff_id == who)
    found = ctx.session.execute(query).all()
    return _summaries(ctx, [row for row, _, _ in found], names={row.staff_id: name for row, name, _ in found},
                      cycles={row.cycle_id: cycle for row, _, cycle in found})


def show(ctx: Context, evaluation_id: int) -> EvaluationDetail:
    """One evaluation in full; a manager opening someone else's is audited."""
    row = _evaluation(ctx, evaluation_id)
    own = row.staff_id == _own_id(ctx)
    if not own:
        ctx.audit("hr.evaluation.opened", "staff_evaluation", row.id, summary={"staff_id": row.staff_id})
    return _detail(ctx, row, hide=own and row.manager_signed_at is None)


def _detail(ctx: Context, row: Evaluation, *, hide: bool) -> EvaluationDetail:
    template = ctx.session.get(EvalTemplate, row.template_id)
    entries = {e.item_id: e for e in ctx.session.execute(select(EvalEntry).where(
        EvalEntry.evaluation_id == row.id)).scalars()}
    lines = []
    for item in template_items(ctx, row.template_id):
        entry = entries.get(item.id)
        lines.append(LineRecord(item.kind, item.name, entry.self_rating if entry else None,
                                None if hide or not entry else entry.manager_rating,
                                entry.self_text if entry else None,
                                None if hide or not entry else entry.manager_text))
    return EvaluationDetail(_summaries(ctx, [row])[0], template.name, template.scale_min, template.scale_max,
                            template.scale_labels, tuple(lines), row.self_comment,
                            None if hide else row.manager_comment, None if hide else row.goals, row.self_signed_by,
                            row.self_waived, row.cancel_reason, hide)


# -- filling in and signing ------------------------------------------------------------------


def _answers(ctx: Context, row: Evaluation, ratings: Mapping[Any, Any], texts: Mapping[Any, Any]
             ) -> list[tuple[EvalItem, str, Any]]:
    """Each (template line, "rating" or "text", value) the ratings and texts name, checked
    against the form: names case-insensitively, ratings whole numbers on the scale."""
    template = ctx.session.get(EvalTemplate, row.template_id)
    items = {i.name.lower(): i for i in template_items(ctx, row.template_id)}
    found, errors = [], []
    for kind, given in (("rating", ratings), ("text", texts)):
        for name, value in given.items():
            item = items.get(str(name).strip().lower())
            wanted = "competency" if kind == "rating" else "comment"
            if item is None or item.kind != wanted:
                choices = ", ".join(i.name for i in items.values() if i.kind == wanted) or "none"
                errors.append(f"{str(name)[:60]!r} is not a {wanted} of this form ({choices})")
                continue
            try:
                if kind == "rating":
                    parsed = whole(value, field=item.name, low=template.scale_min, high=template.scale_max)
                else:
                    parsed = optional_text(value, field=item.name, max_length=MAX_NOTE, multiline=True)
            except ValidationError as error:
                errors.append(error.message)
                continue
            found.append((item, kind, parsed))
    if errors:
        raise ValidationError("; ".join(errors), field="rating")
    return found


def _store(ctx: Context, row: Evaluation, answers: list[tuple[EvalItem, str, Any]], side: str) -> None:
    entries = {e.item_id: e for e in ctx.session.execute(select(EvalEntry).where(
        EvalEntry.evaluation_id == row.id)).scalars()}
    for item, kind, value in answers:
        entry = entries.get(item.id)
        if entry is None:
            entry = entries[item.id] = EvalEntry(evaluation_id=row.id, item_id=item.id)
            ctx.session.add(entry)
        setattr(entry, f"{side}_{kind}", value)


def _open_for(row: Evaluation, side: str) -> None:
    if row.cancelled_at is not None:
        raise Conflict(f"evaluation {row.id} was cancelled ({row.cancel_reason})")
    if row.manager_signed_at is not None:
        raise Conflict(f"evaluation {row.id} is signed by both and closed")
    if side == "self" and row.self_signed_at is not None:
        raise Conflict(f"the self-assessment of evaluation {row.id} is signed and locked")


def _comment(value: Any, field: str) -> str | None:
    return optional_text(value, field=field, max_length=MAX_NOTE, multiline=True)


def self_assess(ctx: Context, evaluation_id: int, *, ratings: Mapping[Any, Any] | None = None,
                texts: Mapping[Any, Any] | None = None, comment: Any = None) -> EvaluationDetail:
    """The signed-in staff member rates themselves and writes in their own evaluation (only
    theirs, even for a manager), until they sign it."""
    ctx.require(SELF)
    mine = _own_id(ctx)
    row = _evaluation(ctx, evaluation_id, lock=True)
    if row.staff_id != mine:
        raise Conflict(f"only {staff_row(ctx, row.staff_id).name} fills in their self-assessment "
                       "(a manager writes the review: medoffice evaluations review)")
    _open_for(row, "self")
    answers = _answers(ctx, row, ratings or {}, texts or {})
    note = _comment(comment, "comment")
    if not answers and note is None:
        raise ValidationError("nothing to record: give a rating, a comment field or a comment")
    _store(ctx, row, answers, "self")
    if note is not None:
        row.self_comment = note
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.evaluation.self_assessed", "staff_evaluation", row.id,
              summary={"lines": [i.name for i, _k, _v in answers], "comment": note is not None})
    return _detail(ctx, row, hide=row.manager_signed_at is None)


def review(ctx: Context, evaluation_id: int, *, ratings: Mapping[Any, Any] | None = None,
           texts: Mapping[Any, Any] | None = None, comment: Any = None, goals: Any = None) -> EvaluationDetail:
    """A manager's ratings, words and the goals for the next period, until the manager signs.
    Nobody reviews their own evaluation."""
    ctx.require(EVALUATIONS)
    row = _evaluation(ctx, evaluation_id, lock=True)
    if row.staff_id == _own_id(ctx):
        raise Conflict("you cannot review your own evaluation: another manager does")
    _open_for(row, "manager")
    answers = _answers(ctx, row, ratings or {}, texts or {})
    note, aims = _comment(comment, "comment"), _comment(goals, "goals")
    if not answers and note is None and aims is None:
        raise ValidationError("nothing to record: give a rating, a comment field, a comment or goals")
    _store(ctx, row, answers, "manager")
    if note is not None:
        row.manager_comment = note
    if aims is not None:
        row.goals = aims
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.evaluation.reviewed", "staff_evaluation", row.id,
              summary={"staff_id": row.staff_id, "lines": [i.name for i, _k, _v in answers],
                       "comment": note is not None, "goals": aims is not None})
    return _detail(ctx, row, hide=False)


def _unrated(ctx: Context, row: Evaluation, side: str) -> list[str]:
    entries = {e.item_id: e for e in ctx.session.execute(select(EvalEntry).where(
        EvalEntry.evaluation_id == row.id)).scalars()}
    return [i.name for i in template_items(ctx, row.template_id) if i.kind == "competency"
            and getattr(entries.get(i.id), f"{side}_rating", None) is None]


def sign(ctx: Context, evaluation_id: int) -> EvaluationDetail:
    """Sign an evaluation: the person evaluated signs their self-assessment (every
    competency rated); then a manager signs the review (every competency rated, goals
    written), which closes it."""
    row = _evaluation(ctx, evaluation_id, lock=True)
    if row.staff_id == _own_id(ctx):
        _open_for(row, "self")
        missing = _unrated(ctx, row, "self")
        if missing:
            raise Conflict(f"rate every competency before signing; still to rate: {', '.join(missing)}")
        row.self_signed_at, row.self_signed_by = ctx.now(), ctx.user.username
        side = "self"
    else:
        ctx.require(EVALUATIONS)
        _open_for(row, "manager")
        if row.self_signed_at is None:
            name = staff_row(ctx, row.staff_id).name
            raise Conflict(f"{name} has not signed their self-assessment yet: they sign first (or a manager "
                           f"waives it with a reason: medoffice evaluations waive-self {row.id} --reason …)")
        missing = _unrated(ctx, row, "manager")
        if missing:
            raise Conflict(f"rate every competency before signing; still to rate: {', '.join(missing)}")
        if not row.goals:
            raise Conflict("write the goals for the next period before signing (medoffice evaluations review "
                           f"{row.id} --goals …)")
        row.manager_signed_at, row.manager_signed_by = ctx.now(), ctx.user.username
        side = "manager"
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit(f"hr.evaluation.signed_{side}", "staff_evaluation", row.id, summary={"staff_id": row.staff_id})
    return _detail(ctx, row, hide=side == "self")


def waive_self(ctx: Context, evaluation_id: int, *, reason: Any) -> EvaluationDetail:
    """A manager signs off the self-assessment in the staff member's stead, with the reason
    (no user to sign in with, or they declined); the review can then be signed."""
    ctx.require(EVALUATIONS)
    text = require_text(reason, field="reason", max_length=MAX_TEXT)
    row = _evaluation(ctx, evaluation_id, lock=True)
    if row.staff_id == _own_id(ctx):
        raise Conflict("you cannot waive your own self-assessment: sign it")
    _open_for(row, "self")
    row.self_signed_at, row.self_signed_by, row.self_waived = ctx.now(), ctx.user.username, text
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.evaluation.self_waived", "staff_evaluation", row.id,
              summary={"staff_id": row.staff_id, "reason": text})
    return _detail(ctx, row, hide=False)


def cancel(ctx: Context, evaluation_id: int, *, reason: Any) -> EvaluationDetail:
    """Call off an evaluation not yet signed by the manager (the person left, scheduled by
    mistake); it stays on file as cancelled."""
    ctx.require(EVALUATIONS)
    text = require_text(reason, field="reason", max_length=MAX_TEXT)
    row = _evaluation(ctx, evaluation_id, lock=True)
    _open_for(row, "manager")
    row.cancelled_at, row.cancel_reason = ctx.now(), text
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.evaluation.cancelled", "staff_evaluation", row.id, summary={"staff_id": row.staff_id,
                                                                             "reason": text})
    return _detail(ctx, row, hide=False)
