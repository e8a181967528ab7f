"""Evaluation set-up: the forms (templates) and the cycles that say when evaluations come round.

A **template** is the form: competencies rated on its scale (1 to 5 unless set) and comment
fields written in. Its lines never change once made, so a signed evaluation reads as it was
signed; a changed form is a new template (the old one retired). A **cycle** is ``annual``
(a manager schedules it for a period with a due day) or ``new_hire`` (each hire's evaluation
due ``days_after_hire`` after the start). An evaluation's own life (scheduled, filled in,
signed) is :mod:`.evaluations`', which names these by their names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from sqlalchemy import func, select

from medoffice.core.context import Context
from medoffice.core.errors import Conflict, NotFound, ValidationError
from medoffice.core.validation import optional_text, require_text

from .common import whole
from .models import EVAL_CYCLE_KINDS, MAX_TEXT, MAX_TITLE, EvalCycle, EvalItem, EvalTemplate
from .permissions import EVALUATIONS

MAX_ITEMS = 40
"""The most lines (competencies and comment fields) a form holds."""


@attrs.frozen
class TemplateRecord:
    id: int
    name: str
    scale_min: int
    scale_max: int
    scale_labels: str | None
    competencies: tuple[str, ...]
    comments: tuple[str, ...]
    active: bool


@attrs.frozen
class CycleRecord:
    id: int
    name: str
    kind: str
    template: str
    days_after_hire: int | None
    active: bool


def _names(values: Iterable[Any], *, field: str) -> list[str]:
    found: list[str] = []
    for value in list(values):
        name = require_text(value, field=field, max_length=MAX_TITLE)
        if "=" in name:
            raise ValidationError(f"{field} {name!r} may not hold '=' (it separates a name from its value)",
                                  field=field)
        if name.lower() in (n.lower() for n in found):
            raise ValidationError(f"{field} {name!r} is given twice", field=field)
        found.append(name)
    return found


def template_named(ctx: Context, name: Any) -> EvalTemplate:
    text = require_text(name, field="template", max_length=MAX_TITLE)
    row = ctx.session.execute(select(EvalTemplate).where(func.lower(EvalTemplate.name) == text.lower())
                              ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no evaluation template named {text!r}")
    return row


def template_items(ctx: Context, template_id: int) -> list[EvalItem]:
    return list(ctx.session.execute(select(EvalItem).where(EvalItem.template_id == template_id)
                                    .order_by(EvalItem.position)).scalars())


def _template_record(ctx: Context, row: EvalTemplate) -> TemplateRecord:
    items = template_items(ctx, row.id)
    return TemplateRecord(row.id, row.name, row.scale_min, row.scale_max, row.scale_labels,
                          tuple(i.name for i in items if i.kind == "competency"),
                          tuple(i.name for i in items if i.kind == "comment"), row.active)


def add_template(ctx: Context, name: Any, competencies: Iterable[Any], comments: Iterable[Any] = (), *,
                 scale_min: Any = 1, scale_max: Any = 5, scale_labels: Any = None) -> TemplateRecord:
    """An evaluation form: the competencies rated from ``scale_min`` to ``scale_max`` and the
    comment fields, in the order given."""
    ctx.require(EVALUATIONS)
    title = require_text(name, field="name", max_length=MAX_TITLE)
    rated = _names(competencies, field="competency")
    written = _names(comments, field="comment field")
    if not rated:
        raise ValidationError("give at least one competency (--competency NAME)", field="competency")
    if len(rated) + len(written) > MAX_ITEMS:
        raise ValidationError(f"a form holds at most {MAX_ITEMS} lines", field="competency")
    clash = {n.lower() for n in rated} & {n.lower() for n in written}
    if clash:
        raise ValidationError(f"{sorted(clash)[0]!r} is both a competency and a comment field", field="comment")
    low = whole(scale_min, field="scale_min", low=0, high=9)
    high = whole(scale_max, field="scale_max", low=1, high=10)
    if high <= low:
        raise ValidationError(f"the scale must run upwards, got {low} to {high}", field="scale_max")
    labels = optional_text(scale_labels, field="scale_labels", max_length=MAX_TEXT)
    if ctx.session.execute(select(EvalTemplate.id).where(func.lower(EvalTemplate.name) == title.lower())).first():
        raise Conflict(f"there is an evaluation template named {title!r} already")
    row = EvalTemplate(name=title, scale_min=low, scale_max=high, scale_labels=labels, active=True)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.session.add_all([EvalItem(template_id=row.id, position=i, kind="competency", name=n)
                         for i, n in enumerate(rated)]
                        + [EvalItem(template_id=row.id, position=len(rated) + i, kind="comment", name=n)
                           for i, n in enumerate(written)])
    ctx.session.flush()
    ctx.audit("hr.evaluation.template_added", "staff_eval_template", row.id,
              summary={"name": title, "competencies": rated, "comments": written, "scale": [low, high]})
    return _template_record(ctx, row)


def list_templates(ctx: Context, *, include_retired: bool = False) -> list[TemplateRecord]:
    ctx.require(EVALUATIONS)
    query = select(EvalTemplate).order_by(EvalTemplate.name)
    if not include_retired:
        query = query.where(EvalTemplate.active.is_(True))
    return [_template_record(ctx, row) for row in ctx.session.execute(query).scalars()]


def retire_template(ctx: Context, name: Any) -> TemplateRecord:
    """No new evaluations on this form (those made keep it); a cycle using it is refused."""
    ctx.require(EVALUATIONS)
    row = template_named(ctx, name)
    if not row.active:
        raise Conflict(f"{row.name!r} is retired already")
    using = ctx.session.execute(select(EvalCycle.name).where(EvalCycle.template_id == row.id,
                                                             EvalCycle.active.is_(True))).scalars().first()
    if using:
        raise Conflict(f"the cycle {using!r} uses {row.name!r}: retire the cycle or give it another template first")
    row.active = False
    ctx.session.flush()
    ctx.audit("hr.evaluation.template_retired", "staff_eval_template", row.id, summary={"name": row.name})
    return _template_record(ctx, row)


def cycle_named(ctx: Context, name: Any) -> EvalCycle:
    text = require_text(name, field="cycle", max_length=MAX_TITLE)
    row = ctx.session.execute(select(EvalCycle).where(func.lower(EvalCycle.name) == text.lower())).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no evaluation cycle named {text!r}")
    return row


def _cycle_record(ctx: Context, row: EvalCycle) -> CycleRecord:
    template = ctx.session.get(EvalTemplate, row.template_id)
    return CycleRecord(row.id, row.name, row.kind, template.name if template else "?", row.days_after_hire,
                       row.active)


def add_cycle(ctx: Context, name: Any, kind: Any, template: Any, *, days_after_hire: Any = None) -> CycleRecord:
    """A cycle: ``annual`` (scheduled with a due day) or ``new_hire`` (each hire's evaluation
    due ``days_after_hire`` after the start, 90 unless given)."""
    ctx.require(EVALUATIONS)
    title = require_text(name, field="name", max_length=MAX_TITLE)
    which = "_".join(str(kind or "").strip().lower().replace("-", " ").split())
    if which not in EVAL_CYCLE_KINDS:
        raise ValidationError(f"kind must be annual or new_hire, got {str(kind)[:40]!r}", field="kind")
    days = None
    if which == "new_hire":
        days = whole(90 if days_after_hire is None else days_after_hire, field="days_after_hire", low=1, high=730)
    elif days_after_hire is not None:
        raise ValidationError("only a new_hire cycle has days after hire", field="days_after_hire")
    form = template_named(ctx, template)
    if not form.active:
        raise Conflict(f"the template {form.name!r} is retired")
    if ctx.session.execute(select(EvalCycle.id).where(func.lower(EvalCycle.name) == title.lower())).first():
        raise Conflict(f"there is an evaluation cycle named {title!r} already")
    row = EvalCycle(name=title, kind=which, template_id=form.id, days_after_hire=days, active=True)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("hr.evaluation.cycle_added", "staff_eval_cycle", row.id,
              summary={"name": title, "kind": which, "template": form.name, "days_after_hire": days})
    return _cycle_record(ctx, row)


def list_cycles(ctx: Context, *, include_retired: bool = False) -> list[CycleRecord]:
    ctx.require(EVALUATIONS)
    query = select(EvalCycle).order_by(EvalCycle.name)
    if not include_retired:
        query = query.where(EvalCycle.active.is_(True))
    return [_cycle_record(ctx, row) for row in ctx.session.execute(query).scalars()]


def retire_cycle(ctx: Context, name: Any) -> CycleRecord:
    """Schedule no more evaluations in this cycle (hires no longer get one); those made stay."""
    ctx.require(EVALUATIONS)
    row = cycle_named(ctx, name)
    if not row.active:
        raise Conflict(f"{row.name!r} is retired already")
    row.active = False
    ctx.session.flush()
    ctx.audit("hr.evaluation.cycle_retired", "staff_eval_cycle", row.id, summary={"name": row.name})
    return _cycle_record(ctx, row)
