"""Hiring: job openings, the practice's stages, applicants with their dated notes and
interviews, and the hire that makes a staff identity.

Applicants are personal data: every function about them requires ``hr.applicants``, opening
one's file is audited (``hr.applicant.opened``) like opening a patient's record, and every
change is audited. A hire goes through the core's staff service (``staff.add``), so
``medoffice_staff_changed`` fires for every plugin, then starts the new hire's onboarding
(:mod:`.onboarding`), all in the one unit of work: a refused hire writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import func, select

from medoffice.core.context import Context
from medoffice.core.errors import Conflict, NotFound, ValidationError
from medoffice.core.services import staff as core_staff
from medoffice.core.services.forms import FieldCollector
from medoffice.core.storage.models import Location
from medoffice.core.validation import optional_text, parse_email, parse_phone, require_text

from . import onboarding
from .common import day, local_time, money, parse_role, today
from .models import (
    MAX_NAME,
    MAX_NOTE,
    MAX_TEXT,
    MAX_TITLE,
    OPENING_STATUSES,
    Applicant,
    ApplicantNote,
    HiringStage,
    Interview,
    Member,
    Opening,
)
from .permissions import APPLICANTS, HIRING

TOPIC = "staff.hiring"
"""What the screens watching this (the hiring board) reload on."""


# -- records ---------------------------------------------------------------------------------

@attrs.frozen
class OpeningRecord:
    id: int
    title: str
    role: str
    location: str | None
    hours: str | None
    pay_min: Decimal | None
    pay_max: Decimal | None
    pay_per: str | None
    status: str
    opened_on: dt.date
    note: str | None
    applicants: int = 0
    """Applicants still in the pipeline (not hired, rejected or withdrawn)."""

    @property
    def pay(self) -> str:
        if self.pay_min is None and self.pay_max is None:
            return ""
        low, high = (f"{v:,.2f}" if v is not None else "" for v in (self.pay_min, self.pay_max))
        span = low if low == high or not high else f"{low}-{high}" if low else f"up to {high}"
        return span + (f"/{self.pay_per}" if self.pay_per else "")


@attrs.frozen
class StageRecord:
    id: int
    name: str
    position: int
    outcome: str | None
    applicants: int = 0


@attrs.frozen
class NoteRecord:
    written_at: dt.datetime
    author: str
    kind: str
    body: str


@attrs.frozen
class InterviewRecord:
    id: int
    starts_at: dt.datetime
    interviewer: str | None
    place: str | None


@attrs.frozen
class ApplicantRecord:
    id: int
    opening_id: int
    opening: str
    name: str
    email: str | None
    phone: str | None
    stage: str
    outcome: str | None
    applied_on: dt.date
    rejection_reason: str | None
    staff_id: int | None
    next_interview: dt.datetime | None = None
    notes: tuple[NoteRecord, ...] = ()
    interviews: tuple[InterviewRecord, ...] = ()


@attrs.frozen
class Hire:
    """What a hire made: the applicant as hired, the staff identity, the to-do list."""

    applicant: ApplicantRecord
    staff: Any
    hired_on: dt.date
    onboarding: tuple[Any, ...]


# -- openings --------------------------------------------------------------------------------

OPENING_FIELDS = ("title", "role", "location", "hours", "pay_min", "pay_max", "pay_per", "status", "note")


def _status(value: Any, *, field: str) -> str:
    text = "_".join(str(value or "").strip().lower().replace("-", " ").split())
    if text not in OPENING_STATUSES:
        raise ValidationError(f"status must be one of {', '.join(s.replace('_', ' ') for s in OPENING_STATUSES)}, "
                              f"got {str(value)[:40]!r}", field=field)
    return text


def _pay_per(value: Any, *, field: str) -> str | None:
    text = str(value or "").strip().lower()
    if not text:
        return None
    if text in ("hour", "hourly", "hr"):
        return "hour"
    if text in ("year", "yearly", "annual", "yr"):
        return "year"
    raise ValidationError(f"pay per must be hour or year, got {text[:40]!r}", field=field)


def _opening_values(ctx: Context, data: Mapping[str, Any], *, new: bool) -> dict[str, Any]:
    unknown = sorted(set(data) - set(OPENING_FIELDS))
    if unknown:
        raise ValidationError(f"unknown opening field(s): {', '.join(unknown)}")
    form = FieldCollector({k: v for k, v in data.items() if v is not None})
    if new:
        form.require("title", "role")
    form.field("title", require_text, max_length=MAX_TITLE)
    form.field("role", parse_role)
    form.field("hours", optional_text, max_length=MAX_TITLE)
    form.field("pay_min", money)
    form.field("pay_max", money)
    form.field("pay_per", _pay_per)
    form.field("status", _status)
    form.field("note", optional_text, max_length=MAX_TEXT)
    form.field("location", optional_text, max_length=MAX_TITLE)
    values = form.done()
    if "location" in values:
        name = values.pop("location")
        if name is None:
            values["location_id"] = None
        else:
            found = ctx.session.execute(select(Location.id).where(func.lower(Location.name) == name.lower())
                                        ).scalar_one_or_none()
            if found is None:
                raise NotFound(f"no location named {name!r}")
            values["location_id"] = found
    return values


def _opening_record(ctx: Context, row: Opening) -> OpeningRecord:
    location = ctx.session.get(Location, row.location_id).name if row.location_id else None
    waiting = ctx.session.execute(
        select(func.count(Applicant.id)).join(HiringStage, Applicant.stage_id == HiringStage.id)
        .where(Applicant.opening_id == row.id, HiringStage.outcome.is_(None))).scalar_one()
    return OpeningRecord(row.id, row.title, row.role, location, row.hours, row.pay_min, row.pay_max, row.pay_per,
                         row.status, row.opened_on, row.note, waiting)


def _check_pay(row: Opening) -> None:
    if row.pay_min is not None and row.pay_max is not None and row.pay_min > row.pay_max:
        raise ValidationError(f"pay min {row.pay_min:.2f} is more than pay max {row.pay_max:.2f}", field="pay_min")


def add_opening(ctx: Context, data: Mapping[str, Any]) -> OpeningRecord:
    """Open a job: title and role required; location, hours, pay range, note optional."""
    ctx.require(HIRING)
    values = _opening_values(ctx, data, new=True)
    row = Opening(**({"status": "open", "opened_on": today(ctx)} | values))
    _check_pay(row)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.opening.added", "staff_opening", row.id, summary={"title": row.title, "role": row.role})
    return _opening_record(ctx, row)


def update_opening(ctx: Context, opening_id: int, changes: Mapping[str, Any]) -> OpeningRecord:
    """Change an opening's fields, its status among them (open, on hold, filled, closed)."""
    ctx.require(HIRING)
    if not any(v is not None for v in changes.values()):
        raise ValidationError("nothing to change: give at least one field")
    values = _opening_values(ctx, changes, new=False)
    row = _opening(ctx, opening_id)
    diff = {k: [str(getattr(row, k)), str(v)] for k, v in values.items() if getattr(row, k) != v}
    for name, value in values.items():
        setattr(row, name, value)
    _check_pay(row)
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.opening.updated", "staff_opening", row.id, summary={"changed": diff})
    return _opening_record(ctx, row)


def _opening(ctx: Context, opening_id: int) -> Opening:
    row = ctx.session.get(Opening, opening_id)
    if row is None:
        raise NotFound(f"no job opening with id {opening_id}")
    return row


def list_openings(ctx: Context, *, include_closed: bool = False) -> list[OpeningRecord]:
    """Openings by id; without ``include_closed``, the open and on-hold ones."""
    ctx.require(HIRING)
    query = select(Opening).order_by(Opening.id)
    if not include_closed:
        query = query.where(Opening.status.in_(("open", "on_hold")))
    return [_opening_record(ctx, row) for row in ctx.session.execute(query).scalars()]


# -- stages ----------------------------------------------------------------------------------


def _stage_name(value: Any, *, field: str = "stage") -> str:
    text = " ".join(require_text(value, field=field, max_length=40).lower().split())
    return text


def list_stages(ctx: Context) -> list[StageRecord]:
    """The hiring stages in order, with how many applicants are in each."""
    ctx.require(HIRING)
    counts = dict(ctx.session.execute(select(Applicant.stage_id, func.count(Applicant.id))
                                      .group_by(Applicant.stage_id)).all())
    rows = ctx.session.execute(select(HiringStage).order_by(HiringStage.position, HiringStage.id)).scalars()
    return [StageRecord(r.id, r.name, r.position, r.outcome, counts.get(r.id, 0)) for r in rows]


def _stage(ctx: Context, name: Any) -> HiringStage:
    key = _stage_name(name)
    row = ctx.session.execute(select(HiringStage).where(HiringStage.name == key)).scalar_one_or_none()
    if row is None:
        known = ", ".join(s.name for s in ctx.session.execute(select(HiringStage).order_by(HiringStage.position))
                          .scalars())
        raise NotFound(f"no hiring stage named {key!r} (stages: {known})")
    return row


def add_stage(ctx: Context, name: Any, *, before: Any = None) -> StageRecord:
    """A stage of the practice's own, before ``before`` (else before the outcomes)."""
    ctx.require(HIRING)
    key = _stage_name(name)
    if ctx.session.execute(select(HiringStage.id).where(HiringStage.name == key)).first():
        raise Conflict(f"there is a hiring stage named {key!r} already")
    stages = list(ctx.session.execute(select(HiringStage).order_by(HiringStage.position, HiringStage.id)).scalars())
    if before is not None:
        anchor = _stage(ctx, before)
        index = stages.index(anchor)
    else:
        index = next((i for i, s in enumerate(stages) if s.outcome), len(stages))
    row = HiringStage(name=key, position=0, outcome=None)
    stages.insert(index, row)
    ctx.session.add(row)
    for position, stage in enumerate(stages, start=1):
        stage.position = position * 10
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.stage.added", "staff_hiring_stage", row.id, summary={"name": key})
    return StageRecord(row.id, row.name, row.position, None)


def rename_stage(ctx: Context, name: Any, new_name: Any) -> StageRecord:
    ctx.require(HIRING)
    row = _stage(ctx, name)
    key = _stage_name(new_name, field="new_name")
    clash = ctx.session.execute(select(HiringStage.id).where(HiringStage.name == key)).scalar_one_or_none()
    if clash is not None and clash != row.id:
        raise Conflict(f"there is a hiring stage named {key!r} already")
    old, row.name = row.name, key
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.stage.renamed", "staff_hiring_stage", row.id, summary={"from": old, "to": key})
    return StageRecord(row.id, row.name, row.position, row.outcome)


def remove_stage(ctx: Context, name: Any) -> StageRecord:
    """Remove a stage no applicant is in; the three outcomes stay."""
    ctx.require(HIRING)
    row = _stage(ctx, name)
    if row.outcome:
        raise Conflict(f"{row.name!r} is where applicants end up ({row.outcome}); rename it instead")
    held = ctx.session.execute(select(func.count(Applicant.id)).where(Applicant.stage_id == row.id)).scalar_one()
    if held:
        raise Conflict(f"{held} applicant(s) are at {row.name!r}; move them first")
    record = StageRecord(row.id, row.name, row.position, None)
    ctx.session.delete(row)
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.stage.removed", "staff_hiring_stage", record.id, summary={"name": record.name})
    return record


# -- applicants ------------------------------------------------------------------------------


def _applicant(ctx: Context, applicant_id: int, *, lock: bool = False) -> Applicant:
    """The applicant's row; ``lock`` holds it to the end of the unit of work (on PostgreSQL),
    so two managers moving or hiring one applicant at once do it one after the other."""
    row = ctx.session.get(Applicant, applicant_id, with_for_update=lock or None)
    if row is None:
        raise NotFound(f"no applicant with id {applicant_id}")
    return row


def _record(ctx: Context, row: Applicant, *, full: bool = False) -> ApplicantRecord:
    stage = ctx.session.get(HiringStage, row.stage_id)
    opening = ctx.session.get(Opening, row.opening_id)
    interviews = tuple(InterviewRecord(i.id, i.starts_at, i.interviewer, i.place) for i in ctx.session.execute(
        select(Interview).where(Interview.applicant_id == row.id).order_by(Interview.starts_at)).scalars())
    now = ctx.now()
    upcoming = next((i.starts_at for i in interviews if i.starts_at >= now), None)
    notes: tuple[NoteRecord, ...] = ()
    if full:
        notes = tuple(NoteRecord(n.written_at, n.author, n.kind, n.body) for n in ctx.session.execute(
            select(ApplicantNote).where(ApplicantNote.applicant_id == row.id)
            .order_by(ApplicantNote.written_at, ApplicantNote.id)).scalars())
    return ApplicantRecord(row.id, row.opening_id, opening.title, row.name, row.email, row.phone, stage.name,
                           stage.outcome, row.applied_on, row.rejection_reason, row.staff_id, upcoming, notes,
                           interviews if full else ())


def _note(ctx: Context, row: Applicant, kind: str, body: str) -> None:
    ctx.session.add(ApplicantNote(applicant_id=row.id, written_at=ctx.now(), author=ctx.user.username, kind=kind,
                                  body=body[:MAX_NOTE]))
    row.updated_at = ctx.now()


def add_applicant(ctx: Context, opening_id: int, data: Mapping[str, Any]) -> ApplicantRecord:
    """An applicant for an open opening, at the first stage."""
    ctx.require(APPLICANTS)
    unknown = sorted(set(data) - {"name", "email", "phone", "applied_on", "note"})
    if unknown:
        raise ValidationError(f"unknown applicant field(s): {', '.join(unknown)}")
    form = FieldCollector({k: v for k, v in data.items() if v is not None})
    form.require("name")
    form.field("name", require_text, max_length=MAX_NAME)
    form.field("email", parse_email)
    form.field("phone", parse_phone)
    form.field("applied_on", day)
    form.field("note", optional_text, max_length=MAX_NOTE, multiline=True)
    values = form.done()
    opening = _opening(ctx, opening_id)
    if opening.status != "open":
        raise Conflict(f"job opening {opening.id} ({opening.title}) is {opening.status.replace('_', ' ')}, "
                       "not open for applicants")
    applied = values.get("applied_on") or today(ctx)
    if applied > today(ctx):
        raise ValidationError(f"applied on {applied} is in the future", field="applied_on")
    first = ctx.session.execute(select(HiringStage).where(HiringStage.outcome.is_(None))
                                .order_by(HiringStage.position, HiringStage.id)).scalars().first()
    if first is None:
        raise Conflict("the practice has no hiring stage before the outcomes; add one with 'hiring stages add'")
    row = Applicant(opening_id=opening.id, name=values["name"], email=values.get("email"),
                    phone=values.get("phone"), stage_id=first.id, applied_on=applied, updated_at=ctx.now())
    ctx.session.add(row)
    ctx.session.flush()
    if values.get("note"):
        _note(ctx, row, "note", values["note"])
    ctx.changed(TOPIC)
    ctx.audit("hr.applicant.added", "staff_applicant", row.id, summary={"opening": opening.id})
    ctx.session.flush()
    return _record(ctx, row)


def list_applicants(ctx: Context, *, opening_id: int | None = None, stage: Any = None,
                    include_closed: bool = False) -> list[ApplicantRecord]:
    """Applicants by stage then name; without ``include_closed`` only those still in the
    pipeline (a ``stage`` named explicitly is shown whatever it is)."""
    ctx.require(APPLICANTS)
    query = (select(Applicant).join(HiringStage, Applicant.stage_id == HiringStage.id)
             .order_by(HiringStage.position, Applicant.name, Applicant.id))
    if opening_id is not None:
        _opening(ctx, opening_id)
        query = query.where(Applicant.opening_id == opening_id)
    if stage is not None:
        query = query.where(Applicant.stage_id == _stage(ctx, stage).id)
    elif not include_closed:
        query = query.where(HiringStage.outcome.is_(None))
    found = [_record(ctx, row) for row in ctx.session.execute(query).scalars()]
    ctx.audit("hr.applicants.listed", "staff_applicant", None, summary={"count": len(found)})
    return found


def open_applicant(ctx: Context, applicant_id: int) -> ApplicantRecord:
    """An applicant's whole file, notes and interviews; the opening is audited."""
    ctx.require(APPLICANTS)
    record = _record(ctx, _applicant(ctx, applicant_id), full=True)
    ctx.audit("hr.applicant.opened", "staff_applicant", applicant_id)
    return record


def add_note(ctx: Context, applicant_id: int, text: Any) -> ApplicantRecord:
    ctx.require(APPLICANTS)
    body = require_text(text, field="note", max_length=MAX_NOTE, multiline=True)
    row = _applicant(ctx, applicant_id)
    _note(ctx, row, "note", body)
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.applicant.noted", "staff_applicant", row.id)
    return _record(ctx, row, full=True)


def move(ctx: Context, applicant_id: int, stage: Any, *, reason: Any = None) -> ApplicantRecord:
    """Move an applicant to another stage; rejecting needs a reason; a hire is ``hire``."""
    ctx.require(APPLICANTS)
    row = _applicant(ctx, applicant_id, lock=True)
    target = _stage(ctx, stage)
    text = optional_text(reason, field="reason", max_length=MAX_TEXT)
    current = ctx.session.get(HiringStage, row.stage_id)
    if row.staff_id is not None:
        raise Conflict(f"applicant {row.id} ({row.name}) was hired; their record is staff #{row.staff_id}")
    if target.outcome == "hired":
        raise ValidationError(f"hire with 'medoffice hiring hire {row.id}', which makes the staff record",
                              field="stage")
    if target.outcome == "rejected" and not text:
        raise ValidationError("a rejection needs a reason (--reason)", field="reason")
    if target.id == current.id:
        raise Conflict(f"applicant {row.id} is at {target.name!r} already")
    row.stage_id = target.id
    row.rejection_reason = text if target.outcome == "rejected" else None
    _note(ctx, row, "stage", f"{current.name} -> {target.name}" + (f": {text}" if text else ""))
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.applicant.moved", "staff_applicant", row.id,
              summary={"from": current.name, "to": target.name} | ({"reason": text} if text else {}))
    return _record(ctx, row)


def schedule_interview(ctx: Context, applicant_id: int, at: Any, *, interviewer: Any = None,
                       place: Any = None) -> ApplicantRecord:
    """Book an interview (``YYYY-MM-DD HH:MM`` in the practice's zone)."""
    ctx.require(APPLICANTS)
    form = FieldCollector({"at": at, "interviewer": interviewer, "place": place})
    form.field("at", lambda v, field: local_time(ctx, v, field=field))
    form.field("interviewer", optional_text, max_length=MAX_NAME)
    form.field("place", optional_text, max_length=MAX_TITLE)
    values = form.done()
    row = _applicant(ctx, applicant_id)
    stage = ctx.session.get(HiringStage, row.stage_id)
    if stage.outcome:
        raise Conflict(f"applicant {row.id} ({row.name}) is {stage.outcome}; no interview to book")
    interview = Interview(applicant_id=row.id, starts_at=values["at"], interviewer=values["interviewer"],
                          place=values["place"])
    ctx.session.add(interview)
    shown = ctx.local(values["at"]).strftime("%Y-%m-%d %H:%M")
    _note(ctx, row, "interview", f"interview {shown}" + (f" with {values['interviewer']}" if values["interviewer"]
                                                        else ""))
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.applicant.interview", "staff_applicant", row.id, summary={"at": values["at"].isoformat()})
    return _record(ctx, row, full=True)


def hire(ctx: Context, applicant_id: int, *, start: Any = None, role: Any = None, is_provider: bool = False,
         npi: Any = None, user: Any = None) -> Hire:
    """Hire an applicant: the core's staff identity (``medoffice_staff_changed`` fires), the
    HR record with the start day, the applicant at the hired stage, and the onboarding
    to-do list of the role's trainings and documents."""
    ctx.require(APPLICANTS)
    row = _applicant(ctx, applicant_id, lock=True)
    if row.staff_id is not None:
        raise Conflict(f"applicant {row.id} ({row.name}) was hired already: staff #{row.staff_id}")
    opening = ctx.session.get(Opening, row.opening_id)
    form = FieldCollector({"start": start if start is not None else today(ctx), "role": role or opening.role})
    form.field("start", day)
    form.field("role", parse_role)
    values = form.done()
    hired_stage = ctx.session.execute(select(HiringStage).where(HiringStage.outcome == "hired")).scalar_one()
    current = ctx.session.get(HiringStage, row.stage_id)
    data: dict[str, Any] = {"name": row.name, "role": values["role"], "is_provider": bool(is_provider)}
    if npi:
        data["npi"] = npi
    if user:
        data["user"] = user
    made = core_staff.add(ctx, data)
    member = ctx.session.get(Member, made.id)  # the staff_changed hook noted the new identity
    if member is None:
        ctx.session.add(Member(staff_id=made.id, hired_on=values["start"], applicant_id=row.id))
    else:
        member.hired_on, member.applicant_id = values["start"], row.id
    row.staff_id, row.stage_id, row.rejection_reason = made.id, hired_stage.id, None
    _note(ctx, row, "stage", f"{current.name} -> {hired_stage.name}: staff #{made.id}, starts {values['start']}")
    ctx.session.flush()
    items = onboarding.start(ctx, made.id, values["role"], values["start"])
    ctx.changed(TOPIC)
    ctx.audit("hr.applicant.hired", "staff_applicant", row.id,
              summary={"staff_id": made.id, "role": values["role"], "start": values["start"].isoformat(),
                       "onboarding": len(items)})
    return Hire(_record(ctx, row), made, values["start"], tuple(items))
