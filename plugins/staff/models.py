"""The staff plugin's tables, in its own ``MetaData`` (its own Alembic branch ``staff``).

The HR side of the people in ``core_staff`` (the core keeps who they are, their role and
NPI; everything here points at ``core_staff.id``):

- **Hiring**: job openings (``staff_opening``), the practice's own hiring stages
  (``staff_hiring_stage``; three of them are outcomes: hired, rejected, withdrawn),
  applicants (``staff_applicant``), their dated notes (``staff_applicant_note``, the stage
  moves among them) and interviews (``staff_interview``). A hired applicant points at the
  staff identity the hire made.
- **The staff member's HR record** (``staff_member``): the day they started, and the
  applicant they were. Pay rates, evaluations and time punches (later slices) hang off
  ``core_staff.id`` the same way.
- **Onboarding**: documents each role requires (``staff_onboarding_document``) and each new
  hire's to-do list (``staff_onboarding_item``: trainings and documents now, policies to
  acknowledge later, told apart by ``kind``).
- **Training**: requirements (``staff_training``) with the roles they apply to
  (``staff_training_role``; ``*`` for every role) and a recurrence, and completions
  (``staff_training_completion``).
- **Credentials**: licences and certificates (``staff_credential``), and the manager's
  overrides of an expired required one (``staff_credential_override``).
- **Evaluations**: templates (``staff_eval_template``) with their competencies and comment
  fields (``staff_eval_item``), cycles (``staff_eval_cycle``: annual, 90-day new hire), one
  evaluation per person and period (``staff_evaluation``) and its lines
  (``staff_eval_entry``: the self-assessment and the manager's ratings side by side).
- **Policies**: policies (``staff_policy``), their published versions
  (``staff_policy_version``) with the roles each applies to
  (``staff_policy_version_role``), and each staff member's acknowledgment of a version
  (``staff_policy_ack``).
- **Delegated tasks** (``staff_task``, its comments ``staff_task_comment``), some of them
  occurrences of a recurring task (``staff_recurring_task``: the daily fridge log, the weekly
  deposit). At most one open task per ``key`` (a partial unique index): a plugin's task or a
  recurring task's occurrence is never filed twice.
- **The rota**: shifts (``staff_shift``), time-off requests (``staff_time_off``) and the
  headcount each role needs at a location on a weekday (``staff_staffing_need``). They were
  the scheduling plugin's ``scheduling_shift``, ``scheduling_time_off`` and
  ``scheduling_staffing_need``; migration ``sta0004`` moved a practice's rows here.
- **The booking checks' generation** (``staff_generation``, one row): raised by triggers
  (``sta0007``) whenever time off, a credential or an override changes, so that terminals
  keep what every booking asks of this plugin in memory (:mod:`.booking_checks`).
- **Time clock**: the spans worked (``staff_punch``; a correction voids a punch and adds
  the corrected one, so the original stays on file), paid time off hours a manager enters
  (``staff_paid_leave``) and each person's approved timesheet per pay period
  (``staff_timesheet``).
- **Payroll**: pay rates with the day they take effect (``staff_pay_rate``), the practice's
  pay period and overtime settings (``staff_payroll_settings``, one row), and approved
  registers (``staff_payroll_register``) with their lines as approved
  (``staff_payroll_line``).

Money (an opening's pay range) is :class:`~medoffice.core.storage.Cents`; moments are
:class:`~medoffice.core.storage.UTCDateTime`; calendar days (expiry, due) are plain dates in
the practice's zone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String,
                        UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from medoffice.core.storage import Cents, UTCDateTime, generation, new_metadata
from medoffice.core.storage.models import Location, Staff

from .vocabulary import TIME_OFF_STATUSES

MAX_NAME = 160
MAX_TITLE = 120
MAX_ROLE = 60
MAX_TEXT = 500
MAX_NOTE = 2000
MAX_USERNAME = 60

OPENING_STATUSES = ("open", "on_hold", "filled", "closed")
OUTCOMES = ("hired", "rejected", "withdrawn")
NOTE_KINDS = ("note", "stage", "interview")
ITEM_KINDS = ("training", "document", "policy")
TASK_PRIORITIES = ("low", "normal", "high", "urgent")
TASK_STATUSES = ("open", "in_progress", "done", "cancelled")
TASK_EVERY = ("day", "weekday", "week", "month")
MAX_TASK_KEY = 120
MAX_SOURCE = 60
EVERY_ROLE = "*"
PUNCH_ENDS = ("out", "break")
PAY_KINDS = ("hourly", "salary")
FREQUENCIES = ("weekly", "biweekly", "semimonthly")
OVERTIME_RULES = ("federal", "california")


class Base(DeclarativeBase):
    """The plugin's declarative base: its own ``MetaData`` with the house naming convention."""

    metadata = new_metadata()


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# -- hiring ----------------------------------------------------------------------------------


class Opening(Base):
    """A job the practice is hiring for."""

    __tablename__ = "staff_opening"
    __table_args__ = (
        CheckConstraint(_in("status", OPENING_STATUSES), name="status"),
        CheckConstraint("pay_min IS NULL OR pay_max IS NULL OR pay_min <= pay_max", name="pay_range"),
        CheckConstraint("pay_per IS NULL OR pay_per IN ('hour', 'year')", name="pay_per"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    role: Mapped[str] = mapped_column(String(MAX_ROLE))
    """The staff role a hire gets (``core_staff.role``)."""
    location_id: Mapped[int | None] = mapped_column(ForeignKey(Location.__table__.c.id))
    hours: Mapped[str | None] = mapped_column(String(MAX_TITLE))
    pay_min: Mapped[Decimal | None] = mapped_column(Cents())
    pay_max: Mapped[Decimal | None] = mapped_column(Cents())
    pay_per: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(10), default="open")
    opened_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))


class HiringStage(Base):
    """A step of the practice's hiring pipeline, in ``position`` order. ``outcome`` marks the
    three ends (hired, rejected, withdrawn): they can be renamed, never removed."""

    __tablename__ = "staff_hiring_stage"
    __table_args__ = (CheckConstraint("outcome IS NULL OR " + _in("outcome", OUTCOMES), name="outcome"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(10), unique=True)


class Applicant(Base):
    """Someone who applied for an opening: personal data, seen only with ``hr.applicants``."""

    __tablename__ = "staff_applicant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey(Opening.__table__.c.id), index=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    stage_id: Mapped[int] = mapped_column(ForeignKey(HiringStage.__table__.c.id), index=True)
    applied_on: Mapped[dt.date] = mapped_column(Date)
    rejection_reason: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey(Staff.__table__.c.id), unique=True)
    """The staff identity the hire made."""
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ApplicantNote(Base):
    """A dated line in an applicant's file: a note typed, a stage move, an interview booked."""

    __tablename__ = "staff_applicant_note"
    __table_args__ = (CheckConstraint(_in("kind", NOTE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey(Applicant.__table__.c.id), index=True)
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    author: Mapped[str] = mapped_column(String(MAX_USERNAME))
    kind: Mapped[str] = mapped_column(String(10), default="note")
    body: Mapped[str] = mapped_column(String(MAX_NOTE))


class Interview(Base):
    """An interview with an applicant."""

    __tablename__ = "staff_interview"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey(Applicant.__table__.c.id), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    interviewer: Mapped[str | None] = mapped_column(String(MAX_NAME))
    place: Mapped[str | None] = mapped_column(String(MAX_TITLE))


# -- the staff member's HR record and onboarding ---------------------------------------------


class Member(Base):
    """HR facts of a staff identity the core does not keep: the day they started."""

    __tablename__ = "staff_member"

    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), primary_key=True)
    hired_on: Mapped[dt.date] = mapped_column(Date)
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey(Applicant.__table__.c.id))


class OnboardingDocument(Base):
    """A document a new hire in ``role`` must hand in (I-9, W-4, a copy of their licence)."""

    __tablename__ = "staff_onboarding_document"
    __table_args__ = (UniqueConstraint("role", "title"),
                      CheckConstraint("within_days BETWEEN 0 AND 365", name="within_days"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(MAX_ROLE))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    within_days: Mapped[int] = mapped_column(Integer, default=7)


class OnboardingItem(Base):
    """One line of a new hire's to-do list, made when they were hired."""

    __tablename__ = "staff_onboarding_item"
    __table_args__ = (UniqueConstraint("staff_id", "kind", "title"),
                      CheckConstraint(_in("kind", ITEM_KINDS), name="kind"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    training_id: Mapped[int | None] = mapped_column(ForeignKey("staff_training.id"))
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("staff_policy.id"))
    """A policy line: the policy whose version in force the new hire acknowledges."""
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    done_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))


# -- training --------------------------------------------------------------------------------


class Training(Base):
    """A training requirement: once (``every_months`` None) or every N months, first due
    ``first_within_days`` after the later of the hire and the requirement's creation."""

    __tablename__ = "staff_training"
    __table_args__ = (CheckConstraint("every_months IS NULL OR every_months BETWEEN 1 AND 120", name="every_months"),
                      CheckConstraint("first_within_days BETWEEN 0 AND 3650", name="first_within_days"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_TITLE), unique=True)
    description: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    every_months: Mapped[int | None] = mapped_column(Integer)
    first_within_days: Mapped[int] = mapped_column(Integer, default=30)
    created_on: Mapped[dt.date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TrainingRole(Base):
    """A staff role a training applies to (``*``: every role)."""

    __tablename__ = "staff_training_role"

    training_id: Mapped[int] = mapped_column(ForeignKey(Training.__table__.c.id), primary_key=True)
    role: Mapped[str] = mapped_column(String(MAX_ROLE), primary_key=True)


class TrainingCompletion(Base):
    """A staff member completed a training on a day; it counts until ``expires_on``."""

    __tablename__ = "staff_training_completion"
    __table_args__ = (CheckConstraint("expires_on IS NULL OR expires_on >= completed_on", name="expiry_after"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey(Training.__table__.c.id), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), index=True)
    completed_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    certificate: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


# -- credentials -----------------------------------------------------------------------------


class Credential(Base):
    """A licence or certificate a staff member holds (state licence, DEA, RN, BLS card).

    ``required_for_work``: once expired it blocks booking the provider (and, later, a rota
    shift), unless a manager overrode it."""

    __tablename__ = "staff_credential"
    __table_args__ = (CheckConstraint("issued_on IS NULL OR expires_on IS NULL OR issued_on <= expires_on",
                                      name="issued_before_expiry"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), index=True)
    kind: Mapped[str] = mapped_column(String(MAX_ROLE))
    number: Mapped[str | None] = mapped_column(String(60))
    issuer: Mapped[str | None] = mapped_column(String(80))
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    required_for_work: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CredentialOverride(Base):
    """A manager let the holder of an expired required credential work until ``until``."""

    __tablename__ = "staff_credential_override"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credential_id: Mapped[int] = mapped_column(ForeignKey(Credential.__table__.c.id), index=True)
    reason: Mapped[str] = mapped_column(String(MAX_TEXT))
    until: Mapped[dt.date] = mapped_column(Date)
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    granted_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))


# -- performance evaluations -----------------------------------------------------------------

EVAL_ITEM_KINDS = ("competency", "comment")
EVAL_CYCLE_KINDS = ("annual", "new_hire")
MAX_BODY = 100_000


class EvalTemplate(Base):
    """An evaluation form: the competencies rated on a scale and the comment fields.

    Its items are fixed once an evaluation uses it (a changed form is a new template), so a
    signed evaluation always reads as it was signed."""

    __tablename__ = "staff_eval_template"
    __table_args__ = (CheckConstraint("scale_min >= 0 AND scale_max > scale_min AND scale_max <= 10", name="scale"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_TITLE), unique=True)
    scale_min: Mapped[int] = mapped_column(Integer, default=1)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    scale_labels: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    """What the ratings mean, in words (``1 unsatisfactory … 5 outstanding``)."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class EvalItem(Base):
    """A line of a template: a competency to rate, or a comment field to write in."""

    __tablename__ = "staff_eval_item"
    __table_args__ = (UniqueConstraint("template_id", "name"), CheckConstraint(_in("kind", EVAL_ITEM_KINDS), name="kind"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey(EvalTemplate.__table__.c.id), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(MAX_TITLE))


class EvalCycle(Base):
    """When evaluations come round: ``annual`` (scheduled by the manager for a period, with a
    due day) or ``new_hire`` (scheduled by each hire, ``days_after_hire`` after the start)."""

    __tablename__ = "staff_eval_cycle"
    __table_args__ = (CheckConstraint(_in("kind", EVAL_CYCLE_KINDS), name="kind"),
                      CheckConstraint("days_after_hire IS NULL OR days_after_hire BETWEEN 1 AND 730",
                                      name="days_after_hire"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_TITLE), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    template_id: Mapped[int] = mapped_column(ForeignKey(EvalTemplate.__table__.c.id))
    days_after_hire: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Evaluation(Base):
    """One staff member's evaluation for one period of a cycle.

    Sign-off runs in one order: the staff member signs their self-assessment, then a manager
    (not the staff member) signs the review; each signature locks its side."""

    __tablename__ = "staff_evaluation"
    __table_args__ = (UniqueConstraint("staff_id", "cycle_id", "period"),
                      CheckConstraint("manager_signed_at IS NULL OR self_signed_at IS NOT NULL", name="sign_order"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey(EvalCycle.__table__.c.id), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey(EvalTemplate.__table__.c.id))
    period: Mapped[str] = mapped_column(String(40))
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    self_comment: Mapped[str | None] = mapped_column(String(MAX_NOTE))
    manager_comment: Mapped[str | None] = mapped_column(String(MAX_NOTE))
    goals: Mapped[str | None] = mapped_column(String(MAX_NOTE))
    """Goals for the next period, agreed in the review."""
    self_signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    self_signed_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))
    self_waived: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    """Why a manager signed off the self-assessment in the staff member's stead (no user to
    sign in with, or they declined): set with ``self_signed_*`` naming the manager."""
    manager_signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    manager_signed_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class EvalEntry(Base):
    """The ratings and words given on one template line of one evaluation, by both sides."""

    __tablename__ = "staff_eval_entry"

    evaluation_id: Mapped[int] = mapped_column(ForeignKey(Evaluation.__table__.c.id), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey(EvalItem.__table__.c.id), primary_key=True)
    self_rating: Mapped[int | None] = mapped_column(Integer)
    manager_rating: Mapped[int | None] = mapped_column(Integer)
    self_text: Mapped[str | None] = mapped_column(String(MAX_NOTE))
    manager_text: Mapped[str | None] = mapped_column(String(MAX_NOTE))


# -- office policies -------------------------------------------------------------------------


class Policy(Base):
    """An office policy or procedure; its text lives in its versions."""

    __tablename__ = "staff_policy"
    __table_args__ = (CheckConstraint("ack_within_days BETWEEN 0 AND 365", name="ack_within_days"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE), unique=True)
    category: Mapped[str] = mapped_column(String(MAX_ROLE))
    ack_within_days: Mapped[int] = mapped_column(Integer, default=14)
    """Days the staff have to acknowledge a version once published (or once hired)."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PolicyVersion(Base):
    """A published version of a policy: its text (Markdown) or a reference to the file that
    holds it. The latest is the one in force; acknowledgments are per version, so a new
    version starts everyone's afresh."""

    __tablename__ = "staff_policy_version"
    __table_args__ = (UniqueConstraint("policy_id", "number"),
                      CheckConstraint("(body IS NULL) <> (file_ref IS NULL)", name="body_or_file"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey(Policy.__table__.c.id), index=True)
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(String(MAX_BODY))
    file_ref: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    """What changed from the version before."""
    published_on: Mapped[dt.date] = mapped_column(Date)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


class PolicyVersionRole(Base):
    """A staff role a policy version applies to (``*``: every role)."""

    __tablename__ = "staff_policy_version_role"

    version_id: Mapped[int] = mapped_column(ForeignKey(PolicyVersion.__table__.c.id), primary_key=True)
    role: Mapped[str] = mapped_column(String(MAX_ROLE), primary_key=True)


class PolicyAck(Base):
    """A staff member, signed in as themselves, acknowledged a policy version."""

    __tablename__ = "staff_policy_ack"
    __table_args__ = (UniqueConstraint("version_id", "staff_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey(PolicyVersion.__table__.c.id), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), index=True)
    acknowledged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    username: Mapped[str] = mapped_column(String(MAX_USERNAME))


# -- delegated tasks -------------------------------------------------------------------------

_ONE_ASSIGNEE = "(assignee_staff_id IS NULL) <> (assignee_role IS NULL)"
_OPEN_KEY = "key IS NOT NULL AND status IN ('open', 'in_progress')"


class RecurringTask(Base):
    """A task that comes back: every day, weekday, week or month from ``starts_on``. One
    occurrence is open at a time; finishing it (done or cancelled) files the next."""

    __tablename__ = "staff_recurring_task"
    __table_args__ = (CheckConstraint(_ONE_ASSIGNEE, name="one_assignee"),
                      CheckConstraint(_in("every", TASK_EVERY), name="every"),
                      CheckConstraint(_in("priority", TASK_PRIORITIES), name="priority"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    assignee_staff_id: Mapped[int | None] = mapped_column(ForeignKey(Staff.__table__.c.id))
    assignee_role: Mapped[str | None] = mapped_column(String(MAX_ROLE))
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    every: Mapped[str] = mapped_column(String(8))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


class Task(Base):
    """A delegated task: for one staff member or everyone in a role."""

    __tablename__ = "staff_task"
    __table_args__ = (CheckConstraint(_ONE_ASSIGNEE, name="one_assignee"),
                      CheckConstraint(_in("status", TASK_STATUSES), name="status"),
                      CheckConstraint(_in("priority", TASK_PRIORITIES), name="priority"),
                      Index("ix_staff_task_open_key", "key", unique=True,
                            sqlite_where=text(_OPEN_KEY), postgresql_where=text(_OPEN_KEY)),
                      Index("ix_staff_task_status_due", "status", "due_on"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    note: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    assignee_staff_id: Mapped[int | None] = mapped_column(ForeignKey(Staff.__table__.c.id), index=True)
    assignee_role: Mapped[str | None] = mapped_column(String(MAX_ROLE))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    status: Mapped[str] = mapped_column(String(12), default="open")
    source: Mapped[str | None] = mapped_column(String(MAX_SOURCE))
    key: Mapped[str | None] = mapped_column(String(MAX_TASK_KEY))
    """While the task is open, no other open task has this key."""
    recurring_id: Mapped[int | None] = mapped_column(ForeignKey(RecurringTask.__table__.c.id), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))


class TaskComment(Base):
    """A dated line on a task: a comment typed, or a status change with its reason."""

    __tablename__ = "staff_task_comment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey(Task.__table__.c.id), index=True)
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    author: Mapped[str] = mapped_column(String(MAX_USERNAME))
    body: Mapped[str] = mapped_column(String(MAX_NOTE))


# -- the rota: shifts, time off, the headcount each role needs -------------------------------

MAX_REASON = MAX_TEXT


class Shift(Base):
    """A staff member working in a role at a location for a span of time. No person works two
    shifts at once: ``staff_shift_no_overlap`` (an exclusion constraint on PostgreSQL, triggers
    on SQLite, made by the migration) backs the service's check."""

    __tablename__ = "staff_shift"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_staff_shift_staff_start", "staff_id", "starts_at"),
        Index("ix_staff_shift_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id))
    role: Mapped[str] = mapped_column(String(MAX_ROLE))
    location_id: Mapped[int] = mapped_column(ForeignKey(Location.__table__.c.id), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(String(MAX_REASON))
    created_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


class TimeOff(Base):
    """A request for whole local days off, and the manager's decision."""

    __tablename__ = "staff_time_off"
    __table_args__ = (
        CheckConstraint("last_day >= first_day", name="last_after_first"),
        CheckConstraint(_in("status", TIME_OFF_STATUSES), name="status"),
        Index("ix_staff_time_off_staff_first", "staff_id", "first_day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id))
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(MAX_REASON))
    status: Mapped[str] = mapped_column(String(12))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    requested_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))
    decision_note: Mapped[str | None] = mapped_column(String(MAX_REASON))


class StaffingNeed(Base):
    """How many people of a role a location needs on a weekday (the coverage report's target)."""

    __tablename__ = "staff_staffing_need"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("headcount > 0", name="headcount_positive"),
        UniqueConstraint("role", "location_id", "weekday"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(MAX_ROLE))
    location_id: Mapped[int] = mapped_column(ForeignKey(Location.__table__.c.id))
    weekday: Mapped[int] = mapped_column(Integer)
    headcount: Mapped[int] = mapped_column(Integer)


# -- what every booking checks, kept in memory -----------------------------------------------

OWNER = "staff"
"""The owner of the booking checks' generation (``staff_generation``), and the first word of
the names they are kept under (``staff.leave``): :meth:`~medoffice.core.context.Context.cached`."""


class Generation(Base):
    """The booking checks' generation (one row, id 1; sta0007): raised by triggers whenever a
    table of :data:`BOOKING_CHECK_TABLES` changes (``medoffice.core.storage.generation``)."""

    __tablename__ = generation.counter(OWNER)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


BOOKING_CHECK_TABLES = (TimeOff.__tablename__, Credential.__tablename__, CredentialOverride.__tablename__)
"""What a booking and a slot search ask of this plugin (approved time off; required
credentials, their expiry and overrides) is read from these alone: kept in memory between
units of work (:mod:`.booking_checks`); migration sta0007 makes their changes raise
:class:`Generation`."""

generation.watch(*BOOKING_CHECK_TABLES)


# -- time clock ------------------------------------------------------------------------------

OPEN_PUNCH = "clock_out IS NULL AND voided_at IS NULL"


class Punch(Base):
    """A span worked: clocked in at ``clock_in``, out at ``clock_out`` (None while still in),
    ended for the day (``out``) or for a break (``break``).

    A correction never edits a punch: it voids it (``voided_*``, with the manager's reason)
    and adds the corrected one pointing at it (``replaces_id``), so the original stays on
    file. The partial unique index lets a person have one open punch at most, whatever two
    terminals do at once."""

    __tablename__ = "staff_punch"
    __table_args__ = (
        CheckConstraint("clock_out IS NULL OR clock_out > clock_in", name="out_after_in"),
        CheckConstraint(f"ended_for IS NULL OR {_in('ended_for', PUNCH_ENDS)}", name="ended_for"),
        Index("uq_staff_punch_one_open", "staff_id", unique=True, sqlite_where=text(OPEN_PUNCH),
              postgresql_where=text(OPEN_PUNCH)),
        Index("ix_staff_punch_staff_id_clock_in", "staff_id", "clock_in"),
        Index("ix_staff_punch_clock_in", "clock_in"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id))
    clock_in: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    clock_out: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    ended_for: Mapped[str | None] = mapped_column(String(5))
    entered_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    """Who punched: the staff member's own user at the desk, or the manager who entered it."""
    reason: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    """A manager's reason for entering or correcting it by hand."""
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("staff_punch.id"))
    voided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    voided_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))
    void_reason: Mapped[str | None] = mapped_column(String(MAX_TEXT))


class PaidLeave(Base):
    """Paid time off hours a manager put on a person's timesheet for one day (kind PTO)."""

    __tablename__ = "staff_paid_leave"
    __table_args__ = (CheckConstraint("minutes BETWEEN 1 AND 1440", name="minutes"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id), index=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(MAX_TEXT))
    entered_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    entered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    voided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    voided_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))


class Timesheet(Base):
    """A person's timesheet for the pay period starting ``period_start``, approved by a manager:
    its punches and paid time off are settled (changing them is refused)."""

    __tablename__ = "staff_timesheet"
    __table_args__ = (UniqueConstraint("staff_id", "period_start"),
                      CheckConstraint("period_start <= period_end", name="period"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id))
    period_start: Mapped[dt.date] = mapped_column(Date, index=True)
    period_end: Mapped[dt.date] = mapped_column(Date)
    approved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    approved_by: Mapped[str] = mapped_column(String(MAX_USERNAME))


# -- payroll ---------------------------------------------------------------------------------


class PayRate(Base):
    """What a person is paid from ``effective_from`` until the next rate: per hour (hourly)
    or per year (salary)."""

    __tablename__ = "staff_pay_rate"
    __table_args__ = (UniqueConstraint("staff_id", "effective_from"),
                      CheckConstraint(_in("kind", PAY_KINDS), name="kind"),
                      CheckConstraint("amount > 0", name="amount"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id))
    kind: Mapped[str] = mapped_column(String(6))
    amount: Mapped[Decimal] = mapped_column(Cents())
    effective_from: Mapped[dt.date] = mapped_column(Date)
    set_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PayrollSettings(Base):
    """The practice's pay periods and overtime rule (one row, id 1).

    ``anchor``: the first day of some pay period (weekly and bi-weekly periods repeat from
    it); ``workweek_starts``: the weekday (0 Monday … 6 Sunday) the workweek of the weekly
    overtime rule begins."""

    __tablename__ = "staff_payroll_settings"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),
                      CheckConstraint(_in("frequency", FREQUENCIES), name="frequency"),
                      CheckConstraint(_in("overtime_rule", OVERTIME_RULES), name="overtime_rule"),
                      CheckConstraint("workweek_starts BETWEEN 0 AND 6", name="workweek_starts"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    frequency: Mapped[str] = mapped_column(String(12))
    anchor: Mapped[dt.date] = mapped_column(Date)
    workweek_starts: Mapped[int] = mapped_column(Integer)
    overtime_rule: Mapped[str] = mapped_column(String(12))


class PayrollRegister(Base):
    """An approved payroll register: the pay period, its gross total and the expense the
    billing domain booked for it (None without billing). A manager may reopen it (its lines
    go, the reason is kept): it is a draft again until approved again, and keeps its expense,
    so approving it again books none."""

    __tablename__ = "staff_payroll_register"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_start: Mapped[dt.date] = mapped_column(Date, unique=True)
    period_end: Mapped[dt.date] = mapped_column(Date)
    gross: Mapped[Decimal] = mapped_column(Cents())
    approved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    approved_by: Mapped[str] = mapped_column(String(MAX_USERNAME))
    expense_id: Mapped[int | None] = mapped_column(Integer)
    """The billing domain's id of the booked expense (no foreign key: billing may be absent)."""
    reopened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reopened_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME))
    reopen_reason: Mapped[str | None] = mapped_column(String(MAX_TEXT))


class PayrollLine(Base):
    """One person's line of an approved register, as approved."""

    __tablename__ = "staff_payroll_line"
    __table_args__ = (UniqueConstraint("register_id", "staff_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey(PayrollRegister.__table__.c.id))
    staff_id: Mapped[int] = mapped_column(ForeignKey(Staff.__table__.c.id))
    pay_kind: Mapped[str] = mapped_column(String(6))
    regular_minutes: Mapped[int] = mapped_column(Integer)
    overtime_minutes: Mapped[int] = mapped_column(Integer)
    double_minutes: Mapped[int] = mapped_column(Integer)
    pto_minutes: Mapped[int] = mapped_column(Integer)
    gross: Mapped[Decimal] = mapped_column(Cents())
