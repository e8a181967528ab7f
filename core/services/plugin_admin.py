"""Enabling, disabling and migrating plugins for the whole practice.

The choice is stored in ``core_plugin_state`` in the practice's database, so every terminal
sees the same plugins. Enabling migrates the plugin's tables and grants its new permissions to
their default roles; disabling keeps every row it wrote.
"""

from __future__ import annotations

from sqlalchemy import select

from ..context import Context
from ..errors import Conflict, NotFound, ValidationError
from ..loader import PluginSet, PluginStatus
from ..loader.manager import StoredChoice
from ..permissions import seed_permissions
from ..records.plugin import required_role
from ..runtime import Runtime
from ..storage import migrate
from ..storage.models import PluginState


def _set_state(ctx: Context, plugin_id: str, *, enabled: bool | None = None, migrated: bool | None = None) -> None:
    row = ctx.session.get(PluginState, plugin_id)
    if row is None:
        row = PluginState(plugin_id=plugin_id, enabled=True, migrated=False, changed_at=ctx.now())
        ctx.session.add(row)
    if enabled is not None:
        row.enabled = enabled
    if migrated is not None:
        row.migrated = migrated
    row.changed_at = ctx.now()
    ctx.session.flush()


def upgrade_schema(ctx: Context, plugins: PluginSet) -> list[str]:
    """Migrate the core and every loadable enabled plugin in ``plugins``; record them as
    migrated; seed their permissions. Returns the branches that changed."""
    connection = ctx.session.connection()
    schemas = {pid: schema for pid, schema in plugins.hooks.schemas().items() if pid != "core"}
    applied = migrate.upgrade(connection, schemas, plugins.active_ids)
    seed_permissions(ctx.session, plugins.hooks.permissions())
    for pid in plugins.active_ids:
        _set_state(ctx, pid, enabled=True, migrated=True)
    if applied:
        ctx.audit("db.upgraded", "database", None, summary={"branches": applied})
    return applied


def upgrade(runtime: Runtime, ctx: Context) -> list[str]:
    ctx.require("db.manage")
    return upgrade_schema(ctx, runtime.migration_plugins())


def status(runtime: Runtime, ctx: Context) -> list[migrate.BranchStatus]:
    ctx.require("db.manage")
    plugins = runtime.migration_plugins()
    schemas = {pid: schema for pid, schema in plugins.hooks.schemas().items() if pid != "core"}
    return migrate.branch_statuses(ctx.session.connection(), schemas)


def _installed(runtime: Runtime, plugin_id: str) -> PluginStatus:
    status = runtime.plugins.status(plugin_id)
    if status is None:
        installed = ", ".join(s.id for s in runtime.plugins.statuses) or "none"
        raise NotFound(f"no plugin {plugin_id!r} is installed (installed: {installed})")
    return status


def enable(runtime: Runtime, ctx: Context, plugin_id: str) -> PluginStatus:
    """Enable a plugin for the practice and migrate its tables, in one transaction."""
    ctx.require("plugins.manage")
    status = _installed(runtime, plugin_id)
    if status.status == "failed":
        raise ValidationError(f"plugin {plugin_id!r} cannot be enabled: {status.reason}")
    if status.status == "incompatible":
        raise ValidationError(f"plugin {plugin_id!r} is incompatible: {status.reason}")
    if status.provides:
        rivals = [s.id for s in runtime.plugins.statuses
                  if s.id != plugin_id and s.provides == status.provides and s.active]
        if rivals:
            raise Conflict(f"plugin {rivals[0]!r} already provides the {status.provides} role; "
                           f"disable it first ('medoffice plugins disable {rivals[0]}')")
    for required in status.requires:
        role = required_role(required)
        if role is not None:
            if role != status.provides and not any(s.provides == role and s.active for s in runtime.plugins.statuses):
                installed = [s.id for s in runtime.plugins.statuses if s.provides == role]
                way = (" or ".join(f"'medoffice plugins enable {pid}'" for pid in installed) if installed
                       else "none is installed")
                raise ValidationError(f"plugin {plugin_id!r} requires a {role} provider and none is enabled; "
                                      f"enable one first ({way})")
            continue
        req = runtime.plugins.status(required)
        if req is None or not req.active:
            raise ValidationError(f"plugin {plugin_id!r} requires {required!r}; enable that first")
    _set_state(ctx, plugin_id, enabled=True)
    ctx.session.flush()
    choices = {r.plugin_id: StoredChoice(r.enabled, r.migrated)
               for r in ctx.session.execute(select(PluginState)).scalars()}
    plugins = runtime.build_plugins(choices, require_migrated=False)  # as this transaction sees them
    new_status = plugins.status(plugin_id)
    if new_status is None or not new_status.active:
        reason = new_status.reason if new_status else "it did not load"
        raise ValidationError(f"plugin {plugin_id!r} cannot be enabled: {reason}")
    upgrade_schema(ctx, plugins)
    ctx.audit("plugin.enabled", "plugin", plugin_id)
    return new_status


def disable(runtime: Runtime, ctx: Context, plugin_id: str) -> None:
    """Disable a plugin for the practice. Its tables and data stay."""
    ctx.require("plugins.manage")
    status = _installed(runtime, plugin_id)
    # Requiring a role (``role:scheduling``) does not hold its provider: disabling it to swap
    # in another is the point of a role; the dependants wait, refused, until one is enabled.
    dependants = [s.id for s in runtime.plugins.statuses if plugin_id in s.requires and s.active]
    if dependants:
        raise Conflict(f"plugin {plugin_id!r} is required by {', '.join(dependants)}; disable those first")
    if status.status == "disabled":
        return
    _set_state(ctx, plugin_id, enabled=False)
    ctx.audit("plugin.disabled", "plugin", plugin_id)
