"""The scheduling plugin keeps the core's contract."""

from __future__ import annotations

import pytest

from medoffice.core.domains import SchedulingService

pytestmark = pytest.mark.medoffice_plugins("scheduling")


def test_the_plugin_keeps_the_core_contract(conformance):
    """Loads, provides scheduling; tables, migrations (down and up), commands, permissions in order."""
    conformance("scheduling")


def test_hook_scheduling_service_provides_the_scheduling_domain(medoffice_practice):
    with medoffice_practice.operation("billing", write=False) as ctx:
        service = ctx.hooks.scheduling(ctx)
    assert isinstance(service, SchedulingService)
    assert medoffice_practice.runtime.plugins.status("scheduling").status == "enabled"


def test_default_roles_of_its_permissions(medoffice_practice):
    front, billing, manager = (medoffice_practice.record(n) for n in ("frontdesk", "billing", "manager"))
    assert front.can("scheduling.book") and front.can("scheduling.read")
    assert not front.can("scheduling.overbook") and not front.can("scheduling.manage")
    assert billing.can("scheduling.read") and not billing.can("scheduling.book")
    assert manager.can("scheduling.overbook") and manager.can("scheduling.manage")
