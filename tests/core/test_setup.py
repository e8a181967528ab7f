"""Making a practice: ``init`` from flags, the demo, and refusing a second practice."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import create_engine, inspect

from medoffice.core.cli import cli


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env or {})


def test_init_from_flags_creates_the_practice_and_its_admin(tmp_path, medoffice_env):
    url = f"sqlite:///{tmp_path / 'clinic.sqlite'}"
    result = run("--db", url, "init", "--name", "Hill Clinic", "--timezone", "America/Denver", "--npi", "1234567893",
                 "--admin-user", "boss", "--json", env={"MEDOFFICE_ADMIN_PASSWORD": "long-enough-pw"})
    assert result.exit_code == 0, result.output
    shown = run("--db", url, "--user", "boss", "practice", "show", "--json",
                env={"MEDOFFICE_PASSWORD": "long-enough-pw"})
    assert shown.exit_code == 0, shown.output
    assert '"timezone": "America/Denver"' in shown.output


def test_init_refuses_bad_input_and_leaves_the_database_empty(tmp_path, medoffice_env):
    url = f"sqlite:///{tmp_path / 'clinic.sqlite'}"
    result = run("--db", url, "init", "--name", "Hill Clinic", "--timezone", "Mars/Base", "--admin-user", "boss",
                 env={"MEDOFFICE_ADMIN_PASSWORD": "long-enough-pw"})
    assert result.exit_code == 1 and "unknown time zone" in result.output
    weak = run("--db", url, "init", "--name", "Hill Clinic", "--timezone", "America/Denver",
               env={"MEDOFFICE_ADMIN_PASSWORD": "short"})
    assert weak.exit_code == 1 and "8 characters" in weak.output
    assert not inspect(create_engine(url)).has_table("core_practice")


def test_a_second_init_is_refused(tmp_path, medoffice_env):
    url = f"sqlite:///{tmp_path / 'clinic.sqlite'}"
    args = ("--db", url, "init", "--name", "Hill", "--timezone", "America/Denver")
    env = {"MEDOFFICE_ADMIN_PASSWORD": "long-enough-pw"}
    assert run(*args, env=env).exit_code == 0
    again = run(*args, env=env)
    assert again.exit_code == 1 and "already has a practice" in again.output


def test_the_demo_is_reproducible_and_prints_its_users(tmp_path, medoffice_env):
    urls = [f"sqlite:///{tmp_path / name}" for name in ("a.sqlite", "b.sqlite")]
    for url in urls:
        result = run("--db", url, "demo", "--seed", "3", "--patients", "12", "--json")
        assert result.exit_code == 0, result.output
        assert [u["user"] for u in __import__("json").loads(result.output)["users"]] == [
            "admin", "manager", "frontdesk", "billing"]
    exports = [run("--db", url, "--user", "manager", "patients", "export", env={"MEDOFFICE_PASSWORD": "demo"}).output
               for url in urls]
    assert exports[0] == exports[1] and exports[0].count("\n") == 13
    reuse = run("--db", urls[0], "demo")
    assert "Using the demo practice" in reuse.output


def test_the_demo_refuses_a_real_practice_and_leaves_it_alone(tmp_path, medoffice_env):
    """``medoffice --db <the clinic's database> demo`` by mistake: it must not call the real
    practice a demo nor print passwords that open it, and it writes nothing there."""
    url = f"sqlite:///{tmp_path / 'clinic.sqlite'}"
    assert run("--db", url, "init", "--name", "Hill", "--timezone", "America/Denver",
               env={"MEDOFFICE_ADMIN_PASSWORD": "long-enough-pw"}).exit_code == 0
    before = (tmp_path / "clinic.sqlite").read_bytes()
    result = run("--db", url, "demo")
    assert result.exit_code == 1, result.output
    assert "holds a real practice, not a demo" in result.output and "password" not in result.output
    assert (tmp_path / "clinic.sqlite").read_bytes() == before


def test_a_demo_made_by_an_older_medoffice_is_upgraded_when_reused(tmp_path, medoffice_env):
    """README's first command, run again after an upgrade: the demo's core schema is brought
    up to date (as `db upgrade` would) instead of failing at the first query."""
    from alembic import command

    from medoffice.core.runtime import open_runtime
    from medoffice.core.storage import migrate
    from medoffice.core.storage.base import CoreBase
    from medoffice.core.storage.schema_version import core_behind

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert run("--db", url, "demo", "--patients", "5").exit_code == 0
    runtime = open_runtime(url)
    with runtime.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn, "core", migrate.CORE_VERSIONS, CoreBase.metadata), "c0001")
    assert core_behind(runtime.engine) is not None
    runtime.close()

    reuse = run("--db", url, "demo")
    assert reuse.exit_code == 0 and "Using the demo practice" in reuse.output, reuse.output
    runtime = open_runtime(url)
    assert core_behind(runtime.engine) is None
    runtime.close()
    found = run("--db", url, "--user", "frontdesk", "patients", "find", "a", env={"MEDOFFICE_PASSWORD": "demo"})
    assert found.exit_code == 0, found.output
