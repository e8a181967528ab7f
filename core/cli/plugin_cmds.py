"""``medoffice plugins …`` and ``medoffice db …``."""

from __future__ import annotations

import click

from ._app import emit, json_option, operation, state, table


@click.group()
def plugins() -> None:
    """List, enable and disable plugins (for every terminal of the practice)."""


@plugins.command("list")
@json_option
def list_plugins(as_json: bool) -> None:
    """Every installed plugin with its version, role, status and hooks, broken ones included."""
    with operation(write=False) as ctx:
        ctx.require("plugins.read")
    statuses = state().runtime().plugins.statuses

    def human(rows: list) -> None:
        table([(s.id, s.version, s.distribution, s.api_version, s.provides or "-",
                s.status + (f": {s.reason}" if s.reason else "")) for s in rows],
              ("id", "version", "distribution", "api", "role", "status"))

    emit(statuses, as_json=as_json, human=human)


@plugins.command("enable")
@click.argument("plugin_id")
def enable_plugin(plugin_id: str) -> None:
    """Enable PLUGIN_ID for the practice and migrate its tables."""
    from ..services import plugin_admin

    runtime = state().runtime()
    with operation() as ctx:
        status = plugin_admin.enable(runtime, ctx, plugin_id)
    click.echo(f"enabled {status.id} {status.version}")


@plugins.command("disable")
@click.argument("plugin_id")
def disable_plugin(plugin_id: str) -> None:
    """Disable PLUGIN_ID for the practice. Its data stays in the database."""
    from ..services import plugin_admin

    runtime = state().runtime()
    with operation() as ctx:
        plugin_admin.disable(runtime, ctx, plugin_id)
    click.echo(f"disabled {plugin_id} (its data is kept)")


@click.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate the core and every enabled plugin to their newest schema."""
    from ..services import plugin_admin

    runtime = state().runtime(need_current_schema=False)
    with operation() as ctx:
        applied = plugin_admin.upgrade(runtime, ctx)
    click.echo("upgraded: " + ", ".join(applied) if applied else "already up to date")


@db.command("status")
@json_option
def db_status(as_json: bool) -> None:
    """Each schema branch's current and newest revision."""
    from ..services import plugin_admin

    runtime = state().runtime(need_current_schema=False)
    with operation(write=False) as ctx:
        statuses = plugin_admin.status(runtime, ctx)
    rows = [{"branch": s.branch, "owner": s.owner, "current": s.current, "head": s.head, "pending": s.pending}
            for s in statuses]
    emit(rows, as_json=as_json, human=lambda r: table(
        [(x["owner"], x["current"] or "-", x["head"], "pending" if x["pending"] else "up to date") for x in r],
        ("owner", "current", "head", "state")))
