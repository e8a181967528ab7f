"""The manager's dashboard shows what HR must chase, only when there is something, and only
to those who may see everyone's trainings and credentials."""

from __future__ import annotations

import pytest

from medoffice.plugins.staff import cards, credentials, training

from .conftest import NOW

pytestmark = pytest.mark.medoffice_plugins("staff")


def test_hook_dashboard_cards_show_overdue_trainings_and_blocking_credentials(medoffice_practice, world):
    assert medoffice_practice.cli("dashboard", "--json", user="manager", clock=lambda: NOW).json()["cards"] == []
    with medoffice_practice.operation("manager") as ctx:
        training.add_requirement(ctx, "HIPAA", ["all"], every_months=12, first_within_days=10)
        training.complete(ctx, world.adams, "HIPAA", on="2024-12-01")
        credentials.add(ctx, world.max, {"kind": "BLS card", "expires_on": "2026-01-01", "required_for_work": "yes"})
        credentials.add(ctx, world.adams, {"kind": "DEA registration", "expires_on": "2026-03-01"})
    shown = medoffice_practice.cli("dashboard", "--json", user="manager", clock=lambda: NOW)
    assert shown.exit_code == 0, shown.stderr
    assert [(c["title"], c["value"], c["severity"], c["detail"]) for c in shown.json()["cards"]] == [
        ("Trainings overdue", "1", "error", "3 more due within 30 days; medoffice training due"),
        ("Credentials expired", "1", "error", "1 blocks work; 1 expire within 90 days; medoffice credentials expiring"),
    ]
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert cards.cards(ctx) == []
