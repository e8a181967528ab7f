"""The scheduling role swapped: the built-in plugin disabled, swap_scheduling.py providing it.

``swap`` loads swap_scheduling.py as the module ``medoffice_swap_scheduling``; a test module
passes it to the practice through ``medoffice_extra_plugins``, as the kit registers any
plugin a test brings, and chooses the installed plugins with ``medoffice_plugins("billing")``
so the built-in scheduling plugin is recorded disabled.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from medoffice.core.services import patients, staff
from medoffice.core.validation import luhn_check_digit

MODULE = "medoffice_swap_scheduling"
NOW = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.timezone.utc)
"""Monday 2026-01-05, 10:00 in New York (the test practice's zone)."""


def load_swap() -> ModuleType:
    if MODULE in sys.modules:
        return sys.modules[MODULE]
    spec = importlib.util.spec_from_file_location(MODULE, Path(__file__).with_name("swap_scheduling.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def swap() -> ModuleType:
    return load_swap()


@pytest.fixture
def medoffice_extra_plugins(swap):
    return [swap]


@pytest.fixture
def world(medoffice_practice, swap) -> SimpleNamespace:
    """Ann, Dr Adams, a fee for 99213, and Ann's two visits with the swapped provider today
    (09:00 and 11:00 New York), the first completed."""
    from medoffice.plugins.billing import fees

    medoffice_practice.runtime.clock = lambda: NOW
    with medoffice_practice.operation("admin") as ctx:
        base = "123456701"
        npi = base + str(luhn_check_digit("80840" + base))
        adams = staff.add(ctx, {"name": "Dr Adams", "role": "physician", "is_provider": True, "npi": npi}).id
        ann = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                      "sex": "f"}).patient
    with medoffice_practice.operation("billing") as ctx:
        fees.import_csv(ctx, io.StringIO("code,fee\n99213,95.00\n"))
    with medoffice_practice.operation("frontdesk") as ctx:
        first = swap.book(ctx, ann.id, adams, "Checkup", NOW - dt.timedelta(hours=1))
        second = swap.book(ctx, ann.id, adams, "Follow-up", NOW + dt.timedelta(hours=1))
        swap.complete(ctx, first.id)
    return SimpleNamespace(ann=ann, adams=adams, first=first, second=second)
