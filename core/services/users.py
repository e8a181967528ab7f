"""Users, roles and sign-in.

Passwords are hashed with argon2 and never written anywhere else: not to a log, not to the
audit trail. Five wrong passwords in a row lock an account for fifteen minutes; every sign-in,
failure and lock-out is audited. What a user may do is the union of their roles' permissions,
read from the role to permission map in the database.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

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


@lru_cache(maxsize=2)
def _hasher(fast: bool) -> PasswordHasher:
    if fast:  # MEDOFFICE_FAST_HASHING=1, for test suites only: cheap to make, same format
        return PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    return PasswordHasher()


def hasher() -> PasswordHasher:
    return _hasher(os.environ.get("MEDOFFICE_FAST_HASHING") == "1")


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


def user_record(ctx_or_session, row: User) -> UserRecord:
    session = getattr(ctx_or_session, "session", ctx_or_session)
    roles = frozenset(r.role for r in row.roles)
    permissions = frozenset(session.execute(
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
    ctx.session.flush()
    ctx.audit("user.roles_changed", "user", row.username, summary={"roles": [old, sorted(roles)]})
    return user_record(ctx, row)


def set_active(ctx: Context, username: str, active: bool) -> UserRecord:
    ctx.require("users.manage")
    row = _user(ctx, username)
    if row.username == ctx.user.username and not active:
        raise ValidationError("you cannot deactivate yourself")
    row.active = active
    ctx.audit("user.activated" if active else "user.deactivated", "user", row.username)
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
    if deleted:
        ctx.audit("role.revoked", "role", role, summary={"permission": permission})


def sign_in(runtime: Runtime, username: str, password: str) -> UserRecord:
    """Check a user's password and return them with their permissions.

    Raises:
        AuthenticationError: unknown user, wrong password, inactive or locked account. The
            failure is audited (and counted towards the lock-out) in its own transaction.
    """
    username = (username or "").strip().lower()
    failure: str | None = None
    claimed = UserRecord(id=0, username=username or "(empty)", full_name="", roles=frozenset(),
                         permissions=frozenset())
    with runtime.operation(claimed) as ctx:  # attempts are audited under the name claimed
        row = ctx.session.execute(select(User).where(User.username == username).with_for_update()).scalar_one_or_none()
        now = ctx.now()
        if row is None or not row.active:
            ctx.audit("auth.sign_in_failed", "user", username or "(empty)",
                      summary={"reason": "unknown user" if row is None else "inactive"})
            failure = _FAILED
        elif row.locked_until is not None and row.locked_until > now:
            ctx.audit("auth.sign_in_refused", "user", username, summary={"reason": "locked"})
            local = ctx.local(row.locked_until).strftime("%H:%M")
            failure = f"account {username!r} is locked until {local} after too many failed attempts"
        else:
            try:
                hasher().verify(row.password_hash, password or "")
            except (VerificationError, InvalidHashError):
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
