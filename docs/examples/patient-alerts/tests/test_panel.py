"""The alerts panel on the patient card, in the running TUI."""

from __future__ import annotations

import pytest
from medoffice_patient_alerts import service
from medoffice_patient_alerts.screens import AlertsPanel

from medoffice.core.services import patients, users
from medoffice.testing import wait_for

pytestmark = pytest.mark.medoffice_plugins("patient-alerts")


def ann_with_alerts(practice):
    with practice.operation("frontdesk") as ctx:
        ann = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                      "sex": "f"}).patient
        service.add_alert(ctx, ann.mrn, "Prefers Spanish", "info")
        service.add_alert(ctx, ann.mrn, "Allergic to [penicillin]", "critical")
        resolved = service.add_alert(ctx, ann.mrn, "Old news", "warning")
        service.resolve_alert(ctx, resolved.id)
    return ann


async def open_card(pilot, patient):
    pilot.app.open_patient(patient)
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "patient", None) == patient)


async def test_the_card_shows_active_alerts_critical_first_and_highlighted(medoffice_practice, medoffice_pilot):
    ann = ann_with_alerts(medoffice_practice)
    async with medoffice_pilot("frontdesk") as pilot:
        await open_card(pilot, ann)
        panel = pilot.app.screen.query_one(AlertsPanel)
        await wait_for(pilot, lambda: panel.loaded)
        lines = list(panel.query(".alert"))
        assert [str(line.render()) for line in lines] == [
            "CRITICAL  Allergic to [penicillin]  (frontdesk)", "Note      Prefers Spanish  (frontdesk)"]
        critical, info = lines
        assert critical.has_class("critical") and info.has_class("info")
        assert critical.styles.background != info.styles.background
        assert panel.border_title == "Alerts" and panel.border_subtitle == "1 critical"


async def test_a_patient_without_alerts_says_so(medoffice_practice, medoffice_pilot):
    with medoffice_practice.operation("frontdesk") as ctx:
        bo = patients.register(ctx, {"first_name": "Bo", "last_name": "Lee", "date_of_birth": "1980-01-02",
                                     "sex": "m"}).patient
    async with medoffice_pilot("billing") as pilot:
        await open_card(pilot, bo)
        panel = pilot.app.screen.query_one(AlertsPanel)
        await wait_for(pilot, lambda: panel.loaded)
        assert str(panel.query_one("#alerts-status").render()) == "No active alerts."
        assert list(panel.query(".alert")) == []


async def test_the_panel_is_hidden_from_a_role_without_alerts_read(medoffice_practice, medoffice_pilot):
    ann = ann_with_alerts(medoffice_practice)
    with medoffice_practice.operation("admin") as ctx:
        users.revoke(ctx, "billing", "alerts.read")
    async with medoffice_pilot("billing") as pilot:
        await open_card(pilot, ann)
        await pilot.pause()
        assert list(pilot.app.screen.query(AlertsPanel)) == []
