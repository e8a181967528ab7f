"""The plugin keeps the core's contract: the check every plugin should start from."""

from __future__ import annotations

import pytest

from medoffice.testing import check_screens

pytestmark = pytest.mark.medoffice_plugins("patient-alerts")


def test_the_plugin_keeps_the_core_contract(conformance):
    """Loads cleanly; its table, migrations, command group, permissions and panel are in order."""
    conformance("patient-alerts")


async def test_its_panel_mounts_on_the_patient_card(medoffice_practice):
    """The panel imports, builds and loads in the real TUI without an error panel in its place."""
    await check_screens(medoffice_practice, "patient-alerts")
