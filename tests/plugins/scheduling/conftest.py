"""A practice set up for scheduling: providers, locations with rooms, types, availability.

``world`` builds it through the core's and the plugin's services, as a manager would, and
fixes the practice's clock on Monday 2026-01-05 12:00 UTC so that "the next free slot" is
the same on every run. The practice's zone is America/New_York (the kit's).

Availability:
    Dr Adams (``world.adams``): Mon-Fri 09:00-12:00 and 13:00-17:00 at Main; Sun 00:00-06:00
    and 22:00-23:30 at Main (for the daylight-saving nights).
    Dr Baker (``world.baker``): Mon and Wed 08:00-10:00 at North; Tue 09:00-12:00 at Main.
Types: Check-up 30 min (any patient), New patient 60 min (new), Follow-up 15 min
(established), Long 120 min (any).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from medoffice.core.services import patients, practice, staff
from medoffice.core.validation import luhn_check_digit
from medoffice.plugins.scheduling import catalogue
from medoffice.testing import PRACTICE

NOW = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.timezone.utc)


def npi(seed: int) -> str:
    base = f"{123456700 + seed:09d}"
    return base + str(luhn_check_digit("80840" + base))


def register(ctx, first: str, last: str = "Lee") -> str:
    return patients.register(ctx, {"first_name": first, "last_name": last, "date_of_birth": "1970-01-02",
                                   "sex": "f"}).patient.mrn


def build_world(practice_fixture, *, fix_clock: bool = True) -> SimpleNamespace:
    if fix_clock:
        practice_fixture.runtime.clock = lambda: NOW
    with practice_fixture.operation("admin") as ctx:
        practice.add_location(ctx, "Main")
        practice.add_location(ctx, "North")
        practice.add_room(ctx, "Main", "Exam 1")
        practice.add_room(ctx, "Main", "Exam 2")
        adams = staff.add(ctx, {"name": "Dr Adams", "role": "physician", "is_provider": True, "npi": npi(1)}).id
        baker = staff.add(ctx, {"name": "Dr Baker", "role": "physician", "is_provider": True, "npi": npi(2)}).id
        clerk = staff.add(ctx, {"name": "Cleo Clerk", "role": "receptionist"}).id
        catalogue.add_type(ctx, "Check-up", 30, colour="green")
        catalogue.add_type(ctx, "New patient", 60, colour="blue", patient_kind="new")
        catalogue.add_type(ctx, "Follow-up", 15, colour="grey", patient_kind="established")
        catalogue.add_type(ctx, "Long", 120)
        for weekday in ("mon", "tue", "wed", "thu", "fri"):
            catalogue.add_template(ctx, adams, weekday, "09:00", "12:00", "Main")
            catalogue.add_template(ctx, adams, weekday, "13:00", "17:00", "Main")
        catalogue.add_template(ctx, adams, "sun", "00:00", "06:00", "Main")
        catalogue.add_template(ctx, adams, "sun", "22:00", "23:30", "Main")
        catalogue.add_template(ctx, baker, "mon", "08:00", "10:00", "North")
        catalogue.add_template(ctx, baker, "wed", "08:00", "10:00", "North")
        catalogue.add_template(ctx, baker, "tue", "09:00", "12:00", "Main")
        ann, bo, cy = register(ctx, "Ann"), register(ctx, "Bo"), register(ctx, "Cy")
    return SimpleNamespace(adams=adams, baker=baker, clerk=clerk, ann=ann, bo=bo, cy=cy)


def build_fixed_world(practice_fixture) -> SimpleNamespace:
    """The world on the fixed clock: the same rows whenever it is built, so it can be copied."""
    return build_world(practice_fixture)


@pytest.fixture
def world(medoffice_practice) -> SimpleNamespace:
    """Built once per test process and copied for each test (``Practice.seed``)."""
    built = medoffice_practice.seed(build_fixed_world)
    medoffice_practice.runtime.clock = lambda: NOW
    return built


@pytest.fixture
def cli_world(medoffice_practice) -> SimpleNamespace:
    """The world without a fixed clock: each command opens a runtime of its own, on the real clock."""
    return build_world(medoffice_practice, fix_clock=False)


@pytest.fixture
def practice_clock(medoffice_practice):
    """``practice_clock("2026-01-06 09:20")``: the practice's clock stands at this local time
    (America/New_York) from now on. The day's flow asks it which day it is: a patient is
    checked in on the appointment's day, marked a no-show only after its start."""
    zone = ZoneInfo(PRACTICE["timezone"])

    def stand_at(local: str) -> dt.datetime:
        moment = dt.datetime.fromisoformat(local).replace(tzinfo=zone).astimezone(dt.timezone.utc)
        medoffice_practice.runtime.clock = lambda: moment
        return moment

    return stand_at


@pytest.fixture
def cli_clock(medoffice_practice):
    """``cli_clock("2030-03-12 09:20")``: the commands this test runs afterwards open their
    practice on a clock fixed at this local time (the kit's ``command_clock``)."""
    zone = ZoneInfo(PRACTICE["timezone"])

    def stand_at(local: str) -> dt.datetime:
        moment = dt.datetime.fromisoformat(local).replace(tzinfo=zone).astimezone(dt.timezone.utc)
        medoffice_practice.command_clock = lambda: moment
        return moment

    return stand_at


@pytest.fixture
def make_npi():
    """``make_npi(seed)``: a valid NPI for a test's own provider."""
    return npi
