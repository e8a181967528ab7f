"""``medoffice users …`` and ``medoffice roles …``."""

from __future__ import annotations

import os

import click

from ._app import emit, json_option, operation, table


def _password(prompt: str) -> str:
    password = os.environ.get("MEDOFFICE_NEW_PASSWORD")
    if password is None:
        password = click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return password


@click.group()
def users() -> None:
    """Users who sign in, and their roles."""


@users.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, required=True, help="front_desk, billing, manager or admin (repeatable).")
@json_option
def add(username: str, full_name: str, roles: tuple[str, ...], as_json: bool) -> None:
    """Add a user; the password comes from a prompt (or MEDOFFICE_NEW_PASSWORD)."""
    from ..services import users as service

    with operation() as ctx:
        ctx.require("users.manage")  # before asking for a password nobody may set
        user = service.add_user(ctx, username, full_name, _password(f"password for {username}"), list(roles))
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
def passwd(username: str | None) -> None:
    """Set a password (your own, or anyone's as an admin)."""
    from ..services import users as service

    with operation() as ctx:
        target = username or ctx.user.username
        if target.lower() != ctx.user.username:
            ctx.require("users.manage")
        service.set_password(ctx, target, _password(f"new password for {target}"))
    click.echo(f"password changed for {target}")


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
