"""Migrations: one Alembic history per owner (the core and each plugin), assembled in code.

Each owner has its own versions folder, branch label and version table
(``core_alembic_version``, ``patient_alerts_alembic_version``…). Keeping the version tables
apart means one owner's history never needs another's scripts: a practice can uninstall a
plugin and still migrate the rest, and a plugin's revisions are roots of their own
(``down_revision = None``). The core is always upgraded first and plugins follow in dependency
order, so a plugin's foreign keys to core tables find them. The caller runs everything in one
transaction: an upgrade that fails half-way leaves the database as it was (PostgreSQL and
SQLite both run DDL in transactions).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from ..records import SchemaContribution
from .base import CoreBase

ENV_DIR = Path(__file__).parent / "migrations"
CORE_VERSIONS = ENV_DIR / "versions"
CORE = "core"


@attrs.frozen
class BranchStatus:
    """Where one owner's schema stands: ``current`` revision in the database and ``head``."""

    branch: str
    owner: str
    current: str | None
    head: str

    @property
    def pending(self) -> bool:
        return self.current != self.head


def branch_of(owner: str) -> str:
    return owner.replace("-", "_")


def version_table(owner: str) -> str:
    return f"{branch_of(owner)}_alembic_version"


def _owners(schemas: Mapping[str, SchemaContribution]) -> dict[str, tuple[Path, Any]]:
    owners: dict[str, tuple[Path, Any]] = {CORE: (CORE_VERSIONS, CoreBase.metadata)}
    owners.update({pid: (schema.versions_dir, schema.metadata) for pid, schema in schemas.items()})
    return owners


def alembic_config(connection: Connection, owner: str, versions_dir: Path, metadata: Any) -> Config:
    """An Alembic configuration for one owner's history."""
    cfg = Config()
    cfg.set_main_option("script_location", str(ENV_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", str(versions_dir))
    cfg.attributes["connection"] = connection
    cfg.attributes["target_metadata"] = metadata
    cfg.attributes["version_table"] = version_table(owner)
    return cfg


def _status(connection: Connection, owner: str, versions_dir: Path, metadata: Any) -> BranchStatus:
    cfg = alembic_config(connection, owner, versions_dir, metadata)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    context = MigrationContext.configure(connection, opts={"version_table": version_table(owner)})
    return BranchStatus(branch_of(owner), owner, context.get_current_revision(), head)


def branch_statuses(connection: Connection, schemas: Mapping[str, SchemaContribution]) -> list[BranchStatus]:
    """The core's and each plugin's current and head revisions."""
    return [_status(connection, owner, path, metadata) for owner, (path, metadata) in _owners(schemas).items()]


def upgrade(connection: Connection, schemas: Mapping[str, SchemaContribution], order: Iterable[str]) -> list[str]:
    """Upgrade the core, then each plugin in ``order`` that has a schema, to its head.

    Returns:
        The owners that had revisions to apply.
    """
    owners = _owners(schemas)
    applied = []
    for owner in [CORE] + [pid for pid in order if pid in schemas]:
        path, metadata = owners[owner]
        if _status(connection, owner, path, metadata).pending:
            command.upgrade(alembic_config(connection, owner, path, metadata), "head")
            applied.append(owner)
    return applied


def downgrade_branch(connection: Connection, schemas: Mapping[str, SchemaContribution], plugin_id: str) -> None:
    """Take one plugin's tables down to nothing (used by the conformance check, never by
    ``plugins disable``, which keeps data)."""
    path, metadata = _owners(schemas)[plugin_id]
    command.downgrade(alembic_config(connection, plugin_id, path, metadata), "base")


def schema_diff(connection: Connection, metadata: Any) -> list:
    """Differences between the database and ``metadata`` as Alembic's autogenerate sees them,
    for the tables ``metadata`` owns (other owners' tables and version tables are not its
    business)."""
    from alembic.autogenerate import compare_metadata

    own = set(metadata.tables)

    def include_name(name: str | None, type_: str, parent_names: Mapping[str, Any]) -> bool:
        if type_ == "table":
            return name in own
        return True

    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
    return compare_metadata(context, metadata)


__all__ = [
    "BranchStatus",
    "alembic_config",
    "branch_statuses",
    "downgrade_branch",
    "schema_diff",
    "upgrade",
    "version_table",
]
