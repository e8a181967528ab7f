"""A practice for the staff plugin: providers and office staff, the clock fixed on Monday
2026-01-05 15:00 UTC (10:00 in New York).

Staff: Dr Adams (provider, ``world.adams``), Dr Baker (provider), Cleo (front_desk, linked to
the user ``frontdesk``), Max (medical_assistant).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from medoffice.core.services import practice, staff
from medoffice.core.validation import luhn_check_digit

NOW = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.timezone.utc)
TODAY = dt.date(2026, 1, 5)


def npi(seed: int) -> str:
    base = f"{123456700 + seed:09d}"
    return base + str(luhn_check_digit("80840" + base))


def build_world(practice_fixture, *, fix_clock: bool = True) -> SimpleNamespace:
    if fix_clock:
        practice_fixture.runtime.clock = lambda: NOW
    with practice_fixture.operation("admin") as ctx:
        practice.add_location(ctx, "Main")
        adams = staff.add(ctx, {"name": "Dr Adams", "role": "provider", "is_provider": True, "npi": npi(1)}).id
        baker = staff.add(ctx, {"name": "Dr Baker", "role": "provider", "is_provider": True, "npi": npi(2)}).id
        cleo = staff.add(ctx, {"name": "Cleo Desk", "role": "Front desk", "user": "frontdesk"}).id
        max_ = staff.add(ctx, {"name": "Max Assist", "role": "medical_assistant"}).id
    return SimpleNamespace(adams=adams, baker=baker, cleo=cleo, max=max_)


@pytest.fixture
def world(medoffice_practice) -> SimpleNamespace:
    """Built once per test process on the fixed clock and copied for each test (``Practice.seed``)."""
    built = medoffice_practice.seed(build_world)
    medoffice_practice.runtime.clock = lambda: NOW
    return built


@pytest.fixture
def cli_world(medoffice_practice) -> SimpleNamespace:
    return build_world(medoffice_practice, fix_clock=False)
