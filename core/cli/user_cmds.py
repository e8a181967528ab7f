"""``medoffice users …`` and ``medoffice roles …``."""

from __future__ import annotations

import click

from ._app import emit, json_option, operation, state, table
from .passwords import new_password, password_stdin_option


def _password(prompt: str, from_stdin: bool) -> str:
    return new_password(prompt, variable="MEDOFFICE_NEW_PASSWORD", from_stdin=from_stdin)


@click.group()
def users() -> None:
    """Users who sign in, and their roles."""


@users.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, required=True, help="front_desk, billing, manager or admin (repeatable).")
@password_stdin_option
@json_option
def add(username: str, full_name: str, roles: tuple[str, ...], password_stdin: bool, as_json: bool) -> None:
    """Add a user; the password comes from a prompt (or --password-stdin, or MEDOFFICE_NEW_PASSWORD)."""
    from ..services import users as service

    with operation() as ctx:
        ctx.require("users.manage")  # before asking for a password nobody may set
        password = _password(f"password for {username}", password_stdin)
        user = service.add_user(ctx, username, full_name, password, list(roles))
    emit(user, as_json=as_json, human=lambda u: click.echo(f"added {u.username} ({', '.join(sorted(u.roles))})"))


@users.command("list")
@json_option
def list_users(as_json: bool) -> None:
    """Every user with roles and whether active."""
    from ..services import users as service

    with operation(write=False) as ctx:
        found = service.list_users(ctx)
    data = [{"username": u.username, "name": u.full_name, "roles": sorted(u.roles), "active": u.active} for u in found]
    emit(data, as_json=as_json, human=lambda rows: table(
        [(r["username"], r["name"], ", ".join(r["roles"]), "yes" if r["active"] else "no") for r in rows],
        ("user", "name", "roles", "active")))


@users.command("passwd")
@click.argument("username", required=False)
@password_stdin_option
def passwd(username: str | None, password_stdin: bool) -> None:
    """Set a password (your own, or anyone's as an admin)."""
    from ..services import users as service

    with operation() as ctx:
        target = username or ctx.user.username
        if target.lower() != ctx.user.username:
            ctx.require("users.manage")
        service.set_password(ctx, target, _password(f"new password for {target}", password_stdin))
    click.echo(f"password changed for {target}")


@users.command("unlock")
@click.argument("username")
def unlock(username: str) -> None:
    """End a lock-out after too many wrong passwords, before its fifteen minutes are up."""
    from ..services import users as service

    with operation() as ctx:
        was_locked = service.unlock(ctx, username)
    click.echo(f"unlocked {username}" if was_locked else f"{username} was not locked")


@users.command("recover-admin")
@click.argument("username")
@password_stdin_option
def recover_admin(username: str, password_stdin: bool) -> None:
    """Give USERNAME a new password and the admin role, with no sign-in: for a practice whose
    only administrator is locked out. Needs the practice's database and its audit key."""
    import getpass
    import socket

    from ..services import users as service

    runtime = state().runtime()
    service.require_practice_key(runtime)  # before a password is asked for
    password = _password(f"new password for {username}", password_stdin)
    try:
        account = getpass.getuser()
    except (KeyError, OSError):
        account = "?"
    user = service.recover_admin(runtime, username, password, by=f"{account}@{socket.gethostname()}")
    click.echo(f"recovered {user.username}: roles {', '.join(sorted(user.roles))}; sign in with the new password")


@users.command("roles")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help="The complete new set of roles.")
def set_roles(username: str, roles: tuple[str, ...]) -> None:
    """Replace a user's roles."""
    from ..services import users as service

    with operation() as ctx:
        user = service.set_roles(ctx, username, list(roles))
    click.echo(f"{user.username}: {', '.join(sorted(user.roles))}")


@users.command("deactivate")
@click.argument("username")
def deactivate(username: str) -> None:
    """Stop a user from signing in (their history stays)."""
    from ..services import users as service

    with operation() as ctx:
        service.set_active(ctx, username, False)
    click.echo(f"deactivated {username}")


@users.command("activate")
@click.argument("username")
def activate(username: str) -> None:
    """Let a deactivated user sign in again."""
    from ..services import users as service

    with operation() as ctx:
        service.set_active(ctx, username, True)
    click.echo(f"activated {username}")


@click.group()
def roles() -> None:
    """The role to permission map (the practice's data)."""


@roles.command("list")
@json_option
def list_roles(as_json: bool) -> None:
    """Each role and its permissions."""
    from ..services import users as service

    with operation(write=False) as ctx:
        mapping = service.role_permissions(ctx)
    emit(mapping, as_json=as_json, human=lambda m: [click.echo(f"{role}: {', '.join(perms) or '-'}")
                                                    for role, perms in m.items()])


@roles.command("grant")
@click.argument("role")
@click.argument("permission")
def grant(role: str, permission: str) -> None:
    """Grant PERMISSION to ROLE."""
    from ..services import users as service

    with operation() as ctx:
        service.grant(ctx, role, permission)
    click.echo(f"granted {permission} to {role}")


@roles.command("revoke")
@click.argument("role")
@click.argument("permission")
def revoke(role: str, permission: str) -> None:
    """Revoke PERMISSION from ROLE."""
    from ..services import users as service

    with operation() as ctx:
        service.revoke(ctx, role, permission)
    click.echo(f"revoked {permission} from {role}")
