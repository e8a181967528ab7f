"""The ``medoffice`` pytest plugin: fixtures for testing the core and plugins.

Installed with medoffice (entry point ``pytest11: medoffice``), so a plugin's own test suite
needs no conftest. This module is imported by every pytest run in the environment: it
imports nothing of medoffice at module level, only inside the fixtures.

Options:
    ``--medoffice-db=sqlite,postgresql``: the backends the database fixtures run on (default:
    ``MEDOFFICE_TEST_DB``, else ``sqlite``). Each test that uses a database fixture runs once
    per backend, with the id ``[sqlite]`` or ``[postgresql]``. PostgreSQL is reached at
    ``MEDOFFICE_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``),
    one fresh schema per test; when it is unreachable the test is skipped, or fails when
    ``CI=true``.

Markers:
    ``@pytest.mark.medoffice_plugins("patient-alerts", ...)``: enable exactly these installed
    plugins (and what they require) in the practice; the other installed plugins are
    recorded as disabled. Without it, every installed plugin keeps its default.

    ``@pytest.mark.medoffice_backends("sqlite")``: the backends the test supports (the
    closest mark wins). It runs on those of them ``--medoffice-db`` chose, and is
    deselected when there are none.

Fixtures:
    ``medoffice_env``, ``medoffice_backend``, ``medoffice_db_url``,
    ``medoffice_extra_plugins``, ``medoffice_practice``, ``medoffice_user``,
    ``medoffice_cli``, ``medoffice_pilot``, ``conformance``.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ._backends import in_ci, parse_backends, postgres_url, probe_postgres, sqlite_url

if TYPE_CHECKING:
    from medoffice.core.records import UserRecord
    from medoffice.core.runtime import Runtime

    from ._cli import CliResult
    from ._practice import Practice

BACKENDS_KEY = pytest.StashKey[tuple[str, ...]]()
POSTGRES_PROBES_KEY = pytest.StashKey[dict[str, str | None]]()

PLUGINS_MARKER = ("medoffice_plugins(*ids): enable exactly these installed plugins (and what they require) "
                  "in the practice fixture")
BACKENDS_MARKER = ("medoffice_backends(*names): run the test only on these backends (sqlite, postgresql), "
                   "among those --medoffice-db chose")

ENV_REMOVED = ("MEDOFFICE_DB", "MEDOFFICE_USER", "MEDOFFICE_PASSWORD", "MEDOFFICE_CONFIG", "MEDOFFICE_DEBUG")
"""Variables that would point a test at a real practice or user; ``MEDOFFICE_AUDIT_KEY*`` go too."""


# -- options, marker, parametrization --------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("medoffice", "medoffice test kit")
    group.addoption(
        "--medoffice-db", dest="medoffice_db", default=None, metavar="BACKENDS",
        help="Comma list of database backends to run the database tests on: sqlite, postgresql "
             "(default: $MEDOFFICE_TEST_DB, else sqlite).",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", PLUGINS_MARKER)
    config.addinivalue_line("markers", BACKENDS_MARKER)
    value = config.getoption("medoffice_db") or os.environ.get("MEDOFFICE_TEST_DB") or "sqlite"
    try:
        config.stash[BACKENDS_KEY] = parse_backends(value)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[POSTGRES_PROBES_KEY] = {}


def _pinned(metafunc: pytest.Metafunc) -> bool:
    """Whether the test parametrizes ``medoffice_backend`` itself (to pin a backend)."""
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",")]
        if "medoffice_backend" in names:
            return True
    return False


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that needs a database once per chosen backend it supports."""
    if "medoffice_backend" not in metafunc.fixturenames or _pinned(metafunc):
        return
    chosen = metafunc.config.stash[BACKENDS_KEY]
    mark = metafunc.definition.get_closest_marker("medoffice_backends")
    supported = parse_backends(",".join(mark.args)) if mark is not None else chosen
    backends = [b for b in chosen if b in supported] or list(supported)  # none chosen: deselected below
    metafunc.parametrize("medoffice_backend", backends, ids=backends, indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the runs on backends ``--medoffice-db`` did not choose."""
    chosen = config.stash[BACKENDS_KEY]
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("medoffice_backend") if callspec is not None else None
        (drop if backend is not None and backend not in chosen else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the PostgreSQL practices kept for the next tests (only if any were made)."""
    import sys

    pool = sys.modules.get("medoffice.testing._schema_pool")
    if pool is not None:
        pool.drop_idle()


def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop, so that TUI tests (``App.run_test``)
    need no asyncio plugin. Tests marked for pytest-asyncio, anyio or trio are left to those
    plugins; without any of them pytest could not run an async test at all."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    if any(pyfuncitem.get_closest_marker(name) for name in ("asyncio", "anyio", "trio")):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**arguments))
    return True


# -- environment and database ----------------------------------------------------------------


@pytest.fixture
def medoffice_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An environment that cannot reach a real practice.

    ``MEDOFFICE_HOME`` points at a new temporary folder (config, keys, default database),
    ``MEDOFFICE_FAST_HASHING=1`` makes password hashing cheap, and the variables naming a
    database, a user, a password, a config file or an audit key are removed.

    Returns:
        The ``MEDOFFICE_HOME`` folder.
    """
    home = tmp_path_factory.mktemp("medoffice-home")
    monkeypatch.setenv("MEDOFFICE_HOME", str(home))
    monkeypatch.setenv("MEDOFFICE_FAST_HASHING", "1")
    for name in list(os.environ):
        if name in ENV_REMOVED or name.startswith("MEDOFFICE_AUDIT_KEY"):
            monkeypatch.delenv(name)
    return home


@pytest.fixture
def medoffice_backend(request: pytest.FixtureRequest) -> str:
    """The backend this run of the test uses: ``"sqlite"`` or ``"postgresql"``.

    Parametrized from ``--medoffice-db``. A test may pin one with
    ``@pytest.mark.parametrize("medoffice_backend", ["sqlite"], indirect=True)``; like every
    run on a backend ``--medoffice-db`` did not choose, it is then deselected on the others.
    """
    backend = getattr(request, "param", None) or request.config.stash[BACKENDS_KEY][0]
    if backend == "postgresql":
        url = postgres_url()
        probes = request.config.stash[POSTGRES_PROBES_KEY]
        if url not in probes:
            probes[url] = probe_postgres(url)
        problem = probes[url]
        if problem is not None:
            from ._backends import display_url

            message = f"PostgreSQL at {display_url(url)} is not reachable: {problem}"
            if in_ci():
                pytest.fail(f"{message} (CI=true: the PostgreSQL tests must run; start the server or "
                            "set MEDOFFICE_TEST_POSTGRES_URL)", pytrace=False)
            pytest.skip(f"{message} (set MEDOFFICE_TEST_POSTGRES_URL, or run with --medoffice-db=sqlite)")
    return backend


@pytest.fixture
def medoffice_db_url(medoffice_backend: str, medoffice_env: Path, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of the test's backend, gone when the test ends.

    SQLite: a file under ``tmp_path``. PostgreSQL: a schema ``mo_<random>`` of its own (the
    URL sets ``search_path``), gone afterwards: dropped, or, when it holds a practice of the
    kit's that can be put back as it was made, kept under another name for the next test
    (:mod:`medoffice.testing._schema_pool`).
    """
    if medoffice_backend == "sqlite":
        yield sqlite_url(tmp_path / "practice.sqlite")
        return
    from ._backends import postgres_schema
    from ._schema_pool import give_back

    with postgres_schema(postgres_url(), give_back=give_back) as url:
        yield url


# -- plugins and the practice ----------------------------------------------------------------


@pytest.fixture
def medoffice_extra_plugins() -> list[Any]:
    """In-memory plugins to add to the practice: override it in a test module or conftest.

    Each item is a module or object with ``plugin_info`` and hook implementations (or a
    ready :class:`~medoffice.core.loader.Candidate`); they are always enabled and migrated.
    """
    return []


@pytest.fixture
def medoffice_practice(
    request: pytest.FixtureRequest,
    medoffice_env: Path,
    medoffice_backend: str,
    medoffice_db_url: str,
    medoffice_extra_plugins: list[Any],
) -> Iterator[Practice]:
    """A new practice for this test, on each chosen backend.

    "Test Practice" (America/New_York), made by :func:`medoffice.core.setup.init_practice`,
    with the users ``admin`` (role admin), ``frontdesk`` (front_desk), ``billing`` and
    ``manager``, each with the password ``<user name>-password``. Its plugins are the
    installed ones (or those the ``medoffice_plugins`` marker names) and the
    ``medoffice_extra_plugins``.

    Returns:
        A :class:`medoffice.testing.Practice`: ``.runtime``, ``.url``, ``.user(name)``,
        ``.operation(user, write=)``, ``.cli(*args, user=)``, ``.pilot(user)``, and
        ``.seed(build)`` for a set-up many tests share (built once per process, then copied).
    """
    from medoffice.core.loader import discover

    from ._practice import as_candidates, make_practice

    marker = request.node.get_closest_marker("medoffice_plugins")
    chosen = None if marker is None else list(marker.args)
    installed, failures = discover()
    try:
        practice = make_practice(medoffice_db_url, backend=medoffice_backend, installed=installed, failures=failures,
                                 extras=as_candidates(medoffice_extra_plugins), chosen=chosen)
    except ValueError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield practice
    practice.close()


@pytest.fixture
def medoffice_user(medoffice_practice: Practice) -> UserRecord:
    """The practice's administrator, signed in."""
    return medoffice_practice.user("admin")


@pytest.fixture
def medoffice_cli(medoffice_practice: Practice) -> Callable[..., CliResult]:
    """Run ``medoffice`` on the practice: ``medoffice_cli("patients", "find", "lee", user="frontdesk")``.

    Returns a :class:`medoffice.testing.CliResult` with ``exit_code``, ``stdout``, ``stderr``
    and ``json()``. See :meth:`medoffice.testing.Practice.cli`.
    """
    return medoffice_practice.cli


@pytest.fixture
def medoffice_pilot(medoffice_practice: Practice) -> Callable[..., Any]:
    """Start the TUI on the practice: ``async with medoffice_pilot("frontdesk") as pilot: ...``.

    An ``async def`` test that uses the kit runs in its own event loop; no asyncio plugin is
    needed. See :meth:`medoffice.testing.Practice.pilot`.
    """
    return medoffice_practice.pilot


@pytest.fixture
def medoffice_other_terminal(medoffice_practice: Practice) -> Iterator[Runtime]:
    """The practice opened again as a second desk's runtime, on the practice's clock, closed
    after the test. A test asks for it after the fixtures that seed the practice (or a
    fixture of its own depends on them: ``practice.another_terminal()``). See
    :meth:`medoffice.testing.Practice.another_terminal`."""
    with medoffice_practice.another_terminal() as runtime:
        yield runtime


@pytest.fixture
def conformance(medoffice_practice: Practice) -> Callable[[str], None]:
    """``conformance("patient-alerts")`` runs :func:`medoffice.testing.conformance.check_plugin`
    on the practice."""
    from .conformance import check_plugin

    def check(plugin_id: str) -> None:
        check_plugin(medoffice_practice, plugin_id)

    return check
