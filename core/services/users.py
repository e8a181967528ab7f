"""Users, roles and sign-in.

Passwords are hashed with argon2 and never written anywhere else: not to a log, not to the
audit trail. Five wrong passwords in a row lock an account for fifteen minutes (an
administrator can unlock it sooner); every sign-in, failure and lock-out is audited. A name
that belongs to no user is audited as a keyed hash, never as typed (people type passwords
into the user-name field), and costs the same password check as a wrong password, so that
neither the log nor the time taken tells which names exist.

What a user may do is the union of their roles' permissions, read from the role to permission
map in the database. No change of roles, permissions or accounts may leave the practice
without an active user who can manage users and roles; a practice that lost its only
administrator anyway gets them back with :func:`recover_admin`, run where the database and
the audit key are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from functools import lru_cache

import attrs
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from ..context import Context
from ..errors import AuthenticationError, Conflict, NotFound, PluginError, ValidationError
from ..records import UserRecord
from ..runtime import Runtime
from ..storage.models import Practice, Role, RolePermission, User, UserRole
from ..validation import require_text

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
_FAILED = "unknown user or wrong password"
MANAGING = ("users.manage", "roles.manage")
"""What the practice always needs one active user to hold, or nobody could fix its users."""


@lru_cache(maxsize=2)
def _hasher(fast: bool) -> PasswordHasher:
    if fast:  # MEDOFFICE_FAST_HASHING=1, for test suites only: cheap to make, same format
        return PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    return PasswordHasher()


def hasher() -> PasswordHasher:
    return _hasher(os.environ.get("MEDOFFICE_FAST_HASHING") == "1")


@lru_cache(maxsize=2)
def _dummy_hash(fast: bool) -> str:
    return _hasher(fast).hash("medoffice: no such user")


def dummy_hash() -> str:
    """A hash to check a password against when there is no user to check it for, so that an
    unknown user name costs the same time as a wrong password."""
    return _dummy_hash(os.environ.get("MEDOFFICE_FAST_HASHING") == "1")


def unknown_name(key: bytes, username: str) -> str:
    """What the audit log records for a sign-in under a name no active user has: never the
    name itself (it is often a password typed in the wrong field) but a keyed hash of it, the
    same for the same name, so that repeated guesses show as such."""
    digest = hmac.new(key, b"medoffice unknown user\x1f" + username.encode(), hashlib.sha256).hexdigest()
    return f"unknown-{digest[:12]}"


def _check_password(ctx: Context, password: str) -> None:
    practice = ctx.session.get(Practice, 1)
    if practice is not None and practice.is_demo:
        if not password:
            raise ValidationError("the password may not be empty", field="password")
        return
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters", field="password")


def _roles(ctx: Context, roles: list[str]) -> list[str]:
    known = set(ctx.session.execute(select(Role.name)).scalars())
    unknown = [r for r in roles if r not in known]
    if unknown:
        raise ValidationError(f"unknown role(s): {', '.join(unknown)} (roles: {', '.join(sorted(known))})", field="roles")
    if not roles:
        raise ValidationError("a user needs at least one role", field="roles")
    return roles


def managers(ctx: Context) -> list[str]:
    """The active users who can manage both users and roles (as the session sees them now)."""
    held = (select(UserRole.user_id)
            .join(RolePermission, RolePermission.role == UserRole.role)
            .where(RolePermission.permission.in_(MANAGING))
            .group_by(UserRole.user_id)
            .having(func.count(func.distinct(RolePermission.permission)) == len(MANAGING)))
    return list(ctx.session.execute(
        select(User.username).where(User.active.is_(True), User.id.in_(held)).order_by(User.username)).scalars())


def _keep_a_manager(ctx: Context, what: str) -> None:
    """Refuse (the unit of work rolls back) a change after which nobody could manage users and roles."""
    ctx.session.flush()
    if not managers(ctx):
        raise Conflict(f"{what} would leave no active user who can manage users and roles; "
                       "give another user the admin role first")


def _permission_map(ctx: Context) -> dict[str, frozenset[str]]:
    """The role to permission map: set-up kept in memory between units of work (``ctx.cached``)."""
    found: dict[str, set[str]] = {}
    for role, permission in ctx.session.execute(select(RolePermission.role, RolePermission.permission)):
        found.setdefault(role, set()).add(permission)
    return {role: frozenset(names) for role, names in found.items()}


def user_record(ctx_or_session, row: User) -> UserRecord:
    roles = frozenset(r.role for r in row.roles)
    if isinstance(ctx_or_session, Context):
        granted = ctx_or_session.cached("core.role_permissions", _permission_map)
        permissions = frozenset().union(*(granted.get(role, ()) for role in roles))
    else:
        permissions = frozenset(ctx_or_session.execute(
            select(RolePermission.permission).where(RolePermission.role.in_(roles))
        ).scalars()) if roles else frozenset()
    return UserRecord(row.id, row.username, row.full_name, roles, permissions, row.active)


def add_user(ctx: Context, username: str, full_name: str, password: str, roles: list[str]) -> UserRecord:
    ctx.require("users.manage")
    username = require_text(username, field="username", max_length=60).lower()
    if not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise ValidationError("a user name may hold letters, digits, '.', '-' and '_' only", field="username")
    full_name = require_text(full_name, field="full_name", max_length=160)
    _check_password(ctx, password)
    roles = _roles(ctx, roles)
    if ctx.session.execute(select(User.id).where(User.username == username)).first():
        raise Conflict(f"there is already a user named {username!r}")
    row = User(username=username, full_name=full_name, password_hash=hasher().hash(password), active=True,
               failed_attempts=0, created_at=ctx.now(), roles=[UserRole(role=r) for r in roles])
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("user.added", "user", username, summary={"roles": roles})
    return user_record(ctx, row)


def _user(ctx: Context, username: str) -> User:
    row = ctx.session.execute(select(User).where(User.username == (username or "").lower())).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no user named {username!r}")
    return row


def set_password(ctx: Context, username: str, password: str) -> None:
    """Set a password: an admin for anyone, every user for themselves."""
    if (username or "").lower() != ctx.user.username:
        ctx.require("users.manage")
    _check_password(ctx, password)
    row = _user(ctx, username)
    row.password_hash = hasher().hash(password)
    row.failed_attempts = 0
    row.locked_until = None
    ctx.audit("user.password_changed", "user", row.username)


def set_roles(ctx: Context, username: str, roles: list[str]) -> UserRecord:
    ctx.require("users.manage")
    roles = _roles(ctx, roles)
    row = _user(ctx, username)
    old = sorted(r.role for r in row.roles)
    row.roles = [UserRole(role=r) for r in roles]
    taken = sorted(set(old) - set(roles))
    if taken:
        _keep_a_manager(ctx, f"taking the role {', '.join(taken)} from {row.username}")
    ctx.audit("user.roles_changed", "user", row.username, summary={"roles": [old, sorted(roles)]})
    return user_record(ctx, row)


def set_active(ctx: Context, username: str, active: bool) -> UserRecord:
    ctx.require("users.manage")
    row = _user(ctx, username)
    if row.username == ctx.user.username and not active:
        raise ValidationError("you cannot deactivate yourself")
    row.active = active
    if not active:
        _keep_a_manager(ctx, f"deactivating {row.username}")
    ctx.audit("user.activated" if active else "user.deactivated", "user", row.username)
    return user_record(ctx, row)


def unlock(ctx: Context, username: str) -> bool:
    """End the lock-out of a user after too many wrong passwords (an administrator's action).

    Returns:
        Whether the account was locked.

    Raises:
        PermissionDenied: without ``users.manage``.
        NotFound: no such user.

    .. versionadded:: 1
    """
    ctx.require("users.manage")
    row = _user(ctx, username)
    was_locked = row.locked_until is not None and row.locked_until > ctx.now()
    row.failed_attempts = 0
    row.locked_until = None
    ctx.audit("user.unlocked", "user", row.username, summary={"was_locked": was_locked})
    return was_locked


def require_practice_key(runtime: Runtime) -> None:
    """Refuse, before anything is asked or written, an audit key that is missing or did not
    sign this practice's audit log: :func:`recover_admin` is for whoever holds both.

    Raises:
        ConfigurationError: no audit key.
        WrongAuditKey: another practice's key.
    """
    from .. import audit
    from ..storage.models import AuditHead

    key = runtime.audit_key()
    with runtime.operation(write=False) as ctx:
        head = ctx.session.get(AuditHead, 1)
        if head is not None and head.seq and not audit.key_signs_chain(ctx.session, key, head.seq):
            raise audit.WrongAuditKey(f"the audit key {runtime.settings.audit_key_source} did not sign this "
                                      "practice's audit log: recovering an administrator needs the practice's own "
                                      "key (MEDOFFICE_AUDIT_KEY_FILE); nothing was changed")


def recover_admin(runtime: Runtime, username: str, password: str, *, by: str) -> UserRecord:
    """Give ``username`` back the administrator's way in, without anyone signing in: a new
    password, the admin role, the account active and unlocked.

    For a practice whose only administrator is locked out or forgot their password. It is
    run on a machine that has the practice's database and its audit key (the key must sign
    the audit log, or nothing is written), and it is audited as ``user.recovered``.

    Args:
        by: who ran it, for the audit log (the operating-system account and machine).

    Raises:
        NotFound: no such user.
        ValidationError: a password too short.
        ConfigurationError: no audit key.
        WrongAuditKey: the audit key is not this practice's.

    .. versionadded:: 1
    """
    require_practice_key(runtime)
    with runtime.operation() as ctx:
        row = _user(ctx, username)
        _check_password(ctx, password)
        added = "admin" not in {r.role for r in row.roles}
        if added:
            row.roles.append(UserRole(role="admin"))
        summary = {"by": by, "admin_role_added": added, "reactivated": not row.active,
                   "was_locked": row.locked_until is not None and row.locked_until > ctx.now()}
        row.password_hash = hasher().hash(password)
        row.active = True
        row.failed_attempts = 0
        row.locked_until = None
        ctx.session.flush()
        ctx.audit("user.recovered", "user", row.username, summary=summary)
        return user_record(ctx, row)


def list_users(ctx: Context) -> list[UserRecord]:
    ctx.require("users.manage")
    return [user_record(ctx, r) for r in ctx.session.execute(select(User).order_by(User.username)).scalars()]


def role_permissions(ctx: Context) -> dict[str, list[str]]:
    ctx.require("roles.manage")
    result: dict[str, list[str]] = {name: [] for name in ctx.session.execute(select(Role.name).order_by(Role.name)).scalars()}
    for perm in ctx.session.execute(select(RolePermission).order_by(RolePermission.permission)).scalars():
        result.setdefault(perm.role, []).append(perm.permission)
    return result


def grant(ctx: Context, role: str, permission: str) -> None:
    from ..storage.models import KnownPermission

    ctx.require("roles.manage")
    _roles(ctx, [role])
    if ctx.session.get(KnownPermission, permission) is None:
        raise NotFound(f"no permission named {permission!r} (see 'medoffice roles list')")
    if ctx.session.get(RolePermission, (role, permission)) is None:
        ctx.session.add(RolePermission(role=role, permission=permission))
        ctx.session.flush()
        ctx.audit("role.granted", "role", role, summary={"permission": permission})


def revoke(ctx: Context, role: str, permission: str) -> None:
    ctx.require("roles.manage")
    _roles(ctx, [role])
    if role == "admin" and permission in ("roles.manage", "users.manage"):
        raise ValidationError(f"the admin role keeps {permission!r}, or nobody could undo this")
    deleted = ctx.session.execute(
        delete(RolePermission).where(RolePermission.role == role, RolePermission.permission == permission)
    ).rowcount
    if deleted and permission in MANAGING:
        _keep_a_manager(ctx, f"revoking {permission} from {role}")
    if deleted:
        ctx.audit("role.revoked", "role", role, summary={"permission": permission})


def sign_in(runtime: Runtime, username: str, password: str) -> UserRecord:
    """Check a user's password and return them with their permissions.

    Raises:
        AuthenticationError: unknown user, wrong password, inactive or locked account. The
            failure is audited (and counted towards the lock-out) in its own transaction;
            an unknown name as :func:`unknown_name`. Every failure but a locked account's
            checks a password hash, so it takes the time a wrong password takes.
    """
    username = (username or "").strip().lower()
    failure: str | None = None
    claimed = UserRecord(id=0, username=username or "(empty)", full_name="", roles=frozenset(),
                         permissions=frozenset())
    with runtime.operation(claimed) as ctx:  # attempts are audited under the name claimed
        row = ctx.session.execute(select(User).where(User.username == username).with_for_update()).scalar_one_or_none()
        now = ctx.now()
        if row is None or not row.active:
            _verify(dummy_hash(), password)  # as long as a wrong password takes: the time tells nothing
            if row is None and username:
                ctx.user = attrs.evolve(claimed, username=unknown_name(runtime.audit_key(), username))
            ctx.audit("auth.sign_in_failed", "user", ctx.user.username,
                      summary={"reason": "unknown user" if row is None else "inactive"})
            failure = _FAILED
        elif row.locked_until is not None and row.locked_until > now:
            ctx.audit("auth.sign_in_refused", "user", username, summary={"reason": "locked"})
            local = ctx.local(row.locked_until).strftime("%H:%M")
            failure = f"account {username!r} is locked until {local} after too many failed attempts"
        elif not _verify(row.password_hash, password):
            row.failed_attempts += 1
            summary = {"reason": "wrong password", "attempt": row.failed_attempts}
            if row.failed_attempts >= MAX_FAILED_ATTEMPTS:
                row.locked_until = now + LOCKOUT
                row.failed_attempts = 0
                summary["locked_until"] = row.locked_until.isoformat()
            ctx.audit("auth.sign_in_failed", "user", username, summary=summary)
            failure = _FAILED
        else:
            row.failed_attempts = 0
            row.locked_until = None
            if hasher().check_needs_rehash(row.password_hash) and os.environ.get("MEDOFFICE_FAST_HASHING") != "1":
                row.password_hash = hasher().hash(password)
            user = user_record(ctx, row)
            ctx.user = user
            ctx.audit("auth.sign_in", "user", username)
            _announce_sign_in(ctx, user)
    if failure:
        raise AuthenticationError(failure)
    return user


def _verify(password_hash: str, password: str | None) -> bool:
    try:
        return hasher().verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def _announce_sign_in(ctx: Context, user: UserRecord) -> None:
    """Tell plugins, in a savepoint: a plugin that fails here must not lock every user out
    (and with them the admin who would disable it). Its failure is audited instead."""
    savepoint = ctx.session.begin_nested()
    try:
        ctx.hooks.user_signed_in(ctx, user)
    except PluginError as error:
        savepoint.rollback()
        ctx.audit("plugin.failed", "plugin", error.plugin_id, summary={"hook": "medoffice_user_signed_in",
                                                                      "error": error.message})
    else:
        savepoint.commit()


def load_user(runtime: Runtime, username: str) -> UserRecord:
    """A user's record without a password check (for the test kit and trusted set-up code)."""
    with runtime.operation(write=False) as ctx:
        row = ctx.session.execute(select(User).where(User.username == username.lower())).scalar_one_or_none()
        if row is None:
            raise NotFound(f"no user named {username!r}")
        return user_record(ctx, row)
