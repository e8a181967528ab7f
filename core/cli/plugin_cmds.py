"""``medoffice plugins …`` and ``medoffice db …``."""

from __future__ import annotations

import click

from ._app import emit, json_option, operation, say, state, table


@click.group()
def plugins() -> None:
    """List, enable and disable plugins (for every terminal of the practice); write a plugin's next migration."""


@plugins.command("list")
@json_option
def list_plugins(as_json: bool) -> None:
    """Every installed plugin with its version, role, status and hooks, broken ones included,
    and the last failures of each plugin's hooks."""
    import attrs

    from ..loader import PluginStatus

    runtime = state().runtime()
    failures = runtime.plugin_failures.last()
    with operation(write=False) as ctx:
        ctx.require("plugins.read")
        shown = {pid: [(ctx.local(f.at).strftime("%Y-%m-%d %H:%M"), f) for f in items]
                 for pid, items in failures.items()}
    statuses = runtime.plugins.statuses
    rows = [{**attrs.asdict(s), "failures": [{"at": f.at, "hook": f.hook, "error": f.error}
                                              for f in failures.get(s.id, [])]} for s in statuses]

    def human(_rows: list) -> None:
        def status(s: PluginStatus) -> str:
            text = s.status + (f": {s.reason}" if s.reason else "")
            count = len(failures.get(s.id, []))
            return text + (f" ({count} recent hook failure{'s' if count > 1 else ''}, below)" if count else "")

        table([(s.id, s.version, s.distribution, s.api_version, s.provides or "-", status(s)) for s in statuses],
              ("id", "version", "distribution", "api", "role", "status"))
        for s in statuses:
            if shown.get(s.id):
                say(f"{s.id}: last hook failures, newest first")
                for when, f in shown[s.id]:
                    say(f"  {when}  {f.hook}: {f.error}")

    emit(rows, as_json=as_json, human=human)


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


@plugins.command("revision")
@click.argument("plugin_id")
@click.option("-m", "--message", required=True, help="What the revision changes (its docstring and file name).")
def plugin_revision(plugin_id: str, message: str) -> None:
    """Write PLUGIN_ID's next migration from its models, into its migrations folder.

    Compares the plugin's models with its migrations on a scratch SQLite database (never the
    practice's); the practice's database must be at the plugin's head.
    """
    from ..errors import MedofficeError, NotFound
    from ..storage import autorevision

    text = autorevision.clean_message(message)
    runtime = state().runtime(need_current_schema=False)
    plugins = runtime.migration_plugins()
    status = plugins.status(plugin_id)
    if status is None:
        installed = ", ".join(s.id for s in plugins.statuses) or "none"
        raise NotFound(f"no plugin {plugin_id!r} is installed (installed: {installed})")
    schemas = {pid: s for pid, s in plugins.hooks.schemas().items() if pid != "core"}
    if plugin_id not in schemas:
        raise MedofficeError(f"{plugin_id} has no tables of its own (no medoffice_schema), or is not enabled")
    schema = schemas[plugin_id]
    with operation(write=False) as ctx:
        ctx.require("db.manage")
        autorevision.check_folder(plugin_id, schema.versions_dir)
        autorevision.check_at_head(ctx.session.connection(), plugin_id, schema)
    info = plugins.candidates[plugin_id].info
    path, changes = autorevision.generate(schemas, plugins.active_ids, plugin_id, info.table_prefix, text)
    click.echo(f"wrote {path}")
    for change in changes:
        click.echo(f"  {change}")


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
