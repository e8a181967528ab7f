"""A practice for the staff rota: locations, providers and a receptionist, the clock fixed on
Monday 2026-01-05 12:00 UTC (07:00 in New York).

Staff: Dr Adams and Dr Baker (providers), Cleo Clerk (``world.clerk``, receptionist, the one
who can have shifts). When the scheduling plugin is enabled the world can book too: the
appointment types Check-up (30 min) and Long (120 min), Dr Adams seeing patients Monday to
Friday 09:00-12:00 and 13:00-17:00 at Main, Dr Baker Monday and Wednesday 08:00-10:00 at
North and Tuesday 09:00-12:00 at Main, and the patients Ann, Bo and Cy (``world.ann``… are
their MRNs).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from medoffice.core.services import patients, practice, staff
from medoffice.core.validation import luhn_check_digit

NOW = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.timezone.utc)


def npi(seed: int) -> str:
    base = f"{123456700 + seed:09d}"
    return base + str(luhn_check_digit("80840" + base))


def register(ctx, first: str, last: str = "Lee") -> str:
    return patients.register(ctx, {"first_name": first, "last_name": last, "date_of_birth": "1970-01-02",
                                   "sex": "f"}).patient.mrn


def _appointment_book(ctx, adams: int, baker: int) -> None:
    from medoffice.plugins.scheduling import catalogue

    catalogue.add_type(ctx, "Check-up", 30, colour="green")
    catalogue.add_type(ctx, "Long", 120)
    for weekday in ("mon", "tue", "wed", "thu", "fri"):
        catalogue.add_template(ctx, adams, weekday, "09:00", "12:00", "Main")
        catalogue.add_template(ctx, adams, weekday, "13:00", "17:00", "Main")
    catalogue.add_template(ctx, baker, "mon", "08:00", "10:00", "North")
    catalogue.add_template(ctx, baker, "wed", "08:00", "10:00", "North")
    catalogue.add_template(ctx, baker, "tue", "09:00", "12:00", "Main")


def build_world(practice_fixture, *, fix_clock: bool = True) -> SimpleNamespace:
    if fix_clock:
        practice_fixture.runtime.clock = lambda: NOW
    with practice_fixture.operation("admin") as ctx:
        practice.add_location(ctx, "Main")
        practice.add_location(ctx, "North")
        practice.add_room(ctx, "Main", "Exam 1")
        adams = staff.add(ctx, {"name": "Dr Adams", "role": "physician", "is_provider": True, "npi": npi(1)}).id
        baker = staff.add(ctx, {"name": "Dr Baker", "role": "physician", "is_provider": True, "npi": npi(2)}).id
        clerk = staff.add(ctx, {"name": "Cleo Clerk", "role": "receptionist"}).id
        if ctx.role_service("scheduling") is not None:
            _appointment_book(ctx, adams, baker)
        ann, bo, cy = register(ctx, "Ann"), register(ctx, "Bo"), register(ctx, "Cy")
    return SimpleNamespace(adams=adams, baker=baker, clerk=clerk, ann=ann, bo=bo, cy=cy)


@pytest.fixture
def world(medoffice_practice) -> SimpleNamespace:
    return build_world(medoffice_practice)


@pytest.fixture
def cli_world(medoffice_practice) -> SimpleNamespace:
    """The world without a fixed clock: each command opens a runtime of its own, on the real clock."""
    return build_world(medoffice_practice, fix_clock=False)
