"""``Practice.seed``: a folder's shared set-up is built once per process and copied after.

Each test makes its own practices (the fixture's and more with the kit's ``make_practice``)
and names its own seed ``key``, so the first seeding here is always a real build, whatever
ran before in the process and in whatever order.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from types import SimpleNamespace

import pytest

from medoffice.core.audit import verify_practice
from medoffice.core.loader import discover
from medoffice.core.services import patients
from medoffice.testing import Practice
from medoffice.testing._backends import postgres_schema, postgres_url, sqlite_url
from medoffice.testing._practice import make_practice
from medoffice.testing._schema_pool import give_back

NOW = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.timezone.utc)
BUILDS: list[str] = []
"""Each real run of :func:`build_clinic`, by the practice's URL."""


def build_clinic(practice: Practice) -> SimpleNamespace:
    BUILDS.append(practice.url)
    practice.runtime.clock = lambda: NOW
    with practice.operation("frontdesk") as ctx:
        ann = patients.register(ctx, {"first_name": "Ann", "last_name": "Seed", "date_of_birth": "1970-01-02",
                                      "sex": "f"}).patient.mrn
    return SimpleNamespace(ann=ann, tags=["first"])


@pytest.fixture
def another_practice(medoffice_backend, medoffice_env, tmp_path) -> Iterator[Callable[[], Practice]]:
    """``another_practice()``: one more practice like the fixture's, closed after the test."""
    made_so_far = itertools.count(1)
    with ExitStack() as stack:
        def make() -> Practice:
            if medoffice_backend == "sqlite":
                url = sqlite_url(tmp_path / f"another-{next(made_so_far)}.sqlite")
            else:
                url = stack.enter_context(postgres_schema(postgres_url(), give_back=give_back))
            installed, failures = discover()
            made = make_practice(url, backend=medoffice_backend, installed=installed, failures=failures)
            stack.callback(made.close)
            return made

        yield make


def names_of(practice: Practice) -> list[str]:
    with practice.operation(write=False) as ctx:
        return sorted(p.last_name for p in patients.iter_all(ctx))


def test_the_second_practice_is_a_copy_of_the_first_build(medoffice_practice, another_practice, request):
    key = request.node.nodeid
    first = medoffice_practice.seed(build_clinic, key=key)
    second_practice = another_practice()
    second = second_practice.seed(build_clinic, key=key)
    assert BUILDS.count(medoffice_practice.url) == 1 and second_practice.url not in BUILDS
    assert second == first and second is not first and second.tags is not first.tags  # a copy of the value
    assert names_of(second_practice) == ["Seed"]
    with second_practice.operation(write=False) as ctx:
        assert patients.get(ctx, second.ann).first_name == "Ann"
    report = verify_practice(second_practice.runtime)
    assert report.ok, report.problem  # the audit chain and its key came with the copy


def test_each_copy_is_its_own(medoffice_practice, another_practice, request):
    key = request.node.nodeid
    medoffice_practice.seed(build_clinic, key=key)
    copy = another_practice()
    built = copy.seed(build_clinic, key=key)
    built.tags.append("changed by this test")
    with copy.operation("frontdesk") as ctx:
        patients.register(ctx, {"first_name": "Bo", "last_name": "Own", "date_of_birth": "1980-01-02", "sex": "m"})
    third = another_practice()
    assert third.seed(build_clinic, key=key).tags == ["first"]
    assert names_of(third) == ["Seed"] and names_of(copy) == ["Own", "Seed"]


def test_a_practice_already_used_runs_the_build_on_itself(medoffice_practice, another_practice, request):
    key = request.node.nodeid
    medoffice_practice.seed(build_clinic, key=key)
    used = another_practice()
    used.user("admin")  # signing in writes to the audit log
    used.seed(build_clinic, key=key)
    assert used.url in BUILDS
    assert verify_practice(used.runtime).ok


def test_a_closure_is_not_told_apart_so_it_always_runs(medoffice_practice, another_practice):
    runs: list[str] = []

    def build(practice: Practice) -> None:
        runs.append(practice.url)

    medoffice_practice.seed(build)
    second = another_practice()
    second.seed(build)
    assert runs == [medoffice_practice.url, second.url]
