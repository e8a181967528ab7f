"""Plugins from the command line: listing survives broken plugins; disabling removes a
plugin's commands for every terminal; enabling migrates it."""

from __future__ import annotations

import json
from importlib.metadata import EntryPoint

import pytest
from click.testing import CliRunner

from medoffice.core.cli import cli


@pytest.mark.medoffice_plugins("patient-alerts")
class TestEnableDisable:
    def test_a_disabled_plugin_has_no_commands(self, medoffice_practice):
        assert "alerts" in medoffice_practice.cli("--help").stdout
        disabled = medoffice_practice.cli("plugins", "disable", "patient-alerts")
        assert disabled.exit_code == 0, disabled.stderr
        assert "alerts" not in medoffice_practice.cli("--help").stdout
        gone = medoffice_practice.cli("alerts", "list", "000001")
        assert gone.exit_code == 2 and "No such command 'alerts'" in gone.stderr
        status = {p["id"]: p["status"] for p in medoffice_practice.cli("plugins", "list", "--json").json()}
        assert status["patient-alerts"] == "disabled"

    def test_enabling_again_brings_the_commands_back_and_keeps_the_data(self, medoffice_practice):
        medoffice_practice.cli("patients", "add", "--first-name", "A", "--last-name", "B", "--dob", "1990-01-01",
                               "--sex", "f", user="frontdesk")
        added = medoffice_practice.cli("alerts", "add", "000001", "Latex allergy", user="frontdesk")
        assert added.exit_code == 0, added.stderr
        medoffice_practice.cli("plugins", "disable", "patient-alerts")
        enabled = medoffice_practice.cli("plugins", "enable", "patient-alerts")
        assert enabled.exit_code == 0, enabled.stderr
        listed = medoffice_practice.cli("alerts", "list", "000001", "--json", user="frontdesk")
        assert listed.exit_code == 0, listed.stderr
        assert "Latex allergy" in listed.stdout

    def test_only_admins_enable_or_disable(self, medoffice_practice):
        result = medoffice_practice.cli("plugins", "disable", "patient-alerts", user="manager")
        assert result.exit_code == 1 and "plugins.manage" in result.stderr


def test_plugins_list_works_with_a_plugin_that_fails_to_import(medoffice_practice, monkeypatch):
    from importlib.metadata import entry_points as real_entry_points

    def with_broken(group):
        return [*real_entry_points(group=group), EntryPoint("broken-thing", "medoffice_no_such_plugin", group)]

    monkeypatch.setattr("medoffice.core.loader.discovery.entry_points", with_broken)
    runner = CliRunner()
    env = {"MEDOFFICE_USER": "admin", "MEDOFFICE_PASSWORD": "admin-password"}
    result = runner.invoke(cli, ["--db", medoffice_practice.url, "plugins", "list", "--json"], env=env)
    assert result.exit_code == 0, result.output
    broken = next(p for p in json.loads(result.stdout) if p["id"] == "broken-thing")
    assert broken["status"] == "failed" and "ModuleNotFoundError" in broken["reason"]
    env["MEDOFFICE_USER"], env["MEDOFFICE_PASSWORD"] = "frontdesk", "frontdesk-password"
    assert runner.invoke(cli, ["--db", medoffice_practice.url, "patients", "find", "x"], env=env).exit_code == 0


@pytest.mark.medoffice_plugins("patient-alerts")
async def test_a_disabled_plugin_has_no_panel_in_the_tui(medoffice_practice, medoffice_pilot):
    """After `plugins disable`, a terminal that starts the TUI shows none of the plugin's panels."""
    from medoffice_patient_alerts.screens import AlertsPanel

    from medoffice.core.services import patients
    from medoffice.testing import wait_for

    with medoffice_practice.operation("frontdesk") as ctx:
        ann = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                      "sex": "f"}).patient
    async with medoffice_pilot("frontdesk") as pilot:
        pilot.app.open_patient(ann)
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "patient", None) == ann)
        assert len(pilot.app.screen.query(AlertsPanel)) == 1
    assert medoffice_practice.cli("plugins", "disable", "patient-alerts").exit_code == 0
    medoffice_practice.runtime.reload_plugins()  # what a terminal starting up now sees
    async with medoffice_pilot("frontdesk") as pilot:
        pilot.app.open_patient(ann)
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "patient", None) == ann)
        await pilot.pause()
        assert len(pilot.app.screen.query(AlertsPanel)) == 0
