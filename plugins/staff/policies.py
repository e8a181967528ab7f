"""Office policies and procedures: versions, the roles each applies to, and who has
acknowledged the version in force.

A policy (title, category) holds its text in versions: Markdown typed in, or a reference to
the file that holds it (a PDF on the practice's drive). Each published version names the
staff roles it applies to; every active staff member in those roles must acknowledge *that*
version within the policy's ``ack_within_days`` of its publication (or of their start, for
someone hired later). Acknowledgments belong to a version, so publishing a new one asks
everyone again, and the earlier signatures stay on file with the version they were for.

Acknowledging is the staff member's own act: the signed-in user's linked staff record signs,
never someone on their behalf, and it is audited (``hr.policy.acknowledged``). Reading the
policies is everyone's (``hr.self``); writing them is ``hr.policies``; who has not signed is
``hr.compliance``. A new hire's onboarding list holds a line per policy of their role
(:func:`onboarding_lines`), ticked by their acknowledgment.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import attrs
from sqlalchemy import func, select

from medoffice.core.context import Context
from medoffice.core.errors import Conflict, NotFound, ValidationError
from medoffice.core.services.forms import FieldCollector
from medoffice.core.storage.models import Staff
from medoffice.core.validation import optional_text, require_text

from .common import own_staff_id, parse_role, plus_days, role_key, staff_row, today, whole
from .models import (
    EVERY_ROLE,
    MAX_BODY,
    MAX_ROLE,
    MAX_TEXT,
    MAX_TITLE,
    Member,
    OnboardingItem,
    Policy,
    PolicyAck,
    PolicyVersion,
    PolicyVersionRole,
)
from .permissions import COMPLIANCE, POLICIES, SELF

TOPIC = "staff.policies"
"""What other terminals watch to follow acknowledgments and new versions."""


@attrs.frozen
class PolicyRecord:
    id: int
    title: str
    category: str
    version: int
    """The version in force."""
    published_on: dt.date
    roles: tuple[str, ...]
    file_ref: str | None
    note: str | None
    ack_within_days: int
    active: bool
    signed: int | None = None
    """How many of those who must have acknowledged the version in force (None: not yours to see)."""
    required: int | None = None


@attrs.frozen
class PolicyText:
    """A version to read: its Markdown body or the file it refers to."""

    title: str
    category: str
    version: int
    current: bool
    """Whether this is the version in force (only that one can be acknowledged)."""
    published_on: dt.date
    published_by: str
    roles: tuple[str, ...]
    body: str | None
    file_ref: str | None
    note: str | None
    acknowledged_at: dt.datetime | None = None
    """When the signed-in staff member acknowledged this version (None: not yet, or not linked)."""


@attrs.frozen
class AckRecord:
    id: int
    staff_id: int
    staff: str
    policy: str
    version: int
    acknowledged_at: dt.datetime
    username: str


@attrs.frozen
class UnsignedRecord:
    """One staff member who has not acknowledged the version in force of one policy."""

    staff_id: int
    staff: str
    role: str
    policy: str
    version: int
    published_on: dt.date
    due_on: dt.date
    days: int
    """Days until due (negative: days overdue)."""
    status: str
    """``overdue`` or ``due``."""


@attrs.frozen
class SignatureRecord:
    """Whether one staff member who must has acknowledged a version."""

    staff_id: int
    staff: str
    role: str
    acknowledged_at: dt.datetime | None
    username: str | None


# -- reading the tables ----------------------------------------------------------------------


def _policy(ctx: Context, title: Any) -> Policy:
    text = require_text(title, field="policy", max_length=MAX_TITLE)
    row = ctx.session.execute(select(Policy).where(func.lower(Policy.title) == text.lower())).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no policy titled {text!r}")
    return row


def _current(ctx: Context, policy_ids: Iterable[int]) -> dict[int, PolicyVersion]:
    ids = list(policy_ids)
    if not ids:
        return {}
    latest = (select(PolicyVersion.policy_id, func.max(PolicyVersion.number).label("number"))
              .where(PolicyVersion.policy_id.in_(ids)).group_by(PolicyVersion.policy_id).subquery())
    rows = ctx.session.execute(select(PolicyVersion).join(
        latest, (latest.c.policy_id == PolicyVersion.policy_id) & (latest.c.number == PolicyVersion.number))).scalars()
    return {row.policy_id: row for row in rows}


def _roles(ctx: Context, version_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = defaultdict(list)
    ids = list(version_ids)
    if ids:
        for version_id, role in ctx.session.execute(select(PolicyVersionRole.version_id, PolicyVersionRole.role)
                                                    .where(PolicyVersionRole.version_id.in_(ids))
                                                    .order_by(PolicyVersionRole.role)):
            found[version_id].append(role)
    return {k: tuple(v) for k, v in found.items()}


def _applies(roles: tuple[str, ...], staff_role: str | None) -> bool:
    return EVERY_ROLE in roles or role_key(staff_role) in roles


def _owed(ctx: Context, policies: list[Policy], *, details: bool = True) -> list[tuple[Policy, PolicyVersion,
                                                                                    tuple[str, ...], Any, Any]]:
    """Each (policy, version in force, its roles, active staff member it applies to as a row
    of id, name, role and start day, their acknowledgment of it or None), for the active policies given.
    Without ``details`` an acknowledgment is only True (its time and user are not read)."""
    current = _current(ctx, [p.id for p in policies])
    roles = _roles(ctx, [v.id for v in current.values()])
    people = ctx.session.execute(select(Staff.id, Staff.name, Staff.role, Member.hired_on)
                                 .outerjoin(Member, Member.staff_id == Staff.id).where(Staff.active.is_(True))
                                 .order_by(Staff.name)).all()
    versions = [v.id for v in current.values()]
    acks: dict[tuple[int, int], Any] = {}
    if versions and details:
        acks = {(a.version_id, a.staff_id): a for a in ctx.session.execute(
            select(PolicyAck.version_id, PolicyAck.staff_id, PolicyAck.acknowledged_at, PolicyAck.username)
            .where(PolicyAck.version_id.in_(versions)))}
    elif versions:
        acks = {(version_id, staff_id): True for version_id, staff_id in ctx.session.execute(
            select(PolicyAck.version_id, PolicyAck.staff_id).where(PolicyAck.version_id.in_(versions)))}
    keys = [(person, role_key(person.role)) for person in people]
    found = []
    for policy in policies:
        version = current.get(policy.id)
        if version is None or not policy.active:
            continue
        applies_to = roles.get(version.id, ())
        everyone = EVERY_ROLE in applies_to
        for person, key in keys:
            if everyone or key in applies_to:
                found.append((policy, version, applies_to, person, acks.get((version.id, person.id))))
    return found


def _record(policy: Policy, version: PolicyVersion, roles: tuple[str, ...], counts: tuple[int, int] | None
            ) -> PolicyRecord:
    return PolicyRecord(policy.id, policy.title, policy.category, version.number, version.published_on, roles,
                        version.file_ref, version.note, policy.ack_within_days, policy.active,
                        counts[0] if counts else None, counts[1] if counts else None)


def _one(ctx: Context, policy: Policy) -> PolicyRecord:
    version = _current(ctx, [policy.id])[policy.id]
    return _record(policy, version, _roles(ctx, [version.id]).get(version.id, ()), None)


# -- writing policies ------------------------------------------------------------------------


def _text_values(body: Any, file_ref: Any, note: Any) -> dict[str, Any]:
    form = FieldCollector({"body": body, "file_ref": file_ref, "note": note})
    form.field("body", optional_text, max_length=MAX_BODY, multiline=True)
    form.field("file_ref", optional_text, max_length=MAX_TEXT)
    form.field("note", optional_text, max_length=MAX_TEXT)
    values = form.done()
    if (values["body"] is None) == (values["file_ref"] is None):
        raise ValidationError("give the policy's text (a Markdown body) or a file reference, one of the two",
                              field="body")
    return values


def _role_keys(roles: Iterable[Any]) -> tuple[str, ...]:
    keys, errors = set(), []
    for role in list(roles):
        try:
            keys.add(parse_role(role, every=True))
        except ValidationError as error:
            errors.append(error.message)
    if errors:
        raise ValidationError("; ".join(errors), field="role")
    if not keys:
        raise ValidationError("give at least one role (--role ROLE, or --role all)", field="role")
    return tuple(sorted(keys))


def _publish(ctx: Context, policy: Policy, number: int, values: dict[str, Any], roles: tuple[str, ...]) -> PolicyVersion:
    version = PolicyVersion(policy_id=policy.id, number=number, body=values["body"], file_ref=values["file_ref"],
                            note=values["note"], published_on=today(ctx), published_at=ctx.now(),
                            published_by=ctx.user.username)
    ctx.session.add(version)
    ctx.session.flush()
    ctx.session.add_all(PolicyVersionRole(version_id=version.id, role=role) for role in roles)
    ctx.session.flush()
    ctx.changed(TOPIC)
    return version


def add(ctx: Context, title: Any, category: Any, roles: Iterable[Any], *, body: Any = None, file_ref: Any = None,
        within_days: Any = 14, note: Any = None) -> PolicyRecord:
    """A new policy, its version 1 published today for the staff of ``roles`` (``all``:
    everyone), who have ``within_days`` to acknowledge it."""
    ctx.require(POLICIES)
    form = FieldCollector({"title": title, "category": category, "within_days": within_days})
    form.field("title", require_text, max_length=MAX_TITLE)
    form.field("category", require_text, max_length=MAX_ROLE)
    form.field("within_days", whole, low=0, high=365)
    try:
        keys: tuple[str, ...] = _role_keys(roles)
    except ValidationError as error:
        form.errors["role"], keys = error.message, ()
    try:
        text = _text_values(body, file_ref, note)
    except ValidationError as error:
        form.errors[error.field or "body"], text = error.message, {}
    values = form.done()
    if ctx.session.execute(select(Policy.id).where(func.lower(Policy.title) == values["title"].lower())).first():
        raise Conflict(f"there is a policy titled {values['title']!r} already (a new text is a new version: "
                       "medoffice policies publish)")
    policy = Policy(title=values["title"], category=values["category"], ack_within_days=values["within_days"],
                    active=True)
    ctx.session.add(policy)
    ctx.session.flush()
    version = _publish(ctx, policy, 1, text, keys)
    ctx.audit("hr.policy.added", "staff_policy", policy.id,
              summary={"title": policy.title, "category": policy.category, "version": 1, "roles": list(keys)})
    return _record(policy, version, keys, None)


def publish(ctx: Context, title: Any, *, body: Any = None, file_ref: Any = None, roles: Iterable[Any] = (),
            note: Any = None) -> PolicyRecord:
    """Publish a new version of a policy (the roles of the version before unless given):
    everyone it applies to must acknowledge it afresh."""
    ctx.require(POLICIES)
    policy = _policy(ctx, title)
    if not policy.active:
        raise Conflict(f"{policy.title!r} is retired")
    text = _text_values(body, file_ref, note)
    ctx.session.execute(select(Policy.id).where(Policy.id == policy.id).with_for_update())
    before = _current(ctx, [policy.id])[policy.id]
    roles = list(roles)
    keys = _role_keys(roles) if roles else _roles(ctx, [before.id]).get(before.id, ())
    if text["body"] == before.body and text["file_ref"] == before.file_ref \
            and keys == _roles(ctx, [before.id]).get(before.id, ()):
        raise Conflict(f"version {before.number} of {policy.title!r} says the same for the same roles: "
                       "nothing to publish")
    version = _publish(ctx, policy, before.number + 1, text, keys)
    ctx.audit("hr.policy.published", "staff_policy", policy.id,
              summary={"title": policy.title, "version": version.number, "roles": list(keys),
                       "note": text["note"]})
    return _record(policy, version, keys, None)


def retire(ctx: Context, title: Any) -> PolicyRecord:
    """Stop requiring a policy (its versions and acknowledgments stay on file)."""
    ctx.require(POLICIES)
    policy = _policy(ctx, title)
    if not policy.active:
        raise Conflict(f"{policy.title!r} is retired already")
    policy.active = False
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.policy.retired", "staff_policy", policy.id, summary={"title": policy.title})
    return _one(ctx, policy)


# -- reading and acknowledging ---------------------------------------------------------------


def list_policies(ctx: Context, *, include_retired: bool = False) -> list[PolicyRecord]:
    """The policies with their version in force; with ``hr.compliance``, how many of those
    who must have acknowledged it."""
    ctx.require(SELF)
    query = select(Policy).order_by(Policy.category, Policy.title)
    if not include_retired:
        query = query.where(Policy.active.is_(True))
    policies = list(ctx.session.execute(query).scalars())
    current = _current(ctx, [p.id for p in policies])
    roles = _roles(ctx, [v.id for v in current.values()])
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    if ctx.can(COMPLIANCE):
        for policy, _version, _roles_, _person, ack in _owed(ctx, policies, details=False):
            counts[policy.id][1] += 1
            counts[policy.id][0] += ack is not None
    return [_record(p, current[p.id], roles.get(current[p.id].id, ()),
                    tuple(counts[p.id]) if ctx.can(COMPLIANCE) and p.active else None)  # type: ignore[arg-type]
            for p in policies if p.id in current]


def read(ctx: Context, title: Any, *, version: Any = None) -> PolicyText:
    """A policy's text: the version in force, or an earlier one by number."""
    ctx.require(SELF)
    policy = _policy(ctx, title)
    current = _current(ctx, [policy.id])[policy.id]
    row = current
    if version is not None:
        number = whole(version, field="version", low=1, high=1_000_000)
        row = ctx.session.execute(select(PolicyVersion).where(PolicyVersion.policy_id == policy.id,
                                                              PolicyVersion.number == number)).scalar_one_or_none()
        if row is None:
            raise NotFound(f"{policy.title!r} has no version {number} (the latest is {current.number})")
    signed = None
    mine = ctx.session.execute(select(Staff.id).where(Staff.user_id == ctx.user.id)).scalars().first() \
        if ctx.user.id else None
    if mine is not None:
        signed = ctx.session.execute(select(PolicyAck.acknowledged_at).where(
            PolicyAck.version_id == row.id, PolicyAck.staff_id == mine)).scalar_one_or_none()
    return PolicyText(policy.title, policy.category, row.number, row.id == current.id, row.published_on,
                      row.published_by, _roles(ctx, [row.id]).get(row.id, ()), row.body, row.file_ref, row.note,
                      signed)


def acknowledge(ctx: Context, title: Any, *, version: Any = None) -> AckRecord:
    """The signed-in staff member acknowledges the version in force of a policy of their role.

    ``version``, when given, must be the version in force: the one they read on screen, so a
    version published meanwhile is never signed unread."""
    ctx.require(SELF)
    staff_id = own_staff_id(ctx)
    person = staff_row(ctx, staff_id)
    policy = _policy(ctx, title)
    if not policy.active:
        raise Conflict(f"{policy.title!r} is retired: there is nothing to acknowledge")
    current = _current(ctx, [policy.id])[policy.id]
    if version is not None:
        number = whole(version, field="version", low=1, high=1_000_000)
        if number != current.number:
            raise Conflict(f"version {number} of {policy.title!r} is not the one in force: read version "
                           f"{current.number} (medoffice policies show {policy.title!r}) and acknowledge that")
    roles = _roles(ctx, [current.id]).get(current.id, ())
    if not _applies(roles, person.role):
        raise Conflict(f"{policy.title!r} does not apply to your role ({person.role}); it is for "
                       f"{', '.join('all' if r == EVERY_ROLE else r for r in roles)}")
    done = ctx.session.execute(select(PolicyAck).where(PolicyAck.version_id == current.id,
                                                       PolicyAck.staff_id == staff_id)).scalar_one_or_none()
    if done is not None:
        raise Conflict(f"you acknowledged version {current.number} of {policy.title!r} on "
                       f"{ctx.local(done.acknowledged_at):%Y-%m-%d %H:%M} already")
    row = PolicyAck(version_id=current.id, staff_id=staff_id, acknowledged_at=ctx.now(), username=ctx.user.username)
    ctx.session.add(row)
    for line in ctx.session.execute(select(OnboardingItem).where(
            OnboardingItem.staff_id == staff_id, OnboardingItem.policy_id == policy.id,
            OnboardingItem.done_on.is_(None))).scalars():
        line.done_on, line.done_by = today(ctx), ctx.user.username
    ctx.session.flush()
    ctx.changed(TOPIC)
    ctx.audit("hr.policy.acknowledged", "staff_policy_ack", row.id,
              summary={"staff_id": staff_id, "policy": policy.title, "version": current.number})
    return AckRecord(row.id, staff_id, person.name, policy.title, current.number, row.acknowledged_at, row.username)


def unsigned(ctx: Context, *, policy: Any = None, staff_id: int | None = None, mine: bool = False,
             within: Any = None) -> list[UnsignedRecord]:
    """Who has not acknowledged the version in force, per policy and per person, most
    overdue first: everyone (``hr.compliance``), one person or one policy, or the signed-in
    user's own (``mine``, ``hr.self``). ``within`` (days) keeps those due by then."""
    if mine:
        ctx.require(SELF)
        staff_id = own_staff_id(ctx)
    else:
        ctx.require(COMPLIANCE)
        if staff_id is not None:
            staff_row(ctx, staff_id)
    ahead = None if within is None else whole(within, field="within", low=0, high=3650)
    if policy is not None:
        policies = [_policy(ctx, policy)]
    else:
        policies = list(ctx.session.execute(select(Policy).where(Policy.active.is_(True))).scalars())
    now = today(ctx)
    found = []
    for row, version, _roles_, person, ack in _owed(ctx, policies, details=False):
        if ack is not None or (staff_id is not None and person.id != staff_id):
            continue
        start = max(version.published_on, person.hired_on or version.published_on)
        due_on = plus_days(start, row.ack_within_days)
        days = (due_on - now).days
        if ahead is not None and days > ahead:
            continue
        found.append(UnsignedRecord(person.id, person.name, person.role, row.title, version.number,
                                    version.published_on, due_on, days, "overdue" if days < 0 else "due"))
    found.sort(key=lambda u: (u.due_on, u.staff, u.policy))
    return found


def signatures(ctx: Context, title: Any) -> list[SignatureRecord]:
    """Everyone the version in force of a policy applies to, with when they acknowledged it."""
    ctx.require(COMPLIANCE)
    policy = _policy(ctx, title)
    return [SignatureRecord(person.id, person.name, person.role, ack.acknowledged_at if ack else None,
                            ack.username if ack else None)
            for _p, _v, _r, person, ack in _owed(ctx, [policy])]


def onboarding_lines(ctx: Context, staff_id: int, role: str, hired_on: dt.date) -> list[OnboardingItem]:
    """A new hire's to-do lines for the policies in force for their role (called by
    :func:`.onboarding.start`), each due ``ack_within_days`` after their start."""
    policies = list(ctx.session.execute(select(Policy).where(Policy.active.is_(True)).order_by(Policy.title))
                    .scalars())
    current = _current(ctx, [p.id for p in policies])
    roles = _roles(ctx, [v.id for v in current.values()])
    return [OnboardingItem(staff_id=staff_id, kind="policy", title=p.title, policy_id=p.id,
                           due_on=plus_days(hired_on, p.ack_within_days))
            for p in policies if p.id in current and _applies(roles.get(current[p.id].id, ()), role)]
