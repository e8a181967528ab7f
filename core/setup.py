"""Creating a practice: the database schema, the practice row, plugin choices and the first
administrator, in one transaction. Also the demo practice's users."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .errors import Conflict
from .context import Context
from .records import PracticeRecord, UserRecord
from .runtime import Runtime
from .services import plugin_admin, practice, users


def init_practice(
    runtime: Runtime,
    practice_data: Mapping[str, Any],
    *,
    admin_username: str,
    admin_password: str,
    admin_name: str = "Administrator",
    is_demo: bool = False,
    populate: Callable[[Context], None] | None = None,
) -> tuple[PracticeRecord, UserRecord]:
    """Create the practice in an empty database and return it with its administrator.

    Every enabled plugin's migrations run; the audit key is created if there is none.
    ``populate`` adds more (the demo's data) in the same transaction: if anything fails,
    the database is left empty.
    """
    if runtime.has_practice:
        raise Conflict(f"the database {runtime.engine.url.render_as_string(hide_password=True)} already has a practice")
    practice.parse_practice_fields(practice_data, new=True)  # refuse bad input before any DDL
    runtime.settings.audit_key(create=True)
    with runtime.operation() as ctx:
        plugin_admin.upgrade_schema(ctx, runtime.migration_plugins())
        record = practice.create(ctx, practice_data, is_demo=is_demo)
        admin = users.add_user(ctx, admin_username, admin_name, admin_password, ["admin"])
        if populate is not None:
            populate(ctx)
    runtime.reload_plugins()
    return record, admin
