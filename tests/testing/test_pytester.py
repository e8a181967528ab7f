"""The kit as a plugin author meets it: a child pytest run with only the kit installed."""

from __future__ import annotations

import pytest

from medoffice.testing._backends import in_ci, postgres_url, probe_postgres

CLOSED_PORT = "postgresql://postgres@127.0.0.1:1/test"

USES_THE_DATABASE = """
def test_practice(medoffice_practice):
    assert medoffice_practice.runtime.has_practice

def test_no_database():
    pass
"""


@pytest.fixture
def child(pytester, monkeypatch):
    """A child run's environment: no CI flag or backend choice inherited from ours."""
    for name in ("CI", "MEDOFFICE_TEST_DB", "MEDOFFICE_TEST_POSTGRES_URL"):
        monkeypatch.delenv(name, raising=False)
    return pytester


def require_postgres():
    """The kit's own rule for this file's PostgreSQL tests: skip without a server, fail under CI."""
    problem = probe_postgres(postgres_url())
    if problem is not None:
        if in_ci():
            pytest.fail(f"PostgreSQL is not reachable under CI=true: {problem}")
        pytest.skip(f"PostgreSQL is not reachable: {problem}")


class TestParametrization:
    def test_database_tests_run_on_sqlite_by_default(self, child):
        child.makepyfile(USES_THE_DATABASE)
        result = child.runpytest_subprocess("--collect-only", "-q")
        result.stdout.fnmatch_lines(["*::test_practice[[]sqlite[]]", "*::test_no_database"])
        result.stdout.no_fnmatch_line("*postgresql*")

    def test_the_option_runs_them_on_each_backend_named(self, child):
        child.makepyfile(USES_THE_DATABASE)
        result = child.runpytest_subprocess("--collect-only", "-q", "--medoffice-db=sqlite,postgresql")
        result.stdout.fnmatch_lines(["*::test_practice[[]sqlite[]]", "*::test_practice[[]postgresql[]]",
                                     "*::test_no_database", "3 tests collected*"])

    def test_the_environment_chooses_when_the_option_does_not(self, child, monkeypatch):
        child.makepyfile(USES_THE_DATABASE)
        monkeypatch.setenv("MEDOFFICE_TEST_DB", "postgresql")
        result = child.runpytest_subprocess("--collect-only", "-q")
        result.stdout.fnmatch_lines(["*::test_practice[[]postgresql[]]", "2 tests collected*"])

    def test_an_unknown_backend_is_a_usage_error(self, child):
        child.makepyfile(USES_THE_DATABASE)
        result = child.runpytest_subprocess("--medoffice-db=sqlite,oracle")
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines(["*unknown backend 'oracle' (choose from sqlite, postgresql)*"])

    def test_a_test_marked_for_other_backends_is_deselected(self, child):
        child.makepyfile("""
            import pytest

            @pytest.mark.medoffice_backends("postgresql")
            def test_pg_only(medoffice_db_url):
                assert medoffice_db_url.startswith("postgresql")

            @pytest.mark.medoffice_backends("sqlite", "postgresql")
            def test_both(medoffice_backend):
                pass
        """)
        only_sqlite = child.runpytest_subprocess("-v")
        only_sqlite.assert_outcomes(passed=1, deselected=1)
        only_sqlite.stdout.fnmatch_lines(["*::test_both[[]sqlite[]] PASSED*"])
        both = child.runpytest_subprocess("--collect-only", "-q", "--medoffice-db=sqlite,postgresql")
        both.stdout.fnmatch_lines(["*::test_pg_only[[]postgresql[]]", "*::test_both[[]sqlite[]]",
                                   "*::test_both[[]postgresql[]]", "3 tests collected*"])

    def test_async_tests_using_the_kit_run_without_an_asyncio_plugin(self, child):
        child.makepyfile("""
            import asyncio

            async def test_runs(medoffice_env):
                await asyncio.sleep(0)
                assert False, "the coroutine really ran"
        """)
        result = child.runpytest_subprocess()
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(["*AssertionError: the coroutine really ran*"])


class TestUnreachablePostgres:
    def test_outside_ci_the_test_is_skipped_with_the_reason(self, child, monkeypatch):
        child.makepyfile(USES_THE_DATABASE)
        monkeypatch.setenv("MEDOFFICE_TEST_POSTGRES_URL", CLOSED_PORT)
        result = child.runpytest_subprocess("--medoffice-db=postgresql", "-rs")
        result.assert_outcomes(passed=1, skipped=1)
        result.stdout.fnmatch_lines(["SKIPPED*PostgreSQL at postgresql://postgres@127.0.0.1:1/test is not reachable*"])

    def test_under_ci_the_test_fails_with_a_clear_message(self, child, monkeypatch):
        child.makepyfile(USES_THE_DATABASE)
        monkeypatch.setenv("MEDOFFICE_TEST_POSTGRES_URL", CLOSED_PORT)
        monkeypatch.setenv("CI", "true")
        result = child.runpytest_subprocess("--medoffice-db=sqlite,postgresql", "-rfE")
        result.assert_outcomes(passed=2, errors=1)
        result.stdout.fnmatch_lines([
            "ERROR*test_practice[[]postgresql[]]*PostgreSQL at postgresql://postgres@127.0.0.1:1/test is not "
            "reachable*CI=true: the PostgreSQL tests must run*",
        ])
        result.stdout.no_fnmatch_line("*SKIPPED*")


class TestPostgresSchemas:
    def test_each_test_has_its_own_schema_and_none_is_left_afterwards(self, child, killed_run_leftover):
        require_postgres()
        child.makepyfile("""
            import os
            import pathlib
            from medoffice.core.services import patients
            from sqlalchemy import text

            def record(practice, name):
                with practice.runtime.engine.connect() as conn:
                    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
                    table = conn.execute(text("SELECT 'core_patient'::regclass::oid")).scalar_one()
                pathlib.Path(name).write_text(f"{schema} {table} {os.getpid()}")

            def test_one(medoffice_practice):
                record(medoffice_practice, "one.txt")
                with medoffice_practice.operation("frontdesk") as ctx:
                    patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                            "sex": "f"})

            def test_two(medoffice_practice):
                record(medoffice_practice, "two.txt")
                with medoffice_practice.operation("frontdesk", write=False) as ctx:
                    assert patients.count(ctx) == 0
        """)
        result = child.runpytest_subprocess("--medoffice-db=postgresql")
        result.assert_outcomes(passed=2)
        one, two = ((child.path / name).read_text().split() for name in ("one.txt", "two.txt"))
        assert one[0].startswith("mo_") and two[0].startswith("mo_") and one[0] != two[0]
        assert one[1] == two[1], "the second test should get the first one's practice back, put back as it was"
        import psycopg

        from medoffice.testing._backends import libpq_url

        with psycopg.connect(libpq_url(postgres_url())) as conn:
            left = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname IN (%s, %s, %s) OR nspname LIKE %s",
                                (one[0], two[0], killed_run_leftover, f"mo_idle_{one[2]}_%")).fetchall()
        assert left == [], "a test's schema, an idle practice, or what a killed run left is still there"


@pytest.fixture
def killed_run_leftover():
    """An idle practice's schema as a run killed before its end leaves it (its process is gone)."""
    import subprocess
    import sys

    import psycopg

    from medoffice.testing._backends import libpq_url

    require_postgres()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    schema = f"mo_idle_{int(gone.stdout)}_1"
    with psycopg.connect(libpq_url(postgres_url()), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return schema

