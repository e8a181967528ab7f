"""Migrations: the core's Alembic branch plus one branch per plugin, assembled in code.

Each owner (``core`` and every plugin with tables) has its own branch label and versions
folder. A plugin's first revision is a root of its own (``down_revision = None``); the core's
branch is always upgraded first and plugins follow in dependency order, so a plugin's foreign
keys to core tables always find them. Everything runs in one transaction: an upgrade that
fails half-way leaves the database as it was (PostgreSQL and SQLite both run DDL in
transactions).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from ..records import SchemaContribution
from .base import CoreBase

ENV_DIR = Path(__file__).parent / "migrations"
CORE_VERSIONS = ENV_DIR / "versions"
CORE_BRANCH = "core"


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


def branch_of(plugin_id: str) -> str:
    return plugin_id.replace("-", "_")


def alembic_config(connection: Connection, schemas: Mapping[str, SchemaContribution]) -> Config:
    """An Alembic configuration with the core's and these plugins' versions folders."""
    cfg = Config()
    cfg.set_main_option("script_location", str(ENV_DIR))
    cfg.set_main_option("path_separator", "os")
    locations = [str(CORE_VERSIONS)] + [str(s.versions_dir) for s in schemas.values()]
    cfg.set_main_option("version_locations", os.pathsep.join(locations))
    cfg.attributes["connection"] = connection
    cfg.attributes["target_metadata"] = [CoreBase.metadata] + [s.metadata for s in schemas.values()]
    return cfg


def _heads_by_branch(script: ScriptDirectory) -> dict[str, str]:
    heads = {}
    for head in script.get_revisions("heads"):
        for label in head.branch_labels:
            heads[label] = head.revision
    return heads


def branch_statuses(connection: Connection, schemas: Mapping[str, SchemaContribution]) -> list[BranchStatus]:
    """The core's and each plugin's current and head revisions."""
    cfg = alembic_config(connection, schemas)
    script = ScriptDirectory.from_config(cfg)
    heads = _heads_by_branch(script)
    current_revs = MigrationContext.configure(connection).get_current_heads()
    current_by_branch: dict[str, str] = {}
    for rev in current_revs:
        for ancestor in script.iterate_revisions(rev, "base"):
            for label in ancestor.branch_labels:
                current_by_branch.setdefault(label, rev)
    owners = {CORE_BRANCH: "core"} | {branch_of(pid): pid for pid in schemas}
    return [
        BranchStatus(branch, owner, current_by_branch.get(branch), heads[branch])
        for branch, owner in owners.items()
        if branch in heads
    ]


def upgrade(connection: Connection, schemas: Mapping[str, SchemaContribution], order: Iterable[str]) -> list[str]:
    """Upgrade the core, then each plugin in ``order`` that has a schema, to its head.

    Returns:
        The branches that had revisions to apply.
    """
    cfg = alembic_config(connection, schemas)
    applied = []
    before = {s.branch: s for s in branch_statuses(connection, schemas)}
    for branch in [CORE_BRANCH] + [branch_of(pid) for pid in order if pid in schemas]:
        if branch in before and not before[branch].pending:
            continue
        command.upgrade(cfg, f"{branch}@head")
        applied.append(branch)
    return applied


def downgrade_branch(connection: Connection, schemas: Mapping[str, SchemaContribution], plugin_id: str) -> None:
    """Take one plugin's tables down to nothing (used by the conformance check, never by
    ``plugins disable``, which keeps data)."""
    command.downgrade(alembic_config(connection, schemas), f"{branch_of(plugin_id)}@base")


def schema_diff(connection: Connection, metadata: object) -> list:
    """Differences between the database and ``metadata`` as Alembic's autogenerate sees them."""
    from alembic.autogenerate import compare_metadata

    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, metadata)


def engine_has_practice(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return inspect(engine).has_table("core_practice")


__all__ = [
    "BranchStatus",
    "alembic_config",
    "branch_statuses",
    "downgrade_branch",
    "schema_diff",
    "upgrade",
]
