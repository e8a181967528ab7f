"""Creating a practice: the database schema, the practice row, plugin choices and the first
administrator, in one transaction. Also the demo practice's users."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .errors import Conflict, NotFound, ValidationError
from .context import Context
from .records import PracticeRecord, UserRecord
from .runtime import Runtime
from .loader import PluginSet
from .loader.manager import StoredChoice
from .services import plugin_admin, practice, users
from .storage.models import PluginState


def init_practice(
    runtime: Runtime,
    practice_data: Mapping[str, Any],
    *,
    admin_username: str,
    admin_password: str,
    admin_name: str = "Administrator",
    is_demo: bool = False,
    populate: Callable[[Context], None] | None = None,
    disabled: Iterable[str] = (),
) -> tuple[PracticeRecord, UserRecord]:
    """Create the practice in an empty database and return it with its administrator.

    Every enabled plugin's migrations run; the audit key is created if there is none.
    ``populate`` adds more (the demo's data) in the same transaction: if anything fails,
    the database is left empty.

    Args:
        disabled: ids of installed plugins the practice starts without (their default is
            ignored); the way to choose between two providers of one domain role.

    Raises:
        ValidationError: two enabled plugins provide one role (naming both and ``--disable``),
            before anything is created.
    """
    if runtime.has_practice:
        raise Conflict(f"the database {runtime.engine.url.render_as_string(hide_password=True)} already has a practice")
    practice.parse_practice_fields(practice_data, new=True)  # refuse bad input before any DDL
    plan = _plugins_at_init(runtime, disabled)
    runtime.settings.audit_key(create=True)
    with runtime.operation() as ctx:
        plugin_admin.upgrade_schema(ctx, plan)
        for pid in sorted(set(disabled)):
            ctx.session.add(PluginState(plugin_id=pid, enabled=False, migrated=False, changed_at=ctx.now()))
        record = practice.create(ctx, practice_data, is_demo=is_demo)
        admin = users.add_user(ctx, admin_username, admin_name, admin_password, ["admin"])
        if populate is not None:
            populate(ctx)
    runtime.reload_plugins()
    return record, admin


def _plugins_at_init(runtime: Runtime, disabled: Iterable[str]) -> PluginSet:
    """The plugins a new practice starts with: each one's default, less ``disabled``;
    refused when two of them provide one domain role."""
    disabled = set(disabled)
    installed = {s.id for s in runtime.plugins.statuses}
    unknown = sorted(disabled - installed)
    if unknown:
        names = ", ".join(sorted(installed)) or "none"
        raise NotFound(f"no plugin {unknown[0]!r} is installed (installed: {names})")
    plan = runtime.build_plugins({pid: StoredChoice(False) for pid in disabled}, require_migrated=False)
    lines = plan.conflict_lines(lambda p: f"--disable {p}")
    if lines:
        raise ValidationError("; ".join(lines))
    return plan
