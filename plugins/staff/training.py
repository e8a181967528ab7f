"""Training: requirements per staff role with a recurrence, completions with their expiry,
and who is overdue or due within N days.

When a requirement is due for one person:

- never completed: ``first_within_days`` after the later of their start day (when known,
  ``staff_member.hired_on``) and the day the requirement was made; a practice adding a
  requirement thus gives everyone the same grace, and a new hire theirs from their start;
- completed: on the latest completion's expiry (given, or the completion day plus
  ``every_months``); a one-time requirement without expiry is done for good.

It is *overdue* when that day has passed, *due* when it falls within the N days asked for.
Roles are the core's staff roles compared as :func:`.common.role_key` (``*``: every role).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import attrs
from sqlalchemy import delete, func, select

from medoffice.core.context import Context
from medoffice.core.errors import Conflict, NotFound, ValidationError
from medoffice.core.services.forms import FieldCollector
from medoffice.core.storage.models import Staff
from medoffice.core.validation import optional_text, require_text

from . import onboarding
from .common import add_months, day, optional_day, own_staff_id, parse_role, plus_days, role_key, staff_row, today, whole
from .models import EVERY_ROLE, MAX_TEXT, MAX_TITLE, Member, Training, TrainingCompletion, TrainingRole
from .permissions import COMPLIANCE, SELF, TRAINING

MAX_WITHIN = 3650

TOPIC = "staff.training"
"""What the screens watching this (the compliance overview) reload on."""


@attrs.frozen
class RequirementRecord:
    id: int
    name: str
    roles: tuple[str, ...]
    every_months: int | None
    first_within_days: int
    description: str | None
    active: bool
    recurrence: str = attrs.field(init=False, default=attrs.Factory(
        lambda self: _recurrence(self.every_months), takes_self=True))
    """In words: ``once``, ``every year``, ``every 2 years``, ``every 6 months``."""


def _recurrence(every_months: int | None) -> str:
    if every_months is None:
        return "once"
    if every_months % 12 == 0:
        years = every_months // 12
        return "every year" if years == 1 else f"every {years} years"
    return f"every {every_months} months"


@attrs.frozen
class CompletionRecord:
    id: int
    staff_id: int
    staff: str
    requirement: str
    completed_on: dt.date
    expires_on: dt.date | None
    certificate: str | None
    recorded_by: str


@attrs.frozen
class DueRecord:
    """One person's standing on one requirement."""

    staff_id: int
    staff: str
    role: str
    requirement: str
    last_completed: dt.date | None
    due_on: dt.date | None
    """None: done for good (a one-time requirement completed)."""
    status: str
    """``overdue``, ``due`` (within the days asked), ``ok`` or ``done``."""
    days: int | None
    """Days until due (negative: days overdue)."""


def _requirement(ctx: Context, name: Any) -> Training:
    text = require_text(name, field="requirement", max_length=MAX_TITLE)
    row = ctx.session.execute(select(Training).where(func.lower(Training.name) == text.lower())).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no training requirement named {text!r}")
    return row


def _roles_of(ctx: Context, ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = defaultdict(list)
    for training_id, role in ctx.session.execute(select(TrainingRole.training_id, TrainingRole.role)
                                                 .where(TrainingRole.training_id.in_(list(ids)))
                                                 .order_by(TrainingRole.role)):
        found[training_id].append(role)
    return {k: tuple(v) for k, v in found.items()}


def _record(row: Training, roles: tuple[str, ...]) -> RequirementRecord:
    return RequirementRecord(row.id, row.name, roles, row.every_months, row.first_within_days, row.description,
                             row.active)


def add_requirement(ctx: Context, name: Any, roles: Iterable[Any], *, every_months: Any = None,
                    first_within_days: Any = 30, description: Any = None) -> RequirementRecord:
    """A training the staff of ``roles`` (``all``: everyone) must complete, once or every N months."""
    ctx.require(TRAINING)
    form = FieldCollector({"name": name, "every_months": every_months, "first_within_days": first_within_days,
                           "description": description})
    form.field("name", require_text, max_length=MAX_TITLE)
    if every_months is not None:
        form.field("every_months", whole, low=1, high=120)
    form.field("first_within_days", whole, low=0, high=MAX_WITHIN)
    form.field("description", optional_text, max_length=MAX_TEXT)
    keys: list[str] = []
    errors = []
    for role in list(roles):
        try:
            keys.append(parse_role(role, every=True))
        except ValidationError as error:
            errors.append(error.message)
    if not keys and not errors:
        errors.append("give at least one role (--role ROLE, or --role all)")
    if errors:
        form.errors["role"] = "; ".join(errors)
    values = form.done()
    if ctx.session.execute(select(Training.id).where(func.lower(Training.name) == values["name"].lower())).first():
        raise Conflict(f"there is a training requirement named {values['name']!r} already")
    row = Training(name=values["name"], description=values["description"], every_months=values.get("every_months"),
                   first_within_days=values["first_within_days"], created_on=today(ctx), active=True)
    ctx.session.add(row)
    ctx.session.flush()
    unique = tuple(sorted(set(keys)))
    ctx.session.add_all(TrainingRole(training_id=row.id, role=role) for role in unique)
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.training.added", "staff_training", row.id,
              summary={"name": row.name, "roles": list(unique), "every_months": row.every_months})
    return _record(row, unique)


def retire_requirement(ctx: Context, name: Any) -> RequirementRecord:
    """Stop requiring a training (its completions stay on file)."""
    ctx.require(TRAINING)
    row = _requirement(ctx, name)
    if not row.active:
        raise Conflict(f"{row.name!r} is retired already")
    row.active = False
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.training.retired", "staff_training", row.id, summary={"name": row.name})
    return _record(row, _roles_of(ctx, [row.id]).get(row.id, ()))


def set_roles(ctx: Context, name: Any, roles: Iterable[Any]) -> RequirementRecord:
    """Replace the roles a training applies to."""
    ctx.require(TRAINING)
    row = _requirement(ctx, name)
    keys = tuple(sorted({parse_role(r, every=True) for r in roles}))
    if not keys:
        raise ValidationError("give at least one role (--role ROLE, or --role all)", field="role")
    before = _roles_of(ctx, [row.id]).get(row.id, ())
    ctx.session.execute(delete(TrainingRole).where(TrainingRole.training_id == row.id))
    ctx.session.add_all(TrainingRole(training_id=row.id, role=role) for role in keys)
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.training.roles", "staff_training", row.id, summary={"from": list(before), "to": list(keys)})
    return _record(row, keys)


def list_requirements(ctx: Context, *, include_retired: bool = False) -> list[RequirementRecord]:
    ctx.require(SELF)
    query = select(Training).order_by(Training.name)
    if not include_retired:
        query = query.where(Training.active.is_(True))
    rows = list(ctx.session.execute(query).scalars())
    roles = _roles_of(ctx, [r.id for r in rows])
    return [_record(r, roles.get(r.id, ())) for r in rows]


def complete(ctx: Context, staff_id: int, requirement: Any, *, on: Any = None, expires: Any = None,
             certificate: Any = None) -> CompletionRecord:
    """Record that a staff member completed a training; its expiry is the one given, else
    the completion day plus the recurrence (none for a one-time training)."""
    ctx.require(TRAINING)
    form = FieldCollector({"on": on if on is not None else today(ctx), "expires": expires, "certificate": certificate})
    form.field("on", day)
    form.field("expires", optional_day)
    form.field("certificate", optional_text, max_length=200)
    values = form.done()
    person = staff_row(ctx, staff_id)
    row = _requirement(ctx, requirement)
    if values["on"] > today(ctx):
        raise ValidationError(f"completed on {values['on']} is in the future", field="on")
    expires_on = values["expires"]
    if expires_on is None and row.every_months:
        expires_on = add_months(values["on"], row.every_months)
    if expires_on is not None and expires_on < values["on"]:
        raise ValidationError(f"expires {expires_on} is before the completion on {values['on']}", field="expires")
    done = TrainingCompletion(training_id=row.id, staff_id=person.id, completed_on=values["on"], expires_on=expires_on,
                              certificate=values["certificate"], recorded_at=ctx.now(), recorded_by=ctx.user.username)
    ctx.session.add(done)
    onboarding.tick_training(ctx, person.id, row.id, values["on"])
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.training.completed", "staff_training_completion", done.id,
              summary={"staff_id": person.id, "training": row.name, "on": values["on"].isoformat(),
                       "expires": expires_on.isoformat() if expires_on else None})
    return CompletionRecord(done.id, person.id, person.name, row.name, done.completed_on, done.expires_on,
                            done.certificate, done.recorded_by)


def completions(ctx: Context, *, staff_id: int | None = None, requirement: Any = None,
                mine: bool = False) -> list[CompletionRecord]:
    """Completions on file, latest first."""
    staff_id = _whose(ctx, staff_id, mine)
    query = (select(TrainingCompletion, Training.name, Staff.name)
             .join(Training, Training.id == TrainingCompletion.training_id)
             .join(Staff, Staff.id == TrainingCompletion.staff_id)
             .order_by(TrainingCompletion.completed_on.desc(), TrainingCompletion.id.desc()))
    if staff_id is not None:
        query = query.where(TrainingCompletion.staff_id == staff_id)
    if requirement is not None:
        query = query.where(TrainingCompletion.training_id == _requirement(ctx, requirement).id)
    return [CompletionRecord(c.id, c.staff_id, person, name, c.completed_on, c.expires_on, c.certificate,
                             c.recorded_by) for c, name, person in ctx.session.execute(query)]


def _whose(ctx: Context, staff_id: int | None, mine: bool) -> int | None:
    if mine:
        ctx.require(SELF)
        return own_staff_id(ctx)
    ctx.require(COMPLIANCE)
    if staff_id is not None:
        staff_row(ctx, staff_id)
    return staff_id


def _latest_completions(ctx: Context, staff_id: int | None) -> dict[tuple[int, int], tuple[dt.date, dt.date | None]]:
    """Per (staff, training), the latest completion's day and expiry (the later id on the
    same day): one row each, picked by the database, however long the history."""
    ranked = select(TrainingCompletion.staff_id, TrainingCompletion.training_id, TrainingCompletion.completed_on,
                    TrainingCompletion.expires_on,
                    func.row_number().over(partition_by=(TrainingCompletion.staff_id, TrainingCompletion.training_id),
                                           order_by=(TrainingCompletion.completed_on.desc(),
                                                     TrainingCompletion.id.desc())).label("rank"))
    if staff_id is not None:
        ranked = ranked.where(TrainingCompletion.staff_id == staff_id)
    latest = ranked.subquery()
    return {(row.staff_id, row.training_id): (row.completed_on, row.expires_on) for row in ctx.session.execute(
        select(latest.c.staff_id, latest.c.training_id, latest.c.completed_on, latest.c.expires_on)
        .where(latest.c.rank == 1))}


def standing(ctx: Context, *, within: Any = 30, staff_id: int | None = None, requirement: Any = None,
             mine: bool = False, include_ok: bool = False) -> list[DueRecord]:
    """Who is overdue or due within ``within`` days (and, with ``include_ok``, everyone's
    standing), per active staff member and active requirement, most overdue first."""
    days_ahead = whole(within, field="within", low=0, high=MAX_WITHIN)
    staff_id = _whose(ctx, staff_id, mine)
    wanted = _requirement(ctx, requirement) if requirement is not None else None
    now = today(ctx)
    trainings = ctx.session.execute(select(Training.id, Training.name, Training.every_months,
                                           Training.first_within_days, Training.created_on)
                                    .where(Training.active.is_(True))).all()
    if wanted is not None:
        trainings = [t for t in trainings if t.id == wanted.id]
    roles = _roles_of(ctx, [t.id for t in trainings])
    people_query = (select(Staff.id, Staff.name, Staff.role, Member.hired_on)
                    .outerjoin(Member, Member.staff_id == Staff.id))
    people = ctx.session.execute(people_query.where(Staff.id == staff_id) if staff_id is not None
                                 else people_query.where(Staff.active.is_(True)).order_by(Staff.name)).all()
    latest = _latest_completions(ctx, staff_id)
    found = []
    for person in people:
        key = role_key(person.role)
        for training in trainings:
            applies = roles.get(training.id, ())
            if EVERY_ROLE not in applies and key not in applies:
                continue
            done = latest.get((person.id, training.id))
            if done is None:
                base = max(person.hired_on or training.created_on, training.created_on)
                due_on: dt.date | None = plus_days(base, training.first_within_days)
            elif done[1] is not None:
                due_on = done[1]
            elif training.every_months:
                due_on = add_months(done[0], training.every_months)
            else:
                due_on = None
            days = (due_on - now).days if due_on is not None else None
            status = ("done" if due_on is None else "overdue" if due_on < now
                      else "due" if days is not None and days <= days_ahead else "ok")
            if status in ("overdue", "due") or include_ok:
                found.append(DueRecord(person.id, person.name, person.role, training.name,
                                       done[0] if done else None, due_on, status, days))
    order = {"overdue": 0, "due": 1, "ok": 2, "done": 3}
    found.sort(key=lambda d: (order[d.status], d.due_on or dt.date.max, d.staff, d.requirement))
    return found
