"""A practice set up for billing: a provider, a location, patients, a fee schedule, payers.

``world`` builds it through the core's and the plugin's services, as a manager and a biller
would, and fixes the practice's clock on Monday 2026-01-05 15:00 UTC (10:00 in New York).

Fees: 99213 95.00, 99214 140.00, 36415 12.50, 81002 8.25, J3420 25.00.
Payers: Acme Health (payer id ACME1), Blue Plan (BLUE2, BL).
Patients: Ann (insured by Acme, copay 25.00), Bo (uninsured), Cy (child on her father's Blue Plan).
"""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest

from medoffice.core.services import patients, practice, staff
from medoffice.core.validation import luhn_check_digit
from medoffice.plugins.billing import fees, payers, policies

NOW = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.timezone.utc)
FEES = "code,fee\n99213,95.00\n99214,140.00\n36415,12.50\n81002,8.25\nJ3420,25.00\n"


def npi(seed: int) -> str:
    base = f"{123456700 + seed:09d}"
    return base + str(luhn_check_digit("80840" + base))


def register(ctx, first: str, last: str = "Lee", born: str = "1970-01-02", sex: str = "f") -> str:
    return patients.register(ctx, {"first_name": first, "last_name": last, "date_of_birth": born,
                                   "sex": sex}).patient.mrn


def build_world(practice_fixture, *, fix_clock: bool = True) -> SimpleNamespace:
    if fix_clock:
        practice_fixture.runtime.clock = lambda: NOW
    with practice_fixture.operation("admin") as ctx:
        practice.add_location(ctx, "Main")
        adams = staff.add(ctx, {"name": "Dr Adams", "role": "physician", "is_provider": True, "npi": npi(1)}).id
        ann, bo = register(ctx, "Ann"), register(ctx, "Bo", sex="m")
        cy = register(ctx, "Cy", "Diaz", born="2015-06-01")
    with practice_fixture.operation("billing") as ctx:
        fees.import_csv(ctx, io.StringIO(FEES))
        payers.add_payer(ctx, {"name": "Acme Health", "payer_code": "ACME1", "address_line1": "1 Main St",
                               "city": "Hartford", "state": "CT", "postal_code": "06101"})
        payers.add_payer(ctx, {"name": "Blue Plan", "payer_code": "BLUE2", "claim_filing_code": "BL"})
    with practice_fixture.operation("frontdesk") as ctx:
        policies.add_policy(ctx, ann, "Acme Health", {"member_id": "ACM123", "group_number": "G1", "copay": "25"})
        policies.add_policy(ctx, cy, "Blue Plan", {
            "member_id": "BLU9", "relationship": "child", "subscriber_first_name": "Dan",
            "subscriber_last_name": "Diaz", "subscriber_date_of_birth": "1980-03-04", "subscriber_sex": "male"})
    return SimpleNamespace(adams=adams, ann=ann, bo=bo, cy=cy)


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
    """The world on the real clock: each command opens a runtime of its own."""
    return build_world(medoffice_practice, fix_clock=False)
