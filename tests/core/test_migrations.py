"""The core's migrations produce exactly its models, up and down."""

from __future__ import annotations

from medoffice.core.storage import migrate
from medoffice.core.storage.base import CoreBase


def test_core_migrations_match_the_models(medoffice_practice):
    with medoffice_practice.runtime.engine.connect() as conn:
        diff = migrate.schema_diff(conn, CoreBase.metadata)
    core_only = [d for d in diff if "core_" in repr(d)]
    assert core_only == []


def test_a_new_practice_is_at_every_head(medoffice_practice):
    with medoffice_practice.runtime.engine.connect() as conn:
        statuses = migrate.branch_statuses(conn, {})
    assert [(s.branch, s.pending) for s in statuses] == [("core", False)]
